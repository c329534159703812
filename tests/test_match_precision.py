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
        h = h[~h["in_title"]].merge(arts[["article_id", "source_path"]], on="article_id")
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
