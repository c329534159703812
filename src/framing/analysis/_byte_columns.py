"""The hits table's per-hit columns — voice, context and the matched text — for a whole block of
texts at once, from their UTF-8 bytes in Arrow memory.

:func:`framing.find_terms` calls Python once per hit on its reference path: the quotation spans of
the hit's paragraph, the 80-character context, the voice decision. At a million articles that is
the cost that dominates. Here the same answers come from NumPy over the block's bytes:

* **Context** is cut from the buffer: the window's character bounds are turned into byte bounds,
  whitespace runs are collapsed as ``" ".join(s.split())`` does (every character Python's
  ``str.isspace`` knows, multi-byte ones included), and the strings are assembled into one Arrow
  array without a Python object per hit.
* **Voice** needs the quotation spans around a hit. The quotation finder of
  :mod:`framing.analysis.spans` is a stack machine; in the paragraphs where it reduces to one level
  of quotation — only straight double quotes, or only curly “ ” ones, and no single quote that could
  open — its states are a prefix scan that NumPy computes (see :func:`_machine`). Inside a span,
  "quoted" or "distanced" (does the quotation hold more than the term?) is read from the bytes
  when they are ASCII (:func:`settle_spans`). A distancing marker is looked for only where a string
  every marker contains ends within reach before the term (one Hyperscan pass). What is left —
  hits in paragraphs the scan does not cover, spans with other characters, possible markers — is
  decided by the Python code of the reference path, on those hits only (a small share of synthetic
  text's hits, a larger one of real text full of single quotes and mixed marks; the README's Scale
  section has the measured shares).

Every function here must give exactly what :func:`framing.analysis.matcher.reference_hits` gives; the tests
compare the two on the shared corpora and on generated texts full of quotation marks.
"""

from __future__ import annotations

import numpy as np

from ..text.utf8 import PY_SPACE, char_at, char_before
from .spans import _OPEN_BEFORE

# mark codes (one per character of spans._MARKS but the line break)
_DQ, _SQ, _LDQ, _RDQ, _LOW, _LAQ, _RAQ, _LSQ, _RSQ, _LSA, _RSA, _ACUTE, _LOW_SQ = range(13)
_E2_80 = {0x9C: _LDQ, 0x9D: _RDQ, 0x9E: _LOW, 0x98: _LSQ, 0x99: _RSQ, 0xB9: _LSA, 0xBA: _RSA, 0x9A: _LOW_SQ}
_C2 = {0xAB: _LAQ, 0xBB: _RAQ, 0xB4: _ACUTE}
_THIRD = np.full(256, -1, dtype=np.int64)
for _b, _code in _E2_80.items():
    _THIRD[_b] = _code
_SECOND = np.full(256, -1, dtype=np.int64)
for _b, _code in _C2.items():
    _SECOND[_b] = _code

_ASCII_SPACE = np.zeros(256, dtype=bool)
_ASCII_SPACE[[c for c in PY_SPACE if c < 0x80]] = True
_ASCII_OPEN_BEFORE = np.zeros(256, dtype=bool)  # spans._OPEN_BEFORE, ASCII part
_ASCII_OPEN_BEFORE[[ord(c) for c in " \t([{-/:\""]] = True
_ASCII_SENTENCE_END = np.zeros(256, dtype=bool)  # spans._GLUED_AFTER
_ASCII_SENTENCE_END[[ord(c) for c in ".!?"]] = True
_ASCII_ALNUM = np.array([chr(i).isalnum() for i in range(256)]) & (np.arange(256) < 0x80)
_ASCII_WORD = _ASCII_ALNUM | (np.arange(256) == ord("_"))
_ASCII_UPPER = np.array([chr(i).isupper() for i in range(256)]) & (np.arange(256) < 0x80)
_ELLIPSIS = "\u2026".encode()
#: the UTF-8 bytes of every whitespace character outside ASCII (Python's ``str.isspace``)
_WIDE_SPACES = [tuple(chr(c).encode()) for c in PY_SPACE if c >= 0x80]


class Buffer:
    """One Arrow string array's bytes, with byte ↔ character offset conversion.

    Positions are indexes into ``raw`` (the array's data buffer); ``offsets[i]`` is where text `i`
    starts and ``offsets[i + 1]`` where it ends. A text's character offset of byte `b` is
    ``chars(b) - chars(offsets[i])``.
    """

    def __init__(self, column, marks: bool = True) -> None:
        import pyarrow as pa

        if isinstance(column, pa.ChunkedArray):
            column = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
        self.column = column
        _valid, off_buf, data_buf = column.buffers()
        width = np.int64 if column.type == pa.large_string() else np.int32
        self.offsets = np.frombuffer(off_buf, dtype=width)[column.offset:column.offset + len(column) + 1].astype(np.int64)
        self.data = memoryview(data_buf) if data_buf is not None else memoryview(b"")
        self.raw = np.frombuffer(self.data, dtype=np.uint8)
        lo, hi = (int(self.offsets[0]), int(self.offsets[-1])) if len(self.offsets) else (0, 0)
        # the lead byte of every multi-byte character (its continuation bytes follow it), the line
        # breaks and the bytes 0x22 to 0x27 (straight quotes among them), a slice at a time: small
        # temporaries stay in the CPU cache and are not page-faulted in afresh
        found: tuple[list, list, list] = ([], [], [])
        step = 1 << 18
        for at in range(lo, hi, step):
            part = self.raw[at:min(at + step, hi)]
            found[0].append(np.flatnonzero(part >= 0xC0) + at)
            found[1].append(np.flatnonzero(part == 0x0A) + at)
            if marks:  # the straight quotes, for :meth:`marks` (not needed to count terms)
                found[2].append(np.flatnonzero((part - np.uint8(0x22)) <= 5) + at)
        lead, newlines, near = (np.concatenate(f) if f else np.zeros(0, dtype=np.int64) for f in found)
        size = 2 + (self.raw[lead] >= 0xE0) + (self.raw[lead] >= 0xF0)
        self.lead = lead
        follow = _runs(lead + 1, lead + size)
        self.follow = follow[0] if follow else np.zeros(0, dtype=np.int64)  # continuation bytes, sorted
        self._g = self.follow - np.arange(len(self.follow))
        self.newlines = newlines
        self.ascii_marks = near[(self.raw[near] == 0x22) | (self.raw[near] == 0x27)]

    def cut(self, starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
        """The bytes ``raw[starts[i]:stops[i]]`` of every range, concatenated."""
        raw = self.raw
        if not len(starts):
            return np.zeros(0, dtype=np.uint8)
        return np.concatenate([raw[x:y] for x, y in zip(starts.tolist(), stops.tolist())])

    def chars(self, b: np.ndarray) -> np.ndarray:
        """The character index (counted from the buffer's start) of each byte position."""
        return b - np.searchsorted(self.follow, b)

    def bytes_at(self, c: np.ndarray) -> np.ndarray:
        """The byte position where character index `c` (from the buffer's start) begins."""
        return c + np.searchsorted(self._g, c, side="right")

    def text_of(self, b: np.ndarray) -> np.ndarray:
        """The text holding each byte position."""
        return np.searchsorted(self.offsets, b, side="right") - 1

    def marks(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every quotation mark but the line break: ``(position, code, length in bytes)``."""
        raw = self.raw
        lead = self.lead
        e2 = lead[(raw[lead] == 0xE2) & (raw[np.minimum(lead + 1, len(raw) - 1)] == 0x80)]
        e2_code = _THIRD[raw[np.minimum(e2 + 2, len(raw) - 1)]]
        c2 = lead[raw[lead] == 0xC2]
        c2_code = _SECOND[raw[np.minimum(c2 + 1, len(raw) - 1)]]
        a = self.ascii_marks
        a_code = np.where(raw[a] == 0x22, _DQ, _SQ)
        pos = np.concatenate([a, e2[e2_code >= 0], c2[c2_code >= 0]])
        code = np.concatenate([a_code, e2_code[e2_code >= 0], c2_code[c2_code >= 0]])
        size = np.concatenate([np.ones(len(a), np.int64), np.full(int((e2_code >= 0).sum()), 3),
                               np.full(int((c2_code >= 0).sum()), 2)])
        order = np.argsort(pos, kind="stable")
        return pos[order], code[order], size[order]

    def paragraph(self, b: np.ndarray, text: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For byte positions `b` in texts `text`: a paragraph key (equal keys, same paragraph),
        the paragraph's first byte and its end (its line break, or the text's end)."""
        nl = self.newlines
        j = np.searchsorted(nl, b)
        key = j + text
        t_lo, t_hi = self.offsets[text], self.offsets[text + 1]
        prev = nl[np.maximum(j - 1, 0)] if len(nl) else np.zeros(len(b), np.int64)
        first = np.where((j > 0) & (prev >= t_lo), prev + 1, t_lo)
        nxt = nl[np.minimum(j, len(nl) - 1)] if len(nl) else np.zeros(len(b), np.int64)
        end = np.where((j < len(nl)) & (nxt < t_hi), nxt, t_hi)
        return key, first, end


def _neighbours(buf: Buffer, pos: np.ndarray, size: np.ndarray, text: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``spans._can_open`` and ``spans._can_close`` for the marks at `pos`."""
    raw = buf.raw
    at_start = pos == buf.offsets[text]
    after = pos + size
    at_end = after == buf.offsets[text + 1]
    b_byte = raw[np.maximum(pos - 1, 0)]
    a_byte = raw[np.minimum(after, len(raw) - 1)]
    space_b = at_start | _ASCII_SPACE[b_byte]
    open_b = space_b | _ASCII_OPEN_BEFORE[b_byte]
    space_a = at_end | _ASCII_SPACE[a_byte]
    alnum_a = ~at_end & _ASCII_ALNUM[a_byte]
    upper_a = ~at_end & _ASCII_UPPER[a_byte]
    for k in np.flatnonzero(~at_start & (b_byte >= 0x80)).tolist():  # Python decides non-ASCII
        ch = char_before(buf.data, int(pos[k]))
        space_b[k] = ch.isspace()
        open_b[k] = space_b[k] or ch in _OPEN_BEFORE
    for k in np.flatnonzero(~at_end & (a_byte >= 0x80)).tolist():
        ch = char_at(buf.data, int(after[k]))
        space_a[k], alnum_a[k], upper_a[k] = ch.isspace(), ch.isalnum(), ch.isupper()
    open_b |= _ASCII_SENTENCE_END[b_byte] & ~at_start & upper_a  # "…said.“We": glued to its sentence
    return open_b & ~space_a, ~space_b & (~alnum_a | upper_a)


def _machine(code: np.ndarray, can_open: np.ndarray, can_close: np.ndarray, group: np.ndarray,
             even: np.ndarray | None = None) -> np.ndarray:
    """Whether a quotation is open after each mark, for marks of paragraphs with one level of
    quotation (`group`: the paragraph of each mark, non-decreasing).

    With straight double quotes only, a mark closes an open quotation; on a closed one, a stray
    closing mark (cannot open, can close) is ignored and any other opens; in a paragraph with an
    even number of straight marks (`even`, per mark) no mark is stray: they pair in turn. With curly quotes only,
    “ opens (an open quotation that meets “ lost its closing mark), ” closes an open quotation and,
    on a closed one, opens where a quotation can open. So each mark either sets the state
    ("const") or flips it ("swap"): the state after a mark is the last setting mark's value (closed
    at the paragraph's start) flipped once per swap since.
    """
    n = len(code)
    stray = (code == _DQ) & ~can_open & can_close
    if even is not None:
        stray &= ~even
    const = stray | (code == _LDQ) | ((code == _RDQ) & ~can_open)
    value = code == _LDQ  # the state a setting mark leaves
    swap = ~const
    idx = np.arange(n)
    first = np.ones(n, dtype=bool)
    first[1:] = group[1:] != group[:-1]
    head = np.maximum.accumulate(np.where(first, idx, 0)) if n else idx  # the paragraph's first mark
    last = np.maximum.accumulate(np.where(const, idx, -1)) if n else idx
    flips = np.cumsum(swap)
    based = last >= head
    base_value = np.where(based, value[np.maximum(last, 0)], False)
    since = np.where(based, flips - flips[np.maximum(last, 0)], flips - flips[head] + swap[head])
    return base_value ^ (since % 2 == 1)


#: voice codes; UNDECIDED hits go to the Python voice of the reference path
OWN, QUOTED, DISTANCED, IN_SPAN, MARKER, UNDECIDED = range(6)


def voices(buf: Buffer, text: np.ndarray, start: np.ndarray, end: np.ndarray, near_marker: np.ndarray | None,
           unclosed_max: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Voice codes for hits at byte offsets ``[start, end)`` of texts `text` (into ``buf.raw``):
    OWN, IN_SPAN (inside one quotation span, given as ``(span_start, span_end)`` bytes; quoted or
    distanced depends on its words: :func:`settle_spans`), MARKER (a distancing marker may stand
    right before it: Python checks), UNDECIDED (a paragraph the prefix scan does not cover).

    `near_marker`: per hit, whether a distancing marker may stand right before it (None: maybe
    everywhere); the others outside a span are OWN.
    """
    n = len(text)
    out = np.full(n, OWN, dtype=np.int8)
    span_lo = np.full(n, -1, dtype=np.int64)
    span_hi = np.full(n, -1, dtype=np.int64)
    if not n:
        return out, span_lo, span_hi
    h_key, h_first, _ = buf.paragraph(start, text)
    pos, code, size = buf.marks()
    m_text = buf.text_of(pos)
    m_key, _, m_end = buf.paragraph(pos, m_text)
    keys = np.unique(h_key)
    wanted = np.isin(m_key, keys, assume_unique=False)
    pos, code, size, m_text, m_key, m_end = (x[wanted] for x in (pos, code, size, m_text, m_key, m_end))
    can_open, can_close = _neighbours(buf, pos, size, m_text)
    # paragraphs the prefix scan cannot follow: „ « » ‹, a single quote that could open, or
    # straight and curly double quotes together
    odd = np.isin(code, (_LOW, _LAQ, _RAQ, _LSA)) | (np.isin(code, (_SQ, _LSQ, _ACUTE, _LOW_SQ)) & can_open)
    slot = np.searchsorted(keys, m_key)
    bad = np.zeros(len(keys), dtype=bool)
    bad[slot[odd]] = True
    has_dq = np.zeros(len(keys), dtype=bool)
    has_dq[slot[code == _DQ]] = True
    has_curly = np.zeros(len(keys), dtype=bool)
    has_curly[slot[(code == _LDQ) | (code == _RDQ)]] = True
    bad |= has_dq & has_curly
    n_dq = np.bincount(slot[code == _DQ], minlength=len(keys))
    even_dq = (n_dq >= 2) & (n_dq % 2 == 0)  # straight marks pair in turn there (spans.find_quote_spans)
    live = ~bad[slot] & np.isin(code, (_DQ, _LDQ, _RDQ))
    pos, code, size, m_key, m_end, can_open, can_close, slot = (
        x[live] for x in (pos, code, size, m_key, m_end, can_open, can_close, slot))
    state = _machine(code, can_open, can_close, m_key, even_dq[slot])
    before = np.zeros(len(state), dtype=bool)
    before[1:] = state[:-1] & (m_key[1:] == m_key[:-1])
    opens = state & (~before | (code == _LDQ))
    same_next = np.zeros(len(pos), dtype=bool)
    same_next[:-1] = m_key[1:] == m_key[:-1]
    nxt = np.append(pos[1:], 0)
    s_lo = pos + size
    s_hi = np.where(same_next, nxt, m_end)
    closed = same_next & (np.append(code[1:], -1) != _LDQ)
    # an unclosed quotation longer than spans.UNCLOSED_MAX characters ends with its first sentence:
    # Python decides (bytes are never fewer than characters, so this sends no fewer than needed)
    too_long = opens & ~closed & (s_hi - s_lo > unclosed_max)
    bad[slot[too_long]] = True
    # an unclosed quotation: a straight one quotes only when the next paragraph opens with a mark,
    # a curly one that meets another opening mark ends with its first sentence: Python decides
    bad[slot[opens & ~closed & ((code == _DQ) | same_next)]] = True
    # each hit: the last live mark before it, in its paragraph
    k = np.searchsorted(pos, start) - 1
    kk = np.maximum(k, 0)
    h_slot = np.searchsorted(keys, h_key)
    inside = (k >= 0) & (m_key[kk] == h_key) & opens[kk] & (s_hi[kk] >= end) if len(pos) else np.zeros(n, bool)
    span_lo[inside], span_hi[inside] = s_lo[kk[inside]], s_hi[kk[inside]]
    out[inside] = IN_SPAN
    out[~inside & (True if near_marker is None else near_marker)] = MARKER
    out[bad[h_slot]] = UNDECIDED
    out[_dash_opens(buf.raw, h_first)] = UNDECIDED  # dash-convention dialogue: spans.py decides
    return out, span_lo, span_hi


def _dash_opens(raw: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Whether a paragraph opens with an em or en dash (after at most one space or tab): such a
    paragraph may be dialogue (:func:`framing.analysis.spans.find_quote_spans`), which the prefix
    scan does not follow."""
    out = np.zeros(len(first), dtype=bool)
    if not len(raw):
        return out
    for shift in (0, 1):
        p = np.minimum(first + shift, max(len(raw) - 3, 0))
        out |= (raw[p] == 0xE2) & (raw[np.minimum(p + 1, len(raw) - 1)] == 0x80) & \
            np.isin(raw[np.minimum(p + 2, len(raw) - 1)], (0x93, 0x94))
    return out


def settle_spans(buf: Buffer, codes: np.ndarray, start: np.ndarray, end: np.ndarray, span_lo: np.ndarray,
                 span_hi: np.ndarray) -> None:
    """Turn IN_SPAN codes into QUOTED or DISTANCED where the bytes decide (in place): quoted when
    the quotation holds a letter or digit besides the term (``matcher.holds_more``), after dropping
    a possessive ending right after the term ("“Kyiv’s”" is still scare quotes). Spans with
    characters outside ASCII stay IN_SPAN for Python (is "é" a letter? is "ʼ" a word character?)."""
    k = np.flatnonzero(codes == IN_SPAN)
    if not len(k):
        return
    lo, s, e, hi = span_lo[k], start[k], end[k], span_hi[k]
    raw = buf.raw
    # a possessive right after the term: ' ’ or ʼ, then s, then no word character
    n_raw = len(raw)
    b0 = raw[np.minimum(e, n_raw - 1)]
    b1, b2 = raw[np.minimum(e + 1, n_raw - 1)], raw[np.minimum(e + 2, n_raw - 1)]
    mark = np.where(b0 == 0x27, 1, 0)
    mark = np.where((b0 == 0xE2) & (b1 == 0x80) & (b2 == 0x99), 3, mark)  # ’
    mark = np.where((b0 == 0xCA) & (b1 == 0xBC), 2, mark)  # ʼ
    s_at = e + mark
    has_s = (mark > 0) & (s_at < hi) & ((raw[np.minimum(s_at, n_raw - 1)] | 0x20) == ord("s"))
    after = s_at + 1
    nxt = raw[np.minimum(after, n_raw - 1)]
    at_end = after >= hi
    unsure = has_s & ~at_end & (nxt >= 0x80)  # Python decides whether that is a word character
    skip = has_s & (at_end | ((nxt < 0x80) & ~_ASCII_WORD[nxt]))
    rest = np.where(skip, after, e)
    g = buf.cut(np.concatenate([lo, rest]), np.concatenate([s, hi]))
    size = np.concatenate([s - lo, hi - rest])
    alnum = np.zeros(len(g) + 1, dtype=np.int32)
    np.cumsum(_ASCII_ALNUM[g], out=alnum[1:])
    high = np.zeros(len(g) + 1, dtype=np.int32)
    np.cumsum(g >= 0x80, out=high[1:])
    first = np.cumsum(size) - size
    m = len(k)
    a = alnum[first + size] - alnum[first]
    h = high[first + size] - high[first]
    holds = (a[:m] + a[m:]) > 0
    odd = ((h[:m] + h[m:]) > 0) | unsure
    codes[k[holds & ~unsure]] = QUOTED  # an ASCII letter or digit settles it (once the possessive is known)
    codes[k[~holds & ~odd]] = DISTANCED


def _spaces(g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The whitespace characters of UTF-8 bytes `g` (Python's ``str.isspace``) that are not a
    plain space, as (start, length in bytes), sorted."""
    cand = np.flatnonzero((g < 0x20) | (g >= 0xC2))
    c = g[cand]
    ascii_ = cand[(c < 0x80) & _ASCII_SPACE[c]]
    wide = cand[c >= 0xC2]
    found, sizes = [ascii_], [np.ones(len(ascii_), dtype=np.int64)]
    if len(wide):
        nxt = np.append(g, np.zeros(2, dtype=np.uint8))
        b = (g[wide], nxt[wide + 1], nxt[wide + 2])
        for seq in _WIDE_SPACES:
            hit = b[0] == seq[0]
            for i in range(1, len(seq)):
                hit &= b[i] == seq[i]
            found.append(wide[hit])
            sizes.append(np.full(int(hit.sum()), len(seq), dtype=np.int64))
    lead, size = np.concatenate(found), np.concatenate(sizes)
    order = np.argsort(lead, kind="stable")
    return lead[order], size[order]


def _collapse(g: np.ndarray, base: np.ndarray, ms: np.ndarray, me: np.ndarray, stop: np.ndarray):
    """What collapsing the whitespace of the context windows in `g` changes: the bytes to drop and
    the (kept) bytes to turn into a plain space, both sorted. Window `i` is ``g[base[i]:stop[i]]``
    with the match at ``[ms[i], me[i])``, left alone.

    A run of whitespace becomes one space; a left part loses a leading run, a right part a
    trailing one, unless the part is nothing but whitespace. A run that is one plain space changes
    nothing, so only the runs holding another whitespace character or two spaces are looked at.
    """
    none = np.zeros(0, dtype=np.int64)
    n = len(g)
    other, other_w = _spaces(g)  # \n, \t, no-break space…
    double = np.flatnonzero((g[1:] == 0x20) & (g[:-1] == 0x20)) + 1  # the second of two spaces
    before = np.concatenate([other, double]) - 1  # a space right before either
    before = before[(before >= 0)]
    before = before[g[before] == 0x20]
    after = other + other_w  # a space right after another whitespace character
    after = after[after < n]
    after = after[g[after] == 0x20]
    lead = np.concatenate([other, double, before, after])
    width = np.concatenate([other_w, np.ones(len(lead) - len(other), dtype=np.int64)])
    lead, first = np.unique(lead, return_index=True)
    width = width[first]
    hit = np.searchsorted(base, lead, side="right") - 1
    keep = (lead < ms[hit]) | (lead >= me[hit])  # the match is kept as it is
    lead, width, hit = lead[keep], width[keep], hit[keep]
    end = lead + width
    follows = np.zeros(len(lead), dtype=bool)  # continues the run of the character before it
    follows[1:] = (end[:-1] == lead[1:]) & (lead[1:] != me[hit[1:]]) & (hit[1:] == hit[:-1])
    run = np.cumsum(~follows) - 1  # each character's run
    rep = np.flatnonzero(~follows)  # a run's first character stands for it
    run_end = np.zeros(len(rep), dtype=np.int64)
    run_end[run] = end  # the last character of a run writes last
    # every whitespace run at a window part's edge: (rep position, run end)
    w_at = np.searchsorted(lead[rep], base)
    w_at_c = np.minimum(w_at, max(len(rep) - 1, 0))
    in_s = (w_at < len(rep)) & (lead[rep][w_at_c] == base) if len(rep) else np.zeros(len(base), bool)
    plain = ~in_s & (g[np.minimum(base, n - 1)] == 0x20)  # one plain space
    l_end = np.where(in_s, run_end[w_at_c] if len(rep) else 0, base + 1)
    l_drop = (ms > base) & (in_s | plain) & (l_end < ms)  # holds more than whitespace
    l_rep = base[l_drop]
    l_bytes = [l_rep, *_runs(l_rep, l_end[l_drop])]
    last = np.maximum(stop - 1, 0)
    r_at = np.searchsorted(lead, last, side="right") - 1  # the listed character holding `last`
    r_at_c = np.maximum(r_at, 0)
    in_s = (r_at >= 0) & (end[r_at_c] > last) & (lead[r_at_c] <= last) if len(lead) else np.zeros(len(base), bool)
    r_rep = np.where(in_s, lead[rep][run[r_at_c]] if len(lead) else 0, last)
    plain = ~in_s & (g[last] == 0x20)
    r_drop = (stop > me) & (in_s | plain) & (r_rep > me)
    gone = [*_runs(r_rep[r_drop], stop[r_drop]), *l_bytes]
    # inside every listed run: all bytes but the first one go
    gone += _runs(lead[rep] + 1, run_end)
    dropped = np.unique(np.concatenate(gone)) if gone else none
    spaced = lead[rep]
    spaced = spaced[g[spaced] != 0x20]
    spaced = np.setdiff1d(spaced, dropped, assume_unique=True)
    return dropped, spaced


def _runs(lo: np.ndarray, hi: np.ndarray) -> list[np.ndarray]:
    """The positions ``lo[i] … hi[i] - 1`` of every range, as a list of arrays (for concatenate)."""
    lengths = np.maximum(hi - lo, 0)
    total = int(lengths.sum())
    if not total:
        return []
    first = np.cumsum(lengths) - lengths
    return [np.arange(total, dtype=np.int64) + np.repeat(lo - first, lengths)]


def contexts(buf: Buffer, text: np.ndarray, start: np.ndarray, end: np.ndarray, width: int,
             chars: tuple[np.ndarray, np.ndarray, np.ndarray]):
    """The ``context`` and ``matched`` columns for hits at byte offsets ``[start, end)`` of texts
    `text` (into ``buf.raw``), as two pyarrow string arrays: what ``matcher.context_of`` gives; and
    the windows ``(bytes, left edge, term start)`` for a look at the words before each term.
    `chars`: ``buf.chars`` of the texts' starts, of `start` and of `end` (the caller has them).

    Each hit's window — `width` characters on each side — is cut from the buffer. In its left and
    right parts every whitespace run becomes one space (``" ".join(s.split())``); the left part
    loses a leading run and the right part a trailing one (unless the part is nothing but
    whitespace). Then "…", "[" and "]" are inserted. All of it works on the positions of the
    whitespace characters, not byte by byte.
    """
    n = len(text)
    t_lo, t_hi = buf.offsets[text], buf.offsets[text + 1]
    c_tlo, c_s, c_e = chars
    c_thi = buf.chars(t_hi)
    l_start = buf.bytes_at(np.maximum(c_tlo, c_s - width))
    r_stop = np.minimum(buf.bytes_at(np.minimum(c_thi, c_e + width)), t_hi)
    g = buf.cut(l_start, r_stop)
    size = r_stop - l_start
    base = np.cumsum(size) - size  # each hit's window in g: left part, the match, right part
    ms, me, stop = base + (start - l_start), base + (end - l_start), base + size
    dropped, spaced = _collapse(g, base, ms, me, stop)
    out = np.delete(g, dropped)
    out[spaced - np.searchsorted(dropped, spaced)] = 0x20

    def moved(x: np.ndarray) -> np.ndarray:
        return x - np.searchsorted(dropped, x)

    p_base, p_ms, p_me, p_stop = moved(base), moved(ms), moved(me), moved(stop)
    l_ell = c_s - c_tlo > width
    r_ell = c_e + width < c_thi
    ell = np.frombuffer(_ELLIPSIS, dtype=np.uint8)
    # per hit, in order: "…" (3 bytes), "[", "]", "…"; hit by hit, so that equal positions (one
    # window's end is the next one's start) keep that order in np.insert
    k = len(ell)
    at = np.stack([*[p_base] * k, p_ms, p_me, *[p_stop] * k], axis=1)
    values = np.tile(np.concatenate([ell, np.frombuffer(b"[]", dtype=np.uint8), ell]), (n, 1))
    used = np.concatenate([np.repeat(l_ell[:, None], k, axis=1), np.ones((n, 2), dtype=bool),
                           np.repeat(r_ell[:, None], k, axis=1)], axis=1)
    at, values = at[used], values[used]
    body = np.insert(out, at, values)
    per_hit = (p_stop - p_base) + 2 + len(ell) * (l_ell.astype(np.int64) + r_ell)
    matched = g[_runs(ms, me)[0]] if n else g[:0]
    return _strings(per_hit, body), _strings(end - start, matched), (g, base, ms)


def _strings(lengths: np.ndarray, body) -> "pa.Array":
    """A pyarrow string array of consecutive UTF-8 strings in `body` with these byte lengths."""
    import pyarrow as pa

    big = int(lengths.sum()) >= 2**31
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64 if big else np.int32)
    np.cumsum(lengths, out=offsets[1:])
    return pa.Array.from_buffers(pa.large_string() if big else pa.string(), len(lengths),
                                 [None, pa.py_buffer(offsets), pa.py_buffer(body)])
