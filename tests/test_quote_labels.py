"""Speaker and verb accuracy on 159 hand-labelled quotation spans from the seeds and ../shared/corpora.

`tests/data/quote_labels.csv` holds labels only: corpus, file, which direct quotation of the article
(0-based, in text order, as `find_quotes` lists them), the speaker a reader names and the
attribution verb. `NQ` marks a span that is not a quotation (a title, slogan or term in quotation
marks); `-` marks a quotation whose speaker has no name (“a resident”) or which has no verb of its
own (a quotation that continues the last one). The seeds' 24 spans are all there; 135 more were
drawn at random (seeded) from the two corpora. The labeller read each span in context and did not
see the predictions. Names are compared case-insensitively, and a surname alone matches a full name.
"""

from __future__ import annotations

import unicodedata
import warnings

import pandas as pd
import pytest

import framing
from tests.conftest import CORPORA, ROOT, SEEDS, check_floors, need

LABELS = ROOT / "tests" / "data" / "quote_labels.csv"

# a little below the levels measured (CHANGELOG, issue 20: speaker 0.949 / 0.870, verb 0.944 / 0.875); a drop fails
FLOOR = {"speaker": {"precision": 0.92, "recall": 0.82}, "verb": {"precision": 0.92, "recall": 0.84}}


def _norm(name) -> str:
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode().casefold()
    return " ".join(text.replace("’", "'").split())


def same_speaker(predicted, label) -> bool:
    if predicted is None or pd.isna(predicted) or label in ("-", "NQ"):
        return False
    a, b = _norm(predicted).split(), _norm(label).split()
    return a == b or (len(a) == 1 and a[0] == b[-1]) or (len(b) == 1 and b[0] == a[-1])


@pytest.fixture(scope="module")
def labelled() -> pd.DataFrame:
    labels = pd.read_csv(LABELS)
    roots = {"seeds": need(SEEDS, "the seed articles")}
    frames = []
    for corpus, group in labels.groupby("corpus"):
        root = roots.get(corpus) or need(CORPORA / corpus, f"the shared corpus {corpus}")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            articles = framing.load(root)
        quotes = framing.find_quotes(articles, kinds=("direct",))
        quotes = quotes.merge(articles[["article_id", "source_path"]], on="article_id").sort_values(["source_path", "start"])
        quotes["occurrence"] = quotes.groupby("source_path").cumcount()
        frames.append(group.merge(quotes[["source_path", "occurrence", "speaker", "verb", "quote"]],
                                  on=["source_path", "occurrence"], how="left"))
    return pd.concat(frames, ignore_index=True)


def scores(table: pd.DataFrame) -> dict:
    real = table[table["speaker_label"] != "NQ"]
    named = real["speaker_label"] != "-"
    predicted = real["speaker"].notna()
    hit = [same_speaker(p, l) for p, l in zip(real["speaker"], real["speaker_label"])]
    with_verb = real[real["verb_label"] != "-"]
    verb_hit = (with_verb["verb"] == with_verb["verb_label"])
    return {
        "speaker": {"precision": sum(hit) / predicted.sum(), "recall": sum(hit) / named.sum(), "n": int(named.sum())},
        "verb": {"precision": verb_hit.sum() / with_verb["verb"].notna().sum(), "recall": verb_hit.sum() / len(with_verb),
                 "n": len(with_verb)},
    }


@pytest.mark.slow
def test_labelled_spans_are_still_found(labelled):
    assert labelled["quote"].notna().all(), labelled[labelled["quote"].isna()].head().to_string()
    assert (labelled["speaker_label"] != "NQ").sum() >= 100


@pytest.mark.slow
def test_speaker_and_verb_precision_and_recall(labelled):
    check_floors(scores(labelled), FLOOR)


def test_same_speaker_rules():
    assert same_speaker("Sergei Lavrov", "sergei lavrov")
    assert same_speaker("Petkov", "Kiril Petkov") and same_speaker("Kiril Petkov", "Petkov")
    assert same_speaker("Anusauskas", "Anušauskas")
    assert not same_speaker("Sergei Lavrov", "Dmitry Peskov")
    assert not same_speaker(None, "Sergei Lavrov") and not same_speaker("Sergei Lavrov", "-")
