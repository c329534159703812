"""Hyperscan as the matcher's candidate finder (optional: ``pip install "framing[fast]"``).

Hyperscan (Intel's multi-pattern regex engine, through the ``hyperscan`` Python binding) scans a
text once for every lexicon pattern's literal prefix — the longest one :func:`prefixes` can work
out, up to 8 letters — and reports where a pattern *could* start. Python's ``re`` then confirms
each candidate with that pattern's own regex, in the lexicon's order, so the matches are exactly
those of the pure-Python matcher (tested on the shared corpora and on generated text).

Why candidates are never missed:

- the text is lower-cased and encoded as Latin-1 with "?" for anything else, so byte offsets are
  character offsets;
- a prefix starting with a word character must follow Hyperscan's ASCII word boundary ``\\b``,
  which holds wherever Python's Unicode ``(?<!\\w)`` holds (ASCII word characters are a subset of
  Unicode ones); the candidates Hyperscan adds (after "é", say) fail Python's check.
"""

from __future__ import annotations

import re
import threading

from ._prefix import prefixes

try:
    import hyperscan
except ImportError:  # pragma: no cover - the optional extra is missing
    hyperscan = None

__all__ = ["available", "HyperscanCandidates"]

_MAX_K = 8
_MAX_SET = 64


def available() -> bool:
    """Whether the hyperscan binding is importable."""
    return hyperscan is not None


def _ascii_head(literal: str) -> str:
    """The literal up to its first non-ASCII character ("people’s" → "people"): still a prefix."""
    for i, ch in enumerate(literal):
        if not ch.isascii():
            return literal[:i]
    return literal


def _literals(regex: str) -> frozenset[str] | None:
    """The longest lower-case ASCII literal prefixes (≤ 8 characters, ≤ 64 of them) of `regex`, or None."""
    for k in range(_MAX_K, 1, -1):
        found = prefixes(regex, k)
        if found is not None and len(found) <= _MAX_SET:
            heads = frozenset(_ascii_head(x) for x in found)
            if all(heads):
                return heads
    return None


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
            lits = _literals(rx)
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
