"""The cleaner's shortcuts give what their plain definitions give.

Cleaning skips work in three ways: a rule is tried only when the strings every match of it must
contain occur in the text (one Hyperscan scan for them all), whitespace is normalised only where
there is something to change, and line keys take an ASCII path when the only non-ASCII characters
are common punctuation. Each test here writes the plain definition out and compares.
"""

from __future__ import annotations

import json
import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from framing.text.regex_literals import required_all
from framing.ingestion.clean import clean_text, key_bytes, line_key, normalize_whitespace
from framing.text import prefilter
from framing.text.prefilter import Prefilter, may_match, required_strings
from framing.knowledge.boilerplate import load_boilerplate
from framing.knowledge.outlets import load_outlets

from .conftest import CORPORA, SEEDS, need

_RULES = load_boilerplate()
_RULE_PATTERNS = [*_RULES.split_before, *_RULES.split_after, *_RULES.footer, *(p for _, p in _RULES.drop)]
_WIRE_PATTERNS = [p for o in load_outlets().outlets for p in (*o.wire_strong, *o.wire_weak)]
_ALL = list(dict.fromkeys(_RULE_PATTERNS + _WIRE_PATTERNS))

# characters the shortcuts treat specially, mixed with ordinary ones
_TRICKY = ("ab Z.\n\r\t\f\v\u00a0\u1680\u2002\u202f\u3000\u200b\u200d\u2060\ufeff\u00ad\u2028\u2029"
           "e\u0301“”‘’—–…«»·•_ßĳДж,;:!?\"'…")
_tricky_text = st.text(alphabet=st.sampled_from(_TRICKY), max_size=80) | st.text(max_size=40)


def _normalize_by_definition(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\u200b-\u200d\u2060\ufeff\u00ad]", "", text).replace("\u2028", "\n").replace("\u2029", "\n")
    text = re.sub(r"[ \t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+", " ", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def _line_key_by_definition(line: str) -> str:
    line = re.sub(r"(?:\.\.\.|…)\s*$", "", line)
    return re.sub(r"[\W_]+", " ", line.casefold()).strip()


@settings(max_examples=400, deadline=None)
@given(_tricky_text)
def test_normalize_whitespace_matches_its_definition(text):
    assert normalize_whitespace(text) == _normalize_by_definition(text)


@settings(max_examples=400, deadline=None)
@given(_tricky_text)
def test_line_key_matches_its_definition(line):
    assert line_key(line) == _line_key_by_definition(line)


@settings(max_examples=400, deadline=None)
@given(_tricky_text | st.text(alphabet=st.sampled_from("AbZ09 \x1c\x1f\x85.-_İßﬁΣς“”—"), max_size=60))
def test_key_bytes_holds_the_words_of_line_key(text):
    # the MinHash words: the key's words, as bytes, whatever spaces separate them
    assert key_bytes(text).split() == [w.encode() for w in _line_key_by_definition(text).split()]


def test_line_key_takes_the_ascii_path_through_curly_quotes():
    assert line_key("“Kyiv’s talks — over…”") == "kyiv s talks over"
    assert line_key("«Донбасс» — Kyiv") == "донбасс kyiv"


@pytest.mark.parametrize("pattern", _ALL, ids=lambda p: p.pattern[:40])
def test_every_match_contains_one_string_of_each_required_set(pattern):
    """Soundness of the prefilter's strings, on texts Hypothesis builds to match each rule."""
    literals = required_strings(pattern)
    prefixes = Prefilter([pattern])

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.from_regex(pattern))
    def check(text):
        match = pattern.search(text)
        if match is None:  # from_regex ignores some flags and lookarounds: nothing to check
            return
        assert may_match(pattern, text, text.lower())
        found = prefixes.found(text, text.lower())
        assert found is None or pattern in found
        if literals is not None:
            groups, caseless = literals
            # in the match, or in what a lookaround of the rule looked at next to it
            seen = text[max(match.start() - 200, 0):match.end() + 200]
            seen = seen.lower() if caseless else seen
            for group in groups:
                assert any(s in seen for s in group), (group, seen)

    check()


def test_case_sensitive_rules_get_case_sensitive_strings():
    by = next(p for p in _RULES.split_after if p.pattern.startswith("^By "))
    groups, caseless = required_strings(by)
    assert not caseless and frozenset({"By "}) in groups
    assert not may_match(by, "stood by the reporter", "stood by the reporter")
    editor = next(p for _, p in _RULES.drop if "Editor" in p.pattern)
    assert required_strings(editor)[1] is True  # (?i): looked for lower-cased
    assert [sorted(g) for g in required_all(r"_{20,}")] == [["________"]]


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(need(SEEDS, "the seeds").glob("*.txt"))]
    for name in ("ukraine-war-en-2022-2023", "ukraine-opinion-en-2024-2026"):
        path = need(CORPORA / name / "articles.jsonl", f"the {name} corpus")
        texts += [json.loads(line).get("text") or "" for line in path.read_text(encoding="utf-8").splitlines()]
    return texts


def test_clean_text_is_the_same_without_any_prefilter(monkeypatch):
    """Every rule tried on every line (no literals, no Hyperscan) gives the same cleaning."""
    texts = _texts()
    fast = [clean_text(t) for t in texts]
    monkeypatch.setattr(prefilter, "required_strings", lambda pattern: None)
    monkeypatch.setattr(prefilter.Prefilter, "found", lambda self, text, low: None)
    monkeypatch.setattr(prefilter, "line_safe", lambda pattern: False)
    slow = [clean_text(t) for t in texts]
    assert len(texts) > 800
    assert sum(len(c.dropped) for c in slow) > 1000  # the rules had work to do
    for a, b in zip(fast, slow, strict=True):
        assert (a.paragraphs, a.dropped, a.header, a.keys) == (b.paragraphs, b.dropped, b.header, b.keys)


_OUTLETS = load_outlets()
_SIGNATURE_BITS = ("KYIV (Reuters) - ", "MOSCOW, March 3. /TASS/. ", "(AP) — ", "RT", "RT News", "More from the Press and Journal",
                   "according to ", "via ", "Reuters", " (AFP) - ", "LONDON (Sputnik) - ", "Interfax", "(Ukrinform)", "By AFP",
                   "Talks went on.", " ", "a", "K", ". ")
_signature_lines = st.lists(st.lists(st.sampled_from(_SIGNATURE_BITS), max_size=5).map("".join), min_size=1, max_size=6)


def _publisher_by_definition(lines: list[str], monkeypatch) -> tuple:
    """find_outlet and find_wire with every signature and wire sign searched in every line."""
    from framing.ingestion import meta

    with monkeypatch.context() as m:
        m.setattr(meta, "may_match", lambda *args: True)
        m.setattr(meta, "starts_line", lambda pattern: False)
        m.setattr(meta, "line_safe", lambda pattern: False)
        return _publisher(lines)


def _publisher(lines: list[str]) -> tuple:
    from framing.ingestion.meta import find_outlet, find_wire

    found = find_outlet(manifest=None, given=None, url=None, lines=lines, header=[], sitename=None, outlets=_OUTLETS)
    return found[:2], find_wire(lines, outlet=found[2], outlets=_OUTLETS), find_wire(lines, outlet=None, outlets=_OUTLETS)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=_signature_lines)
def test_outlet_and_wire_signs_skip_only_what_cannot_match(lines, monkeypatch):
    """Outlet signatures and wire signs tried only where their strings occur, once a line when they
    must start it, are found as when every one is searched in every line."""
    assert _publisher(lines) == _publisher_by_definition(lines, monkeypatch)


def test_outlet_and_wire_of_the_seeds_and_corpora_are_found_as_by_definition(monkeypatch):
    texts = _texts()
    lines = [clean_text(t).lines for t in texts]
    fast = [_publisher(x) for x in lines]
    slow = [_publisher_by_definition(x, monkeypatch) for x in lines]
    assert fast == slow
    assert sum(1 for (outlet, how), *_ in fast if how == "signature") >= 1  # the signatures had work to do
