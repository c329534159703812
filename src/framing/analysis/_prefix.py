"""What a regex can start with: the lower-cased two-character prefixes of its possible matches.

Python's ``re`` slows to a crawl on one alternation of a hundred case-insensitive patterns, because
it tries every branch at every position. The matcher therefore looks only at word starts whose first
two letters some pattern can begin with, and tries only those patterns there. This module works the
prefixes out from the parsed pattern. When it cannot (a pattern that starts with ``\\w`` or ``.``),
it returns None and the matcher tries that pattern at every word start.
"""

from __future__ import annotations

import itertools

try:
    from re import _constants as _c, _parser as _p  # Python >= 3.11
except ImportError:  # pragma: no cover
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

__all__ = ["prefixes"]

_LIMIT = 400  # give up (None) beyond this many prefixes


def _item(op, av, k: int) -> set[str] | None:
    if op is _c.LITERAL:
        return {chr(av)}
    if op is _c.IN:
        chars: set[str] = set()
        for sub_op, sub_av in av:
            if sub_op is _c.LITERAL:
                chars.add(chr(sub_av))
            elif sub_op is _c.RANGE and sub_av[1] - sub_av[0] < 64:
                chars.update(chr(x) for x in range(sub_av[0], sub_av[1] + 1))
            else:
                return None  # NEGATE, CATEGORY, big ranges
        return chars
    if op is _c.SUBPATTERN:
        return _seq(av[-1], k)
    if op is _c.BRANCH:
        out: set[str] = set()
        for branch in av[1]:
            sub = _seq(branch, k)
            if sub is None:
                return None
            out |= sub
        return out
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
        lo, hi, sub_pattern = av
        sub = _seq(sub_pattern, k)
        if sub is None:
            return None
        out, current = set(), {""}
        for count in range(0, min(hi, k) + 1):
            if count >= lo:
                out |= current
            current = {(a + b)[:k] for a in current for b in sub if len(a) < k} | {a for a in current if len(a) >= k}
            if len(current) > _LIMIT:
                return None
        if hi > k:
            out |= {a for a in current if len(a) >= k}
        return out
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
        return {""}
    return None


def _seq(items, k: int) -> set[str] | None:
    results = {""}
    for op, av in items:
        if all(len(s) >= k for s in results):
            break
        step = _item(op, av, k)
        if step is None:
            return None
        results = {(s + t)[:k] if len(s) < k else s for s, t in itertools.product(results, step)}
        if len(results) > _LIMIT:
            return None
    return results


def prefixes(regex: str, k: int = 2) -> frozenset[str] | None:
    """The lower-cased `k`-character prefixes every match of `regex` starts with, or None.

    Examples
    --------
    >>> sorted(prefixes("(?:temporarily )?occupied"))
    ['oc', 'te']
    >>> sorted(prefixes("(?-i:DPR|LPR)"))
    ['dp', 'lp']
    >>> prefixes(r"\\w+ist") is None
    True
    """
    try:
        parsed = _p.parse(regex)
    except Exception:  # pragma: no cover - compiled elsewhere already
        return None
    out = _seq(list(parsed), k)
    if out is None or any(len(s) < k for s in out):
        return None
    return frozenset(s.lower() for s in out)
