"""Is it the word we mean? Term matches judged by reading (tests/data/term_match_labels.csv: 185 body
hits of the shared English corpora, labelled correct / wrong / generic before the exclusions below
were written; one, inside an embedded tweet, went with issue 19's cleaning, and the offsets of the
others moved with the text), and the fixed expressions that name something else."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import framing
from tests.conftest import CORPORA, check_floors, need

LABELS = Path(__file__).parent / "data" / "term_match_labels.csv"


def _hits(text: str) -> list[tuple[str, str, str]]:
    arts = pd.DataFrame({"article_id": ["a"], "outlet": ["X"], "published": [pd.NaT], "title": [""],
                         "text": [text], "language": ["en"]})
    h = framing.find_terms(arts)
    h = h[~h["off_topic"]]  # the hits that count
    return list(zip(h["family"], h["variant"], h["voice"]))


@pytest.mark.parametrize("text", [
    "Finland fought the Winter War in 1939.", "The country slid into a bloody civil war.",
    "He had covered the war in Georgia in 2008.", "The Institute for the Study of War said so.",
    "A war correspondent and a war photographer arrived.", "Iraq invaded Kuwait in 1990.",
    "The Kyiv Independent and the Kyiv Post reported it.", "A poll by the Kiev International Institute of Sociology.",
])
def test_fixed_expressions_that_name_something_else_are_not_hits(text):
    families = {f for f, _, _ in _hits(text)}
    assert not families & {"war_name", "kyiv"}, _hits(text)


def test_the_same_words_still_count_where_they_name_this_war_and_city():
    assert ("war_name", "war", "own") in _hits("Russia's war in Ukraine entered its third year.")
    assert ("kyiv", "Kyiv", "own") in _hits("Sirens sounded in Kyiv overnight.")


@pytest.mark.parametrize("spelling", ["Zaporizhzhia", "Zaporizhia", "Zaporizhzhya", "Zaporizhya"])
def test_every_ukrainian_spelling_of_zaporizhzhia(spelling):
    assert ("zaporizhzhia", "Zaporizhzhia", "own") in _hits(f"Shelling near {spelling} went on.")


def test_self_appointed_is_a_distancing_marker():
    assert [voice for f, _, voice in _hits("Officials of the self-appointed DPR spoke.")
            if f == "eastern_territories"] == ["distanced"]
    assert [voice for f, _, voice in _hits("Officials of the DPR spoke.") if f == "eastern_territories"] == ["own"]


def test_match_precision_on_hand_labelled_hits():
    labels = pd.read_csv(LABELS)
    found = set()
    for corpus in labels["corpus"].unique():
        arts = framing.ingest(need(CORPORA / corpus, f"the shared corpus {corpus}")).articles
        h = framing.find_terms(arts)
        h = h[~h["in_title"] & ~h["off_topic"]].merge(arts[["article_id", "source_path"]], on="article_id")
        found |= {(corpus, p, s, e, f) for p, s, e, f in zip(h["source_path"], h["start"], h["end"], h["family"])}
    kept = labels[[(c, p, s, e, f) in found for c, p, s, e, f in
                   zip(labels["corpus"], labels["source_path"], labels["start"], labels["end"], labels["family"])]]
    right, wrong = int((kept["label"] == "correct").sum()), int((kept["label"] == "wrong").sum())
    lost = int(((labels["label"] == "correct").sum()) - right)
    scores = {"match": {"precision": right / (right + wrong), "recall": right / (labels["label"] == "correct").sum(),
                        "n": len(labels)},
              "strict": {"precision": right / len(kept), "recall": 1.0, "n": len(kept)}}
    # measured: 0.903 before the exclusions, 0.925 after (generic uses left out); no correct hit lost
    check_floors(scores, {"match": {"precision": 0.92, "recall": 1.0}, "strict": {"precision": 0.82, "recall": 1.0}})
    assert lost == 0


# --------------------------------------------------------------------------- off-topic hits (issue 20)


def _articles(*texts: str, language="en") -> pd.DataFrame:
    n = len(texts)
    return pd.DataFrame({"article_id": [f"a{i}" for i in range(n)], "outlet": ["X", "Y"][:n] if n <= 2 else ["X"] * n,
                         "published": [pd.NaT] * n, "title": [""] * n, "text": list(texts), "language": [language] * n,
                         "n_words": [len(t.split()) for t in texts], "duplicate_of": [None] * n})


def test_a_fixed_expression_stays_in_the_table_as_an_off_topic_hit():
    arts = _articles("Finland fought the Winter War. The war in Ukraine goes on.")
    h = framing.find_terms(arts)
    assert list(zip(h["matched"], h["off_topic"])) == [("War", True), ("war", False)]
    # count_terms, compare and independence count only the other one
    assert framing.count_terms(arts)["count"].tolist() == [1]
    table = framing.compare(h, arts, min_hits=1, min_articles=1, n_boot=0)
    assert table.query("variant == 'war'")["count"].tolist() == [1]
    assert framing.compare(h, arts, off_topic=True, min_hits=1, min_articles=1, n_boot=0).query(
        "variant == 'war'")["count"].tolist() == [2]
    # and kwic shows it, marked, to be read
    lines = framing.kwic(arts, "war_name:war", window=3)
    assert lines["off_topic"].tolist() == [True, False]


def test_a_variant_that_requires_context_is_off_topic_without_it():
    h = framing.find_terms(_articles("A conflict of generations split the family.", "The conflict in Ukraine entered its third year."))
    assert h["off_topic"].tolist() == [True, False]
    h = framing.find_terms(_articles("The photo captured the mood of the evening.", "Russian forces captured the village."))
    assert h["off_topic"].tolist() == [True, False]


def test_requires_is_lexicon_data_with_before_after_and_near():
    lex = framing.load_lexicon({"families": {"war": {"variants": {"war": {
        "patterns": ["wars?"], "requires": {"en": {"before": ["the"], "after": ["in Ukraine"]}}}}}}})
    arts = _articles("The war went on. A war in Ukraine. Wars are bad.")
    assert framing.find_terms(arts, lex)["off_topic"].tolist() == [False, False, True]
    # written per language, it applies to articles in that language only
    assert framing.find_terms(_articles("Wars are bad.", language="de"), lex)["off_topic"].tolist() == [False]
    with pytest.raises(framing.LexiconError, match=r"war\.variants\.war\.requires: expected a mapping"):
        framing.load_lexicon({"families": {"war": {"variants": {"war": {"patterns": ["war"], "requires": ["the"]}}}}})
    with pytest.raises(framing.LexiconError, match=r"requires\.within: expected a number"):
        framing.load_lexicon({"families": {"war": {"variants": {"war": {"patterns": ["war"],
                                                                        "requires": {"near": ["x"], "within": "far"}}}}}})


def test_a_marker_after_the_term_distances_it():
    text = "Putin defended this special operation, as he calls it, on Monday. The war, as the Kremlin describes it, goes on."
    h = framing.find_terms(_articles(text))
    assert h[["variant", "voice"]].values.tolist() == [["special military operation", "distanced"], ["war", "distanced"]]
    # the byte path gives the same voices as the reference path
    many = _articles(*([text, "The war goes on, as Moscow calls it, and the war goes on."] * 20))
    fast = framing.find_terms(many, engine="auto")
    plain = framing.find_terms(many, engine="re")
    assert fast.drop(columns="context").equals(plain.drop(columns="context"))


@pytest.mark.parametrize("text, family, variant", [
    ("The Russian-installed governor of Kherson spoke.", "occupation_authorities", "Russian-installed"),
    ("Occupation authorities moved the archive.", "occupation_authorities", "occupation authorities"),
    ("The court jailed two collaborators.", "occupation_authorities", "collaborators"),
    ("Wagner Group fighters took the town.", "wagner", "Wagner Group"),
    ("The private military company recruited in prisons.", "wagner", "private military company"),
    ("Wagnerites left Bakhmut.", "wagner", "Wagnerites"),
    ("Lavrov blamed the collective West.", "the_west", "collective West"),
    ("He railed against the Anglo-Saxons.", "the_west", "Anglo-Saxons"),
    ("Kyiv thanked its Western partners.", "the_west", "Western partners"),
])
def test_the_families_researchers_asked_for(text, family, variant):
    assert (family, variant, "own") in _hits(text)


def test_a_word_in_a_sentence_about_another_war_is_off_topic():
    texts = ["Hitler turned his greatly enhanced war machine west in the spring of that year.",
             "He adopted the Assad regime's murderous war against the Syrian people as his own.",
             "Russia's war in Ukraine and the war in Gaza were on the summit's agenda.",
             "The war has now lasted three years, and the front barely moved."]
    hits = framing.find_terms(_articles(*texts), titles=False)
    war = hits[hits["family"] == "war_name"]
    off = war.groupby("article_id")["off_topic"].all()
    assert off.tolist() == [True, True, False, False]  # a sentence that names Ukraine is about this war
    counts = framing.count_terms(_articles(*texts), titles=False)
    assert counts[counts["family"] == "war_name"]["count"].sum() == (~war["off_topic"]).sum()


_FILLER = ("The minister spoke for an hour about taxes, schools and the roads that the region still needs. "
           "Farmers asked for cheaper loans, and teachers asked for higher pay before the autumn term. ") * 4


def test_a_long_article_that_never_names_the_story_is_off_topic():
    texts = ["The war against the rebels in the north dragged on for a decade. " + _FILLER,  # another war
             "The war in Ukraine was on the agenda. " + _FILLER,  # the story named
             "A post about the war and the West.",  # a few words: too short to be held to naming it
             "The town council approved the annexation of two villages. " + _FILLER]  # a town's annexation
    arts = _articles(*texts)
    hits = framing.find_terms(arts, titles=False)
    off = hits.groupby("article_id")["off_topic"].all().reindex(arts["article_id"]).tolist()
    assert off == [True, False, False, True]
    counts = framing.count_terms(arts, titles=False)
    assert counts["count"].sum() == (~hits["off_topic"]).sum()  # count_terms counts what find_terms keeps
    assert set(counts["article_id"]) == {"a1", "a2"}
    table = framing.compare(hits, arts, by="outlet")  # compare counts only the hits that count
    assert table["count"].sum() == (~hits["off_topic"]).sum()


def test_the_topic_is_found_in_the_title_and_in_any_script():
    arts = _articles("The war goes on. " + _FILLER, "The war goes on. " + _FILLER)
    arts["title"] = ["Kyiv under fire", "Budget talks"]
    for engine in ("re", "hyperscan"):  # Hyperscan scans for the topic where it is installed: the same answers
        hits = framing.find_terms(arts, titles=False, engine=engine)
        assert hits.groupby("article_id")["off_topic"].all().tolist() == [False, True]
    filler = "Міністр довго говорив про податки, школи та дороги, яких регіон досі потребує. " * 10
    arts = _articles("Війна триває вже четвертий рік. " + filler, "Війна в Україні триває. " + filler, language="uk")
    hits = framing.find_terms(arts, titles=False)
    war = hits[hits["family"] == "war_name"]
    assert war.groupby("article_id")["off_topic"].all().tolist() == [True, False]


@pytest.mark.parametrize("topic, message", [
    ({"names": ["Ukrain\\w*"], "from_words": -1}, "topic.from_words"),
    ({"from_words": 10}, "'names' is missing"),
    ({"names": ["Ukrain\\w*"], "words": 10}, "words"),
])
def test_a_bad_topic_names_the_key(topic, message):
    with pytest.raises(framing.LexiconError, match=message):
        framing.load_lexicon({"families": {"war": {"topic": topic, "variants": {"war": {"patterns": ["war"]}}}}})
