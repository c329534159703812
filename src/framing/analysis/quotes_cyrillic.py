"""Who speaks in Russian and Ukrainian text: attribution of quotations in «ёлочки», „лапки“ and
dash-convention dialogue.

The grammar differs from English enough to need its own patterns: the attribution follows the
quotation after a dash («…», — заявил Песков), the speaker after the verb is in the nominative but
after "по словам"/"за словами" in the genitive (по словам Пескова), and names inflect (Путин,
Путина, Путиным). Verbs, phrases, pronouns, Cyrillic stems of known speakers and role patterns are
data (``framing/data/attribution_ru_uk.yaml``); the known speakers' groups come from
``speakers.yaml``, so an English and a Russian article quoting Peskov give the same ``speaker`` and
``speaker_group``. Verbs stay in the article's language (``заявил``, ``наголосив``): their shades
are the point of a verb profile and do not translate one to one.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .._cache import memo
from ..knowledge import packaged_yaml
from .spans import find_quote_spans, last_match, mask_quotations

__all__ = ["CYRILLIC_LANGUAGES", "Attribution", "load_attribution", "quote_rows", "is_cyrillic"]

#: The languages whose articles use these patterns.
CYRILLIC_LANGUAGES = ("ru", "uk")

_UPPER = "А-ЯЁІЇЄҐ"
_LOWER = "а-яёіїєґ"
_CAP = rf"[{_UPPER}][{_LOWER}'’ʼ\-]+"
_ABBR = rf"[{_UPPER}]{{2,}}[{_LOWER}]*"
_WORD = rf"(?:{_CAP}|{_ABBR})"
_LOWER_WORD = rf"[{_LOWER}'’ʼ\-]+"
_CYRILLIC = re.compile(rf"[{_UPPER}{_LOWER}]")
_LATIN = re.compile("[A-Za-z]")
_SENTENCE_END = re.compile(rf"[.!?…](?=\s+[\"“‘'«„(\[—–]?\s*[{_UPPER}A-Z0-9])")


def is_cyrillic(text: str, sample: int = 2000) -> bool:
    """Whether most letters of the text's beginning are Cyrillic (for articles without a language).

    Examples
    --------
    >>> is_cyrillic("Песков заявил журналистам"), is_cyrillic("Peskov told reporters")
    (True, False)
    """
    head = text[:sample]
    return len(_CYRILLIC.findall(head)) > len(_LATIN.findall(head))


def _spaced(word: str) -> str:
    return re.escape(word).replace(r"\ ", r"\s+")


def _alternation(words) -> str:
    return "(?:" + "|".join(_spaced(w) for w in sorted(words, key=len, reverse=True)) + ")"


@dataclass(frozen=True, eq=False)
class Attribution:
    """The compiled attribution grammar of one language (see :func:`load_attribution`)."""

    language: str
    verbs: dict          # form (lower case) -> canonical verb
    participles: dict    # participle -> canonical verb
    pronouns: frozenset
    people: re.Pattern   # every known speaker's stem (group "stem") with up to three more letters
    stems: dict          # stem (as matched, spaces normalised) -> canonical name
    roles: list          # (compiled pattern, group)
    groups: dict         # canonical name -> speaker group (speakers.yaml)
    person_names: frozenset
    patterns: dict

    def canonical_verb(self, form: str) -> str:
        return self.verbs.get(" ".join(form.lower().split()), form.lower())

    def resolve(self, mention: str, text: str, pos: int) -> tuple[str | None, str | None, bool]:
        """(speaker, group, via pronoun) for a mention; unresolved beats wrong."""
        words = mention.split()
        if len(words) == 1 and words[0].lower() in self.pronouns:
            if words[0].lower().startswith(("они", "вони")):
                return None, None, True
            name = self.last_person_before(text, pos)
            return name, self.groups.get(name) if name else None, True
        # a person named after a role ("пресс-секретарь Кремля Дмитрий Песков") wins over the
        # institution in the role; otherwise the last name in the mention
        named = [(name in self.person_names, m.start(), name) for m, name in self._known(mention)]
        if named:
            name = max(named)[2]
            return name, self.groups.get(name), False
        group = next((g for rx, g in self.roles if rx.search(mention)), None)
        if self.patterns["role"].match(mention):  # "директор … Штефан Мюллер": the name at the end
            name = re.search(rf"(?<!\S){_CAP}(?:\s+{_CAP})?$", mention)
        else:
            name = re.match(rf"{_CAP}(?:\s+{_CAP}){{1,2}}$", mention)
        return (name.group(0) if name else None), group, False

    def last_person_before(self, text: str, pos: int) -> str | None:
        people = [name for _, name in self._known(text[max(0, pos - 1500):pos]) if name in self.person_names]
        return people[-1] if people else None

    def _known(self, text: str):
        """(match, canonical name) for every known speaker mentioned in `text`, in order."""
        return [(m, self.stems[" ".join(m.group("stem").split())]) for m in self.people.finditer(text)]


@memo(maxsize=4)
def load_attribution(language: str) -> Attribution:
    """The attribution grammar for ``ru`` or ``uk`` from ``framing/data/attribution_ru_uk.yaml``.

    Examples
    --------
    >>> a = load_attribution("ru")
    >>> a.canonical_verb("заявила"), a.resolve("пресс-секретарь Кремля Дмитрий Песков", "", 0)[:2]
    ('заявил', ('Dmitry Peskov', 'Russia'))
    >>> a.resolve("Пескова", "", 0)[0], a.resolve("Минобороны", "", 0)[1]
    ('Dmitry Peskov', 'Russia')
    """
    from .speakers import load_speakers

    if language not in CYRILLIC_LANGUAGES:
        raise KeyError(f"no attribution grammar for language {language!r}; there is one for {CYRILLIC_LANGUAGES}")
    data = packaged_yaml("attribution_ru_uk.yaml")
    speakers = load_speakers()
    verbs = {" ".join(f.lower().split()): canon for canon, forms in data["verbs"][language].items() for f in forms}
    participles = dict(data["participles"][language])
    according = list(data["according"][language])
    pronouns = frozenset(data["pronouns"][language])
    stems = {" ".join(stem.split()): name for name, listed in data["people"].items() for stem in listed}
    people = re.compile(rf"(?<![{_LOWER}{_UPPER}])(?P<stem>{_alternation(stems)})[{_LOWER}]{{0,3}}(?![{_LOWER}])")
    roles = [(re.compile(rf"(?<![{_LOWER}{_UPPER}]){rx}(?![{_LOWER}])"), group)
             for group, patterns in data["roles"].items() for rx in patterns]
    role = rf"(?i:{_alternation(data['role_nouns'])})[{_LOWER}'\-]*"
    verb = f"(?i:{_alternation(verbs)})"
    # a role may run to the name it introduces: "директор парламентской группы ХСС в Бундестаге
    # Штефан Мюллер"; it stops at punctuation
    spk = (rf"(?:{role}(?:\s+(?:{_LOWER_WORD}|{_WORD})){{0,6}}?\s+{_CAP}\s+{_CAP}(?=\s*(?:[.,;:!?»\n]|$))"
           rf"|{role}(?:\s+{_LOWER_WORD})?(?:\s+{_WORD}){{0,4}}"
           rf"|{_WORD}(?:\s+{_WORD}){{0,2}}|{_alternation(pronouns)}(?![{_LOWER}]))")
    acc = f"(?i:{_alternation(according)})"
    dash = r"^[\s,.!?…:;]*[—–-]\s*"
    lead = r"^[\s,.!?…:;]*(?:[—–-]\s*)?"  # «…», — заявил Песков, and «…», сказала она
    patterns = {
        "role": re.compile(role),
        # «…», — заявил Песков / «…», — говорится в заявлении Минобороны
        "after_vs": re.compile(rf"{lead}(?P<verb>{verb})(?![{_LOWER}])(?:\s+(?:в|у|во)\s+{_LOWER_WORD})?\s+(?P<spk>{spk})"),
        # «…», — Песков заявил / «…», — пишет ТАСС
        "after_sv": re.compile(rf"{lead}(?P<spk>{spk})\s+(?P<verb>{verb})(?![{_LOWER}])"),
        # «…», по словам Пескова. / «…», — сообщил он журналистам.
        # «Ми переможемо», — Кличко подякував українцям / …, — Пентагон.  (a headline's speaker, verb or not)
        "after_s": re.compile(rf"{dash}(?P<spk>{spk})(?=\s*(?:[.!:,]|$|\s+[{_LOWER}]))"),
        # «…, — сказал Зеленский. — …»: the attribution inside the marks
        "inside": re.compile(rf"[,!?…]\s+[—–]\s+(?P<verb>{verb})(?![{_LOWER}])\s+(?P<spk>{spk})"),
        "after_acc": re.compile(rf"^[\s,.!?…:;—–-]*(?P<verb>{acc})\s+(?P<spk>{spk})"),
        # Песков заявил: «…» / Песков заявил журналистам, что «…»
        "before_sv": re.compile(rf"(?P<spk>{spk})(?:\s+{_LOWER_WORD}){{0,3}}?\s+(?P<verb>{verb})(?![{_LOWER}])"),
        # Об этом заявил Песков: «…» / Как сообщил Песков, «…»
        "before_vs": re.compile(rf"(?P<verb>{verb})(?![{_LOWER}])(?:\s+(?:в|у|во)\s+{_LOWER_WORD})?\s+(?P<spk>{spk})"),
        "before_acc": re.compile(rf"(?P<verb>{acc})\s+(?P<spk>{spk})"),
        "subject": re.compile(rf"^[\s*_]*(?P<spk>{spk})(?=\s+[{_LOWER}])"),
        "participle": re.compile(rf"(?<![{_LOWER}])(?P<verb>{_alternation(participles)})(?![{_LOWER}])"),
    }
    return Attribution(language, verbs, participles, pronouns, people, stems, roles, speakers.groups,
                       frozenset(speakers.people), patterns)


def _boundaries(text: str, spans) -> list[int]:
    outer = [(s.start, s.end) for s in spans if s.depth == 0]
    starts_of = [a for a, _ in outer]
    starts = {0}
    for m in _SENTENCE_END.finditer(text):
        k = bisect.bisect_right(starts_of, m.start()) - 1
        if k < 0 or m.start() >= outer[k][1]:
            starts.add(m.end())
    starts.update(m.end() for m in re.finditer("\n", text))
    return sorted(starts)


_EMPHASIS = re.compile(r"\*\*|__")  # Telegram's bold and italic markers, glued to words


def _masked(text: str, spans) -> str:
    return mask_quotations(_EMPHASIS.sub("  ", text), spans)  # emphasis markers blanked too (same length)


def quote_rows(text: str, language: str) -> list[dict]:
    """The direct quotations of one Russian or Ukrainian text with speaker, verb and attribution,
    as :func:`framing.find_quotes` rows (``kind`` ``direct``).

    Examples
    --------
    >>> rows = quote_rows("«Мы готовы к переговорам», — заявил Песков. «Но не на любых условиях», — добавил он.", "ru")
    >>> [(r["speaker"], r["verb"], r["attribution"]) for r in rows]
    [('Dmitry Peskov', 'заявил', 'same sentence'), ('Dmitry Peskov', 'добавил', 'pronoun')]
    """
    grammar = load_attribution(language)
    pats = grammar.patterns
    spans = find_quote_spans(text)
    bounds = _boundaries(text, spans)
    masked = _masked(text, spans)
    rows: list[dict] = []
    for q in (s for s in spans if s.depth == 0 and len(text[s.start:s.end].split()) >= 3):
        k = bisect.bisect_right(bounds, max(q.start - 1, 0)) - 1
        s_start = bounds[max(k, 0)]
        s_end = next((b for b in bounds if b > q.end), len(text))
        after = masked[q.end + (1 if q.close_mark else 0):s_end] if q.closed else ""
        before = masked[s_start:max(q.start - 1, s_start)]
        found, verb = None, None
        for key in ("after_vs", "after_acc", "after_sv"):
            found = pats[key].search(after)
            if found:
                break
        if found is None:
            found = pats["inside"].search(text, q.start, q.end)
        if found is None:
            found = pats["after_s"].search(after)
            if found is not None and found.group("spk").split()[0].lower() in grammar.pronouns:
                found = None
        if found is None and before.strip(" \t—–-"):
            found = last_match(pats["before_vs"], before) or last_match(pats["before_sv"], before) or last_match(pats["before_acc"], before)
            participle = last_match(pats["participle"], before[found.end():] if found is not None else before)
            if found is None and participle is not None:
                # "Лавров выступил в Анкаре, добавив: «…»": the participle's subject opens the sentence
                found = pats["subject"].match(before)
            if found is not None and participle is not None:
                verb = grammar.participles[participle.group("verb")]
        how = "same sentence" if found is not None else "none"
        if found is None and not before.strip(" \t\"“„«—–-"):
            prev = rows[-1] if rows else None
            if prev and prev["speaker_text"] and text[prev["end"]:q.start].count("\n") <= 1 and q.start - prev["end"] < 400:
                rows.append({**prev, "start": q.start, "end": q.end, "quote": text[q.start:q.end],
                             "n_words": len(text[q.start:q.end].split()), "attribution": "sentence before"})
                continue
            p = bisect.bisect_right(bounds, max(s_start - 2, 0)) - 1
            prev_sentence = masked[bounds[max(p, 0)]:s_start]
            m = last_match(pats["before_vs"], prev_sentence) or last_match(pats["before_sv"], prev_sentence)
            if m is not None and prev_sentence.rstrip().endswith(":") and s_start > 0:
                found, how = m, "sentence before"
        speaker = speaker_text = group = canon = None
        if found is not None:
            speaker_text = " ".join(found.group("spk").split())
            said = found.groupdict().get("verb")
            canon = verb or (grammar.canonical_verb(said) if said else None)
            speaker, group, pronoun = grammar.resolve(speaker_text, text, q.start)
            if pronoun:
                how = "pronoun" if speaker else "none"
        rows.append({"start": q.start, "end": q.end, "quote": text[q.start:q.end],
                     "n_words": len(text[q.start:q.end].split()), "kind": "direct", "speaker": speaker,
                     "speaker_text": speaker_text, "speaker_group": group, "verb": canon, "attribution": how})
    return rows
