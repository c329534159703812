"""find_terms and kwic: matching rules, voice rules, the seeds, and the fast path's correctness."""

from __future__ import annotations

import json
import random

import pandas as pd
import pytest

import framing
from framing.analysis.matcher import matcher_for
from framing.analysis.terms import HIT_COLUMNS
from tests.conftest import CORPORA, need


def _articles(*texts: str, titles: list[str] | None = None) -> pd.DataFrame:
    n = len(texts)
    return pd.DataFrame({
        "article_id": [f"a{i}" for i in range(n)], "outlet": ["Demo"] * n, "published": [pd.NaT] * n,
        "title": titles or [""] * n, "text": list(texts), "n_words": [len(t.split()) for t in texts],
        "duplicate_of": [None] * n,
    })


def _found(text: str) -> list[tuple[str, str]]:
    """The hits that count (off-topic ones are audited apart: see test_fixed_expressions_stay_as_off_topic_hits)."""
    hits = framing.find_terms(_articles(text))
    hits = hits[~hits["off_topic"]]
    return list(zip(hits["variant"], hits["matched"]))


@pytest.mark.parametrize(
    "text, expected",
    [
        # case-insensitive, word boundaries
        ("KYIV and kyiv", [("Kyiv", "KYIV"), ("Kyiv", "kyiv")]),
        ("Kievan Rus and Kievskaya", []),
        ("Donbass, not Donbas.", [("Donbass", "Donbass"), ("Donbas", "Donbas")]),
        ("warfare and warships", []),
        # possessives, hyphenated compounds, curly and straight apostrophes
        ("Kyiv's mayor and Kyiv’s streets", [("Kyiv", "Kyiv"), ("Kyiv", "Kyiv")]),
        ("a Kiev-based firm", [("Kiev", "Kiev")]),
        ("the Donetsk People’s Republic", [("people's republics", "Donetsk People’s Republic")]),
        ("the Donetsk People's Republic", [("people's republics", "Donetsk People's Republic")]),
        # line breaks and hyphens inside a phrase
        ("its special\nmilitary operation", [("special military operation", "special\nmilitary operation")]),
        ("the self proclaimed republics", [("self-proclaimed republics", "self proclaimed republics")]),
        # the longest variant wins; no span counts twice within a family
        ("the special military operation", [("special military operation", "special military operation")]),
        ("a military operation", [("military operation", "military operation")]),
        ("during the special operation", [("special military operation", "special operation")]),
        ("a drone-based special operation by Kyiv", [("Kyiv", "Kyiv")]),
        ("sham referendums were held", [("sham referendum", "sham referendums")]),
        # fixed expressions are excluded
        ("chicken Kiev for dinner", []),
        ("since World War II and the Cold War", []),
        ("war crimes were documented", []),
        ("prisoners of war", []),
        # case-sensitive abbreviations
        ("the DPR leader", [("republic authorities", "DPR leader"), ("people's republics", "DPR")]),
        ("the dpr leader", []),
        # inflections
        ("Russia invaded; the invading army", [("invasion", "invaded"), ("invasion", "invading")]),
        ("Crimea was annexed", [("annexation", "annexed")]),
    ],
)
def test_matching_rules(text, expected):
    assert _found(text) == expected


def test_a_multiword_term_also_counts_for_other_families():
    hits = framing.find_terms(_articles("The Kiev regime's troops"))
    assert list(zip(hits["family"], hits["variant"])) == [("ukr_government", "regime"), ("kyiv", "Kiev")]
    assert hits["start"].tolist() == [4, 4]


def test_offsets_point_into_text():
    text = "In Kyiv, officials spoke of an invasion.\nLater, Kharkiv."
    hits = framing.find_terms(_articles(text))
    assert [text[s:e] for s, e in zip(hits["start"], hits["end"])] == hits["matched"].tolist()


def test_headline_hits_are_flagged_and_offset_into_the_title():
    hits = framing.find_terms(_articles("Nothing here.", titles=["Shelling near Kharkiv"]))
    assert hits[["variant", "in_title", "start"]].values.tolist() == [["Kharkiv", True, 14]]
    assert framing.find_terms(_articles("Nothing here.", titles=["Kharkiv"]), titles=False).empty


def test_hits_table_columns_and_types():
    hits = framing.find_terms(_articles("Kyiv said “the invasion must end”."))
    assert tuple(hits.columns) == HIT_COLUMNS
    assert str(hits["published"].dtype) == "datetime64[ns, UTC]"
    empty = framing.find_terms(_articles("nothing to see"))
    assert tuple(empty.columns) == HIT_COLUMNS and empty.empty


@pytest.mark.parametrize(
    "text, term, voice",
    [
        ("Russia began its invasion on Thursday.", "invasion", "own"),
        ("“The invasion must end,” the minister said.", "invasion", "quoted"),
        ('He said "the invasion must end" today.', "invasion", "quoted"),
        ("Er sagte „die invasion muss enden“.", "invasion", "quoted"),
        ("Il a dit «the invasion must end».", "invasion", "quoted"),
        ("Moscow calls it a “special military operation”.", "special military operation", "distanced"),
        ("Moscow calls it a 'special military operation'.", "special military operation", "distanced"),
        ("the “Kiev regime’s” claims", "regime", "distanced"),
        ("the so-called special military operation", "special military operation", "distanced"),
        ("the so called referendum", "referendum", "distanced"),
        ("the self-styled people’s republic", "people's republics", "distanced"),
        ("what Moscow calls its special military operation", "special military operation", "distanced"),
        ("what the Kremlin has called a “special operation”", "special military operation", "distanced"),
        ("the alleged genocide in Donbass", "genocide in Donbas", "distanced"),
        # a scare quote inside a longer quotation belongs to the speaker: quoted
        ("Lavrov said: “The so-called ‘invasion’ is a lie.”", "invasion", "quoted"),
        ("“They speak of a so-called annexation,” he said.", "annexation", "quoted"),
        # a quotation that closed before the term does not reach it
        ("“We are ready,” he said about the invasion.", "invasion", "own"),
        # an unbalanced mark never leaks into the next paragraph
        ("“This quote never closes\nThe invasion began at dawn.", "invasion", "own"),
        # apostrophes are not quotation marks
        ("Russia’s invasion and the rebels’ positions", "invasion", "own"),
    ],
)
def test_voice_rules(text, term, voice):
    hits = framing.find_terms(_articles(text))
    row = hits[hits["variant"] == term]
    assert len(row) == 1, hits[["variant", "matched"]].values.tolist()
    assert row["voice"].iloc[0] == voice


# --------------------------------------------------------------------------- seeds


def _seed_hits(seeds_corpus, prefix: str) -> pd.DataFrame:
    hits = framing.find_terms(seeds_corpus.articles)
    ids = seeds_corpus.articles.loc[seeds_corpus.articles["source_path"].str.startswith(prefix), "article_id"]
    return hits[hits["article_id"].isin(ids) & ~hits["in_title"] & ~hits["off_topic"]]


def _profile(hits: pd.DataFrame) -> set[tuple[str, str]]:
    return set(zip(hits["variant"], hits["voice"]))


def test_seed_000_invasion_in_blinkens_quotation_and_in_narration(seeds_corpus):
    hits = _seed_hits(seeds_corpus, "000")
    invasion = hits[hits["variant"] == "invasion"]
    assert set(invasion["voice"]) == {"quoted", "own"}
    assert invasion["voice"].tolist().count("quoted") == 2
    assert ("Donbass", "own") in _profile(hits)


def test_seed_001_sputnik_special_military_operation_in_own_voice_once(seeds_corpus):
    hits = _seed_hits(seeds_corpus, "001")
    smo = hits[hits["variant"] == "special military operation"]
    assert smo["voice"].tolist() == ["own"]
    expected = {("Kiev", "own"), ("regime", "own"), ("Donbass", "own"), ("Zelensky", "own"),
                ("military operation", "own"), ("joined Russia", "own"), ("new regions", "own"),
                ("conflict", "own"), ("special military operation", "own"), ("the West", "own")}
    assert _profile(hits) == expected


def test_seed_002_reuters_style_wording(seeds_corpus):
    hits = framing.find_terms(seeds_corpus.articles)
    ids = seeds_corpus.articles.loc[seeds_corpus.articles["source_path"].str.startswith("002"), "article_id"]
    hits = hits[hits["article_id"].isin(ids)]
    title = hits[hits["in_title"]]
    assert title["variant"].tolist() == ["crisis"]
    body = hits[~hits["in_title"]]
    assert (body["variant"] == "Kyiv").sum() == 3 and "Kiev" not in set(body["variant"])
    assert ("pro-Russian forces", "own") in _profile(body)
    assert ("conflict", "quoted") in _profile(body)  # Lavrov: “... do not want any conflicts”


def test_seed_003_military_operation_in_scare_quotes_and_machine_translated_name(seeds_corpus):
    hits = _seed_hits(seeds_corpus, "003")
    mil = hits[hits["variant"] == "military operation"]
    assert "distanced" in set(mil["voice"])
    assert (hits["variant"] == "Zhelensky").sum() == 2
    assert set(hits.loc[hits["variant"] == "neo-Nazis", "voice"]) == {"quoted"}
    # seed 003 has unbalanced quotation marks: they must not swallow the closing narration
    last = hits.sort_values("start").iloc[-2:]
    assert list(zip(last["variant"], last["voice"])) == [("invasion", "own"), ("the West", "own")]


def test_seed_004_bbc_invasion_in_own_voice(seeds_corpus):
    hits = _seed_hits(seeds_corpus, "004")
    assert set(hits.loc[hits["variant"] == "invasion", "voice"]) == {"own"}
    assert (hits["variant"] == "invasion").sum() == 4
    assert set(hits.loc[hits["family"] == "kyiv", "variant"]) == {"Kyiv"}


# --------------------------------------------------------------------------- fast path


def test_fast_scan_equals_the_plain_alternation_on_hand_written_text():
    matcher = matcher_for(framing.load_lexicon())
    text = ("İstanbul talks: the Kiev regime, the DPR and the so-called “new regions” that joined Russia; "
            "Zaporizhzhia, Zaporozhye, Zelenskyy's aides and the temporarily occupied territories.")
    assert matcher.scan_all(text) == matcher.scan_reference(text)
    assert matcher.scan_all(text.replace("İ", "I")) == matcher.scan_reference(text.replace("İ", "I"))


@pytest.mark.slow
def test_fast_scan_equals_the_plain_alternation_on_real_articles():
    path = need(CORPORA / "ukraine-opinion-en-2024-2026" / "articles.jsonl", "the shared opinion corpus")
    texts = [json.loads(line)["text"] or "" for line in path.open(encoding="utf-8")]
    sample = random.Random(7).sample(texts, 60)
    matcher = matcher_for(framing.load_lexicon())
    found = [matcher.scan_all(t) for t in sample]
    assert sum(map(len, found)) > 200
    assert found == [matcher.scan_reference(t) for t in sample]


# --------------------------------------------------------------------------- kwic


def test_kwic_window_variant_rules_and_voice_filter():
    arts = _articles(
        "Moscow launched its special military operation in February. " + "filler " * 500,
        "Analysts said the military operation stalled. Officials called it a “military operation”.",
    )
    lines = framing.kwic(arts, "military operation", window=3)
    # the longest-wins rule of the family still applies: the first article has none
    assert lines["article_id"].tolist() == ["a1", "a1"]
    assert lines[["left", "match", "right"]].values.tolist()[0] == ["Analysts said the", "military operation", "stalled. Officials called"]
    assert framing.kwic(arts, "military operation", voice="distanced")["right"].tolist() == ["”."]
    smo = framing.kwic(arts, "special military operation", window=4)
    assert smo["right"].iloc[0] == "in February. filler filler"  # never the whole article
    assert len(" ".join(smo[["left", "match", "right"]].iloc[0]).split()) <= 4 + 3 + 4


def test_kwic_with_a_free_pattern_and_max_rows():
    arts = _articles("Grain deal talks; the grain corridor; more grain.")
    lines = framing.kwic(arts, "grain (?:deal|corridor)", window=2)
    assert lines["match"].tolist() == ["Grain deal", "grain corridor"]
    assert len(framing.kwic(arts, "grain", max_rows=2)) == 2


# Every hit of each seed, as (variant, voice, in_title): count. Checked by reading each context.
SEED_PROFILES = {
    "000": {("Donbass", "own", False): 1, ("invasion", "own", False): 1, ("invasion", "quoted", False): 2},
    "001": {("Donbass", "own", False): 1, ("Kiev", "own", False): 2, ("Zelensky", "own", False): 1,
            ("conflict", "own", False): 1, ("joined Russia", "own", False): 1,
            ("military operation", "own", False): 1, ("new regions", "own", False): 1,
            ("regime", "own", False): 1, ("special military operation", "own", False): 1,
            ("the West", "own", False): 1},
    "002": {("Kyiv", "own", False): 3, ("conflict", "quoted", False): 1, ("crisis", "own", True): 1,
            ("government", "own", False): 1, ("invasion", "own", False): 1,
            ("pro-Russian forces", "own", False): 1, ("war", "own", False): 1, ("the West", "own", False): 1},
    "003": {("Kiev", "own", False): 6, ("Kiev", "quoted", False): 1, ("Luhansk", "own", False): 2,
            ("Zhelensky", "own", False): 2, ("Zhelensky", "own", True): 1, ("government", "quoted", False): 1,
            ("invasion", "own", False): 1, ("liberated", "own", False): 1, ("liberated", "quoted", False): 1,
            ("military operation", "distanced", False): 1, ("military operation", "own", False): 1,
            ("neo-Nazis", "quoted", False): 2, ("people's republics", "own", False): 2,
            ("regime", "quoted", False): 1, ("self-proclaimed republics", "own", False): 1,
            ("separatist regions", "own", False): 2, ("war", "own", False): 1, ("war", "own", True): 1,
            ("the West", "own", False): 3},
    "004": {("Kyiv", "own", False): 2, ("invasion", "own", False): 4, ("war", "own", False): 1,
            ("the West", "own", False): 2},
}


@pytest.mark.parametrize("seed", sorted(SEED_PROFILES))
def test_every_seed_hit_as_expected(seeds_corpus, seed):
    arts = seeds_corpus.articles
    hits = framing.find_terms(arts[arts["source_path"].str.startswith(seed)])
    hits = hits[~hits["off_topic"]]  # the hits that count
    found = dict(pd.Series(list(zip(hits["variant"], hits["voice"], hits["in_title"]))).value_counts())
    assert found == SEED_PROFILES[seed]


# --------------------------------------------------------------------------- count_terms


@pytest.mark.parametrize("titles", [False, True])
def test_count_terms_equals_find_terms_counts(seeds_corpus, sample_corpus, titles):
    for corpus in (seeds_corpus, sample_corpus):
        arts = corpus.articles
        counts = framing.count_terms(arts, titles=titles)
        hits = framing.find_terms(arts, titles=titles)
        hits = hits[~hits["off_topic"]]  # count_terms counts the hits that count
        expected = hits.groupby(["article_id", "family", "variant"]).size().rename("count").reset_index()
        got = counts.sort_values(["article_id", "family", "variant"], ignore_index=True)
        expected = expected.sort_values(["article_id", "family", "variant"], ignore_index=True)
        assert got["count"].sum() > 50
        assert got.astype(str).values.tolist() == expected.astype(str).values.tolist()


def test_prefilter_handles_short_and_long_prefixes_together():
    # "EU" can only give a two-letter prefix, "Eurovision" a three-letter one: both must be found
    lex = framing.load_lexicon({"families": {"bloc": {"variants": {
        "EU": {"patterns": ["EU"]}, "Eurovision": {"patterns": ["Eurovision"]}, "Europe": {"patterns": ["Europe"]}}}}})
    text = "The EU, Europe and Eurovision; eu! EUROPE."
    assert matcher_for(lex).scan_all(text) == matcher_for(lex).scan_reference(text)
    assert [v for _, _, _, v in matcher_for(lex).scan(text)] == ["EU", "Europe", "Eurovision", "EU", "Europe"]


@pytest.mark.parametrize("verb, needs", [(framing.find_terms, "'outlet', 'published', 'title'"),
                                         (framing.find_quotes, "'outlet'")])
def test_a_table_without_a_needed_column_is_told_which(verb, needs):
    arts = pd.DataFrame({"article_id": ["a"], "text": ["The war in Ukraine."]})
    with pytest.raises(KeyError, match=f"{verb.__name__}: the articles table has no {needs} column"):
        verb(arts)
    assert framing.count_terms(arts)["count"].tolist() == [1]  # counting needs only ids and texts
