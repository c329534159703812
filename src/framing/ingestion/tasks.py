"""The unit of ingest work, shared by the in-memory and the streaming paths.

Input files are grouped into *tasks* of about `chunk_bytes` raw bytes (a big JSONL file is split
at line starts). A task is read, cleaned and finished on its own — in this process or in a worker
of a process pool — and comes back as an articles frame, its rejects and one MinHash signature per
article. Both :func:`framing.ingest` and :func:`framing.ingest_to` run the same tasks in the same
order, so their tables are the same; only cross-task duplicate detection happens in the parent.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections import Counter, defaultdict, deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..schema import cast_articles, empty_articles
from .._deadline import TimeLimit, deadline
from .clean import MIN_BODY_WORDS, at_least_words, clean_text, is_body_paragraph, line_key, sentences, too_short
from .duplicates import signatures
from ..speedups import langid
from .meta import detect_languages, find_author, find_outlet, find_published, find_title, find_wire, plain_title
from .readers import Note, RawArticle, Reject, _sniff_binary, read_file, walk_inputs
from ..knowledge.boilerplate import Boilerplate
from ..knowledge.outlets import Outlets

#: A paragraph of at most this many words, found in at least RECUR_MIN_ARTICLES articles and
#: RECUR_MIN_SHARE of one outlet's articles (within a task), is that outlet's chrome ("Share this article").
RECUR_MAX_WORDS = 15
RECUR_MIN_ARTICLES = 3
RECUR_MIN_SHARE = 0.3

#: Raw bytes per task: big enough for recurring chrome to show within one outlet's articles,
#: small enough that a worker holds only a few hundred MB.
CHUNK_BYTES = 32_000_000
#: Seconds one input file (or one span of a big JSONL file) may take to read and clean before it is
#: rejected ``too_slow``: a pathological page must not stall a nightly build. A 50 MB export of
#: 20,000 articles takes about 30 s on one core.
FILE_SECONDS = 120.0


@dataclass
class Context:
    """Everything a worker needs besides the task: rules, outlets, manifest entries, options."""

    rules: Boilerplate
    outlets: Outlets
    entries: Mapping[Path, Mapping[str, str]]
    mapping: Mapping[str, str] | None
    max_bytes: int
    parts: str | None = None  # write each task's articles to a Parquet part here (the streaming ingest)
    follow_links: bool = False  # read links whose target lies outside the raw folder
    sidecar_rejects: list[Reject] = field(default_factory=list)  # sources.csv files that could not be used
    file_seconds: float | None = FILE_SECONDS  # the time one file (or span) may take; None: no limit


@dataclass
class Task:
    """Files (or one span of a big JSONL file) to ingest together; `number` orders the results."""

    number: int
    #: (path, path relative to the root, span, (size, mtime) when planned)
    items: list[tuple[str, str, tuple[int, int, int] | None, tuple[int, int]]]
    n_bytes: int
    n_files: int  # inputs that start in this task (a split file counts once, a walk reject too)
    found: list[Reject] = field(default_factory=list)  # entries the walk did not read (links, FIFOs, …)


@dataclass
class Result:
    """A finished task: articles (``duplicate_of`` still empty), rejects and signatures.

    When the task wrote its articles to a Parquet part (`part`), `articles` keeps only the columns
    the parent needs (outlet and published), so no text travels between processes."""

    number: int
    articles: pd.DataFrame
    rejects: list[Reject]
    signatures: list[tuple[np.ndarray, int]] = field(repr=False)
    n_bytes: int
    n_files: int
    part: str | None = None
    notes: list[str] = field(default_factory=list)  # what readers noticed and acted on (Note)


def part_path(folder: str | Path, number: int) -> Path:
    """Where task `number` writes its articles: ``folder/part-NNNNN.parquet``."""
    return Path(folder) / f"part-{number:05d}.parquet"


def _rest_of_line(fh) -> tuple[int, bool, bool]:
    """Read on to the end of the current line in blocks of 1 MB (a single huge line is never held
    whole): (bytes read, whether a newline ended it, whether any of it was not whitespace)."""
    n, text = 0, False
    while True:
        block = fh.readline(1 << 20)
        n += len(block)
        text = text or bool(block.strip())
        if not block or block.endswith(b"\n"):
            return n, block.endswith(b"\n"), text


def _jsonl_spans(path: Path, size: int, chunk_bytes: int) -> list[tuple[int, int, int]]:
    """Split points of a big JSONL file: (start, end, first line number), each span starting at a line start."""
    spans, start, line, any_row = [], 0, 1, False
    with path.open("rb") as fh:
        while start < size:
            data = fh.read(chunk_bytes)
            if not data:  # the file shrank while planned: the read notices (changed_while_reading)
                break
            rest, newline, text = (0, False, False) if data.endswith(b"\n") else _rest_of_line(fh)
            end = start + len(data) + rest
            any_row = any_row or bool(data.strip()) or text
            spans.append((start, end, line))
            line += data.count(b"\n") + int(newline)
            start = end
    return spans if any_row else []  # a blank file is read whole, so it is rejected as `empty` once


def _stamp(path: str | Path) -> tuple[int, int]:
    """(size, modification time in ns) of a file: what tells that it changed."""
    info = os.stat(path)
    return info.st_size, info.st_mtime_ns


def plan(root: Path, *, chunk_bytes: int = CHUNK_BYTES, max_bytes: int = 50_000_000,
         follow_links: bool = False) -> Iterator[Task]:
    """Group the inputs under `root` (:func:`~framing.ingestion.readers.walk_inputs`) into tasks of
    about `chunk_bytes`, lazily and in sorted order; the entries the walk rejects travel with the
    task they fall in."""
    items: list = []
    found: list[Reject] = []
    size_sum = n_files = number = 0

    def cut() -> Task:
        nonlocal items, size_sum, n_files, number, found
        task = Task(number, items, size_sum, n_files, found)
        items, size_sum, n_files, number, found = [], 0, 0, number + 1, []
        return task

    for entry in walk_inputs(root, follow_links=follow_links):
        if isinstance(entry, Reject):
            found.append(entry)
            n_files += 1
            continue
        file, rel = entry
        try:
            stamp = _stamp(file)
        except OSError:
            stamp = (0, 0)
        size = stamp[0]
        spans: list = []
        if file.suffix.lower() == ".jsonl" and size > chunk_bytes:
            try:
                with file.open("rb") as fh:
                    if _sniff_binary(fh.read(16)) is None:
                        spans = _jsonl_spans(file, size, chunk_bytes)
            except OSError:
                spans = []  # read whole, so the read names the error
        if len(spans) > 1:
            if items or found:
                yield cut()
            for k, span in enumerate(spans):
                items, size_sum, n_files = [(str(file), rel, span, stamp)], span[1] - span[0], int(k == 0)
                yield cut()
            continue
        if items and size_sum + min(size, max_bytes) > chunk_bytes:
            yield cut()
        items.append((str(file), rel, None, stamp))
        size_sum += min(size, max_bytes)
        n_files += 1
    if items or found:
        yield cut()


# --------------------------------------------------------------------------- one article


def _headline_like(line: str, raw_text: str) -> bool:
    """A dump's very first line, short and without a final full stop, is its headline."""
    first = next((x.strip() for x in raw_text.splitlines() if x.strip()), "")
    return len(line.split()) <= 20 and not line.endswith(".") and " ".join(first.split()) == line


def _same_post(key: str, title_key: str) -> bool:
    """Whether a one-paragraph body is its title: the same words, or the title with a few more at
    its end (the "Read more" that cleaning took off the body)."""
    return key == title_key or (title_key.startswith(key + " ") and len(title_key.split()) - len(key.split()) <= 3)


def _article(raw: RawArticle, *, entry: Mapping[str, str], rules: Boilerplate, outlets: Outlets) -> dict | Reject:
    """Clean one raw article and read its metadata; a Reject when no body is left."""
    given_title = entry.get("title") or raw.title
    cleaned = clean_text(raw.text, title=given_title, rules=rules, edges_only=raw.reader == "html")
    if too_short(cleaned.paragraphs):
        return Reject(raw.source_path, "no_body", f"nothing but chrome: {len(cleaned.dropped)} line(s) removed, "
                                                  f"fewer than {MIN_BODY_WORDS} words left")
    # a post that is only its headline (a Telegram teaser): its text, with no title to count it twice
    only_headline = bool(given_title) and len(cleaned.paragraphs) == 1 and _same_post(cleaned.keys[0], line_key(given_title))
    url = entry.get("url") or raw.url
    outlet, evidence, record = find_outlet(
        manifest=entry.get("outlet"), given=raw.outlet, url=url, lines=cleaned.lines,
        header=cleaned.header, sitename=raw.sitename, outlets=outlets, title=given_title,
    )
    chrome = {line_key(x) for x, why in cleaned.dropped if why not in ("header", "repeat") and x not in cleaned.by_model}
    title = None if only_headline else find_title(cleaned.header, given=given_title, outlets=outlets, skip=chrome)
    paragraphs, keys = cleaned.paragraphs, cleaned.keys
    dropped = [*raw.dropped, *cleaned.dropped] if raw.dropped else cleaned.dropped
    if title is None and not only_headline and raw.reader == "txt" and len(paragraphs) > 1 and _headline_like(paragraphs[0], raw.text):
        title, paragraphs, keys = paragraphs[0], paragraphs[1:], keys[1:]
        dropped = dropped + [(title, "header")]
    if title and not given_title and not only_headline:  # the headline found in the header may be repeated in the body
        tkey = line_key(title)
        if any(k != tkey for k in keys):
            dropped = dropped + [(p, "headline") for p, k in zip(paragraphs, keys, strict=True) if k == tkey]
            paragraphs, keys = ([p for p, k in zip(paragraphs, keys, strict=True) if k != tkey],
                                [k for k in keys if k != tkey])
        else:  # a post that is only its headline: its text, with no title to count it twice
            title = None
    title = plain_title(title)
    from_page = raw.reader == "html"  # a page's metadata date is a guess: the text's date line wins
    published, date_line = find_published(
        cleaned.header, given=entry.get("published") or (None if from_page else raw.published),
        tz=record.timezone if record else None, fallback=(raw.page_date or raw.published) if from_page else None,
    )
    author = find_author(cleaned.header, given=entry.get("author") or raw.author, date_line=date_line,
                         outlets=outlets, about=[x for x, why in dropped if why == "about_author"])
    return {
        "article_id": raw.article_id, "outlet": outlet, "outlet_evidence": evidence,
        "wire": raw.wire or find_wire(cleaned.lines, outlet=record, outlets=outlets),
        "title": title, "author": author, "published": published,
        "url": url, "source_path": raw.source_path, "encoding": raw.encoding, "reader": raw.reader,
        "_paragraphs": paragraphs, "_dropped": dropped,
        # keys of the short paragraphs only (the recurring-chrome pass counts those; a unit's long ones would cost much memory)
        "_keys": [None if at_least_words(p, RECUR_MAX_WORDS + 1) else k for p, k in zip(paragraphs, keys, strict=True)],
    }


def _by_outlet(records: list[dict]) -> list[list[dict]]:
    """The records, one list an outlet."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for rec in records:
        groups[rec["outlet"]].append(rec)
    return list(groups.values())


def _distinct(recs: list[dict]) -> list[dict]:
    """One record for each body: copies count once in the recurring passes."""
    return list({tuple(r["_paragraphs"]): r for r in recs}.values())


def _drop_recurring(groups: list[list[dict]]) -> None:
    """Treat short paragraphs that recur across many articles of one outlet as that outlet's chrome."""
    for recs in groups:
        distinct = _distinct(recs)
        if len(distinct) < RECUR_MIN_ARTICLES:
            continue
        counts = Counter(
            key for r in distinct
            for key in {k for k in r["_keys"] if k is not None}
        )
        floor = max(RECUR_MIN_ARTICLES, RECUR_MIN_SHARE * len(distinct))
        recurring = {k for k, n in counts.items() if n >= floor and k}
        if not recurring:
            continue
        for rec in recs:
            pairs = [(p, k) for p, k in zip(rec["_paragraphs"], rec["_keys"], strict=True)
                     if (line_key(p) if k is None else k) not in recurring]
            keep = [p for p, _ in pairs]
            if keep and any(is_body_paragraph(p) for p in keep):
                rec["_dropped"] = rec["_dropped"] + [(p, "recurring") for p in rec["_paragraphs"] if p not in keep]
                rec["_paragraphs"], rec["_keys"] = keep, [k for _, k in pairs]


#: The sentences at a body's edges that the recurring-sentence pass compares: the first ones and the
#: last ones (an outlet's pitch, self-description or sign-off sits there, glued to the story or not).
EDGE_FIRST, EDGE_LAST = 2, 3


def _edge_sentences(paragraphs: list[str]) -> list[tuple[int, str]]:
    """(paragraph index, sentence) of the first EDGE_FIRST and last EDGE_LAST sentences of a body."""
    if not paragraphs:
        return []
    ends = {0, len(paragraphs) - 1}
    found = [(i, x) for i in sorted(ends) for x in sentences(paragraphs[i])]
    return found if len(found) <= EDGE_FIRST + EDGE_LAST else found[:EDGE_FIRST] + found[-EDGE_LAST:]


def _drop_recurring_sentences(groups: list[list[dict]]) -> None:
    """Treat a sentence of three words or more that recurs at the start or end of many articles of
    one outlet (the same floor as for paragraphs) as that outlet's chrome, glued into a paragraph or
    not: "The Kyiv Independent is an award-winning…", "Read us without a VPN here: …". Only the
    edges are compared: a background sentence an outlet repeats inside its stories is its own voice."""
    for recs in groups:
        distinct = _distinct(recs)
        if len(distinct) < RECUR_MIN_ARTICLES:
            continue
        edges = {id(r): _edge_sentences(r["_paragraphs"]) for r in recs}
        counts = Counter(key for r in distinct for key in {line_key(x) for _, x in edges[id(r)]}
                         if key.count(" ") >= 2)
        floor = max(RECUR_MIN_ARTICLES, RECUR_MIN_SHARE * len(distinct))
        recurring = {k for k, n in counts.items() if n >= floor}
        if not recurring:
            continue
        for rec in recs:
            gone = [(i, x) for i, x in edges[id(rec)] if line_key(x) in recurring]
            if not gone:
                continue
            paragraphs = list(rec["_paragraphs"])
            for i in sorted({i for i, _ in gone}):
                drop = {x for j, x in gone if j == i}
                paragraphs[i] = " ".join(x for x in sentences(paragraphs[i]) if x not in drop)
            keep = [(p, k if p == old else line_key(p)) for p, old, k in
                    zip(paragraphs, rec["_paragraphs"], rec["_keys"], strict=True) if p]
            if any(is_body_paragraph(p) for p, _ in keep):
                rec["_dropped"] = rec["_dropped"] + [(x, "recurring") for _, x in gone]
                rec["_paragraphs"] = [p for p, _ in keep]
                rec["_keys"] = [None if at_least_words(p, RECUR_MAX_WORDS + 1) else k for p, k in keep]


#: The longest run of words at a body's end that the recurring-ends pass compares, and the shortest
#: it removes.
END_MAX_WORDS, END_MIN_WORDS = 15, 3
#: ... and the share of an outlet's articles that must end with the same words (an exact run of three
#: words or more ending many bodies is rarely the story's own: "…, the ministry said." ends a few).
END_MIN_SHARE = 0.15


def _drop_recurring_ends(groups: list[list[dict]], rounds: int = 3) -> None:
    """Treat the words that end many articles of one outlet alike (the same floor as for paragraphs)
    as that outlet's chrome, glued to the last sentence or not: a share bar ("Телеграм Фейсбук Твиттер
    PDF Напишите нам"), a sign-off. The longest such run of three words or more is cut; a few rounds,
    so that a bar with a varying word before it ("В закладки", an author's name) goes too."""
    for group in groups:
        recs = [r for r in group if r["_paragraphs"]]
        for _ in range(rounds):
            distinct = _distinct(recs)
            if len(distinct) < RECUR_MIN_ARTICLES:
                break
            tails = {id(r): [line_key(w) for w in r["_paragraphs"][-1].split()[-END_MAX_WORDS:]] for r in recs}
            counts = Counter(tuple(t[-n:]) for r in distinct for t in [tails[id(r)]]
                             for n in range(END_MIN_WORDS, len(t) + 1))
            floor = max(RECUR_MIN_ARTICLES, END_MIN_SHARE * len(distinct))
            cut_any = False
            for rec in recs:
                t = tails[id(rec)]
                n = next((n for n in range(len(t), END_MIN_WORDS - 1, -1) if counts[tuple(t[-n:])] >= floor
                          and any(t[-n:])), 0)
                if not n:
                    continue
                words = rec["_paragraphs"][-1].split()
                rest, gone = " ".join(words[:-n]), " ".join(words[-n:])
                paragraphs = rec["_paragraphs"][:-1] + ([rest] if rest else [])
                if not any(is_body_paragraph(p) or at_least_words(p, 40) for p in paragraphs):
                    continue
                rec["_dropped"] = rec["_dropped"] + [(gone, "recurring")]
                keys = rec["_keys"][:-1]
                if rest:
                    keys.append(None if at_least_words(rest, RECUR_MAX_WORDS + 1) else line_key(rest))
                rec["_paragraphs"], rec["_keys"] = paragraphs, keys
                cut_any = True
            if not cut_any:
                break


def _finish(records: list[dict]) -> pd.DataFrame:
    if not records:
        return cast_articles(empty_articles())
    rows = []
    for rec in records:
        text = "\n\n".join(rec.pop("_paragraphs"))
        dropped = rec.pop("_dropped")
        del rec["_keys"]
        rows.append({**rec, "text": text, "n_words": len(text.split()),
                     "dropped": [x for x, _ in dropped], "dropped_why": [w for _, w in dropped],
                     "language": None, "duplicate_of": None})
    for row, language in zip(rows, detect_languages([r["text"] for r in rows])):
        row["language"] = language
    articles = pd.DataFrame(rows)
    articles["published"] = pd.to_datetime(articles["published"], utc=True)
    return cast_articles(articles)


# --------------------------------------------------------------------------- one task

_CONTEXT: Context | None = None


def _init_worker(context: Context) -> None:
    global _CONTEXT
    _CONTEXT = context
    # Ctrl-C reaches the whole process group: only the main process handles it, and it stops the
    # pool (a worker that died of it mid-task could leave the pool waiting for ever); SIGTERM and
    # SIGHUP, which the command line turns into exceptions, end a worker at once, as the pool expects
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)


def run_task(task: Task, context: Context | None = None) -> Result:
    """Read, clean and finish one task's articles (in a pool worker, `context` comes from the initialiser)."""
    ctx = context or _CONTEXT
    records: list[dict] = []
    rejects: list[Reject] = list(task.found)
    notes: list[str] = []
    for path, rel, span, planned in task.items:
        file = Path(path)
        try:
            with deadline(ctx.file_seconds):
                entry = ctx.entries.get(file.resolve(), {}) if ctx.entries else {}
                before = _stamp(file)
                results = []
                for item in read_file(file, rel, mapping=ctx.mapping, max_bytes=ctx.max_bytes, span=span):
                    results.append(item if isinstance(item, (Reject, Note)) else
                                   _article(item, entry=entry, rules=ctx.rules, outlets=ctx.outlets))
                after = _stamp(file)
        except TimeLimit:
            where = f"{rel}#{span[2]}" if span is not None and span[2] > 1 else rel
            rejects.append(Reject(where, "too_slow", f"reading and cleaning it took over {ctx.file_seconds:g} s, "
                                                     "the per-file budget (file_seconds=, --file-seconds); not used"))
            continue
        except OSError as exc:
            rejects.append(Reject(rel, "unreadable", f"{exc.strerror or exc}"))
            continue
        except Exception as exc:  # one bad file never sinks the ingest  # noqa: BLE001
            rejects.append(Reject(rel, "error", f"{type(exc).__name__}: {exc}"))
            continue
        if before != after or (span is not None and planned != before):
            where = f"{rel}#{span[2]}" if span is not None and span[2] > 1 else rel
            rejects.append(Reject(where, "changed_while_reading",
                                  f"size/modification time went from {planned if span else before} to {after} "
                                  "while it was read; its rows are not used (ingest it again once it is complete)"))
            continue
        for result in results:
            if isinstance(result, Note):
                notes.append(str(result))
            else:
                (rejects if isinstance(result, Reject) else records).append(result)
    groups = _by_outlet(records)  # the three passes of corpus evidence, outlet by outlet
    _drop_recurring(groups)
    _drop_recurring_sentences(groups)
    _drop_recurring_ends(groups)
    articles = _finish(records)
    sigs = signatures(articles["text"])  # (the paragraphs' keys would do, but held for a whole unit they cost much memory)
    part = None
    if ctx.parts is not None and len(articles):
        part = str(part_path(ctx.parts, task.number))
        articles.to_parquet(part, index=False)
        articles = articles[["outlet", "published"]]
    return Result(task.number, articles, rejects, sigs, task.n_bytes, task.n_files, part, notes)


def execute(tasks: Iterator[Task], context: Context, *, workers: int = 1) -> Iterator[Result]:
    """Run `tasks` and yield their results in task order.

    With ``workers > 1`` a process pool runs them, with at most ``2 * workers`` tasks in flight, so
    memory stays bounded however many tasks there are.
    """
    if workers <= 1:
        for task in tasks:
            yield run_task(task, context)
        return
    method = _start_method()
    if method == "fork":  # load the language model's arrays once, shared by every forked worker
        langid.model()
    pool = multiprocessing.get_context(method).Pool(workers, initializer=_init_worker, initargs=(context,))
    try:
        pending: deque = deque()
        for task in tasks:
            pending.append(pool.apply_async(run_task, (task,)))
            if len(pending) >= 2 * workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
        pool.close()
    finally:
        pool.terminate()
        pool.join()


def _start_method() -> str:
    """"fork" on Linux: workers start at once and scripts need no ``if __name__ == "__main__":``
    guard (also inside Jupyter kernels). Elsewhere "spawn", the platform's safe default (a script
    that ingests with ``workers > 1`` must then guard its entry point)."""
    return "fork" if sys.platform.startswith("linux") else "spawn"


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)
