"""The ingest orchestrator: a raw file or folder → a Corpus of articles and rejects."""

from __future__ import annotations

import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from tqdm import tqdm  # plain text bar: tqdm.auto warns in kernels without ipywidgets

from ..schema import cast_articles, cast_rejects, empty_articles, empty_rejects
from .duplicates import NearDuplicates, rank_published
from .readers import Reject, read_manifest, walk_inputs
from ..knowledge.boilerplate import load_boilerplate
from ..knowledge.outlets import load_outlets
from .tasks import CHUNK_BYTES, FILE_SECONDS, Context, execute, plan

__all__ = ["Corpus", "ingest", "load"]

@dataclass
class Corpus:
    """The result of an ingest: the articles table, the rejects table, and the counts that reconcile.

    Attributes
    ----------
    articles : one row per article (see ``framing.schema.ARTICLE_COLUMNS``).
    rejects : one row per raw file or row that did not become an article (`source_path`, `reason`, `detail`).
    n_files : input files read (sidecar files such as ``sources.csv`` and READMEs are not inputs).
    elapsed : seconds the ingest took.
    notes : what the readers noticed and acted on, one sentence each, naming the file (an export
        column that holds something other than its name says, and how it was read).
    """

    articles: pd.DataFrame
    rejects: pd.DataFrame
    n_files: int = 0
    elapsed: float = 0.0
    n_bytes: int = field(default=0, repr=False)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """A few lines for people: files, articles, rejects by reason, duplicates, elapsed time."""
        return summary_lines(
            n_files=self.n_files, n_articles=len(self.articles), n_outlets=self.articles["outlet"].nunique(),
            by_reason=self.rejects["reason"].value_counts().to_dict(),
            n_duplicates=int(self.articles["duplicate_of"].notna().sum()), n_bytes=self.n_bytes, elapsed=self.elapsed,
            notes=self.notes)

    def one_line(self) -> str:
        """The summary in one line (used by ``framing.load`` warnings)."""
        by_reason = self.rejects["reason"].value_counts().sort_index()
        reasons = ", ".join(f"{r}: {n}" for r, n in by_reason.items())
        return (f"{len(self.articles)} articles from {self.n_files} files; "
                f"{len(self.rejects)} rejected ({reasons}) - see framing.ingest(path).rejects")


def summary_lines(*, n_files: int, n_articles: int, n_outlets: int, by_reason: Mapping[str, int],
                  n_duplicates: int, n_bytes: int, elapsed: float, workers: int | None = None,
                  notes: list[str] = ()) -> str:
    """The ingest summary people read (in-memory and streaming ingests print the same lines)."""
    reasons = ", ".join(f"{r}: {n}" for r, n in sorted(by_reason.items())) or "none"
    rate = f"{n_bytes / 1e6 / elapsed:.1f} MB/s" if elapsed else "0.0 MB/s"
    if workers:
        rate += f", {n_articles / max(elapsed, 1e-9):.0f} articles/s on {workers} worker(s)"
    return (f"files: {n_files}\narticles: {n_articles} from {n_outlets} outlets\n"
            f"rejects: {sum(by_reason.values())} ({reasons})\nduplicates: {n_duplicates}\n"
            f"elapsed: {elapsed:.1f} s ({rate})" + "".join(f"\nnote: {n}" for n in notes))


def _manifests(root: Path, manifest: str | Path | None, *, follow_links: bool = False
               ) -> tuple[dict[Path, dict[str, str]], list[Reject]]:
    """The entries of every ``sources.csv`` under `root` and of `manifest`. A ``sources.csv``
    found in the raw folder that cannot be used (no ``file`` column, unreadable, not a regular
    file) becomes a reject and the ingest goes on; a bad `manifest` named by the user raises. The
    folder is walked as the ingest walks it (:func:`walk_inputs`), so a link out of it is not read
    (the ingest's own walk rejects it) and a FIFO is never opened."""
    entries: dict[Path, dict[str, str]] = {}
    rejects: list[Reject] = []
    if root.is_dir():
        for item in walk_inputs(root, follow_links=follow_links, sidecars=True):
            if isinstance(item, Reject):  # the ingest's walk names every other entry it skips
                if item.reason == "not_a_file" and item.source_path.rpartition("/")[2].lower() == "sources.csv":
                    rejects.append(Reject(item.source_path, "bad_manifest", f"not used as a manifest: {item.detail}"))
                continue
            path, rel = item
            if path.name.lower() != "sources.csv":
                continue
            try:
                entries.update(read_manifest(path))
            except (OSError, ValueError) as exc:  # DecodeError is a ValueError
                rejects.append(Reject(rel, "bad_manifest", f"not used as a manifest: {exc}"))
    if manifest:
        entries.update(read_manifest(Path(manifest)))
    return entries, rejects


def ingest(path: str | Path, *, manifest: str | Path | None = None, mapping: Mapping[str, str] | None = None,
           outlets: str | Path | dict | None = None, boilerplate: str | Path | dict | None = None,
           max_bytes: int = 50_000_000, progress: bool | None = None, workers: int = 1,
           chunk_bytes: int = CHUNK_BYTES, follow_links: bool = False,
           file_seconds: float | None = FILE_SECONDS) -> Corpus:
    """Read raw articles from a file or folder (recursively) into a clean articles table.

    Every input file ends up in ``.articles`` or in ``.rejects`` (with a reason); every row of a
    CSV/JSON(L) export too. One bad file never stops the ingest.

    Parameters
    ----------
    path : a file or a folder of raw files (.txt, .html/.htm, .jsonl, .json, .csv).
    manifest : a CSV mapping file → outlet, url, published (author, title); it overrides inference.
        A ``sources.csv`` in any folder under `path` is read automatically.
    mapping : article field → column name for exports with unusual columns, e.g. ``{"text": "Body Text"}``.
    outlets : extra outlets YAML (path or dict), merged over the packaged list. An ``outlets.yaml``
        at the top of `path` is merged automatically.
    boilerplate : extra boilerplate rules YAML (path or dict), merged into the packaged rules.
    max_bytes : files larger than this (JSONL: lines) are rejected unread as ``too_large``.
    progress : show a progress bar (default: only on a terminal).
    workers : processes that read and clean in parallel (1: in this process).
    chunk_bytes : raw bytes per unit of work. Recurring chrome is learned per outlet within one
        unit, and :func:`framing.ingest_to` uses the same units, so both give the same table.
    follow_links : also read symbolic links whose target lies outside `path` (by default they are
        rejected as ``outside_root``: a scrape folder or an unpacked archive may hold a link to
        ``/etc/passwd``). See :func:`framing.ingestion.readers.walk_inputs`.
    file_seconds : the time one file may take to read and clean (default 120 s); a file that takes
        longer is rejected ``too_slow`` instead of stalling the ingest. None: no limit. The limit
        needs the main thread of a process (it always holds in the worker processes).

    Returns
    -------
    Corpus
        ``.articles`` and ``.rejects`` DataFrames, ``.summary()`` for people.

    Examples
    --------
    >>> import framing
    >>> corpus = framing.ingest("data/raw/sample")
    >>> len(corpus.articles), corpus.rejects["reason"].tolist()
    (33, ['malformed_json'])
    """
    started = time.perf_counter()
    context, root = _context(path, manifest=manifest, mapping=mapping, outlets=outlets, boilerplate=boilerplate,
                             max_bytes=max_bytes, follow_links=follow_links, file_seconds=file_seconds)
    frames, rejects, n_files, n_bytes = [], list(context.sidecar_rejects), 0, 0
    notes: list[str] = []
    dups = NearDuplicates()
    show = None if progress is None else not progress  # None: tqdm shows the bar only on a terminal
    with tqdm(desc="ingest", unit=" articles", disable=show, mininterval=0.5, leave=False) as bar:
        for result in execute(plan(root, chunk_bytes=chunk_bytes, max_bytes=max_bytes, follow_links=follow_links),
                              context, workers=workers):
            frames.append(result.articles)
            rejects.extend(result.rejects)
            notes.extend(result.notes)
            n_files += result.n_files
            n_bytes += result.n_bytes
            dups.add(result.signatures, rank_published(result.articles["published"]))
            bar.update(len(result.articles))
    articles = (cast_articles(pd.concat(frames, ignore_index=True)) if len(frames) > 1
                else frames[0] if frames else cast_articles(empty_articles()))
    articles["duplicate_of"] = pd.array(dups.resolve(articles["article_id"].tolist()), dtype="string")
    reject_df = (cast_rejects(pd.DataFrame([vars(r) for r in rejects])) if rejects
                 else cast_rejects(empty_rejects()))
    notes = list(dict.fromkeys(notes))  # the spans of one big file each note the same
    for note in notes:  # a column read as something else: the user should know without asking
        warnings.warn(note, UserWarning, stacklevel=2)
    return Corpus(articles=articles, rejects=reject_df, n_files=n_files,
                  elapsed=time.perf_counter() - started, n_bytes=n_bytes, notes=notes)


def _context(path, *, manifest, mapping, outlets, boilerplate, max_bytes, follow_links=False,
             file_seconds=FILE_SECONDS) -> tuple[Context, Path]:
    """The rules and manifest entries for ingesting `path` (outlets.yaml and sources.csv found under it)."""
    root = Path(path)
    if not root.exists():
        raise FileNotFoundError(f"{root}: no such file or folder")
    extra_outlets = [root / "outlets.yaml"] if root.is_dir() and (root / "outlets.yaml").is_file() else []
    book = load_outlets(*extra_outlets, outlets)
    rules = load_boilerplate(boilerplate)
    entries, rejects = _manifests(root, manifest, follow_links=follow_links)
    return Context(rules=rules, outlets=book, entries=entries, mapping=mapping, max_bytes=max_bytes,
                   follow_links=follow_links, sidecar_rejects=rejects, file_seconds=file_seconds), root


def load(path: str | Path, **options) -> pd.DataFrame:
    """Ingest `path` and return just the articles; warn with a one-line summary if anything was rejected.

    Examples
    --------
    >>> import framing
    >>> framing.load("data/raw/sample")["outlet"].nunique()  # warns: 1 JSONL line was rejected
    6
    """
    corpus = ingest(path, **options)
    if len(corpus.rejects):
        warnings.warn(corpus.one_line(), UserWarning, stacklevel=2)
    return corpus.articles
