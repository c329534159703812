"""Throughput and peak memory of framing's stages against a CountVectorizer baseline, in one run.

    make bench                                   # 10k articles
    .venv/bin/python benchmarks/run.py --sizes 10000 100000

For each size a seeded synthetic corpus (benchmarks/synth.py) is written once; every stage then runs
in its own process, so that its peak RSS is its own. The baseline is what a user would write instead:
scikit-learn's CountVectorizer(vocabulary=<the lexicon's forms>, ngram_range=(1, 3)). Results are
printed and written to docs/benchmarks.md with the machine described.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import json
import multiprocessing
import os
import platform
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RECORD = ROOT / "docs" / "benchmarks.json"  # the raw results behind docs/benchmarks.md
STAGES = ["baseline", "ingest", "ingest_stream", "ingest_files", "find_terms", "count_terms", "keyness",
          "keyness_peer", "scattertext_pandas", "scattertext_scikit", "matrix", "analysis", "find_quotes", "compare",
          "report"]
PEERS = ROOT / ".venv-bench"  # Scattertext's own environment: a peer to measure, never a dependency
PEER_PACKAGES = ["scattertext", "future", "six", "pandas", "pyarrow", "scikit-learn"]
EXTRA = ["html", "dask"]  # run once, at the first size: HTML against bare trafilatura, Dask 1 vs 2 workers
HTML_PAGES = ROOT.parent / "shared" / "corpora" / "ukr-mod-2022-html"


def _load(path: Path):
    """The synthetic JSONL as an articles-like DataFrame, read by pyarrow (text stays in Arrow memory)."""
    import pandas as pd
    import pyarrow.json as pj

    table = pj.read_json(path, read_options=pj.ReadOptions(block_size=64 << 20))
    frame = table.to_pandas(types_mapper=lambda t: pd.StringDtype() if str(t) in ("string", "large_string") else None)
    return pd.DataFrame({
        "article_id": frame["id"], "outlet": frame["outlet"],
        "published": pd.to_datetime(frame["date"], utc=True), "title": frame["title"],
        "text": frame["text"], "duplicate_of": pd.array([None] * len(frame), dtype="string"),
        "language": "en",  # as ingest detects it; the lexicon's English patterns are matched
        "n_words": frame["text"].str.count(r"\S+").astype("int64"),  # compare's rates per 10,000 words
    })


def _stage(name: str, path: Path) -> dict:
    """Run one stage in this process; return seconds, bytes of text and peak RSS."""
    sys.path.insert(0, str(HERE))
    import framing
    from synth import lexicon_forms

    extra: dict = {}
    if name == "ingest":  # in memory, one process
        start = time.perf_counter()
        corpus = framing.ingest(path, progress=False)
        seconds = time.perf_counter() - start
        n, nbytes = len(corpus.articles), path.stat().st_size
    elif name in ("ingest_stream", "ingest_files"):  # framing ingest --out: a process pool, Parquet parts as it goes
        import tempfile

        with tempfile.TemporaryDirectory() as out, _TreeMemory() as tree:
            start = time.perf_counter()
            summary = framing.ingest_to(path, out, workers=2, progress=False)
            seconds = time.perf_counter() - start
        if summary.n_rejects:  # the synthetic corpora have none: a sign of a fault
            raise SystemExit(f"{name}: {summary.n_rejects} rejects {summary.rejects_by_reason}")
        n, nbytes = summary.n_articles, summary.n_bytes
        child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        extra = {"workers": 2, "copies": summary.n_duplicates, "child_rss_mb": child,
                 "parent_rss_mb": me.ru_maxrss / 1024, **tree.peaks,
                 "parent_cpu_s": me.ru_utime + me.ru_stime, "workers_cpu_s": kids.ru_utime + kids.ru_stime}
    elif name == "analysis":
        return _analysis(framing, path)
    elif name == "report":
        return _report(framing, path)
    elif name == "html":
        return _html(framing)
    elif name == "dask":
        return _dask(framing, path)
    else:
        articles = _load(path)
        n, nbytes = len(articles), int(articles["text"].str.len().sum())
        framing.find_terms(articles.head(20))  # compile the lexicon once, outside the timing (as a notebook would)
        hits = framing.find_terms(articles, titles=False) if name == "compare" else None
        start = time.perf_counter()
        if name == "baseline":
            from sklearn.feature_extraction.text import CountVectorizer

            CountVectorizer(vocabulary=lexicon_forms(), ngram_range=(1, 3)).fit_transform(articles["text"])
        elif name == "find_terms":
            framing.find_terms(articles, titles=False)
        elif name == "count_terms":
            framing.count_terms(articles)
        elif name == "keyness":  # with the document-term matrix counted first (nothing cached)
            framing.keyness(articles, dedupe=False)
        elif name == "keyness_peer":  # what a user would write: CountVectorizer(1,2) + numpy log-odds
            _keyness_peer(articles)
        elif name == "matrix":
            from framing.analysis.dtm import document_terms

            document_terms(articles)
        elif name == "find_quotes":
            framing.find_quotes(articles, progress=False)
        elif name == "compare":  # the 2,000-resample cluster bootstrap; the hits were found before the clock
            framing.compare(hits, articles, n_boot=2000, progress=False)
        seconds = time.perf_counter() - start
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if "child_rss_mb" in extra:  # the parent plus every worker at its own peak: an upper bound
        rss_mb += extra["workers"] * extra["child_rss_mb"]
    return {"stage": name, "articles": n, "bytes": nbytes, "seconds": seconds, "peak_rss_mb": rss_mb, **extra}


def _peer_python() -> Path | None:
    """The Python of .venv-bench, made on first use with Scattertext in it (None if that fails)."""
    python = PEERS / "bin" / "python"
    if not python.exists():
        print(f"making {PEERS.name} for the Scattertext peers …", flush=True)
        made = subprocess.run([sys.executable, "-m", "venv", str(PEERS)], capture_output=True, text=True)
        if made.returncode == 0:
            made = subprocess.run([str(python), "-m", "pip", "install", "--quiet", *PEER_PACKAGES],
                                  capture_output=True, text=True)
        if made.returncode:
            print(made.stderr.strip().splitlines()[-1:], flush=True)
            return None
    return python


def _keyness_peer(articles) -> None:
    """The peer of framing.keyness: scikit-learn's CountVectorizer over (1,2)-grams with framing's
    tokenizer and stop words, group sums as a sparse product, the log-odds z-scores in numpy."""
    import numpy as np
    from scipy import sparse
    from sklearn.feature_extraction.text import CountVectorizer

    from framing.analysis.stats import log_odds_dirichlet
    from framing.analysis.tokens import STOP_WORDS, TOKEN_PATTERN, preprocess

    x = CountVectorizer(preprocessor=preprocess, token_pattern=TOKEN_PATTERN, ngram_range=(1, 2),
                        stop_words=sorted(STOP_WORDS)).fit_transform(articles["text"])
    codes, names = articles["outlet"].factorize()
    member = sparse.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))), shape=(len(names), len(codes)))
    sums = (member @ x).toarray()
    pooled = sums.sum(axis=0)
    for g in range(len(names)):
        a, c = sums[g], pooled - sums[g]
        log_odds_dirichlet(a, c, a.sum(), c.sum(), pooled)


def _analysis(framing, path: Path) -> dict:
    """The count-based statistics on one document-term matrix: its build, then keyness (every outlet
    against the rest), outlet_similarity and collocations ("war", by outlet), then each again with
    the matrix cached in memory (and keyness of each outlet's 50 terms at either end), and keyness
    once more in a fresh session from the matrix on disk. The corpus is what ``framing ingest --out``
    wrote (in a child process, not measured), read without its texts, as the report reads it; the
    peak memory is this process's and its workers' (the matrix is counted on every core)."""
    import tempfile

    from framing._cache import latest
    from framing.analysis.dtm import document_terms

    with tempfile.TemporaryDirectory() as out:
        with concurrent.futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            n, nbytes = pool.submit(_ingest_counts, str(path), out, True).result()
        articles = framing.read_articles(out, texts=False)
        timed = {}

        def clock(key, fn):
            start = time.perf_counter()
            fn()
            timed[key] = time.perf_counter() - start

        with _TreeMemory() as tree:
            clock("build_s", lambda: document_terms(articles))
            clock("keyness_s", lambda: framing.keyness(articles))
            clock("similarity_s", lambda: framing.outlet_similarity(articles))
            clock("collocations_s", lambda: framing.collocations(articles, "war", by="outlet"))
            clock("keyness_again_s", lambda: framing.keyness(articles))
            clock("keyness_top_again_s", lambda: framing.keyness(articles, top=50))
            clock("similarity_again_s", lambda: framing.outlet_similarity(articles))
            clock("collocations_again_s", lambda: framing.collocations(articles, "war", by="outlet"))
            latest.clear()
            clock("keyness_from_disk_s", lambda: framing.keyness(framing.read_articles(out, texts=False)))
        cache_mb = sum(f.stat().st_size for f in (Path(out) / "dtm").rglob("*") if f.is_file()) / 2**20
    seconds = timed["keyness_s"] + timed["similarity_s"] + timed["collocations_s"]
    return {"stage": "analysis", "articles": n, "bytes": nbytes, "seconds": seconds, "cache_mb": cache_mb,
            **timed, **tree.peaks, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _ingest_counts(path: str, out: str, chars: bool = False) -> tuple[int, int]:
    """``framing ingest --out`` in a child process: (articles, bytes read) or, with `chars`,
    (articles, characters of their texts)."""
    import framing

    summary = framing.ingest_to(path, out, workers=2, progress=False)
    if not chars:
        return summary.n_articles, summary.n_bytes
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    return summary.n_articles, sum(int(pc.sum(pc.utf8_length(pq.read_table(part, columns=["text"])["text"])).as_py()
                                       or 0) for part in sorted((Path(out) / "articles").glob("*.parquet")))


def _report(framing, path: Path) -> dict:
    """``framing report DIR`` on what ``framing ingest --out`` wrote (the ingest is not timed: it is
    the ``ingest_stream`` stage): every packaged notebook, the explorer and the article pages, with
    the texts read from the Parquet parts; the time of each step and the peak memory of the process
    tree (this process and the notebooks' kernels), nothing cached beforehand."""
    import tempfile

    from framing.report import build_report

    with tempfile.TemporaryDirectory() as work:
        corpus = Path(work) / "corpus"
        # the ingest runs in a process of its own: what it leaves in this one (about 600 MB at
        # 100k articles) is no part of the report's memory, which the tree below measures
        with concurrent.futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            n_articles, n_bytes = pool.submit(_ingest_counts, str(path), str(corpus)).result()
        steps: dict[str, float] = {}
        step_pss: dict[str, float] = {}
        began = time.perf_counter()

        def note(message: str) -> None:  # "[2/6] 02_terminology.ipynb done in 40 s"
            if " done in " in message or message.startswith("term explorer"):
                name = message.split(" done in ")[0].split("] ")[-1] if " done in " in message \
                    else "explorer and article pages"
                steps[name] = round(time.perf_counter() - began - sum(steps.values()), 1)
                step_pss[name] = round(tree.take())

        with _TreeMemory(0.5) as tree:
            start = time.perf_counter()
            build_report(corpus, out=Path(work) / "reports", name="bench", progress=note)
            seconds = time.perf_counter() - start
        cache_mb = sum(f.stat().st_size for f in (corpus / "dtm").rglob("*") if f.is_file()) / 2**20
    return {"stage": "report", "articles": n_articles, "bytes": n_bytes, "seconds": seconds,
            "steps_s": steps, "steps_pss_mb": step_pss, "cache_mb": cache_mb, **tree.peaks,
            "peak_rss_mb": tree.peaks.get("tree_rss_mb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


class _TreeMemory:
    """Samples this process and its children every `interval` seconds: the peak of their summed RSS
    and of their summed PSS (shared pages split between the processes that map them, so forked
    workers' common pages count once). Needs psutil (a Jupyter dependency); without it, no peaks."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.peaks: dict[str, float] = {}

    def __enter__(self) -> _TreeMemory:
        import threading

        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        try:
            import psutil
        except ImportError:
            return
        me = psutil.Process()
        while not self._stop.wait(self.interval):
            rss = pss = 0
            for proc in [me, *me.children(recursive=True)]:
                try:
                    info = proc.memory_full_info()
                except psutil.Error:  # a worker that just ended
                    continue
                rss += info.rss
                pss += getattr(info, "pss", info.rss)
            self.peaks["tree_rss_mb"] = max(self.peaks.get("tree_rss_mb", 0), rss / 2**20)
            self.peaks["tree_pss_mb"] = max(self.peaks.get("tree_pss_mb", 0), pss / 2**20)
            self.since = max(getattr(self, "since", 0), pss / 2**20)

    def take(self) -> float:
        """The peak summed PSS (MB) since the last call."""
        peak, self.since = getattr(self, "since", 0), 0
        return peak


def _html(framing) -> dict:
    """framing.ingest on real HTML pages against bare trafilatura.extract on the same pages (best of 3)."""
    import trafilatura

    pages = sorted(HTML_PAGES.glob("*.html"))
    if not pages:
        raise SystemExit(f"html stage: no pages under {HTML_PAGES}")
    raw = [p.read_bytes() for p in pages]
    bare, with_meta, ours = [], [], []
    for _ in range(3):
        start = time.perf_counter()
        for data in raw:
            trafilatura.extract(data.decode("utf-8", "replace"))
        bare.append(time.perf_counter() - start)
        start = time.perf_counter()
        for data in raw:
            trafilatura.extract(data.decode("utf-8", "replace"), with_metadata=True)
        with_meta.append(time.perf_counter() - start)
        start = time.perf_counter()
        corpus = framing.ingest(HTML_PAGES, progress=False)
        ours.append(time.perf_counter() - start)
    return {"stage": "html", "articles": len(corpus.articles), "bytes": sum(map(len, raw)),
            "seconds": min(ours), "bare_seconds": min(bare), "meta_seconds": min(with_meta),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _dask(framing, path: Path) -> dict:
    """find_terms + count_terms on Dask (LocalCluster, 1 and 2 worker processes) against pandas."""
    import tempfile

    import framing.dask as fd
    from dask.distributed import Client, LocalCluster

    with tempfile.TemporaryDirectory() as out:
        framing.ingest_to(path, out, workers=2, chunk_bytes=4_000_000, progress=False)
        start = time.perf_counter()  # both paths start from the Parquet parts
        articles = framing.read_articles(out, columns=["article_id", "outlet", "published", "title", "text"])
        framing.find_terms(articles)
        framing.count_terms(articles)
        pandas_s = time.perf_counter() - start
        nbytes = int(articles["text"].str.len().sum())
        timings = {}
        for workers in (1, 2):
            with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                              dashboard_address=None) as cluster, Client(cluster):
                darts = fd.read_articles(out)
                start = time.perf_counter()
                fd.find_terms(darts).compute()
                fd.count_terms(darts).compute()
                timings[workers] = time.perf_counter() - start
    return {"stage": "dask", "articles": len(articles), "bytes": nbytes, "seconds": timings[2],
            "one_worker_seconds": timings[1], "pandas_seconds": pandas_s, "partitions": darts.npartitions,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    except OSError:
        mem = float("nan")
    return (f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB RAM; Python {platform.python_version()} "
            f"on {platform.system()} {platform.release()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--stages", nargs="+", default=STAGES + EXTRA, choices=STAGES + EXTRA)
    parser.add_argument("--data", default="/tmp/framing-bench", help="where the synthetic corpora are cached")
    parser.add_argument("--stage", help=argparse.SUPPRESS)  # internal: run one stage and print JSON
    parser.add_argument("--path", help=argparse.SUPPRESS)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    parser.add_argument("--merge", action="store_true",
                        help="keep the other sizes' rows recorded in docs/benchmarks.json (for a separate 1M run)")
    parser.add_argument("--render", action="store_true",
                        help="run nothing: write docs/benchmarks.md again from docs/benchmarks.json")
    args = parser.parse_args()
    if args.stage:
        print(json.dumps(_stage(args.stage, Path(args.path))))
        return
    if args.render:
        recorded = json.loads(RECORD.read_text())
        _write([r for r in recorded if r["stage"] in STAGES], [r for r in recorded if r["stage"] in EXTRA])
        return
    sys.path.insert(0, str(HERE))
    from synth import write_folder, write_jsonl

    results, extras = [], []
    for k, size in enumerate(args.sizes):
        path = _corpus(Path(args.data), size, write_jsonl)
        for stage in args.stages:
            if stage in EXTRA and k > 0:
                continue
            if stage == "ingest_files":  # the same articles as text dumps, a file each (re-spelt beyond 100k)
                source = path if size <= GENERATED_MAX else _corpus(Path(args.data), GENERATED_MAX, write_jsonl)
                stage_path = write_folder(Path(args.data) / f"synth-files-{size}", size, source=source)
            else:
                stage_path = path
            if stage.startswith("scattertext"):
                python = _peer_python()
                if python is None:
                    print(f"{size:>9,} {stage:12s} skipped: no Scattertext environment (pip install failed)", flush=True)
                    continue
                command = [str(python), str(HERE / "peers.py"), "--stage", stage, "--path", str(stage_path)]
            else:
                command = [sys.executable, __file__, "--stage", stage, "--path", str(stage_path)]
            done = subprocess.run(command, capture_output=True, text=True)
            if done.returncode:
                print(f"{size:>9,} {stage:12s} failed: {done.stderr.strip().splitlines()[-1:]}", flush=True)
                continue
            r = json.loads(done.stdout.strip().splitlines()[-1])
            r["size"], r["date"], r["machine"] = size, dt.date.today().isoformat(), _machine()
            (extras if stage in EXTRA else results).append(r)
            print(f"{size:>9,} {stage:12s} {r['bytes'] / 1e6 / r['seconds']:8.2f} MB/s "
                  f"{r['articles'] / r['seconds']:10.0f} articles/s  peak RSS {r['peak_rss_mb']:7.0f} MB", flush=True)
    if args.merge and RECORD.exists():
        results, extras = _merged(results, extras, json.loads(RECORD.read_text()))
    if args.no_write:
        print(_markdown(results) + "\n" + _extras(extras))
    else:
        _write(results, extras)


def _merged(results: list[dict], extras: list[dict], recorded: list[dict]) -> tuple[list[dict], list[dict]]:
    """This run's rows, and the recorded rows of stages it did not run, each with the baseline
    measured on its own day (a ratio is only meaningful within one run)."""
    done = {(r["size"], r["stage"]) for r in results + extras}
    kept = [r for r in recorded if (r["size"], r["stage"]) not in done]
    days = {(r["size"], r.get("date")) for r in kept if r["stage"] in STAGES}
    have = {(r["size"], r.get("date")) for r in results if r["stage"] == "baseline"}  # this run's own
    older = {(r["size"], r.get("date")): r for r in recorded if r["stage"] == "baseline"}  # the day's last
    kept += [r for key, r in older.items() if key in days and key not in have and (r["size"], "baseline") in done]
    for r in kept:
        (extras if r["stage"] in EXTRA else results).append(r)
    results.sort(key=lambda r: (r["size"], r.get("date", ""), STAGES.index(r["stage"])))
    return results, extras


def _write(results: list[dict], extras: list[dict]) -> None:
    """docs/benchmarks.json (the raw results) and docs/benchmarks.md (the tables, the method)."""
    extras = sorted(extras, key=lambda r: (r["stage"], r["size"]))
    table = _markdown(results) + "\n" + _extras(extras)
    print(table)
    RECORD.write_text(json.dumps(results + extras, indent=1) + "\n")
    dates = sorted({r.get("date", "an earlier day") for r in results + extras})
    machines = sorted({r["machine"] for r in results + extras if "machine" in r}) or [_machine()]
    out = ROOT / "docs" / "benchmarks.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(
        f"# Benchmarks\n\nMeasured with `benchmarks/run.py` on {' and '.join(dates)}: {'; '.join(machines)}.\n\n"
        "Synthetic corpus (`benchmarks/synth.py`, seed 0): 10 outlets, Zipfian vocabulary, about 4 KB per "
        "article, a lexicon term every ~120 words, quotations in 15 % of sentences. Every stage runs in its own "
        "process; *ratio* is the stage's MB/s over the CountVectorizer baseline's, measured in the same run. "
        "Stages: `baseline` is `CountVectorizer(vocabulary=<the lexicon's forms>, ngram_range=(1, 3))`; `ingest` is "
        "`framing.ingest` of the JSONL file in one process; `ingest_stream` is `framing.ingest_to` of the same file "
        "with 2 worker processes (its peak RSS is the parent's plus each worker's own peak, an upper bound: forked "
        "workers share pages; the memory table below has the sampled totals); `ingest_files` is the same on a "
        "folder of text dumps, one file an article in folders of 1,000 (a menu line, the headline, a date line in "
        "words, a byline, the body, a footer that names the outlet: `benchmarks/synth.py: write_folder`); "
        "`find_terms` gives offsets, voice and context; `count_terms` counts only; `keyness` is log-odds, "
        "one outlet against the rest, (1,2)-grams, counting its document-term matrix first; `keyness_peer` is the "
        "same statistic the way a user would write it (scikit-learn's `CountVectorizer(ngram_range=(1, 2))` with "
        "framing's tokenizer, group sums, numpy); `matrix` is `framing.analysis.dtm.document_terms` alone; "
        "`analysis` is keyness + outlet_similarity + collocations after the matrix (table below); `find_quotes` "
        "finds quotations, speakers and verbs; `compare` is the 2,000-resample cluster bootstrap of the term shares "
        "(the hits found before the clock starts); `report` is `framing report DIR` on what `framing ingest --out` "
        "wrote, every packaged notebook with the texts read from the Parquet parts (its MB/s is the raw corpus's "
        "bytes over the report's seconds; table below); `scattertext_pandas` and `scattertext_scikit` are Scattertext's "
        "`CorpusFromPandas` (its whitespace tokenizer) and `CorpusFromScikit` (over `CountVectorizer(ngram_range=(1, 2))`) "
        "building a corpus and its per-outlet term counts (`benchmarks/peers.py`, in its own environment "
        "`.venv-bench`: Scattertext is not a dependency of framing). Above 100,000 articles the JSONL corpus and the folder hold the "
        "100,000 generated articles again with fresh ids and, from the second copy on, their words re-spelt within "
        "frequency bands, so that they are new texts with the same word frequencies (rows measured before "
        "2026-12-05 had the JSONL copies verbatim, which the ingest marked as copies).\n\n"
        + table + "\n", encoding="utf-8")
    print(f"wrote {out}")


GENERATED_MAX = 100_000  # beyond this, the 100k corpus is repeated (generation runs at ~400 articles/s)


def _corpus(folder: Path, size: int, write_jsonl) -> Path:
    """The synthetic corpus of `size` articles: generated up to 100k (~400 articles/s); larger ones
    repeat the 100k corpus with fresh ids and, from the second copy on, its words re-spelt within
    frequency bands (``synth._respelling``), so that the copies are new texts with the same word
    frequencies (the ingest keeps them: they are no near-duplicates), as ``write_folder`` does."""
    if size <= GENERATED_MAX or size % GENERATED_MAX:
        return write_jsonl(folder / f"synth-{size}.jsonl", size)
    from synth import _respelling

    path = folder / f"synth-{size}.jsonl"
    done = folder / f"synth-{size}.complete"
    if path.exists() and done.exists() and done.read_text() == "respelt":
        return path
    base = write_jsonl(folder / f"synth-{GENERATED_MAX}.jsonl", GENERATED_MAX)
    word = re.compile(r"[a-z]+")
    with path.open("w", encoding="utf-8") as out:
        for k in range(size // GENERATED_MAX):
            mapping = _respelling(k)
            for line in base.open(encoding="utf-8"):
                row = json.loads(line)
                row["id"] = f"{row['id']}-{k}"
                if mapping:
                    for key in ("title", "text"):
                        row[key] = word.sub(lambda m: mapping.get(m[0], m[0]), row[key])
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    done.write_text("respelt")
    return path


def _analysis_row(r: dict) -> str:
    """One row of the `analysis` table (older rows lack some figures: "–")."""
    def fig(key: str, fmt: str = ".1f") -> str:
        return format(r[key], fmt) if key in r else "–"

    again = " / ".join(fig(k) for k in ("keyness_again_s", "keyness_top_again_s", "similarity_again_s",
                                        "collocations_again_s"))
    return (f"| {r['size']:,} | {fig('build_s')} | {fig('keyness_s')} | {fig('similarity_s')} | "
            f"{fig('collocations_s')} | {again} | {fig('keyness_from_disk_s')} | {fig('cache_mb', ',.0f')} | "
            f"{fig('peak_rss_mb', ',.0f')} / {fig('tree_pss_mb', ',.0f')} |")


def _extras(extras: list[dict]) -> str:
    lines = []
    for r in extras:
        if r["stage"] == "html":
            lines += ["", f"HTML: `framing.ingest` on {r['articles']} real pages (`{HTML_PAGES.name}`, "
                          f"{r['bytes'] / 1e6:.1f} MB) took {r['seconds']:.2f} s; bare `trafilatura.extract` on the "
                          f"same pages {r['bare_seconds']:.2f} s (best of 3): framing adds "
                          f"{100 * (r['seconds'] / r['bare_seconds'] - 1):.0f} %. Against "
                          f"`trafilatura.extract(with_metadata=True)` ({r.get('meta_seconds', float('nan')):.2f} s), "
                          f"which reads title, author and date as framing must: "
                          f"{100 * (r['seconds'] / r.get('meta_seconds', float('nan')) - 1):+.0f} %."]
        if r["stage"] == "dask":
            lines += ["", f"Dask ({r['size']:,} synthetic articles, {r['partitions']} Parquet parts; read + find_terms + "
                          f"count_terms, LocalCluster of worker processes with one thread each): pandas "
                          f"{r['pandas_seconds']:.1f} s, 1 worker {r['one_worker_seconds']:.1f} s, 2 workers "
                          f"{r['seconds']:.1f} s. Speed-up 2 vs 1 worker: "
                          f"{r['one_worker_seconds'] / r['seconds']:.2f}×; overhead of 1 worker over pandas: "
                          f"{100 * (r['one_worker_seconds'] / r['pandas_seconds'] - 1):.0f} %."]
    return "\n".join(lines)


def _markdown(results: list[dict]) -> str:
    lines = ["| articles | measured | stage | MB/s | articles/s | ratio to that day's baseline | peak RSS (MB) |",
             "|---:|---|---|---:|---:|---:|---:|"]
    base = {(r["size"], r.get("date")): r["bytes"] / 1e6 / r["seconds"] for r in results if r["stage"] == "baseline"}
    for r in results:
        mbs = r["bytes"] / 1e6 / r["seconds"]
        day = (r["size"], r.get("date"))
        ratio = f"{mbs / base[day]:.2f}×" if day in base else "–"
        lines.append(f"| {r['size']:,} | {r.get('date', '')} | {r['stage']} | {mbs:.2f} | {r['articles'] / r['seconds']:,.0f} "
                     f"| {ratio} | {r['peak_rss_mb']:,.0f} |")
    sizes = sorted({r["size"] for r in results})
    if len(sizes) > 1:
        lines.append("")
        lines.append(f"Cost growth: throughput at {sizes[-1]:,} divided by throughput at {sizes[-2]:,}:")
        for stage in dict.fromkeys(r["stage"] for r in results):
            a = [r for r in results if r["stage"] == stage and r["size"] == sizes[-2]]
            b = [r for r in results if r["stage"] == stage and r["size"] == sizes[-1]]
            if a and b:
                ta, tb = a[0]["bytes"] / a[0]["seconds"], b[0]["bytes"] / b[0]["seconds"]
                lines.append(f"- {stage}: {tb / ta:.2f}")
    analysis = [r for r in results if r["stage"] == "analysis"]
    if analysis:
        lines += ["", "One document-term matrix (`analysis`; seconds): the matrix's build, then keyness (every outlet "
                      "against the rest), outlet_similarity and collocations of \"war\" by outlet — the stage's time is "
                      "the sum of these three — then each again with the matrix in memory (keyness also with `top=50`, "
                      "each outlet's 50 terms at either end), and keyness in a fresh session reading the matrix "
                      "from the ingest folder's `dtm/`; the corpus is read without its texts (`texts=False`), and "
                      "the peak memory is the process's RSS and the PSS of the process and its workers (sampled; "
                      "a row without the tree's figure ingested in the measuring process and held the texts):", "",
                  "| articles | build | keyness | similarity | collocations | again: k / k top 50 / s / c | from disk "
                  "| cache MB | peak MB: process / tree PSS |",
                  "|---:|---:|---:|---:|---:|---|---:|---:|---|"]
        lines += [_analysis_row(r) for r in analysis]
    reports = [r for r in results if r["stage"] == "report"]
    if reports:
        lines += ["", "`framing report DIR` on what `framing ingest --out` wrote (`report`; the ingest is the "
                      "`ingest_stream` stage): seconds per step, nothing cached beforehand, and the peak memory of "
                      "the process tree (the build and each notebook's kernel, sampled every 0.5 s):", "",
                  "| articles | total s | steps: seconds (peak tree PSS, MB) | tree RSS MB | tree PSS MB | matrix cache MB |",
                  "|---:|---:|---|---:|---:|---:|"]
        lines += [f"| {r['size']:,} | {r['seconds']:.0f} | "
                  + ", ".join(f"{k.replace('.ipynb', '')} {v:.0f}"
                              + (f" ({r['steps_pss_mb'][k]:,.0f})" if k in r.get("steps_pss_mb", {}) else "")
                              for k, v in r["steps_s"].items())
                  + f" | {r.get('tree_rss_mb', 0):,.0f} | {r.get('tree_pss_mb', 0):,.0f} | {r['cache_mb']:,.0f} |"
                  for r in reports]
    streams = [r for r in results if r["stage"] in ("ingest_stream", "ingest_files") and "tree_pss_mb" in r]
    if streams:
        lines += ["", "Streaming ingest memory (2 workers; MB): the parent's own peak, the largest worker peak, and "
                      "the process tree sampled every 0.2 s — the peak of the summed RSS (shared pages counted in "
                      "every process) and of the summed PSS (shared pages split between the processes that share "
                      "them: the memory the ingest really takes):", "",
                  "| articles | stage | parent | worker | tree RSS | tree PSS |", "|---:|---|---:|---:|---:|---:|"]
        lines += [f"| {r['size']:,} | {r['stage']} | {r['parent_rss_mb']:,.0f} | {r['child_rss_mb']:,.0f} "
                  f"| {r['tree_rss_mb']:,.0f} | {r['tree_pss_mb']:,.0f} |" for r in streams]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
