"""Who speaks: quotations, their speakers and attribution verbs, and the sources an article cites.

Direct quotations come from the same quotation-span finder as term voice
(:mod:`framing.analysis.spans`). A speaker is looked for, in order: right after the quotation
("…,” said Lavrov / “…,” Lavrov said), earlier in the same sentence (Lavrov said: “…”), in the
sentence before (a quotation that opens its own sentence continues the last speaker), and a pronoun
("he said") stands for the last named speaker. Who a mention names is
:mod:`framing.analysis.speakers` (names, institutions, roles and verbs are data in
``framing/data/speakers.yaml``); this module finds the attribution.
"""

from __future__ import annotations

import bisect
import functools
import re
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np
import pandas as pd

from .. import _texts
from .._cache import derived, memo
from .._progress import bar
from ..knowledge.outlets import load_outlets
from .quotes_cyrillic import CYRILLIC_LANGUAGES, is_cyrillic, quote_rows as cyrillic_quote_rows
from ..text.alternation import trie_alternation
from .attribution import APPOSITIVE, AUX, SPACE, Grammar, grammar_for
from .coref import Discourse, person_head
from .spans import find_quote_spans, mask_quotations
from .speakers import LATIN_UPPER, Speakers, load_speakers
from .stats import log_odds_dirichlet

__all__ = [
    "QUOTE_COLUMNS", "find_quotes", "speaker_share", "attribution_verbs",
    "cited_sources",
]

#: Columns of the quotes table returned by :func:`find_quotes`.
QUOTE_COLUMNS = (
    "article_id", "outlet", "published", "start", "end", "quote", "n_words", "kind", "speaker",
    "speaker_text", "speaker_group", "verb", "attribution", "rule",
)


# --------------------------------------------------------------------------- attribution


def _patterns(sp: Speakers) -> dict[str, re.Pattern]:
    return derived(sp, "indirect patterns", lambda: _compile_patterns(sp))


def _compile_patterns(sp: Speakers) -> dict[str, re.Pattern]:
    """The two patterns of indirect speech ("X said that …", "according to X, …")."""
    s, v = sp.speaker_rx, sp.verb_rx
    return {
        "any_sv": re.compile(rf"(?P<spk>{s}){APPOSITIVE}{AUX}\s+(?P<verb>{v})\b"),
        "any_acc": re.compile(rf"(?P<verb>[Aa]ccording\s+to)\s+(?P<spk>{s})"),
    }


_ABBREVIATIONS = ("Mr", "Ms", "Mrs", "Dr", "St", "Gen", "Lt", "Col", "Sen", "Rep", "Gov", "Jr", "Sr", "No", "vs")
# The mark comes first and the abbreviation checks look back from behind it: a pattern that opens
# with 16 look-behinds tries them at every character of the text, this one only at . ! ? (the
# matches are the same; it made sentence splitting ~20x faster). A sentence also ends where the
# next one is glued to it by its opening mark ("…said.“We were") or by its first capital after a
# word in lower case ("…states.UN Secretary-General"; not "U.S." or "bbc.co.uk").
_SENTENCE_END = re.compile(
    r"[.!?]" + "".join(rf"(?<!\b{a}[.!?])" for a in _ABBREVIATIONS)
    + rf"(?<!\b[A-Z][.!?])(?=\s+[\"“‘'«(\[]?[{LATIN_UPPER}0-9]|[\"“«][{LATIN_UPPER}]"
    + rf"|(?<=[a-z][a-z][.!?])[{LATIN_UPPER}]\w)"  # "…in the Baltic states.UN Secretary-General …": glued
)


def _boundaries(text: str, spans) -> list[int]:
    """Sentence starts: after . ! ? outside quotations, after a closed quotation that ends a
    sentence, and at line breaks."""
    outer = [(sp.start, sp.end) for sp in spans if sp.depth == 0]  # sorted and disjoint
    outer_starts = [a for a, _ in outer]
    starts = {0}
    for m in _SENTENCE_END.finditer(text):
        k = bisect.bisect_right(outer_starts, m.start()) - 1
        if k < 0 or m.start() >= outer[k][1]:  # not inside a quotation
            starts.add(m.end())
    for sp in spans:
        if sp.depth == 0 and sp.closed and text[sp.start:sp.end].rstrip()[-1:] in ".!?":
            after = text[sp.end + 1:sp.end + 4].lstrip()
            if after[:1].isupper() or after[:1] in "“\"«":
                starts.add(sp.end + 1)
    starts.update(m.end() for m in re.finditer("\n", text))
    return sorted(starts)


def _sentence_of(bounds: list[int], pos: int, n: int) -> tuple[int, int]:
    k = bisect.bisect_right(bounds, pos) - 1
    start = bounds[max(k, 0)]
    end = bounds[k + 1] if k + 1 < len(bounds) else n
    return start, end


_PROPER_ROLE = re.compile(rf"[Tt]he\s+([{LATIN_UPPER}][\w'’-]*(?:\s+[{LATIN_UPPER}][\w'’-]*)+)")
_PREPOSITION_BEFORE = re.compile(r"\b(?:in|at|from|of|near|to|for|with|by|on|into|across|outside|inside|around|"
                                 r"towards?|against|about|over|under|between)\s+(?:the\s+)?$", re.IGNORECASE)


def _resolve(sp: Speakers, talk: Discourse, mention: str, pos: int, how: str):
    """(speaker, group, attribution) for a speaker mention at `pos`: a pronoun or a definite role
    ("the minister") points back (:class:`framing.analysis.coref.Discourse`); a name is resolved to
    its canonical or full form; a capitalised word after a preposition ("in Donbas told") is a place."""
    if sp.is_pronoun(mention):
        if mention.strip().lower() == "they":
            return None, None, "none"  # plural: an institution or a group, too vague to resolve
        speaker = talk.antecedent(pos)
        return (speaker, sp.groups.get(speaker), "pronoun") if speaker else (None, None, "none")
    if sp.is_role(mention):
        if _PREPOSITION_BEFORE.search(talk.masked, max(0, pos - 30), pos):
            return None, None, "none"  # "the office of the French president": part of a longer phrase
        proper = _PROPER_ROLE.fullmatch(mention.strip())
        if proper and proper.group(1) not in sp.canonical:  # "The International Atomic Energy Agency"
            return proper.group(1), None, how
        speaker, group = sp.resolve(mention)
        if speaker is not None and speaker in sp.groups and not person_head(mention):
            return speaker, group, how  # "the Russian defence ministry": an institution's own name
        if mention.split()[0].lower() == "the":
            earlier = talk.role_antecedent(mention, pos)
            if earlier:
                return earlier, sp.groups.get(earlier), "pronoun"
        return None, group, how
    speaker, group = sp.resolve(mention)
    if speaker is not None and speaker not in sp.groups:
        if _PREPOSITION_BEFORE.search(talk.masked, max(0, pos - 30), pos):
            return None, None, "none"
        speaker = talk.full_name(speaker, pos)
    return speaker, (sp.groups.get(speaker) if speaker in sp.groups else group), how


_NAME_PHRASE = re.compile(rf"(?:[Tt]he\s+)?(?P<name>[{LATIN_UPPER}][\w'’.-]*(?:\s+(?:(?:of|for|the|and|on|de|du|des)\s+)*"
                          rf"[{LATIN_UPPER}(][\w'’.()-]*)*)")


def _phrase_name(sp: Speakers, phrase: str) -> str | None:
    """A speaker phrase the mention patterns could not read, as a name when it is one: a known
    alias, or capitalised words joined by "of", "for", "the", "and" ("United Nations Office for
    the Coordination of Humanitarian Affairs"); None for anything else ("the head of the mission")."""
    phrase = " ".join(phrase.split())
    if phrase in sp.canonical:
        return sp.canonical[phrase]
    m = _NAME_PHRASE.fullmatch(phrase)
    if m is None or m.group("name").split()[0] in sp.not_names:
        return None
    return sp.canonical.get(m.group("name"), m.group("name"))


class _Quote:
    """The stretches of text around one quotation that the grammar's stages search."""

    __slots__ = ("q", "masked", "bounds", "s_start", "s_end", "before")

    def __init__(self, q, masked: str, bounds: list[int]) -> None:
        self.q, self.masked, self.bounds = q, masked, bounds
        self.s_start, self.s_end = _sentence_of(bounds, q.start - 1, len(masked))
        self.before = masked[self.s_start:max(q.start - 1, self.s_start)]

    def opens_sentence(self) -> bool:
        return not self.before.strip(" \t\"“‘'«")

    def stretch(self, where: str) -> tuple[str, int] | None:
        """(text, offset) of a stretch, or None where it does not apply."""
        q, masked = self.q, self.masked
        if where == "after":
            return (masked[q.end + 1:self.s_end], q.end + 1) if q.closed else None
        if where == "before":
            return self.before, self.s_start
        if where == "next":  # the quotation ends its sentence: the sentence after it
            if not q.closed or masked[q.end + 1:self.s_end].strip() or self.s_end >= len(masked):
                return None
            _, n_end = _sentence_of(self.bounds, self.s_end, len(masked))
            return masked[self.s_end:n_end], self.s_end
        if where == "previous":
            if not self.opens_sentence() or self.s_start == 0:
                return None
            p_start, _ = _sentence_of(self.bounds, max(self.s_start - 2, 0), len(masked))
            return masked[p_start:self.s_start], p_start
        return None


def _attribute(q, text: str, masked: str, bounds: list[int], sp: Speakers, grammar: Grammar, talk: Discourse,
               rows: list[dict], kind: str = "direct") -> dict | None:
    """The row of one direct quotation: the first stage of the grammar that matches names its speaker.
    A ``partial`` quotation (one or two words) is one only where a stage of its own sentence gives it
    to someone (``None`` otherwise: a scare quote or a title, not a quotation)."""
    around = _Quote(q, masked, bounds)
    quote = text[q.start:q.end]
    stretches: dict[str, tuple[str, int] | None] = {}
    for stage in grammar.stages:
        if kind == "partial" and (stage.where not in ("before", "after") or stage.speaker == "none"
                                  or stage.name in _NOT_FOR_PARTIAL):
            continue
        if stage.where == "previous_quote":
            # a quotation that opens its sentence right after an attributed one continues it
            if around.opens_sentence() and rows and rows[-1]["speaker_text"] \
                    and text[rows[-1]["end"]:q.start].count("\n") <= 1 and q.start - rows[-1]["end"] < 400:
                prev = rows[-1]
                return _row(q.start, q.end, quote, prev["speaker"], prev["speaker_text"], prev["speaker_group"],
                            prev["verb"], "sentence before", stage.name)
            continue
        if stage.where not in stretches:
            got = around.stretch(stage.where)
            stretches[stage.where] = got if got is not None and got[0].strip() else None
        got = stretches[stage.where]
        if got is None:
            continue
        chunk, offset = got
        m = stage.search(chunk)
        if m is None:
            continue
        how = "sentence before" if stage.where in ("previous", "next") else "same sentence"
        verb = grammar.verb(sp, stage, m)
        if stage.speaker == "none":
            return _row(q.start, q.end, quote, None, None, None, verb, how, stage.name)
        if stage.speaker == "subject":
            found = talk.subject(around.s_start, offset + m.start())
            if found is None:
                continue
            speaker, group, mention = found
            return _row(q.start, q.end, quote, speaker, mention, group, verb, how, stage.name, kind)
        mention, pos = m.group("spk"), offset + m.start("spk")
        if _POSSESSIVE_END.search(mention):
            continue  # "Waters’s comments drew a rebuke": a possessive is not who speaks
        if _noun_not_verb(m, chunk, mention, sp):
            continue  # "the three Baltic states to be handed": a plural noun, not "X states"
        if stage.speaker == "phrase":
            speaker = _phrase_name(sp, mention)
            return _row(q.start, q.end, quote, speaker, mention, sp.groups.get(speaker) if speaker else None, verb,
                        how if speaker else "none", stage.name, kind)
        appositive = (m.groupdict().get("app") or "").strip(" ,")
        if appositive and not sp.is_role(appositive) and sp.resolve(appositive)[0] and (
                sp.is_role(mention) or _PREPOSITION_BEFORE.search(masked, max(0, pos - 30), pos)):
            # "the prime minister, Magdalena Andersson, told" / "secretary to the Treasury, James Murray, said"
            mention, pos = appositive, offset + m.start("app") + 2
        elif appositive and mention.strip() in sp.not_names:
            # "Yet, the Russian president added": a sentence adverb, then the subject
            mention, pos = appositive, offset + m.start("app") + 2
        speaker, group, how = _resolve(sp, talk, mention, pos, how)
        return _row(q.start, q.end, quote, speaker, mention, group, verb, how, stage.name, kind)
    if kind == "partial":
        return None
    return _row(q.start, q.end, quote, None, None, None, None, "none", None)


_POSSESSIVE_END = re.compile(r"['’]s?$")
#: Reporting verbs whose -s form is also a plural noun ("Baltic states", "Kremlin claims", "press reports").
_NOUN_VERBS = frozenset({"states", "claims", "reports", "notes", "comments", "remarks", "answers", "replies"})
_VERB_GOES_ON = re.compile(r"\s*(?:that\b|[:,\"“‘]|$)")


def _noun_not_verb(m: re.Match, chunk: str, mention: str, sp: Speakers) -> bool:
    """Whether the matched verb is rather a plural noun after an adjective: its -s form is also a noun,
    the mention is one capitalised word nobody knows ("Baltic", not "Peskov"), and no "that", colon,
    comma or quotation mark follows it."""
    if "verb" not in m.re.groupindex or m.group("verb") is None or m.group("verb").lower() not in _NOUN_VERBS:
        return False
    if " " in mention.strip() or sp.is_pronoun(mention) or sp.resolve(mention)[0] in sp.groups:
        return False
    return _VERB_GOES_ON.match(chunk, m.end("verb")) is None


#: Stages that do not give a quotation of one or two words to a speaker: a heading ("Putin: “No”")
#: or a quotation introduced as a quotation of someone.
_NOT_FOR_PARTIAL = frozenset({"before_colon", "before_quoting", "after_phrase_verb"})


#: Words right before a short quotation that make it the writer's scare quote, not someone's words.
#: Not the lexicon's distancing markers: "what Trump described as “tremendous progress”" distances a
#: term but gives a quotation to its speaker.
_SCARE_BEFORE = re.compile(r"(?:so[ -]called|self[ -](?:proclaimed|styled|declared)|alleged|purported|quote[- ]unquote)"
                           r"\s*$", re.IGNORECASE)


def _has_verb(masked: str, bounds: list[int], q, grammar: Grammar) -> bool:
    """Whether the sentence of the quotation `q` holds any attribution verb form (the grammar's stages
    for a partial quotation need one): most short quotations are scare quotes in sentences without
    one, and need no stage tried."""
    lo, hi = _sentence_of(bounds, q.start - 1, len(masked))
    return grammar.any_verb.search(masked, lo, hi) is not None


def _is_partial(text: str, q, bounds: list[int]) -> bool:
    """Whether the quotation `q` of one or two words may be someone's words: not after a distancing
    word ("so-called “referendum”"), not a capitalised title inside a sentence ("the BBC's “Newsnight”")."""
    inside = text[q.start:q.end]
    if not inside.strip() or _SCARE_BEFORE.search(text, max(0, q.start - 40), max(0, q.start - 1)):
        return False
    s_start, _ = _sentence_of(bounds, q.start - 1, len(text))
    at_start = not text[s_start:max(q.start - 1, s_start)].strip(" \t\"“‘'«")
    return at_start or not all(w[:1].isupper() for w in inside.split())


def _quote_rows(text: str, sp: Speakers, grammar: Grammar) -> list[dict]:
    spans = find_quote_spans(text)
    bounds = _boundaries(text, spans)
    masked = mask_quotations(text, spans)
    talk = Discourse(text, masked, sp, bounds)
    rows: list[dict] = []
    for q in spans:
        if q.depth:
            continue
        if len(text[q.start:q.end].split()) >= 3:
            rows.append(_attribute(q, text, masked, bounds, sp, grammar, talk, rows))
        elif _is_partial(text, q, bounds) and _has_verb(masked, bounds, q, grammar):
            row = _attribute(q, text, masked, bounds, sp, grammar, talk, rows, kind="partial")
            if row is not None:
                rows.append(row)
    rows += _indirect_rows(text, masked, spans, bounds, sp, _patterns(sp), talk)
    return rows


def _rows_for(text: str, language, sp: Speakers, grammar: Grammar, kinds) -> list[dict]:
    """The quotation rows of one text, with the attribution grammar of its language: Russian and
    Ukrainian (by the article's ``language``, or by its letters when that is missing) have their
    own (:mod:`framing.analysis.quotes_cyrillic`; direct quotations only), every other language the
    English one."""
    if not isinstance(language, str) or not language:
        language = "ru" if is_cyrillic(text) else None
    if language in CYRILLIC_LANGUAGES:
        if "direct" not in kinds:  # (partial quotations: the English grammar only)
            return []
        return [{**row, "rule": row.get("rule") or f"{language}_grammar"} for row in cyrillic_quote_rows(text, language)]
    return _quote_rows(text, sp, grammar)


def _row(start: int, end: int, quote: str, speaker, speaker_text, group, verb, how, rule, kind="direct") -> dict:
    return {"start": start, "end": end, "quote": quote, "n_words": len(quote.split()), "kind": kind,
            "speaker": speaker, "speaker_text": speaker_text, "speaker_group": group, "verb": verb,
            "attribution": how, "rule": rule}


_TOLD_OBJECT = re.compile(
    r"^\s+(?:reporters|journalists|lawmakers|parliament|(?:the|a|an|his|her|their)\s+[\w-]+|[A-Z][\w.’'-]+(?:\s+[A-Z][\w.’'-]+)?)"
)


def _verb_starts(sp: Speakers) -> re.Pattern:
    """Where an indirect quotation may be: a verb that reports speech by itself ("said"), or any
    other attribution verb followed by "that" ("noted that"), after white space. A sentence without
    one cannot hold one (see :func:`_indirect_rows`), so it is not searched."""
    def build() -> re.Pattern:
        bare = {form for form, canon in sp.verbs.items() if canon in sp.bare_verbs}
        other = {form for form in sp.verbs if form not in bare}
        return re.compile(r"\s(?:" + trie_alternation({v.split()[0] for v in bare}) + "|"
                          + trie_alternation(other, space=SPACE) + r"\s+that\b)")

    return derived(sp, "verb starts", build)


def _indirect_rows(text, masked, spans, bounds, sp, pats, talk: Discourse) -> list[dict]:
    # The speaker patterns are slow to search (a speaker may be many things), so a sentence is
    # searched only when one pass over the text found a verb's first word or "ccording" in it; and
    # sentences that touch a quotation are skipped by bisecting the quotations' starts.
    quoted = [(s.start - 1, s.end + 1) for s in spans if s.depth == 0]  # sorted by start, disjoint
    q_starts = [a for a, _ in quoted]
    cues = sorted([m.start() + 1 for m in _verb_starts(sp).finditer(text)]
                  + [m.start() for m in re.finditer("ccording", text)])
    rows = []
    for k, start in enumerate(bounds):
        end = bounds[k + 1] if k + 1 < len(bounds) else len(text)
        c = bisect.bisect_left(cues, start + 1)  # a cue at `start` has no white space before it in the sentence
        if c == len(cues) or cues[c] >= end:
            continue
        j = bisect.bisect_left(q_starts, end)
        if j and quoted[j - 1][1] > start:
            continue
        sentence = text[start:end]
        m = pats["any_acc"].search(sentence) or pats["any_sv"].search(sentence)
        if m is None:
            continue
        verb = sp.canonical_verb(m.group("verb"))
        after = sentence[m.end():]
        if verb not in sp.bare_verbs and not re.match(r"\s+that\b", after):
            continue  # "Russia continued its attacks": only say/tell verbs report speech without "that"
        if verb == "told":
            after = _TOLD_OBJECT.sub("", after, count=1)
        after = re.sub(r"^[\s,:]*(?:that\s+)?", "", after).strip(" ,.;:\n")
        body = after if len(after.split()) >= 4 else sentence[:m.start()].strip(" ,.;:\n")
        if len(body.split()) < 4:
            continue
        speaker_text = m.group("spk")
        where = start + m.start()
        speaker, group, how = _resolve(sp, talk, speaker_text, where, "same sentence")
        rows.append(_row(start, end, body, speaker, speaker_text, group, verb, how,
                         "indirect_according" if verb == "according to" else "indirect_said", kind="indirect"))
    return rows


def find_quotes(
    articles: pd.DataFrame, *, speakers: str | Path | dict | None = None,
    kinds: Sequence[str] = ("direct", "partial", "indirect"),
    progress: bool | None = None,
) -> pd.DataFrame:
    """Every quotation in the articles, with its speaker, verb and how the speaker was found.

    Parameters
    ----------
    articles : DataFrame
        The articles table.
    speakers : path or dict, optional
        Extra speakers, roles or verbs, merged over ``framing/data/speakers.yaml``.
    kinds : sequence
        ``direct`` (in quotation marks, three words or more), ``partial`` (one or two words in
        quotation marks that an attribution in their own sentence gives to someone: "Biden called it
        “genocide”", "…an “unethical crime”, Kwon said"; other short ones are scare quotes or titles,
        which :func:`framing.find_terms` reports as voice) and/or ``indirect`` ("X said that …",
        "according to X, …", in sentences without quotation marks). Russian and Ukrainian articles
        (``language`` ru or uk; without a language, text that is mostly Cyrillic) get their own
        grammar — «…», — заявил Песков; по словам Пескова; dash dialogue — with verbs as written
        (``заявил``, ``наголосив``) and known people's names in their English form, so their
        speaker groups match; for them only direct quotations are found.
    progress : bool, optional
        A progress bar over the articles (default: only when standard error is a terminal).

    Returns
    -------
    DataFrame
        ``article_id, outlet, published, start, end, quote, n_words, kind, speaker, speaker_text,
        speaker_group, verb, attribution``. ``speaker`` is a canonical name (or None when the
        mention names nobody, e.g. "a resident"); ``speaker_group`` comes from the speakers file
        (names, institutions and roles); ``attribution`` is ``same sentence``, ``sentence before``,
        ``pronoun`` or ``none``. ``start``/``end`` index ``text`` (for indirect quotes, the sentence).

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a"], "outlet": ["Demo"], "published": [pd.NaT],
    ...     "text": ['“We are ready for talks,” Lavrov said. “But not at any price.” Zelensky claimed '
    ...              'that Russia was stalling the talks again.']})
    >>> find_quotes(arts)[["kind", "speaker", "verb", "attribution"]].values.tolist()
    [['direct', 'Sergei Lavrov', 'said', 'same sentence'], ['direct', 'Sergei Lavrov', 'said', 'sentence before'], ['indirect', 'Volodymyr Zelensky', 'claimed', 'same sentence']]
    """
    workers = _texts.workers_for(len(articles))
    if _texts.streamed(articles) or workers > 1:  # a block of articles at a time, on every core
        run = functools.partial(find_quotes, speakers=speakers, kinds=kinds, progress=False)
        found = _texts.per_block(run, articles, progress=progress, desc="find_quotes", workers=workers)
        return found.sort_values(["article_id", "start"], kind="stable", ignore_index=True)
    _texts.require(articles, ["article_id", "outlet", "text"], "find_quotes")
    sp = load_speakers(speakers)
    grammar = grammar_for(sp)
    records = []
    languages = articles["language"] if "language" in articles.columns else pd.Series(None, index=articles.index)
    rows = zip(articles["article_id"], articles["outlet"], articles["published"], articles["text"], languages)
    for aid, outlet, published, text, language in bar(rows, desc="find_quotes", total=len(articles), progress=progress):
        if not isinstance(text, str) or not text:
            continue
        for row in _rows_for(text, language, sp, grammar, kinds):
            if row["kind"] in kinds:
                records.append({"article_id": aid, "outlet": outlet, "published": published, **row})
    out = pd.DataFrame.from_records(records, columns=list(QUOTE_COLUMNS))
    out = out.astype({c: "string" for c in ("article_id", "outlet", "quote", "kind", "speaker", "speaker_text",
                                           "speaker_group", "verb", "attribution", "rule")}
                     | {"start": "int64", "end": "int64", "n_words": "int64"})
    out["published"] = pd.to_datetime(out["published"], utc=True)
    return out.sort_values(["article_id", "start"], kind="stable", ignore_index=True)


# --------------------------------------------------------------------------- comparisons


def speaker_share(quotes: pd.DataFrame, by: str = "outlet", *, kinds: Sequence[str] = ("direct",)) -> pd.DataFrame:
    """For each group and speaker group: quotations, quoted words, and their shares within the group.

    A quotation whose speaker is named but not in the speakers file counts as ``(other named)``;
    one with no speaker found counts as ``(unattributed)``; so the shares add up to 1.

    Examples
    --------
    >>> q = pd.DataFrame({"outlet": ["A", "A", "B"], "speaker_group": ["Russia", "Ukraine", "Russia"],
    ...     "n_words": [10, 30, 5], "kind": ["direct"] * 3})
    >>> speaker_share(q)[["outlet", "speaker_group", "share_quotes", "share_words"]].values.tolist()
    [['A', 'Russia', 0.5, 0.25], ['A', 'Ukraine', 0.5, 0.75], ['B', 'Russia', 1.0, 1.0]]
    """
    q = quotes[quotes["kind"].isin(list(kinds))]
    fallback = np.where(q["speaker"].notna(), "(other named)", "(unattributed)") if "speaker" in q else "(unattributed)"
    q = q.assign(speaker_group=q["speaker_group"].astype("string").fillna(pd.Series(fallback, index=q.index)))
    table = q.groupby([by, "speaker_group"]).agg(n_quotes=("n_words", "size"), n_words=("n_words", "sum")).reset_index()
    totals = table.groupby(by)[["n_quotes", "n_words"]].transform("sum")
    table["share_quotes"] = table["n_quotes"] / totals["n_quotes"]
    table["share_words"] = table["n_words"] / totals["n_words"]
    return table.sort_values([by, "n_quotes"], ascending=[True, False], ignore_index=True)


def attribution_verbs(
    quotes: pd.DataFrame, by: str = "outlet", *, speaker_group: str | None = None, min_count: int = 1
) -> pd.DataFrame:
    """The verb profile per group (and per speaker group), with a log-odds contrast between groups.

    For each group, speaker group and verb: the count, the verb's share among that group's
    attributed quotations of that speaker group, and ``log_odds_z``: the z-score of the log-odds
    ratio (informative Dirichlet prior, as :func:`framing.keyness`) of this group's use of the
    verb against all other groups, for the same speaker group. z > 1.96: this outlet uses the verb
    for these speakers more than the others do. Example: how often an outlet introduces Russian
    officials with "claimed" rather than "said".

    Examples
    --------
    >>> q = pd.DataFrame({"outlet": ["A"] * 4 + ["B"] * 4, "speaker_group": ["Russia"] * 8,
    ...     "verb": ["claimed"] * 3 + ["said"] + ["said"] * 4})
    >>> t = attribution_verbs(q)
    >>> t.query("outlet == 'A' and verb == 'claimed'")[["count", "share"]].values.tolist()
    [[3.0, 0.75]]
    """
    q = quotes[quotes["verb"].notna()]
    if speaker_group is not None:
        q = q[q["speaker_group"] == speaker_group]
    q = q.assign(speaker_group=q["speaker_group"].astype("string").fillna("(unattributed)"))
    counts = q.groupby(["speaker_group", by, "verb"]).size().rename("count").reset_index()
    rows = []
    for sg, block in counts.groupby("speaker_group"):
        grid = block.pivot_table(index=by, columns="verb", values="count", fill_value=0, aggfunc="sum")
        pooled = grid.sum(axis=0).to_numpy(float)
        for group in grid.index:
            a = grid.loc[group].to_numpy(float)
            c = pooled - a
            if c.sum() == 0:
                z = np.full(a.shape, np.nan)
            else:
                _, z = log_odds_dirichlet(a, c, a.sum(), c.sum(), pooled)
            for verb, n, zz in zip(grid.columns, a, z):
                rows.append({by: group, "speaker_group": sg, "verb": verb, "count": n,
                             "share": n / a.sum() if a.sum() else np.nan, "log_odds_z": zz})
    out = pd.DataFrame(rows, columns=[by, "speaker_group", "verb", "count", "share", "log_odds_z"])
    out = out[out["count"] >= min_count]
    return out.sort_values([by, "speaker_group", "count"], ascending=[True, True, False], ignore_index=True)


@memo(maxsize=4)
def _cite_patterns(outlets_source) -> tuple[tuple[re.Pattern, re.Pattern, re.Pattern], dict]:
    """(the name, what may stand before it, what may follow it) and name -> outlet.

    A citation is ``[citing words] [the] NAME [agency …] [verb]``; the name is searched first (one
    trie of every name), and the optional parts are read around it, which finds what one regex
    with optional leading parts would find (tested) without trying it at every position."""
    book = load_outlets(*([outlets_source] if outlets_source is not None else []))
    names: dict[str, str] = {}
    for o in book.outlets:
        for n in (o.name, *o.aliases):
            if len(n) >= 2:
                names[n] = o.name
    name = re.compile(rf"(?<![\w])(?P<src>{trie_alternation(names)})(?![\w])")
    before = re.compile(r"(?:(?P<pre>[Aa]ccording\s+to|told|telling|tells|(?:quoted|cited|reported)\s+by|"
                        r"interview\s+(?:with|to))\s+)?(?:the\s+)?\Z")
    after = re.compile(r"(?:\s+(?:news\s+agency|News\s+Agency|agency|newspaper|TV|television))?"
                       rf"(?:\s+(?P<verb>{trie_alternation(load_speakers().citation_verbs, space=SPACE)})\b)?")
    return (name, before, after), names


_CITE_REACH = 300  # characters before a name searched for "according to the", "interview with" …


def _citations(text: str, patterns) -> Iterator[tuple[int, int, str | None, str, str | None]]:
    """(start, end, citing words, name, verb) of each mention of a name, left to right, none
    overlapping (as ``finditer`` of the whole pattern gives them)."""
    name, before, after = patterns
    pos = 0
    while (m := name.search(text, pos)) is not None:
        start, end = m.span()
        lead = before.search(text, max(pos, start - _CITE_REACH), start)
        tail = after.match(text, end)
        yield (lead.start() if lead else start), tail.end(), lead.group("pre") if lead else None, m.group("src"), \
            tail.group("verb")
        pos = tail.end()


def _how(pre: str) -> str:
    pre = pre.lower()
    if pre.startswith("according"):
        return "according to"
    if pre.startswith(("told", "tell")):
        return "told"
    return "interview" if pre.startswith("interview") else "quoted by"


def cited_sources(articles: pd.DataFrame, *, outlets=None) -> pd.DataFrame:
    """The agencies and outlets an article cites ("according to Interfax", "told Reuters", "TASS reported").

    Names come from the outlets file (``framing/data/outlets.yaml`` and `outlets`). A cited source
    is not the publisher: ``self_citation`` marks an outlet citing itself ("told the BBC" in a
    BBC article), which a table of sources should usually leave out.

    Returns
    -------
    DataFrame
        ``article_id, outlet, source, how, start, end, self_citation``; ``how`` is
        ``according to``, ``told``, ``quoted by``, ``interview`` or ``reported``.

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a"], "outlet": ["Demo"],
    ...     "text": ["Sputnik News Agency quoted him; according to Interfax, talks stalled."]})
    >>> cited_sources(arts)[["source", "how"]].values.tolist()
    [['Sputnik', 'reported'], ['Interfax', 'according to']]
    """
    workers = _texts.workers_for(len(articles))
    if _texts.streamed(articles) or workers > 1:  # a block of articles at a time, on every core
        return _texts.per_block(functools.partial(cited_sources, outlets=outlets), articles, workers=workers)
    patterns, names = _cite_patterns(outlets)
    rows = []
    for aid, outlet, text in zip(articles["article_id"], articles["outlet"], articles["text"]):
        if not isinstance(text, str):
            continue
        for start, end, pre, name, verb in _citations(text, patterns):
            if pre:
                how = _how(pre)
            elif verb:
                how = "reported"
            else:
                continue  # a mere mention ("the BBC's correspondent"), not a citation
            src = names[name]
            rows.append({"article_id": aid, "outlet": outlet, "source": src, "how": how,
                         "start": start, "end": end, "self_citation": src == outlet})
    cols = ["article_id", "outlet", "source", "how", "start", "end", "self_citation"]
    return pd.DataFrame(rows, columns=cols).astype({"start": "int64", "end": "int64", "self_citation": bool})
