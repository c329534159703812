"""The fast paths of :func:`framing.find_terms` and :func:`framing.count_terms`: whole blocks of
texts matched by Hyperscan on their UTF-8 bytes in Arrow memory, with the per-hit columns computed
in NumPy (:mod:`._byte_columns`).

Every function here must give exactly the tables the matcher's reference path gives
(:func:`framing.analysis.matcher.reference_hits`); the texts Hyperscan cannot decide alone, or
every text when it is missing, go through that path. The tests compare the two on the shared
corpora and on generated text.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._deadline import TimeLimit, deadline
from ..schema import cast_hits, empty_hits
from . import _byte_columns
from .matcher import AFTER_REACH, MARKER_REACH, NEAR_OVERRUN, VOICES, Matcher, context_of, holds_more, reference_hits
from .spans import UNCLOSED_MAX, QuoteIndex

__all__ = ["count_table", "hits_table", "TEXT_SECONDS"]

#: Seconds Python's ``re`` may spend on one text (title or body) before the text is skipped: a
#: lexicon pattern that backtracks without end must not hang a report build. Hyperscan's own
#: matching runs in linear time and needs no limit; the texts it cannot decide alone, and every
#: text with ``engine="re"``, run under this limit (in a process's main thread; see
#: :mod:`framing._deadline`).
TEXT_SECONDS = 10.0


def hits_table(articles: pd.DataFrame, matcher: Matcher, spans, sources: list[str], context: int) -> pd.DataFrame:
    """The hits table of `articles` (see :func:`framing.find_terms`): block by block, with
    Hyperscan's `spans` (a :class:`~framing.text.hyperscan.HyperscanSpans`, or None for the
    reference path on every text)."""
    parts: list[dict] = []
    skipped: list[tuple[int, str, str]] = []
    for lo in range(0, len(articles), _BLOCK):  # blocks bound the memory alive at once
        _block_hits(articles.iloc[lo:lo + _BLOCK], lo, matcher, spans, sources, context, parts, skipped)
    return _report_skipped(_hits_table(articles, matcher, sources, parts, fast=spans is not None), articles, skipped)


def count_table(articles: pd.DataFrame, matcher: Matcher, spans, sources: list[str]) -> pd.DataFrame:
    """Counts per article × variant (see :func:`framing.count_terms`), block by block."""
    variant_of = matcher.variant_of
    skipped: list[tuple[int, str, str]] = []
    tables = [_count_block(articles.iloc[lo:lo + _COUNT_BLOCK], lo, matcher, spans, sources, variant_of, skipped)
              for lo in range(0, len(articles), _COUNT_BLOCK)]  # blocks keep every sort small
    if not tables:
        return _count_table(articles, matcher, *(np.zeros(0, np.int64),) * 3)
    table = pd.concat(tables, ignore_index=True) if len(tables) > 1 else tables[0]
    return _report_skipped(table, articles, skipped)


def _report_skipped(table: pd.DataFrame, articles: pd.DataFrame, skipped: list[tuple[int, str, str]]) -> pd.DataFrame:
    """The table, with the texts whose matching ran past :data:`TEXT_SECONDS` in
    ``table.attrs["skipped"]`` (article_id, source, reason) and named in a warning."""
    import warnings

    if not skipped:
        return table
    ids = articles["article_id"].iloc[[row for row, _, _ in skipped]].tolist() if "article_id" in articles else \
        [str(row) for row, _, _ in skipped]
    frame = pd.DataFrame({"article_id": ids, "source": [s for _, s, _ in skipped],
                          "reason": "too_slow", "detail": [d for _, _, d in skipped]})
    table.attrs["skipped"] = frame
    shown = ", ".join(f"{a} ({s})" for a, s in zip(frame["article_id"][:5], frame["source"][:5]))
    warnings.warn(f"{len(frame)} text(s) skipped: matching the lexicon took over {TEXT_SECONDS:g} s each "
                  f"({shown}{', …' if len(frame) > 5 else ''}); a pattern backtracks without end; their "
                  "terms are not counted (table.attrs['skipped'] lists them)", UserWarning, stacklevel=4)
    return table


_BLOCK = 8192


def _hits_table(articles: pd.DataFrame, matcher: Matcher, sources: list[str], parts: list[dict],
                fast: bool = False) -> pd.DataFrame:
    """The hits table from the blocks' parts (each in order, blocks in order); `fast`: the topic
    check with Hyperscan."""
    import pyarrow as pa

    if not parts:  # _block_hits adds only blocks with hits
        return empty_hits()
    cat = {k: np.concatenate([p[k] for p in parts]) for k in ("row", "order", "variant", "start", "end", "voice",
                                                              "off_topic")}

    def strings(key: str):
        return pd.Series(pa.chunked_array(_same_string_type([p[key] for p in parts])), dtype=pd.StringDtype()).array

    names = matcher.variants
    variant, rows = cat["variant"], cat["row"]
    table = {c: articles[c].iloc[rows].reset_index(drop=True) for c in ("article_id", "outlet", "published")}
    table["family"] = _take_strings(pd.Series([f for f, _ in names], dtype="string"), variant)
    table["variant"] = _take_strings(pd.Series([v for _, v in names], dtype="string"), variant)
    table["orientation"] = _take_strings(
        pd.Series([matcher.orientation(f, v) for f, v in names], dtype="string"), variant)
    table["matched"] = strings("matched")
    table["start"] = cat["start"]
    table["end"] = cat["end"]
    table["context"] = strings("context")
    table["voice"] = _take_strings(pd.Series(VOICES, dtype="string"), cat["voice"].astype(np.int64))
    table["in_title"] = np.array([c == "title" for c in sources])[cat["order"]]
    table["off_topic"] = cat["off_topic"].astype(bool) | matcher.outside_topic(
        variant, rows, _topic_columns(articles), fast=fast)
    return cast_hits(pd.DataFrame(table))


def _topic_columns(articles: pd.DataFrame) -> list[pd.Series]:
    """Where an article names its topic (:meth:`Matcher.outside_topic`): its title and its text."""
    return [articles[c] for c in ("title", "text") if c in articles]


def _block_hits(block: pd.DataFrame, first: int, matcher: Matcher, spans, sources: list[str], context: int,
                out: list[dict], skipped: list) -> None:
    """Append the hits of a block of articles (at positions `first`…) to `out`, as one part in
    order (by article, a title's hits before its text's). Per source, the hits come from Hyperscan
    and NumPy (:mod:`._byte_columns`) and, for the texts Hyperscan cannot decide (or every text without
    it), from the matcher's own Python path."""
    import pyarrow as pa

    parts: list[dict] = []
    _source_hits(block, first, matcher, spans, sources, context, parts, skipped)
    parts = [p for p in parts if len(p["row"])]
    if not parts:
        return
    merged = {k: np.concatenate([p[k] for p in parts])
              for k in ("row", "order", "rank", "variant", "start", "end", "voice", "off_topic")}
    merged |= {k: pa.concat_arrays(_same_string_type([p[k] for p in parts])) for k in ("matched", "context")}
    order = np.lexsort((merged["rank"], merged["order"], merged["row"]))
    if len(order) and not (order[1:] > order[:-1]).all():  # already in order: nothing to move
        merged = {k: v.take(order) if k in ("matched", "context") else v[order] for k, v in merged.items()}
    out.append(merged)


def _same_string_type(arrays: list) -> list:
    """pyarrow string arrays with one type: large strings if any is large or together they pass 2 GB."""
    import pyarrow as pa

    if any(a.type == pa.large_string() for a in arrays) or sum(a.nbytes for a in arrays) >= 2**31 - 1:
        return [a.cast(pa.large_string()) for a in arrays]
    return arrays


def _source_hits(block: pd.DataFrame, first: int, matcher: Matcher, spans, sources: list[str], context: int,
                 parts: list[dict], skipped: list) -> None:
    for order, source in enumerate(sources):
        col = _arrow_strings(block[source]) if spans is not None else None
        if col is None:
            _python_hits(block[source], np.arange(len(block)), first, order, matcher, context, parts, skipped)
            continue
        buf = _byte_columns.Buffer(col)
        text, ids, rank, start, end, slow = spans.resolve(buf.column, matcher.entry_families)
        excluded = np.flatnonzero(~slow[text] & (matcher.variant_of[ids] < 0))  # a fixed expression set aside
        if len(excluded):
            parts.append(_excluded_hits(buf, matcher, text[excluded], ids[excluded], start[excluded], end[excluded],
                                        first, order, context))
        keep = ~slow[text] & (matcher.variant_of[ids] >= 0)  # exclusions consume a span
        keep = np.flatnonzero(keep)[np.lexsort((rank[keep], text[keep]))]  # in order: no strings move later
        text, ids, rank = text[keep], ids[keep], rank[keep]
        start, end = buf.offsets[text] + start[keep], buf.offsets[text] + end[keep]  # into buf.raw
        text_c, at_start, at_end = buf.chars(buf.offsets[text]), buf.chars(start), buf.chars(end)
        ctx, matched, windows = _byte_columns.contexts(buf, text, start, end, context, (text_c, at_start, at_end))
        near = _near_markers(matcher, buf, start, end, windows, context)
        codes, span_lo, span_hi = _byte_columns.voices(buf, text, start, end, near, UNCLOSED_MAX)
        c_start, c_end = at_start - text_c, at_end - text_c
        _byte_columns.settle_spans(buf, codes, start, end, span_lo, span_hi)
        _python_voices(buf, matcher, text, c_start, c_end, text_c, codes, span_lo, span_hi)
        variant = matcher.variant_of[ids]
        parts.append({"row": first + text, "order": np.full(len(text), order), "rank": rank,
                      "variant": variant, "start": c_start, "end": c_end,
                      "voice": codes, "matched": matched, "context": ctx,
                      "off_topic": _requirements(buf, matcher, text, variant, c_start, c_end)})
        _python_hits(block[source], np.flatnonzero(slow), first, order, matcher, context, parts, skipped)


def _requirements(buf, matcher: Matcher, text: np.ndarray, variant: np.ndarray, c_start: np.ndarray,
                  c_end: np.ndarray) -> np.ndarray:
    """Per hit, whether it lacks what its variant ``requires`` near it: Hyperscan looks for the
    `near` words in each hit's window; Python decides the hits it cannot (and `before`/`after`)."""
    off = np.zeros(len(text), dtype=np.int8)
    strings: dict[int, str] = {}  # the texts Python reads, each taken from the column once
    _other_referents(buf, matcher, text, variant, c_start, c_end, off, strings)
    todo = np.flatnonzero(matcher.requirements[variant] & (off == 0))
    if not len(todo):
        return off
    verdict = _near_verdicts(buf, matcher, text[todo], variant[todo], c_start[todo], c_end[todo])
    other = matcher.near_checks()[2][variant[todo]]
    off[todo[(verdict == 0) & ~other]] = 1
    todo = todo[(verdict < 0) | ((verdict == 0) & other)]
    if not len(todo):
        return off
    _python_texts(buf, text[todo], strings)
    names = matcher.variants
    for k, t, v, a, b in zip(todo.tolist(), text[todo].tolist(), variant[todo].tolist(), c_start[todo].tolist(),
                             c_end[todo].tolist()):
        fam, var = names[v]
        off[k] = matcher.lacks_requirement(strings[t], a, b, fam, var)  # other referents: decided above
    return off


def _python_texts(buf, rows: np.ndarray, strings: dict[int, str]) -> None:
    """Add to `strings` the texts of `rows` it does not hold yet, as Python strings."""
    new = np.setdiff1d(np.unique(rows), np.fromiter(strings, dtype=np.int64, count=len(strings)))
    strings.update(zip(new.tolist(), buf.column.take(new).to_pylist()))


def _other_referents(buf, matcher: Matcher, text: np.ndarray, variant: np.ndarray, c_start: np.ndarray,
                     c_end: np.ndarray, off: np.ndarray, strings: dict[int, str]) -> None:
    """Mark in `off` the hits whose sentence names another referent of their family
    (:meth:`Matcher.other_referent`), in Python: only families with ``other_referents``."""
    todo = np.flatnonzero(matcher.other_variants[variant])
    if not len(todo):
        return
    _python_texts(buf, text[todo], strings)
    names = matcher.variants
    for k, t, v, a, b in zip(todo.tolist(), text[todo].tolist(), variant[todo].tolist(), c_start[todo].tolist(),
                             c_end[todo].tolist()):
        off[k] = matcher.other_referent(strings[t], a, b, names[v][0])


def _near_verdicts(buf, matcher: Matcher, text: np.ndarray, variant: np.ndarray, c_start: np.ndarray,
                   c_end: np.ndarray) -> np.ndarray:
    """Per hit: 1 when one of its variant's `near` words begins in its window (see
    :func:`framing.analysis.matcher.near_window`), 0 when none does, -1 when Python must tell."""
    out = np.full(len(text), -1, dtype=np.int8)
    group, reach, _ = (a[variant] for a in matcher.near_checks())
    first, last = buf.offsets[text], buf.offsets[text + 1]
    first_c, last_c = buf.chars(first), buf.chars(last)
    start, end = first_c + c_start, first_c + c_end  # characters from the buffer's start
    nl = np.concatenate([[-1], buf.newlines, [len(buf.raw) + 1]])  # the line breaks, bounded
    line = nl[np.searchsorted(nl, buf.bytes_at(start)) - 1] + 1  # after the last one before the match
    line = buf.chars(np.maximum(line, first))
    brk = nl[np.searchsorted(nl, buf.bytes_at(end))]  # the first one at or after its end
    brk_c = buf.chars(np.minimum(brk, last))
    hi = np.where((brk < last) & (brk_c < end + reach), brk_c, end + reach)
    hi = np.minimum(hi, last_c)
    lo = np.maximum(line, start - reach)
    stop = np.minimum(hi + NEAR_OVERRUN, last_c)
    lo_b, hi_b, stop_b = buf.bytes_at(lo), buf.bytes_at(hi), buf.bytes_at(stop)
    for g in np.unique(group[group >= 0]).tolist():
        scanner = matcher.near_scanner(g)
        if scanner is not None:
            idx = np.flatnonzero(group == g)
            out[idx] = scanner.find(buf.data, first[idx], lo_b[idx], hi_b[idx], stop_b[idx])
    return out


def _excluded_hits(buf, matcher: Matcher, text: np.ndarray, ids: np.ndarray, start: np.ndarray, end: np.ndarray,
                   first: int, order: int, context: int) -> dict:
    """The off-topic hits inside the fixed expressions a family excludes (Hyperscan found the
    expressions; Python finds the variant inside, its voice and context), as one part. Each takes
    the rank a nested match at its start would take, so it sorts where the reference path puts it."""
    import pyarrow as pa

    rows = np.unique(text)
    strings = dict(zip(rows.tolist(), buf.column.take(rows).to_pylist()))
    text_c = buf.chars(buf.offsets[text])
    c_start = buf.chars(buf.offsets[text] + start) - text_c
    c_end = buf.chars(buf.offsets[text] + end) - text_c
    families = matcher.entry_families
    where = {fv: i for i, fv in enumerate(matcher.variants)}
    voice_code = {v: i for i, v in enumerate(VOICES)}
    out: dict[str, list] = {k: [] for k in ("row", "rank", "variant", "start", "end", "voice", "matched", "context")}
    quotes: dict[int, QuoteIndex] = {}
    for t, i, a, b in zip(text.tolist(), ids.tolist(), c_start.tolist(), c_end.tolist()):
        value = strings[t]
        for s_, e_, fam, var, _off in matcher.inside_exclusion(value, a, b, families[i]):
            index = quotes.get(t)
            if index is None:
                index = quotes[t] = QuoteIndex(value)
            out["row"].append(first + t)
            out["rank"].append(2 * len(value[:s_].encode()) + 1)
            out["variant"].append(where[(fam, var)])
            out["start"].append(s_)
            out["end"].append(e_)
            out["voice"].append(voice_code[matcher.voice(value, s_, e_, index)])
            out["matched"].append(value[s_:e_])
            out["context"].append(context_of(value, s_, e_, context))
    n = len(out["row"])
    part = {k: np.array(out[k], dtype=np.int64) for k in ("row", "rank", "variant", "start", "end")}
    part |= {"order": np.full(n, order), "voice": np.array(out["voice"], dtype=np.int8),
             "off_topic": np.ones(n, dtype=np.int8),
             "matched": pa.array(out["matched"], type=pa.string()), "context": pa.array(out["context"], type=pa.string())}
    return part


def _near_markers(matcher: Matcher, buf, start: np.ndarray, end: np.ndarray, windows: tuple,
                  context: int) -> np.ndarray | None:
    """Per hit at bytes ``[start, end)``: whether a distancing marker may stand right before it (a
    string every marker contains ends within reach) or one that follows a term right after it;
    None when that cannot be ruled out cheaply."""
    before = _near_before(matcher, buf, start, windows, context)
    if before is None or not matcher.has_after_markers:
        return before
    heads = matcher.after_prefixes()
    if heads is not None:
        return before | _after_lead(buf, end, heads)
    scanner = matcher.after_literals()
    if scanner is None:
        return None
    ends = scanner.ends(buf.data, int(buf.offsets[0]), int(buf.offsets[-1]))
    if not len(ends):
        return before
    j = np.searchsorted(ends, end, side="right")  # the first string ending after the term
    return before | ((j < len(ends)) & (ends[np.minimum(j, len(ends) - 1)] <= end + 4 * AFTER_REACH))


#: Bytes that may stand between a term and a marker that follows it (a closing quotation mark,
#: a comma, a dash, spaces: ``Matcher.marked_after``); any byte of a multi-byte character too.
_AFTER_GAP = np.zeros(256, dtype=bool)
_AFTER_GAP[[ord(c) for c in " \t\r\n\x0b\x0c\x1c\x1d\x1e\x1f\"',(-"]] = True
_AFTER_GAP[0x80:] = True
_LOWER = np.arange(256, dtype=np.int64)
_LOWER[ord("A"):ord("Z") + 1] += 32


def _after_lead(buf, end: np.ndarray, heads: np.ndarray, reach: int = 16) -> np.ndarray:
    """Per term ending at byte `end`: whether a marker that follows terms may start there: after
    the bytes that may stand between, the next two are one of `heads` (lower-cased ASCII pairs as
    ``256 * first + second``). True where the gap runs past `reach` bytes (not ruled out)."""
    last = buf.offsets[buf.text_of(end - 1) + 1]
    pos = end[:, None] + np.arange(reach + 2)
    inside = pos < last[:, None]
    b = buf.raw[np.minimum(pos, len(buf.raw) - 1)]
    gap = _AFTER_GAP[b] & inside
    j = np.argmin(gap[:, :reach], axis=1)  # the first byte that is not a gap (0 if all are)
    rows = np.arange(len(end))
    open_ = gap[rows, j] | (b[rows, j + 1] >= 0x80)  # the gap runs on, or "aſ": cannot tell
    if np.isin(heads // 256, [ord("i"), ord("k"), ord("s")]).any():  # "K" (Kelvin) is a "k" to re
        open_ |= (gap[:, :reach] & (b[:, :reach] >= 0x80)).any(axis=1)
    pair = _LOWER[b[rows, j]] * 256 + _LOWER[b[rows, j + 1]]
    return open_ | (inside[rows, j + 1] & np.isin(pair, heads))


def _near_before(matcher: Matcher, buf, start: np.ndarray, windows: tuple, context: int) -> np.ndarray | None:
    if not matcher.has_markers:
        return np.zeros(len(start), dtype=bool)
    scanner = matcher.marker_literals()
    if scanner is None:
        return None
    if context >= MARKER_REACH:  # the context windows hold the reach: scan only them
        g, left, at = windows
        ends = scanner.ends(memoryview(g), 0, len(g))
    else:  # the whole buffer; a character is at most 4 bytes
        ends = scanner.ends(buf.data, int(buf.offsets[0]), int(buf.offsets[-1]))
        left, at = start - 4 * MARKER_REACH, start
    if not len(ends):
        return np.zeros(len(start), dtype=bool)
    j = np.searchsorted(ends, at, side="right") - 1
    return (j >= 0) & (ends[np.maximum(j, 0)] > left)


def _python_voices(buf, matcher: Matcher, text, c_start, c_end, text_c, codes, span_lo, span_hi) -> None:
    """Settle the voice of the hits :func:`_byte_columns.voices` left to Python (in place)."""
    todo = np.flatnonzero(codes >= _byte_columns.IN_SPAN)
    if not len(todo):
        return
    rows = np.unique(text[todo])
    strings = dict(zip(rows.tolist(), buf.column.take(rows).to_pylist()))
    lo = np.where(span_lo >= 0, buf.chars(np.maximum(span_lo, 0)) - text_c, -1)
    hi = np.where(span_hi >= 0, buf.chars(np.maximum(span_hi, 0)) - text_c, -1)
    quotes: dict[int, QuoteIndex] = {}
    own, quoted, distanced = VOICES
    code_of = {own: _byte_columns.OWN, quoted: _byte_columns.QUOTED, distanced: _byte_columns.DISTANCED}
    for k, t, a, b, kind, s_lo, s_hi in zip(todo.tolist(), text[todo].tolist(), c_start[todo].tolist(),
                                           c_end[todo].tolist(), codes[todo].tolist(), lo[todo].tolist(),
                                           hi[todo].tolist()):
        value = strings[t]
        if kind == _byte_columns.IN_SPAN:
            codes[k] = _byte_columns.QUOTED if holds_more(value, s_lo, s_hi, a, b) else _byte_columns.DISTANCED
        elif kind == _byte_columns.MARKER:
            marked = matcher.marked(value, a) or matcher.marked_after(value, b)
            codes[k] = _byte_columns.DISTANCED if marked else _byte_columns.OWN
        else:
            index = quotes.get(t)
            if index is None:
                index = quotes[t] = QuoteIndex(value)
            codes[k] = code_of[matcher.voice(value, a, b, index)]


def _python_hits(values: pd.Series, rows: np.ndarray, first: int, order: int, matcher: Matcher, context: int,
                 parts: list[dict], skipped: list) -> None:
    """The matcher's own hits (the reference path) for the texts at positions `rows` of `values`;
    a text that takes over :data:`TEXT_SECONDS` goes to `skipped` instead."""
    import pyarrow as pa

    if not len(rows):
        return
    out: dict[str, list] = {k: [] for k in ("row", "rank", "variant", "start", "end", "voice", "matched", "context",
                                            "off_topic")}
    where = {fv: i for i, fv in enumerate(matcher.variants)}
    voice_code = {v: i for i, v in enumerate(VOICES)}
    for row, value in zip(rows.tolist(), values.iloc[rows].tolist()):
        if not isinstance(value, str) or not value:
            continue
        found = _bounded(lambda: list(reference_hits(value, matcher, context)), first + row, values.name, skipped)
        for rank, (fam, var, _orient, matched, start, end, ctx, voice, off) in enumerate(found):
            out["off_topic"].append(off)
            out["row"].append(first + row)
            out["rank"].append(rank)
            out["variant"].append(where[(fam, var)])
            out["start"].append(start)
            out["end"].append(end)
            out["voice"].append(voice_code[voice])
            out["matched"].append(matched)
            out["context"].append(ctx)
    n = len(out["row"])
    part = {k: np.array(out[k], dtype=np.int64) for k in ("row", "rank", "variant", "start", "end")}
    part |= {"order": np.full(n, order), "voice": np.array(out["voice"], dtype=np.int8),
             "off_topic": np.array(out["off_topic"], dtype=np.int8),
             "matched": pa.array(out["matched"], type=pa.string()), "context": pa.array(out["context"], type=pa.string())}
    parts.append(part)


_COUNT_BLOCK = 1 << 16


def _bounded(work, row: int, source, skipped: list) -> list:
    """``work()``, or [] with the text noted in `skipped` when it runs past :data:`TEXT_SECONDS`."""
    try:
        with deadline(TEXT_SECONDS):
            return work()
    except TimeLimit:
        skipped.append((row, str(source), f"matching took over {TEXT_SECONDS:g} s"))
        return []


def _count_block(articles: pd.DataFrame, first: int, matcher: Matcher, spans, sources: list[str], variant_of,
                 skipped: list) -> pd.DataFrame:
    """count_terms on one block of articles."""
    n = len(articles)
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (row, variant, rank) per match
    offsets: list[tuple[np.ndarray, np.ndarray]] = []  # (start, end) bytes per match, per source
    slow = np.ones(n, dtype=bool)
    columns = [_arrow_strings(articles[c]) for c in sources] if spans is not None else [None]
    if all(col is not None for col in columns):
        slow[:] = False
        for order, col in enumerate(columns):  # a title's matches come before the text's
            text, ids, rank, start, end, hard = spans.resolve(col, matcher.entry_families)
            found.append((text, variant_of[ids], order * (np.int64(1) << 40) + rank))
            offsets.append((start, end))
            slow |= hard
    rows, variants, ranks = (np.concatenate([f[i] for f in found]) if found else np.zeros(0, np.int64)
                             for i in range(3))
    keep = ~slow[rows] & (variants >= 0)  # exclusions consume a span and count for nothing
    if found and (matcher.requirements.any() or matcher.other_variants.any()):  # a match without what its
        # variant requires, or in a sentence about another referent, does not count
        keep &= ~np.concatenate([_requirements_bytes(col, matcher, *f[:2], *o) for col, f, o in
                                 zip(columns, found, offsets)])
    rows, variants, ranks = rows[keep], variants[keep], ranks[keep]
    redo = np.flatnonzero(slow)
    if len(redo):  # the texts Hyperscan cannot decide alone, or every text without it
        extra = _matches_re(matcher, articles.iloc[redo], sources, redo, first, skipped)
        rows, variants, ranks = (np.concatenate([a, b]) for a, b in zip((rows, variants, ranks), extra))
    outside = matcher.outside_topic(variants, rows, _topic_columns(articles), fast=spans is not None)
    if outside.any():  # an article that names nothing of the family's topic: its matches do not count
        rows, variants, ranks = rows[~outside], variants[~outside], ranks[~outside]
    return _count_table(articles, matcher, rows, variants, ranks)


def _requirements_bytes(col, matcher: Matcher, text: np.ndarray, variant: np.ndarray, start: np.ndarray,
                       end: np.ndarray) -> np.ndarray:
    """:func:`_requirements` for matches given by byte offsets into each text (the count path)."""
    todo = matcher.requirements[variant] | matcher.other_variants[variant]
    if not todo.any():
        return np.zeros(len(text), dtype=bool)
    buf = _byte_columns.Buffer(col, marks=False)
    base = buf.offsets[text]
    text_c = buf.chars(base)
    return _requirements(buf, matcher, text, np.where(todo, variant, -1), buf.chars(base + start) - text_c,
                         buf.chars(base + end) - text_c).astype(bool)


def _arrow_strings(column: pd.Series):
    """The column as a pyarrow string array or chunked array (no copy for Arrow-backed strings), or None."""
    import pyarrow as pa

    try:
        arr = pa.array(column.array if hasattr(column, "array") else column, from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError):
        return None
    if isinstance(arr, pa.ChunkedArray) and arr.num_chunks == 1:
        arr = arr.chunk(0)  # several chunks stay as they are: Hyperscan scans them one by one
    if arr.type == pa.null():
        arr = pa.array([None] * len(arr), type=pa.string())
    return arr if arr.type in (pa.string(), pa.large_string()) else None


def _matches_re(matcher: Matcher, articles: pd.DataFrame, sources: list[str], rows: np.ndarray,
                first: int = 0, skipped: list | None = None) -> tuple:
    """(row, variant, rank) of the matcher's own matches in `articles` (at positions `rows`); a
    text that takes over :data:`TEXT_SECONDS` goes to `skipped`."""
    where = {fv: i for i, fv in enumerate(matcher.variants)}
    out: list[tuple[int, int, int]] = []
    for row, values in zip(rows.tolist(), zip(*(articles[c].tolist() for c in sources))):
        rank = 0
        for name, source in zip(sources, values):
            if isinstance(source, str) and source:
                found = _bounded(lambda: matcher.scan(source), first + row, name, skipped if skipped is not None else [])
                for _, _, fam, var in found:
                    out.append((row, where[(fam, var)], rank))
                    rank += 1
    arr = np.array(out, dtype=np.int64).reshape(-1, 3)
    return arr[:, 0], arr[:, 1], arr[:, 2]


def _count_table(articles: pd.DataFrame, matcher: Matcher, rows, variants, ranks) -> pd.DataFrame:
    """One row per article × variant with its count, by article and then first occurrence."""
    names = matcher.variants
    key = rows * len(names) + variants
    order = np.lexsort((ranks, key))
    key, ranks = key[order], ranks[order]
    first = np.ones(len(key), dtype=bool)
    first[1:] = key[1:] != key[:-1]
    starts = np.flatnonzero(first)
    counts = np.diff(np.append(starts, len(key)))
    key, ranks = key[starts], ranks[starts]
    order = np.lexsort((ranks, key // len(names)))
    key, counts = key[order], counts[order]
    row, variant = key // len(names), key % len(names)
    fam_names = list(dict.fromkeys(f for f, _ in names))
    fam_code = np.array([fam_names.index(f) for f, _ in names], dtype=np.int64)
    ids = articles["article_id"]
    return pd.DataFrame({
        "article_id": _take_strings(ids, row),
        "family": _take_strings(pd.Series(fam_names, dtype="string"), fam_code[variant]),
        "variant": _take_strings(pd.Series([v for _, v in names], dtype="string"), variant),
        "count": counts.astype("int64"),
    })


def _take_strings(values: pd.Series, positions: np.ndarray):
    """``values`` at `positions` as a string array, without a Python object per value."""
    import pyarrow as pa

    arrow = _arrow_strings(values)
    if arrow is None:
        return pd.array(values.to_numpy()[positions], dtype="string")
    taken = arrow.take(pa.array(positions, type=pa.int64()))
    if isinstance(taken, pa.ChunkedArray):
        taken = taken.combine_chunks()
    return pd.Series(taken, dtype=pd.StringDtype()).array
