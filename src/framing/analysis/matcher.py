"""The lexicon compiled once into a matcher: where its terms occur in a text, and in whose voice.

One combined regular expression holds every pattern of every family, longest first, so a text is
scanned once and, within a family, the longest variant wins ("special military operation" is never
also a "military operation"). A match that spans several words is re-scanned for the *other*
families, so "Kiev regime" counts for the government family and, as a spelling, for the Kyiv family.
Voice comes from the quotation spans of :mod:`framing.analysis.spans`. :func:`reference_hits` is the
plain Python path every faster path must equal.
"""

from __future__ import annotations

import re
from typing import Iterable, Literal, NamedTuple

import numpy as np

from .._cache import derived, memo
from ..text.alternation import trie_alternation
from ..text.hyperscan import HyperscanCandidates, HyperscanLiterals, HyperscanSpans, HyperscanWords
from ..text.regex_literals import prefixes, required
from ..text.regex_tree import min_width
from .lexicon import Lexicon, load_lexicon, pattern_to_regex
from .spans import QuoteIndex

__all__ = ["AFTER_REACH", "Entry", "MARKER_REACH", "Matcher", "VOICES", "context_of", "holds_more", "matcher_for", "reference_hits"]

#: Voice values, in the order plots use.
VOICES = ("own", "quoted", "distanced")


class Entry(NamedTuple):
    """One compiled pattern of the lexicon."""

    width: int  # the shortest match: longer patterns are tried first
    order: int  # position in the lexicon, breaking ties of width
    family: str
    variant: str | None  # None for an exclusion (a span consumed that counts for nothing)
    regex: str  # the pattern as a Python regex (see pattern_to_regex)


def matcher_for(lexicon: Lexicon | str | dict | None = None, *,
                engine: Literal["auto", "hyperscan", "re"] = "auto") -> "Matcher":
    """The matcher of a lexicon (anything :func:`framing.load_lexicon` takes), compiled once per
    lexicon object and engine.

    Examples
    --------
    >>> lex = load_lexicon()
    >>> matcher_for(lex) is matcher_for(lex)
    True
    """
    lex = load_lexicon(lexicon)
    return derived(lex, ("matcher", engine), lambda: Matcher(lex, engine=engine))


_NONWORD = re.compile(r"\W")
#: Characters before a term searched for a distancing marker ("so-called", "what Moscow calls").
MARKER_REACH = 80
#: Characters after a term searched for a marker that follows it (", as the Kremlin calls it").
AFTER_REACH = 60
#: Characters past the end of a ``requires`` window a `near` word may run on (it must begin in
#: the window; "Ukrainians" counts when "Ukr" is the window's last word).
NEAR_OVERRUN = 100
_POSSESSIVE = re.compile(r"^['\u2019\u02bc]s\b", re.IGNORECASE)
_ALNUM = re.compile(r"[^\W_]")
_LEAD = r"(?:(?:the|a|an|its|their|his|her|this|that|these|those|[\w-]+['\u2019]s)\s+)?[\"\u201c\u00ab\u201e\u2018']?\s*$"


class Matcher:
    """A lexicon compiled once: ``scan(text)`` gives ``(start, end, family, variant)`` tuples.

    `engine`: ``"hyperscan"`` finds candidate starts with Hyperscan (``pip install
    "framing[fast]"``); ``"re"`` with a pure-Python pre-filter; ``"auto"`` (the default) uses
    Hyperscan when it is installed and the lexicon allows it. Both give the same matches; the
    chosen one is in ``.engine``.

    Examples
    --------
    >>> m = matcher_for()
    >>> [(f, v) for _, _, f, v in m.scan("The Kiev regime's special military operation")]
    [('ukr_government', 'regime'), ('kyiv', 'Kiev'), ('war_name', 'special military operation')]
    """

    def __init__(self, lexicon: Lexicon, engine: Literal["auto", "hyperscan", "re"] = "auto") -> None:
        self.lexicon = lexicon
        entries = []
        for fam in lexicon.families:
            for var in fam.variants:
                for pat in var.patterns:
                    rx = pattern_to_regex(pat)
                    entries.append(Entry(min_width(rx, re.IGNORECASE), len(entries), fam.name, var.name, rx))
            for pat in fam.exclude:
                rx = pattern_to_regex(pat)
                entries.append(Entry(min_width(rx, re.IGNORECASE), len(entries), fam.name, None, rx))
        entries.sort(key=lambda e: (-e.width, e.order))
        self._entries = tuple(entries)
        self._entry = [(e.family, e.variant) for e in entries]  # group "g{i}" of a compiled alternation is entry i
        self._families = tuple(e.family for e in entries)
        self._variants = tuple(dict.fromkeys((e.family, e.variant) for e in entries if e.variant is not None))
        where = {fv: i for i, fv in enumerate(self._variants)}
        self._variant_of = np.array([where.get((e.family, e.variant), -1) for e in entries] + [-1])
        self._variant_of.flags.writeable = False
        self._orientation = {(f.name, v.name): v.orientation for f in lexicon.families for v in f.variants}
        # what a match needs near it to count (requires), and each family's variants alone, to find
        # the variant inside a fixed expression the family sets aside (exclude)
        self._requires: dict[tuple[str, str], tuple] = {}
        for fam in lexicon.families:
            for var in fam.variants:
                req = var.requires or fam.requires
                # a requirement written per language applies once the article's language is known
                # (Lexicon.for_language); matched with every language's patterns, none applies
                if req is not None and not req.by_language and not req.empty:
                    self._requires[(fam.name, var.name)] = _requirement_regexes(req)
        self._needs = np.array([(f, v) in self._requires for f, v in self._variants] + [False])
        self._needs.flags.writeable = False
        # marks of another referent in a match's sentence (a family's other_referents)
        self._others = {fam.name: _other_regexes(fam.other_referents) for fam in lexicon.families
                        if fam.other_referents is not None}
        # what an article must name for a family's matches to count (a family's topic)
        # (families that share a topic share one; per variant, its family's topic or -1)
        topic_of = {fam.name: (fam.topic, fam.topic_from_words) for fam in lexicon.families if fam.topic}
        shared = list(dict.fromkeys(topic_of.values()))
        self._topics = [_Topic(*_topic_regex(names), from_words) for names, from_words in shared]
        self._topic_of_variant = np.array([shared.index(topic_of[f]) if f in topic_of else -1
                                           for f, _ in self._variants] + [-1])
        self._topic_scanners: dict[int, HyperscanWords | None] = {}
        self._other_variants = np.array([f in self._others for f, _ in self._variants] + [False])
        self._other_variants.flags.writeable = False
        # per variant: which list of `near` words (-1: none), its reach, and whether the
        # requirement also has `before`/`after` patterns (the byte path checks `near` only)
        groups: dict[tuple[str, ...], int] = {}
        near_of, reach, other = [], [], []
        for f, v in self._variants:
            req = self._requires.get((f, v))
            words = req[4] if req is not None else ()
            near_of.append(groups.setdefault(words, len(groups)) if words else -1)
            reach.append(req[3] if req is not None else 0)
            other.append(req is not None and (req[0] is not None or req[1] is not None))
        self._near_of = np.array(near_of + [-1], dtype=np.int64)
        self._near_reach = np.array(reach + [0], dtype=np.int64)
        self._near_other = np.array(other + [False])
        self._near_words = list(groups)
        self._near_scanners: dict[int, HyperscanWords | None] = {}
        self._family_only = {
            fam.name: self._compile(frozenset(), [i for i, e in enumerate(entries) if e.family == fam.name
                                                  and e.variant is not None])
            for fam in lexicon.families if fam.exclude}
        self._combined = self._compile(frozenset())
        self._without = memo(maxsize=256)(self._compile)
        markers = "|".join(f"(?:{pattern_to_regex(p)})" for p in lexicon.distancing)
        self._marker = re.compile(rf"(?<!\w)(?:{markers})\s+{_LEAD}", re.IGNORECASE) if markers else None
        self._distancing = tuple(lexicon.distancing)
        after = "|".join(f"(?:{pattern_to_regex(p)})" for p in lexicon.distancing_after)
        self._after = re.compile(rf"[\"\u201d\u2019'\u00bb]?\s*[,(\u2014\u2013-]?\s*(?:{after})(?!\w)", re.IGNORECASE) \
            if after else None
        self._distancing_after = tuple(lexicon.distancing_after)
        self._build_dispatch()
        self.engine, self._hs, self._single = "re", None, []
        if engine not in ("auto", "hyperscan", "re"):
            raise ValueError(f"engine must be 'auto', 'hyperscan' or 're', not {engine!r}")
        if engine != "re":
            try:
                self._hs = HyperscanCandidates([e.regex for e in entries])
            except ValueError as exc:
                if engine == "hyperscan":
                    raise ValueError(f"the hyperscan engine cannot run this lexicon: {exc}") from exc
            else:
                self._single = [re.compile(rf"(?<!\w)(?:{e.regex})(?!\w)", re.IGNORECASE) for e in entries]
                self.engine = "hyperscan"

    def _compile(self, excluded: frozenset, ids: Iterable[int] | None = None) -> re.Pattern | None:
        ids = range(len(self._entries)) if ids is None else ids
        parts = [f"(?P<g{i}>{self._entries[i].regex})" for i in ids if self._entries[i].family not in excluded]
        return re.compile(rf"(?<!\w)(?:{'|'.join(parts)})(?!\w)", re.IGNORECASE) if parts else None

    def _build_dispatch(self) -> None:
        # Python's re tries every branch of an alternation at every position, which is slow for a
        # large lexicon. Instead a cheap pre-filter finds word starts whose first three letters (two
        # for a pattern that can be shorter) some pattern can begin with, and only the patterns with
        # that prefix are tried there.
        by_key: dict[str, list[int]] = {}
        wild: list[int] = []
        for i, entry in enumerate(self._entries):
            pre = prefixes(entry.regex, 3) or prefixes(entry.regex, 2)
            if pre is None:
                wild.append(i)
            for p in pre or ():
                by_key.setdefault(p, []).append(i)
        short = {k: ids for k, ids in by_key.items() if len(k) == 2}
        self._dispatch = {}
        for key, ids in by_key.items():
            extra = short.get(key[:2], []) if len(key) == 3 else []
            self._dispatch[key] = self._compile(frozenset(), sorted(set(ids + extra + wild)))
        # a pattern that can start with any letter (``\w+ism``) is tried at every word start, and so
        # must every other pattern be there: the whole alternation (the prefilter's one letter
        # names no dispatch key)
        self._wild = self._combined if wild else None
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
                # a family's fixed expressions (exclusions) match rarely: their starts are found afterwards
                self._spans = HyperscanSpans([e.regex for e in self._entries],
                                             rare=[e.variant is None for e in self._entries])
            except ValueError:
                self._spans = None
        return self._spans

    def marker_literals(self) -> HyperscanLiterals | None:
        """A scanner for strings one of which every distancing marker match contains, or None when
        some marker has no such ASCII string or Hyperscan is missing (then every hit is checked)."""
        if not hasattr(self, "_marker_lits"):
            self._marker_lits = _literals(self._distancing)
        return self._marker_lits

    def marked_after(self, text: str, end: int) -> bool:
        """Whether a distancing marker follows the term ending at ``text[end]`` (", as Moscow calls
        it"), in the same paragraph."""
        if self._after is None:
            return False
        stop = text.find("\n", end, end + AFTER_REACH)
        return self._after.match(text, end, end + AFTER_REACH if stop < 0 else stop) is not None

    def after_literals(self) -> HyperscanLiterals | None:
        """As :meth:`marker_literals`, for the markers that follow a term."""
        if not hasattr(self, "_after_lits"):
            self._after_lits = _literals(self._distancing_after)
        return self._after_lits

    def after_prefixes(self) -> np.ndarray | None:
        """The lower-cased ASCII pairs (``256 * first + second``) a marker that follows a term
        starts with, or None when some marker has no such pair."""
        if not hasattr(self, "_after_heads"):
            heads: set[int] | None = set()
            for p in self._distancing_after:
                found = prefixes(pattern_to_regex(p), 2)
                if found is None or not all(x.isascii() and x[0].isalnum() for x in found):
                    heads = None  # (a marker that starts with a mark or a comma: not ruled out so)
                    break
                heads |= {256 * ord(x[0]) + ord(x[1]) for x in found}
            self._after_heads = None if heads is None else np.array(sorted(heads), dtype=np.int64)
        return self._after_heads

    @property
    def has_after_markers(self) -> bool:
        """Whether the lexicon has markers that follow a term."""
        return self._after is not None

    def marked(self, text: str, start: int) -> bool:
        """Whether a distancing marker ("so-called", "what Moscow calls") stands right before
        ``text[start]``, in the same paragraph."""
        if self._marker is None:
            return False
        line_start = text.rfind("\n", 0, start) + 1
        return self._marker.search(text[max(line_start, start - MARKER_REACH):start]) is not None

    @property
    def entries(self) -> tuple[Entry, ...]:
        """The compiled patterns in priority order (longest first); an entry's index is its id."""
        return self._entries

    @property
    def entry_families(self) -> tuple[str, ...]:
        """Each entry's family, by entry id (what :meth:`HyperscanSpans.resolve` needs)."""
        return self._families

    @property
    def variants(self) -> tuple[tuple[str, str], ...]:
        """The ``(family, variant)`` names in lexicon order; hits refer to them by index."""
        return self._variants

    @property
    def variant_of(self) -> np.ndarray:
        """For each entry id (and Hyperscan's one extra id) the index of its variant in
        :attr:`variants`; -1 for an exclusion (read-only)."""
        return self._variant_of

    @property
    def has_markers(self) -> bool:
        """Whether the lexicon has distancing markers at all."""
        return self._marker is not None

    def orientation(self, family: str, variant: str) -> str:
        """The orientation tag of a variant."""
        return self._orientation[(family, variant)]

    def scan(self, text: str) -> list[tuple[int, int, str, str]]:
        """Every term occurrence in `text` that counts, in order: the off-topic ones (inside a fixed
        expression the family excludes, or without what the variant requires near it) are left out."""
        return [(s, e, f, v) for s, e, f, v, off in self.scan_all(text) if not off]

    def scan_all(self, text: str) -> list[tuple[int, int, str, str, bool]]:
        """Every term occurrence in `text`, in order, as ``(start, end, family, variant, off_topic)``.

        A fixed expression a family excludes ("the Winter War") is consumed: its variant match
        inside ("War") is returned with ``off_topic=True``, as is a match without the words its
        variant ``requires`` near it.

        Examples
        --------
        >>> [(f, v, off) for _, _, f, v, off in matcher_for().scan_all("The Winter War and the war in Ukraine")]
        [('war_name', 'war', True), ('war_name', 'war', False)]
        """
        out: list[tuple[int, int, str, str, bool]] = []
        for start, end, entry in self._scan_top(text):
            fam, var = self._entry[entry]
            self._emit(text, start, end, fam, var, frozenset((fam,)), out)
        return out

    def scan_reference(self, text: str) -> list[tuple[int, int, str, str, bool]]:
        """The same as :meth:`scan_all` with one plain alternation (slow; for tests and checks)."""
        out: list[tuple[int, int, str, str, bool]] = []
        for m in self._combined.finditer(text):
            fam, var = self._entry[int(m.lastgroup[1:])]
            self._emit(text, m.start(), m.end(), fam, var, frozenset((fam,)), out)
        return out

    def _emit(self, text, start, end, fam, var, excluded, out) -> None:
        if var is not None:
            out.append((start, end, fam, var, self.off_topic(text, start, end, fam, var)))
            nested = out
        else:  # a fixed expression set aside: its variant inside is kept, off topic
            nested = self.inside_exclusion(text, start, end, fam)
        if _NONWORD.search(text, start, end):  # one word: no other family can match a part of it
            inner = self._without(excluded)
            if inner is not None:
                for m in inner.finditer(text, start, end):
                    fam2, var2 = self._entry[int(m.lastgroup[1:])]
                    self._emit(text, m.start(), m.end(), fam2, var2, excluded | {fam2}, nested)
        if nested is not out:
            out += sorted(nested, key=lambda hit: hit[0])  # stable: at one start, the family's own first

    def off_topic(self, text: str, start: int, end: int, family: str, variant: str) -> bool:
        """Whether the match ``text[start:end]`` names another referent (its family's
        ``other_referents``: see :meth:`other_referent`) or lacks what its variant ``requires`` near
        it: no `near` word begins within the given characters on either side, in the same paragraph
        (see :func:`near_window`), and no `before`/`after` pattern touches it."""
        return (family in self._others and self.other_referent(text, start, end, family)) \
            or self.lacks_requirement(text, start, end, family, variant)

    def lacks_requirement(self, text: str, start: int, end: int, family: str, variant: str) -> bool:
        """The ``requires`` half of :meth:`off_topic`."""
        need = self._requires.get((family, variant))
        if need is None:
            return False
        before, after, near, within, _ = need
        line = text.rfind("\n", 0, start) + 1
        if before is not None and before.search(text, max(line, start - 60), start):
            return False
        if after is not None and after.match(text, end, min(len(text), end + 80)):
            return False
        if near is None:
            return True
        lo, hi = near_window(text, start, end, within)
        found = near.search(text, lo, min(hi + NEAR_OVERRUN, len(text)))
        return found is None or found.start() >= hi

    def outside_topic(self, variants: np.ndarray, rows: np.ndarray, columns, fast: bool = False) -> np.ndarray:
        """Per hit (its variant's number in :attr:`variants`, its article's row), whether its
        article names nothing of its family's ``topic`` (in any of `columns`: the title and the
        text) and is long enough to have been expected to (``from_words``): such a match is off
        topic. Each article is searched once per topic, and only for families with one; `fast`:
        with Hyperscan where it is installed (the same answers: what it cannot judge, ``re`` does).

        Examples
        --------
        >>> import pandas as pd
        >>> lex = load_lexicon({"families": {"war": {"topic": {"names": ["Ukrain\\w*"], "from_words": 3},
        ...                                          "variants": {"war": {"patterns": ["war"]}}}}})
        >>> texts = pd.Series(["The war in Ukraine.", "The Iraq war.", "War."])
        >>> matcher_for(lex).outside_topic(np.zeros(3, np.int64), np.array([0, 1, 2]), [texts]).tolist()
        [False, True, False]
        """
        rows = np.asarray(rows, dtype=np.int64)
        topic = self._topic_of_variant[np.asarray(variants, dtype=np.int64)]
        out = np.zeros(len(rows), dtype=bool)
        for k in np.unique(topic[topic >= 0]).tolist():  # each topic once, however many families share it
            mine = topic == k
            unique = np.unique(rows[mine])
            named = np.zeros(len(unique), dtype=bool)
            scanner = self._topic_scanner(k) if fast else None
            for column in columns:  # the title first: the text only where the title names nothing
                todo = np.flatnonzero(~named)
                named[todo] = _names_topic(column.iloc[unique[todo]], self._topics[k].regex, scanner)
            short = np.flatnonzero(~named)  # too short to be held to naming its story
            if len(short) and self._topics[k].from_words:
                words = np.zeros(len(short), dtype=np.int64)
                for column in columns:
                    words += [len(t.split()) if isinstance(t, str) else 0 for t in column.iloc[unique[short]].tolist()]
                named[short[words < self._topics[k].from_words]] = True
            out[mine] = ~named[np.searchsorted(unique, rows[mine])]
        return out

    def _topic_scanner(self, k: int) -> "HyperscanWords | None":
        if k not in self._topic_scanners:
            try:
                scanner = HyperscanWords([self._topics[k].body])
            except ValueError:  # Hyperscan missing, or a pattern it cannot express
                scanner = None
            self._topic_scanners[k] = scanner
        return self._topic_scanners[k]

    def other_referent(self, text: str, start: int, end: int, family: str) -> bool:
        """Whether the sentence of the match ``text[start:end]`` holds a mark of another referent of
        its family and none of the family's own (``other_referents``)."""
        marks, unless = self._others[family]
        lo, hi = sentence_window(text, start, end)
        if marks.search(text, lo, hi) is None:
            return False
        return unless is None or unless.search(text, lo, hi) is None

    @property
    def other_variants(self) -> np.ndarray:
        """Per variant (as :attr:`requirements`): whether its family has ``other_referents``."""
        return self._other_variants

    def near_checks(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per variant (as :attr:`requirements`): the index of its list of ``requires: near`` words
        (-1: none; see :meth:`near_scanner`), their reach in characters, and whether its
        requirement has ``before``/``after`` patterns too."""
        return self._near_of, self._near_reach, self._near_other

    def near_scanner(self, group: int) -> HyperscanWords | None:
        """Hyperscan's answer to :meth:`off_topic`'s `near` check for one list of words (see
        :meth:`near_checks`), or None when Hyperscan is missing or cannot express them."""
        if group not in self._near_scanners:
            try:
                scanner = HyperscanWords([pattern_to_regex(p) for p in self._near_words[group]])
            except ValueError:
                scanner = None
            self._near_scanners[group] = scanner
        return self._near_scanners[group]

    def inside_exclusion(self, text: str, start: int, end: int, family: str) -> list[tuple[int, int, str, str, bool]]:
        """The family's variant matches inside a fixed expression it excludes, all off topic."""
        rx = self._family_only.get(family)
        if rx is None:
            return []
        return [(m.start(), m.end(), family, self._entry[int(m.lastgroup[1:])][1], True)
                for m in rx.finditer(text, start, end)]

    @property
    def requirements(self) -> np.ndarray:
        """Per variant (by index in :attr:`variants`, plus one False for an exclusion), whether its
        matches must be checked against a ``requires`` (read-only)."""
        return self._needs

    def voice(self, text: str, start: int, end: int, quotes: QuoteIndex) -> str:
        """``quoted``, ``distanced`` or ``own`` for the term at ``text[start:end]``.

        ``quoted``: inside a quotation that holds more than the term; ``distanced``: scare quotes
        around the term alone, a distancing marker ("so-called", "self-proclaimed", "what Moscow
        calls") right before it, or one (", as Moscow calls it") right after it; ``own``: anything else.
        """
        spans = quotes.containing(start, end)
        if any(holds_more(text, sp.start, sp.end, start, end) for sp in spans):
            return "quoted"
        if spans or self.marked(text, start) or self.marked_after(text, end):
            return "distanced"
        return "own"


def _names_topic(texts, rx: re.Pattern, scanner: "HyperscanWords | None") -> np.ndarray:
    """Per text, whether `rx` (a topic) matches in it: Hyperscan scans the texts' UTF-8 bytes from
    Arrow memory and ``re`` answers only what it leaves open (or every text without a scanner)."""
    if scanner is not None and len(texts):
        import pyarrow as pa

        try:
            arr = pa.array(texts.array if hasattr(texts, "array") else texts, from_pandas=True, type=pa.large_string())
        except (pa.ArrowException, TypeError, ValueError):
            arr = None
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        if arr is not None:
            bounds = np.frombuffer(arr.buffers()[1], dtype=np.int64)[arr.offset:arr.offset + len(arr) + 1]
            data = memoryview(arr.buffers()[2] or b"")
            found = scanner.find(data, bounds[:-1], bounds[:-1], bounds[1:], bounds[1:])
            valid = ~np.asarray(arr.is_null(), dtype=bool)
            out = (found == 1) & valid
            unsure = np.flatnonzero((found < 0) & valid)
            if len(unsure):
                out[unsure] = [rx.search(t) is not None for t in texts.iloc[unsure].tolist()]
            return out
    values = texts.tolist()
    return np.fromiter((isinstance(t, str) and rx.search(t) is not None for t in values), dtype=bool, count=len(values))


class _Topic(NamedTuple):
    """A family's ``topic``, compiled: the regex ``re`` searches, its body for Hyperscan, and the
    shortest article (in words) held to naming it."""

    regex: re.Pattern
    body: str
    from_words: int


def _topic_regex(patterns: tuple[str, ...]) -> tuple[re.Pattern, str]:
    """A family's ``topic`` as one regex (and its body, for Hyperscan): a pattern that is a word
    stem (``Ukrain\\w*``) or a word becomes a branch of a trie of literals, which ``re`` rejects
    at most characters at once and Hyperscan compiles in a fraction of the time 51 patterns take."""
    stems, words, others = [], [], []
    for p in patterns:
        m = re.fullmatch(r"([^\W\d_]+)(\\w\*)?", p)
        (others if m is None else stems if m.group(2) else words).append(m.group(1) if m else p)
    branches = [trie_alternation(dict.fromkeys(stems)) + r"\w*"] if stems else []
    branches += [trie_alternation(dict.fromkeys(words))] if words else []
    branches += [f"(?:{pattern_to_regex(p)})" for p in others]
    return re.compile("(?<!\\w)(?:" + "|".join(branches) + ")(?!\\w)", re.IGNORECASE), "|".join(branches)


def _requirement_regexes(req) -> tuple:
    """(before, after, near, within, near patterns) of a requirement: `before` must end right before the term
    (one word may stand between), `after` start right after it, `near` occur within reach."""
    def alt(patterns):
        return "|".join(f"(?:{pattern_to_regex(p)})" for p in patterns)

    # the word that may stand between is not a verb's ("Russia needs war" is not Russia's war)
    gap = "[\\s\"“”‘’«»-]+"  # spaces, hyphens and quotation marks ("his “noble” war")
    between = rf"(?:{gap}(?![\w'’-]*(?:s|ed)\b)[\w'’-]+)?"
    before = re.compile(rf"(?<!\w)(?:{alt(req.before)}){between}{gap}\Z", re.IGNORECASE) if req.before else None
    after = re.compile(rf"[\s-]+(?:{alt(req.after)})(?!\w)", re.IGNORECASE) if req.after else None
    near = re.compile(rf"(?<!\w)(?:{alt(req.near)})(?!\w)", re.IGNORECASE) if req.near else None
    return before, after, near, req.within, tuple(req.near)


def _other_regexes(other) -> tuple:
    """(marks, unless) of a family's ``other_referents``, compiled (unless: None when not given)."""
    def alt(patterns):
        return re.compile("(?<!\\w)(?:" + "|".join(f"(?:{pattern_to_regex(p)})" for p in patterns) + ")(?!\\w)",
                          re.IGNORECASE)

    return alt(other.marks), (alt(other.unless) if other.unless else None)


_SENTENCE_END = re.compile(r"[.!?…][\"”’»)]*\s")


def sentence_window(text: str, start: int, end: int, reach: int = 300) -> tuple[int, int]:
    """The characters ``[lo, hi)`` of the sentence around ``text[start:end]``: from after the last
    sentence end before it to the first one after it, at most `reach` characters either side, in
    its paragraph.

    >>> t = "Hitler invaded Poland. Britain declared war on Germany. Kyiv is far away."
    >>> lo, hi = sentence_window(t, t.index("war"), t.index("war") + 3)
    >>> t[lo:hi]
    'Britain declared war on Germany.'
    """
    line = text.rfind("\n", max(0, start - reach), start) + 1
    lo = max(line, start - reach)
    for m in _SENTENCE_END.finditer(text, lo, start):
        lo = m.end()
    stop = text.find("\n", end, end + reach)
    stop = min(end + reach if stop < 0 else stop, len(text))
    m = _SENTENCE_END.search(text, end, stop)
    return lo, (m.start() + 1 if m else stop)


def near_window(text: str, start: int, end: int, within: int) -> tuple[int, int]:
    """The characters ``[lo, hi)`` of `text` where a ``requires: near`` word for the match
    ``text[start:end]`` must begin: `within` characters on either side, in the same paragraph."""
    line = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", end, end + within)
    return max(line, start - within), min(end + within if hi < 0 else hi, len(text))


def _literals(patterns) -> HyperscanLiterals | None:
    """A scanner for strings one of which every match of `patterns` contains, or None when some
    pattern has no such ASCII string or Hyperscan is missing (then every hit is checked)."""
    lits: set[str] | None = set()
    for p in patterns:
        found = required(pattern_to_regex(p))
        if found is None or not all(x.isascii() for x in found):
            return None
        lits |= found
    try:
        return HyperscanLiterals(lits) if lits else None
    except ValueError:
        return None


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


def holds_more(text: str, lo: int, hi: int, start: int, end: int) -> bool:
    """Whether the quotation ``text[lo:hi]`` holds more than the term ``text[start:end]``."""
    rest = text[lo:start] + _POSSESSIVE.sub("", text[end:hi])
    return _ALNUM.search(rest) is not None


def context_of(text: str, start: int, end: int, width: int) -> str:
    left = text[max(0, start - width):start]
    right = text[end:end + width]
    left = ("…" if start > width else "") + " ".join(left.split()) + (" " if left[-1:].isspace() else "")
    right = (" " if right[:1].isspace() else "") + " ".join(right.split()) + ("…" if end + width < len(text) else "")
    return f"{left}[{text[start:end]}]{right}"


def reference_hits(text: str, matcher: Matcher, context: int, found: list | None = None) -> Iterable[tuple]:
    """The hits-table values of every match in `text`, off-topic ones included (`found`: the
    matches of :meth:`Matcher.scan_all`, when known)."""
    found = matcher.scan_all(text) if found is None else found
    if not found:
        return
    quotes = QuoteIndex(text)
    for start, end, fam, var, off in found:
        yield (
            fam, var, matcher.orientation(fam, var), text[start:end], start, end,
            context_of(text, start, end, context), matcher.voice(text, start, end, quotes), off,
        )


