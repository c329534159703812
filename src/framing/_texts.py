"""Texts read where they lie: an articles table without its heavy columns, and its texts in blocks.

A corpus ingested with ``framing ingest RAW --out DIR`` can be read without its texts
(``framing.read_articles(DIR, texts=False)``: every column but ``text``, ``dropped`` and
``dropped_why``, about a tenth of the memory). The table remembers its folder
(``attrs["framing_source"]``), and the functions that read texts — :func:`framing.find_terms`,
:func:`framing.find_quotes`, :func:`framing.kwic`, :func:`framing.stories`, the document-term
matrix behind keyness, similarity and collocations … — read them from the Parquet parts a block
of articles at a time (:func:`blocks`), so a million articles never sit in memory at once. Their
results are the same as with the texts in the table (tested).

The rows of a block are the table's own rows (a subset or a re-ordered table works too); blocks
come in the order of the Parquet parts, and :func:`per_block` puts its result back in the table's
order.
"""

from __future__ import annotations

import contextlib

import hashlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ._progress import bar

__all__ = ["HEAVY", "BLOCK", "TextsError", "require", "source_of", "parts", "fingerprint", "id_digests", "streamed", "blocks",
           "located_blocks", "per_block", "with_columns", "workers_for", "ordered_map", "forked_pool", "inherited", "INHERITED"]

#: The columns that hold most of an ingest's bytes: left out by ``read_articles(texts=False)``.
HEAVY = ("text", "dropped", "dropped_why")
#: Articles read from Parquet at a time (about 40 MB of text for news-length articles).
BLOCK = 10_000


class TextsError(KeyError):
    """The table lacks a column a function needs, and does not say where its texts are."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


def source_of(articles: pd.DataFrame) -> Path | None:
    """The ingest folder the table was read from (:func:`framing.read_articles`), or None."""
    source = getattr(articles, "attrs", {}).get("framing_source")
    return Path(source) if source else None


def parts(source: str | Path) -> list[Path]:
    """The Parquet files of an ingest folder, in input order: ``articles/part-*.parquet``, or
    ``articles.parquet`` (as ``framing report`` writes it).

    Examples
    --------
    >>> parts("/no/such/folder")
    []
    """
    source = Path(source)
    folder = source / "articles"
    if folder.is_dir():
        return sorted(folder.glob("part-*.parquet"), key=part_order)
    single = source / "articles.parquet"
    return [single] if single.is_file() else []


def part_order(path: Path) -> tuple[int, str]:
    """Parts in task order, also past part-99999 (where names stop sorting as numbers)."""
    digits = path.stem.rpartition("-")[2]
    return (int(digits), path.name) if digits.isdigit() else (-1, path.name)


def fingerprint(source: str | Path) -> str:
    """A digest of the folder's Parquet files (names, sizes, modification times): it changes when
    an ingest writes the folder again. Costs a ``stat`` per part, never a read.

    Examples
    --------
    >>> len(fingerprint("/no/such/folder"))
    20
    """
    digest = hashlib.blake2b(digest_size=10)
    for path in parts(source):
        stat = path.stat()
        digest.update(f"{path.name}\x00{stat.st_size}\x00{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def id_digests(ids, articles: pd.DataFrame) -> np.ndarray:
    """A 64-bit digest per row of a table read without its texts: its id and the state of the
    folder's Parquet files (:func:`fingerprint`), so a row is the same text as long as the folder
    is not written again. No text is read.

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a", "b"]})
    >>> arts.attrs["framing_source"] = "/no/such/folder"
    >>> d = id_digests(arts["article_id"], arts)
    >>> d.dtype, bool(d[0] != d[1])
    (dtype('uint64'), True)
    """
    salt = np.uint64(int(fingerprint(source_of(articles)), 16) & ((1 << 64) - 1))
    hashed = pd.util.hash_array(np.asarray(ids, dtype=object).astype(str).astype(object), categorize=False)
    return hashed ^ salt


def streamed(articles: pd.DataFrame, columns: Sequence[str] = ("text",)) -> bool:
    """True when `articles` lacks one of `columns` and knows the folder to read them from.

    Raises
    ------
    TextsError
        The table lacks ``text`` (or another of :data:`HEAVY`) and does not know its folder.

    Examples
    --------
    >>> streamed(pd.DataFrame({"article_id": ["a"], "text": ["x"]}))
    False
    """
    missing = [c for c in columns if c not in articles.columns]
    folder = source_of(articles) is not None
    if missing and not folder and set(missing) & set(HEAVY):
        raise _no_folder(missing)
    return bool(missing) and folder


def require(articles: pd.DataFrame, columns: Sequence[str], verb: str) -> None:
    """Raise a :class:`TextsError` that names the columns `verb` needs and the table lacks.

    Examples
    --------
    >>> require(pd.DataFrame({"article_id": ["a"], "text": ["x"]}), ["article_id", "outlet", "text"], "find_quotes")
    Traceback (most recent call last):
    ...
    framing._texts.TextsError: find_quotes: the articles table has no 'outlet' column (it needs article_id, outlet, text; framing.ingest and framing.read_articles make them all)
    """
    missing = [c for c in columns if c not in articles.columns]
    if missing:
        raise TextsError(f"{verb}: the articles table has no {', '.join(map(repr, missing))} column"
                         f"{'s' if len(missing) > 1 else ''} (it needs {', '.join(columns)}; framing.ingest and "
                         "framing.read_articles make them all)")


def _no_folder(missing: list[str]) -> TextsError:
    return TextsError(f"the articles table has no {', '.join(map(repr, missing))} column; give the table "
                      "with its texts, or read it with framing.read_articles(DIR, texts=False) so that they "
                      "can be read from DIR")


def _missing(articles: pd.DataFrame, columns: Sequence[str]) -> list[str]:
    """The `columns` the table lacks (an error if it lacks any and does not know its folder)."""
    missing = [c for c in columns if c not in articles.columns]
    if missing and source_of(articles) is None:
        raise _no_folder(missing)
    return missing


def _positions(articles: pd.DataFrame) -> pd.Index:
    ids = pd.Index(articles["article_id"].astype(object))
    if not ids.is_unique:
        first = ids[ids.duplicated()][0]
        raise ValueError(f"article_id {first!r} appears twice in the table: its text cannot be read from "
                         f"{source_of(articles)} by id")
    return ids


def located_blocks(articles: pd.DataFrame, columns: Sequence[str], size: int) -> Iterator[tuple[np.ndarray, pd.DataFrame]]:
    """(positions in `articles`, the rows with `columns`) a block at a time."""
    missing = _missing(articles, columns)
    if not missing:
        for start in range(0, len(articles), size):
            yield np.arange(start, min(start + size, len(articles))), articles.iloc[start:start + size]
        return
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .schema import ARTICLE_COLUMNS

    source = source_of(articles)
    files = parts(source)
    if not files:
        raise FileNotFoundError(f"{source}: no articles (expected articles/part-*.parquet or articles.parquet); "
                                "the table's texts cannot be read")
    index = _positions(articles)
    found = 0
    held: list[tuple[np.ndarray, pa.Table]] = []
    n_held = 0

    def emit():
        pos = np.concatenate([p for p, _ in held])
        frame = articles.iloc[pos].copy()
        for name in missing:  # parts may type a column differently (list<null> where every list is empty)
            dtype = ARTICLE_COLUMNS.get(name, object)
            if isinstance(dtype, pd.StringDtype):  # Arrow strings stay Arrow strings (no Python objects)
                column = pa.chunked_array([t.column(name).cast(pa.large_string()) for _, t in held],
                                          type=pa.large_string())
                frame[name] = dtype.__from_arrow__(column)
            else:
                values = [v for _, t in held for v in t.column(name).to_pylist()]
                frame[name] = pd.Series(values, index=frame.index, dtype=object)
        return pos, frame

    for path in files:
        file = pq.ParquetFile(path)
        absent = [c for c in missing if c not in file.schema_arrow.names]
        if absent:
            raise TextsError(f"{path}: no column {', '.join(map(repr, absent))}")
        # the ids first (a few bytes an article): a part none of whose articles is wanted is not read
        wanted = index.get_indexer(file.read(columns=["article_id"]).column(0).to_numpy())
        if not (wanted >= 0).any():
            continue
        start = 0
        for group in range(file.num_row_groups):
            rows = file.metadata.row_group(group).num_rows
            in_group = wanted[start:start + rows]
            if (in_group >= 0).any():
                at = 0
                for batch in file.iter_batches(batch_size=size, row_groups=[group], columns=list(missing)):
                    pos = in_group[at:at + batch.num_rows]
                    at += batch.num_rows
                    keep = pos >= 0
                    if not keep.any():
                        continue
                    table = pa.Table.from_batches([batch])
                    if not keep.all():
                        table = table.filter(pa.array(keep))
                    held.append((pos[keep], table))
                    n_held += int(keep.sum())
                    found += int(keep.sum())
                    if n_held >= size:
                        yield emit()
                        held, n_held = [], 0
            start += rows
    if held:
        yield emit()
    if found < len(articles):
        raise KeyError(f"{len(articles) - found:,} article(s) of the table are not in {source} "
                       "(was the folder ingested again since the table was read?)")


def blocks(articles: pd.DataFrame, columns: Sequence[str] = ("text",), size: int = BLOCK) -> Iterator[pd.DataFrame]:
    """The rows of `articles` with `columns`, `size` at a time: slices of the table when it has the
    columns, else read from the table's ingest folder (in the folder's order).

    Raises
    ------
    TextsError
        The table lacks a column and was not read from an ingest folder.
    KeyError
        An article of the table is not in its folder any more.

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a", "b", "c"], "text": ["x", "y", "z"]})
    >>> [len(b) for b in blocks(arts, size=2)]
    [2, 1]
    """
    for _, frame in located_blocks(articles, columns, size):
        yield frame


def per_block(func: Callable[[pd.DataFrame], pd.DataFrame], articles: pd.DataFrame,
              columns: Sequence[str] = ("text",), *, size: int = BLOCK, progress: bool | None = False,
              desc: str = "reading texts", workers: int = 1) -> pd.DataFrame:
    """``func`` applied to each block of :func:`blocks`, the results concatenated in the table's
    order (by the position of their ``article_id``; a result without rows is ``func`` of no rows).

    `func` must treat each article on its own (a hits table, a quotations table …). With
    `workers` > 1 the blocks go to forked worker processes (`func` must then be picklable: a
    module-level function or a ``functools.partial`` of one), a few blocks in flight.

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a", "b", "c"], "text": ["x", "yy", "zzz"]})
    >>> per_block(lambda b: b.assign(n=b["text"].str.len())[["article_id", "n"]], arts, size=2)["n"].tolist()
    [1, 2, 3]
    """
    results, sizes, last, ordered = [], [], -1, True

    def frames():
        nonlocal last, ordered
        for pos, frame in located_blocks(articles, columns, size):
            if len(pos):
                ordered = ordered and pos[0] > last and bool((np.diff(pos) > 0).all())
                last = int(pos[-1])
            sizes.append(len(pos))
            yield frame

    with bar(None, desc=desc, total=len(articles), progress=progress) as shown:
        for k, result in enumerate(ordered_map(func, frames(), workers)):
            results.append(result)
            shown.update(sizes[k])
    if not results:
        empty = articles.iloc[:0].copy()
        for name in columns:
            if name not in empty:
                empty[name] = pd.Series(dtype=object)
        return func(empty)
    out = pd.concat(results, ignore_index=True) if len(results) > 1 else results[0].reset_index(drop=True)
    if not ordered and len(out):
        where = pd.Series(np.arange(len(articles)), index=articles["article_id"].to_numpy())
        order = np.argsort(where.reindex(out["article_id"].to_numpy()).to_numpy(), kind="stable")
        out = out.iloc[order].reset_index(drop=True)
    return out


def workers_for(n_items: int, *, from_items: int = 20_000) -> int:
    """Processes for `n_items` of work: 1 below `from_items` (starting a pool costs more), else every
    core this process may use (at most 8); forked workers, so Linux only.

    Examples
    --------
    >>> workers_for(10)
    1
    """
    import os
    import sys

    if n_items < from_items or not sys.platform.startswith("linux"):
        return 1
    return max(1, min(len(os.sched_getaffinity(0)), 8))


@contextlib.contextmanager
def forked_pool(workers: int):
    """A ``ProcessPoolExecutor`` of `workers` forked processes, with the parent's objects frozen
    out of the garbage collector while it lives (``gc.freeze``): a child's collections then do not
    walk — and so copy — the parent's pages. Measured in a notebook kernel holding a hits table of
    100k articles: the forked workers of ``framing.stories`` took about 1.6 GB of the tree without it.

    Examples
    --------
    >>> with forked_pool(1) as pool:
    ...     pool.submit(len, "ab").result()
    2
    """
    import gc
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    gc.collect()
    gc.freeze()
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            yield pool
    finally:
        gc.unfreeze()


#: What forked workers read instead of being sent it (a corpus's texts, a compiled lexicon, a
#: matrix): set by :func:`inherited` in the parent before its pool forks.
INHERITED: dict = {}


@contextlib.contextmanager
def inherited(**values):
    """Put `values` in :data:`INHERITED` for the workers forked while the block runs (they read
    them from their copy of the parent's memory: nothing is pickled), and take them out after.

    Examples
    --------
    >>> with inherited(lexicon="lex"):
    ...     INHERITED["lexicon"]
    'lex'
    >>> "lexicon" in INHERITED
    False
    """
    INHERITED.update(values)
    try:
        yield INHERITED
    finally:
        for name in values:
            INHERITED.pop(name, None)


def ordered_map(func: Callable, items, workers: int, *, ahead: int = 2) -> Iterator:
    """``map(func, items)`` on `workers` forked processes, results in order, with at most
    ``ahead × workers`` items in flight (so an iterator of text blocks is never read ahead in full,
    as ``Executor.map`` would). One worker: in this process.

    Examples
    --------
    >>> list(ordered_map(len, ["a", "bb"], 1))
    [1, 2]
    """
    if workers <= 1:
        yield from map(func, items)
        return
    import collections

    with forked_pool(workers) as pool:
        pending: collections.deque = collections.deque()
        try:
            for item in items:
                pending.append(pool.submit(func, item))
                if len(pending) > ahead * workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


def with_columns(articles: pd.DataFrame, columns: Sequence[str] = ("text",)) -> pd.DataFrame:
    """The table with `columns` read in, in its own order: for the few articles a page shows (a
    reader page, one cleaning example), never for a whole corpus.

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a"], "text": ["x"]})
    >>> with_columns(arts) is arts
    True
    """
    if not _missing(articles, columns):
        return articles
    pieces = [(pos, frame) for pos, frame in located_blocks(articles, columns, BLOCK)]
    if not pieces:
        out = articles.copy()
        for name in columns:
            if name not in out:
                out[name] = pd.Series(dtype=object)
        return out
    pos = np.concatenate([p for p, _ in pieces])
    out = pd.concat([f for _, f in pieces])
    return out.iloc[np.argsort(pos, kind="stable")]
