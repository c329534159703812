"""framing.notebook's sentences for empty and degenerate results."""

from __future__ import annotations

import pandas as pd

from framing import notebook as nb


def _arts(outlets, dated=True, texts=None):
    n = len(outlets)
    return pd.DataFrame({"outlet": outlets, "text": texts or ["Talks resumed in Geneva today."] * n,
                         "published": pd.to_datetime(["2022-03-01"] * n, utc=True) if dated else [pd.NaT] * n})


def test_an_empty_table_is_a_sentence_with_its_reason():
    note = nb.table(pd.DataFrame({"term": []}), "Distinctive <terms>", empty="Only one outlet.")
    assert isinstance(note, nb.Note)
    assert note._repr_html_() == ('<p class="framing-note"><strong>Note.</strong> '
                                  "Distinctive &lt;terms&gt;: nothing to show. Only one outlet.</p>")
    assert isinstance(nb.table(pd.DataFrame({"term": ["x"]}), "Terms", empty="unused"), nb.Table)
    asked = []
    assert isinstance(nb.table(pd.DataFrame({"term": ["x"]}), "Terms", empty=lambda: asked.append(1)), nb.Table)
    assert asked == []  # a costly reason is only worked out for an empty table
    assert repr(nb.table(pd.DataFrame({"term": []}), "Terms", empty=lambda: "Why.")) == "Note. Terms: nothing to show. Why."


def test_corpus_notes_name_each_degenerate_case_and_stay_silent_otherwise():
    assert not nb.corpus_notes(_arts(["A"] * 5 + ["B"] * 5))
    one = repr(nb.corpus_notes(_arts(["A"] * 6)))
    assert "All 6 articles are from one outlet (A)" in one and "outlets.yaml" not in one
    unknown = repr(nb.corpus_notes(_arts(["unknown"] * 3)))
    assert "one outlet (unknown)" in unknown and "outlets.yaml" in unknown and "sources.csv" in unknown
    mixed = repr(nb.corpus_notes(_arts(["A"] * 6 + ["unknown"] * 2)))
    assert '2 of 8 articles have no known outlet and are grouped as "unknown"' in mixed
    assert "1 of 2 outlets has fewer than 5 articles (unknown)" in mixed
    assert "No article has a publication date" in repr(nb.corpus_notes(_arts(["A"] * 5 + ["B"] * 5, dated=False)))
    assert "No article could be read" in repr(nb.corpus_notes(_arts([])))


def test_fewer_than_two_groups():
    assert nb.fewer_than_two(_arts(["A", "B"])) is None
    assert nb.fewer_than_two(_arts(["A", "A"])) == "It compares outlets with each other, and every article here is from one outlet (A)."


def test_why_no_collocations_suggests_words_that_occur():
    arts = _arts(["A", "B"], texts=["The referendums in Kherson were a sham.", "Officials held referendums."])
    assert nb.why_no_collocations(arts, "referendum") == (
        '"referendum" does not occur in these articles; words that do and look alike: "referendums". '
        "Set collocation_term to one of them.")
    assert "set collocation_term to a word that does" in nb.why_no_collocations(arts, "zzzz")
    assert nb.why_no_collocations(arts, "sham").startswith('"sham" occurs 1 time,')


# --------------------------------------------------------------------------- tables a reader can read


def test_table_prints_integers_as_integers_statistics_briefly_and_names_columns():
    df = pd.DataFrame({"term": ["kiev"], "statistic": [1.081280], "n_target": [2.0], "p": [0.000012345],
                       "speaker_group": ["Russia"], "few_docs": [True]})
    page = nb.table(df, "Terms").to_html()
    assert "2.000000" not in page and ">2<" in page
    assert ">1.08<" in page and "1.081280" not in page and "1.23e-05" in page
    for human in ("z (log-odds)", "uses (group)", "speaker group", "in ≤ 2 articles"):
        assert human in page
    assert "n_target" not in page and "speaker_group" not in page and ">yes<" in page
    # text columns are left-aligned, numbers right-aligned
    assert "td.col0" in page and "text-align: left" in page and "text-align: right" in page


def test_in_a_report_every_table_is_a_csv_linked_under_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    nb.setup(page="02_terms")
    try:
        df = pd.DataFrame({"article_id": ["abc123", "def456"], "outlet": ["A <b>", "B"], "count": [1.0, 2.0]})
        out = nb.table(df, "Concordance: war", max_rows=1, link="article_id", sortable=True)
        again = nb.table(df, "Concordance: war")  # the same caption twice gets its own file
        html = out.to_html()
        csv = tmp_path / "tables" / "02_terms--concordance-war.csv"
        assert csv.read_text(encoding="utf-8") == "article,outlet,count\nabc123,A <b>,1.0\ndef456,B,2.0\n"
        assert 'href="tables/02_terms--concordance-war.csv"' in html and "all 2 rows" in html
        assert (tmp_path / "tables" / "02_terms--concordance-war-2.csv").exists() and "war-2.csv" in again.to_html()
        assert '<a class="framing-read" href="articles/abc123.html">read</a>' in html
        assert "A &lt;b&gt;" in html and "data-sortable" in html
    finally:
        nb.setup()
    # outside a report nothing is written and the id column is left out
    plain = nb.table(pd.DataFrame({"article_id": ["x"], "outlet": ["A"]}), "Lines", link="article_id").to_html()
    assert "articles/" not in plain and "Download" not in plain


def test_in_a_report_every_figure_is_a_200_dpi_png_and_an_svg(tmp_path, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from PIL import Image

    monkeypatch.chdir(tmp_path)
    nb.setup(page="01_corpus")
    try:
        fig, ax = plt.subplots(figsize=(4, 3))
        ax.plot([0, 1], [0, 1])
        ax.set_title("Articles per period")
        nb.figure(ax)
    finally:
        nb.setup()
    png, svg = tmp_path / "figures" / "01_corpus--articles-per-period.png", tmp_path / "figures" / "01_corpus--articles-per-period.svg"
    assert round(Image.open(png).info["dpi"][0]) == 200 and Image.open(png).size[0] >= 700
    text = svg.read_text(encoding="utf-8")
    assert text.startswith("<?xml") and "<dc:date>" not in text
    assert not plt.get_fignums()  # shown and closed


def test_rates_and_quotations_tables(sample_corpus):
    import framing

    arts = sample_corpus.articles
    hits = framing.find_terms(arts)
    rates = nb.rates_table(framing.compare(hits, arts))
    assert {"outlet", "family", "variant", "hits", "articles", "per 10,000 words", "share"} <= set(rates.columns)
    assert "Kyiv / Kiev" in set(rates["family"]) and rates["hits"].dtype.kind == "i"
    quotes = nb.quotations_table(framing.find_quotes(arts), per_group=2)
    assert quotes.groupby("outlet").size().max() <= 2 and quotes["outlet"].nunique() == quotes["outlet"].nunique()
    assert quotes["quotation"].str.len().max() <= 160
