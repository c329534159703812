"""The Hyperscan candidate finder gives exactly the matches of the pure-Python matcher: on the
shared corpora, on the synthetic benchmark corpus, and on generated text full of near-misses."""

from __future__ import annotations

import json
import sys

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings, strategies as st

import framing
from framing.text import hyperscan as _engine
from framing.text.utf8 import PY_SPACE
from framing.analysis.lexicon import Lexicon
from framing.analysis.matcher import Matcher, matcher_for

from .conftest import CORPORA, ROOT, STRICT, need

if not _engine.available():
    if STRICT:
        pytest.fail('FRAMING_STRICT: hyperscan is not installed (pip install -e ".[fast]")', pytrace=False)
    pytest.skip('hyperscan is not installed (pip install -e ".[fast]")', allow_module_level=True)


def _pair(lexicon: Lexicon | None = None) -> tuple[Matcher, Matcher]:
    lex = lexicon or framing.load_lexicon().for_language("en")
    fast, plain = Matcher(lex, engine="hyperscan"), Matcher(lex, engine="re")
    assert (fast.engine, plain.engine) == ("hyperscan", "re")
    return fast, plain


def test_the_packaged_lexicon_runs_on_hyperscan_by_default():
    # English articles are matched with the English patterns, which Hyperscan runs; the Russian and
    # Ukrainian ones (non-ASCII case folding, which Hyperscan does not do) run on re
    assert matcher_for(framing.load_lexicon().for_language("en")).engine == "hyperscan"
    assert matcher_for(framing.load_lexicon().for_language("ru")).engine == "re"


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


# --- count_terms: Hyperscan matches the whole lexicon on bytes, re takes what it cannot decide ---

def _counts(articles, lexicon=None, titles=False):
    fast = framing.count_terms(articles, lexicon, titles=titles, engine="hyperscan")
    plain = framing.count_terms(articles, lexicon, titles=titles, engine="re")
    pd.testing.assert_frame_equal(fast, plain)
    return fast


def _frame(texts, titles=None, arrow=True):
    dtype = "string" if arrow else object
    return pd.DataFrame({
        "article_id": pd.array([f"a{i}" for i in range(len(texts))], dtype="string"),
        "title": pd.Series(titles if titles is not None else [""] * len(texts), dtype=dtype),
        "text": pd.Series(texts, dtype=dtype),
        "language": "en",  # as ingest reads it: English articles are matched with the English patterns
    })


@pytest.mark.slow
def test_same_counts_on_the_shared_corpora():
    total = 0
    for name in ("ukraine-war-en-2022-2023", "ukraine-opinion-en-2024-2026"):
        path = need(CORPORA / name / "articles.jsonl", f"the shared corpus {name}")
        rows = [json.loads(line) for line in path.open(encoding="utf-8")]
        arts = _frame([r.get("text") for r in rows], [r.get("title") for r in rows])
        total += int(_counts(arts, titles=True)["count"].sum())
    assert total > 5000


def test_same_counts_on_the_synthetic_corpus_and_most_texts_need_no_re():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import synth

    arts = _frame([a["text"] for a in synth.articles(300, seed=5)], [a["title"] for a in synth.articles(300, seed=5)])
    counts = _counts(arts, titles=True)
    assert counts["count"].sum() > 1000
    matcher = matcher_for(framing.load_lexicon().for_language("en"))
    *_, slow = matcher.spans().resolve(pa.array(arts["text"].array), matcher.entry_families)
    assert slow.mean() < 0.1  # the point of the fast path: re scans few texts


_MORE = _PIECES + ["new regions", " of Russia", "Russia's new territories", "temporarily occupied territories",
                   "occupied", "prewar", "pre-war", "\u00a0", "\u02bc", "\u212a", "ſ", "Kyiv\u00a0regime",
                   "people's militia", "militias", "pro-Russian separatists", "separatist-held areas",
                   "accession of Crimea to Russia", "genocide of Russian-speaking people", "war crimes"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_MORE), max_size=25).map("".join), min_size=1, max_size=6),
       st.booleans())
def test_same_counts_on_generated_articles(texts, arrow):
    _counts(_frame(texts, texts[::-1], arrow=arrow), titles=True)


_TRICKY = {
    "families": {
        "first": {"variants": {
            "war or war crimes": {"patterns": ["(?:war|war crimes)"]},  # re takes the first branch
            "new regions": {"patterns": ["new regions(?: of Russia)?"]},  # two ends at one start
        }},
        "other": {"variants": {
            "crimes": {"patterns": ["crimes"]},
            "Russia": {"patterns": ["Russia", "(?-i:RF)"]},
            "after the": {"patterns": [r"(?<=the\ )regions"]},  # a lookbehind Hyperscan lacks
            "Ukraine's": {"patterns": ["Ukraine's"]},  # "ʼ" is a word character for Python
        }},
        "country": {"variants": {"Ukraine": {"patterns": ["Ukraine"]}}},
    }
}


@pytest.mark.parametrize("text", [
    "war crimes and new regions of Russia; the regions, RF and rf",
    "new regions", "war", "the regions of Russia", "x war crimes", "RF-backed war", "",
    "Ukraine\u02bcs war, Ukraine's war, Ukraine\u2019s war",
])
def test_same_counts_for_a_lexicon_with_tricky_patterns(text):
    _counts(_frame([text, text.upper(), text + " war"]), framing.load_lexicon(_TRICKY))


def test_a_lexicon_hyperscan_cannot_express_is_counted_by_re():
    lex = framing.load_lexicon({"families": {"atomic": {"variants": {"Kyiv": {"patterns": [r"(?>Kyiv|Kiev)"]}}}}})
    assert matcher_for(lex).spans() is None
    counts = framing.count_terms(_frame(["Kyiv, Kiev, Kyivan"]), lex)
    assert counts["count"].tolist() == [2]
    with pytest.raises(ValueError, match="hyperscan engine is not available"):
        framing.count_terms(_frame(["aax"]), lex, engine="hyperscan")


def test_counts_with_missing_texts_and_no_rows():
    _counts(_frame([None, "Kyiv and Kiev", "", None]), titles=True)
    empty = framing.count_terms(_frame([]))
    assert list(empty.columns) == ["article_id", "family", "variant", "count"] and empty.empty


@pytest.mark.slow
def test_the_space_and_case_folding_tables_are_python_s():
    import re

    space, letter = re.compile(r"\s"), re.compile(r"(?i)[a-z0-9_]")
    cps = [c for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    assert tuple(c for c in cps if space.fullmatch(chr(c))) == PY_SPACE
    assert "".join(chr(c) for c in cps if c > 0x7F and letter.fullmatch(chr(c))) == _engine._FOLDS_TO_ASCII


# --- find_terms: the same hits table from Hyperscan's spans (character offsets) as from re ---

def _hits(articles, **kw):
    fast = framing.find_terms(articles, engine="hyperscan", **kw)
    plain = framing.find_terms(articles, engine="re", **kw)
    pd.testing.assert_frame_equal(fast, plain)
    return fast


def _with_meta(arts):
    return arts.assign(outlet=pd.array(["O"] * len(arts), dtype="string"), published=pd.NaT)


@pytest.mark.slow
def test_same_hits_on_the_shared_corpora():
    for name in ("ukraine-war-en-2022-2023", "ukraine-opinion-en-2024-2026"):
        path = need(CORPORA / name / "articles.jsonl", f"the shared corpus {name}")
        rows = [json.loads(line) for line in path.open(encoding="utf-8")]
        hits = _hits(_with_meta(_frame([r.get("text") for r in rows], [r.get("title") for r in rows])))
        assert (hits["voice"] == "quoted").any() and len(hits) > 1000


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_MORE + ['"', "“", "”", " said"]), max_size=25).map("".join),
                min_size=1, max_size=5))
def test_same_hits_on_generated_articles(texts):
    _hits(_with_meta(_frame(texts, texts[::-1])), context=12)


_QUOTED = ["Kyiv", "Kiev", "special military operation", "invasion", "Donbass", " Kiev regime", "Ukraine's",
           '"', '"', "“", "”", "„", "«", "»", "‘", "’", "'", "‹", "›", " '", "' ", ' "', '" ', " “", "” ",
           " said", ". He", ", ", " ", "  ", "\n", " \n ", "\t", "\u00a0", "\u2003", "\u3000", "\u2028",
           "so-called ", "what Moscow calls ", "alleged ", "the ", "x" * 7, "A" * 3, "é", "Київ", "(", "—"]


@settings(max_examples=250, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_QUOTED), max_size=40).map("".join), min_size=1, max_size=5),
       st.integers(min_value=0, max_value=30))
def test_same_voice_and_context_on_quote_heavy_articles(texts, width):
    # every kind of quotation mark and whitespace, distancing markers, terms at text edges
    _hits(_with_meta(_frame(texts, [t[:40] for t in texts])), context=width)


_LONG = "word " * 130  # an unclosed quotation longer than spans.UNCLOSED_MAX ends with its sentence


@pytest.mark.parametrize("text", [
    'He said "the invasion began" and "Kyiv" replied. A stray" Kyiv here.',  # straight quotes
    "They call it “special military operation” and “the Kiev regime”; ” Kiev opens” here.",  # curly
    "“Unclosed Kiev quote\nKiev after the break", "“Kyiv “reopened Kiev” Kiev",
    "“" + _LONG + "Kiev. And Kiev " + _LONG + "Kiev.", '"' + _LONG + 'Kyiv. Then Kyiv.',
    "Mixed “Kyiv\" and \"Kiev” marks", "«Kyiv» and „Kiev“ and ‹Kiev›", "He said 'Kiev is calm' today, Kiev's",
    "the so-called Kyiv, what Moscow calls a special military operation, alleged “invasion”",
    '" "" Kiev regime"',  # an even number of straight marks: they pair in turn, none is stray
    "“Kyiv’s”", "“Kyiv’s plan”", "x\n”Kiev's\u2003", "“Kyiv's\u00a0”", "“Kyiv'sé”", "“Kyiv's_”", "'Kyiv'S'", "\u00a0\u2003 Kyiv\u3000 ", "  Kyiv  ", "Kyiv", "\n\nKyiv\n\n",
])
@pytest.mark.parametrize("width", [0, 1, 5, 80])
def test_same_voice_and_context_on_hand_made_paragraphs(text, width):
    got = _hits(_with_meta(_frame([text, text.upper()], [text[::-1], text])), context=width)
    assert len(got) > 0


def _synthetic_matches():
    """300 synthetic articles' texts, the English matcher, their byte buffer and Hyperscan's
    matches in it: ``(text, id, start, end, slow)``."""
    from framing.analysis import _byte_columns

    sys.path.insert(0, str(ROOT / "benchmarks"))
    import synth

    col = pa.array([a["text"] for a in synth.articles(300, seed=5)])
    matcher = matcher_for(framing.load_lexicon().for_language("en"))
    buf = _byte_columns.Buffer(col)
    text, ids, _, start, end, slow = matcher.spans().resolve(buf.column, matcher.entry_families)
    return col, matcher, buf, (text, ids, start, end, slow)


def test_most_hits_of_the_synthetic_corpus_get_their_voice_without_python():
    import numpy as np

    from framing.analysis import _byte_columns as fast_hits, _fast_hits
    from framing.analysis.spans import UNCLOSED_MAX

    col, matcher, buf, (text, ids, start, end, slow) = _synthetic_matches()
    keep = ~slow[text] & (matcher.variant_of[ids] >= 0)
    text = text[keep]
    start, end = buf.offsets[text] + start[keep], buf.offsets[text] + end[keep]
    chars = (buf.chars(buf.offsets[text]), buf.chars(start), buf.chars(end))
    _, _, windows = fast_hits.contexts(buf, text, start, end, 80, chars)
    near = _fast_hits._near_markers(matcher, buf, start, end, windows, 80)
    codes, _, _ = fast_hits.voices(buf, text, start, end, near, UNCLOSED_MAX)
    assert len(codes) > 1000
    assert np.mean(codes == fast_hits.UNDECIDED) < 0.05  # the prefix scan covers these paragraphs
    assert np.mean(codes == fast_hits.OWN) > 0.5  # decided with no Python at all


def test_same_hits_when_articles_are_read_in_blocks(monkeypatch):
    from framing.analysis import _fast_hits

    sys.path.insert(0, str(ROOT / "benchmarks"))
    import synth

    arts = _with_meta(_frame([a["text"] for a in synth.articles(7, seed=9)], [a["title"] for a in synth.articles(7, seed=9)]))
    whole = framing.find_terms(arts, engine="re")
    counted = framing.count_terms(arts, engine="re", titles=True)
    monkeypatch.setattr(_fast_hits, "_BLOCK", 3)  # slices of one Arrow array share its buffers
    monkeypatch.setattr(_fast_hits, "_COUNT_BLOCK", 3)
    pd.testing.assert_frame_equal(framing.find_terms(arts, engine="hyperscan"), whole)
    pd.testing.assert_frame_equal(framing.count_terms(arts, engine="hyperscan", titles=True), counted)
    assert len(whole) > 20


def test_same_counts_and_hits_on_columns_held_in_several_arrow_chunks():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import synth

    made = list(synth.articles(9, seed=11))

    def chunked(values):
        parts = [pa.array(values[:4], pa.large_string()), pa.array(values[4:], pa.large_string())]
        return pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array(parts)))

    arts = pd.DataFrame({
        "article_id": pd.array([f"a{i}" for i in range(9)], dtype="string"),
        "outlet": pd.array(["O"] * 9, dtype="string"), "published": pd.Series([pd.NaT] * 9),
        "title": chunked([a["title"] for a in made]), "text": chunked([a["text"] for a in made]),
        "language": "en",
    }, copy=False)
    assert pa.array(arts["text"].array).num_chunks == 2
    assert _counts(arts, titles=True)["count"].sum() > 20
    _hits(arts)


# ``requires: near`` decided by Hyperscan in each hit's window: the same verdicts as Python's re
_NEAR_PIECES = ["conflict", " conflict ", "aggression", "captured", " the village", " Ukraine", "Ukrainians",
                " Russia", "Russia's", "prewar", " war", "warning", " front line", " front\nlines", "frontline",
                " Zaporizhzhia", " Kyiv", "Kyivé", "éKyiv", " Київ", "Києві", "УКРАЇНА", " Україна", "\u212a",
                "ſ", "Ruſſia", "_Kyiv", " NATO", "Nato", "nato", " troops", "-", "\n", "\n\n", ". ", ", ",
                " ", "x" * 40, "lorem ipsum dolor " * 6, "é", "ж", "“", "’", ", as Moscow calls it", " as he calls it",
                "”, aſ they call it", " — as the Kremlin terms it", "as", " ASK", "\u00a0", "\u2014", "\""]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_NEAR_PIECES), max_size=40).map("".join), min_size=1, max_size=5))
def test_same_requires_verdicts_on_generated_articles(texts):
    arts = _with_meta(_frame(texts, [t[:30] for t in texts]))
    hits = _hits(arts, context=10)
    _counts(arts, titles=True)
    assert hits.empty or hits["off_topic"].isin([True, False]).all()


_NEAR_WORDS = ["Kyiv", r"Ukrain\w*", "front(?: ?lines?)?", "private military", "(?-i:NATO)", "Київ\\w*",
               "Україн\\w*", "Zaporizh\\w*", "caf[eé]", "[a-c]x", "ß"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["Kyiv", "kyiv", "KYIV", "Ukrainian", "front", " lines", "front line",
                                 "private", " military", "NATO", "Nato", "КИЇВ", "київ", "Україні", "zaporizhzhia",
                                 "café", "CAFÉ", "bx", "BX", "ß", "SS", "ẞ", "\u212a", "ſ", "é", "x", "_", " ",
                                 "\n", "-", "ж", "1"]), max_size=30).map("".join),
       st.integers(0, 60), st.integers(0, 60), st.integers(0, 30))
def test_hyperscan_words_answer_as_python_re(text, lo, width, overrun):
    import re

    import numpy as np

    from framing.text.hyperscan import HyperscanWords

    rx = re.compile(r"(?<!\w)(?:" + "|".join(f"(?:{w})" for w in _NEAR_WORDS) + r")(?!\w)", re.IGNORECASE)
    lo = min(lo, len(text))
    hi = min(lo + width, len(text))
    stop = min(hi + overrun, len(text))
    data = text.encode()
    at = [len(text[:i].encode()) for i in (lo, hi, stop)]
    got = HyperscanWords(_NEAR_WORDS).find(memoryview(data), np.array([0]), *(np.array([b]) for b in at))[0]
    found = rx.search(text, lo, stop)
    if got >= 0:  # -1: Hyperscan leaves this window to re
        assert got == (found is not None and found.start() < hi), (text, lo, hi, stop)


def test_most_requires_checks_of_the_synthetic_corpus_need_no_python():
    import numpy as np

    from framing.analysis import _fast_hits

    col, matcher, buf, (text, ids, start, end, slow) = _synthetic_matches()
    variant = matcher.variant_of[ids]
    keep = ~slow[text] & (variant >= 0) & matcher.requirements[np.maximum(variant, 0)]
    text, variant = text[keep], variant[keep]
    first = buf.chars(buf.offsets[text])
    c_start = buf.chars(buf.offsets[text] + start[keep]) - first
    c_end = buf.chars(buf.offsets[text] + end[keep]) - first
    verdict = _fast_hits._near_verdicts(buf, matcher, text, variant, c_start, c_end)
    assert len(verdict) > 100 and np.mean(verdict < 0) < 0.05
    strings = col.to_pylist()
    names = matcher.variants
    python = [matcher.off_topic(strings[t], a, b, *names[v])
              for t, v, a, b in zip(text.tolist(), variant.tolist(), c_start.tolist(), c_end.tolist())]
    assert ((verdict == 0) == np.array(python))[verdict >= 0].all()


_PAD = "Troops moved on. " * 40


@pytest.mark.parametrize("text", [
    "the Winter War and the war", "Winter" + " " * 600 + "War, then war", "Winter" + " " * 70 + "War",
    "Winter" + "\u2003" * 200 + "War", _PAD + "Winter -- War", "the Institute for the  Study of War said the war",
    "Institute\nfor\nthe\nStudy\nof\nWar", _PAD + "Kyiv Independent and Kyiv", "Kyiv" + "\u00a0" * 300 + "Independent",
    "Kiev International Institute of Sociology", "chicken Kiev, chicken   Kyiv, Kiev", "x" * 600 + " Gulf War",
    "Syrian rebels and Russian-backed separatists", "Syrian" + " " * 530 + "rebels",
])
def test_same_hits_for_fixed_expressions_found_after_the_scan(text):
    # a family's fixed expressions are scanned for their ends only; their starts come afterwards,
    # from the bytes before the end (or the whole text when a long run of spaces may hide one)
    arts = _with_meta(_frame([text, _PAD + text, text + _PAD], [text[:20]] * 3))
    _counts(arts, titles=True)
    _hits(arts, context=20)
