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
