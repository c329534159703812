"""Fingerprints of every verb's output on the shared corpora, to show a refactoring changed nothing.

    .venv/bin/python benchmarks/fingerprint.py --out before.json          # on one checkout
    PYTHONPATH=/other/checkout/src .venv/bin/python benchmarks/fingerprint.py --out after.json
    .venv/bin/python benchmarks/fingerprint.py --compare before.json after.json

Each table is written as JSON (split orientation, ISO dates, 15 significant digits) together with its
column names and dtypes, and the sha256 of that text is the fingerprint: two checkouts agree on a
table only when every value, column and dtype agrees. Only the public verbs are called, so the
script runs unchanged on checkouts before and after a move.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPORA = ["ukraine-war-en-2022-2023", "ukraine-opinion-en-2024-2026", "ukr-mod-2022-html", "ru-uk-2022-2025"]
ENGLISH = ["ukraine-war-en-2022-2023", "ukraine-opinion-en-2024-2026"]


def _digest(table) -> str:
    import pandas as pd

    if isinstance(table, pd.Series):
        table = table.to_frame()
    body = table.to_json(orient="split", date_format="iso", double_precision=15, default_handler=str)
    head = json.dumps([list(map(str, table.columns)), [str(t) for t in table.dtypes]])
    return hashlib.sha256((head + body).encode("utf-8")).hexdigest()


def fingerprints() -> dict[str, str]:
    import framing

    out: dict[str, str] = {}

    def record(key: str, make) -> None:
        started = time.perf_counter()
        out[key] = _digest(make())
        print(f"{key:60s} {time.perf_counter() - started:6.1f} s", file=sys.stderr, flush=True)

    corpora = {"seeds": framing.ingest(SHARED / "seeds", progress=False)}
    for name in CORPORA:
        corpora[name] = framing.ingest(SHARED / "corpora" / name, progress=False)
    for name, corpus in corpora.items():
        record(f"{name}/articles", lambda: corpus.articles)
        record(f"{name}/rejects", lambda: corpus.rejects)
    english = {k: corpora[k].articles for k in ["seeds", *ENGLISH]}
    for name, articles in english.items():
        hits = framing.find_terms(articles)
        record(f"{name}/find_terms", lambda: hits)
        record(f"{name}/find_terms[re]", lambda: framing.find_terms(articles, engine="re"))
        record(f"{name}/find_terms[titles,context=40]", lambda: framing.find_terms(articles, titles=True, context=40))
        record(f"{name}/count_terms", lambda: framing.count_terms(articles))
        record(f"{name}/count_terms[re]", lambda: framing.count_terms(articles, engine="re"))
        record(f"{name}/kwic[Kiev]", lambda: framing.kwic(articles, "Kiev"))
        record(f"{name}/kwic[pattern]", lambda: framing.kwic(articles, "peace talks?", window=5))
        record(f"{name}/compare", lambda: framing.compare(hits, articles, n_boot=200))
        record(f"{name}/compare[own]", lambda: framing.compare(hits, articles, voice="own", n_boot=200))
        record(f"{name}/preference_over_time", lambda: framing.preference_over_time(hits, articles, "kyiv", n_boot=200))
        record(f"{name}/test_independence", lambda: (framing.independence if hasattr(framing, "independence") else framing.test_independence)(hits, n_resamples=199))
        record(f"{name}/keyness", lambda: framing.keyness(articles))
        record(f"{name}/collocations", lambda: framing.collocations(articles, "war"))
        record(f"{name}/outlet_similarity", lambda: framing.outlet_similarity(articles))
        quotes = framing.find_quotes(articles)
        record(f"{name}/find_quotes", lambda: quotes)
        record(f"{name}/speaker_share", lambda: framing.speaker_share(quotes))
        record(f"{name}/attribution_verbs", lambda: framing.attribution_verbs(quotes))
        record(f"{name}/cited_sources", lambda: framing.cited_sources(articles))
    ru = corpora["ru-uk-2022-2025"].articles
    record("ru-uk-2022-2025/count_terms", lambda: framing.count_terms(ru))
    record("ru-uk-2022-2025/find_terms", lambda: framing.find_terms(ru))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="write the fingerprints here (JSON)")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("A", "B"), help="compare two fingerprint files")
    args = parser.parse_args(argv)
    if args.compare:
        a, b = (json.loads(p.read_text()) for p in args.compare)
        differ = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
        for key in differ:
            print(f"differs: {key}")
        print(f"{len(a.keys() & b.keys()) - len(differ)} of {len(a.keys() | b.keys())} tables identical")
        return 1 if differ else 0
    found = fingerprints()
    text = json.dumps(found, indent=1, sort_keys=True) + "\n"
    if args.out:
        args.out.write_text(text)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
