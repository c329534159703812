"""Article sets for issue 20's new hand labels: quotations (speaker, verb) and term hits (real use, voice).

Every English article of ``../shared/corpora`` that any earlier label file names is left out, so the
new sets are articles nobody tuned on. Two quotation sets are drawn per outlet, round-robin, from
articles that hold at least four quotation marks: ``dev`` (labels the developer may read while
tuning) and ``blind`` (figures only; nobody looks at framing's output on them article by article).
The draw is seeded and frozen: labels point at these articles by corpus and ``source_path``.

    .venv/bin/python benchmarks/attribution_sets.py dev|blind|dev2|blind2|blind3    # list the set: corpus, source_path, outlet
"""

from __future__ import annotations

import csv
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
ENGLISH = ["ukraine-war-en-2022-2023", "ukraine-opinion-en-2024-2026"]
LABEL_FILES = ["quote_labels.csv", "voice_labels.csv", "term_match_labels.csv", "corpora_line_labels.csv",
               "corpora_line_labels_b.csv"]
SEED = 20
PER_OUTLET = {"dev": 3, "blind": 5, "dev2": 4, "blind2": 5, "blind3": 5}  # in this order: each set takes the next articles
MARKS = ('"', "“", "”", "‘", "’", "´")


def used() -> set[str]:
    """Keys (``corpus/source_path`` and record ids) of every article an earlier label file names."""
    out = set()
    for name in LABEL_FILES:
        with open(ROOT / "tests" / "data" / name, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                out.add(f"{row['corpus']}/{row['source_path']}" if "source_path" in row else row["article"])
    return out


def records() -> list[dict]:
    """The English records with corpus and source_path (``articles.jsonl#N``, N counted from 1)."""
    out = []
    for corpus in ENGLISH:
        with open(CORPORA / corpus / "articles.jsonl", encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                rec = json.loads(line)
                out.append({"corpus": corpus, "source_path": f"articles.jsonl#{number}", **rec})
    return out


def draw() -> dict[str, list[dict]]:
    """The frozen sets: {"dev": [...], "blind": [...]}, each a list of records."""
    taken = used()
    by_outlet = defaultdict(list)
    for rec in records():
        text = rec.get("text") or ""
        if {f"{rec['corpus']}/{rec['source_path']}", rec["id"]} & taken or sum(text.count(m) for m in MARKS) < 4:
            continue
        by_outlet[rec["outlet"]].append(rec)
    rng = random.Random(SEED)
    for outlet in sorted(by_outlet):
        rng.shuffle(by_outlet[outlet])
    sets = {}
    start = 0
    for name, n in PER_OUTLET.items():
        sets[name] = [rec for outlet in sorted(by_outlet) for rec in by_outlet[outlet][start:start + n]]
        start += n
    return sets


if __name__ == "__main__":
    for rec in draw()[sys.argv[1]]:
        print(rec["corpus"], rec["source_path"], rec["outlet"], sep="\t")


HIT_SEED = 21
HIT_STRATA = {"any hit": 250, "near a quotation mark or a distancing word": 110}
DEV_HITS = 250
BLIND2_STRATA = {"any hit": 200, "near a quotation mark or a distancing word": 120}
DISTANCING = ("so-called", "so called", "self-", "what ", "alleged", "purported", "as he call", "as she call",
              "as they call", "as it call", "as the kremlin call", "as moscow call", "dubbed")
NEAR = ("\"", "“", "”", "‘", "’", "so-called", "so called", "self-", "what ", "alleged", "purported")


def hits_to_label(which: str = "blind") -> "pandas.DataFrame":
    """The term hits to judge (real use, voice): drawn from English articles no label file names and
    outside the ``dev`` quotation set, matched with the packaged lexicon *without* its ``exclude``
    lists, so a fixed expression the lexicon sets aside can be judged too. Two strata, seeded: any
    body hit, and hits with a quotation mark or a distancing word within 60 characters."""
    import warnings

    import pandas as pd
    import copy

    import framing
    from framing.knowledge import packaged_yaml

    taken = used() | {f"{r['corpus']}/{r['source_path']}" for r in draw()["dev"]}
    if which in ("dev", "blind2"):  # other articles than the blind hits' (and, for blind2, the dev hits')
        for name in ["hit_labels_blind.csv"] + (["hit_labels_dev.csv"] if which == "blind2" else []):
            earlier = pd.read_csv(ROOT / "tests" / "data" / name)
            taken |= {f"{c}/{p}" for c, p in zip(earlier["corpus"], earlier["source_path"])}
    lexicon = copy.deepcopy(packaged_yaml("lexicon.yaml"))
    for family in lexicon["families"].values():
        family.pop("exclude", None)
    frames = []
    for corpus in ENGLISH:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            arts = framing.ingest(CORPORA / corpus).articles
        arts = arts[[f"{corpus}/{p}" not in taken for p in arts["source_path"]]]
        hits = framing.find_terms(arts, lexicon, titles=False)
        hits = hits.merge(arts[["article_id", "source_path", "text"]], on="article_id")
        hits["corpus"] = corpus
        frames.append(hits)
    hits = pd.concat(frames, ignore_index=True)
    window = [t[max(0, s - 60):e + 60] for t, s, e in zip(hits["text"], hits["start"], hits["end"])]
    near = pd.Series([any(m in w for m in NEAR) for w in window], index=hits.index)
    if which == "blind2":  # drawn when the first blind set had been measured often: every hit near a
        # distancing word or right after a quotation mark, then hits near a quotation mark to fill the stratum
        distancing = pd.Series([any(m in w.lower() for m in DISTANCING) or t[max(0, s - 1):s] in MARKS
                                for w, t, s in zip(window, hits["text"], hits["start"])], index=hits.index)
        first = hits.sample(BLIND2_STRATA["any hit"], random_state=HIT_SEED + 2).assign(stratum="any hit")
        rest = hits[~hits.index.isin(first.index)]
        second = rest[distancing.loc[rest.index]]
        fill = rest[near.loc[rest.index] & ~rest.index.isin(second.index)]
        fill = fill.sample(min(len(fill), max(0, BLIND2_STRATA["near a quotation mark or a distancing word"]
                                                 - len(second))), random_state=HIT_SEED + 2)
        out = pd.concat([first, pd.concat([second, fill]).assign(stratum="near a quotation mark or a distancing word")])
        return out[["corpus", "source_path", "start", "end", "family", "variant", "matched", "text", "stratum"]]
    if which == "dev":
        return hits.sample(DEV_HITS, random_state=HIT_SEED + 1).assign(stratum="any hit")[
            ["corpus", "source_path", "start", "end", "family", "variant", "matched", "text", "stratum"]]
    first = hits.sample(HIT_STRATA["any hit"], random_state=HIT_SEED)
    rest = hits[near & ~hits.index.isin(first.index)]
    second = rest.sample(HIT_STRATA["near a quotation mark or a distancing word"], random_state=HIT_SEED)
    first = first.assign(stratum="any hit")
    second = second.assign(stratum="near a quotation mark or a distancing word")
    out = pd.concat([first, second])
    return out[["corpus", "source_path", "start", "end", "family", "variant", "matched", "text", "stratum"]]


# The third blind sets (issue 20): the corpora's English articles have no unlabelled hits left, so the
# quotation set adds, and the hit set is, the development set's English news pages of other sites,
# ingested from their HTML (tests/attribution_scoring.devset_articles). Labels name them by corpus
# "extraction-devset" and source_path "<id>.html".
DEVSET_QUOTE_PAGES = 20


def devset_articles() -> "pandas.DataFrame":
    """The development set's English pages as framing ingests them from their HTML."""
    sys.path.insert(0, str(ROOT))
    from tests.attribution_scoring import devset_articles as read

    return read()


def devset_quote_pages() -> list[str]:
    """The development-set pages of the third blind quotation set: seeded, among pages whose body
    holds six quotation marks or more."""
    arts = devset_articles()
    rich = sorted(p for p, t in zip(arts["source_path"], arts["text"]) if sum(t.count(m) for m in MARKS) >= 6)
    return sorted(random.Random(SEED + 3).sample(rich, min(DEVSET_QUOTE_PAGES, len(rich))))


def devset_hits_to_label() -> "pandas.DataFrame":
    """Every term hit in the development set's English pages (matched without the lexicon's
    ``exclude`` lists): sites and topics nobody tuned the lexicon on."""
    import copy

    import framing
    from framing.knowledge import packaged_yaml

    lexicon = copy.deepcopy(packaged_yaml("lexicon.yaml"))
    for family in lexicon["families"].values():
        family.pop("exclude", None)
    arts = devset_articles()
    hits = framing.find_terms(arts, lexicon, titles=False)
    hits = hits.merge(arts[["article_id", "source_path", "text"]], on="article_id").assign(
        corpus="extraction-devset", stratum="any hit")
    return hits[["corpus", "source_path", "start", "end", "family", "variant", "matched", "text", "stratum"]]
