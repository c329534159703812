"""Which of many regexes may match a text, decided without running them: the strings every match
of a rule contains, looked for with substring tests or one Hyperscan pass.

Most cleaning and wire rules match nowhere in a given article. A rule whose every match contains
one string of each of some sets (:func:`required_strings`) cannot match a text that lacks one set;
:class:`Prefilter` finds, in one pass over the text, which rules remain possible. Nothing here
changes a result: a rule it cannot analyse is always tried.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from .._cache import derived, memo
from . import hyperscan as _hs
from .regex_literals import required_all
from .regex_tree import parse

__all__ = ["Prefilter", "line_safe", "may_match", "prefilter_for", "required_strings", "starts_line"]

_CASELESS_FLAG = re.compile(r"\(\?[aiLmsux]*i")  # an inline (?i) or (?i:…), alone or with other flags
_ADMITTED_MAX = 4096  # (set name, scan result) pairs remembered per prefilter


@memo(maxsize=1024)
def line_safe(pattern: re.Pattern) -> bool:
    """Whether a match within one line implies a match within the lines joined by "\\n" (so one
    search of the whole text can rule a pattern out): no negative lookbehind, no \\A or \\Z, and
    ``^``/``$`` only in MULTILINE mode.

    Examples
    --------
    >>> line_safe(re.compile("^Read more", re.MULTILINE)), line_safe(re.compile("(?<!a)b"))
    (True, False)
    """
    src = pattern.pattern
    if "(?<!" in src or "\\A" in src or "\\Z" in src:
        return False
    return bool(pattern.flags & re.MULTILINE) or ("^" not in src.replace("[^", "") and "$" not in src)


@memo(maxsize=1024)
def starts_line(pattern: re.Pattern) -> bool:
    """Whether every match of `pattern` starts at the start of the text or of a line (``^``, ``\\A``
    before anything else): in a single line, ``pattern.match`` then finds what a search would.

    Examples
    --------
    >>> starts_line(re.compile("(?i)^RT News$", re.MULTILINE)), starts_line(re.compile("^a|b"))
    (True, False)
    """
    try:
        tree = parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - a pattern the parser reads otherwise: searched as it is
        return False
    return bool(tree) and tree[0][0] == "AT" and tree[0][1] in ("AT_BEGINNING", "AT_BEGINNING_LINE",
                                                                 "AT_BEGINNING_STRING")


@memo(maxsize=None)
def required_strings(pattern: re.Pattern) -> tuple[tuple[frozenset[str], ...], bool] | None:
    """Sets of strings such that every match of `pattern` contains one string of each set (or,
    for a set from a lookahead or lookbehind, has it right next to it in the text), and
    whether they are lower-cased (to be looked for in the lower-cased text: the pattern ignores
    case somewhere) or kept as the pattern spells them (to be looked for in the text itself);
    None when there are none.

    A case-sensitive pattern gets the stronger test: ``By `` occurs in far fewer texts than ``by ``,
    and two characters (``AP``, ``[[``) or one uncommon sign (``©``) are already rare enough in
    their own case. Each set alone may be common ("reporter"), all of them together rarely are.

    Examples
    --------
    >>> groups, caseless = required_strings(re.compile(r"^By [^\\n]{3,80}?(?:BBC News|reporter)"))
    >>> [sorted(g) for g in groups], caseless
    ([['By '], ['BBC News', 'reporter']], False)
    """
    caseless = bool(pattern.flags & re.IGNORECASE) or bool(_CASELESS_FLAG.search(pattern.pattern))
    groups = []
    for group in required_all(pattern.pattern, lower=caseless):
        shortest = min(map(len, group))
        if any("\n" in x for x in group):
            continue
        if shortest >= 3 or (not caseless and (shortest == 2 or not any(x.isascii() for x in group))):
            groups.append(group)
    return (tuple(groups), caseless) if groups else None


def may_match(pattern: re.Pattern, text: str, low: str, found: frozenset[re.Pattern] | None = None) -> bool:
    """False only when `pattern` cannot match `text` (`low`: the text lower-cased): for some set of
    strings one of which its every match contains, none occurs in the text (substring tests, far
    cheaper than a regex search that has to try every position). `found`: the patterns a
    :meth:`Prefilter.found` scan of this text left possible, when there was one.

    Examples
    --------
    >>> rule = re.compile("^Read more", re.MULTILINE)
    >>> may_match(rule, "Talks go on.", "talks go on."), may_match(rule, "Read more", "read more")
    (False, True)
    """
    if found is not None:
        return pattern in found
    literals = required_strings(pattern)
    if literals is None:
        return True
    groups, caseless = literals
    where = low if caseless else text
    return all(any(lit in where for lit in group) for group in groups)


class Prefilter:
    """The required strings of many patterns in one Hyperscan database (with the ``fast`` extra):
    one pass over a text tells which patterns may match it, instead of a substring search per
    string.

    Examples
    --------
    >>> rules = [re.compile("^Read more", re.MULTILINE), re.compile("Subscribe now")]
    >>> found = Prefilter(rules).found("Read more here", "read more here")
    >>> found is None or sorted(p.pattern for p in found) == ["^Read more"]
    True
    """

    def __init__(self, patterns: Iterable[re.Pattern]) -> None:
        patterns = list(dict.fromkeys(patterns))
        self.always = frozenset(p for p in patterns if required_strings(p) is None)
        keys = sorted({(lit, lits[1]) for p in patterns if (lits := required_strings(p))
                       for group in lits[0] for lit in group})
        number = {key: i for i, key in enumerate(keys)}
        # string number → the (pattern, set number) pairs it satisfies; a pattern needs all its sets
        self.satisfies: list[list[tuple[re.Pattern, int]]] = [[] for _ in keys]
        self.n_sets: dict[re.Pattern, int] = {}
        for p in patterns:
            if (lits := required_strings(p)) is not None:
                self.n_sets[p] = len(lits[0])
                for g, group in enumerate(lits[0]):
                    for lit in group:
                        self.satisfies[number[lit, lits[1]]].append((p, g))
        self._admitted: dict[tuple[str, frozenset], list] = {}
        self.db = None
        if _hs.hyperscan is not None and keys:
            hs = _hs.hyperscan
            expressions = ["".join(f"\\x{b:02x}" for b in lit.encode("utf-8")).encode() for lit, _ in keys]
            self.db = hs.Database()
            self.db.compile(expressions=expressions, ids=list(range(len(expressions))),
                            elements=len(expressions), flags=[hs.HS_FLAG_SINGLEMATCH] * len(expressions))
            self.scratch = hs.Scratch(self.db)

    def found(self, text: str, low: str) -> frozenset[re.Pattern] | None:
        """The patterns that may match `text` (`low`: it lower-cased), or None without Hyperscan
        (then :func:`may_match` tests each pattern's strings itself).

        Case-sensitive strings are spelled as in their pattern, the others lower-cased, and one
        scan covers the text and its lower-cased copy: a hit of either kind in its own half is
        real, a hit in the other half is only a needless candidate, never a missed one."""
        if self.db is None:
            return None
        hits: set[int] = set()
        self.db.scan(f"{text}\x00{low}".encode("utf-8"), match_event_handler=lambda i, *_: hits.add(i),
                     scratch=self.scratch)
        met: dict[re.Pattern, set[int]] = {}
        for i in hits:
            for pattern, group in self.satisfies[i]:
                met.setdefault(pattern, set()).add(group)
        return self.always.union(p for p, groups in met.items() if len(groups) == self.n_sets[p])

    def present(self, name: str, items, joined: str, low: str, found: frozenset[re.Pattern] | None,
                key: Callable = lambda x: x) -> list:
        """The `items` (patterns, or entries whose pattern `key` gives) that may match some line of
        `joined`; the others need not be tried line by line. `low` is `joined` lower-cased, `found`
        the result of :meth:`found` on it, and `name` names the set of items (``"drop"``), which
        must always be the same items for one name."""
        if found is not None:  # the common case: which items `found` admits is worked out once per set
            admitted = self._admitted.get((name, found))
            if admitted is None:
                if len(self._admitted) > _ADMITTED_MAX:
                    self._admitted.clear()
                admitted = [(x, line_safe(k)) for x in items if not line_safe(k := key(x)) or k in found]
                self._admitted[name, found] = admitted
            return [x for x, safe in admitted if not safe or key(x).search(joined)]
        return [x for x in items
                if not line_safe(key(x)) or (may_match(key(x), joined, low) and key(x).search(joined))]


def prefilter_for(owner: object, patterns: Callable[[], Iterable[re.Pattern]]) -> Prefilter:
    """The prefilter of the patterns ``patterns()`` of `owner` (a rules object), built once for it.

    Examples
    --------
    >>> class Rules:
    ...     footer = (re.compile("^Related Posts", re.MULTILINE),)
    >>> rules = Rules()
    >>> prefilter_for(rules, lambda: rules.footer) is prefilter_for(rules, lambda: rules.footer)
    True
    """
    return derived(owner, "prefilter", lambda: Prefilter(patterns()))
