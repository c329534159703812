"""The Hyperscan candidate finder gives exactly the matches of the pure-Python matcher: on the
shared corpora, on the synthetic benchmark corpus, and on generated text full of near-misses."""

from __future__ import annotations

import json
import sys

import pytest
from hypothesis import given, settings, strategies as st

import framing
from framing.analysis import _engine
from framing.analysis.lexicon import Lexicon
from framing.analysis.terms import Matcher

from .conftest import CORPORA, ROOT, STRICT, need

if not _engine.available():
    if STRICT:
        pytest.fail('FRAMING_STRICT: hyperscan is not installed (pip install -e ".[fast]")', pytrace=False)
    pytest.skip('hyperscan is not installed (pip install -e ".[fast]")', allow_module_level=True)


def _pair(lexicon: Lexicon | None = None) -> tuple[Matcher, Matcher]:
    lex = lexicon or framing.load_lexicon()
    fast, plain = Matcher(lex, engine="hyperscan"), Matcher(lex, engine="re")
    assert (fast.engine, plain.engine) == ("hyperscan", "re")
    return fast, plain


def test_the_packaged_lexicon_runs_on_hyperscan_by_default():
    assert framing.load_lexicon().matcher.engine == "hyperscan"


@pytest.mark.slow
def test_same_matches_on_the_shared_corpora():
    fast, plain = _pair()
    n = 0
    for name in ("ukraine-war-en-2022-2023", "ukraine-opinion-en-2024-2026"):
        path = need(CORPORA / name / "articles.jsonl", f"the shared corpus {name}")
        for line in path.open(encoding="utf-8"):
            row = json.loads(line)
            for text in (row.get("text") or "", row.get("title") or ""):
                got = fast.scan(text)
                assert got == plain.scan(text), text[:80]
                n += len(got)
    assert n > 5000


def test_same_matches_on_the_synthetic_corpus():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import synth

    fast, plain = _pair()
    texts = [a["text"] for a in synth.articles(300, seed=3)]
    found = [fast.scan(t) for t in texts]
    assert sum(map(len, found)) > 1000
    assert found == [plain.scan(t) for t in texts]


_PIECES = ["Kyiv", "Kiev", "kievan", "Donbass", "Donbas", "special military operation", "special\noperation",
           "the special operation", "Russia's special operation", "military operation", "invasion", "invaded",
           "Zelenskyy", "Zelensky's", "DPR", "dpr", "self-proclaimed", "so-called", "regime", "Kiev regime",
           "chicken Kiev", "Cold War", "war", "warfare", "crisis in Ukraine", "Zaporizhzhia", "Artemovsk",
           "é", "ß", "İ", "Київ", "“", "”", "'", "’", "«", "»", "-", "_", "0", " ", "  ", "\n", ".", ",", "x"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_same_matches_on_generated_text(text):
    fast, plain = _ENGINES
    assert fast.scan(text) == plain.scan(text)


_ENGINES = _pair()


def test_a_lexicon_without_literal_prefixes_falls_back_or_refuses():
    lex = framing.load_lexicon({"families": {"isms": {"variants": {"any -ist": {"patterns": [r"\w+ist"]}}}}})
    assert Matcher(lex).engine == "re"  # auto: the pure-Python pre-filter
    with pytest.raises(ValueError, match="cannot run this lexicon"):
        Matcher(lex, engine="hyperscan")
