"""Find lexicon terms in articles, with their voice: the hits table, and concordance lines.

One combined regular expression holds every pattern of every family, longest first, so a text is
scanned once and, within a family, the longest variant wins ("special military operation" is never
also a "military operation"). A match that spans several words is re-scanned for the *other*
families, so "Kiev regime" counts for the government family and, as a spelling, for the Kyiv family.
Voice comes from the quotation spans of :mod:`framing.analysis.spans` (one pass per text).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Literal

import numpy as np
import pandas as pd

from ..schema import ARTICLE_COLUMNS
from . import _hits
from ._engine import HyperscanCandidates, HyperscanLiterals, HyperscanSpans
from ._prefix import prefixes, required
from .lexicon import Lexicon, load_lexicon, pattern_to_regex
from .spans import UNCLOSED_MAX, QuoteIndex

try:  # the minimal width of a pattern orders the alternation (longest first)
    from re import _parser as _sre_parse  # Python >= 3.11
except ImportError:  # pragma: no cover
    import sre_parse as _sre_parse  # type: ignore[no-redef]

__all__ = ["HIT_COLUMNS", "VOICES", "Matcher", "count_terms", "find_terms", "kwic"]

#: Voice values, in the order plots use.
VOICES = ("own", "quoted", "distanced")

#: Columns of the hits table returned by :func:`find_terms`.
HIT_COLUMNS = (
    "article_id", "outlet", "published", "family", "variant", "orientation", "matched",
    "start", "end", "context", "voice", "in_title",
)

_NONWORD = re.compile(r"\W")
_MARKER_REACH = 80  # characters before a term searched for a distancing marker
_POSSESSIVE = re.compile(r"^['\u2019\u02bc]s\b", re.IGNORECASE)
_ALNUM = re.compile(r"[^\W_]")
_LEAD = r"(?:(?:the|a|an|its|their|his|her|this|that|these|those|[\w-]+['\u2019]s)\s+)?[\"\u201c\u00ab\u201e\u2018']?\s*$"


def _min_width(regex: str) -> int:
    try:
        return int(_sre_parse.parse(regex, re.IGNORECASE).getwidth()[0])
    except Exception:  # pragma: no cover - the pattern compiled already; be lenient
        return len(regex)


class Matcher:
    """A lexicon compiled once: ``scan(text)`` gives ``(start, end, family, variant)`` tuples.

    `engine`: ``"hyperscan"`` finds candidate starts with Hyperscan (``pip install
    "framing[fast]"``); ``"re"`` with a pure-Python pre-filter; ``"auto"`` (the default) uses
    Hyperscan when it is installed and the lexicon allows it. Both give the same matches; the
    chosen one is in ``.engine``.

    Examples
    --------
    >>> m = load_lexicon().matcher
    >>> [(f, v) for _, _, f, v in m.scan("The Kiev regime's special military operation")]
    [('ukr_government', 'regime'), ('kyiv', 'Kiev'), ('war_name', 'special military operation')]
    """

    def __init__(self, lexicon: Lexicon, engine: Literal["auto", "hyperscan", "re"] = "auto") -> None:
        self.lexicon = lexicon
        entries = []  # (min width, order, family, variant or None for an exclusion, regex)
        for fam in lexicon.families:
            for var in fam.variants:
                for pat in var.patterns:
                    rx = pattern_to_regex(pat)
                    entries.append((_min_width(rx), len(entries), fam.name, var.name, rx))
            for pat in fam.exclude:
                rx = pattern_to_regex(pat)
                entries.append((_min_width(rx), len(entries), fam.name, None, rx))
        entries.sort(key=lambda e: (-e[0], e[1]))
        self._entries = entries
        self._entry = [(e[2], e[3]) for e in entries]  # group "g{i}" of a compiled alternation is entry i
        self._families = [e[2] for e in entries]  # each entry's family, for HyperscanSpans.resolve
        # the (family, variant) names in lexicon order; for each entry id (and Hyperscan's extra
        # id) the index of its name, -1 for an exclusion
        self._variants = list(dict.fromkeys((e[2], e[3]) for e in entries if e[3] is not None))
        where = {fv: i for i, fv in enumerate(self._variants)}
        self._variant_of = np.array([where.get((e[2], e[3]), -1) for e in entries] + [-1])
        self._orientation = {(f.name, v.name): v.orientation for f in lexicon.families for v in f.variants}
        self._combined = self._compile(frozenset())
        self._without = lru_cache(maxsize=256)(self._compile)
        markers = "|".join(f"(?:{pattern_to_regex(p)})" for p in lexicon.distancing)
        self._marker = re.compile(rf"(?<!\w)(?:{markers})\s+{_LEAD}", re.IGNORECASE) if markers else None
        self._distancing = tuple(lexicon.distancing)
        self._build_dispatch()
        self.engine, self._hs, self._single = "re", None, []
        if engine not in ("auto", "hyperscan", "re"):
            raise ValueError(f"engine must be 'auto', 'hyperscan' or 're', not {engine!r}")
        if engine != "re":
            try:
                self._hs = HyperscanCandidates([e[4] for e in entries])
            except ValueError as exc:
                if engine == "hyperscan":
                    raise ValueError(f"the hyperscan engine cannot run this lexicon: {exc}") from exc
            else:
                self._single = [re.compile(rf"(?<!\w)(?:{e[4]})(?!\w)", re.IGNORECASE) for e in entries]
                self.engine = "hyperscan"

    def _compile(self, excluded: frozenset, ids: Iterable[int] | None = None) -> re.Pattern | None:
        ids = range(len(self._entries)) if ids is None else ids
        parts = [f"(?P<g{i}>{self._entries[i][4]})" for i in ids if self._entries[i][2] not in excluded]
        return re.compile(rf"(?<!\w)(?:{'|'.join(parts)})(?!\w)", re.IGNORECASE) if parts else None

    def _build_dispatch(self) -> None:
        # Python's re tries every branch of an alternation at every position, which is slow for a
        # large lexicon. Instead a cheap pre-filter finds word starts whose first three letters (two
        # for a pattern that can be shorter) some pattern can begin with, and only the patterns with
        # that prefix are tried there.
        by_key: dict[str, list[int]] = {}
        wild: list[int] = []
        for i, entry in enumerate(self._entries):
            pre = prefixes(entry[4], 3) or prefixes(entry[4], 2)
            if pre is None:
                wild.append(i)
            for p in pre or ():
                by_key.setdefault(p, []).append(i)
        short = {k: ids for k, ids in by_key.items() if len(k) == 2}
        self._dispatch = {}
        for key, ids in by_key.items():
            extra = short.get(key[:2], []) if len(key) == 3 else []
            self._dispatch[key] = self._compile(frozenset(), sorted(set(ids + extra + wild)))
        self._wild = self._compile(frozenset(), wild) if wild else None
        if wild or not by_key:
            self._prefilter = re.compile(r"(?<!\w)\w")
        else:
            starts = "".join(re.escape(a) for a in sorted({k[0] for k in by_key}))
            self._prefilter = re.compile(rf"(?<!\w)(?=[{starts}])(?:{_trie(sorted(by_key))})")

    def _scan_top(self, text: str) -> Iterable[tuple[int, int, int]]:
        """(start, end, entry) of the top-level matches: the combined alternation's, found faster."""
        low = text.lower()
        if len(low) != len(text):  # a few characters change length when lower-cased: slow path
            for m in self._combined.finditer(text):
                yield m.start(), m.end(), int(m.lastgroup[1:])
            return
        pos = 0
        if self._hs is not None:  # Hyperscan finds where patterns may start; re confirms, in order
            found, single = self._hs(low), self._single
            for i in sorted(found):
                if i < pos:
                    continue
                for entry in sorted(found[i]):
                    m = single[entry].match(text, i)
                    if m is not None:
                        yield i, m.end(), entry
                        pos = m.end() if m.end() > i else i + 1
                        break
            return
        search, dispatch, wild = self._prefilter.search, self._dispatch, self._wild
        while (cand := search(low, pos)) is not None:
            i = cand.start()
            rx = dispatch.get(cand.group()) or wild
            m = rx.match(text, i) if rx is not None else None
            if m is None:
                pos = i + 1
            else:
                yield m.start(), m.end(), int(m.lastgroup[1:])
                pos = m.end() if m.end() > i else i + 1

    def spans(self) -> HyperscanSpans | None:
        """The lexicon compiled for :class:`HyperscanSpans` (whole-lexicon matching on bytes), or
        None when Hyperscan is missing or cannot take every pattern. Compiled on first use."""
        if not hasattr(self, "_spans"):
            try:
                self._spans = HyperscanSpans([e[4] for e in self._entries])
            except ValueError:
                self._spans = None
        return self._spans

    def marker_literals(self) -> HyperscanLiterals | None:
        """A scanner for strings one of which every distancing marker match contains, or None when
        some marker has no such ASCII string or Hyperscan is missing (then every hit is checked)."""
        if not hasattr(self, "_marker_lits"):
            lits: set[str] | None = set()
            for p in self._distancing:
                found = required(pattern_to_regex(p))
                if found is None or not all(x.isascii() for x in found):
                    lits = None
                    break
                lits |= found
            try:
                self._marker_lits = HyperscanLiterals(lits) if lits else None
            except ValueError:
                self._marker_lits = None
        return self._marker_lits

    def marked(self, text: str, start: int) -> bool:
        """Whether a distancing marker ("so-called", "what Moscow calls") stands right before
        ``text[start]``, in the same paragraph."""
        if self._marker is None:
            return False
        line_start = text.rfind("\n", 0, start) + 1
        return self._marker.search(text[max(line_start, start - _MARKER_REACH):start]) is not None

    def orientation(self, family: str, variant: str) -> str:
        """The orientation tag of a variant."""
        return self._orientation[(family, variant)]

    def scan(self, text: str) -> list[tuple[int, int, str, str]]:
        """Every term occurrence in `text`, in order; exclusions are consumed, not returned."""
        out: list[tuple[int, int, str, str]] = []
        for start, end, entry in self._scan_top(text):
            fam, var = self._entry[entry]
            self._emit(text, start, end, fam, var, frozenset((fam,)), out)
        return out

    def scan_reference(self, text: str) -> list[tuple[int, int, str, str]]:
        """The same as :meth:`scan` with one plain alternation (slow; for tests and checks)."""
        out: list[tuple[int, int, str, str]] = []
        for m in self._combined.finditer(text):
            fam, var = self._entry[int(m.lastgroup[1:])]
            self._emit(text, m.start(), m.end(), fam, var, frozenset((fam,)), out)
        return out

    def _emit(self, text, start, end, fam, var, excluded, out) -> None:
        if var is not None:
            out.append((start, end, fam, var))
        if not _NONWORD.search(text, start, end):
            return  # one word: no other family can match a part of it
        inner = self._without(excluded)
        if inner is None:
            return
        for m in inner.finditer(text, start, end):
            fam2, var2 = self._entry[int(m.lastgroup[1:])]
            self._emit(text, m.start(), m.end(), fam2, var2, excluded | {fam2}, out)

    def voice(self, text: str, start: int, end: int, quotes: QuoteIndex) -> str:
        """``quoted``, ``distanced`` or ``own`` for the term at ``text[start:end]``.

        ``quoted``: inside a quotation that holds more than the term; ``distanced``: scare quotes
        around the term alone, or a distancing marker ("so-called", "self-proclaimed", "what Moscow
        calls") right before it; ``own``: anything else.
        """
        spans = quotes.containing(start, end)
        if any(_holds_more(text, sp.start, sp.end, start, end) for sp in spans):
            return "quoted"
        if spans or self.marked(text, start):
            return "distanced"
        return "own"


def _trie(keys: list[str]) -> str:
    """A regex matching any of `keys` (short literal strings), factored by first character."""
    groups: dict[str, list[str]] = {}
    for key in keys:
        groups.setdefault(key[0], []).append(key[1:])
    parts = []
    for first, all_rests in sorted(groups.items()):
        rests = sorted({r for r in all_rests if r}, key=len, reverse=True)
        optional = "?" if "" in all_rests else ""  # "kh" is a key as well as "kha"
        if not rests:
            parts.append(re.escape(first))
        elif all(len(r) == 1 for r in rests):
            parts.append(re.escape(first) + "[" + "".join(re.escape(r) for r in rests) + "]" + optional)
        else:
            parts.append(re.escape(first) + "(?:" + _trie(rests) + ")" + optional)
    return "|".join(parts)


def _holds_more(text: str, lo: int, hi: int, start: int, end: int) -> bool:
    """Whether the quotation ``text[lo:hi]`` holds more than the term ``text[start:end]``."""
    rest = text[lo:start] + _POSSESSIVE.sub("", text[end:hi])
    return _ALNUM.search(rest) is not None


def _context(text: str, start: int, end: int, width: int) -> str:
    left = text[max(0, start - width):start]
    right = text[end:end + width]
    left = ("…" if start > width else "") + " ".join(left.split()) + (" " if left[-1:].isspace() else "")
    right = (" " if right[:1].isspace() else "") + " ".join(right.split()) + ("…" if end + width < len(text) else "")
    return f"{left}[{text[start:end]}]{right}"


def _hits_in(text: str, matcher: Matcher, context: int, found: list | None = None) -> Iterable[tuple]:
    """The hits-table values of every match in `text` (`found`: the matches, when known)."""
    found = matcher.scan(text) if found is None else found
    if not found:
        return
    quotes = QuoteIndex(text)
    for start, end, fam, var in found:
        yield (
            fam, var, matcher.orientation(fam, var), text[start:end], start, end,
            _context(text, start, end, context), matcher.voice(text, start, end, quotes),
        )


def _empty_hits() -> pd.DataFrame:
    return _cast_hits(pd.DataFrame({c: [] for c in HIT_COLUMNS}))


def _cast_hits(df: pd.DataFrame) -> pd.DataFrame:
    str_cols = ["article_id", "outlet", "family", "variant", "orientation", "matched", "context", "voice"]
    df = df.astype({c: "string" for c in str_cols} | {"start": "int64", "end": "int64", "in_title": "bool"})
    df["published"] = pd.to_datetime(df["published"], utc=True).astype(ARTICLE_COLUMNS["published"])
    return df[list(HIT_COLUMNS)]


def find_terms(
    articles: pd.DataFrame,
    lexicon: Lexicon | str | dict | None = None,
    *,
    titles: bool = True,
    context: int = 80,
    engine: Literal["auto", "hyperscan", "re"] = "auto",
) -> pd.DataFrame:
    """Find every lexicon term in the articles: the hits table, one row per occurrence.

    Parameters
    ----------
    articles : DataFrame
        The articles table (needs ``article_id``, ``outlet``, ``published``, ``title``, ``text``).
    lexicon : Lexicon, path, dict or None
        None means the packaged lexicon (see :func:`framing.load_lexicon`).
    titles : bool
        Also search headlines; their hits have ``in_title=True`` and offsets into ``title``.
    context : int
        Characters of context on each side in the ``context`` column (the match is in brackets).
    engine : "auto", "hyperscan" or "re"
        How matches are found (see :func:`count_terms`); every engine gives the same table.

    Returns
    -------
    DataFrame
        ``article_id, outlet, published, family, variant, orientation, matched, start, end,
        context, voice, in_title``. ``start``/``end`` index ``text`` (or ``title`` when
        ``in_title``); ``voice`` is ``own``, ``quoted`` or ``distanced``.

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a1"], "outlet": ["Demo"], "published": [pd.NaT],
    ...     "title": ["Kyiv talks"], "text": ['Moscow calls it a "special military operation".']})
    >>> find_terms(arts)[["variant", "voice", "in_title"]].values.tolist()
    [['Kyiv', 'own', True], ['special military operation', 'distanced', False]]
    """
    if engine not in ("auto", "hyperscan", "re"):
        raise ValueError(f"engine must be 'auto', 'hyperscan' or 're', not {engine!r}")
    matcher = load_lexicon(lexicon).matcher
    spans = matcher.spans() if engine != "re" else None
    if engine == "hyperscan" and spans is None:
        raise ValueError("the hyperscan engine is not available: pip install 'framing[fast]'")
    sources = (["title"] if titles else []) + ["text"]
    parts: list[dict] = []
    for lo in range(0, len(articles), _BLOCK):  # blocks bound the memory alive at once
        _block_hits(articles.iloc[lo:lo + _BLOCK], lo, matcher, spans, sources, context, parts)
    return _hits_table(articles, matcher, sources, parts)


_BLOCK = 8192


def _hits_table(articles: pd.DataFrame, matcher: Matcher, sources: list[str], parts: list[dict]) -> pd.DataFrame:
    """The hits table from the blocks' parts (each in order, blocks in order)."""
    import pyarrow as pa

    if not parts:  # _block_hits adds only blocks with hits
        return _empty_hits()
    cat = {k: np.concatenate([p[k] for p in parts]) for k in ("row", "order", "variant", "start", "end", "voice")}

    def strings(key: str):
        return pd.Series(pa.chunked_array(_same_string_type([p[key] for p in parts])), dtype=pd.StringDtype()).array

    names = matcher._variants
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
    return _cast_hits(pd.DataFrame(table))


def _block_hits(block: pd.DataFrame, first: int, matcher: Matcher, spans, sources: list[str], context: int,
                out: list[dict]) -> None:
    """Append the hits of a block of articles (at positions `first`…) to `out`, as one part in
    order (by article, a title's hits before its text's). Per source, the hits come from Hyperscan
    and NumPy (:mod:`._hits`) and, for the texts Hyperscan cannot decide (or every text without
    it), from the matcher's own Python path."""
    import pyarrow as pa

    parts: list[dict] = []
    _source_hits(block, first, matcher, spans, sources, context, parts)
    parts = [p for p in parts if len(p["row"])]
    if not parts:
        return
    merged = {k: np.concatenate([p[k] for p in parts]) for k in ("row", "order", "rank", "variant", "start", "end", "voice")}
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
                 parts: list[dict]) -> None:
    for order, source in enumerate(sources):
        col = _arrow_strings(block[source]) if spans is not None else None
        if col is None:
            _python_hits(block[source], np.arange(len(block)), first, order, matcher, context, parts)
            continue
        buf = _hits.Buffer(col)
        text, ids, rank, start, end, slow = spans.resolve(buf.column, matcher._families)
        keep = ~slow[text] & (matcher._variant_of[ids] >= 0)  # exclusions consume a span, no hit
        keep = np.flatnonzero(keep)[np.lexsort((rank[keep], text[keep]))]  # in order: no strings move later
        text, ids, rank = text[keep], ids[keep], rank[keep]
        start, end = buf.offsets[text] + start[keep], buf.offsets[text] + end[keep]  # into buf.raw
        text_c, at_start, at_end = buf.chars(buf.offsets[text]), buf.chars(start), buf.chars(end)
        ctx, matched, windows = _hits.contexts(buf, text, start, end, context, (text_c, at_start, at_end))
        near = _near_markers(matcher, buf, start, windows, context)
        codes, span_lo, span_hi = _hits.voices(buf, text, start, end, near, UNCLOSED_MAX)
        c_start, c_end = at_start - text_c, at_end - text_c
        _hits.settle_spans(buf, codes, start, end, span_lo, span_hi)
        _python_voices(buf, matcher, text, c_start, c_end, text_c, codes, span_lo, span_hi)
        parts.append({"row": first + text, "order": np.full(len(text), order), "rank": rank,
                      "variant": matcher._variant_of[ids], "start": c_start, "end": c_end,
                      "voice": codes, "matched": matched, "context": ctx})
        _python_hits(block[source], np.flatnonzero(slow), first, order, matcher, context, parts)


def _near_markers(matcher: Matcher, buf, start: np.ndarray, windows: tuple, context: int) -> np.ndarray | None:
    """Per hit at byte `start`: whether a distancing marker may stand right before it (a string
    every marker contains ends within reach); None when that cannot be ruled out cheaply."""
    if matcher._marker is None:
        return np.zeros(len(start), dtype=bool)
    scanner = matcher.marker_literals()
    if scanner is None:
        return None
    if context >= _MARKER_REACH:  # the context windows hold the reach: scan only them
        g, left, at = windows
        ends = scanner.ends(memoryview(g), 0, len(g))
    else:  # the whole buffer; a character is at most 4 bytes
        ends = scanner.ends(buf.data, int(buf.offsets[0]), int(buf.offsets[-1]))
        left, at = start - 4 * _MARKER_REACH, start
    if not len(ends):
        return np.zeros(len(start), dtype=bool)
    j = np.searchsorted(ends, at, side="right") - 1
    return (j >= 0) & (ends[np.maximum(j, 0)] > left)


def _python_voices(buf, matcher: Matcher, text, c_start, c_end, text_c, codes, span_lo, span_hi) -> None:
    """Settle the voice of the hits :func:`_hits.voices` left to Python (in place)."""
    todo = np.flatnonzero(codes >= _hits.IN_SPAN)
    if not len(todo):
        return
    rows = np.unique(text[todo])
    strings = dict(zip(rows.tolist(), buf.column.take(rows).to_pylist()))
    lo = np.where(span_lo >= 0, buf.chars(np.maximum(span_lo, 0)) - text_c, -1)
    hi = np.where(span_hi >= 0, buf.chars(np.maximum(span_hi, 0)) - text_c, -1)
    quotes: dict[int, QuoteIndex] = {}
    own, quoted, distanced = VOICES
    code_of = {own: _hits.OWN, quoted: _hits.QUOTED, distanced: _hits.DISTANCED}
    for k, t, a, b, kind, s_lo, s_hi in zip(todo.tolist(), text[todo].tolist(), c_start[todo].tolist(),
                                           c_end[todo].tolist(), codes[todo].tolist(), lo[todo].tolist(),
                                           hi[todo].tolist()):
        value = strings[t]
        if kind == _hits.IN_SPAN:
            codes[k] = _hits.QUOTED if _holds_more(value, s_lo, s_hi, a, b) else _hits.DISTANCED
        elif kind == _hits.MARKER:
            codes[k] = _hits.DISTANCED if matcher.marked(value, a) else _hits.OWN
        else:
            index = quotes.get(t)
            if index is None:
                index = quotes[t] = QuoteIndex(value)
            codes[k] = code_of[matcher.voice(value, a, b, index)]


def _python_hits(values: pd.Series, rows: np.ndarray, first: int, order: int, matcher: Matcher, context: int,
                 parts: list[dict]) -> None:
    """The matcher's own hits (the reference path) for the texts at positions `rows` of `values`."""
    import pyarrow as pa

    if not len(rows):
        return
    out: dict[str, list] = {k: [] for k in ("row", "rank", "variant", "start", "end", "voice", "matched", "context")}
    where = {fv: i for i, fv in enumerate(matcher._variants)}
    voice_code = {v: i for i, v in enumerate(VOICES)}
    for row, value in zip(rows.tolist(), values.iloc[rows].tolist()):
        if not isinstance(value, str) or not value:
            continue
        for rank, (fam, var, _orient, matched, start, end, ctx, voice) in enumerate(_hits_in(value, matcher, context)):
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
             "matched": pa.array(out["matched"], type=pa.string()), "context": pa.array(out["context"], type=pa.string())}
    parts.append(part)


def _words_left(text: str, start: int, n: int) -> str:
    lo = max(0, start - 30 * n)
    words = text[lo:start].split()
    if lo > 0 and words and not text[lo - 1].isspace():
        words = words[1:]  # the slice began inside a word
    return " ".join(words[-n:]) if n else ""


def _words_right(text: str, end: int, n: int) -> str:
    hi = end + 30 * n
    words = text[end:hi].split()
    if hi < len(text) and words and not text[hi].isspace():
        words = words[:-1]
    return " ".join(words[:n]) if n else ""


def kwic(
    articles: pd.DataFrame,
    pattern_or_variant: str,
    *,
    window: int = 10,
    voice: Literal["own", "quoted", "distanced"] | list[str] | None = None,
    lexicon: Lexicon | str | dict | None = None,
    titles: bool = False,
    max_rows: int | None = None,
) -> pd.DataFrame:
    """Concordance lines (keyword in context) for a lexicon variant or a pattern.

    Parameters
    ----------
    articles : DataFrame
        The articles table.
    pattern_or_variant : str
        A variant name (``"Kiev"``, or ``"war_name:invasion"``) found with its family's rules, so
        the longest variant still wins; anything else is a lexicon pattern (see README).
    window : int
        Words of context on each side. Never more: a concordance never prints whole articles.
    voice : str or list, optional
        Keep only lines in these voices.
    max_rows : int, optional
        Keep the first `max_rows` lines (ordered by outlet, date, article, position).

    Returns
    -------
    DataFrame
        ``outlet, published, article_id, left, match, right, voice, start, end``.

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a1"], "outlet": ["Demo"], "published": [pd.NaT],
    ...     "title": [""], "text": ["Officials in Kiev said the so-called referendum was void."]})
    >>> kwic(arts, "referendum", window=3)[["left", "match", "right", "voice"]].values.tolist()
    [['said the so-called', 'referendum', 'was void.', 'distanced']]
    """
    lex = load_lexicon(lexicon)
    try:
        var = lex.variant(pattern_or_variant)
        sub = lex.subset(families=[var.family])
        keep = (var.family, var.name)
    except KeyError:
        sub = load_lexicon({
            "distancing": {"markers": list(lex.distancing)} if lex.distancing else {},
            "families": {"kwic": {"variants": {pattern_or_variant: {"patterns": [pattern_or_variant]}}}},
        })
        keep = ("kwic", pattern_or_variant)
    hits = find_terms(articles, sub, titles=titles, context=0)
    hits = hits[(hits["family"] == keep[0]) & (hits["variant"] == keep[1])]
    if voice is not None:
        hits = hits[hits["voice"].isin([voice] if isinstance(voice, str) else list(voice))]
    texts = articles.drop_duplicates("article_id").set_index("article_id")
    rows = []
    for h in hits.itertuples(index=False):
        src = texts.at[h.article_id, "title" if h.in_title else "text"]
        rows.append({
            "outlet": h.outlet, "published": h.published, "article_id": h.article_id,
            "left": _words_left(src, h.start, window),
            "match": h.matched,
            "right": _words_right(src, h.end, window),
            "voice": h.voice, "start": h.start, "end": h.end,
        })
    cols = ["outlet", "published", "article_id", "left", "match", "right", "voice", "start", "end"]
    out = pd.DataFrame(rows, columns=cols)
    out = out.sort_values(["outlet", "published", "article_id", "start"], ignore_index=True, na_position="last")
    if max_rows is not None:
        out = out.head(max_rows)
    return out.astype({c: "string" for c in ["outlet", "article_id", "left", "match", "right", "voice"]})


def count_terms(
    articles: pd.DataFrame,
    lexicon: Lexicon | str | dict | None = None,
    *,
    titles: bool = False,
    engine: Literal["auto", "hyperscan", "re"] = "auto",
) -> pd.DataFrame:
    """Counts per article × variant, without offsets, voice or context: the fast path.

    The same rules as :func:`find_terms` (so the counts equal ``find_terms``' rows per article and
    variant), but nothing is computed per hit beyond the count. With Hyperscan installed
    (``engine="auto"`` or ``"hyperscan"``), Hyperscan matches the whole lexicon on the texts' UTF-8
    bytes straight from Arrow memory; the texts it cannot decide alone (characters outside ASCII and
    common typographic punctuation, crossing spans, patterns with lookarounds) are scanned by the
    matcher, so the result is the same as with ``engine="re"`` (tested).

    Returns
    -------
    DataFrame
        ``article_id, family, variant, count``; only non-zero counts, by article, then by first
        occurrence. Use ``.pivot_table(index="article_id", columns="variant", values="count",
        fill_value=0)`` for a document × variant matrix.

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a1"], "title": ["Kyiv"], "text": ["Kyiv, Kyiv and Kiev."]})
    >>> count_terms(arts).values.tolist()
    [['a1', 'kyiv', 'Kyiv', 2], ['a1', 'kyiv', 'Kiev', 1]]
    """
    if engine not in ("auto", "hyperscan", "re"):
        raise ValueError(f"engine must be 'auto', 'hyperscan' or 're', not {engine!r}")
    matcher = load_lexicon(lexicon).matcher
    sources = (["title"] if titles else []) + ["text"]
    spans = matcher.spans() if engine != "re" else None
    if engine == "hyperscan" and spans is None:
        raise ValueError("the hyperscan engine is not available: pip install 'framing[fast]'")
    variant_of = matcher._variant_of
    tables = [_count_block(articles.iloc[lo:lo + _COUNT_BLOCK], matcher, spans, sources, variant_of)
              for lo in range(0, len(articles), _COUNT_BLOCK)]  # blocks keep every sort small
    if not tables:
        return _count_table(articles, matcher, *(np.zeros(0, np.int64),) * 3)
    return pd.concat(tables, ignore_index=True) if len(tables) > 1 else tables[0]


_COUNT_BLOCK = 1 << 16


def _count_block(articles: pd.DataFrame, matcher: Matcher, spans, sources: list[str], variant_of) -> pd.DataFrame:
    """count_terms on one block of articles."""
    n = len(articles)
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (row, variant, rank) per match
    slow = np.ones(n, dtype=bool)
    columns = [_arrow_strings(articles[c]) for c in sources] if spans is not None else [None]
    if all(col is not None for col in columns):
        slow[:] = False
        for order, col in enumerate(columns):  # a title's matches come before the text's
            text, ids, rank, _, _, hard = spans.resolve(col, matcher._families)
            found.append((text, variant_of[ids], order * (np.int64(1) << 40) + rank))
            slow |= hard
    rows, variants, ranks = (np.concatenate([f[i] for f in found]) if found else np.zeros(0, np.int64)
                             for i in range(3))
    keep = ~slow[rows] & (variants >= 0)  # exclusions consume a span and count for nothing
    rows, variants, ranks = rows[keep], variants[keep], ranks[keep]
    redo = np.flatnonzero(slow)
    if len(redo):  # the texts Hyperscan cannot decide alone, or every text without it
        extra = _matches_re(matcher, articles.iloc[redo], sources, redo)
        rows, variants, ranks = (np.concatenate([a, b]) for a, b in zip((rows, variants, ranks), extra))
    return _count_table(articles, matcher, rows, variants, ranks)


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


def _matches_re(matcher: Matcher, articles: pd.DataFrame, sources: list[str], rows: np.ndarray) -> tuple:
    """(row, variant, rank) of the matcher's own matches in `articles` (at positions `rows`)."""
    where = {fv: i for i, fv in enumerate(matcher._variants)}
    out: list[tuple[int, int, int]] = []
    for row, values in zip(rows.tolist(), zip(*(articles[c].tolist() for c in sources))):
        rank = 0
        for source in values:
            if isinstance(source, str) and source:
                for _, _, fam, var in matcher.scan(source):
                    out.append((row, where[(fam, var)], rank))
                    rank += 1
    arr = np.array(out, dtype=np.int64).reshape(-1, 3)
    return arr[:, 0], arr[:, 1], arr[:, 2]


def _count_table(articles: pd.DataFrame, matcher: Matcher, rows, variants, ranks) -> pd.DataFrame:
    """One row per article × variant with its count, by article and then first occurrence."""
    names = matcher._variants
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
