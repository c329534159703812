"""One document-term matrix for keyness, similarity and collocations: the same numbers as the
libraries they replace, counted once, kept on disk next to an ingest's Parquet."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from nltk.collocations import BigramAssocMeasures, BigramCollocationFinder
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity
from scipy import sparse
from sklearn.preprocessing import normalize

import framing
from framing._cache import latest
from framing.analysis import dtm as dtm_module
from framing.analysis.dtm import document_terms
from framing.analysis.keyness import Totals, documents, keyness_from_totals, term_counts
from framing.analysis.lexicon import pattern_to_regex
from framing.analysis.tokens import STOP_WORDS, TOKEN_PATTERN, preprocess, tokenize

from .conftest import SHARED, need

WORDS = ("kyiv kiev talks regime forces war invasion special military operation referendum sham "
         "occupied liberated grain corridor shelling city region troops ceasefire sanctions").split()


def _corpus(n: int = 120, seed: int = 3) -> pd.DataFrame:
    """Our own little corpus: random news-ish word salad with stop words, possessives and phrases."""
    rng = np.random.default_rng(seed)
    filler = ["the", "of", "and", "a", "said", "Kyiv’s", "U.S.", "self-proclaimed", "o'clock", "2022"]
    texts = []
    for _ in range(n):
        words = rng.choice(WORDS + filler, size=rng.integers(5, 80)).tolist()
        if rng.random() < 0.3:
            words[2:2] = ["special", "military", "operation"]
        texts.append(" ".join(w.capitalize() if rng.random() < 0.1 else w for w in words) + ".")
    return pd.DataFrame({"article_id": [f"a{i}" for i in range(n)], "outlet": rng.choice(["X", "Y", "Z"], n),
                         "title": [t[:30] for t in texts], "text": texts,
                         "duplicate_of": [None] * (n - 3) + ["a0", "a1", "a2"], "published": pd.NaT})


def _vectorizer_counts(texts) -> dict[str, int]:
    v = CountVectorizer(preprocessor=preprocess, token_pattern=TOKEN_PATTERN, ngram_range=(1, 2),
                        stop_words=sorted(STOP_WORDS))
    x = v.fit_transform(texts)
    return dict(zip(v.get_feature_names_out(), np.asarray(x.sum(axis=0)).ravel().tolist()))


def test_the_matrix_counts_what_scikit_learns_vectorizer_counts_document_by_document():
    arts = _corpus()
    dt = document_terms(arts)
    assert dt.matrix.shape[0] == len(arts)
    for i in (0, 7, 50):
        row = dt.matrix[i]
        mine = dict(zip(dt.terms(row.indices), row.data.tolist()))
        assert mine == _vectorizer_counts([arts["text"][i]])
    whole = dict(zip(dt.terms(np.arange(dt.matrix.shape[1])), np.asarray(dt.matrix.sum(axis=0)).ravel().tolist()))
    assert {t: n for t, n in whole.items() if n} == _vectorizer_counts(arts["text"])


@pytest.mark.parametrize("options", [{}, {"target": "X", "ngram_range": (1, 1), "method": "g2"},
                                     {"reference": ["Y"], "target": "X", "method": "chi2", "min_count": 1}])
def test_keyness_from_the_matrix_equals_keyness_from_the_vectorizer(options):
    arts = _corpus()
    got = framing.keyness(arts, keep_outlet_names=True, **options)
    docs = documents(arts, "outlet")
    matrix, vocab = term_counts(docs, options.get("ngram_range", (1, 2)), STOP_WORDS)
    totals = Totals.from_matrix(matrix, vocab, docs["group"].to_numpy())
    rest = {k: v for k, v in options.items() if k not in ("ngram_range",)}
    want = keyness_from_totals(totals, "outlet", min_count=rest.pop("min_count", 5), **rest)
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-9, atol=1e-12)
    assert len(got) > 10


def test_similarity_from_the_matrix_equals_tfidfvectorizer_with_a_feature_limit():
    arts = _corpus(200)
    for max_features in (None, 40):  # 40: many terms tie at the cut, broken as scikit-learn breaks them
        got = framing.outlet_similarity(arts, max_features=max_features)
        docs = documents(arts, "outlet")
        v = TfidfVectorizer(preprocessor=preprocess, token_pattern=TOKEN_PATTERN, ngram_range=(1, 2),
                            sublinear_tf=True, min_df=2, max_features=max_features, stop_words=sorted(STOP_WORDS))
        x = v.fit_transform(docs["text"])
        names = sorted(docs["group"].unique())
        member = np.array([[g == n for g in docs["group"]] for n in names], dtype=float)
        want = cosine_similarity(normalize(member @ x))
        np.testing.assert_allclose(got.to_numpy(), want, rtol=1e-9, atol=1e-12)


def _nltk_collocations(arts, term, by, window=5, min_freq=2, measure="likelihood_ratio"):
    """What framing.collocations computed before the shared matrix: NLTK's finder over every text."""
    joined = "_".join(preprocess(term).split())
    import re
    phrase = re.compile(pattern_to_regex(preprocess(term).strip())) if " " in term else None
    docs = documents(arts, by or "outlet")
    out = {}
    for group, block in (docs.groupby("group") if by else [(None, docs)]):
        words = []
        for t in block["text"]:
            words += tokenize(phrase.sub(joined, preprocess(t)) if phrase else t) + [None] * (window - 1)
        f = BigramCollocationFinder.from_words(words, window_size=window)
        f.apply_freq_filter(min_freq)
        f.apply_ngram_filter(lambda a, b: joined not in (a, b))
        for (a, b), s in f.score_ngrams(getattr(BigramAssocMeasures, measure)):
            other = b if a == joined else a
            if other != joined:
                out[group, other] = max(out.get((group, other), -np.inf), s)
    return out


@pytest.mark.parametrize("term,by,measure", [("war", "outlet", "likelihood_ratio"), ("referendum", None, "pmi"),
                                             ("special military operation", "outlet", "likelihood_ratio")])
def test_collocations_from_the_matrix_score_as_nltks_finder_over_the_whole_text(term, by, measure):
    arts = _corpus(200)
    got = framing.collocations(arts, term, by=by, min_freq=2, top=1000, measure=measure)
    want = _nltk_collocations(arts, term, by, measure=measure)
    assert len(got) == len(want) > 3
    for _, r in got.iterrows():
        assert r["score"] == pytest.approx(want[r[by] if by else None, r["collocate"]], rel=1e-9)


def test_the_matrix_is_counted_once_and_again_when_a_text_changes(monkeypatch):
    arts = _corpus(30, seed=9)
    first = document_terms(arts)
    assert document_terms(arts.copy()) is first  # the same content: the same matrix
    edited = arts.copy()
    edited.loc[3, "text"] = "Kyiv talks stall again."
    again = document_terms(edited)
    assert again is not first
    assert set(again.terms(again.matrix[3].indices)) == {"kyiv", "talks", "stall", "kyiv talks", "talks stall"}


def test_an_ingest_folder_keeps_the_matrix_on_disk_and_a_subset_reads_its_rows(tmp_path, monkeypatch):
    out = tmp_path / "out"
    framing.ingest_to("data/raw/sample", out, workers=1)
    arts = framing.read_articles(out)
    table = framing.keyness(arts)
    kept = list((out / "dtm").glob("body-*/matrix.npz"))
    assert len(kept) == 1
    latest.clear()
    monkeypatch.setattr(dtm_module, "_count", lambda *a, **k: pytest.fail("counted again instead of read from disk"))
    pd.testing.assert_frame_equal(framing.keyness(framing.read_articles(out)), table)
    sub = framing.read_articles(out)
    sub = sub[sub["outlet"] != sub["outlet"].iloc[0]]
    assert len(framing.keyness(sub)) > 0  # a subset of a cached corpus: its rows, not a new count


def test_a_large_cached_matrix_is_mapped_from_its_file_with_the_same_statistics(tmp_path, monkeypatch):
    out = tmp_path / "out"
    framing.ingest_to("data/raw/sample", out, workers=1)
    arts = framing.read_articles(out, texts=False)
    tables = (framing.keyness(arts), framing.keyness(arts, by="part", target="title", min_count=2),
              framing.outlet_similarity(arts), framing.collocations(arts, "war", by="outlet", min_freq=1))
    latest.clear()
    monkeypatch.setattr(dtm_module, "MAP_FROM", 0)  # every matrix counts as large
    mapped = document_terms(arts)
    assert dtm_module._mapping(mapped.matrix.data) is not None and dtm_module._mapping(mapped.matrix.indices) is not None
    again = (framing.keyness(arts), framing.keyness(arts, by="part", target="title", min_count=2),
             framing.outlet_similarity(arts), framing.collocations(arts, "war", by="outlet", min_freq=1))
    for before, after in zip(tables, again):
        pd.testing.assert_frame_equal(before, after, check_exact=True)
    dtm_module.release(mapped.matrix)  # the pages go back; the matrix still reads the same
    assert (mapped.matrix != dtm_module.DocumentTerms.load(next((out / "dtm").glob("body-*"))).matrix).nnz == 0


def test_a_compressed_matrix_file_is_read_not_mapped(tmp_path):
    m = sparse.csr_matrix(np.eye(3, dtype=np.int32))
    sparse.save_npz(tmp_path / "m.npz", m, compressed=True)
    assert dtm_module.mapped_matrix(tmp_path / "m.npz") is None
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    assert dtm_module.mapped_matrix(tmp_path / "bad.npz") is None


def test_worker_processes_count_what_one_process_counts(monkeypatch):
    monkeypatch.setattr(dtm_module, "_BLOCK", 40)  # several blocks, numbered across processes
    arts = _corpus(300, seed=4)
    texts = arts["text"].to_numpy(dtype=object)
    one = dtm_module._count(texts, STOP_WORDS, False, workers=1)
    two = dtm_module._count(texts, STOP_WORDS, False, workers=2)
    assert (one[0] != two[0]).nnz == 0 and one[0].shape == two[0].shape
    assert one[1].tolist() == two[1].tolist() and one[2].tolist() == two[2].tolist()


def test_headlines_against_bodies_from_the_two_matrices_equal_the_vectorizer():
    arts = _corpus(150, seed=11)
    got = framing.keyness(arts, by="part", target="title", min_count=2)
    docs = documents(arts, "part")
    matrix, vocab = term_counts(docs, (1, 2), STOP_WORDS)
    want = keyness_from_totals(Totals.from_matrix(matrix, vocab, docs["group"].to_numpy()), "part", "title", min_count=2)
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-9, atol=1e-12)
    assert len(got) > 10


@pytest.mark.parametrize("loop", ["scipy", "bincount"])
@pytest.mark.parametrize("block", [1, 7, 1 << 22])
def test_column_sums_read_in_blocks_equal_a_dense_sum(block, loop, monkeypatch):
    if loop == "bincount":  # a scipy without its product loop under that name: the plain path
        monkeypatch.setattr(dtm_module, "_product_loop", lambda: None)
    else:
        assert dtm_module._product_loop() is not None
    rng = np.random.default_rng(3)
    dense = rng.integers(0, 3, size=(40, 25)) * (rng.random((40, 25)) < 0.3)
    m = sparse.csr_matrix(dense.astype(np.int32))
    rows = [0, 5, 5, 39, 12]  # repeats count twice
    counts, docs = dtm_module.column_sums(m, rows, block=block)
    assert counts.tolist() == dense[rows].sum(axis=0).tolist()
    assert docs.tolist() == (dense[rows] > 0).sum(axis=0).tolist()
    everything = dtm_module.column_sums(m, block=block)
    assert everything[0].tolist() == dense.sum(axis=0).tolist()


@pytest.mark.parametrize("ngrams", [(1, 1), (1, 2)])
def test_headlines_against_bodies_with_copies_and_empty_headlines_equal_the_vectorizer(ngrams):
    arts = _corpus(120, seed=12)
    arts.loc[arts.index[:10], "title"] = ""  # no headline: no title document
    arts.loc[arts.index[10:20], "duplicate_of"] = arts["article_id"].iloc[30]  # copies are left out
    got = framing.keyness(arts, by="part", target="title", min_count=1, ngram_range=ngrams)
    docs = documents(arts, "part")
    matrix, vocab = term_counts(docs, ngrams, STOP_WORDS)
    want = keyness_from_totals(Totals.from_matrix(matrix, vocab, docs["group"].to_numpy()), "part", "title",
                               min_count=1)
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-9, atol=1e-12)


def test_terms_in_alphabetical_order_without_their_strings():
    from framing.analysis.keyness import _alphabetical

    # real text: accents, apostrophes, hyphens, digits, words that are prefixes of others
    folder = need(SHARED / "corpora" / "ukraine-war-en-2022-2023", "the shared English corpus")
    dt = document_terms(framing.ingest(folder).articles)
    cols = np.arange(dt.matrix.shape[1])
    got = dt.terms(cols[_alphabetical(dt, cols)]).tolist()
    assert got == sorted(dt.terms(cols).tolist()) and len(got) > 100_000


@pytest.mark.parametrize("block", [1, 7, 8192])
def test_similarity_read_in_blocks_of_documents_is_the_same(block, monkeypatch):
    import importlib

    module = importlib.import_module("framing.analysis.keyness")
    arts = _corpus(150, seed=6)
    want = framing.outlet_similarity(arts, max_features=60)
    real = module._group_tfidf
    monkeypatch.setattr(module, "_group_tfidf", lambda *a, **k: real(*a, **{**k, "block": block}))
    pd.testing.assert_frame_equal(framing.outlet_similarity(arts, max_features=60), want, rtol=1e-12)


@pytest.mark.parametrize("options", [dict(alpha0=100.0), dict(method="chi2"), dict(method="g2", min_count=1),
                                     dict(min_count=4, ngram_range=(1, 1))])
def test_headlines_against_bodies_equal_the_vectorizer_for_every_statistic(options):
    # the totals keep only the terms used min_count times or more, with the whole vocabulary's sums
    arts = _corpus(150, seed=13)
    options = {"min_count": 2, **options}
    ngrams = options.pop("ngram_range", (1, 2))
    got = framing.keyness(arts, by="part", target="title", ngram_range=ngrams, **options)
    docs = documents(arts, "part")
    matrix, vocab = term_counts(docs, ngrams, STOP_WORDS)
    want = keyness_from_totals(Totals.from_matrix(matrix, vocab, docs["group"].to_numpy()), "part", "title", **options)
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-9, atol=1e-12)
    assert len(got) > 5
