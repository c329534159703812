"""Fixed units for hand labels of body and chrome in the shared corpora (issue 19, item 6).

Most texts of ``../shared/corpora`` are one glued line (a page's text with its chrome), so "a line"
has to be defined before anyone labels one. A unit is a piece of a raw line cut at a sentence end
followed by a space, or at a seam where two pieces were glued without one ("…agoShare", "…said.The").
The cut is deliberately simple and frozen: it is *not* framing's cleaning, and it must not change once
labels exist (the labels in ``tests/data/corpora_line_labels.csv`` point at units by number and start
offset). :func:`sample` draws the labelled articles; :func:`kept` decides whether a unit survived a
cleaning.

    .venv/bin/python benchmarks/line_units.py ID [ID ...]     # print the units of these articles, numbered
    .venv/bin/python benchmarks/line_units.py --set b         # ... of label set b
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter
from pathlib import Path

import regex

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpora"
FILES = ["ukraine-war-en-2022-2023/articles.jsonl", "ukraine-opinion-en-2024-2026/articles.jsonl",
         *(f"ru-uk-2022-2025/{n}" for n in ["meduza_scrape_ru.jsonl", "nktkln_tg_ru.jsonl", "ppn_rrn_ru.jsonl",
                                            "ppn_rrn_ua.jsonl", "tsn_tg_uk.jsonl", "ukr_news_analyser_uk.jsonl"])]
SEED = 19
N_ARTICLES = 40

_CUT = regex.compile(
    r"(?<=[.!?…][\"”»’)]?)\s+(?=[\"“«(]?[\p{Lu}\d])"  # a sentence end, a space, a capital or digit
    r"|(?<=\p{Ll}{2})(?=\p{Lu}\p{Ll})"  # "agoShare", "NewsBBC": lower then Capitalised, no space
    r"|(?<=\p{Ll}[.!?])(?=[\"“«]?\p{Lu})"  # "said.The"
)
_TOKEN = regex.compile(r"\w+")


def units(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets in `text` of its units, in order; blank pieces are skipped.

    >>> t = "Published8 hours agoShare\\nTalks went on. Officials said.The end"
    >>> [t[a:b] for a, b in units(t)]
    ['Published8 hours ago', 'Share', 'Talks went on.', 'Officials said.', 'The end']
    """
    out = []
    pos = 0
    for line in text.split("\n"):
        start = pos
        pos += len(line) + 1
        cuts = [0, *(m.start() for m in _CUT.finditer(line)), len(line)]
        for a, b in zip(cuts, cuts[1:]):
            piece = line[a:b]
            lead = len(piece) - len(piece.lstrip())
            if piece.strip():
                out.append((start + a + lead, start + a + len(piece.rstrip())))
    return out


def records() -> dict[str, dict]:
    """Every record of the shared JSONL corpora that has a text, by id (ids are unique across them)."""
    out = {}
    for name in FILES:
        with (SHARED / name).open(encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                if rec.get("text"):
                    out[rec["id"]] = rec
    return out


def sample(recs: dict[str, dict] | None = None, n: int = N_ARTICLES, seed: int = SEED,
           exclude: set[str] = frozenset()) -> list[str]:
    """`n` article keys drawn at random, round-robin across outlets (each outlet once before any twice),
    none of `exclude`."""
    recs = records() if recs is None else recs
    recs = {k: v for k, v in recs.items() if k not in exclude}
    rng = random.Random(seed)
    by_outlet: dict[str, list[str]] = {}
    for key in sorted(recs):
        by_outlet.setdefault(recs[key]["outlet"], []).append(key)
    for keys in by_outlet.values():
        rng.shuffle(keys)
    outlets = sorted(by_outlet)
    rng.shuffle(outlets)
    picked: list[str] = []
    depth = 0
    while len(picked) < n:
        for outlet in outlets:
            if depth < len(by_outlet[outlet]) and len(picked) < n:
                picked.append(by_outlet[outlet][depth])
        depth += 1
    return picked


def _shingles(text: str, n: int = 4) -> Counter:
    tokens = [t.lower() for t in _TOKEN.findall(text)]
    return Counter(tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i:i + n])


def kept(text: str, span: tuple[int, int], body: str, body_shingles: Counter | None = None) -> bool:
    """Whether the unit at `span` of `text` survived in the cleaned `body`: half or more of the 4-token
    shingles that touch it, read in its place in the text (so with up to three tokens of the units
    around it), are in the body. A one-word unit such as "News" is kept only where it still stands
    next to what stood around it, not wherever the word occurs in the body."""
    a, b = span
    before = [t.lower() for t in _TOKEN.findall(text[max(0, a - 200):a])][-3:]
    mine = [t.lower() for t in _TOKEN.findall(text[a:b])]
    after = [t.lower() for t in _TOKEN.findall(text[b:b + 200])][:3]
    if not mine:
        return True
    if len(mine) >= 4:
        grams = _shingles(text[a:b])
    else:
        tokens = before + mine + after
        first = len(before)
        grams = Counter(tuple(tokens[i:i + 4]) for i in range(max(0, first - 3), min(first + len(mine), len(tokens) - 3))
                        if len(tokens[i:i + 4]) == 4)
        if not grams:  # a text of fewer than four tokens
            return " ".join(mine) in " ".join(t.lower() for t in _TOKEN.findall(body))
    have = _shingles(body) if body_shingles is None else body_shingles
    return sum(min(c, have[s]) for s, c in grams.items()) >= 0.5 * sum(grams.values())


#: The label files: the first set (seed 19), a second set drawn later (seed 20, none of the first) to
#: measure on articles nobody had looked at after the cleaning was tuned on the first, and a third
#: (seed 21, none of the first two), drawn when set b's errors had been read and it was no longer blind,
#: and a fourth (seed 22, none of the first three), drawn when set c's errors were about to be read.
LABEL_SETS = {"a": ("corpora_line_labels.csv", SEED), "b": ("corpora_line_labels_b.csv", SEED + 1),
              "c": ("corpora_line_labels_c.csv", SEED + 2), "d": ("corpora_line_labels_d.csv", SEED + 3)}


def labelled_ids(which: str) -> set[str]:
    import csv

    path = Path(__file__).resolve().parents[1] / "tests" / "data" / LABEL_SETS[which][0]
    with path.open(encoding="utf-8") as fh:
        return {row["article"] for row in csv.DictReader(fh)}


def sample_set(which: str, recs: dict[str, dict] | None = None) -> list[str]:
    """The articles of label set `which` ("a" to "d"): each set excludes the articles of the sets
    before it."""
    earlier = list(LABEL_SETS)[:list(LABEL_SETS).index(which)]
    exclude = set().union(*(labelled_ids(w) for w in earlier))
    return sample(recs, seed=LABEL_SETS[which][1], exclude=exclude)


if __name__ == "__main__":
    recs = records()
    args = sys.argv[1:]
    if args[:1] == ["--set"]:
        args = sample_set(args[1], recs)
    for key in args or sample(recs):
        rec = recs[key]
        print(f"### {key}  outlet={rec['outlet']}  title={rec.get('title')!r}")
        for i, (a, b) in enumerate(units(rec["text"])):
            print(f"{i}\t{a}\t{rec['text'][a:b]}")
        print()
