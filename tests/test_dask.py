"""framing.dask: find_terms, count_terms, compare and keyness on Dask give the pandas results,
on the shared corpora (read back from partitioned Parquet) and on a synthetic corpus, with the
threaded scheduler and with a two-process LocalCluster (so everything shipped to workers pickles)."""

from __future__ import annotations

import sys

import pandas as pd
import pytest

import framing

from .conftest import CORPORA, ROOT, STRICT, need

try:
    import dask  # noqa: F401
    import framing.dask as fd
except ImportError:  # the optional extra
    if STRICT:
        pytest.fail('FRAMING_STRICT: framing.dask needs Dask: pip install -e ".[dask]"', pytrace=False)
    pytest.skip('framing.dask needs Dask: pip install -e ".[dask]"', allow_module_level=True)

pytestmark = pytest.mark.slow


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_exact=True)


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """The war and opinion corpora, ingested to partitioned Parquet (several parts each)."""
    out = tmp_path_factory.mktemp("parquet")
    frames = []
    for name in ("ukraine-war-en-2022-2023", "ukraine-opinion-en-2024-2026"):
        raw = need(CORPORA / name, f"the shared corpus {name}")
        framing.ingest_to(raw, out / name, workers=2, chunk_bytes=1_000_000, progress=False)
        frames.append(framing.read_articles(out / name))
    return out, pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def synthetic():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import synth

    rows = list(synth.articles(1500, seed=7))
    return pd.DataFrame({
        "article_id": [r["id"] for r in rows], "outlet": [r["outlet"] for r in rows],
        "published": pd.to_datetime([r["date"] for r in rows], utc=True), "title": [r["title"] for r in rows],
        "text": [r["text"] for r in rows], "n_words": [len(r["text"].split()) for r in rows],
        "duplicate_of": pd.array([None] * len(rows), dtype="string"),
    })


def test_shared_corpora_from_parquet_equal_pandas(shared):
    out, articles = shared
    parts = [fd.read_articles(str(out / name)) for name in ("ukraine-war-en-2022-2023", "ukraine-opinion-en-2024-2026")]
    import dask.dataframe as dd

    darts = dd.concat(parts)
    assert darts.npartitions == 7
    hits = fd.find_terms(darts)
    pandas_hits = framing.find_terms(articles)
    _same(hits.compute(), pandas_hits)
    _same(fd.count_terms(darts).compute(), framing.count_terms(articles))
    _same(fd.compare(hits, darts, by="outlet", n_boot=200),
          framing.compare(pandas_hits, articles, by="outlet", n_boot=200))
    _same(fd.keyness(darts, by="outlet"), framing.keyness(articles, by="outlet"))
    _same(fd.keyness(darts, by="outlet", target="BBC News", method="g2", ngram_range=(1, 1)),
          framing.keyness(articles, by="outlet", target="BBC News", method="g2", ngram_range=(1, 1)))


def test_synthetic_on_a_two_process_local_cluster(synthetic):
    from dask.distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster):
        darts = fd.from_pandas(synthetic, npartitions=6)
        hits = fd.find_terms(darts, titles=False)
        local_hits = framing.find_terms(synthetic, titles=False)
        assert len(local_hits) > 5000  # the synthetic corpus has a term every ~120 words
        _same(hits.compute(), local_hits)
        _same(fd.count_terms(darts).compute(), framing.count_terms(synthetic))
        _same(fd.compare(hits, darts, by=["outlet", "year"], voice="own", n_boot=100),
              framing.compare(local_hits, synthetic, by=["outlet", "year"], voice="own", n_boot=100))
        _same(fd.keyness(darts, by="outlet", target="Synthetic Outlet 00"),
              framing.keyness(synthetic, by="outlet", target="Synthetic Outlet 00"))


def test_bootstrap_is_refused_with_a_reason(synthetic):
    with pytest.raises(TypeError):
        fd.keyness(fd.from_pandas(synthetic.head(50)), by="outlet", bootstrap=10)
