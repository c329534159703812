"""Quotation spans: where a text quotes someone. Written once, used by term voice and by quotes.

The finder works paragraph by paragraph (a paragraph ends at a line break), so an unbalanced mark
never runs past the end of its paragraph. It knows straight double quotes, curly quotes, « » and
„ “, single quotes (‘ ’, ' ', ‚ ‘, and the acute accent ´ some sites type for both) where they pair,
and the dash convention of Russian and Ukrainian dialogue (a paragraph opening with "— " whose
speech the author's words break with ", — сказал"). A mark glued to the sentence before it
(…said.“We were…) still opens a quotation.

An opening curly mark with no closing mark in its paragraph quotes to the paragraph's end (the
convention for quotes that run over paragraphs) and the span says ``closed=False``; one that meets
the same opening mark again before a closing one lost its closing mark, and ends with its first
sentence. A straight
double quote with no partner in its paragraph does so only when the next paragraph opens with a
quotation mark, as that convention wants; otherwise it is a stray mark and quotes nothing, so that
one stray mark cannot swallow a list of related links.
"""

from __future__ import annotations

import bisect
import re
from typing import NamedTuple

__all__ = ["QuoteSpan", "QuoteIndex", "find_quote_spans", "mask_quotations", "last_match"]

# opening mark -> the closing marks that end it
_PAIRS = {
    "\u201c": ("\u201d",),            # “ ”
    "\u201e": ("\u201c", "\u201d"),   # „ “  (and „ ” as some sites write it)
    "\u00ab": ("\u00bb",),            # « »
    '"': ('"', "\u201d"),
    "\u2018": ("\u2019",),            # ‘ ’ (nested)
    "'": ("'", "\u2019"),
    "\u2039": ("\u203a",),            # ‹ ›
    "\u00b4": ("\u00b4",),            # ´ ´ (an accent typed for both marks)
    "\u201a": ("\u2018", "\u2019"),   # ‚ ‘  (and ‚ ’)
}
_DOUBLE = set('"\u201c\u201d\u201e\u00ab\u00bb')
_MARKS = re.compile("[\"'\u201c\u201d\u201e\u00ab\u00bb\u2018\u2019\u2039\u203a\u00b4\u201a\n]")
_SINGLE = "'\u2018\u2019\u2039\u203a\u00b4\u201a"
#: marks that may open a quotation in the middle of a paragraph when a closer follows
_SINGLE_OPEN = ("'", "\u2018", "\u2039", "\u00b4", "\u201a")
#: a mark right after one of these and right before a capital opens a quotation ("…said.“We")
_GLUED_AFTER = ".!?"
_OPEN_BEFORE = set(" \t([{\u2014\u2013-/:\u00a0") | _DOUBLE | {"\u2018"}


class QuoteSpan(NamedTuple):
    """The inside of one quotation: ``text[start:end]`` (marks excluded).

    ``depth`` is 0 for an outer quotation and 1 for one nested inside it; ``closed`` is False when
    the paragraph ended before the closing mark.
    """

    start: int
    end: int
    open_mark: str
    close_mark: str | None
    depth: int
    closed: bool


def _can_open(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if after.isspace():
        return False
    return before.isspace() or before in _OPEN_BEFORE or (before in _GLUED_AFTER and after.isupper())


def _can_close(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    # a capital right after the mark: a scraped subheading glued to the next paragraph
    return not before.isspace() and (not after.isalnum() or after.isupper())


_SENTENCE_END = re.compile(r"[.!?…](?=\s+[\"“‘'«(\[]?[A-Z])")
#: An unclosed quotation runs to the end of its paragraph (the convention for quotes that span
#: paragraphs), unless the "paragraph" is longer than this: then the text has lost its line breaks
#: (many scraped dumps have) and the quotation ends with its first sentence instead.
UNCLOSED_MAX = 600


def _unclosed_end(text: str, start: int, at: int) -> int:
    if at - start <= UNCLOSED_MAX:
        return at
    m = _SENTENCE_END.search(text, start, at)
    return m.end() if m else at


def find_quote_spans(text: str, pos: int = 0, endpos: int | None = None) -> list[QuoteSpan]:
    """All quotation spans in `text` (or in ``text[pos:endpos]``, a whole paragraph), sorted by start.

    Examples
    --------
    >>> t = 'He said: "They call it a \\'special operation\\' here." Then he left.'
    >>> [(t[s.start:s.end], s.depth) for s in find_quote_spans(t)]
    [("They call it a 'special operation' here.", 0), ('special operation', 1)]
    >>> [(s.start, s.end, s.closed) for s in find_quote_spans('“No end\\nNext')]
    [(1, 7, False)]
    """
    spans: list[QuoteSpan] = []
    stack: list[tuple[str, int]] = []  # (open mark, content start)
    even: dict[int, bool] = {}  # paragraph start -> whether it holds an even number of straight marks

    def close_all(at: int) -> None:
        carried = None  # does the next paragraph open with a mark (the quotation carries on)?
        while stack:
            mark, start = stack.pop()
            if mark == '"':
                if carried is None:
                    carried = _next_paragraph_quotes(text, at)
                if not carried:  # a stray straight mark: no quotation; what it held moves up a level
                    level = len(stack)
                    for k, sp in enumerate(spans):
                        if sp.start >= start and sp.depth > level:
                            spans[k] = sp._replace(depth=sp.depth - 1)
                    continue
            spans.append(QuoteSpan(start, _unclosed_end(text, start, at), mark, None, len(stack), False))

    endpos = len(text) if endpos is None else endpos
    for m in _MARKS.finditer(text, pos, endpos):
        ch, i = m.group(), m.start()
        if ch == "\n":
            close_all(i)
            continue
        single = ch in _SINGLE
        top = stack[-1][0] if stack else None
        if top is not None and ch in _PAIRS[top] and (not single or _can_close(text, i)):
            mark, start = stack.pop()
            spans.append(QuoteSpan(start, i, mark, ch, len(stack), True))
            continue
        if single:
            # apostrophes are far more common than single quotes: open one only where a quote can
            # start, and only inside a double quotation or before a matching closer in the paragraph
            if ch in _SINGLE_OPEN and _can_open(text, i) and _has_closer(text, i, ch):
                stack.append((ch, i + 1))
            continue
        if ch in _PAIRS and (ch != "\u201c" or top != "\u201e"):
            if ch == '"' and not _can_open(text, i) and _can_close(text, i) and not _even_straight(text, i, even):
                continue  # a stray closing straight mark: ignore it (in a paragraph with an even number
                # of straight marks they pair in turn: `…she says." My mum…dad. "He…` opens at the glued mark)
            if ch == top:  # the same opening mark again: the open quotation lost its closing mark;
                # it ends with its first sentence, so that the narration and attribution written
                # before the next quotation ("…continues. Johnson said: “…") stay outside it
                mark, start = stack.pop()
                cut = _SENTENCE_END.search(text, start, i)
                spans.append(QuoteSpan(start, cut.end() if cut else i, mark, None, len(stack), False))
            stack.append((ch, i + 1))
        elif ch in ("\u201d", "\u00bb") and not stack and _can_open(text, i):
            stack.append(("\u201c", i + 1))  # a right mark used as an opener (seen in scraped text)
    close_all(endpos)
    if text.find("\u2014", pos, endpos) >= 0 or text.find("\u2013", pos, endpos) >= 0:  # no copy of the text
        spans += _dialogue_spans(text, pos, endpos, spans)
    spans.sort(key=lambda s: (s.start, -s.end))
    return spans


#: Dialogue in Russian and Ukrainian prose: a paragraph that opens with a dash is direct speech when
#: the author's words break in after it with ", — " and a lower-case word ("— Мы готовы, — заявил
#: Зеленский. — Это наша земля."). A dash list (Telegram's "— пункт") has no such break and stays
#: the outlet's own words.
_DIALOGUE_OPEN = re.compile(r"(?m)^[ \t]*[\u2014\u2013][ \t]+(?=\S)")
_DIALOGUE_BREAK = re.compile(r"[,!?\u2026][ \t]+[\u2014\u2013][ \t]+(?=[\u0430-\u044f\u0451\u0456\u0457\u0454\u0491])")
_DIALOGUE_RESUME = re.compile(r"[.:][ \t]+[\u2014\u2013][ \t]+(?=\S)")


def _dialogue_spans(text: str, pos: int, endpos: int, taken: list[QuoteSpan]) -> list[QuoteSpan]:
    """Dash-convention speech in the paragraphs of ``text[pos:endpos]`` that no quotation mark covers."""
    out = []
    for m in _DIALOGUE_OPEN.finditer(text, pos, endpos):
        end = text.find("\n", m.end(), endpos)
        end = endpos if end < 0 else end
        if _DIALOGUE_BREAK.search(text, m.end(), end) is None:
            continue
        if any(sp.start < end and sp.end > m.start() for sp in taken):
            continue  # marks in the paragraph: the mark finder's spans stand
        start = m.end()
        while start < end:
            cut = _DIALOGUE_BREAK.search(text, start, end)
            stop = cut.start() if cut else start + len(text[start:end].rstrip())
            if stop > start:
                out.append(QuoteSpan(start, stop, "\u2014", "\u2014" if cut else None, 0, True))
            if cut is None:
                break
            resume = _DIALOGUE_RESUME.search(text, cut.end(), end)
            if resume is None:
                break
            start = resume.end()
    return out


def _even_straight(text: str, i: int, memo: dict[int, bool]) -> bool:
    """Whether the paragraph around offset `i` holds an even number (two or more) of straight double marks."""
    start = text.rfind("\n", 0, i) + 1
    if start not in memo:
        end = text.find("\n", i)
        n = text.count('"', start, len(text) if end < 0 else end)
        memo[start] = n >= 2 and n % 2 == 0
    return memo[start]


def _next_paragraph_quotes(text: str, at: int) -> bool:
    """Whether the paragraph after the line break at `at` opens with a quotation mark."""
    m = _NEXT_OPENS.match(text, at)
    return m is not None


_NEXT_OPENS = re.compile("\n\\s*[\"\u201c\u201e\u00ab\u2018']")


def _has_closer(text: str, i: int, mark: str) -> bool:
    end = text.find("\n", i)
    end = len(text) if end < 0 else end
    closers = _PAIRS[mark]
    for j in range(i + 2, end):
        if text[j] in closers and _can_close(text, j):
            return True
    return False


def mask_quotations(text: str, spans) -> str:
    """`text` with the inside of every outer quotation blanked (same length), so that a name or a verb
    inside somebody's words is never taken for the attribution.

    Examples
    --------
    >>> t = '“Lavrov said no,” Peskov said.'
    >>> mask_quotations(t, find_quote_spans(t))
    '“               ” Peskov said.'
    """
    parts, at = [], 0
    for sp in spans:  # sorted by start; the outer ones are disjoint
        if sp.depth == 0 and sp.start >= at:
            parts += (text[at:sp.start], " " * (sp.end - sp.start))
            at = sp.end
    parts.append(text[at:])
    return "".join(parts)


def last_match(rx: re.Pattern, chunk: str):
    """The last match of `rx` in `chunk` (None when there is none): the attribution nearest a quotation."""
    m = None
    for m in rx.finditer(chunk):
        pass
    return m


class QuoteIndex:
    """Answer "which quotation spans contain [start, end)?" quickly for one text.

    Quotation spans never cross a line break (the finder closes every open quotation there), so
    the index reads only the paragraphs it is asked about, each once: a text whose terms sit in a
    few paragraphs costs a pass over those paragraphs' marks, not over the whole text.

    Examples
    --------
    >>> idx = QuoteIndex('A "quoted phrase" here')
    >>> [(s.start, s.end) for s in idx.containing(3, 9)]
    [(3, 16)]
    >>> idx.containing(18, 22)
    []
    """

    __slots__ = ("text", "_paragraphs")

    def __init__(self, text: str) -> None:
        self.text = text
        self._paragraphs: dict[int, tuple[list[QuoteSpan], list[int]]] = {}

    @property
    def spans(self) -> list[QuoteSpan]:
        """Every span of the text (the same as :func:`find_quote_spans`)."""
        return find_quote_spans(self.text)

    def _paragraph(self, at: int) -> tuple[list[QuoteSpan], list[int]]:
        text = self.text
        lo = text.rfind("\n", 0, at) + 1
        found = self._paragraphs.get(lo)
        if found is None:
            hi = text.find("\n", at)
            spans = find_quote_spans(text, lo, len(text) if hi < 0 else hi)
            found = self._paragraphs[lo] = (spans, [sp.start for sp in spans])
        return found

    def containing(self, start: int, end: int) -> list[QuoteSpan]:
        """The spans that contain ``[start, end)``, outermost first."""
        spans, starts = self._paragraph(start)
        k = bisect.bisect_right(starts, start)
        return [s for s in spans[:k] if s.end >= end]
