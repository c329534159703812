"""Who "he", "the minister" and "the 21-year-old" are: the people a text mentions, and what a pronoun
or a role points back to. Coreference good enough for news attribution, by rule:

* A **mention** is a known name or alias (``speakers.yaml``), a capitalised name, a role ("a French
  official", "the Russian leader") or a pronoun, outside quotation marks. It is a **subject** when
  it stands where a clause begins (at a sentence start, after a conjunction, a title or a reporting
  verb, not after a preposition or another verb) and a verb follows it, after an optional
  appositive (", 76," or ", the region's governor,"). A possessive ("Zelensky's adviser") is never
  the subject.
* The roles a mention carries come from its title ("Defence Minister …"), the words before it
  ("Ukraine's foreign minister …"), an appositive after it (", the region's governor,") and an
  age (", 21," makes a "21-year-old").
* A **pronoun** (he, she) stands for the nearest subject that is a person: in its own sentence
  the last one before it, in an earlier sentence the first one (the main clause's). A sentence
  with people but no subject offers its last person. The search goes back to the start of the
  paragraph before (at most six sentences): past that, "he" names nobody. An unnamed subject ("a
  French official … he said") makes the pronoun unnamed too: unresolved beats wrong. "They"
  resolves to nobody.
* A **role** with "the" ("the minister", "the 21-year-old") stands for the nearest mention that
  carries that role; a known person's descriptions in ``speakers.yaml`` (``called``: "Russian
  leader" for Putin) count when that person is named earlier in the text. A description that is
  no office ("the 43-year-old financial analyst", "the student") with no mention to point at
  stands for whom "he" or "she" would there.

Used by :mod:`framing.analysis.quotes`; the speakers knowledge is
:mod:`framing.analysis.speakers`.
"""

from __future__ import annotations

import bisect
import re
from typing import NamedTuple

from .._cache import derived
from .speakers import Speakers

__all__ = ["Discourse", "Mention", "PERSON_NOUNS", "person_head"]

#: Role nouns that denote a person (a "head of X" is a person, not X).
PERSON_NOUNS = frozenset("""
minister official spokesman spokeswoman spokesperson president leader governor mayor ambassador envoy
adviser advisor aide commander general chief head secretary director chairman chairwoman chair prosecutor
analyst expert researcher professor soldier resident officer diplomat lawmaker mp senator deputy founder
editor correspondent witness refugee mother father woman man volunteer pensioner teacher doctor nurse
driver farmer student activist economist historian journalist colonel sergeant commissioner chancellor
premier politician lawyer judge priest pilot engineer businessman businesswoman entrepreneur owner
manager worker miner fighter veteran survivor grandmother grandfather daughter son wife husband
sister brother girl boy child writer author poet artist singer musician actor director campaigner
monarch king queen prince princess pope patriarch metropolitan bishop archbishop spokesperson
representative negotiator ombudsman ombudswoman coordinator strategist adviser scientist physician
""".split())
#: Person nouns that describe someone rather than name an office: "the 43-year-old analyst" may be
#: said of the person the story is on without naming them before; "the minister" may not.
DESCRIBING_NOUNS = frozenset("""
analyst researcher professor soldier resident witness refugee mother father woman man volunteer pensioner
teacher doctor nurse driver farmer student activist economist historian journalist lawyer priest pilot
engineer businessman businesswoman entrepreneur owner manager worker miner fighter veteran survivor
grandmother grandfather daughter son wife husband sister brother girl boy child writer author poet artist
singer musician actor campaigner scientist physician expert
""".split())
_PLURAL_NOUNS = re.compile(r"(?:officials|residents|soldiers|analysts|experts|sources|diplomats|officers|"
                           r"lawmakers|MPs|senators|researchers|volunteers|refugees|witnesses|locals|"
                           r"civilians|people|authorities|forces|troops|leaders|ministers|protesters)$", re.I)
_ROLE_WORD = re.compile(r"[A-Za-z][\w'’-]*")
_AGE = re.compile(r"^,\s+(\d{1,3}),")
_APPOSITIVE_ROLE = re.compile(r"^,\s+(?:the|a|an|[\w'’-]+['’]s|who\s+is\s+(?:the|a|an))\s+((?:[\w'’-]+\s+){0,5}?)"
                              r"([\w-]+)\s*(?:,|\s+(?:said|says|told|added|wrote))")
_ROLE_OF = re.compile(r"\b(?:[Tt]he|[Aa]n?)\s+(?:[\w'’-]+\s+){0,2}?(" + "|".join(sorted(PERSON_NOUNS)) + r")\s+"
                      r"(?:of|for|in|at)\s+(?:the\s+)?(?:[\w'’-]+\s+){0,3}?[\w'’-]+\s*$", re.IGNORECASE)
_NOT_A_NAME = re.compile(r"\w-[a-z]")
_MODEL_AFTER = re.compile(r"-?\d")
_OF_NAME = re.compile(r"(?:[A-Z][\w'’-]+|(?i:ministry|office|department|council|committee|institute|agency|bureau|"
                      r"service|university|academy|cent(?:re|er)|foundation|union|bank|court|party|commission))"
                      r"\s+(?:of|for|on)\s+(?:the\s+)?$")
_POSSESSIVE = re.compile(r"['’]s\b")
_LAST_WORD = re.compile(r"([\w'’]+)$")
_LETTER = re.compile(r"[^\W\d]")
_OF_WORDS = re.compile(r" (?:of|for|in|at) ")
_CONJUNCTIONS = frozenset("""
and but or so while as when that because after before since if although though where who whom whose
then yet also meanwhile however nor once until unless whereas
""".split())
_NOT_VERBS = """
news as its this his us yes less unless always perhaps across towards whereas thus plus bus gas kiss loss
boss class mass press process address business success access crisis analysis basis
""".split()
_IRREGULAR = """
said told wrote spoke made took gave went came saw met sent thought felt knew left got held ran put set kept found
brought began led became won lost has had have was were is are will would could can may might should must did
does do sought fled hit cut let shut struck understood stood fought bought taught caught paid laid meant heard read
rode wore chose drove rose fell grew drew flew threw slept spent built lent bent shook broke stole froze woke swore tore
bore hung swung sang rang sank drank swam ate forgave blew withdrew kept swept wept dealt sold bound ground wound fed
bled shot forgot hid bit lit slid spread cast hurt burst sat won overtook undertook oversaw
""".split()
#: what may follow a subject: an appositive (", 76,"), a comma, adverbs, then a finite verb
_FOLLOW = re.compile(
    r"^(?:\s*\([^()\n]{1,60}\))?"  # (IAEA)
    r"(?:,\s+[^,.;:!?“”\"\n]{1,120}?,)?,?"  # , 76, / , the region's governor,
    r"(?:\s+(?:also|then|later|earlier|once|already|again|still|just|now|never|not|[a-z]+ly))*"
    rf"\s+(?!(?:{'|'.join(_NOT_VERBS)})\b)(?:{'|'.join(_IRREGULAR)}|[a-z]+(?:ed|es|s))\b"
)


#: How far back (characters) a surname or a known description ("the Russian leader") may point.
REACH = 20_000
_UNSEEN = object()


class Mention(NamedTuple):
    """One mention of a possible speaker: ``text[start:end]``."""

    start: int
    end: int
    name: str | None  # canonical or full name; None for someone unnamed or a pronoun
    group: str | None
    kind: str  # person, unnamed, group, institution, unknown, pronoun, role
    subject: bool
    lead: bool  # it stands where a clause may begin (a subject if a verb follows)
    roles: frozenset  # role nouns said of them ("minister", "21-year-old")
    surface: str


class Discourse:
    """The mentions of one text, read lazily, and what pronouns and roles in it point back to.

    `masked`: the text with the insides of quotations blanked (same length); `bounds`: sentence
    starts, sorted (as :mod:`framing.analysis.quotes` cuts them).

    Examples
    --------
    >>> from framing.analysis.speakers import load_speakers
    >>> text = "Lula, 76, said Zelensky should have talked. Later he added more."
    >>> d = Discourse(text, text, load_speakers(), [0, 44])
    >>> d.antecedent(text.index("he added"))
    'Lula'
    """

    __slots__ = ("text", "masked", "sp", "bounds", "_cache", "_rx", "_memo", "_found", "_starts", "_lo", "_hi")

    def __init__(self, text: str, masked: str, sp: Speakers, bounds: list[int]) -> None:
        self.text, self.masked, self.sp, self.bounds = text, masked, sp, bounds
        self._cache: dict[int, Mention | None] = {}  # a mention by its start, classified once
        self._rx = derived(sp, "mention regex", lambda: re.compile(sp.speaker_rx))
        self._memo: dict = {}
        self._found: list[tuple[int, int, str]] = []  # the mention matches of masked[_lo:_hi], in order
        self._starts: list[int] = []
        self._lo = self._hi = 0

    def _matches(self, lo: int, hi: int) -> list[tuple[int, int, str]]:
        """(start, end, text) of the mention matches that start in ``[lo, hi)``. The text is read
        once, forward, as far as asked; a stretch before what was read is read again."""
        n = len(self.masked)
        lo, hi = max(lo, 0), min(hi, n)
        if lo < self._lo or lo > self._hi:  # a new stretch: start reading there
            self._found, self._starts = [], []
            self._lo = self._hi = lo
        if hi > self._hi:
            at = self._found[-1][1] if self._found else self._lo
            at = max(at, self.masked.rfind(" ", 0, self._hi) + 1) if self._found else at
            for m in self._rx.finditer(self.masked, at, min(n, hi + 200)):
                if m.start() >= hi:
                    break
                self._found.append((m.start(), m.end(), m.group()))
                self._starts.append(m.start())
            self._hi = hi
        a, b = bisect.bisect_left(self._starts, lo), bisect.bisect_left(self._starts, hi)
        return self._found[a:b]

    # ----------------------------------------------------------------- reading mentions

    def mentions_between(self, lo: int, hi: int) -> list[Mention]:
        """The mentions that start in ``[lo, hi)``, in order. Only the stretch asked for is read
        (a pronoun looks a few sentences back, not to the start of the text); each mention is
        classified once."""
        out: list[Mention] = []
        masked, cache = self.masked, self._cache
        for start, end, surface in self._matches(lo, hi):
            mention = cache.get(start, _UNSEEN)
            if mention is _UNSEEN:
                mention = cache[start] = self._classify(start, end, surface)
            if mention is None:
                continue
            # a role right before a name describes it ("Ukraine's foreign minister Dmytro Kuleba")
            if out and mention.kind in ("person", "unknown") and out[-1].kind in ("role", "unnamed") \
                    and not masked[out[-1].end:mention.start].strip(" ,"):
                prev = out.pop()
                mention = mention._replace(start=prev.start, subject=prev.subject or mention.subject,
                                           lead=prev.lead, roles=mention.roles | prev.roles)
            out.append(mention)
        return out

    def _classify(self, start: int, end: int, surface: str) -> Mention | None:
        sp = self.sp
        lead = self._lead_ok(start)
        subject = lead and self._verb_follows(end)
        if sp.is_pronoun(surface):
            kind = "pronoun" if surface.strip().lower() != "they" else "group"
            return Mention(start, end, None, None, kind, subject, lead, frozenset(), surface)
        if sp.is_role(surface):
            name, group = sp.resolve(surface)
            noun = _last_word(surface)
            if name is not None and name in sp.groups and not person_head(surface):
                return Mention(start, end, name, group, "institution", subject, lead, frozenset(), surface)
            roles = frozenset({noun.lower()}) | self._roles_after(end)
            article = surface.split()[0].lower()
            if _PLURAL_NOUNS.search(noun):
                kind = "group"
            elif article == "the" or article.endswith(("'s", "’s")):
                kind = "role"
            else:
                kind = "unnamed"
            return Mention(start, end, None, group, kind, subject, lead, roles, surface)
        name, group = sp.resolve(surface)
        if name is None or _NOT_A_NAME.search(surface) or _MODEL_AFTER.match(self.masked, end):
            return None  # "German-made Leopard", "Su-35": a compound or a model, not a name
        if self._inside_name(start):
            return None  # "…Office for the Coordination of Humanitarian Affairs": part of a longer name
        roles = self._roles_before(start) | self._roles_after(end) | _title_roles(surface)
        if name in sp.groups:
            kind = "person" if name in sp.people else "institution"
        else:
            name = self.full_name(name, start)
            if _NOT_A_NAME.search(name):
                return None  # "Leopard" after "German-made Leopard tanks": the compound again, not a name
            if sp.looks_like_person(surface, name) or roles:
                kind = "person"
            else:
                kind = "unknown"
        return Mention(start, end, name, group, kind, subject, lead, roles, surface)

    def full_name(self, name: str, pos: int) -> str:
        """A name as the text gives it in full: "Kalchuk" after "Sgt Denys Kalchuk" is Denys Kalchuk."""
        if " " in name:
            return name
        full = self.sp.full_name(name, self.masked, pos)
        if full != name:
            return full
        full = self.sp.given_name(name, self.masked, pos)  # "Tanya says", after "Tanya Mills"
        if full != name:
            return full
        # a known person whose family name is written first ("Wang" for Wang Wenbin), named before
        best, best_at = name, -1
        for person in self.sp.family_first(name):
            at = self.masked.rfind(person, 0, pos)
            if at > best_at:
                best, best_at = person, at
        return best

    def _inside_name(self, start: int) -> bool:
        before = self.masked[max(0, start - 40):start]
        return (" of " in before or " for " in before or " on " in before) and _OF_NAME.search(before) is not None

    def _verb_follows(self, end: int) -> bool:
        if _POSSESSIVE.match(self.masked, end):
            return False  # a possessive: "Zelensky's adviser said"
        return _FOLLOW.match(self.masked[end:end + 200]) is not None

    def _lead_ok(self, start: int) -> bool:
        """Whether a clause may begin at `start`: a sentence start, punctuation, a conjunction, a
        title or descriptor, a reporting verb ("said Lavrov") or "according to"; not a preposition
        or another verb."""
        before = self.masked[max(0, start - 40):start].rstrip()
        if not before or before[-1] in ".!?;:,(“”\"‘’'«»—–-\n":
            return True
        word = _LAST_WORD.search(before)
        if word is None or not _LETTER.search(word.group(1)):
            return True  # no word, or a number or time stamp ("01.42Ukraine’s foreign minister")
        w = word.group(1)
        low = w.lower()
        if w[0].isupper() or low in _CONJUNCTIONS or low in PERSON_NOUNS or low.endswith(("'s", "’s")):
            return True  # a title, a descriptor ("Ukraine's president"), "and", "while"
        if low in self.sp.inverted_verbs or (low == "to" and before.lower().endswith("according to")):
            return True
        # "The governor of the Kyiv region Oleksiy Kuleba"
        return _OF_WORDS.search(before) is not None and _ROLE_OF.search(before) is not None

    def _roles_after(self, end: int) -> frozenset:
        after = self.masked[end:end + 120]
        age = _AGE.match(after)
        if age:
            return frozenset({f"{age.group(1)}-year-old"})
        m = _APPOSITIVE_ROLE.match(after)
        if m and m.group(2).lower() in PERSON_NOUNS:
            return frozenset({m.group(2).lower()})
        return frozenset()

    def _roles_before(self, start: int) -> frozenset:
        before = self.masked[max(0, start - 60):start]
        words = before.rstrip(" ,").rsplit(None, 1)
        last = words[-1].lower() if words else ""
        if last in PERSON_NOUNS:  # "regional governor Oleh Synehubov"
            return frozenset({last})
        m = _ROLE_OF.search(before) if _OF_WORDS.search(before) else None
        return frozenset({m.group(1).lower()}) if m else frozenset()

    # ----------------------------------------------------------------- pointing back

    def _sentence_start(self, pos: int) -> int:
        k = bisect.bisect_right(self.bounds, pos) - 1
        return self.bounds[max(k, 0)]

    def _window_start(self, pos: int) -> int:
        """How far back a pronoun or a role may look: the paragraph before (blank lines and
        headings of a few words do not count), at most six sentences."""
        masked = self.masked
        para = masked.rfind("\n", 0, pos)
        skipped = 0
        while para > 0:
            prev = masked.rfind("\n", 0, para)
            if len(masked[prev + 1:para].split()) > 6 or skipped > 4:
                para = prev + 1
                break
            para, skipped = prev, skipped + 1
        para = max(para, 0)
        k = bisect.bisect_right(self.bounds, pos) - 1
        six = self.bounds[max(k - 6, 0)] if self.bounds else 0
        return max(para, six)

    def antecedent(self, pos: int) -> str | None:
        """The person "he" or "she" at `pos` stands for, or None (nobody named fits)."""
        key = ("pronoun", pos)
        if key not in self._memo:
            self._memo[key] = None  # a chain that comes back here names nobody
            self._memo[key] = self._antecedent(pos)
        return self._memo[key]

    def _antecedent(self, pos: int) -> str | None:
        lo = self._window_start(pos)
        hi = pos
        first = True
        while hi > lo:
            s = max(self._sentence_start(hi - 1), lo)
            people = [m for m in self.mentions_between(s, hi) if m.kind in ("person", "pronoun", "role", "unnamed")]
            subjects = [m for m in people if m.subject]
            if subjects:
                return self._who(subjects[-1] if first else subjects[0])
            leads = [m for m in people if m.lead]
            if leads:  # "… writer - Karl Schroeder. He …": a person set apart, without a verb
                return self._who(leads[-1])
            hi, first = s, False
        return None

    def _who(self, m: Mention) -> str | None:
        if m.kind == "person":
            return m.name
        if m.kind == "pronoun":
            return self.antecedent(m.start)
        if m.kind == "role":
            return self.role_antecedent(m.surface, m.start)
        return None  # unnamed

    def role_antecedent(self, phrase: str, pos: int) -> str | None:
        """The person a definite role ("the minister", "the Russian leader") at `pos` stands for."""
        key = ("role", pos)
        if key in self._memo:
            return self._memo[key]
        self._memo[key] = None
        words = phrase.split()
        if words and words[0].lower() == "the":
            words = words[1:]
        wanted = " ".join(words).lower()
        noun = words[-1].lower() if words else ""
        modifiers = [w.lower() for w in words[:-1] if w[:1].isupper()]  # "the French president"
        known = self.sp.called.get(wanted)
        if noun not in PERSON_NOUNS:  # "the defence ministry": the institution named last that is one
            named = self._names_with(noun)
            if named is None or named.search(self.masked, max(0, pos - 3000), pos) is None:
                return None  # no alias of an institution so called stands before it: nothing to read
            for m in reversed(self.mentions_between(max(0, pos - 3000), pos)):
                low = (m.name or "").lower()
                if m.kind == "institution" and noun in low.split() and all(
                        any(w.startswith(x[:5]) for w in low.split()) for x in modifiers):
                    self._memo[key] = m.name
                    return m.name
            return None
        for m in reversed(self.mentions_between(self._window_start(pos), pos)):
            if m.kind in ("pronoun", "group", "institution"):
                continue
            if modifiers and not (known and m.name in known) and not all(
                    any(x[:5] in r for r in m.roles) or (m.name and x[:5] in self.sp.role_of(m.name)) for x in modifiers):
                continue
            if noun in m.roles or (m.kind == "person" and m.name and noun in self.sp.role_of(m.name).split()):
                found = m.name if m.kind == "person" else (self._who(m) if m.kind == "role" else None)
                self._memo[key] = found
                return found
        if known:  # "the Russian leader": the last of the people so described named before it
            best, best_at = None, -1
            for name in known:
                for alias in self.sp.aliases_of(name):
                    at = self.masked.rfind(alias, max(0, pos - REACH), pos)
                    if at > best_at:
                        best, best_at = name, at
            self._memo[key] = best
            return best
        if noun in DESCRIBING_NOUNS or "year-old" in wanted:
            # "the 43-year-old financial analyst told…" after a paragraph about Begoña Castro: a
            # description that tells something new about the person the story is on, as "she" would
            found = self._antecedent(pos)
            self._memo[key] = found
            return found
        return None

    def _names_with(self, noun: str) -> re.Pattern | None:
        """A regex of the aliases of every known name that holds the word `noun` ("ministry"), or None."""
        def build() -> re.Pattern | None:
            aliases = [a for n in self.sp.groups if noun in n.lower().split() for a in self.sp.aliases_of(n)]
            return re.compile("|".join(map(re.escape, sorted(aliases, key=len, reverse=True)))) if aliases else None

        return derived(self.sp, ("aliases of names holding", noun), build)

    def subject(self, lo: int, hi: int) -> tuple[str | None, str | None, str] | None:
        """(speaker, group, mention) of the subject of ``text[lo:hi]`` (the first one), or None."""
        for m in self.mentions_between(lo, hi):
            if m.subject and m.kind in ("person", "pronoun", "role", "unnamed", "institution", "unknown"):
                name = self._who(m) if m.kind in ("pronoun", "role") else m.name
                return name, (self.sp.groups.get(name) if name else m.group), m.surface
        return None


def _last_word(text: str) -> str:
    words = _ROLE_WORD.findall(text)
    return words[-1] if words else ""


def person_head(text: str) -> bool:
    """Whether a role phrase is headed by a person noun before an "of" ("the head of the State Department")."""
    m = re.match(r"^(?:the|a|an)\s+(?:[\w'’-]+\s+){0,3}?([\w-]+)\s+of\b", text.strip(), re.I)
    return m is not None and m.group(1).lower() in PERSON_NOUNS


def _title_roles(surface: str) -> frozenset:
    words = [w.lower().rstrip(".") for w in surface.split()[:-1]]
    return frozenset(w for w in words if w in PERSON_NOUNS)

