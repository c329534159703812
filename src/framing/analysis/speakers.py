"""Who a mention names: the speakers knowledge (``framing/data/speakers.yaml``) and the shape of a name.

:class:`Speakers` holds what the file says (people and institutions with their aliases and
groups, unnamed roles, attribution verbs and the words that are never a name) and answers the
questions attribution asks of a mention: who it names (:meth:`Speakers.resolve`), whether it is a
pronoun or a role ("the minister"), and the full name behind a surname or a first name. What a
pronoun or a role points back to is :mod:`framing.analysis.coref`; finding the quotation and its
attribution is :mod:`framing.analysis.quotes`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .._cache import derived, memo
from ..knowledge import RulesError, packaged_yaml, read_yaml
from ..text.alternation import trie_alternation

__all__ = ["Speakers", "load_speakers", "ROLE_NP", "TITLES", "PROPER", "PRONOUNS", "LATIN_UPPER"]

#: Titles that may stand before a name ("President", "Foreign Minister", "Mr").
TITLES = (
    r"(?:(?:President|Prime\s+Minister|Foreign\s+Minister|Defen[cs]e\s+Minister|Minister|Secretary\s+of\s+State|"
    r"Secretary|Chancellor|Spokes(?:man|woman|person)|Gen\.?|General|Mr\.?|Ms\.?|Mrs\.?|Dr\.?|Senator|Sen\.?|"
    r"Ambassador|Mayor|Governor|Commander|Colonel|Col\.?|Lt\.?|Pope|King|Queen|Prince|Sgt\.?|Sergeant|Capt\.?|"
    r"Captain|Maj\.?|Major|Lieutenant|Cpl\.?|Corporal|Prof\.?|Professor|Rev\.?|Judge|"
    r"Patriarch|Metropolitan|Bishop|Archbishop|Father|Sister|Rabbi|Imam|Sheikh|Lord|Lady|Sir|Dame)\s+)*"
)
#: Latin capitals and small letters with their accented forms (Latin-1 and Latin Extended-A), so that
#: "Oléna Bólotova" or "Şahin Çelik" is a whole name, not "Ol".
LATIN_UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĔĖĘĚĜĞĠĢĤĦĨĪĬĮİĴĶĹĻĽĿŁŃŅŇŊŌŎŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽ"
LATIN_LOWER = "a-zß-öø-ÿā-ž"
#: A capitalised name of up to eight words ("Petro Bondar", "Ursula von der Leyen", "Oléna Bólotova"),
#: not a pronoun's contraction ("He’s").
PROPER = (rf"(?!(?:He|She|They|It|We|I)['’])[{LATIN_UPPER}][{LATIN_LOWER}'’\-]+(?:[^\S\n]+(?!(?:He|She|They|It|We|I|The|His|Her|Its|Their|This)\b)"
          rf"(?:de\s+|von\s+|van\s+|der\s+|al-)?[{LATIN_UPPER}][{LATIN_UPPER}{LATIN_LOWER}'’\-]+){{0,7}}")
#: The pronouns that stand for a speaker.
PRONOUNS = r"(?:[Hh]e|[Ss]he|[Tt]hey)"
_ROLE_NOUNS = (
    r"(?:minister|spokes(?:man|woman|person)|officials?|president|ministry|analysts?|experts?|commanders?|"
    r"governor|mayor|ambassador|soldiers?|residents?|sources?|diplomats?|chief|head|leader|secretary|"
    r"advis[eo]r|general|prosecutors?|statement|report|agency|army|military|office|department|council|"
    r"service|man|woman|pensioner|volunteers?|officers?|lawmakers?|MPs?|senators?|researchers?|professor|"
    r"envoy|adviser|aide|deputy|director|chairman|founder|editor|correspondent|witness(?:es)?|refugees?|mother|father|"
    r"members?|staff|employees?|workers?)"
)
#: A speaker named by a role rather than a name ("the Russian defence ministry", "a Ukrainian soldier").
ROLE_NP = rf"\b(?:[Tt]he|[Aa]n?|[A-Z][a-z]+['’]s)\s+(?:[\w’'\-.]+\s+){{0,5}}?(?i:{_ROLE_NOUNS})\b"
_ROLE_NP_RX = re.compile(ROLE_NP)
_PROPER_RX = re.compile(PROPER)
_PRONOUN_RX = re.compile(PRONOUNS)
_TITLE_RX = re.compile(TITLES)
_TITLES_AT_START = re.compile("^" + TITLES)
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
    called: dict = field(default_factory=dict)  # "russian leader" -> names so described ("the Russian leader")
    aliases_rx: re.Pattern | None = None  # every alias as a whole word (asked for every mention: built once)

    def resolve(self, text: str) -> tuple[str | None, str | None]:
        """(canonical speaker, group) for a speaker mention; None where it names nobody known."""
        found = [self.canonical[m.group()] for m in self.aliases_rx.finditer(text)
                 if self.canonical[m.group()] not in self.people or not _other_first_name(text, m.start(), self.not_names)]
        if found:  # "Ukraine President Volodymyr Zelensky": the person, not the country
            name = max(found, key=lambda n: (n in self.people, len(n)))
            return name, self.groups.get(name)
        group = self.role_group(text)
        proper = _PROPER_RX.search(_strip_titles(text))
        if proper and not _ROLE_NP_RX.fullmatch(text.strip()):
            words = proper.group().split()
            while words and words[0] in self.not_names:  # "But Keir Giles": a sentence's first word
                words.pop(0)
            name = _ROLE_WORDS.split(" ".join(words))[-1].strip()  # "Forces Minister James Heappey" → "James Heappey"
            name = _OWNER.split(name)[-1]  # "Al Jazeera’s Zein Basravi" → "Zein Basravi"
            if name and name.split()[0] not in self.not_names:
                return name, group
        return None, group

    def role_group(self, text: str) -> str | None:
        """The speaker group of the first role (in the file's order) that `text` mentions, or None."""
        any_role = derived(self, "any role", lambda: re.compile("|".join(f"(?:{rx.pattern})" for _, rx in self.roles),
                                                              re.IGNORECASE) if self.roles else None)
        if any_role is None or any_role.search(text) is None:  # one search answers most mentions
            return None
        return next((g for g, rx in self.roles if rx.search(text)), None)

    def family_first(self, word: str) -> tuple[str, ...]:
        """Known people whose name begins with `word` ("Wang" → Wang Wenbin, Wang Yi): names whose
        family name is written first are often shortened to it."""
        def build() -> dict:
            out: dict[str, list[str]] = {}
            for person in self.people:
                parts = person.split()
                if len(parts) > 1:
                    out.setdefault(parts[0], []).append(person)
            return {k: tuple(v) for k, v in out.items()}

        return derived(self, "family first", build).get(word, ())

    def role_of(self, name: str) -> str:
        """The role text of a known speaker ('' when unknown)."""
        return self.role_text.get(name, "")

    def canonical_verb(self, verb: str) -> str:
        """The canonical verb of a verb form ("tells" → "told"); an unknown form is its own."""
        return self.verbs.get(" ".join(verb.lower().split()), verb.lower())

    @staticmethod
    def is_pronoun(text: str) -> bool:
        """Whether a mention is a pronoun ("he", "She", "they")."""
        return _PRONOUN_RX.fullmatch(text.strip()) is not None

    @staticmethod
    def is_role(text: str) -> bool:
        """Whether a mention begins with a role ("the Russian defence ministry", "a resident")."""
        return _ROLE_NP_RX.match(text) is not None

    @staticmethod
    def definite_role(text: str) -> str | None:
        """The role noun of a definite role mention ("the minister" → "minister"), or None."""
        m = _DEFINITE_ROLE.match(text.strip())
        return m.group("noun").lower() if m else None

    def full_name(self, name: str, text: str, pos: int) -> str:
        """A surname alone ("Morrison said") stands for the full name used earlier ("Scott Morrison"):
        the last capitalised word followed by a space and the surname before `pos`."""
        if " " in name:
            return name
        key = " " + name
        at = text.rfind(key, 0, pos)
        while at > 0:
            after = text[at + len(key):at + len(key) + 1]
            first = _FIRST_NAME.search(text, max(0, at - 40), at) if not (after.isalnum() or after in "'’-") else None
            if first is not None:
                word = first.group(1)
                if word in self.not_names:
                    return name
                if word.rstrip(".") not in _HONORIFICS and _TITLE_RX.fullmatch(word + " ") is None:
                    return " ".join([*self._given_before(text, first.start(1)), word, name])
                # a title or an honorific ("Sgt Kalchuk", "Mr Kalchuk"): the full name stands further back
            at = text.rfind(key, 0, at)
        return name

    def _given_before(self, text: str, k: int) -> list[str]:
        """Up to two more given names right before offset `k` ("José" before "Manuel Albares"), none
        past a title, an honorific or a word that begins no name."""
        out: list[str] = []
        while len(out) < 2 and k > 1 and text[k - 1] == " ":
            prev = _FIRST_NAME.search(text, max(0, k - 41), k - 1)
            if prev is None:
                break
            w = prev.group(1)
            if w in self.not_names or w.rstrip(".") in _HONORIFICS or _TITLE_RX.fullmatch(w + " ") is not None \
                    or _OF_BEFORE.search(text, max(0, prev.start(1) - 6), prev.start(1)):
                break  # "Secretary of State Antony Blinken": "State" belongs to the title
            out.insert(0, w)
            k = prev.start(1)
        return out

    def given_name(self, name: str, text: str, pos: int, reach: int = 3000) -> str:
        """A first name alone ("Tanya says") stands for the full name given shortly before ("Tanya
        Mills"): the first name followed by a capitalised word, within `reach` characters."""
        if " " in name:
            return name
        at = text.rfind(name + " ", max(0, pos - reach), pos)
        while at >= 0:
            before = text[at - 1:at] if at else " "
            m = _SURNAME_AFTER.match(text, at + len(name) + 1)
            if not (before.isalnum()) and m is not None and m.group(1) not in self.not_names \
                    and not _MODEL_NUMBER.match(text, m.end()):  # "Russian Su-35s" is no "Russian Su"
                return f"{name} {m.group(1)}"
            at = text.rfind(name + " ", max(0, pos - reach), at)
        return name

    @staticmethod
    def looks_like_person(mention: str, name: str) -> bool:
        """An unknown name counts as a person for "he said" if it has two words or a title ("Mr Yates")."""
        return len(name.split()) >= 2 or re.match(r"(?:Mr|Ms|Mrs|Dr)\.?\s", mention.strip()) is not None

    def aliases_of(self, name: str) -> tuple[str, ...]:
        """Every alias of a canonical name (the name itself among them)."""
        def build() -> dict:
            out: dict[str, list[str]] = {}
            for alias, canon in self.canonical.items():
                out.setdefault(canon, []).append(alias)
            return {k: tuple(v) for k, v in out.items()}

        return derived(self, "aliases of", build).get(name, (name,))


#: the capitalised word right after a first name ("Mills" after "Tanya ")
_SURNAME_AFTER = re.compile(rf"([{LATIN_UPPER}][{LATIN_LOWER}'’\-]+)(?!\w)")
#: the capitalised word right before a surname ("Scott" before " Morrison")
_FIRST_NAME = re.compile(rf"(?<!\w)([{LATIN_UPPER}][{LATIN_LOWER}'’\-]+)$")


_WORD_BEFORE = re.compile(rf"([{LATIN_UPPER}][{LATIN_LOWER}'’\-]+)[^\S\n]+$")
_MODEL_NUMBER = re.compile(r"-?\d")
_OWNER = re.compile(r"['’]s\s+(?=\S)")
_OF_BEFORE = re.compile(r"\b(?:of|for|on|the|and)\s+$")


def _other_first_name(text: str, start: int, not_names) -> bool:
    """Whether a capitalised first name stands right before an alias ("Oleksiy Kuleba" is not the
    Dmytro Kuleba the alias "Kuleba" stands for); a title ("President Zelensky") is not a name."""
    m = _WORD_BEFORE.search(text, max(0, start - 80), start)
    word = m.group(1) if m else ""
    if not word or word in not_names or word.endswith("ly"):
        return False
    return _TITLE_RX.fullmatch(word + " ") is None


def _strip_titles(text: str) -> str:
    return _TITLES_AT_START.sub("", text.strip())


def _speaker_entries(data: dict, where: str) -> list[dict]:
    entries = data.get("speakers") or []
    if not isinstance(entries, list):
        raise RulesError(f"{where}: speakers: expected a list of {{name, aliases, role, country, group}}")
    for i, e in enumerate(entries):
        if not isinstance(e, dict) or not isinstance(e.get("name"), str):
            raise RulesError(f"{where}: speakers[{i}]: expected a mapping with a 'name'")
        unknown = set(e) - {"name", "aliases", "role", "country", "group", "kind", "called"}
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


#: English function words that are also given or family names, kept as possible name starts
_NAME_LIKE = frozenset({"bill", "de", "con", "mill", "will"})


@memo(maxsize=1)
def _function_words() -> frozenset:
    """Capitalised English function words ("Yet", "Still", "Instead"): a sentence's first word, never a
    name on its own. scikit-learn's English stop-word list, less the few words that are names too."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(w.capitalize() for w in ENGLISH_STOP_WORDS if w not in _NAME_LIKE)


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
    called: dict[str, set[str]] = {}
    for name, e in entries.items():
        for phrase in e.get("called") or []:
            called.setdefault(" ".join(str(phrase).lower().split()), set()).add(name)
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
        not_names=frozenset(lists["not_names"]) | _function_words(), inverted_verbs=tuple(lists["inverted_verbs"]),
        participles=tuple(lists["participles"]), bare_verbs=frozenset(lists["bare_verbs"]),
        citation_verbs=tuple(lists["citation_verbs"]),
        called={phrase: frozenset(names) for phrase, names in called.items()},
        aliases_rx=re.compile(rf"(?<!\w){trie_alternation(canonical)}(?!\w)"),
    )
