"""What a regex starts with and what every match of it must contain, read from its parsed tree.

Python's ``re`` slows to a crawl on one alternation of a hundred case-insensitive patterns, because
it tries every branch at every position. The matcher therefore looks only at word starts whose first
letters some pattern can begin with (:func:`prefixes`), Hyperscan looks for each pattern's literal
prefixes (:func:`literal_prefixes`), and the cleaning prefilter rules a pattern out for a text that
lacks the strings every match contains (:func:`required`, :func:`required_all`). When a pattern
defeats the analysis (one that starts with ``\\w`` or ``.``) the answer is None, and the caller tries
that pattern everywhere.
"""

from __future__ import annotations

import itertools

from .regex_tree import parse

__all__ = ["literal_prefixes", "prefixes", "required", "required_all"]

_LIMIT = 400  # give up (None) beyond this many prefixes
_MAX_K = 8  # longest literal prefix for Hyperscan
_MAX_SET = 64  # most literal prefixes for Hyperscan


def _item(op, av, k: int) -> set[str] | None:
    if op == "LITERAL":
        return {chr(av)}
    if op == "IN":
        chars: set[str] = set()
        for sub_op, sub_av in av:
            if sub_op == "LITERAL":
                chars.add(chr(sub_av))
            elif sub_op == "RANGE" and sub_av[1] - sub_av[0] < 64:
                chars.update(chr(x) for x in range(sub_av[0], sub_av[1] + 1))
            else:
                return None  # NEGATE, CATEGORY, big ranges
        return chars
    if op == "SUBPATTERN":
        return _seq(av[-1], k)
    if op == "BRANCH":
        out: set[str] = set()
        for branch in av[1]:
            sub = _seq(branch, k)
            if sub is None:
                return None
            out |= sub
        return out
    if op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
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
    if op in ("AT", "ASSERT", "ASSERT_NOT"):
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
        parsed = parse(regex)
    except Exception:  # pragma: no cover - compiled elsewhere already
        return None
    out = _seq(list(parsed), k)
    if out is None or any(len(s) < k for s in out):
        return None
    return frozenset(s.lower() for s in out)


def _fixed(op, av) -> set[str] | None:
    """The strings a mandatory, fixed-shape item can match (None: optional, open or too many)."""
    if op == "LITERAL":
        return {chr(av)}
    if op == "IN":
        return _item(op, av, 1)
    if op == "SUBPATTERN":
        return _fixed_seq(av[-1])
    if op == "BRANCH":
        out: set[str] = set()
        for branch in av[1]:
            sub = _fixed_seq(branch)
            if sub is None:
                return None
            out |= sub
        return out if len(out) <= _LIMIT else None
    if op == "MAX_REPEAT" or op == "MIN_REPEAT":
        lo, hi, sub = av
        one = _fixed_seq(sub) if lo == hi and lo <= 4 else None
        if one is None:
            return None
        out = {""}
        for _ in range(lo):
            out = {a + b for a in out for b in one}
            if len(out) > _LIMIT:
                return None
        return out
    return None


def _fixed_seq(items) -> set[str] | None:
    out = {""}
    for op, av in items:
        if op in ("AT", "ASSERT", "ASSERT_NOT"):
            continue
        step = _fixed(op, av)
        if step is None:
            return None
        out = {a + b for a in out for b in step}
        if len(out) > _LIMIT:
            return None
    return out


def _rank(strings: set[str]) -> tuple[int, int]:
    return min(map(len, strings)), -len(strings)


def _best(items, longest: int) -> set[str] | None:
    """Strings one of which every match of the parsed sequence `items` contains (the best found:
    longest shortest member, then fewest), or None when there are none."""
    runs = _runs(items, longest)
    return max(runs, key=_rank) if runs else None


def _runs(items, longest: int) -> list[set[str]]:
    """Every set of strings found such that each match of the parsed sequence `items` contains
    one string of the set (runs of mandatory literal pieces; a branch gives its branches' union)."""
    runs, run = [], {""}
    for op, av in items:
        if op == "ASSERT":  # a lookaround that must hold: the text holds what it looks for, next to the match
            ahead = _best(list(av[1]), longest)
            if ahead and min(map(len, ahead)) >= 3:  # not " A", " B", …: found in every text
                runs.append(ahead)
            continue  # zero width: the pieces on each side are adjacent in the match
        if op in ("AT", "ASSERT_NOT"):
            continue
        step = _fixed(op, av)
        if step is not None:
            grown = {a + b for a in run for b in step}
            if len(grown) <= _LIMIT:
                run = grown
                continue
        inner = None
        if op in ("MAX_REPEAT", "MIN_REPEAT") and av[0] >= 1:  # x{lo,hi}: lo copies of x, at least
            one = _fixed_seq(av[2])
            copies = {""}
            for _ in range(min(av[0], longest)) if one is not None else ():
                copies = {a + b for a in copies for b in one}
                if len(copies) > _LIMIT:
                    break
            else:
                grown = {a + b for a in run for b in copies} if one is not None else set()
                run = grown if 0 < len(grown) <= _LIMIT else run
            if one is None:
                inner = _best(list(av[2]), longest)
        elif op == "SUBPATTERN":
            inner = _best(list(av[-1]), longest)
        elif op == "BRANCH":  # every branch has its own strings: their union
            inner = set()
            for branch in av[1]:
                sub = _best(list(branch), longest)
                if sub is None:
                    inner = None
                    break
                inner |= {x[:longest] for x in sub}
            if inner is not None and len(inner) > _LIMIT:
                inner = None
        runs.append(run)
        run = {""}
        if inner:
            runs.append(inner)
    runs.append(run)
    return [r for r in runs if r and min(map(len, r)) > 0]


def required(regex: str, shortest: int = 3, longest: int = 8, *, lower: bool = True) -> frozenset[str] | None:
    """Lower-cased strings one of which every match of `regex` contains (not only at its start):
    the best run of mandatory literal pieces (a lookahead's or lookbehind's count: the text holds
    them next to the match), each string cut to `longest` characters; None when no
    run is at least `shortest` characters long. With ``lower=False`` the strings keep the case the
    pattern spells them in (for a pattern that matches case-sensitively).

    Examples
    --------
    >>> sorted(required(r"^\\s*Follow our coverage"))
    ['follow o']
    >>> sorted(required(r"(?<=[a-z.)])By (?=[A-Z])"))
    ['by ']
    >>> sorted(required(r"(?<=\\S) (?=(?:Read more|See also)\\W{0,3}$)"))  # what a lookahead needs, the text has
    ['read mor', 'see also']
    >>> required(r"^[\\d\\s]+$") is None
    True
    >>> sorted(required(r"\\((?:AP|AFP)\\)", shortest=2, lower=False))
    ['(AFP)', '(AP)']
    """
    try:
        parsed = list(parse(regex))
    except Exception:  # pragma: no cover - compiled elsewhere already
        return None
    best = _best(parsed, longest)
    if best is None or min(map(len, best)) < shortest:
        return None
    return frozenset(s[:longest].lower() if lower else s[:longest] for s in best)


def required_all(regex: str, longest: int = 8, *, lower: bool = True) -> list[frozenset[str]]:
    """Every set of strings :func:`required` weighs, not only the best: each match of `regex`
    contains one string of *each* set (so a text must hold one of each for the regex to match).

    Examples
    --------
    >>> [sorted(x) for x in required_all(r"^By [^\\n]{3,80}?(?:BBC News|reporter)", lower=False)]
    [['By '], ['BBC News', 'reporter']]
    """
    try:
        parsed = list(parse(regex))
    except Exception:  # pragma: no cover - compiled elsewhere already
        return []
    out: list[frozenset[str]] = []
    for run in _runs(parsed, longest):
        group = frozenset(s[:longest].lower() if lower else s[:longest] for s in run)
        if group not in out:
            out.append(group)
    return out


def _ascii_head(literal: str) -> str:
    """The literal up to its first non-ASCII character ("people’s" → "people"): still a prefix."""
    for i, ch in enumerate(literal):
        if not ch.isascii():
            return literal[:i]
    return literal


def literal_prefixes(regex: str) -> frozenset[str] | None:
    """The longest lower-case ASCII literal prefixes (at most 8 characters, at most 64 of them)
    that every match of `regex` starts with, or None.

    Examples
    --------
    >>> sorted(literal_prefixes("(?:temporarily )?occupied"))
    ['occupied', 'temporar']
    >>> literal_prefixes(r"\\w+ist") is None
    True
    """
    for k in range(_MAX_K, 1, -1):
        found = prefixes(regex, k)
        if found is not None and len(found) <= _MAX_SET:
            heads = frozenset(_ascii_head(x) for x in found)
            if all(heads):
                return heads
    return None
