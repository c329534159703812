"""Issue 20's figures on the hand labels: speakers and verbs of quotations, voice and real use of hits.

    .venv/bin/python benchmarks/attribution.py          # every label set, tuned and blind side by side

Blind sets (``*_blind.csv``) were labelled by reading before anyone looked at framing's output on
those articles, and nobody looks at their errors one by one; tuning sets may be read freely.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import attribution_scoring as scoring  # noqa: E402


def _print(name: str, scores: dict) -> None:
    for what, s in scores.items():
        cells = "  ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in s.items())
        print(f"{name:28s} {what:10s} {cells}")


def main() -> None:
    for name in ("quote_labels_dev.csv", "quote_labels_dev2.csv", "quote_labels_blind.csv", "quote_labels_blind2.csv",
                 "quote_labels_blind3.csv"):
        path = scoring.DATA / name
        if path.exists():
            labels = pd.read_csv(path, keep_default_na=False)
            _print(name, scoring.quote_scores(scoring.quote_table(labels)))
    for name in ("hit_labels_dev.csv", "hit_labels_blind.csv", "hit_labels_blind2.csv", "hit_labels_blind3.csv"):
        labels = pd.read_csv(scoring.DATA / name)
        _print(name, scoring.hit_scores(scoring.hit_table(labels)))


if __name__ == "__main__":
    main()
