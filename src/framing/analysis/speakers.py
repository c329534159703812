"""Who a mention names: the speakers knowledge (``framing/data/speakers.yaml``) and the shape of a name.

:class:`Speakers` holds what the file says (people and institutions with their aliases and
groups, unnamed roles, attribution verbs and the words that are never a name) and answers the
questions attribution asks of a mention: who it names (:meth:`Speakers.resolve`), whether it is a
pronoun or a role ("the minister"), the full name behind a surname, and the known person
mentioned last before a position. Finding the quotation and its attribution is
:mod:`framing.analysis.quotes`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .._cache import derived, memo
from ..knowledge import RulesError, packaged_yaml, read_yaml
from ..text.alternation import trie_alternation

__all__ = ["Speakers", "load_speakers", "ROLE_NP", "TITLES", "PROPER", "PRONOUNS", "LATIN_UPPER"]

#: Titles that may stand before a name ("President", "Foreign Minister", "Mr").
TITLES = (
    r"(?:(?:President|Prime\s+Minister|Foreign\s+Minister|Defen[cs]e\s+Minister|Minister|Secretary\s+of\s+State|"
    r"Secretary|Chancellor|Spokes(?:man|woman|person)|Gen\.?|General|Mr\.?|Ms\.?|Mrs\.?|Dr\.?|Senator|Sen\.?|"
    r"Ambassador|Mayor|Governor|Commander|Colonel|Col\.?|Lt\.?|Pope|King|Queen|Prince)\s+)*"
)
#: Latin capitals and small letters with their accented forms (Latin-1 and Latin Extended-A), so that
#: "Oléna Bólotova" or "Şahin Çelik" is a whole name, not "Ol".
LATIN_UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĔĖĘĚĜĞĠĢĤĦĨĪĬĮİĴĶĹĻĽĿŁŃŅŇŊŌŎŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽ"
LATIN_LOWER = "a-zß-öø-ÿā-ž"
#: A capitalised name of up to eight words ("Petro Bondar", "Ursula von der Leyen", "Oléna Bólotova").
PROPER = (rf"[{LATIN_UPPER}][{LATIN_LOWER}'’\-]+(?:\s+(?:de\s+|von\s+|van\s+|der\s+|al-)?"
          rf"[{LATIN_UPPER}][{LATIN_UPPER}{LATIN_LOWER}'’\-]+){{0,7}}")
#: The pronouns that stand for a speaker.
PRONOUNS = r"(?:[Hh]e|[Ss]he|[Tt]hey)"
_ROLE_NOUNS = (
    r"(?:minister|spokes(?:man|woman|person)|officials?|president|ministry|analysts?|experts?|commanders?|"
    r"governor|mayor|ambassador|soldiers?|residents?|sources?|diplomats?|chief|head|leader|secretary|"
    r"advis[eo]r|general|prosecutors?|statement|report|agency|army|military|office|department|council|"
    r"service|man|woman|pensioner|volunteers?|officers?|lawmakers?|MPs?|senators?|researchers?|professor|"
    r"envoy|adviser|aide|deputy|director|chairman|founder|editor|correspondent|witness(?:es)?|refugees?|mother|father)"
)
#: A speaker named by a role rather than a name ("the Russian defence ministry", "a Ukrainian soldier").
ROLE_NP = rf"\b(?:[Tt]he|[Aa]n?|[A-Z][a-z]+['’]s)\s+(?:[\w’'\-.]+\s+){{0,5}}?(?i:{_ROLE_NOUNS})\b"
_ROLE_WORDS = re.compile(
    r"\b(?:Minister|President|Secretary|Spokes(?:man|woman|person)|Chancellor|General|Chief|Governor|Mayor|"
    r"Ambassador|Commander|Director|Head|Adviser|Advisor|Envoy|Speaker|Chairman|Leader)\b"
)
_DEFINITE_ROLE = re.compile(rf"^[Tt]he\s+(?:[\w’'\-]+\s+){{0,4}}?(?P<noun>{_ROLE_NOUNS})$")
_HONORIFICS = ("Mr", "Ms", "Mrs", "Dr")

#: Top-level keys of a speakers file; the word lists are merged in order, the extra file's words after ours.
_TABLES = ("groups", "speakers", "roles", "verbs")
_WORD_LISTS = ("not_names", "inverted_verbs", "participles", "bare_verbs", "citation_verbs")


@dataclass(frozen=True, eq=False)  # hashed by identity, so what is derived from it is kept per instance
class Speakers:
    """Compiled speakers knowledge: aliases → canonical names and groups, roles, verbs, non-names.

    Examples
    --------
    >>> sp = load_speakers()
    >>> sp.resolve("a Ukrainian soldier")  # a role: a group, but nobody named
    (None, 'Ukraine')
    >>> sp.is_pronoun(" she "), sp.definite_role("the defence minister")
    (True, 'minister')
    """

    canonical: dict   # alias -> canonical name
    groups: dict      # canonical name -> group (or None)
    people: frozenset  # canonical names of people (not institutions)
    roles: tuple      # (group, compiled regex)
    verbs: dict       # verb form (lower case) -> canonical verb
    role_text: dict   # canonical name -> role (lower case), for "the minister said"
    speaker_rx: str   # the regex source of a speaker mention
    verb_rx: str      # the regex source of an attribution verb
    not_names: frozenset = frozenset()     # capitalised words that begin no name ("The", "Russia", "Monday")
    inverted_verbs: tuple = ()  # verb forms that may put the speaker after them ("…,” said Lavrov)
    participles: tuple = ()     # participles that carry the attribution ("…, saying “…”")
    bare_verbs: frozenset = frozenset()  # canonical verbs that report speech without "that"
    citation_verbs: tuple = ()  # verbs after a cited outlet ("TASS reported")

    def resolve(self, text: str) -> tuple[str | None, str | None]:
        """(canonical speaker, group) for a speaker mention; None where it names nobody known."""
        found = [self.canonical[m.group()] for m in self._aliases().finditer(text)]
        if found:  # "Ukraine President Volodymyr Zelensky": the person, not the country
            name = max(found, key=lambda n: (n in self.people, len(n)))
            return name, self.groups.get(name)
        group = next((g for g, rx in self.roles if rx.search(text)), None)
        proper = re.search(PROPER, _strip_titles(text))
        if proper and proper.group().split()[0] not in self.not_names and not re.fullmatch(ROLE_NP, text.strip()):
            name = _ROLE_WORDS.split(proper.group())[-1].strip()  # "Forces Minister James Heappey" → "James Heappey"
            if name and name.split()[0] not in self.not_names:
                return name, group
        return None, group

    def role_of(self, name: str) -> str:
        """The role text of a known speaker ('' when unknown)."""
        return self.role_text.get(name, "")

    def canonical_verb(self, verb: str) -> str:
        """The canonical verb of a verb form ("tells" → "told"); an unknown form is its own."""
        return self.verbs.get(" ".join(verb.lower().split()), verb.lower())

    @staticmethod
    def is_pronoun(text: str) -> bool:
        """Whether a mention is a pronoun ("he", "She", "they")."""
        return re.fullmatch(PRONOUNS, text.strip()) is not None

    @staticmethod
    def is_role(text: str) -> bool:
        """Whether a mention begins with a role ("the Russian defence ministry", "a resident")."""
        return re.match(ROLE_NP, text) is not None

    @staticmethod
    def definite_role(text: str) -> str | None:
        """The role noun of a definite role mention ("the minister" → "minister"), or None."""
        m = _DEFINITE_ROLE.match(text.strip())
        return m.group("noun").lower() if m else None

    def full_name(self, name: str, text: str, pos: int) -> str:
        """A surname alone ("Morrison said") stands for the full name used earlier ("Scott Morrison")."""
        if " " in name or text.find(name, 0, pos) < 0:  # no copy of the text to look
            return name
        full = None
        for full in _after_first_name(name).finditer(text[:pos]):
            pass
        first = full.group().split()[0] if full else ""
        return full.group() if full and first not in self.not_names and first not in _HONORIFICS else name

    @staticmethod
    def looks_like_person(mention: str, name: str) -> bool:
        """An unknown name counts as a person for "he said" if it has two words or a title ("Mr Yates")."""
        return len(name.split()) >= 2 or re.match(r"(?:Mr|Ms|Mrs|Dr)\.?\s", mention.strip()) is not None

    def last_person_before(self, text: str, pos: int, role: str | None = None) -> str | None:
        """The known person mentioned last before `pos` (whose role mentions `role`, if given)."""
        best, best_pos = None, -1
        window = text[max(0, pos - 1500):pos]
        for alias, name in self.canonical.items():
            if name not in self.people or (role and role not in self.role_of(name)):
                continue
            i = window.rfind(alias)
            if i > best_pos:
                best, best_pos = name, i
        return best

    def _aliases(self) -> re.Pattern:
        def build() -> re.Pattern:
            return re.compile(rf"(?<!\w){trie_alternation(self.canonical)}(?!\w)")

        return derived(self, "aliases", build)


@memo(maxsize=4096)
def _after_first_name(name: str) -> re.Pattern:
    """A capitalised word, then `name` ("Scott Morrison" for "Morrison"), compiled once per name.

    The capital comes first and the word boundary before it is checked from behind it, so that the
    regex engine can skip to the next capital (the same matches as ``\\b[A-Z]…``)."""
    return re.compile(rf"[{LATIN_UPPER}](?<!\w[{LATIN_UPPER}])[{LATIN_LOWER}'’\-]+\s+{re.escape(name)}\b")


def _strip_titles(text: str) -> str:
    return re.sub("^" + TITLES, "", text.strip())


def _speaker_entries(data: dict, where: str) -> list[dict]:
    entries = data.get("speakers") or []
    if not isinstance(entries, list):
        raise RulesError(f"{where}: speakers: expected a list of {{name, aliases, role, country, group}}")
    for i, e in enumerate(entries):
        if not isinstance(e, dict) or not isinstance(e.get("name"), str):
            raise RulesError(f"{where}: speakers[{i}]: expected a mapping with a 'name'")
        unknown = set(e) - {"name", "aliases", "role", "country", "group", "kind"}
        if unknown:
            raise RulesError(f"{where}: speakers[{i}] ({e['name']}): unknown key(s) {sorted(unknown)}")
    return entries


def _words(data: dict, key: str, where: str) -> list[str]:
    words = data.get(key) or []
    if not isinstance(words, list):
        raise RulesError(f"{where}: {key}: expected a list of words")
    for i, word in enumerate(words):
        if not isinstance(word, str) or not word.strip():
            hint = " (YAML reads On, Off, Yes and No unquoted as booleans: quote the word)" \
                if isinstance(word, bool) else ""
            raise RulesError(f"{where}: {key}[{i}]: expected a word, got {word!r}{hint}")
    return words


def load_speakers(extra: str | Path | dict | None = None) -> Speakers:
    """Load the packaged speakers (names, institutions, roles, verbs), merged with `extra`.

    Examples
    --------
    >>> sp = load_speakers({"speakers": [{"name": "Jane Doe", "aliases": ["Doe"], "group": "Experts"}]})
    >>> sp.resolve("Ms Doe")
    ('Jane Doe', 'Experts')
    >>> sp.resolve("Foreign Minister Sergei Lavrov")
    ('Sergei Lavrov', 'Russia')
    """
    return _build_speakers(extra)


@memo(maxsize=8)
def _build_speakers(extra) -> Speakers:
    base, where = packaged_yaml("speakers.yaml"), "framing/data/speakers.yaml"
    sources = [(base, where)] + ([read_yaml(extra, "speakers")] if extra is not None else [])
    groups_known: set[str] = set()
    entries: dict[str, dict] = {}
    roles: list[tuple[str, re.Pattern]] = []
    verbs: dict[str, str] = {}
    lists: dict[str, list[str]] = {k: [] for k in _WORD_LISTS}
    for data, w in sources:
        unknown = set(data) - set(_TABLES) - set(_WORD_LISTS)
        if unknown:
            raise RulesError(f"{w}: unknown top-level key(s) {sorted(unknown)}")
        groups_known |= set(data.get("groups") or {})
        for e in _speaker_entries(data, w):
            entries[e["name"]] = e
        for group, pats in (data.get("roles") or {}).items():
            for p in pats:
                try:
                    roles.append((group, re.compile(rf"(?<!\w){p}(?!\w)", re.IGNORECASE)))
                except re.error as exc:
                    raise RulesError(f"{w}: roles.{group}: invalid regex {p!r}: {exc}") from exc
        for canon, forms in (data.get("verbs") or {}).items():
            for form in forms:
                verbs[str(form).lower()] = canon
        for key in _WORD_LISTS:
            lists[key] += [word for word in _words(data, key, w) if word not in lists[key]]
    canonical, groups, people = {}, {}, set()
    for name, e in entries.items():
        group = e.get("group")
        if group is not None and groups_known and group not in groups_known:
            raise RulesError(f"speakers: {name}: group {group!r} is not one of {sorted(groups_known)}")
        groups[name] = group
        if e.get("kind", "person") == "person":
            people.add(name)
        for alias in [name, *(e.get("aliases") or [])]:
            canonical[str(alias)] = name
    known = trie_alternation(canonical)
    # Every branch of a mention starts with a capital, an alias's first letter, or (at a word start)
    # the t/a of "the"/"a" or the h/s/t of a pronoun. Saying so up front lets the regex engine give up
    # at once at every other character, instead of trying four branches there: the same matches,
    # several times faster over a whole text.
    firsts = "".join(sorted({re.escape(a[0]) for a in canonical if not a[0].isupper()}))
    first = rf"(?=[{LATIN_UPPER}{firsts}]|(?<!\w)[TtAaHhSs])"
    speaker_rx = rf"(?:{first}(?:{TITLES}(?:{known})(?![\w])|{ROLE_NP}|{TITLES}{PROPER}|\b{PRONOUNS}\b))"
    verb_rx = trie_alternation(verbs, space=r"\s+")
    role_text = {name: str(e.get("role") or "").lower() for name, e in entries.items()}
    return Speakers(
        canonical, groups, frozenset(people), tuple(roles), verbs, role_text, speaker_rx, rf"(?:{verb_rx})",
        not_names=frozenset(lists["not_names"]), inverted_verbs=tuple(lists["inverted_verbs"]),
        participles=tuple(lists["participles"]), bare_verbs=frozenset(lists["bare_verbs"]),
        citation_verbs=tuple(lists["citation_verbs"]),
    )
