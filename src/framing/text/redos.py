"""Patterns that Python's ``re`` would run in exponential time, found by trying them.

Python's ``re`` is a backtracking engine: a repeat inside a repeat over the same characters
(``(a+)+``, ``(\\w+\\s?)+``) or an alternation whose branches match the same text under a repeat
(``(a|aa)+``, ``(\\w|\\d)+``) makes a failing match try every way of splitting the input, 2**n of
them for n characters. One such lexicon pattern on one long article hangs a report build.

Reading the tree alone cannot tell ``(\\w+\\s)+`` (safe: the space ends each round) from
``(\\w+\\s?)+`` (exponential) without re-implementing the engine, so :func:`exponential` asks the
engine itself: for each unbounded repeat it builds inputs that pump the repeat's body (an example
string of the body, written with letters, digits or punctuation first), ends them with a character
that makes the match fail, and times the search as the pump grows. Exponential backtracking
doubles the time with every round and crosses a tenth of a second within some 25 to 45 rounds; polynomial
and linear patterns stay at microseconds. This is the approach of ReDoS checkers that test
candidate attack strings (e.g. Davis et al., "The Impact of Regular Expression Denial of Service
(ReDoS) in Practice", ESEC/FSE 2018), with the candidates read from the pattern's own tree.
"""

from __future__ import annotations

import re
import time
from typing import Any

from .regex_tree import Node, Seq, parse

__all__ = ["exponential"]

#: Searches slower than this, on an input of at most :data:`_MAX_ROUNDS` pumps, count as a runaway.
SLOW_SECONDS = 0.1
_MAX_ROUNDS = 48
_MAXREPEAT = 1 << 16  # a repeat with more rounds than this is "unbounded" here
# the characters an example string takes from a character set, in three orders of preference
_ORDERS = (
    "abcdefghijklmnopqrstuvwxyz0123456789 -_'.,ABCXYZ\u00e9\u0430\u2019\u00ab\t\n",
    "0123456789abcdefghijklmnopqrstuvwxyz -_'.,ABCXYZ\u00e9\u0430\u2019\u00ab\t\n",
    " -_'.,\t\n\u2019\u00ab0123456789abcdefghijklmnopqrstuvwxyzABCXYZ\u00e9\u0430",
)
_ENDINGS = ("!", "\x00", "\n", " !", "0!", "_!")
_CATEGORY = {"CATEGORY_DIGIT": r"\d", "CATEGORY_NOT_DIGIT": r"\D", "CATEGORY_SPACE": r"\s",
             "CATEGORY_NOT_SPACE": r"\S", "CATEGORY_WORD": r"\w", "CATEGORY_NOT_WORD": r"\W"}


def _class_char(items: list, order: str, flags: int) -> str | None:
    """The first character of `order` in the character class ``[items]``."""
    parts, negate = [], False
    for op, av in items:
        if op == "NEGATE":
            negate = True
        elif op == "LITERAL":
            parts.append(re.escape(chr(av)))
        elif op == "RANGE":
            parts.append(f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}")
        elif op == "CATEGORY":
            parts.append(_CATEGORY.get(av, ""))
    cls = re.compile(f"[{'^' if negate else ''}{''.join(parts)}]", flags)
    return next((c for c in order if cls.fullmatch(c)), None)


def _example(seq: Seq, order: str, flags: int, pump: tuple[int, str, int] | None = None) -> str:
    """A short string `seq` matches (None parts skipped); the repeat node with id `pump[0]` is
    replaced by `pump[1]` written `pump[2]` times."""
    out = []
    for node in seq:
        out.append(_node_example(node, order, flags, pump))
    return "".join(out)


def _node_example(node: Node, order: str, flags: int, pump) -> str:
    op, av = node
    if op == "LITERAL":
        return chr(av)
    if op == "NOT_LITERAL":
        return next(c for c in order if c != chr(av))
    if op == "ANY":
        return order[0]
    if op == "IN":
        return _class_char(av, order, flags) or ""
    if op == "SUBPATTERN":
        return _example(av[3], order, flags, pump)
    if op == "ATOMIC_GROUP":
        return _example(av, order, flags, pump)
    if op == "BRANCH":
        return _example(av[1][0], order, flags, pump)
    if op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        lo, _hi, sub = av
        if pump is not None and pump[0] == id(node):
            return pump[1] * pump[2]
        return _example(sub, order, flags, pump) * lo
    return ""  # AT, ASSERT, ASSERT_NOT, GROUPREF…: no characters of their own


def _repeats(seq: Seq) -> list[tuple[Node, list[Seq]]]:
    """Every backtracking repeat that can run many rounds, with the bodies worth pumping: the whole
    body, and each branch of an alternation that is the body."""
    found: list[tuple[Node, list[Seq]]] = []
    for node in seq:
        op, av = node
        if op in ("MAX_REPEAT", "MIN_REPEAT"):
            _lo, hi, sub = av
            if hi > 16 or hi >= _MAXREPEAT:
                bodies = [sub] + _branches(sub)
                found.append((node, bodies))
            found.extend(_repeats(sub))
        elif op == "SUBPATTERN":
            found.extend(_repeats(av[3]))
        elif op == "BRANCH":
            for branch in av[1]:
                found.extend(_repeats(branch))
        elif op in ("ASSERT", "ASSERT_NOT"):
            found.extend(_repeats(av[1]))
    return found


def _branches(seq: Seq) -> list[Seq]:
    while len(seq) == 1 and seq[0][0] == "SUBPATTERN":
        seq = seq[0][1][3]
    return list(seq[0][1][1]) if len(seq) == 1 and seq[0][0] == "BRANCH" else []


def _slow(compiled: re.Pattern, subject: str) -> float:
    began = time.perf_counter()
    compiled.search(subject)
    return time.perf_counter() - began


def exponential(regex: str, flags: int = 0) -> str | None:
    """Why `regex` would take exponential time in Python's ``re``, or None when no input built
    from its repeats makes it slow. A polynomial of high degree that is as slow on some 40
    characters (``(.*a){12}``) is caught too: on an article it would hang just the same.

    Examples
    --------
    >>> exponential(r"(a+)+$") is not None
    True
    >>> exponential(r"(?:\\w+\\s?)+x") is not None
    True
    >>> exponential(r"(?:\\w+\\s)+x") is None
    True
    >>> exponential(r"special military operations?") is None
    True
    """
    tree = parse(regex, flags)
    compiled = re.compile(regex, flags)
    tried: set[tuple[str, str, str]] = set()
    for node, bodies in _repeats(tree):
        for body in bodies:
            for order in _ORDERS:
                unit = _example(body, order, flags)
                if not unit:
                    continue
                before, _, after = _example(tree, order, flags, (id(node), "\x01", 1)).partition("\x01")
                for ending in (*_ENDINGS, *(after + e for e in _ENDINGS[:2])):
                    if (before, unit, ending) in tried:
                        continue
                    tried.add((before, unit, ending))
                    for rounds in range(8, _MAX_ROUNDS + 1, 2):
                        subject = before + unit * rounds + ending
                        took = _slow(compiled, subject)
                        if took > SLOW_SECONDS:
                            shown = _shown(unit)
                            return (f"repeats that can split the same text in many ways: searching {shown!r} "
                                    f"written {rounds} times and then {ending!r} took {took:.2f} s, and the time "
                                    "grows far faster than the text")
    return None


def _shown(text: Any) -> str:
    return text if len(text) <= 20 else text[:20] + "…"
