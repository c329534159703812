"""The same analysis on a Dask DataFrame, for corpora one machine cannot hold or scan in time.

An optional extra: ``pip install "framing[dask]"``. Read the partitioned Parquet that
``framing ingest RAW --out DIR`` writes, then call the functions below with a Dask DataFrame. The
heavy work — scanning texts, counting n-grams — runs in the partitions, on whatever scheduler is
active; only small tables (hits, per-group totals, article metadata) come back to this process.
The results equal the pandas functions' on the same articles (tested)::

    import framing.dask as fd
    from dask.distributed import Client

    client = Client("tcp://scheduler:8786")        # or Client() for a LocalCluster on this machine
    articles = fd.read_articles("s3://bucket/corpus")  # DIR/articles/part-*.parquet
    hits = fd.find_terms(articles)                 # a Dask DataFrame
    table = fd.compare(hits, articles, by="outlet")  # pandas, as framing.compare
    top = fd.keyness(articles, by="outlet")        # pandas, as framing.keyness

On a cluster every worker needs framing installed (the same version) and must be able to read
the Parquet path (a shared file system, or object storage such as ``s3://`` with ``s3fs``).
"""

from __future__ import annotations

import hashlib
import pickle
from typing import Sequence

import pandas as pd

try:
    import dask.dataframe as dd
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError('framing.dask needs Dask: pip install "framing[dask]"') from exc

from .analysis.compare import compare as _compare
from .analysis.keyness import (Totals, documents, drop_own_names, group_members, keyness_from_totals, matrix_counts,
                                own_names, term_counts)
from .analysis.lexicon import Lexicon, load_lexicon
from .analysis.terms import count_terms as _count_terms, find_terms as _find_terms
from .analysis.tokens import STOP_WORDS
from .schema import ARTICLE_COLUMNS, empty_hits

__all__ = ["read_articles", "from_pandas", "find_terms", "count_terms", "compare", "keyness"]

_META_COLUMNS = [c for c in ARTICLE_COLUMNS if c not in ("text", "dropped", "dropped_why")]


def _language(articles: dd.DataFrame) -> list[str]:
    return ["language"] if "language" in articles.columns else []


def read_articles(path: str, columns: list[str] | None = None, **options) -> dd.DataFrame:
    """A Dask DataFrame over an ingest's ``articles/part-*.parquet`` (one partition per part).

    `path` is the folder given to ``framing ingest --out`` (local, or any URL fsspec reads);
    `options` go to :func:`dask.dataframe.read_parquet`. Text columns stay as Parquet gives them
    (Arrow-backed strings; ``dropped`` and ``dropped_why`` as arrays), which the functions here
    read as they are; the dates and word counts get the articles table's dtypes. Everything is
    lazy, so a later selection reads only the columns it needs.
    """
    base = str(path).rstrip("/")
    source = base if base.endswith("/articles") or base.endswith(".parquet") else base + "/articles"
    frame = dd.read_parquet(source, columns=columns, **options)
    dtypes = {c: ARTICLE_COLUMNS[c] for c in ("published", "n_words") if c in frame.columns}
    return frame.astype(dtypes) if dtypes else frame


def from_pandas(articles: pd.DataFrame, npartitions: int = 2) -> dd.DataFrame:
    """A Dask DataFrame from an articles table in memory (for tests and small corpora)."""
    return dd.from_pandas(articles, npartitions=npartitions, sort=False)


_LEXICONS: dict[str, Lexicon] = {}  # per worker process: a lexicon is unpickled and compiled once


def _lexicon(lexicon) -> bytes:
    """The lexicon, resolved here once and pickled (without its compiled matcher) for the workers."""
    return pickle.dumps(load_lexicon(lexicon))


def _on_worker(blob: bytes) -> Lexicon:
    key = hashlib.sha256(blob).hexdigest()
    lex = _LEXICONS.get(key)
    if lex is None:
        lex = _LEXICONS[key] = pickle.loads(blob)
    return lex


def _find_part(part: pd.DataFrame, blob: bytes, titles: bool, context: int) -> pd.DataFrame:
    return _find_terms(part, _on_worker(blob), titles=titles, context=context)


def _count_part(part: pd.DataFrame, blob: bytes, titles: bool) -> pd.DataFrame:
    return _count_terms(part, _on_worker(blob), titles=titles)


def find_terms(articles: dd.DataFrame, lexicon: Lexicon | str | dict | None = None, *, titles: bool = True,
               context: int = 80) -> dd.DataFrame:
    """:func:`framing.find_terms` per partition: a lazy Dask DataFrame of hits (same columns and rows)."""
    # read no more than this (the language chooses the lexicon's patterns, framing.find_terms)
    articles = articles[["article_id", "outlet", "published", "title", "text"] + _language(articles)]
    return articles.map_partitions(_find_part, _lexicon(lexicon), titles, context, meta=empty_hits())


def count_terms(articles: dd.DataFrame, lexicon: Lexicon | str | dict | None = None, *,
                titles: bool = False) -> dd.DataFrame:
    """:func:`framing.count_terms` per partition: article × variant counts, lazily."""
    meta = pd.DataFrame({"article_id": pd.Series(dtype="string"), "family": pd.Series(dtype="string"),
                         "variant": pd.Series(dtype="string"), "count": pd.Series(dtype="int64")})
    articles = articles[["article_id", "title", "text"] + _language(articles)]
    return articles.map_partitions(_count_part, _lexicon(lexicon), titles, meta=meta)


def _local(frame) -> pd.DataFrame:
    return frame.compute() if isinstance(frame, dd.DataFrame) else frame


def compare(hits, articles, by: str | Sequence[str] = "outlet", voice=None, **options) -> pd.DataFrame:
    """:func:`framing.compare` with the hits and the articles' metadata gathered from the cluster.

    Only the hits table and the article columns without text come back (about 200 bytes an
    article); the statistics, with their seeded bootstrap, then run here exactly as in pandas.
    """
    meta_cols = [c for c in _META_COLUMNS if c in articles.columns]
    arts = _local(articles[meta_cols] if isinstance(articles, dd.DataFrame) else articles)
    return _compare(_local(hits).reset_index(drop=True), arts.reset_index(drop=True), by, voice, **options)


def _part_totals(part: pd.DataFrame, by, part_name, dedupe, ngram_range, stop_words, outlets) -> pd.DataFrame:
    docs = documents(part, by, part=part_name, dedupe=dedupe, outlets=outlets)
    if not len(docs):
        return pd.DataFrame({"group": pd.Series(dtype=object), "term": pd.Series(dtype=object),
                             "count": pd.Series(dtype="int64"), "docs": pd.Series(dtype="int64")})
    if tuple(ngram_range) in ((1, 1), (1, 2)):  # the partition's document-term matrix, as framing.keyness counts
        matrix, vocab = matrix_counts(part, docs, part_name, tuple(ngram_range), stop_words, by_part=by == "part")
    else:
        matrix, vocab = term_counts(docs, ngram_range, stop_words)
    return Totals.from_matrix(matrix, vocab, docs["group"].to_numpy()).to_frame()


def keyness(articles: dd.DataFrame, by: str | Sequence[str] = "outlet", target: str | None = None,
            reference=None, *, method: str = "log_odds", ngram_range: tuple[int, int] = (1, 2),
            min_count: int = 5, dedupe: bool = True, part: str = "body", alpha0: float | None = None,
            correction: bool = True, stop_words=STOP_WORDS, outlets=None, keep_outlet_names: bool = False,
            split_out: int | None = None) -> pd.DataFrame:
    """:func:`framing.keyness` with the n-gram counting done in the partitions.

    Each partition counts its documents' n-grams per group (term count and document frequency);
    the partial totals are summed on the cluster (`split_out` partitions for the sum; default:
    one per 8 input partitions) and only the per-group totals come back. The statistics are then
    those of :func:`framing.keyness`. The bootstrap interval needs every document's counts in one
    place, so it is not offered here.
    """
    meta = pd.DataFrame({"group": pd.Series(dtype=object), "term": pd.Series(dtype=object),
                         "count": pd.Series(dtype="int64"), "docs": pd.Series(dtype="int64")})
    partial = articles.map_partitions(_part_totals, by, part, dedupe, ngram_range, stop_words, outlets, meta=meta)
    n_out = split_out or max(1, articles.npartitions // 8)
    summed = partial.groupby(["group", "term"]).sum(split_out=n_out).reset_index()
    totals = Totals.from_frame(summed.compute())
    table = keyness_from_totals(totals, by, target, reference, method=method, min_count=min_count,
                                alpha0=alpha0, correction=correction)
    if keep_outlet_names or by == "part" or table.empty:
        return table
    # which outlets make each group, and the domains they publish on: small tables, one row per pair
    pairs = articles.map_partitions(_part_members, by, part, dedupe, outlets,
                                    meta={"group": object, "outlet": object, "url": object}).compute()
    pairs = pairs.drop_duplicates(ignore_index=True)
    names = own_names(pairs[["outlet", "url"]].drop_duplicates(ignore_index=True), outlets, stop_words)
    return drop_own_names(table, by, target, names, group_members(pairs))


def _part_members(df: pd.DataFrame, by, part, dedupe, outlets) -> pd.DataFrame:
    """(group, outlet, the registered domain of its URL) of one partition's articles, without repeats."""
    from .text.urls import registered_domain

    docs = documents(df, by, part=part, dedupe=dedupe, outlets=outlets)
    arts = df.assign(url=df["url"] if "url" in df else None)[["article_id", "outlet", "url"]].drop_duplicates("article_id")
    pairs = docs[["article_id", "group"]].merge(arts, on="article_id", how="left")
    sites = pairs["url"].map(lambda u: registered_domain(u) if isinstance(u, str) else None)  # own_names reads a domain as a URL
    return pd.DataFrame({"group": pairs["group"], "outlet": pairs["outlet"], "url": sites}).drop_duplicates()
