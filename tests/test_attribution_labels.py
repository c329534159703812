"""Issue 20's hand labels: speakers and verbs of quotations, voice and real use of term hits.

The labels were written by reading, before anyone looked at framing's output on those articles
(`benchmarks/attribution_sets.py` draws the articles; `tests/attribution_scoring.py` scores them):

* `quote_labels_dev.csv` (57 quotations) and `quote_labels_dev2.csv` (143): tuning sets, read freely
  while the attribution grammar and the coreference were written;
* `quote_labels_blind.csv` (90 quotations of 40 more articles): figures only until 2026-12-06, then
  read while tuning (its figures are tuned since);
* `quote_labels_blind2.csv` (127 quotations of 38 more articles) and `hit_labels_blind2.csv` (276
  hits: 200 drawn uniformly, 76 after a quotation mark or near a distancing word): labelled on
  2026-12-06 by reading, figures only;
* `hit_labels_dev.csv` (250 hits, tuning) and `hit_labels_blind.csv` (360 hits: 250 drawn uniformly,
  110 near a quotation mark or a distancing word), judged correct / wrong / generic and by voice;
* `quote_labels_blind3.csv` (326 spans of 35 more corpus articles and 20 pages of the extraction
  development set, other sites; `NQ` marks the spans in quotation marks that quote nobody) and
  `hit_labels_blind3.csv` (every hit, 302, in the development set's English news pages of 2008 and
  the 2010s: other stories, other wars): labelled 2026-12-06 by reading, figures only. From then on
  blind2 was read while tuning.

The floors sit a little below what was measured (the CHANGELOG has the figures); a blind figure
that drops says a change hurt articles nobody tuned on.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests import attribution_scoring as scoring
from tests.conftest import CORPORA, check_floors, need

# measured (CHANGELOG, issue 20), speaker and verb precision / recall: dev 0.949/0.787 and 0.973/0.878,
# dev2 0.963/0.754 and 0.903/0.816, blind 0.886/0.775 and 0.969/0.827 (read while tuning since
# 2026-12-06), blind2 0.946/0.772 and 0.926/0.807 (read while tuning since its second measurement),
# blind3 0.876/0.576 and 0.976/0.756 (labelled 2026-12-06, never read item by item)
QUOTE_FLOORS = {
    "quote_labels_dev.csv": {"speaker": {"precision": 0.93, "recall": 0.76}, "verb": {"precision": 0.95, "recall": 0.85}},
    "quote_labels_dev2.csv": {"speaker": {"precision": 0.94, "recall": 0.73}, "verb": {"precision": 0.88, "recall": 0.79}},
    "quote_labels_blind.csv": {"speaker": {"precision": 0.86, "recall": 0.75}, "verb": {"precision": 0.95, "recall": 0.80}},
    "quote_labels_blind2.csv": {"speaker": {"precision": 0.92, "recall": 0.75}, "verb": {"precision": 0.90, "recall": 0.78}},
    "quote_labels_blind3.csv": {"speaker": {"precision": 0.85, "recall": 0.55}, "verb": {"precision": 0.95, "recall": 0.73}},
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(QUOTE_FLOORS))
def test_speakers_and_verbs_on_labels_nobody_tuned_on(name):
    need(CORPORA, "the shared corpora")
    if "blind3" in name:
        need(scoring.DEVSET, "the extraction development set")
    labels = pd.read_csv(scoring.DATA / name, keep_default_na=False)
    table = scoring.quote_table(labels)
    scores = scoring.quote_scores(table)
    assert scores["span"]["recall"] > 0.78  # the labelled quotations are still found
    check_floors({k: scores[k] for k in ("speaker", "verb")}, QUOTE_FLOORS[name])


HIT_FLOORS = {
    "hit_labels_dev.csv": {"own": {"precision": 0.98, "recall": 0.98}, "quoted": {"precision": 0.95, "recall": 0.95}},
    "hit_labels_blind.csv": {"own": {"precision": 0.97, "recall": 0.98}, "quoted": {"precision": 0.94, "recall": 0.94}},
    "hit_labels_blind2.csv": {"own": {"precision": 0.97, "recall": 0.98}, "quoted": {"precision": 0.94, "recall": 0.88}},
    "hit_labels_blind3.csv": {"own": {"precision": 0.97, "recall": 0.98}, "quoted": {"precision": 0.87, "recall": 0.81}},
}
# the share of counted hits the labels call wrong (another referent or an idiom): measured 0.060 / 0.032
# (read while tuning) / 0.065 (blind2); blind3 is news of other stories, where what matters is how few
# hits count at all: 18 of 302 (159 before the families' topic), 9 of them wrong
WRONG_CEILING = {"hit_labels_dev.csv": 0.07, "hit_labels_blind.csv": 0.045, "hit_labels_blind2.csv": 0.075,
                 "hit_labels_blind3.csv": 0.6}
COUNTED_CEILING = {"hit_labels_blind3.csv": 0.1}  # the share of all its hits that count


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(HIT_FLOORS))
def test_voice_and_real_use_of_hits(name):
    need(CORPORA, "the shared corpora")
    if "blind3" in name:
        need(scoring.DEVSET, "the extraction development set")
    table = scoring.hit_table(pd.read_csv(scoring.DATA / name))
    assert table["voice_found"].notna().all(), "a labelled hit is no longer in find_terms' table"
    assert (table["matched"] == table["matched_found"]).all()
    scores = scoring.hit_scores(table)
    counted = scores.pop("counted")
    check_floors({k: scores[k] for k in HIT_FLOORS[name]}, HIT_FLOORS[name])
    assert counted["wrong"] <= WRONG_CEILING[name], counted
    if name in COUNTED_CEILING:
        assert counted["n"] <= COUNTED_CEILING[name] * (table["stratum"] == "any hit").sum(), counted
    assert counted["correct kept"] >= 0.975, counted  # marking hits off topic loses almost no real use (dev: 0.980)
