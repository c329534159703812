"""Streaming ingest: raw files → partitioned Parquet on disk, in bounded memory, on every core.

``ingest_to(raw, out)`` writes::

    out/articles/part-00000.parquet …   one part per task, in input order
    out/rejects.csv                      every file or row that did not become an article, and why
    out/ingest.json                      the counts that reconcile (files, articles, rejects, copies)

It builds in ``out/.ingest-building-PID/`` and swaps the result in at the end, so a failed or
interrupted ingest leaves the previous output as it was. ``read_articles(out)`` gives back the
same table as ``framing.ingest(raw).articles``.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm  # plain text bar: tqdm.auto warns in kernels without ipywidgets

from ..schema import REJECT_COLUMNS, cast_articles, empty_articles
from .corpus import _context, summary_lines
from .duplicates import NearDuplicates, rank_published
from .._builds import remove_stale
from .._texts import part_order
from .tasks import CHUNK_BYTES, FILE_SECONDS, default_workers, execute, plan

__all__ = ["IngestSummary", "ingest_to", "read_articles"]


@dataclass
class IngestSummary:
    """What a streaming ingest wrote, with the counts that reconcile."""

    out: Path
    n_files: int
    n_articles: int
    n_rejects: int
    n_duplicates: int
    n_outlets: int
    n_bytes: int
    elapsed: float
    workers: int
    parts: int
    rejects_by_reason: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # see Corpus.notes

    def summary(self) -> str:
        """A few lines for people (the same shape as ``Corpus.summary``)."""
        return summary_lines(
            n_files=self.n_files, n_articles=self.n_articles, n_outlets=self.n_outlets,
            by_reason=self.rejects_by_reason, n_duplicates=self.n_duplicates, n_bytes=self.n_bytes,
            elapsed=self.elapsed, workers=self.workers, notes=self.notes) + f"\nparts: {self.parts} in {self.out / 'articles'}"


def ingest_to(path: str | Path, out: str | Path, *, manifest: str | Path | None = None,
              mapping: Mapping[str, str] | None = None, outlets: str | Path | dict | None = None,
              boilerplate: str | Path | dict | None = None, max_bytes: int = 50_000_000,
              workers: int | None = None, chunk_bytes: int = CHUNK_BYTES,
              progress: bool | None = None, follow_links: bool = False,
              file_seconds: float | None = FILE_SECONDS) -> IngestSummary:
    """Ingest a raw file or folder of any size into ``out/articles/part-*.parquet`` as it goes.

    Same options and same table as :func:`framing.ingest`, in memory that does not grow with the
    corpus: each worker holds one task of about `chunk_bytes` raw bytes and writes its articles to
    a part itself; this process keeps counts, and the duplicate detector's state goes to files in
    the build folder (about 0.3 KB an article on disk, see :class:`NearDuplicates`). Near-duplicates
    are found across the whole stream; the parts that hold a copy are rewritten with
    ``duplicate_of`` at the end, one part at a time.

    Parameters
    ----------
    workers : processes reading and cleaning in parallel (default: every core this process may use).
    progress : show a progress bar with articles/s (default: only on a terminal).

    Examples
    --------
    >>> import framing, tempfile
    >>> out = tempfile.mkdtemp()
    >>> framing.ingest_to("data/raw/sample", out, workers=1).n_articles
    33
    >>> framing.read_articles(out).equals(framing.ingest("data/raw/sample").articles)
    True
    """
    started = time.perf_counter()
    context, root = _context(path, manifest=manifest, mapping=mapping, outlets=outlets, boilerplate=boilerplate,
                             max_bytes=max_bytes, follow_links=follow_links, file_seconds=file_seconds)
    workers = workers or default_workers()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    remove_stale(out, ".ingest-building-")  # left by runs that were killed outright
    build = out / f".ingest-building-{os.getpid()}"
    shutil.rmtree(build, ignore_errors=True)
    (build / "articles").mkdir(parents=True)
    try:
        summary = _stream(root, build, context, workers=workers, chunk_bytes=chunk_bytes,
                          max_bytes=max_bytes, progress=progress)
        _swap(build, out)
    finally:
        shutil.rmtree(build, ignore_errors=True)
    summary.out = out
    summary.elapsed = time.perf_counter() - started
    (out / "ingest.json").write_text(json.dumps(
        {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(summary).items()}, indent=2) + "\n")
    return summary


def _stream(root: Path, build: Path, context, *, workers: int, chunk_bytes: int, max_bytes: int,
            progress: bool | None) -> IngestSummary:
    # Workers write the parts; this process keeps counts, the outlets seen and the duplicate
    # detector's state, which lives in files in the build folder: its memory does not grow with the stream.
    context = replace(context, parts=str(build / "articles"))
    starts: list[int] = []  # the first row of every part, in stream order
    parts: list[str] = []
    n_articles = 0
    outlets: set[str] = set()
    by_reason: dict[str, int] = {}
    notes: list[str] = []
    n_files = n_bytes = 0
    show = None if progress is None else not progress
    with NearDuplicates(folder=build) as dups, (build / "rejects.csv").open("w", newline="", encoding="utf-8") as rej_fh, \
            tqdm(desc="ingest", unit=" articles", disable=show, mininterval=0.5, smoothing=0.1) as bar:
        writer = csv.writer(rej_fh)
        writer.writerow(list(REJECT_COLUMNS))
        for rej in context.sidecar_rejects:
            writer.writerow([rej.source_path, rej.reason, rej.detail])
            by_reason[rej.reason] = by_reason.get(rej.reason, 0) + 1
        tasks = plan(root, chunk_bytes=chunk_bytes, max_bytes=max_bytes, follow_links=context.follow_links)
        for result in execute(tasks, context, workers=workers):
            for rej in result.rejects:
                writer.writerow([rej.source_path, rej.reason, rej.detail])
                by_reason[rej.reason] = by_reason.get(rej.reason, 0) + 1
            n_files += result.n_files
            n_bytes += result.n_bytes
            notes.extend(result.notes)
            if result.part is not None:
                starts.append(n_articles)
                parts.append(result.part)
                n_articles += len(result.articles)
                outlets.update(result.articles["outlet"].dropna().unique().tolist())
                dups.add(result.signatures, rank_published(result.articles["published"]))
            bar.update(len(result.articles))
            bar.set_postfix_str(f"{n_bytes / 1e6:.0f} MB read, {sum(by_reason.values())} rejected", refresh=False)
        copies, roots = dups.groups()
    _mark_copies(parts, np.asarray(starts, dtype=np.int64), copies, roots)
    return IngestSummary(out=build, n_files=n_files, n_articles=n_articles, n_rejects=sum(by_reason.values()),
                         n_duplicates=len(copies), n_outlets=len(outlets), n_bytes=n_bytes, elapsed=0.0,
                         workers=workers, parts=len(parts), rejects_by_reason=by_reason,
                         notes=list(dict.fromkeys(notes)))


def _mark_copies(parts: list[str], starts: np.ndarray, copies: np.ndarray, roots: np.ndarray) -> None:
    """Rewrite the parts that hold copies, with ``duplicate_of`` set to each group's original.

    The originals' ids are read from their parts' ``article_id`` columns and kept as one Arrow
    array (about 25 bytes a copy); then each part with copies is read, changed and written once.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    if not len(copies):
        return
    root_part = np.searchsorted(starts, roots, "right") - 1
    ids = [pa.array([], pa.string())]
    order = np.argsort(root_part, kind="stable")  # the roots, grouped by the part that holds them
    for k in np.unique(root_part).tolist():
        column = pq.read_table(parts[k], columns=["article_id"]).column("article_id").combine_chunks()
        at = roots[order][root_part[order] == k] - starts[k]
        ids.append(column.take(pa.array(at)).cast(pa.string()))
    root_ids = pa.concat_arrays(ids).take(pa.array(np.argsort(order)))  # back to the copies' order
    copy_part = np.searchsorted(starts, copies, "right") - 1
    for k in np.unique(copy_part).tolist():
        table = pq.read_table(parts[k])
        mine = np.flatnonzero(copy_part == k)
        at = np.full(table.num_rows, -1, dtype=np.int64)
        at[copies[mine] - starts[k]] = mine
        field_ = table.schema.field("duplicate_of")
        column = root_ids.take(pa.array(at, mask=at < 0)).cast(field_.type)
        table = table.set_column(table.schema.get_field_index("duplicate_of"), field_, column)
        pq.write_table(table, parts[k])


def _swap(build: Path, out: Path) -> None:
    """Move the finished build over the previous output (articles/, rejects.csv)."""
    old = out / f".ingest-old-{os.getpid()}"
    if (out / "articles").exists():
        (out / "articles").rename(old)
    (build / "articles").rename(out / "articles")
    os.replace(build / "rejects.csv", out / "rejects.csv")
    shutil.rmtree(old, ignore_errors=True)
    stale = out / "articles.parquet"  # the single-file layout of earlier versions would shadow nothing, but confuse
    if stale.exists():
        stale.unlink()


def read_articles(path: str | Path, columns: list[str] | None = None, *, texts: bool = True) -> pd.DataFrame:
    """The articles table from an ingest's output folder (``articles/part-*.parquet``, or an
    ``articles.parquet`` file), in input order, with the contract's dtypes.

    Parameters
    ----------
    path : the folder given to ``framing ingest --out`` / :func:`framing.ingest_to`, its
        ``articles`` folder, or a single Parquet file.
    columns : read only these columns (``text`` is most of the bytes; leave it out for metadata).
    texts : False reads every column but ``text``, ``dropped`` and ``dropped_why`` (about a tenth
        of the memory). framing's functions still work on such a table: those that need the texts
        read them from the folder a block at a time (see ``framing._texts``), with the same results.

    The table remembers the folder (``table.attrs["framing_source"]``): keyness, similarity and
    collocations keep the corpus's document-term matrix in its ``dtm/`` subfolder and reuse it, and
    a table read with ``texts=False`` reads its texts from there.

    Examples
    --------
    >>> import framing, tempfile
    >>> out = tempfile.mkdtemp()
    >>> _ = framing.ingest_to("data/raw/sample", out, workers=1)
    >>> framing.read_articles(out, columns=["outlet"])["outlet"].nunique()
    6
    """
    path = Path(path)
    if path.is_dir() and ((path / "articles").is_dir() or (path / "articles.parquet").is_file()):
        source = path
    else:  # the articles folder itself, or one Parquet file
        source = path.parent if path.is_file() or path.name == "articles" else path
    if not texts:
        import pyarrow.parquet as pq

        from .._texts import HEAVY, parts

        files = parts(source)
        names = pq.ParquetFile(files[0]).schema_arrow.names if files else list(empty_articles().columns)
        columns = [c for c in (columns or names) if c not in HEAVY]
    table = _read_parts(path, columns)
    # where this corpus lives: the document-term matrix is kept there (``dtm/``) and reused
    table.attrs["framing_source"] = str(source.resolve())
    return table


def _read_parts(path: Path, columns: list[str] | None) -> pd.DataFrame:
    if path.is_dir() and (path / "articles").is_dir():
        path = path / "articles"
    elif path.is_dir() and (path / "articles.parquet").is_file():
        path = path / "articles.parquet"
    if path.is_dir():
        parts = sorted(path.glob("part-*.parquet"), key=part_order)
        if not parts:
            raise FileNotFoundError(f"{path}: no part-*.parquet files")
        frames = [pd.read_parquet(p, columns=columns) for p in parts]
        table = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    elif path.is_file():
        table = pd.read_parquet(path, columns=columns)
    else:
        raise FileNotFoundError(f"{path}: no articles (expected articles/part-*.parquet or articles.parquet)")
    if columns is None:
        return cast_articles(table)
    empty = empty_articles()
    for name in table.columns:
        if name in empty and name not in ("dropped", "dropped_why"):
            table[name] = table[name].astype(empty[name].dtype)
    return table
