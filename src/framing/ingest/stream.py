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
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from tqdm import tqdm  # plain text bar: tqdm.auto warns in kernels without ipywidgets

from ..schema import REJECT_COLUMNS, cast_articles, empty_articles
from .corpus import _context, summary_lines
from .duplicates import NearDuplicates, rank_published
from .tasks import CHUNK_BYTES, default_workers, execute, plan

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

    def summary(self) -> str:
        """A few lines for people (the same shape as ``Corpus.summary``)."""
        return summary_lines(
            n_files=self.n_files, n_articles=self.n_articles, n_outlets=self.n_outlets,
            by_reason=self.rejects_by_reason, n_duplicates=self.n_duplicates, n_bytes=self.n_bytes,
            elapsed=self.elapsed, workers=self.workers) + f"\nparts: {self.parts} in {self.out / 'articles'}"


def ingest_to(path: str | Path, out: str | Path, *, manifest: str | Path | None = None,
              mapping: Mapping[str, str] | None = None, outlets: str | Path | dict | None = None,
              boilerplate: str | Path | dict | None = None, max_bytes: int = 50_000_000,
              workers: int | None = None, chunk_bytes: int = CHUNK_BYTES,
              progress: bool | None = None) -> IngestSummary:
    """Ingest a raw file or folder of any size into ``out/articles/part-*.parquet`` as it goes.

    Same options and same table as :func:`framing.ingest`, but nothing is held beyond the tasks
    in flight (``2 * workers`` of about `chunk_bytes` raw bytes each) and the duplicate detector's
    signatures (about 0.5 KB an article). Near-duplicates are found across the whole stream; the
    parts that hold a copy are rewritten with ``duplicate_of`` at the end.

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
    context, root = _context(path, manifest=manifest, mapping=mapping, outlets=outlets,
                             boilerplate=boilerplate, max_bytes=max_bytes)
    workers = workers or default_workers()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
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
    dups = NearDuplicates()
    ids: list[str] = []  # article ids in stream order (the copies' originals are looked up here)
    part_starts: list[int] = []
    outlets: set[str] = set()
    by_reason: dict[str, int] = {}
    n_files = n_bytes = 0
    show = None if progress is None else not progress
    with (build / "rejects.csv").open("w", newline="", encoding="utf-8") as rej_fh, \
            tqdm(desc="ingest", unit=" articles", disable=show, mininterval=0.5, smoothing=0.1) as bar:
        writer = csv.writer(rej_fh)
        writer.writerow(list(REJECT_COLUMNS))
        for result in execute(plan(root, chunk_bytes=chunk_bytes, max_bytes=max_bytes), context, workers=workers):
            for rej in result.rejects:
                writer.writerow([rej.source_path, rej.reason, rej.detail])
                by_reason[rej.reason] = by_reason.get(rej.reason, 0) + 1
            n_files += result.n_files
            n_bytes += result.n_bytes
            if len(result.articles):
                part_starts.append(len(ids))
                result.articles.to_parquet(_part(build, len(part_starts) - 1), index=False)
                ids.extend(result.articles["article_id"].tolist())
                outlets.update(result.articles["outlet"].dropna().unique().tolist())
                dups.add(result.signatures, rank_published(result.articles["published"]))
            bar.update(len(result.articles))
            bar.set_postfix_str(f"{n_bytes / 1e6:.0f} MB read, {sum(by_reason.values())} rejected", refresh=False)
    copies = dups.groups()
    _mark_copies(build, copies, ids, part_starts)
    return IngestSummary(out=build, n_files=n_files, n_articles=len(ids), n_rejects=sum(by_reason.values()),
                         n_duplicates=len(copies), n_outlets=len(outlets), n_bytes=n_bytes, elapsed=0.0,
                         workers=workers, parts=len(part_starts), rejects_by_reason=by_reason)


def _part(folder: Path, k: int) -> Path:
    return folder / "articles" / f"part-{k:05d}.parquet"


def _mark_copies(build: Path, copies: dict[int, int], ids: list[str], part_starts: list[int]) -> None:
    """Rewrite the parts that hold copies, with ``duplicate_of`` set to each group's original."""
    import bisect

    by_part: dict[int, dict[int, str]] = {}
    for row, root in copies.items():
        k = bisect.bisect_right(part_starts, row) - 1
        by_part.setdefault(k, {})[row - part_starts[k]] = ids[root]
    for k, marks in by_part.items():
        frame = pd.read_parquet(_part(build, k))
        values = frame["duplicate_of"].astype(object).tolist()
        for pos, original in marks.items():
            values[pos] = original
        frame["duplicate_of"] = pd.array(values, dtype="string")
        frame.to_parquet(_part(build, k), index=False)


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


def read_articles(path: str | Path, columns: list[str] | None = None) -> pd.DataFrame:
    """The articles table from an ingest's output folder (``articles/part-*.parquet``, or an
    ``articles.parquet`` file), in input order, with the contract's dtypes.

    Parameters
    ----------
    path : the folder given to ``framing ingest --out`` / :func:`framing.ingest_to`, its
        ``articles`` folder, or a single Parquet file.
    columns : read only these columns (``text`` is most of the bytes; leave it out for metadata).

    Examples
    --------
    >>> import framing, tempfile
    >>> out = tempfile.mkdtemp()
    >>> _ = framing.ingest_to("data/raw/sample", out, workers=1)
    >>> framing.read_articles(out, columns=["outlet"])["outlet"].nunique()
    6
    """
    path = Path(path)
    if path.is_dir() and (path / "articles").is_dir():
        path = path / "articles"
    elif path.is_dir() and (path / "articles.parquet").is_file():
        path = path / "articles.parquet"
    if path.is_dir():
        parts = sorted(path.glob("part-*.parquet"))
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
