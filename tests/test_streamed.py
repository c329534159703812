"""A corpus read without its texts (``read_articles(DIR, texts=False)``) gives the same results as
the table with its texts: every function that reads texts reads them from the ingest's Parquet a
block at a time, in any order and for any subset of the table, and says what is wrong when it
cannot. ``framing report DIR`` on an ingest's folder gives the same pages as on the raw folder."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

import framing
from framing import _texts
from framing.analysis.dtm import document_terms
from framing.resources import SAMPLE


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    """The sample ingested to Parquet parts of a few articles each (so blocks span parts)."""
    out = tmp_path_factory.mktemp("ingested") / "corpus"
    framing.ingest_to(SAMPLE, out, workers=1, chunk_bytes=20_000, progress=False)
    shutil.copyfile(SAMPLE / "outlets.yaml", out / "outlets.yaml")
    return out


@pytest.fixture()
def both(ingested):
    """(the table with its texts, the same table without them)."""
    return framing.read_articles(ingested), framing.read_articles(ingested, texts=False)


def _same_rows(full: pd.DataFrame, meta: pd.DataFrame) -> pd.DataFrame:
    """The rows of `full` for the articles of `meta`, in meta's order."""
    return full.set_index("article_id").loc[meta["article_id"]].reset_index()[full.columns]


def test_the_table_without_texts_holds_everything_else(ingested, both):
    full, meta = both
    assert len(list((ingested / "articles").glob("part-*.parquet"))) >= 2  # blocks cross parts
    assert not set(_texts.HEAVY) & set(meta.columns)
    assert list(meta.columns) == [c for c in full.columns if c not in _texts.HEAVY]
    assert_frame_equal(meta, full.drop(columns=list(_texts.HEAVY)))
    assert meta.attrs["framing_source"] == str(ingested.resolve())


@pytest.mark.parametrize("call", ["find_terms", "count_terms", "find_quotes", "cited_sources", "kwic", "stories"])
def test_per_article_results_equal_the_in_memory_ones(both, ingested, call):
    full, meta = both
    run = {
        "find_terms": lambda a: framing.find_terms(a),
        "count_terms": lambda a: framing.count_terms(a, titles=True),
        "find_quotes": lambda a: framing.find_quotes(a, progress=False),
        "cited_sources": lambda a: framing.cited_sources(a, outlets=ingested / "outlets.yaml"),
        "kwic": lambda a: framing.kwic(a, "Kyiv", window=4, max_rows=25),
        "stories": lambda a: framing.stories(a),
    }[call]
    expected = run(full)
    assert len(expected)  # the sample has something to find
    assert_frame_equal(run(meta), expected)
    # a shuffled subset: texts are read by id, results come back in the table's order
    subset = meta.sample(frac=0.6, random_state=3)
    assert_frame_equal(run(subset), run(_same_rows(full, subset)))


def test_small_blocks_give_the_same_table_in_the_table_order(both):
    full, meta = both
    shuffled = meta.sample(frac=1.0, random_state=7)
    found = _texts.per_block(framing.find_terms, shuffled, size=3)
    assert_frame_equal(found, framing.find_terms(_same_rows(full, shuffled)))
    assert [len(b) for b in _texts.blocks(meta, size=10)] == [10, 10, 10, len(meta) - 30]


def test_keyness_similarity_and_collocations_from_streamed_texts(both, tmp_path):
    full, meta = both
    for kw in ({}, {"by": "part", "target": "title", "min_count": 2}, {"ngram_range": (1, 3), "min_count": 2}):
        assert_frame_equal(framing.keyness(meta, **kw), framing.keyness(full, **kw), check_exact=False, rtol=1e-9)
    assert_frame_equal(framing.outlet_similarity(meta), framing.outlet_similarity(full), rtol=1e-9)
    for term in ("referendum", "special military operation"):
        assert_frame_equal(framing.collocations(meta, term, by="outlet", min_freq=1),
                           framing.collocations(full, term, by="outlet", min_freq=1))


def test_the_matrix_of_a_shuffled_subset_is_counted_in_the_tables_order(both, tmp_path):
    full, meta = both
    subset = meta.sample(frac=0.7, random_state=1)
    streamed = document_terms(subset, cache=tmp_path / "a")  # nothing cached: counted from the parts
    held = document_terms(_same_rows(full, subset), cache=tmp_path / "b")

    def cells(dt):
        m = dt.matrix.tocoo()
        return sorted(zip(m.row.tolist(), dt.terms(m.col).tolist(), m.data.tolist()))

    assert list(streamed.ids) == list(subset["article_id"])
    assert cells(streamed) == cells(held)


def test_notebook_helpers_read_only_what_they_show(both):
    from framing import notebook as nb

    full, meta = both
    assert_frame_equal(nb.cleaning_example(meta), nb.cleaning_example(full))
    assert nb.why_no_collocations(meta, "referendumz") == nb.why_no_collocations(full, "referendumz")
    lines = nb.concordance(meta, framing.find_terms(meta), "Kiev", 2)
    assert len(lines) and lines["outlet"].value_counts().max() == 2
    assert_frame_equal(lines, nb.concordance(full, framing.find_terms(full), "Kiev", 2))


def test_a_table_without_texts_or_folder_says_what_is_missing(both):
    _, meta = both
    lost = meta.copy()
    lost.attrs.clear()
    with pytest.raises(_texts.TextsError, match="no 'text' column.*read_articles"):
        framing.find_terms(lost)
    twice = pd.concat([meta.head(2), meta.head(1)])
    with pytest.raises(ValueError, match=f"article_id '{meta['article_id'].iloc[0]}' appears twice"):
        framing.find_quotes(twice, progress=False)


def test_an_article_missing_from_its_folder_is_named(both, tmp_path):
    _, meta = both
    stranger = pd.concat([meta.head(2), meta.head(1).assign(article_id="not-in-the-folder")])
    with pytest.raises(KeyError, match="1 article.* not in .*ingested again"):
        framing.find_terms(stranger)


def test_the_matrix_key_changes_when_the_folder_is_written_again(tmp_path):
    out = tmp_path / "c"
    framing.ingest_to(SAMPLE, out, workers=1, progress=False)
    first = _texts.fingerprint(out)
    framing.ingest_to(SAMPLE, out, workers=1, progress=False)  # the same files, written again
    assert _texts.fingerprint(out) != first
    meta = framing.read_articles(out, texts=False)
    assert document_terms(meta).matrix.shape[0] == len(meta)


def test_report_from_an_ingest_folder_equals_the_report_from_raw(ingested, sample_report, tmp_path):
    from framing.report import build_report

    built = build_report(ingested, out=tmp_path / "reports", name="sample")
    assert not (built / "data" / "articles.parquet").exists()  # the corpus is not copied into the report
    assert not (built / "data" / "dtm").exists() and (ingested / "dtm").is_dir()  # the matrix stays with the corpus
    for page in ["index.html", "01_corpus.html", "02_terminology.html", "03_voices_and_sources.html",
                 "04_distinctive_vocabulary.html", "05_same_story.html", "explorer.html"]:
        assert (built / page).read_bytes() == (sample_report / page).read_bytes(), page
    pages = sorted(p.name for p in (built / "articles").iterdir())
    assert pages and pages == sorted(p.name for p in (sample_report / "articles").iterdir())
    assert all((built / "articles" / p).read_bytes() == (sample_report / "articles" / p).read_bytes() for p in pages)
    files = json.loads((built / "manifest.json").read_text())["raw"]["files"]
    assert "ingest.json" in files and any(k.startswith("articles/part-") for k in files)
    params = json.loads((built / "manifest.json").read_text())["parameters"]
    assert not params["processed"].startswith("/")  # no absolute path in a report


def test_blocks_on_worker_processes_give_the_same_table(both):
    import functools
    import sys

    if not sys.platform.startswith("linux"):
        pytest.skip("forked workers: Linux only")
    full, meta = both
    run = functools.partial(framing.find_quotes, progress=False)
    for table in (full, meta.sample(frac=1.0, random_state=2)):
        alone = _texts.per_block(run, table, size=4)
        assert_frame_equal(_texts.per_block(run, table, size=4, workers=2), alone)
    assert len(alone)


def test_parts_that_type_a_column_differently_are_read_together(ingested, tmp_path):
    """A part whose articles had nothing removed stores ``dropped`` as a list of nulls; read with
    a part that has removed lines, both come back as lists."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    copy = tmp_path / "copy"
    shutil.copytree(ingested, copy, ignore=shutil.ignore_patterns("dtm"))
    first = sorted((copy / "articles").glob("part-*.parquet"))[0]
    table = pq.read_table(first)
    n = table.num_rows
    for name in ("dropped", "dropped_why"):
        table = table.set_column(table.schema.get_field_index(name), name, pa.array([[]] * n, type=pa.list_(pa.null())))
    pq.write_table(table, first)
    full, meta = framing.read_articles(copy), framing.read_articles(copy, texts=False)
    from framing import notebook as nb

    assert_frame_equal(nb.cleaning_example(meta), nb.cleaning_example(full))
    audit = _texts.per_block(lambda b: b[["article_id", "dropped"]], meta, ("dropped",), size=7)
    assert audit["dropped"].map(len).sum() == full["dropped"].map(len).sum() > 0


def test_an_ingest_folder_without_parts_is_a_clear_error(tmp_path):
    from framing.report import ReportError, build_report

    folder = tmp_path / "corpus"
    (folder / "articles").mkdir(parents=True)
    (folder / "ingest.json").write_text("{}")
    with pytest.raises(ReportError, match=r"corpus: the ingested articles cannot be read: .*no part-\*\.parquet") as err:
        build_report(folder, out=tmp_path / "reports")
    assert err.value.code == 3
    assert not any((tmp_path / "reports").glob(".*building*"))  # nothing left behind


def test_find_terms_on_worker_processes_gives_the_same_hits(both, monkeypatch):
    """A streamed find_terms of a large table matches on every core (forked workers that inherit the
    lexicon's compiled matcher); forced here on the sample with two workers and small blocks."""
    import sys

    if not sys.platform.startswith("linux"):
        pytest.skip("forked workers: Linux only")
    full, meta = both
    expected = framing.find_terms(full)
    monkeypatch.setattr(_texts, "workers_for", lambda n, **kw: 2)
    monkeypatch.setattr(_texts, "BLOCK", 5)
    assert_frame_equal(framing.find_terms(meta), expected)
    shuffled = framing.find_terms(meta.sample(frac=1.0, random_state=3))
    assert_frame_equal(shuffled, framing.find_terms(full.sample(frac=1.0, random_state=3)))
    assert len(shuffled) > 20 and shuffled["article_id"].nunique() > 5
