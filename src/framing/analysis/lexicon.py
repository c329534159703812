"""The lexicon: term families, their variants and the patterns that find them (data, not code).

A lexicon is read from YAML (the packaged ``framing/data/lexicon.yaml`` by default) or from a dict,
validated once, and compiled once into a single matcher (see :mod:`framing.analysis.matcher`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .._cache import derived, memo
from ..knowledge import RulesError, packaged_yaml, read_yaml

__all__ = ["Event", "Family", "Lexicon", "LexiconError", "Requirement", "Variant", "load_lexicon", "pattern_to_regex"]

_TOP_KEYS = {"version", "orientations", "distancing", "events", "families"}
_FAMILY_KEYS = {"label", "question", "about", "variants", "exclude", "events", "requires", "other_referents", "topic"}
_VARIANT_KEYS = {"patterns", "orientation", "note", "source", "color", "requires"}
_REQUIRES_KEYS = {"near", "before", "after", "within"}
#: The shortest article (in words) whose matches a family's ``topic`` is checked for.
TOPIC_FROM_WORDS = 100
#: Characters on each side of a term searched for a `requires` word when `within` is not given.
REQUIRES_WITHIN = 200

#: What a space in a pattern matches: any run of whitespace, hyphens or soft hyphens.
_GAP = r"(?:[\s\-\u00ad\u2010\u2011\u2012\u2013]+)"
#: What an apostrophe in a pattern matches: straight, curly, modifier letter, opening single quote.
_APOSTROPHE = "['\u2019\u02bc\u2018]"


class LexiconError(RulesError):
    """A lexicon is invalid; the message names the file, the family and the key."""


@dataclass(frozen=True)
class Requirement:
    """What must stand around a match for it to be the use a family means (``requires`` in YAML).

    A match counts when one of these holds: a `before` pattern ends right before it (one word may
    stand between: "the war", "Russia's brutal war"), an `after` pattern starts right after it
    ("war in Ukraine"), or a `near` pattern's match begins within `within` characters on either
    side, in the same paragraph. A match that fails stays in the hits table with ``off_topic=True``.
    Written per language (``requires: {en: {...}}``), it applies to articles in that language.
    """

    near: tuple[str, ...] = ()
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    within: int = REQUIRES_WITHIN
    #: the requirement per language, when written so: ``(("en", Requirement(...)), ...)``
    by_language: tuple[tuple[str, "Requirement"], ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.near or self.before or self.after)


@dataclass(frozen=True)
class Variant:
    """One name for the thing a family names, with the patterns that find it."""

    name: str
    family: str
    patterns: tuple[str, ...]
    orientation: str
    note: str = ""
    source: str | None = None
    #: its colour in every figure ("#1f77b4"); None: the family's palette, by the variant's place
    color: str | None = None
    #: its patterns per language, when given so (``{en: [...], ru: [...]}``): ``(("en", (...)), ...)``
    by_language: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: the context a match needs to count (None: the family's, if any)
    requires: Requirement | None = None

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages its patterns are written for (empty: every language)."""
        return tuple(lang for lang, _ in self.by_language)


@dataclass(frozen=True)
class Event:
    """A dated event to mark on time plots."""

    date: dt.date
    label: str
    family: str | None = None


@dataclass(frozen=True)
class Family:
    """A thing that can be named in several ways (the capital, the war, the fighters ...)."""

    name: str
    label: str
    question: str
    variants: tuple[Variant, ...]
    exclude: tuple[str, ...] = ()
    events: tuple[Event, ...] = ()
    #: what the variants are, as a phrase for a caption ("the names for the war"); "" when not given
    about: str = ""
    #: the exclusions per language, when given so (as :attr:`Variant.by_language`)
    exclude_by_language: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: the context every variant's match needs to count, unless the variant has its own
    requires: Requirement | None = None
    #: marks of another referent: a match whose sentence holds one of these and none of ``unless``
    #: is off topic (``other_referents: {marks: [...], unless: [...]}`` in YAML)
    other_referents: "OtherReferents | None" = None
    #: what an article must name somewhere (title or text) for its matches to count: the story
    #: the family is about ("Ukrain\\w*", "Kremlin"); a match in an article that names none of
    #: these (a 2008 story on Iraq's "war") stays in the hits table with ``off_topic=True``
    topic: tuple[str, ...] = ()
    #: the shortest article (words of title and text) the topic check applies to: a headline or a
    #: post of a few words often leaves its story unnamed ("How to cope with anxiety in wartime")
    topic_from_words: int = TOPIC_FROM_WORDS


@dataclass(frozen=True)
class OtherReferents:
    """What says a family's word names something else in its sentence (``other_referents`` in YAML).

    A match whose sentence (at most 300 characters either side, in its paragraph) holds one of the
    `marks` ("Hitler", "Syria", "Soviet-Finnish": another war) and none of the `unless` patterns
    (the family's own referent: "Ukrain\\w*", "Kyiv") stays in the hits table with ``off_topic=True``.
    """

    marks: tuple[str, ...]
    unless: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)  # hashed by identity: its compiled matcher is kept per object
class Lexicon:
    """A validated lexicon. Build it with :func:`load_lexicon`.

    Attributes
    ----------
    families : tuple of Family
    orientations : dict of tag -> meaning
    distancing : tuple of str
        Regexes that, right before a term, make its voice ``distanced``.
    events : tuple of Event
        Events for every family (a family's own events are in ``Family.events``).
    where : str
        The file (or ``<lexicon dict>``) it came from, for messages.
    """

    families: tuple[Family, ...]
    orientations: dict = field(default_factory=dict)
    distancing: tuple[str, ...] = ()
    events: tuple[Event, ...] = ()
    where: str = "<lexicon dict>"
    #: the distancing markers per language, when given so (as :attr:`Variant.by_language`)
    distancing_by_language: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: markers right *after* a term (", as Moscow calls it"), and per language
    distancing_after: tuple[str, ...] = ()
    distancing_after_by_language: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def family(self, name: str) -> Family:
        """The family called `name` (its id, e.g. ``"kyiv"``); KeyError names the known ones."""
        for fam in self.families:
            if fam.name == name:
                return fam
        raise KeyError(f"no family {name!r} in {self.where}; families: {[f.name for f in self.families]}")

    def variant(self, name: str) -> Variant:
        """Find a variant by ``"variant"`` or ``"family:variant"`` (case-insensitive)."""
        fam_name, _, var_name = name.rpartition(":")
        hits = [
            v for f in self.families for v in f.variants
            if v.name.casefold() == var_name.strip().casefold() and (not fam_name or f.name == fam_name)
        ]
        if len(hits) != 1:
            what = "no" if not hits else "more than one"
            raise KeyError(f"{what} variant {name!r} in {self.where}")
        return hits[0]

    @property
    def labels(self) -> dict[str, str]:
        """Each family's label by its id (``{"kyiv": "Kyiv / Kiev", ...}``), for tables and figures."""
        return {f.name: f.label for f in self.families}

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages some patterns are written for (``{en: [...], ru: [...]}``), sorted."""
        found = {lang for f in self.families for v in f.variants for lang in v.languages}
        found |= {lang for f in self.families for lang, _ in f.exclude_by_language}
        found |= {lang for f in self.families for r in (f.requires, *(v.requires for v in f.variants)) if r
                  for lang, _ in r.by_language}
        found |= {lang for lang, _ in self.distancing_by_language}
        found |= {lang for lang, _ in self.distancing_after_by_language}
        return tuple(sorted(found))

    def for_language(self, language: str) -> "Lexicon":
        """The lexicon an article in `language` is matched with: the patterns written for that
        language and those written for every language (a language no pattern names gets every
        pattern). Same families and variants, so tables line up; made once per language.

        Examples
        --------
        >>> lex = load_lexicon({"families": {"war": {"variants": {"war": {"patterns": {
        ...     "en": ["wars?"], "ru": ["войн[аыеу]"]}}}}}})
        >>> lex.for_language("ru").families[0].variants[0].patterns
        ('войн[аыеу]',)
        >>> lex.for_language("de") is lex
        True
        """
        if language not in self.languages:
            return self

        def build() -> "Lexicon":  # a plain lexicon: the chosen patterns, no longer per language
            families = tuple(dataclasses.replace(
                f, exclude=_for_language(f.exclude, f.exclude_by_language, language), exclude_by_language=(),
                requires=_requirement_for(f.requires, language),
                variants=tuple(dataclasses.replace(v, patterns=_for_language(v.patterns, v.by_language, language),
                                                   by_language=(), requires=_requirement_for(v.requires, language))
                               for v in f.variants)) for f in self.families)
            return dataclasses.replace(
                self, families=families, distancing_by_language=(), distancing_after_by_language=(),
                distancing=_for_language(self.distancing, self.distancing_by_language, language),
                distancing_after=_for_language(self.distancing_after, self.distancing_after_by_language, language))

        return derived(self, ("language", language), build)

    def subset(self, families: list[str] | None = None, variants: list[str] | None = None) -> "Lexicon":
        """A lexicon with only some families (and, within them, only some variants)."""
        keep = []
        for fam in self.families:
            if families is not None and fam.name not in families:
                continue
            vs = tuple(v for v in fam.variants if variants is None or v.name in variants)
            if vs:
                keep.append(dataclasses.replace(fam, variants=vs))
        return dataclasses.replace(self, families=tuple(keep))

    def events_for(self, family: str | None = None) -> pd.DataFrame:
        """Events to mark on a time plot: the global ones plus the family's own (``date``, ``label``)."""
        events = list(self.events)
        if family is not None:
            events += list(self.family(family).events)
        rows = [{"date": pd.Timestamp(e.date, tz="UTC"), "label": e.label} for e in events]
        return pd.DataFrame(rows, columns=["date", "label"]).sort_values("date", ignore_index=True)

    def to_frame(self) -> pd.DataFrame:
        """One row per variant: family, label, variant, orientation, patterns, note, source.

        Examples
        --------
        >>> lex = load_lexicon()
        >>> lex.to_frame().query("family == 'kyiv'")["variant"].tolist()
        ['Kyiv', 'Kiev']
        """
        rows = [
            {
                "family": f.name, "label": f.label, "variant": v.name, "orientation": v.orientation,
                "patterns": " | ".join(v.patterns), "note": v.note, "source": v.source,
            }
            for f in self.families for v in f.variants
        ]
        return pd.DataFrame(rows, columns=["family", "label", "variant", "orientation", "patterns", "note", "source"])


# --------------------------------------------------------------------------- patterns


def pattern_to_regex(pattern: str) -> str:
    """Translate a lexicon pattern into a Python regex (spaces and apostrophes made tolerant).

    Outside character classes, a space matches any run of whitespace or hyphens and an apostrophe
    matches any apostrophe-like character. Character classes and escapes are left alone.

    Examples
    --------
    >>> bool(re.fullmatch(pattern_to_regex("self proclaimed"), "self-\\nproclaimed"))
    True
    >>> bool(re.fullmatch(pattern_to_regex("people's"), "people’s"))
    True
    """
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if in_class:
            in_class = ch != "]" or out[-1] == "["
            out.append(ch)
        elif ch == "[":
            in_class = True
            out.append(ch)
        elif ch == " ":
            while i + 1 < len(pattern) and pattern[i + 1] == " ":
                i += 1
            out.append(_GAP)
        elif ch in "'\u2019":
            out.append(_APOSTROPHE)
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def bounded(regex: str) -> str:
    """Wrap a regex so that it matches on word boundaries only (letters, digits, underscore)."""
    return rf"(?<!\w)(?:{regex})(?!\w)"


def _check_pattern(pattern: Any, where: str) -> str:
    if not isinstance(pattern, str) or not pattern.strip():
        raise LexiconError(f"{where}: empty pattern {pattern!r}")
    try:
        compiled = re.compile(bounded(pattern_to_regex(pattern)), re.IGNORECASE)
    except re.error as exc:
        raise LexiconError(f"{where}: invalid pattern {pattern!r}: {exc}") from exc
    if compiled.match(""):
        raise LexiconError(f"{where}: pattern {pattern!r} matches the empty string")
    if re.search(r"\(\?P=|\(\?\(|\\[1-9]|\\g<", pattern):
        # every pattern becomes one branch of a single alternation, so group numbers would shift
        raise LexiconError(f"{where}: pattern {pattern!r} refers back to a group, which a lexicon "
                           "pattern cannot do (all patterns are combined into one regex)")
    return pattern


_LANGUAGE = re.compile(r"[a-z]{2,3}")


def _patterns(values: Any, where: str) -> tuple[str, ...]:
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list) or not values:
        raise LexiconError(f"{where}: expected a non-empty list of patterns, got {values!r}")
    return tuple(_check_pattern(p, f"{where}[{i}]") for i, p in enumerate(values))


def _language_patterns(values: Any, where: str) -> tuple[tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]]:
    """A list of patterns, or patterns per language (``{en: [...], ru: [...], uk: [...]}``): all of
    them in that order, and ``((lang, patterns), ...)`` (empty for a plain list)."""
    if not isinstance(values, dict):
        return _patterns(values, where), ()
    if not values:
        raise LexiconError(f"{where}: expected patterns per language, e.g. {{en: [...], ru: [...]}}, got {{}}")
    per: list[tuple[str, tuple[str, ...]]] = []
    for lang, each in values.items():
        if not isinstance(lang, str) or not _LANGUAGE.fullmatch(lang):
            raise LexiconError(f"{where}: {lang!r} is not a language code (two or three letters: en, ru, uk)")
        per.append((lang, _patterns(each, f"{where}.{lang}")))
    return tuple(p for _, pats in per for p in pats), tuple(per)


def _requirement_for(req: "Requirement | None", language: str) -> "Requirement | None":
    """The requirement an article in `language` is held to (None: every match counts)."""
    if req is None or not req.by_language:
        return req
    return next((r for lang, r in req.by_language if lang == language), None)


def _requirement(value: Any, where: str) -> "Requirement | None":
    if value is None:
        return None
    if not isinstance(value, dict) or not value:
        raise LexiconError(f"{where}: expected a mapping {{before: [...], after: [...], near: [...], within: N}}, "
                           f"or one per language ({{en: {{...}}}}), got {value!r}")
    if all(isinstance(k, str) and _LANGUAGE.fullmatch(k) for k in value) and not set(value) & _REQUIRES_KEYS:
        per = tuple((lang, _one_requirement(each, f"{where}.{lang}")) for lang, each in value.items())
        return Requirement(by_language=per)
    return _one_requirement(value, where)


def _one_requirement(value: Any, where: str) -> "Requirement":
    if not isinstance(value, dict) or not set(value) & {"near", "before", "after"}:
        raise LexiconError(f"{where}: expected a mapping with 'before', 'after' or 'near' (lists of patterns), "
                           f"got {value!r}")
    _unknown(value, _REQUIRES_KEYS, where)
    parts = {k: _patterns(value[k], f"{where}.{k}") if k in value else () for k in ("near", "before", "after")}
    within = value.get("within", REQUIRES_WITHIN)
    if isinstance(within, bool) or not isinstance(within, int) or not 1 <= within <= 5000:
        raise LexiconError(f"{where}.within: expected a number of characters from 1 to 5000, got {within!r}")
    return Requirement(within=within, **parts)


def _for_language(patterns: tuple[str, ...], by_language: tuple, language: str) -> tuple[str, ...]:
    if not by_language:
        return patterns  # written for every language
    return next((pats for lang, pats in by_language if lang == language), ())


# --------------------------------------------------------------------------- loading


def _unknown(entry: dict, known: set[str], where: str) -> None:
    unknown = set(entry) - known
    if unknown:
        raise LexiconError(f"{where}: unknown key(s) {sorted(map(str, unknown))}; known: {sorted(known)}")


def _events(values: Any, where: str, family: str | None = None) -> tuple[Event, ...]:
    if values is None:
        return ()
    if not isinstance(values, list):
        raise LexiconError(f"{where}: expected a list of {{date, label}} mappings")
    out = []
    for i, e in enumerate(values):
        w = f"{where}[{i}]"
        if not isinstance(e, dict) or set(e) != {"date", "label"}:
            raise LexiconError(f"{w}: an event needs exactly the keys 'date' and 'label', got {e!r}")
        date = e["date"]
        if isinstance(date, str):
            try:
                date = dt.date.fromisoformat(date)
            except ValueError as exc:
                raise LexiconError(f"{w}: date: expected YYYY-MM-DD, got {date!r}") from exc
        if not isinstance(date, dt.date):
            raise LexiconError(f"{w}: date: expected YYYY-MM-DD, got {date!r}")
        out.append(Event(date=date, label=str(e["label"]), family=family))
    return tuple(out)


def _variant(name: Any, entry: Any, family: str, orientations: dict, where: str) -> Variant:
    if not isinstance(name, str) or not name.strip():
        raise LexiconError(f"{where}: a variant name must be a non-empty string, got {name!r}")
    where = f"{where}.{name}"
    if not isinstance(entry, dict):
        raise LexiconError(f"{where}: expected a mapping with 'patterns', got {entry!r}")
    _unknown(entry, _VARIANT_KEYS, where)
    if "patterns" not in entry:
        raise LexiconError(f"{where}: key 'patterns' is missing")
    patterns, by_language = _language_patterns(entry["patterns"], f"{where}.patterns")
    orientation = entry.get("orientation", "neutral")
    if orientations and orientation not in orientations:
        raise LexiconError(
            f"{where}: orientation: unknown tag {orientation!r}; known: {sorted(orientations)}"
        )
    return Variant(
        name=name.strip(),
        family=family,
        patterns=patterns,
        orientation=str(orientation),
        note=" ".join(str(entry.get("note") or "").split()),
        source=entry.get("source"),
        color=_color(entry.get("color"), f"{where}.color"),
        by_language=by_language,
        requires=_requirement(entry.get("requires"), f"{where}.requires"),
    )


def _color(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not re.fullmatch(r"#[0-9A-Fa-f]{6}", value.strip()):
        raise LexiconError(f"{where}: a colour is written #rrggbb (e.g. '#1f77b4'), got {value!r}")
    return value.strip().lower()


def _family(name: Any, entry: Any, orientations: dict, where: str) -> Family:
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z_][\w-]*", name):
        raise LexiconError(f"{where}: a family id must be a word like 'kyiv' or 'war_name', got {name!r}")
    where = f"{where}.{name}"
    if not isinstance(entry, dict):
        raise LexiconError(f"{where}: expected a mapping with 'variants', got {entry!r}")
    _unknown(entry, _FAMILY_KEYS, where)
    variants = entry.get("variants")
    if not isinstance(variants, dict) or not variants:
        raise LexiconError(f"{where}.variants: expected a non-empty mapping variant -> {{patterns: [...]}}")
    exclude = entry.get("exclude")
    excluded, excluded_by_language = _language_patterns(exclude, f"{where}.exclude") if exclude is not None else ((), ())
    return Family(
        name=name,
        label=str(entry.get("label") or name),
        question=str(entry.get("question") or ""),
        variants=tuple(
            _variant(vn, ve, name, orientations, f"{where}.variants") for vn, ve in variants.items()
        ),
        exclude=excluded,
        exclude_by_language=excluded_by_language,
        events=_events(entry.get("events"), f"{where}.events", family=name),
        about=str(entry.get("about") or ""),
        requires=_requirement(entry.get("requires"), f"{where}.requires"),
        other_referents=_other_referents(entry.get("other_referents"), f"{where}.other_referents"),
        **_topic(entry.get("topic"), f"{where}.topic"),
    )


def _topic(value: Any, where: str) -> dict:
    """``topic: [patterns]`` or ``topic: {names: [patterns], from_words: N}``."""
    if value is None:
        return {}
    if isinstance(value, dict):
        _unknown(value, {"names", "from_words"}, where)
        if "names" not in value:
            raise LexiconError(f"{where}: key 'names' is missing")
        words = value.get("from_words", TOPIC_FROM_WORDS)
        if isinstance(words, bool) or not isinstance(words, int) or words < 0:
            raise LexiconError(f"{where}.from_words: expected a number of words (0 or more), got {words!r}")
        return {"topic": _patterns(value["names"], f"{where}.names"), "topic_from_words": words}
    return {"topic": _patterns(value, where)}


def _other_referents(value: Any, where: str) -> OtherReferents | None:
    if value is None:
        return None
    if not isinstance(value, dict) or "marks" not in value:
        raise LexiconError(f"{where}: expected a mapping {{marks: [...], unless: [...]}}, got {value!r}")
    _unknown(value, {"marks", "unless"}, where)
    return OtherReferents(marks=_patterns(value["marks"], f"{where}.marks"),
                          unless=_patterns(value["unless"], f"{where}.unless") if "unless" in value else ())


def _runaway(lexicon: Lexicon, where: str) -> None:
    """Refuse a pattern that Python's ``re`` would run in exponential time
    (:func:`framing.text.redos.exponential`): one long article would hang every later step."""
    from ..text.redos import exponential

    places = [(f"families.{f.name}.variants.{v.name}.patterns[{i}]", p)
              for f in lexicon.families for v in f.variants for i, p in enumerate(v.patterns)]
    places += [(f"families.{f.name}.exclude[{i}]", p) for f in lexicon.families for i, p in enumerate(f.exclude)]
    places += [(f"families.{f.name}.topic[{i}]", p) for f in lexicon.families for i, p in enumerate(f.topic)]
    places += [(f"distancing.markers[{i}]", p) for i, p in enumerate(lexicon.distancing)]
    places += [(f"distancing.after[{i}]", p) for i, p in enumerate(lexicon.distancing_after)]
    for f in lexicon.families:
        for v, req in [("", f.requires), *((v.name, v.requires) for v in f.variants)]:
            for lang, r in ([("", req)] if req is not None and not req.by_language else
                            (req.by_language if req is not None else [])):
                at = f"families.{f.name}{'.variants.' + v if v else ''}.requires{'.' + lang if lang else ''}"
                places += [(f"{at}.{k}[{i}]", p) for k in ("near", "before", "after")
                           for i, p in enumerate(getattr(r, k))]
    for place, pattern in places:
        why = exponential(bounded(pattern_to_regex(pattern)), re.IGNORECASE)
        if why:
            raise LexiconError(f"{where}: {place}: pattern {pattern!r} can run away in Python's re "
                               f"({why}); write it so that each stretch of text can be matched in only one way, "
                               "e.g. (a+)+ as a+, (\\w+\\s?)+ as \\w+(?:\\s\\w+)*")


def _build(data: dict, where: str, *, runaway: bool = True) -> Lexicon:
    _unknown(data, _TOP_KEYS, where)
    orientations = data.get("orientations") or {}
    if not isinstance(orientations, dict):
        raise LexiconError(f"{where}: orientations: expected a mapping tag -> meaning")
    families = data.get("families")
    if not isinstance(families, dict) or not families:
        raise LexiconError(f"{where}: families: expected a non-empty mapping family -> {{variants: ...}}")
    built = tuple(_family(n, e, orientations, f"{where}: families") for n, e in families.items())
    seen: dict[str, str] = {}
    for fam in built:
        for v in fam.variants:
            key = v.name.casefold()
            if key in seen and seen[key] != fam.name:
                raise LexiconError(
                    f"{where}: families.{fam.name}.variants.{v.name}: variant already listed in family {seen[key]!r}"
                )
            seen[key] = fam.name
    distancing = data.get("distancing") or {}
    if not isinstance(distancing, dict) or set(distancing) - {"markers", "after"}:
        raise LexiconError(f"{where}: distancing: expected a mapping with the keys 'markers' and 'after'")
    markers = distancing.get("markers")
    distancing_all, distancing_per = _language_patterns(markers, f"{where}: distancing.markers") if markers else ((), ())
    after = distancing.get("after")
    after_all, after_per = _language_patterns(after, f"{where}: distancing.after") if after else ((), ())
    lexicon = Lexicon(
        families=built,
        orientations=dict(orientations),
        distancing=distancing_all,
        events=_events(data.get("events"), f"{where}: events"),
        where=where,
        distancing_by_language=distancing_per,
        distancing_after=after_all,
        distancing_after_by_language=after_per,
    )
    if runaway:
        _runaway(lexicon, where)
    return lexicon


def load_lexicon(path_or_dict: str | Path | dict | Lexicon | None = None) -> Lexicon:
    """Load and validate a lexicon.

    Parameters
    ----------
    path_or_dict : path, dict, Lexicon or None
        A YAML file, a dict with the same structure (handy in a notebook), an already loaded
        lexicon (returned as is), or None for the packaged Russia–Ukraine lexicon.

    Raises
    ------
    LexiconError
        With the file, the family and the key: unknown keys, empty or invalid patterns, unknown
        orientation tags, a variant listed in two families, a pattern that Python's ``re`` would
        run in exponential time (``(a+)+``; see :func:`framing.text.redos.exponential`).

    Examples
    --------
    >>> lex = load_lexicon({"families": {"capital": {"variants": {
    ...     "Kyiv": {"patterns": ["Kyiv"], "orientation": "ua"},
    ...     "Kiev": {"patterns": ["Kiev"], "orientation": "ru"}}}}})
    >>> [v.name for v in lex.family("capital").variants]
    ['Kyiv', 'Kiev']
    >>> len(load_lexicon().families) >= 15
    True
    """
    if isinstance(path_or_dict, Lexicon):
        return path_or_dict
    if path_or_dict is None:
        return _packaged_lexicon()
    data, where = read_yaml(path_or_dict, "lexicon", LexiconError)
    return _build(data, where)


@memo(maxsize=1)
def _packaged_lexicon() -> Lexicon:
    # checked for runaway patterns by the tests, not at every start
    return _build(packaged_yaml("lexicon.yaml"), "framing/data/lexicon.yaml", runaway=False)
