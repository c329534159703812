"""Hyperscan in the matcher (optional: ``pip install "framing[fast]"``).

Three uses of Hyperscan (Intel's multi-pattern regex engine, through the ``hyperscan`` binding):

- :class:`HyperscanCandidates` finds where a lexicon pattern *could* start — from each pattern's
  longest literal prefix, up to 8 letters — and Python's ``re`` confirms each candidate, in the
  lexicon's order. :meth:`Matcher.scan` (offsets, voice, context) uses it.
- :class:`HyperscanSpans` matches the whole lexicon on the UTF-8 bytes of many texts at once and
  rebuilds Python's choices from the spans it reports, handing the few texts it cannot decide
  back to ``re``. :func:`count_terms` and :func:`find_terms` use it.
- :class:`HyperscanWords` answers, for a window around each term, whether one of a family's
  ``requires: near`` words begins there (one scan per window, stopped at the first word), leaving
  the windows it cannot judge to ``re``.

All give exactly the pure-Python matcher's results (tested on the shared corpora, on the
synthetic benchmark corpus and on generated text full of near-misses).

Why candidates are never missed:

- the text is lower-cased and encoded as Latin-1 with "?" for anything else, so byte offsets are
  character offsets;
- a prefix starting with a word character must follow Hyperscan's ASCII word boundary ``\\b``,
  which holds wherever Python's Unicode ``(?<!\\w)`` holds (ASCII word characters are a subset of
  Unicode ones); the candidates Hyperscan adds (after "é", say) fail Python's check.
"""

from __future__ import annotations

import functools
import re
import threading

import numpy as np

from .regex_literals import literal_prefixes
from .utf8 import PY_SPACE, char_at, char_before, is_word
from .regex_tree import parse

try:
    import hyperscan
except ImportError:  # pragma: no cover - the optional extra is missing
    hyperscan = None

__all__ = ["available", "HyperscanCandidates", "HyperscanLiterals", "HyperscanSpans", "HyperscanWords", "Untranslatable"]

_MAX_WORD = 64  # longest one-word pattern matched without start tracking
#: Bytes before a multi-word match's end searched for its start (see HyperscanSpans._starts).
_SOM_REACH = 512
#: A run of this many bytes that may be spaces or hyphens is "long" for _bounded_width.
_GAP_RUN = 64
_LONG_GAP = re.compile(rb"[\s\-\x80-\xff]{%d}" % _GAP_RUN)
_GAP_CHARS = frozenset("-\u00ad\u2010\u2011\u2012\u2013")


def available() -> bool:
    """Whether the hyperscan binding is importable."""
    return hyperscan is not None


class HyperscanCandidates:
    """For a list of regexes (in priority order): where in a text each may start.

    Raises ValueError when some regex has no usable literal prefix (one that starts with ``\\w``,
    or with a non-ASCII character); the matcher then keeps its pure-Python pre-filter.
    """

    def __init__(self, regexes: list[str]) -> None:
        if hyperscan is None:
            raise ValueError("hyperscan is not installed")
        literal_ids: dict[str, list[int]] = {}
        for i, rx in enumerate(regexes):
            lits = literal_prefixes(rx)
            if lits is None:
                raise ValueError(f"no literal prefix for pattern {i}: {rx!r}")
            for lit in lits:
                literal_ids.setdefault(lit.lower(), []).append(i)
        self.literals = sorted(literal_ids)
        self.entries = [tuple(sorted(set(literal_ids[lit]))) for lit in self.literals]
        self.lengths = [len(lit) for lit in self.literals]
        expressions = [(rb"\b" if re.match(r"\w", lit, re.ASCII) else b"") + re.escape(lit).encode("ascii")
                       for lit in self.literals]
        self._db = hyperscan.Database()
        self._db.compile(expressions=expressions, ids=list(range(len(expressions))),
                         elements=len(expressions), flags=[0] * len(expressions))
        self._local = threading.local()  # one scratch space per thread (Dask's threaded scheduler)

    def __call__(self, low: str) -> dict[int, set[int]]:
        """start offset → ids of the regexes that may start there, for lower-cased `low`."""
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = hyperscan.Scratch(self._db)
        found: dict[int, set[int]] = {}
        lengths, entries = self.lengths, self.entries

        def on_match(lit: int, _from: int, to: int, _flags: int, _ctx) -> None:
            found.setdefault(to - lengths[lit], set()).update(entries[lit])

        self._db.scan(low.encode("latin-1", "replace"), match_event_handler=on_match, scratch=scratch)
        return found


# --- Hyperscan as the whole matcher (count_terms, find_terms) -------------------------------------
#
# Hyperscan can do the matching itself, on the UTF-8 bytes of the texts straight from Arrow memory
# (no Python string per text, no regex call per candidate). Python's ``re``
# semantics — the leftmost match, the first pattern in priority order there, multi-word matches
# re-scanned for the *other* families — are rebuilt from the spans Hyperscan reports (see
# ``HyperscanSpans.resolve``). Where they cannot be, the text goes to the exact Python matcher:
#
# - a text holding a character that Python's case-insensitive matching equates with an ASCII
#   letter ("ı", "İ", "ſ", the Kelvin sign): Hyperscan folds ASCII only;
# - a word boundary next to a non-ASCII character is decided as Python does, from the character
#   (``str.isalnum``); a match of a pattern with ``\w``, ``\d`` or a negated class — translated so
#   that Hyperscan finds a superset — that holds a non-ASCII byte is left to re;
# - crossing spans, a pattern with two ends at one start, a pattern that lost a lookaround in
#   translation (Hyperscan has none).
#
# ``\s`` is translated to the exact set of characters Python's ``\s`` matches, so non-breaking and
# other Unicode spaces need no special case.

#: Non-ASCII characters that Python's case-insensitive matching equates with an ASCII letter (tested).
_FOLDS_TO_ASCII = "\u0130\u0131\u017f\u212a"
_WORD_BYTE = np.zeros(256, dtype=bool)
for _b in b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_":
    _WORD_BYTE[_b] = True
_NONWORD_BYTES = re.compile(rb"[^A-Za-z0-9_]")
_NONWORD = re.compile(r"\W")
_HIGH_BYTES = re.compile(rb"[\x80-\xff]")
_ANY_HIGH = r"\x{80}-\x{10ffff}"
#: a character Python's case folding equates with an ASCII letter: a text holding one goes to re
_UNSAFE = ("[" + "".join(f"\\x{{{ord(c):x}}}" for c in _FOLDS_TO_ASCII) + "]").encode()


class Untranslatable(ValueError):
    """A regex uses something Hyperscan cannot express (a backreference, say)."""


def _hs_literal(cp: int, notes: "_Notes | None" = None, in_class: bool = False) -> str:
    ch = chr(cp)
    if not ch.isascii() and _cased(cp):
        if notes is None or not notes.fold:
            raise Untranslatable(f"a non-ASCII cased letter {ch!r} (Hyperscan folds ASCII only)")
        items = "".join(f"\\x{{{c:x}}}" for c in _case_closure(cp))  # every case Python's re.I equates
        return items if in_class else "[" + items + "]"
    if ch.isascii() and (ch.isalnum() or ch in " _"):
        return ch
    return f"\\x{{{cp:x}}}"


def _space_items() -> str:
    return "".join(_hs_literal(c) for c in PY_SPACE)


class _Notes:
    """What a translation had to give up: lookarounds dropped (``lost``), classes widened to a
    superset for non-ASCII characters (``widened``)."""

    def __init__(self, fold: bool = False) -> None:
        self.lost = False
        self.widened = False
        #: spell a non-ASCII cased letter as the class of its cases instead of refusing it
        self.fold = fold


_BMP: str | None = None


@functools.lru_cache(maxsize=None)
def _case_closure(cp: int) -> tuple[int, ...]:
    """Every character of the Basic Multilingual Plane that Python's ``re.IGNORECASE`` matches
    with ``chr(cp)`` (its other cases, and the few extra equivalents ``re`` knows)."""
    global _BMP
    if _BMP is None:
        _BMP = "".join(chr(c) for c in range(0x10000) if not 0xD800 <= c < 0xE000)
    return tuple(sorted({ord(c) for c in re.findall(re.escape(chr(cp)), _BMP, re.IGNORECASE)}))


def _hs_category(name: str, in_class: bool, negated: bool, notes: _Notes) -> str:
    if name == "CATEGORY_SPACE":
        return _space_items() if in_class else "[" + _space_items() + "]"
    if name == "CATEGORY_NOT_SPACE" and not in_class:
        return "[^" + _space_items() + "]"
    notes.widened = True  # Hyperscan's \w and \d are ASCII: widen so that it finds a superset
    if name in ("CATEGORY_WORD", "CATEGORY_DIGIT"):
        core = r"\w" if name == "CATEGORY_WORD" else "0-9"
        if negated:
            return core  # [^\w] in ASCII already takes every non-ASCII character
        return core + _ANY_HIGH if in_class else "[" + core + _ANY_HIGH + "]"
    if name in ("CATEGORY_NOT_WORD", "CATEGORY_NOT_DIGIT") and not negated:
        return r"\W" if name == "CATEGORY_NOT_WORD" else r"\D"  # these take every non-ASCII character
    raise Untranslatable(f"{name} {'in a negated class' if negated else 'in a class'}")


def _hs_class(items, notes: _Notes) -> str:
    negated = any(str(op) == "NEGATE" for op, _ in items)
    if negated:
        notes.widened = True  # a negated class takes non-ASCII letters Python's may not
    out = []
    for op, av in items:
        name = str(op)
        if name == "NEGATE":
            continue
        if name == "LITERAL":
            out.append(_hs_literal(av, notes, in_class=True))
        elif name == "RANGE":
            lo, hi = av
            if hi > 0x7F and any(_cased(x) for x in range(max(lo, 0x80), hi + 1)):
                if not notes.fold or hi - lo > 256:
                    raise Untranslatable("a range of non-ASCII letters")
                out.extend(_hs_literal(x, notes, in_class=True) for x in range(lo, hi + 1))
                continue
            if hi > 0x7F and hi - lo > 256:
                raise Untranslatable("a range of non-ASCII letters")
            out.append(f"{_hs_literal(lo)}-{_hs_literal(hi)}")
        elif name == "CATEGORY":
            out.append(_hs_category(str(av), True, negated, notes))
        else:
            raise Untranslatable(f"class item {name}")
    return "[" + ("^" if negated else "") + "".join(out) + "]"


def _cased(cp: int) -> bool:
    ch = chr(cp)
    return ch.lower() != ch or ch.upper() != ch


def _hs_seq(items, notes: _Notes) -> str:
    return "".join(_hs_item(op, av, notes) for op, av in items)


def _hs_item(op, av, notes: _Notes) -> str:
    """One node of Python's parsed regex in Hyperscan's (PCRE) syntax; lookarounds are dropped
    (noted), which only ever widens what the pattern matches."""
    name = str(op)
    if name == "LITERAL":
        return _hs_literal(av, notes)
    if name == "NOT_LITERAL":
        return "[^" + _hs_literal(av, notes, in_class=True) + "]"
    if name == "IN":
        return _hs_class(av, notes)
    if name == "ANY":
        return "."
    if name == "CATEGORY":
        return _hs_category(str(av), False, False, notes)
    if name == "SUBPATTERN":
        _group, add, drop, sub = av
        if (add | drop) & ~2:  # only the IGNORECASE flag (re.I == 2) can be switched inline
            raise Untranslatable("inline flags other than i")
        flag = "(?i:" if add & 2 else "(?-i:" if drop & 2 else "(?:"
        return flag + _hs_seq(sub, notes) + ")"
    if name == "BRANCH":
        return "(?:" + "|".join(_hs_seq(b, notes) for b in av[1]) + ")"
    if name in ("MAX_REPEAT", "MIN_REPEAT"):  # possessive and atomic forms cannot be all-matches
        lo, hi, sub = av
        body = "(?:" + _hs_seq(sub, notes) + ")"
        if hi == lo:
            return body + f"{{{lo}}}"
        return body + ("{%d,}" % lo if str(hi) == "MAXREPEAT" or hi > 65535 else "{%d,%d}" % (lo, hi))
    if name in ("ASSERT", "ASSERT_NOT"):
        notes.lost = True
        return ""
    raise Untranslatable(name)  # \b inside a pattern (Unicode in Python), anchors, back-references


def _is_word_char(cp: int) -> bool:
    return chr(cp).isascii() and (chr(cp).isalnum() or chr(cp) == "_")


def _edge_is_word(items, first: bool) -> bool:
    """Whether every match of the parsed sequence starts (ends) with an ASCII word character
    (False when unsure), so that Hyperscan's ``\\b`` there equals Python's lookaround."""
    seq = list(items) if first else list(reversed(list(items)))
    for op, av in seq:
        name = str(op)
        if name in ("ASSERT", "ASSERT_NOT"):
            continue  # dropped in translation: zero width
        if name == "LITERAL":
            return _is_word_char(av)
        if name == "IN":
            return all(
                (str(o) == "LITERAL" and _is_word_char(a))
                or (str(o) == "RANGE" and all(_is_word_char(x) for x in a))
                or (str(o) == "CATEGORY" and str(a) in ("CATEGORY_WORD", "CATEGORY_DIGIT"))
                for o, a in av
            )
        if name == "SUBPATTERN":
            sub, optional = av[3], av[3].width[0] == 0
        elif name == "BRANCH":
            if not all(_edge_is_word(b, first) or not b for b in av[1]):
                return False
            if all(b.width[0] > 0 for b in av[1]):
                return True
            continue  # an empty branch: the next item gives the edge too
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            sub, optional = av[2], av[0] == 0 or av[2].width[0] == 0
        else:
            return False
        if not _edge_is_word(sub, first):
            return False
        if not optional:
            return True
    return False  # the whole sequence can be empty


def _compiled(expressions: list[bytes], flags: list[int]):
    db = hyperscan.Database()
    db.compile(expressions=expressions, ids=list(range(len(expressions))), elements=len(expressions), flags=flags)
    return db


def _needs_nonword(items) -> bool:
    """Whether every match of the parsed sequence holds a character that is not a word character
    (for Python as for Hyperscan): a space or hyphen that a multi-word pattern requires."""
    for op, av in items:
        name = str(op)
        if name == "LITERAL" and not is_word(chr(av)) and chr(av).isascii():
            return True
        if name == "IN" and all(
            (str(o) == "LITERAL" and not is_word(chr(a)) and (chr(a).isascii() or not chr(a).isalnum()))
            or (str(o) == "CATEGORY" and str(a) == "CATEGORY_SPACE")
            for o, a in av
        ):
            return True
        if name == "SUBPATTERN" and _needs_nonword(av[3]):
            return True
        if name == "BRANCH" and all(_needs_nonword(b) for b in av[1]):
            return True
        if name in ("MAX_REPEAT", "MIN_REPEAT") and av[0] >= 1 and _needs_nonword(av[2]):
            return True
    return False


def _all_word(items) -> bool:
    """Whether every character a match of the parsed sequence can hold is an ASCII word character
    (so that a match bounded by word boundaries is exactly one whole word)."""
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            ok = _is_word_char(av)
        elif name == "IN":
            ok = all(
                (str(o) == "LITERAL" and _is_word_char(a))
                or (str(o) == "RANGE" and all(_is_word_char(x) for x in a))
                for o, a in av
            )
        elif name == "SUBPATTERN":
            ok = _all_word(av[3])
        elif name == "BRANCH":
            ok = all(_all_word(b) for b in av[1])
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            ok = _all_word(av[2])
        else:
            ok = False
        if not ok:
            return False
    return True


class HyperscanSpans:
    """Every span each regex matches in many texts at once, with Hyperscan, and which texts need
    Python's ``re`` to decide (see the notes above).

    `regexes` are Python regexes in priority order, matched case-insensitively at word boundaries
    (as the matcher does); `rare` flags those whose matches are few (their starts are found after
    the scan, which keeps it fast; see :meth:`_starts`). Raises :class:`Untranslatable` (a ValueError) when one cannot be
    expressed for Hyperscan, or ValueError when Hyperscan is missing or refuses to compile.

    Hyperscan tracks where a match starts (``SOM_LEFTMOST``) cheaply only without a ``\\b`` in
    front, so the word boundary before a match is checked afterwards, on the bytes.
    """

    def __init__(self, regexes: list[str], rare: list[bool] | None = None) -> None:
        if hyperscan is None:
            raise ValueError("hyperscan is not installed")
        expressions, inexact, one_word, flags, widened, spaced = [], [], [], [], [], []
        plain = hyperscan.HS_FLAG_CASELESS | hyperscan.HS_FLAG_UTF8
        for rx in regexes:
            parsed = parse(rx)
            notes = _Notes()
            body = _hs_seq(parsed, notes)
            tail = _edge_is_word(parsed, False)
            word = _all_word(parsed) and _edge_is_word(parsed, True) and tail and not notes.lost
            if word and parsed.width[1] <= _MAX_WORD:
                # one whole word: no start tracking needed (it is the word's start), so \b in front
                expressions.append(("\\b(?:" + body + ")\\b").encode())
                flags.append(plain)
            else:
                expressions.append(("(?:" + body + ")" + ("\\b" if tail else "")).encode())
                flags.append(plain | hyperscan.HS_FLAG_SOM_LEFTMOST)
                word = False
            inexact.append(notes.lost or not tail)
            one_word.append(word)
            widened.append(notes.widened)
            spaced.append(_needs_nonword(parsed))
        for i, expr in enumerate(expressions):  # start-of-match tracking can be too costly for a
            if flags[i] & hyperscan.HS_FLAG_SOM_LEFTMOST:  # pattern ("{1,40}?"); it then only
                try:  # flags the texts it matches for re
                    _compiled([expr], [flags[i]])
                except hyperscan.error:
                    flags[i], inexact[i] = plain, True
        self.unsafe_id = len(expressions)  # one more pattern: a character that folds to ASCII
        expressions.append(_UNSAFE)
        flags.append(hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_SINGLEMATCH)
        # Tracking where matches start slows the whole scan down several times once a lexicon has
        # many multi-word patterns (the packaged one with its fixed expressions: 0.090 s against
        # 0.031 s on 3,000 articles). So the patterns whose matches are `rare` (a family's fixed
        # expressions) are scanned for their ends only, and a second database, with start
        # tracking, finds each such match's start in the bytes just before its end.
        rare = list(rare) if rare is not None else [False] * len(regexes)
        som = [i for i, f in enumerate(flags) if f & hyperscan.HS_FLAG_SOM_LEFTMOST and i < len(rare) and rare[i]]
        # per start-tracked pattern: the bytes before a match's end that hold its start (see
        # _starts), or 0 when a match can be longer than that (its text is scanned from the start)
        self._reach = np.zeros(len(expressions), dtype=np.int64)
        for i in som:
            width = _bounded_width(parse(regexes[i]))
            self._reach[i] = _SOM_REACH if width is not None and width <= _SOM_REACH else 0
        try:
            later = set(som)
            self._db = _compiled(expressions, [f & ~hyperscan.HS_FLAG_SOM_LEFTMOST if i in later else f
                                               for i, f in enumerate(flags)])
            self._som_db = _compiled([expressions[i] for i in som], [flags[i] for i in som]) if som else None
        except hyperscan.error as exc:
            raise ValueError(f"hyperscan cannot compile the lexicon: {exc}") from exc
        self._som_ids = np.full(len(expressions), -1, dtype=np.int64)
        self._som_ids[som] = np.arange(len(som))
        self.inexact = np.array(inexact + [True], dtype=bool)
        self.one_word = np.array(one_word + [False], dtype=bool)
        self.widened = np.array(widened + [False], dtype=bool)
        self.spaced = np.array(spaced + [False], dtype=bool)
        self._local = threading.local()

    def scan(self, column) -> tuple:
        """Every match in every text of a pyarrow string array, as arrays: ``text, id, start,
        end`` (UTF-8 byte offsets); ``head``/``tail``: Python's ``(?<!\\w)``/``(?!\\w)`` hold at
        the start/end; ``nonword``: the span holds a non-word character; ``odd``: a widened
        pattern's span holds a non-ASCII character. Rows with ``id == self.unsafe_id`` mark the
        texts holding a character Python's case folding equates with an ASCII letter.
        (``framing.analysis._hits.Buffer`` turns byte offsets into character offsets.)"""
        import pyarrow as pa

        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = hyperscan.Scratch(self._db)
        parts = []
        chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
        base = 0
        for chunk in chunks:
            if chunk.type not in (pa.string(), pa.large_string()):
                raise TypeError(f"expected strings, got {chunk.type}")
            if len(chunk) == 0 or chunk.null_count == len(chunk):
                base += len(chunk)
                continue
            _valid, off_buf, data_buf = chunk.buffers()
            width = np.int64 if chunk.type == pa.large_string() else np.int32
            offsets = np.frombuffer(off_buf, dtype=width)[chunk.offset:chunk.offset + len(chunk) + 1].astype(np.int64)
            data = memoryview(data_buf)
            found: list[int] = []
            add, scan = found.extend, self._db.scan
            text = 0

            def on_match(i, start, end, _flags, _ctx) -> None:
                add((text, i, start, end))

            for text, (lo, hi) in enumerate(zip(offsets[:-1].tolist(), offsets[1:].tolist())):
                if hi > lo:
                    scan(data[lo:hi], match_event_handler=on_match, scratch=scratch)
            rows = np.array(found, dtype=np.int64).reshape(-1, 4)
            self._starts(rows, offsets, data)  # where each multi-word match starts
            checks = self._checks(rows, offsets, data)  # also sets the start of one-word matches
            rows[:, 0] += base
            parts.append((rows, *checks))
            base += len(chunk)
        if not parts:
            empty, no = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
            return empty, empty, empty, empty, no, no, no, no
        rows = np.concatenate([p[0] for p in parts])
        return (rows[:, 0], rows[:, 1], rows[:, 2], rows[:, 3],
                *(np.concatenate([p[i] for p in parts]) for i in range(1, 5)))

    def _starts(self, rows: np.ndarray, offsets: np.ndarray, data: memoryview) -> None:
        """Set the leftmost start of every match of a start-tracked pattern: the second database
        scans the bytes just before the match's end, as far back as such a match can reach.

        A pattern whose matches are at most :data:`_SOM_REACH` bytes long when every run of spaces
        and hyphens in them is shorter than :data:`_GAP_RUN` bytes (:func:`_bounded_width`) is
        looked for in the last ``_SOM_REACH`` bytes, unless the ``2 * _SOM_REACH`` bytes before the
        end hold such a long run: then, as for any other pattern, in the text from its start.
        (A match starting further back would have a suffix of ``2 * _SOM_REACH`` bytes made of
        its bounded parts and short runs, which are at most ``_SOM_REACH`` bytes long together.)
        """
        todo = np.flatnonzero(self._som_ids[rows[:, 1]] >= 0)
        if not len(todo):
            return
        scratch = getattr(self._local, "som_scratch", None)
        if scratch is None:
            scratch = self._local.som_scratch = hyperscan.Scratch(self._som_db)
        scan, som_ids = self._som_db.scan, self._som_ids
        want = [0, 0, -1]  # the pattern (in the second database), the end, the start found

        def on_match(i, frm, to, _flags, _ctx):
            if i == want[0] and to == want[1]:
                want[2] = frm
                return True
            return False

        first = offsets[rows[todo, 0]]
        ends = rows[todo, 3]
        reach = self._reach[rows[todo, 1]]
        for k, base, end, back, pid in zip(todo.tolist(), first.tolist(), ends.tolist(), reach.tolist(),
                                           som_ids[rows[todo, 1]].tolist()):
            lo = max(end - back, 0) if back else 0
            if lo and _LONG_GAP.search(data, base + max(end - 2 * back, 0), base + end) is not None:
                lo = 0
            want[:] = [pid, end - lo, -1]
            try:
                scan(data[base + lo:base + end], match_event_handler=on_match, scratch=scratch)
            except hyperscan.ScanTerminated:
                pass
            if want[2] < 0:  # cannot be (the first scan found this end): let re decide
                rows[k, 1] = self.unsafe_id
            else:
                rows[k, 2] = lo + want[2]

    def _checks(self, rows: np.ndarray, offsets: np.ndarray, data: memoryview) -> tuple:
        """Set the start of one-word matches; head, tail, nonword and odd for every match."""
        raw = np.frombuffer(data, dtype=np.uint8)
        word = np.flatnonzero(self.one_word[rows[:, 1]])
        rows[word, 2] = _word_starts(raw, offsets[rows[word, 0]], rows[word, 3])
        first = offsets[rows[:, 0]]
        where, stop = first + rows[:, 2], first + rows[:, 3]  # bytes in `data`
        at_start, at_end = rows[:, 2] == 0, stop == offsets[rows[:, 0] + 1]
        before, after = raw[np.maximum(where - 1, 0)], raw[np.minimum(stop, len(raw) - 1)]
        head, tail = at_start | ~_WORD_BYTE[before], at_end | ~_WORD_BYTE[after]
        for k in np.flatnonzero(~at_start & (before >= 0x80)).tolist():  # Python decides on a
            head[k] = not is_word(char_before(data, int(where[k])))  # non-ASCII neighbour
        for k in np.flatnonzero(~at_end & (after >= 0x80)).tolist():
            tail[k] = not is_word(char_at(data, int(stop[k])))
        nonword = self.spaced[rows[:, 1]].copy()  # every match of the pattern holds one
        odd = np.zeros(len(rows), dtype=bool)
        widened = self.widened[rows[:, 1]]
        for k in np.flatnonzero(~self.one_word[rows[:, 1]] & (~nonword | widened)).tolist():
            lo, hi = int(where[k]), int(stop[k])
            high = _HIGH_BYTES.search(data, lo, hi) is not None
            odd[k] = bool(widened[k]) and high
            if not nonword[k]:  # Python's \W decides on a span with non-ASCII characters
                span = bytes(data[lo:hi]).decode("utf-8") if high else None
                nonword[k] = (_NONWORD.search(span) if high else _NONWORD_BYTES.search(data, lo, hi)) is not None
        return head, tail, nonword, odd

    def resolve(self, column, families: list) -> tuple:
        """The matches Python's matcher would return, for every text Hyperscan can decide alone.

        `families` gives each regex's family (a term family's patterns and exclusions share one).
        Returns ``(text, id, rank, start, end)`` arrays — a match of regex `id` in text `text`,
        `rank` its order among the text's matches as the matcher emits them, `start` and `end` its
        UTF-8 byte offsets — and a boolean array over the texts:
        True where the matcher must scan the text itself.
        """

        text, ids, start, end, head, tail, nonword, odd = self.scan(column)
        slow = np.zeros(len(column), dtype=bool)
        slow[text[ids == self.unsafe_id]] = True
        keep = (ids != self.unsafe_id) & tail  # an end inside a word is no end
        text, ids, start, end, head, nonword, odd = (x[keep] for x in (text, ids, start, end, head, nonword, odd))
        # a match inside a word: no match for a one-word pattern; a later start may be one for another
        slow[text[~head & ~self.one_word[ids]]] = True
        slow[text[self.inexact[ids] | odd]] = True
        text, ids, start, end, nonword = (x[head] for x in (text, ids, start, end, nonword))
        order = np.lexsort((ids, -end, start, text))
        text, ids, start, end, nonword = (x[order] for x in (text, ids, start, end, nonword))
        # The matcher takes, at the leftmost start, the lowest id; it re-scans a multi-word match
        # for the *other* families. So a span contained in a top-level one ("military operation"
        # in "special military operation") is dropped when it has the container's family, and
        # emitted after it when it has another family ("Kiev" in "Kiev regime") and the container
        # holds a non-word character. Deeper nesting is replayed below; crossing spans go to re.
        number = {f: i for i, f in enumerate(dict.fromkeys(families))}
        family = np.array([*(number[f] for f in families), -1], dtype=np.int64)
        shift = np.int64(1) << 40
        g_start, g_end = text * shift + start, text * shift + end
        contained, reach = _contained(g_start, g_end)
        slow[text[(g_start < reach) & ~contained]] = True  # crossing spans
        rows = np.arange(len(text))
        container = np.maximum.accumulate(np.where(contained, 0, rows)) if len(text) else rows
        c_ids = ids[container]
        at_head = start == start[container]
        other = contained & (family[ids] != family[c_ids])
        odd = contained & at_head & np.where(other, ids < c_ids, ids <= c_ids)
        _, reach_other = _contained(g_start[other], g_end[other])
        odd[np.flatnonzero(other)[g_start[other] < reach_other]] = True  # they must be disjoint
        nested = np.zeros(len(slow), dtype=bool)
        nested[text[odd]] = True
        nested &= ~slow
        easy = ~nested[text] & ~slow[text]
        top = easy & ~contained
        second = easy & other & nonword[container]
        out = [np.stack([text[top], ids[top], 2 * start[top], start[top], end[top]], axis=1),
               np.stack([text[second], ids[second], 2 * start[second] + 1, start[second], end[second]], axis=1)]
        # nested spans: replay the matcher's choices on the spans (crossing spans: re decides)
        pick = nested[text]
        rows = zip(text[pick].tolist(), ids[pick].tolist(), start[pick].tolist(), end[pick].tolist(),
                   nonword[pick].tolist())
        emitted: list[tuple[int, int, int, int, int]] = []
        current, spans = -1, []
        for row in [*rows, (-2, 0, 0, 0, False)]:
            if row[0] != current:
                if spans:
                    got = _replay(spans, families)
                    if got is None:
                        slow[current] = True
                    else:
                        emitted.extend((current, i, rank, a, b) for rank, (i, a, b) in enumerate(got))
                current, spans = row[0], []
            spans.append(row[1:])
        if emitted:
            out.append(np.array(emitted, dtype=np.int64))
        got = np.concatenate(out)
        return got[:, 0], got[:, 1], got[:, 2], got[:, 3], got[:, 4], slow


class HyperscanLiterals:
    """Where any of some ASCII strings ends in a byte buffer (case-insensitive): one Hyperscan
    pass over the whole buffer. ``find_terms`` uses it to rule distancing markers out in bulk."""

    def __init__(self, literals) -> None:
        if hyperscan is None:
            raise ValueError("hyperscan is not installed")
        literals = sorted(set(literals))
        if not literals or not all(lit.isascii() and lit for lit in literals):
            raise ValueError("expected non-empty ASCII strings")
        expressions = [re.escape(lit).encode("ascii") for lit in literals]
        self._db = _compiled(expressions, [hyperscan.HS_FLAG_CASELESS] * len(expressions))
        self._local = threading.local()

    def ends(self, data, lo: int, hi: int) -> np.ndarray:
        """Sorted positions in `data` just after each occurrence within ``data[lo:hi]``."""
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = hyperscan.Scratch(self._db)
        found: list[int] = []
        add = found.append

        def on_match(_i, _start, end, _flags, _ctx) -> None:
            add(end)

        if hi > lo:
            self._db.scan(data[lo:hi], match_event_handler=on_match, scratch=scratch)
        return np.unique(np.array(found, dtype=np.int64)) + lo


class HyperscanWords:
    """Whether a whole-word match of any of some regexes begins inside windows of texts, with
    Hyperscan: the check behind a lexicon's ``requires: near`` (see ``Matcher.off_topic``).

    A window ``[lo, hi)`` of a text is answered as Python's ``rx.search(text, lo, stop)`` with
    ``rx = (?<!\\w)(?:regex|…)(?!\\w)`` (case-insensitive) would answer "a match starting
    before `hi`": the character before `lo` decides the word boundary there, and the text is cut
    at `stop`. Non-ASCII letters are matched in every case Python's ``re.IGNORECASE`` equates.
    Raises :class:`Untranslatable` (a ValueError) for a regex Hyperscan cannot express exactly
    (a lookaround, a backreference), or ValueError when Hyperscan is missing.
    """

    def __init__(self, regexes) -> None:
        if hyperscan is None:
            raise ValueError("hyperscan is not installed")
        expressions, one_word, widened = [], [], []
        for rx in regexes:
            parsed = parse(rx)
            notes = _Notes(fold=True)
            body = _hs_seq(parsed, notes)
            if notes.lost:
                raise Untranslatable(f"a lookaround in {rx!r}")
            expressions.append(("(?:" + body + ")").encode())
            one_word.append(_all_word(parsed))  # only ASCII word characters: one start per word
            widened.append(notes.widened)
        if not expressions:
            raise ValueError("no regexes")
        flags = [hyperscan.HS_FLAG_CASELESS | hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_SOM_LEFTMOST] * len(expressions)
        self._unsafe = len(expressions)  # a character Python folds to an ASCII letter: re decides
        expressions.append(_UNSAFE)
        flags.append(hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_SINGLEMATCH)
        try:
            self._db = _compiled(expressions, flags)
        except hyperscan.error as exc:
            raise ValueError(f"hyperscan cannot compile the words: {exc}") from exc
        self._one_word = one_word
        self._widened = widened
        self._local = threading.local()

    def find(self, data: memoryview, first: np.ndarray, lo: np.ndarray, hi: np.ndarray,
             stop: np.ndarray) -> np.ndarray:
        """Per window (byte positions in `data`: the text starts at `first`, the window is
        ``[lo, hi)``, the text is cut at `stop`): 1 when a match begins in the window, 0 when none
        does, -1 when only Python's ``re`` can tell (a neighbour or match Hyperscan cannot judge)."""
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = hyperscan.Scratch(self._db)
        out = np.zeros(len(lo), dtype=np.int8)
        if data.format != "B":
            data = data.cast("B")  # bytes as 0..255 (an Arrow buffer's view may be signed)
        scan, unsafe, one_word, widened = self._db.scan, self._unsafe, self._one_word, self._widened
        state = [0, 0, 0, 0, 0, False]  # base, lo, hi, length, verdict, window at the text's start

        def on_match(i, frm, to, _flags, _ctx):
            base, w_lo, w_hi, length, _, at_start = state
            if i == unsafe:
                state[4] = 1
                return True
            if frm >= w_hi:
                return False
            if frm < w_lo:  # the one character before the window: not in it, and it hides no later
                if not one_word[i]:  # start of a one-word pattern; another pattern's may follow
                    state[4] = 1
                return False
            if frm == 0 and at_start:
                head = True
            else:
                before = data[base + frm - 1]
                head = not (is_word(char_before(data, base + frm)) if before >= 0x80 else _WORD_BYTE[before])
            if not head:
                if not one_word[i]:  # the leftmost start is inside a word; a later one may match
                    state[4] = 1
                return False
            if to < length:
                after = data[base + to]
                if is_word(char_at(data, base + to)) if after >= 0x80 else _WORD_BYTE[after]:
                    return False  # Hyperscan reports every end: the word's own end comes too
            if widened[i] and _HIGH_BYTES.search(data, base + frm, base + to) is not None:
                state[4] = 1  # a class widened for non-ASCII characters decided this match
                return False
            state[4] = 2
            return True

        for k, (a, b, c, e) in enumerate(zip(first.tolist(), lo.tolist(), hi.tolist(), stop.tolist())):
            start = b - 1 if b > a else b  # the character before the window, for the word boundary
            if b > a:
                while start > a and data[start] & 0xC0 == 0x80:
                    start -= 1
            state[:] = [start, b - start, c - start, e - start, 0, b == a]
            try:
                scan(data[start:e], match_event_handler=on_match, scratch=scratch)
            except hyperscan.ScanTerminated:
                pass
            out[k] = 1 if state[4] == 2 else -1 if state[4] == 1 else 0
        return out


def _bounded_width(items) -> int | None:
    """The most UTF-8 bytes a match of the parsed regex can span when each unbounded run of
    spaces or hyphens in it is shorter than :data:`_GAP_RUN` bytes; None when something else
    repeats without bound (``\\w+``). Every character counts 4 bytes (case folding may swap a
    one-byte letter for a longer one)."""
    total = 0
    for op, av in items:
        name = str(op)
        if name in ("LITERAL", "NOT_LITERAL", "IN", "ANY", "CATEGORY"):
            total += 4
        elif name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue
        elif name == "SUBPATTERN":
            sub = _bounded_width(av[3])
            if sub is None:
                return None
            total += sub
        elif name == "BRANCH":
            widths = [_bounded_width(b) for b in av[1]]
            if any(w is None for w in widths):
                return None
            total += max(widths, default=0)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            _lo, hi, sub = av
            if str(hi) == "MAXREPEAT" or hi > 65535:
                if not _gap_only(sub):
                    return None
                total += _GAP_RUN - 1
            else:
                sub_width = _bounded_width(sub)
                if sub_width is None:
                    return None
                total += hi * sub_width
        else:
            return None
    return total


def _gap_only(items) -> bool:
    """Whether the parsed regex is one character that can only be a space or a hyphen."""
    items = list(items)
    if len(items) != 1:
        return False
    op, av = items[0]
    name = str(op)
    if name == "LITERAL":
        return chr(av).isspace() or chr(av) in _GAP_CHARS
    if name == "CATEGORY":
        return str(av) == "CATEGORY_SPACE"
    if name == "IN":
        return all((str(o) == "LITERAL" and (chr(a).isspace() or chr(a) in _GAP_CHARS))
                   or (str(o) == "CATEGORY" and str(a) == "CATEGORY_SPACE") for o, a in av)
    if name == "SUBPATTERN":
        return _gap_only(av[3])
    return False


def _word_starts(raw: np.ndarray, lo: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Where the words ending at `end` (offsets into texts starting at byte `lo`) start."""
    start = end.copy()
    alive = np.ones(len(end), dtype=bool)
    for j in range(1, _MAX_WORD + 1):
        pos = lo + end - j
        ok = alive & (end - j >= 0)
        ok[ok] = _WORD_BYTE[raw[pos[ok]]]
        start[ok] = end[ok] - j
        alive = ok
        if not alive.any():
            break
    return start


def _contained(g_start: np.ndarray, g_end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For spans sorted by start (longest first): whether each lies inside an earlier one, and
    the furthest end reached before it."""
    reach = np.empty(len(g_start), dtype=np.int64)
    if len(g_start):
        reach[0] = -1
        reach[1:] = np.maximum.accumulate(g_end)[:-1]
    return g_end <= reach, reach


def _replay(spans: list, families: list) -> list[tuple[int, int, int]] | None:
    """The ``(id, start, end)`` the matcher emits, in order, given every ``(id, start, end, nonword)`` span
    of one text (sorted by start, longest first); None when only re can tell (crossing spans, a
    pattern with two ends at one start, a longer loser that may hide a later start)."""
    out: list[tuple[int, int, int]] = []
    n = len(spans)

    def scan(k: int, lo: int, hi: int, excluded: frozenset) -> bool:
        pos = lo
        while k < n and spans[k][1] < hi:
            s = spans[k][1]
            group = []
            while k < n and spans[k][1] == s:
                group.append(spans[k])
                k += 1
            if s < pos:
                continue
            cands = [g for g in group if g[2] <= hi and families[g[0]] not in excluded]
            if not cands:
                continue
            win = min(g[0] for g in cands)
            ends = {g[2] for g in cands if g[0] == win}
            e = max(ends)
            if len(ends) > 1 or max(g[2] for g in cands) > e:
                return False
            out.append((win, s, e))
            if any(g[3] for g in cands if g[0] == win):
                inner = k - len(group)
                if not scan(inner, s, e, excluded | {families[win]}):
                    return False
            pos = e if e > s else s + 1
        return True

    return out if scan(0, 0, 1 << 62, frozenset()) else None
