"""A Python regex as a tree of plain tuples, read once from CPython's parser: the one place that
touches the private ``re._parser``.

The literal finders (:mod:`framing.text.regex_literals`) and the Hyperscan translator
(:mod:`framing.text.hyperscan`) walk this tree. Every node is ``(name, value)`` with the opcode's
name as a string (``"LITERAL"``, ``"IN"``, ``"SUBPATTERN"``, ``"BRANCH"``, ``"MAX_REPEAT"`` …) and
every nested sequence is a :class:`Seq`, a list that knows its shortest and longest match.
"""

from __future__ import annotations

from re import _parser  # private, but stable across 3.11-3.14; nothing else in framing imports it
from typing import Any

__all__ = ["Node", "Seq", "parse", "min_width"]

Node = tuple[str, Any]


class Seq(list):
    """A sequence of nodes, with ``width``: the (shortest, longest) match, as CPython computes it
    ((0, a huge number) when it cannot)."""

    width: tuple[int, int]


def _seq(sub) -> Seq:
    out = Seq(_node(op, av) for op, av in sub)
    try:
        lo, hi = sub.getwidth() if isinstance(sub, _parser.SubPattern) else \
            _parser.SubPattern(_parser.State(), list(sub)).getwidth()
        out.width = (int(lo), int(hi))
    except Exception:  # pragma: no cover - be safe: possibly empty, unbounded
        out.width = (0, 1 << 30)
    return out


def _node(op, av) -> Node:
    name = str(op)
    if name == "SUBPATTERN":
        group, add, drop, sub = av
        return name, (group, add, drop, _seq(sub))
    if name == "BRANCH":
        return name, (av[0], [_seq(b) for b in av[1]])
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        lo, hi, sub = av
        return name, (lo, hi, _seq(sub))
    if name in ("ASSERT", "ASSERT_NOT"):
        direction, sub = av
        return name, (direction, _seq(sub))
    if name == "ATOMIC_GROUP":
        return name, _seq(av)
    if name == "IN":
        return name, [(str(o), str(a) if str(o) == "CATEGORY" else a) for o, a in av]
    if name in ("CATEGORY", "AT"):
        return name, str(av)
    if name == "GROUPREF_EXISTS":
        group, yes, no = av
        return name, (group, _seq(yes), _seq(no) if no is not None else None)
    return name, av


def parse(regex: str, flags: int = 0) -> Seq:
    """The tree of `regex` (raises ``re.error`` as ``re.compile`` would).

    Examples
    --------
    >>> parse("ab?")
    [('LITERAL', 97), ('MAX_REPEAT', (0, 1, [('LITERAL', 98)]))]
    >>> parse("ab?").width
    (1, 2)
    """
    return _seq(_parser.parse(regex, flags))


def min_width(regex: str, flags: int = 0) -> int:
    """The length of the shortest string `regex` matches (its length when it cannot be parsed).

    Examples
    --------
    >>> min_width("(?:temporarily )?occupied")
    8
    """
    try:
        return parse(regex, flags).width[0]
    except Exception:  # pragma: no cover - the pattern compiled already; be lenient
        return len(regex)
