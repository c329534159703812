"""The ingest orchestrator: a raw file or folder → a Corpus of articles and rejects."""

from __future__ import annotations

import time
import warnings
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from tqdm import tqdm  # plain text bar: tqdm.auto warns in kernels without ipywidgets

from ..schema import cast_articles, cast_rejects, empty_articles, empty_rejects
from .clean import clean_text, is_body_paragraph, line_key
from .duplicates import find_duplicates
from .meta import detect_language, find_author, find_outlet, find_published, find_title, find_wire
from .readers import RawArticle, Reject, iter_input_files, read_file, read_manifest
from .rules import Boilerplate, Outlets, load_boilerplate, load_outlets

__all__ = ["Corpus", "ingest", "load"]

#: A paragraph of at most this many words, found in at least RECUR_MIN_ARTICLES articles and
#: RECUR_MIN_SHARE of one outlet's articles, is that outlet's chrome ("Share this article").
RECUR_MAX_WORDS = 15
RECUR_MIN_ARTICLES = 3
RECUR_MIN_SHARE = 0.3


@dataclass
class Corpus:
    """The result of an ingest: the articles table, the rejects table, and the counts that reconcile.

    Attributes
    ----------
    articles : one row per article (see ``framing.schema.ARTICLE_COLUMNS``).
    rejects : one row per raw file or row that did not become an article (`source_path`, `reason`, `detail`).
    n_files : input files read (sidecar files such as ``sources.csv`` and READMEs are not inputs).
    elapsed : seconds the ingest took.
    """

    articles: pd.DataFrame
    rejects: pd.DataFrame
    n_files: int = 0
    elapsed: float = 0.0
    n_bytes: int = field(default=0, repr=False)

    def summary(self) -> str:
        """A few lines for people: files, articles, rejects by reason, duplicates, elapsed time."""
        by_reason = self.rejects["reason"].value_counts().sort_index()
        reasons = ", ".join(f"{r}: {n}" for r, n in by_reason.items()) or "none"
        n_dup = int(self.articles["duplicate_of"].notna().sum())
        rate = self.n_bytes / 1e6 / self.elapsed if self.elapsed else 0.0
        return (
            f"files: {self.n_files}\n"
            f"articles: {len(self.articles)} from {self.articles['outlet'].nunique()} outlets\n"
            f"rejects: {len(self.rejects)} ({reasons})\n"
            f"duplicates: {n_dup}\n"
            f"elapsed: {self.elapsed:.1f} s ({rate:.1f} MB/s)"
        )

    def one_line(self) -> str:
        """The summary in one line (used by ``framing.load`` warnings)."""
        by_reason = self.rejects["reason"].value_counts().sort_index()
        reasons = ", ".join(f"{r}: {n}" for r, n in by_reason.items())
        return (f"{len(self.articles)} articles from {self.n_files} files; "
                f"{len(self.rejects)} rejected ({reasons}) - see framing.ingest(path).rejects")


def _manifests(root: Path, manifest: str | Path | None) -> dict[Path, dict[str, str]]:
    entries: dict[Path, dict[str, str]] = {}
    found = sorted(root.rglob("sources.csv")) if root.is_dir() else []
    for path in [*found, *([Path(manifest)] if manifest else [])]:
        entries.update(read_manifest(path))
    return entries


def _headline_like(line: str, raw_text: str) -> bool:
    """A dump's very first line, short and without a final full stop, is its headline."""
    first = next((x.strip() for x in raw_text.splitlines() if x.strip()), "")
    return len(line.split()) <= 20 and not line.endswith(".") and " ".join(first.split()) == line


def _article(raw: RawArticle, *, entry: Mapping[str, str], rules: Boilerplate, outlets: Outlets) -> dict | Reject:
    """Clean one raw article and read its metadata; a Reject when no body is left."""
    given_title = entry.get("title") or raw.title
    cleaned = clean_text(raw.text, title=given_title, rules=rules)
    if not cleaned.paragraphs or sum(len(p.split()) for p in cleaned.paragraphs) < 5:
        return Reject(raw.source_path, "no_body",
                      f"nothing but chrome: {len(cleaned.dropped)} line(s) removed, fewer than 5 words left")
    url = entry.get("url") or raw.url
    outlet, evidence, record = find_outlet(
        manifest=entry.get("outlet"), given=raw.outlet, url=url, lines=cleaned.lines,
        header=cleaned.header, sitename=raw.sitename, outlets=outlets,
    )
    chrome = {line_key(x) for x, why in cleaned.dropped if why not in ("header", "repeat")}
    title = find_title(cleaned.header, given=given_title, outlets=outlets, skip=chrome)
    paragraphs = cleaned.paragraphs
    dropped = cleaned.dropped
    if title is None and raw.reader == "txt" and len(paragraphs) > 1 and _headline_like(paragraphs[0], raw.text):
        title, paragraphs = paragraphs[0], paragraphs[1:]
        dropped = dropped + [(title, "header")]
    if title and not given_title:  # the headline found in the header may be repeated in the body
        tkey = line_key(title)
        dropped = dropped + [(p, "headline") for p in paragraphs if line_key(p) == tkey]
        paragraphs = [p for p in paragraphs if line_key(p) != tkey]
    from_page = raw.reader == "html"  # a page's metadata date is a guess: the text's date line wins
    published, date_line = find_published(
        cleaned.header, given=entry.get("published") or (None if from_page else raw.published),
        tz=record.timezone if record else None, fallback=raw.published if from_page else None,
    )
    author = find_author(cleaned.header, given=entry.get("author") or raw.author,
                         date_line=date_line, outlets=outlets)
    return {
        "article_id": raw.article_id, "outlet": outlet, "outlet_evidence": evidence,
        "wire": find_wire(cleaned.lines, outlet=record, outlets=outlets),
        "title": title, "author": author, "published": published,
        "url": url, "source_path": raw.source_path, "encoding": raw.encoding, "reader": raw.reader,
        "_paragraphs": paragraphs, "_dropped": dropped,
    }


def _drop_recurring(records: list[dict]) -> None:
    """Treat short paragraphs that recur across many articles of one outlet as that outlet's chrome."""
    by_outlet: dict[str, list[dict]] = defaultdict(list)
    for rec in records:
        by_outlet[rec["outlet"]].append(rec)
    for outlet, recs in by_outlet.items():
        distinct = {tuple(r["_paragraphs"]): r for r in recs}.values()  # copies count once
        if len(distinct) < RECUR_MIN_ARTICLES:
            continue
        counts = Counter(
            key for r in distinct
            for key in {line_key(p) for p in r["_paragraphs"] if len(p.split()) <= RECUR_MAX_WORDS}
        )
        floor = max(RECUR_MIN_ARTICLES, RECUR_MIN_SHARE * len(distinct))
        recurring = {k for k, n in counts.items() if n >= floor and k}
        if not recurring:
            continue
        for rec in recs:
            keep = [p for p in rec["_paragraphs"] if line_key(p) not in recurring]
            if keep and any(is_body_paragraph(p) for p in keep):
                rec["_dropped"] = rec["_dropped"] + [(p, "recurring") for p in rec["_paragraphs"] if p not in keep]
                rec["_paragraphs"] = keep


def _finish(records: list[dict]) -> pd.DataFrame:
    if not records:
        return cast_articles(empty_articles())
    rows = []
    for rec in records:
        text = "\n\n".join(rec.pop("_paragraphs"))
        dropped = rec.pop("_dropped")
        rows.append({**rec, "text": text, "n_words": len(text.split()),
                     "dropped": [x for x, _ in dropped], "dropped_why": [w for _, w in dropped],
                     "language": detect_language(text), "duplicate_of": None})
    articles = pd.DataFrame(rows)
    articles["published"] = pd.to_datetime(articles["published"], utc=True)
    articles["duplicate_of"] = find_duplicates(articles)
    return cast_articles(articles)


def ingest(path: str | Path, *, manifest: str | Path | None = None, mapping: Mapping[str, str] | None = None,
           outlets: str | Path | dict | None = None, boilerplate: str | Path | dict | None = None,
           max_bytes: int = 50_000_000, progress: bool | None = None) -> Corpus:
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
    root = Path(path)
    if not root.exists():
        raise FileNotFoundError(f"{root}: no such file or folder")
    extra_outlets = [root / "outlets.yaml"] if root.is_dir() and (root / "outlets.yaml").is_file() else []
    book = load_outlets(*extra_outlets, outlets)
    rules = load_boilerplate(boilerplate)
    entries = _manifests(root, manifest)
    base = root if root.is_dir() else root.parent
    files = list(iter_input_files(root))
    records: list[dict] = []
    rejects: list[Reject] = []
    n_bytes = 0
    show = None if progress is None else not progress  # None: tqdm shows the bar only on a terminal
    for file in tqdm(files, desc="ingest", unit="file", disable=show, mininterval=0.5, leave=False):
        rel = file.relative_to(base).as_posix()
        try:
            n_bytes += file.stat().st_size
            entry = entries.get(file.resolve(), {})
            for item in read_file(file, rel, mapping=mapping, max_bytes=max_bytes):
                result = item if isinstance(item, Reject) else _article(item, entry=entry, rules=rules, outlets=book)
                (rejects if isinstance(result, Reject) else records).append(result)
        except Exception as exc:  # one bad file never sinks the ingest  # noqa: BLE001
            rejects.append(Reject(rel, "error", f"{type(exc).__name__}: {exc}"))
    _drop_recurring(records)
    articles = _finish(records)
    reject_df = (cast_rejects(pd.DataFrame([vars(r) for r in rejects])) if rejects
                 else cast_rejects(empty_rejects()))
    return Corpus(articles=articles, rejects=reject_df, n_files=len(files),
                  elapsed=time.perf_counter() - started, n_bytes=n_bytes)


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
