"""keyness, collocations, outlet_similarity and the tokenizer: numbers checked by hand and against scipy."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import framing
from framing.resources import SAMPLE
from framing.analysis.stats import chi2_2x2, g2_2x2, log_odds_dirichlet
from framing.analysis.tokens import STOP_WORDS, tokenize


def _corpus(rows: list[tuple[str, str]], titles: list[str] | None = None, duplicate_of=None) -> pd.DataFrame:
    n = len(rows)
    return pd.DataFrame({
        "article_id": [f"a{i}" for i in range(n)], "outlet": [r[0] for r in rows], "text": [r[1] for r in rows],
        "title": titles or [""] * n, "published": [pd.NaT] * n, "duplicate_of": duplicate_of or [None] * n,
    })


def _paper_log_odds(y_i: dict, y_j: dict, prior: dict) -> dict:
    """Monroe, Colaresi & Quinn (2008), eqs. 16 and 22, written out term by term."""
    n_i, n_j, a0 = sum(y_i.values()), sum(y_j.values()), sum(prior.values())
    out = {}
    for w in prior:
        a_w = prior[w]
        delta = (math.log((y_i.get(w, 0) + a_w) / (n_i + a0 - y_i.get(w, 0) - a_w))
                 - math.log((y_j.get(w, 0) + a_w) / (n_j + a0 - y_j.get(w, 0) - a_w)))
        sigma2 = 1 / (y_i.get(w, 0) + a_w) + 1 / (y_j.get(w, 0) + a_w)
        out[w] = delta / math.sqrt(sigma2)
    return out


def test_log_odds_z_equals_the_papers_formula_on_a_hand_made_table():
    y_i = {"regime": 6, "kiev": 5, "talks": 3}
    y_j = {"government": 7, "kyiv": 6, "talks": 4, "regime": 1}
    prior = {w: y_i.get(w, 0) + y_j.get(w, 0) for w in sorted(set(y_i) | set(y_j))}
    expected = _paper_log_odds(y_i, y_j, prior)
    words = list(prior)
    _, z = log_odds_dirichlet([y_i.get(w, 0) for w in words], [y_j.get(w, 0) for w in words],
                              sum(y_i.values()), sum(y_j.values()), [prior[w] for w in words])
    assert z == pytest.approx([expected[w] for w in words], abs=1e-12)


def test_keyness_log_odds_on_a_corpus_equals_the_formula():
    arts = _corpus([("RT", "regime regime kiev talks"), ("RT", "regime kiev kiev talks"),
                    ("BBC", "government kyiv talks"), ("BBC", "government kyiv kyiv regime talks")])
    table = framing.keyness(arts, target="RT", ngram_range=(1, 1), min_count=1).set_index("term")
    y_i = {"regime": 3, "kiev": 3, "talks": 2}
    y_j = {"government": 2, "kyiv": 3, "talks": 2, "regime": 1}
    prior = {w: y_i.get(w, 0) + y_j.get(w, 0) for w in set(y_i) | set(y_j)}
    expected = _paper_log_odds(y_i, y_j, prior)
    for w, z in expected.items():
        assert table.loc[w, "statistic"] == pytest.approx(z, abs=1e-12)
    assert table.index[0] in ("regime", "kiev") and table["statistic"].iloc[-1] < 0
    assert table.loc["kiev", ["n_target", "n_reference", "docs_target"]].tolist() == [3, 0, 2]


@pytest.mark.parametrize("a, c, n_t, n_r", [(30, 10, 1000, 1500), (1, 8, 500, 700), (0, 5, 200, 900), (12, 12, 80, 80)])
def test_chi2_and_g2_agree_with_scipy(a, c, n_t, n_r):
    table = np.array([[a, n_t - a], [c, n_r - c]])
    for correction in (True, False):
        ours, p = chi2_2x2([a], [c], n_t, n_r, correction=correction)
        ref = stats.chi2_contingency(table, correction=correction)
        assert abs(ours[0]) == pytest.approx(ref.statistic, abs=1e-9)
        assert p[0] == pytest.approx(ref.pvalue, abs=1e-9)
    g2, _ = g2_2x2([a], [c], n_t, n_r, correction=False)
    expected = stats.contingency.expected_freq(table)
    assert abs(g2[0]) == pytest.approx(stats.power_divergence(table.ravel(), expected.ravel(), lambda_="log-likelihood").statistic, abs=1e-9)
    assert abs(g2[0]) == pytest.approx(stats.chi2_contingency(table, correction=False, lambda_="log-likelihood").statistic, abs=1e-9)


def test_g2_williams_correction_by_hand():
    a, c, n_t, n_r = 30, 10, 1000, 1500
    raw, _ = g2_2x2([a], [c], n_t, n_r, correction=False)
    corrected, _ = g2_2x2([a], [c], n_t, n_r, correction=True)
    n = n_t + n_r
    q = 1 + (n * (1 / n_t + 1 / n_r) - 1) * (n * (1 / (a + c) + 1 / (n - a - c)) - 1) / (6 * n)
    assert corrected[0] == pytest.approx(raw[0] / q, abs=1e-12)


def test_methods_are_signed_and_share_columns():
    arts = _corpus([("RT", "kiev regime kiev regime"), ("RT", "kiev regime"), ("BBC", "kyiv government"), ("BBC", "kyiv talks")])
    for method in ("log_odds", "chi2", "g2"):
        table = framing.keyness(arts, target="RT", method=method, ngram_range=(1, 1), min_count=1).set_index("term")
        assert table.loc["kiev", "statistic"] > 0 > table.loc["kyiv", "statistic"]
        assert {"statistic", "p", "q", "n_target", "n_reference", "docs_target", "few_docs"} <= set(table.columns)
        assert (table["q"] >= table["p"] - 1e-15).all()


def test_one_vs_rest_for_every_group_and_an_explicit_reference():
    arts = _corpus([("A", "alpha beta"), ("B", "beta gamma"), ("C", "gamma delta")])
    every = framing.keyness(arts, ngram_range=(1, 1), min_count=1)
    assert set(every["outlet"]) == {"A", "B", "C"}
    against_b = framing.keyness(arts, target="A", reference="B", ngram_range=(1, 1), min_count=1).set_index("term")
    assert against_b.loc["beta", "n_reference"] == 1
    assert "delta" not in against_b.index  # used by C only: neither target nor reference
    with pytest.raises(KeyError, match="no group 'Z'"):
        framing.keyness(arts, target="Z")


def test_dedupe_leaves_out_reprints():
    arts = _corpus([("A", "wire copy wire copy"), ("B", "wire copy wire copy"), ("B", "other words here")],
                   duplicate_of=[None, "a0", None])
    kept = framing.keyness(arts, target="B", ngram_range=(1, 1), min_count=1).set_index("term")
    assert kept.loc["wire", "n_target"] == 0
    every = framing.keyness(arts, target="B", ngram_range=(1, 1), min_count=1, dedupe=False).set_index("term")
    assert every.loc["wire", "n_target"] == 2


def test_bootstrap_intervals_bracket_delta_and_few_docs_flags():
    rows = [("A", "kiev regime kiev"), ("A", "kiev talks"), ("A", "kiev regime"), ("A", "rare word")] + \
           [("B", "kyiv government talks")] * 4
    table = framing.keyness(arts := _corpus(rows), target="A", ngram_range=(1, 1), min_count=1, bootstrap=200, seed=1)
    table = table.set_index("term")
    assert (table["delta_lo"] <= table["delta"] + 1e-12).all() and (table["delta"] <= table["delta_hi"] + 1e-12).all()
    assert table.loc["rare", "few_docs"] and not table.loc["kiev", "few_docs"]
    again = framing.keyness(arts, target="A", ngram_range=(1, 1), min_count=1, bootstrap=200, seed=1).set_index("term")
    pd.testing.assert_frame_equal(table, again)


def test_headlines_as_their_own_part():
    arts = _corpus([("A", "the body talks about grain deals and ports")] * 3,
                   titles=["Kremlin slams West", "Kremlin warns", "Kremlin says"])
    by_part = framing.keyness(arts, by="part", target="title", ngram_range=(1, 1), min_count=1)
    assert by_part.iloc[0]["term"] == "kremlin"
    titles_only = framing.keyness(_corpus([("A", "x"), ("B", "y")], titles=["Kyiv talks", "Kiev regime"]),
                                  target="A", part="title", ngram_range=(1, 1), min_count=1)
    assert set(titles_only["term"]) == {"kyiv", "talks", "kiev", "regime"}


def test_stop_words_need_no_download_and_bigrams_skip_them():
    assert {"the", "and", "said"} <= STOP_WORDS
    assert tokenize("The Kremlin’s so-called referendum, it said.") == ["kremlin", "so-called", "referendum"]
    table = framing.keyness(_corpus([("A", "the special military operation of the army")] * 2 + [("B", "peace talks now")]),
                            target="A", ngram_range=(2, 2), min_count=1)
    assert "special military" in set(table["term"]) and "operation army" in set(table["term"])


def test_collocations_with_nltk_measures():
    arts = _corpus([("A", "sham referendum held in occupied towns; sham referendum condemned"),
                    ("B", "the sham referendum was a sham, officials said; referendum results rejected")])
    lr = framing.collocations(arts, "referendum", min_freq=2)
    assert lr.iloc[0]["collocate"] == "sham" and lr.iloc[0]["measure"] == "likelihood_ratio"
    pmi = framing.collocations(arts, "sham referendum", measure="pmi", min_freq=1, by="outlet")
    assert set(pmi["outlet"]) == {"A", "B"} and set(pmi["term"]) == {"sham referendum"}


def test_outlet_similarity_is_a_symmetric_cosine_matrix():
    arts = _corpus([("A", "kyiv talks resume today"), ("A", "kyiv talks stall again"),
                    ("B", "kyiv talks resume soon"), ("C", "grain prices rise sharply")])
    sim = framing.outlet_similarity(arts, min_df=1)
    assert list(sim.index) == ["A", "B", "C"]
    assert np.allclose(sim.to_numpy(), sim.to_numpy().T) and np.allclose(np.diag(sim), 1)
    assert sim.loc["A", "B"] > sim.loc["A", "C"]


def test_outlet_similarity_on_a_tiny_or_empty_corpus_returns_a_table_not_an_error():
    import numpy as np

    arts = pd.DataFrame({"article_id": ["a"], "outlet": ["X"], "title": [""], "published": [pd.NaT],
                         "text": ["Diplomats met in Geneva for talks."], "duplicate_of": [None]})
    one = framing.outlet_similarity(arts)  # one document, min_df=2: was sklearn's ValueError
    assert one.shape == (1, 1) and one.iloc[0, 0] == pytest.approx(1.0)
    stop = framing.outlet_similarity(arts.assign(text=["the and of"]))
    assert stop.shape == (1, 1) and np.isnan(stop.iloc[0, 0])


def test_an_outlets_own_names_are_left_out_of_its_terms_unless_asked(sample_corpus):
    arts = sample_corpus.articles
    kept = framing.keyness(arts, min_count=2, keep_outlet_names=True)
    assert {"vostok", "courier", "vostok courier"} <= set(kept.loc[kept["outlet"] == "Vostok Courier", "term"].head(5))
    table = framing.keyness(arts, min_count=2)
    own = table[table["outlet"] == "Vostok Courier"]
    assert not own["term"].str.contains(r"\b(?:vostok|courier)\b").any()
    # on another outlet's side "vostok" is not its vocabulary either: it is left out of what it uses less
    other = table[(table["outlet"] == "Continental Review") & (table["statistic"] < 0)]
    assert not other["term"].str.contains(r"\bvostok\b").any()
    one = framing.keyness(arts, target="Vostok Courier", min_count=2)
    assert not one["term"].str.contains(r"\bvostok\b").any() and len(one)


def test_keyness_by_period_leaves_out_undated_articles():
    arts = pd.DataFrame({"article_id": list("abc"), "outlet": ["X"] * 3, "title": [""] * 3, "duplicate_of": [None] * 3,
                         "published": pd.to_datetime(["2022-01-05", "2023-01-05", None], utc=True),
                         "text": ["Kyiv talks Kyiv", "Kiev talks Kiev", "undated words here"]})
    table = framing.keyness(arts, by="year", min_count=1, ngram_range=(1, 1))
    assert set(table["year"]) == {"2022", "2023"} and "undated" not in set(table["term"])


def test_the_blocked_bootstrap_gives_the_intervals_of_one_resample_at_a_time():
    # the interval used to be computed one resample per loop turn; it is now blocks of resamples as
    # matrix products. Same distribution: the bounds agree within Monte-Carlo error.
    from framing.analysis.keyness import documents, term_counts

    rng = np.random.default_rng(5)
    vocab = "kiev kyiv regime government talks grain port shelling city troops".split()
    rows = [(side, " ".join(rng.choice(vocab, size=12, p=weights)))
            for side, weights in (("A", [.2, .02, .15, .05, .1, .1, .1, .1, .08, .1]),
                                  ("B", [.02, .2, .05, .15, .1, .1, .1, .1, .08, .1]))
            for _ in range(40)]
    arts = _corpus(rows)
    table = framing.keyness(arts, target="A", ngram_range=(1, 1), min_count=1, bootstrap=4000, seed=2).set_index("term")
    docs = documents(arts, "outlet")
    matrix, vocab_ = term_counts(docs, (1, 1), STOP_WORDS)
    x_t, x_r = matrix[(docs["group"] == "A").to_numpy()], matrix[(docs["group"] == "B").to_numpy()]
    prior = np.asarray(matrix.sum(axis=0)).ravel().astype(float)
    loop = np.random.default_rng(99)
    deltas = []
    for _ in range(4000):  # the previous implementation, one resample at a time
        wt = loop.multinomial(x_t.shape[0], np.full(x_t.shape[0], 1 / x_t.shape[0])).astype(float)
        wr = loop.multinomial(x_r.shape[0], np.full(x_r.shape[0], 1 / x_r.shape[0])).astype(float)
        d, _ = log_odds_dirichlet(x_t.T @ wt, x_r.T @ wr, wt @ np.asarray(x_t.sum(axis=1)).ravel(),
                                  wr @ np.asarray(x_r.sum(axis=1)).ravel(), prior, alpha0=prior.sum())
        deltas.append(d)
    lo, hi = np.quantile(deltas, 0.025, axis=0), np.quantile(deltas, 0.975, axis=0)
    width = hi - lo
    got = table.loc[list(vocab_)]
    assert np.all(np.abs(got["delta_lo"].to_numpy() - lo) < 0.1 * width)
    assert np.all(np.abs(got["delta_hi"].to_numpy() - hi) < 0.1 * width)


def _both_ends(table: pd.DataFrame, label, n: int) -> pd.DataFrame:
    parts = []
    for _, g in (table.groupby(label, sort=False) if label else [(None, table)]):
        parts += [g[g["statistic"] > 0].head(n), g[g["statistic"] < 0].tail(n)]
    return pd.concat(parts).sort_index().reset_index(drop=True)


@pytest.mark.parametrize("n", [1, 3, 40])
def test_top_keeps_each_groups_two_ends_of_the_whole_table(n):
    arts = framing.ingest(SAMPLE).articles
    whole = framing.keyness(arts, min_count=2)
    pd.testing.assert_frame_equal(framing.keyness(arts, min_count=2, top=n), _both_ends(whole, "outlet", n))
    target = arts["outlet"].iloc[0]
    whole = framing.keyness(arts, target=target, min_count=1)
    pd.testing.assert_frame_equal(framing.keyness(arts, target=target, min_count=1, top=n), _both_ends(whole, None, n))
    whole = framing.keyness(arts, by="part", target="title", min_count=1)
    got = framing.keyness(arts, by="part", target="title", min_count=1, top=n)
    pd.testing.assert_frame_equal(got, _both_ends(whole, None, n))
    assert len(got) <= 2 * n


def test_top_still_fills_a_side_when_outlet_names_crowd_it(monkeypatch):
    # the names of its own outlet leave a group's list after the cut: when too few terms are
    # left on a side, the whole table is computed again
    import importlib

    module = importlib.import_module("framing.analysis.keyness")

    arts = framing.ingest(SAMPLE).articles
    whole = framing.keyness(arts, min_count=1, keep_outlet_names=True)  # before any name leaves
    monkeypatch.setattr(module, "_without_own_names",
                        lambda table, *a, **k: table[~table["term"].str.len().lt(6)].reset_index(drop=True))
    want = _both_ends(whole[~whole["term"].str.len().lt(6)].reset_index(drop=True), "outlet", 5)
    calls = []
    real = module.keyness_from_totals
    monkeypatch.setattr(module, "keyness_from_totals", lambda *a, **k: calls.append(k.get("top")) or real(*a, **k))
    monkeypatch.setattr(module, "_WIDE_FACTOR", 1)  # a narrow first cut
    monkeypatch.setattr(module, "_WIDE_MIN", 0)
    got = framing.keyness(arts, min_count=1, top=5)
    pd.testing.assert_frame_equal(got, want)
    assert calls[0] == 5 and None in calls


def test_top_with_terms_keeps_those_rows_as_the_whole_table_has_them():
    arts = framing.ingest(SAMPLE).articles
    whole = framing.keyness(arts, min_count=2)
    middle = whole.groupby("outlet").nth(len(whole) // whole["outlet"].nunique() // 2)  # far from both ends
    wanted = sorted(set(middle["term"])) + ["no such term here"]
    got = framing.keyness(arts, min_count=2, top=3, terms=wanted)
    ends = _both_ends(whole, "outlet", 3)
    extra = whole[whole["term"].isin(wanted)]
    want = whole.loc[sorted(set(extra.index) | set(whole.reset_index().merge(ends)["index"]))].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want)
    assert set(middle["term"]) <= set(got["term"]) and "no such term here" not in set(got["term"])


def test_totals_of_frequent_terms_give_the_same_statistics():
    import importlib

    module = importlib.import_module("framing.analysis.keyness")
    documents, term_counts = module.documents, module.term_counts
    arts = framing.ingest(SAMPLE).articles
    docs = documents(arts, "outlet")
    matrix, vocab = term_counts(docs, (1, 2), STOP_WORDS)
    groups = docs["group"].to_numpy()
    full = module.Totals.from_matrix(matrix, vocab, groups)
    held = module.Totals.from_matrix(matrix, vocab, groups, floor=3)
    assert held.counts.shape[1] < full.counts.shape[1] and held.whole[2] == 3
    for method in ("log_odds", "chi2", "g2"):
        for alpha0 in (None, 50.0):
            a = module.keyness_from_totals(full, "outlet", method=method, min_count=4, alpha0=alpha0)
            b = module.keyness_from_totals(held, "outlet", method=method, min_count=4, alpha0=alpha0)
            pd.testing.assert_frame_equal(a, b)
    with pytest.raises(ValueError, match="3 times or more"):
        module.keyness_from_totals(held, "outlet", min_count=2)


def test_document_terms_find_the_columns_of_named_terms():
    from framing.analysis.dtm import document_terms

    arts = framing.ingest(SAMPLE).articles
    dt = document_terms(arts)
    cols = np.array([0, 5, dt.n_unigrams, dt.n_unigrams + 7, dt.matrix.shape[1] - 1])
    names = dt.terms(cols)
    got = dt.columns_of(list(names[::-1]) + ["zzz-not-a-word", "kyiv zzz-not-a-word"])
    assert got.tolist() == cols.tolist()


def test_repeated_similarity_and_collocations_reuse_their_counts(monkeypatch):
    # kept with the document-term matrix: a second call (another measure, min_freq or top too)
    # neither reads nor tokenizes the texts again, and gives what a fresh count gives
    import importlib

    module = importlib.import_module("framing.analysis.keyness")
    arts = framing.ingest(SAMPLE).articles
    first = framing.collocations(arts, "kyiv", by="outlet", min_freq=1)
    assert len(first) > 20
    sims = framing.outlet_similarity(arts, min_df=1)
    calls = []
    real_tokenize, real_tfidf = module.tokenize, module._summed_tfidf
    monkeypatch.setattr(module, "tokenize", lambda *a, **k: calls.append("tokenize") or real_tokenize(*a, **k))
    monkeypatch.setattr(module, "_summed_tfidf", lambda *a, **k: calls.append("tfidf") or real_tfidf(*a, **k))
    pd.testing.assert_frame_equal(framing.collocations(arts, "kyiv", by="outlet", min_freq=1), first)
    pmi = framing.collocations(arts, "kyiv", by="outlet", min_freq=1, measure="pmi", top=3)
    pd.testing.assert_frame_equal(framing.outlet_similarity(arts, min_df=1), sims)
    assert calls == []
    framing.collocations(arts, "kyiv", by="outlet", window=3)  # other windows are counted anew
    assert "tokenize" in calls
    fresh = framing.collocations(arts.copy(), "kyiv", by="outlet", min_freq=1, measure="pmi", top=3)
    pd.testing.assert_frame_equal(pmi, fresh)
