"""The English attribution grammar: the stages of ``framing/data/attribution_en.yaml``, compiled once
per speakers file, that say where the speaker of a quotation is looked for and in which order.

A stage is data (a name, the stretch of text it searches, a regex with slots such as ``{speaker}``
and ``{verb}``), so that a pattern can be added, reordered or read without touching code;
:func:`framing.find_quotes` runs them (:mod:`framing.analysis.quotes`), and its ``rule`` column
names the stage that matched. The slots are filled from the speakers file
(:mod:`framing.analysis.speakers`): its names, roles, verbs, inverted verbs and participles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .._cache import derived
from ..knowledge import RulesError, packaged_yaml, read_yaml
from ..text.alternation import trie_alternation
from .speakers import Speakers

__all__ = ["Grammar", "Stage", "WHERE", "grammar_for"]

#: The stretches of text a stage may search (see the YAML file's header).
WHERE = ("after", "before", "next", "previous", "previous_quote")
_STAGE_KEYS = {"name", "where", "pattern", "pick", "speaker", "verb", "example"}
_TOP_KEYS = {"stages", "label_verbs"}

# the grammar around a speaker mention
_SAYS = "said|says|told|tells|added|adds|wrote|writes"  # the verbs right after a speaker and its appositive
APPOSITIVE = (r"(?P<app>,\s+(?:who|which)\s+[^“”\"«»\n]{2,250}?,|,\s+(?:(?!(?:" + _SAYS + r")\b)[^,“”\"«»\n]){2,90}?,"
              # (a plain appositive reports nothing: in "…if it invaded Taiwan, Liz Truss has said," the
              # speaker is Liz Truss, not Taiwan)
              # an appositive whose closing comma is missing ("Pablo Echenique, the spokesperson for Podemos said")
              r"|,\s+(?:the|a|an)\s+[^,“”\"«»\n.]{2,90}?(?=\s+(?:has\s+|had\s+)?(?:" + _SAYS
              + r"|stated|explained|noted|insisted|warned|stressed)\b))?(?:,(?=\s+\w+\s*:))?")
AUX = (r"(?:\s+(?:has|had|have|would|will|was|were|is|are|been|also|then|later|earlier|once|already|again|"
       r"repeatedly|previously|recently|publicly|on\s+\w+day))*(?:\s+\w+ly)?")
DESCRIPTOR = r"(?:(?:(?:[Tt]he|[Aa]n?|[A-Z]{2,}|[\w’'-]+)\s+){1,5}?(?=[A-Z]))"
LEAD = r"[\s,.:;—–-]*"
CLAUSE = r"[^.!?“”\"«»\n]{0,120}"
SPACE = r"\s+"  # a space inside a multi-word verb ("calling on") matches any run of white space


@dataclass(frozen=True)
class Stage:
    """One attribution pattern: where it looks and what it finds."""

    name: str
    where: str
    regex: re.Pattern | None
    pick: str = "first"  # first or last match in the stretch
    speaker: str = "mention"  # mention, subject, phrase or none
    verb: str | None = None  # a fixed canonical verb; "-" for none
    example: str = ""

    def search(self, chunk: str) -> re.Match | None:
        """The stage's match in `chunk` (the last one with ``pick: last``), or None."""
        if self.regex is None:
            return None
        if self.pick == "first" or self.regex.pattern.endswith("$"):  # anchored at the end: one match at most
            return self.regex.search(chunk)
        m = None
        for m in self.regex.finditer(chunk):
            pass
        return m


@dataclass(frozen=True, eq=False)
class Grammar:
    """The compiled stages, in order, and the verbs that label rather than report."""

    stages: tuple[Stage, ...]
    label_verbs: dict  # form (lower case) -> canonical
    #: any form of any verb a stage may need (reporting, label, participle, inverted), as a word
    any_verb: re.Pattern | None = None

    def verb(self, sp: Speakers, stage: Stage, m: re.Match | None) -> str | None:
        """The canonical verb a stage's match gives (None for none)."""
        if stage.verb is not None:
            return None if stage.verb == "-" else stage.verb
        if m is None or "verb" not in m.re.groupindex or m.group("verb") is None:
            return None
        form = " ".join(m.group("verb").lower().split())
        return self.label_verbs.get(form) or sp.canonical_verb(form)


def _slots(sp: Speakers, label_forms) -> dict[str, str]:
    return {
        "speaker": rf"(?P<spk>{sp.speaker_rx})(?:\s+\([A-Z][A-Za-z]{{1,9}}\))?",
        "verb": rf"(?P<verb>{sp.verb_rx})",
        "inverted": rf"(?P<verb>{trie_alternation(sp.inverted_verbs, space=SPACE)})",
        "participle": rf"(?P<verb>{trie_alternation(sp.participles, space=SPACE)})",
        "label_verb": rf"(?P<verb>{trie_alternation(label_forms, space=SPACE)})",
        "appositive": APPOSITIVE, "aux": AUX, "descriptor": DESCRIPTOR, "lead": LEAD, "clause": CLAUSE,
    }


def _fill(pattern: str, slots: dict[str, str], where: str) -> str:
    def put(m: re.Match) -> str:
        if m.group(1) not in slots:
            raise RulesError(f"{where}: unknown slot {{{m.group(1)}}}; slots: {sorted(slots)}")
        return slots[m.group(1)]

    # a {n,m} repetition is not a slot: only {word} with a known or word-like name is replaced
    return re.sub(r"\{([A-Za-z_]\w*)\}", put, pattern)


def _stage(entry, i: int, slots: dict[str, str], where: str) -> Stage:
    place = f"{where}: stages[{i}]"
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
        raise RulesError(f"{place}: expected a mapping with a 'name'")
    place = f"{place} ({entry['name']})"
    unknown = set(entry) - _STAGE_KEYS
    if unknown:
        raise RulesError(f"{place}: unknown key(s) {sorted(unknown)}; known: {sorted(_STAGE_KEYS)}")
    where_ = entry.get("where")
    if where_ not in WHERE:
        raise RulesError(f"{place}: where: expected one of {list(WHERE)}, got {where_!r}")
    pick = entry.get("pick", "first")
    if pick not in ("first", "last"):
        raise RulesError(f"{place}: pick: expected first or last, got {pick!r}")
    speaker = entry.get("speaker", "mention")
    if speaker not in ("mention", "subject", "phrase", "none"):
        raise RulesError(f"{place}: speaker: expected mention, subject, phrase or none, got {speaker!r}")
    pattern = entry.get("pattern")
    regex = None
    if where_ == "previous_quote":
        if pattern is not None:
            raise RulesError(f"{place}: a previous_quote stage takes no pattern")
    else:
        if not isinstance(pattern, str) or not pattern.strip():
            raise RulesError(f"{place}: pattern: expected a regex with slots such as {{speaker}} and {{verb}}")
        if speaker == "mention" and "{speaker}" not in pattern:
            raise RulesError(f"{place}: pattern: a stage whose speaker is the mention needs a {{speaker}} slot")
        if speaker == "phrase" and "(?P<spk>" not in pattern:
            raise RulesError(f"{place}: pattern: a stage whose speaker is a phrase needs a group (?P<spk>…)")
        if entry.get("verb") is None and not re.search(r"\{(?:verb|inverted|participle|label_verb)\}|\(\?P<verb>", pattern):
            raise RulesError(f"{place}: pattern: no verb slot ({{verb}}, {{inverted}}, {{participle}}, "
                             "{label_verb} or (?P<verb>…)) and no fixed 'verb'")
        try:
            regex = re.compile(_fill(pattern, slots, place))
        except re.error as exc:
            raise RulesError(f"{place}: pattern: invalid regex {pattern!r}: {exc}") from exc
    verb = entry.get("verb")
    return Stage(entry["name"], where_, regex, pick, speaker, None if verb is None else str(verb),
                 " ".join(str(entry.get("example") or "").split()))


def grammar_for(sp: Speakers, source: str | Path | dict | None = None) -> Grammar:
    """The attribution grammar (the packaged one, or `source`: a YAML file or dict of the same
    form) compiled against the speakers `sp`; kept per speakers object.

    Examples
    --------
    >>> from framing.analysis.speakers import load_speakers
    >>> g = grammar_for(load_speakers())
    >>> [s.name for s in g.stages][:2]
    ['after_verb_speaker', 'after_speaker_verb']
    """
    if source is None:
        return derived(sp, "attribution grammar", lambda: _build(sp, packaged_yaml("attribution_en.yaml"),
                                                                 "framing/data/attribution_en.yaml"))
    data, where = read_yaml(source, "attribution")
    return _build(sp, data, where)


def _build(sp: Speakers, data: dict, where: str) -> Grammar:
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise RulesError(f"{where}: unknown top-level key(s) {sorted(unknown)}; known: {sorted(_TOP_KEYS)}")
    labels: dict[str, str] = {}
    for canon, forms in (data.get("label_verbs") or {}).items():
        if not isinstance(forms, list):
            raise RulesError(f"{where}: label_verbs.{canon}: expected a list of forms")
        for form in forms:
            labels[" ".join(str(form).lower().split())] = str(canon)
    stages = data.get("stages")
    if not isinstance(stages, list) or not stages:
        raise RulesError(f"{where}: stages: expected a non-empty list")
    slots = _slots(sp, labels)
    built = tuple(_stage(e, i, slots, where) for i, e in enumerate(stages))
    names = [s.name for s in built]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise RulesError(f"{where}: stages: names used twice: {dupes}")
    any_verb = re.compile(r"\b(?:" + trie_alternation({*sp.verbs, *labels, *sp.participles, *sp.inverted_verbs},
                                                      space=r"\s+") + r")\b", re.IGNORECASE)
    return Grammar(built, labels, any_verb)
