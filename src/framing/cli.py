"""The `framing` command: `framing ingest`, `framing report`."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

__all__ = ["main", "EXIT_OK", "EXIT_USAGE", "EXIT_NOTHING_READ", "EXIT_STRICT", "EXIT_NOTEBOOK"]

EXIT_OK = 0  # done (some input may have been rejected: see rejects.csv)
EXIT_USAGE = 2  # bad arguments (argparse's own code)
EXIT_NOTHING_READ = 3  # no article could be read from the input
EXIT_STRICT = 4  # --strict and at least one input was rejected
EXIT_NOTEBOOK = 5  # framing report: a notebook failed (the previous report is left untouched)

DEFAULT_SAMPLE = Path("data/raw/sample")


def _write_atomic(path: Path, write) -> None:
    """Write through a temporary file in the same folder, then rename it over `path`."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _ingest(args: argparse.Namespace) -> int:
    from .ingestion import ingest
    from .ingestion.stream import ingest_to

    raw = Path(args.raw)
    if not raw.exists():
        print(f"framing ingest: error: {raw}: no such file or folder", file=sys.stderr)
        return EXIT_USAGE
    progress = None if not args.quiet else False
    if args.out:  # stream to partitioned Parquet: bounded memory, every core
        result = ingest_to(raw, args.out, manifest=args.manifest, workers=args.workers, progress=progress)
        print(result.summary())
        print(f"wrote {Path(args.out) / 'articles'}/part-*.parquet and {Path(args.out) / 'rejects.csv'}")
        n_articles, n_rejects = result.n_articles, result.n_rejects
    else:
        corpus = ingest(raw, manifest=args.manifest, progress=progress, workers=args.workers or 1)
        print(corpus.summary())
        n_articles, n_rejects = len(corpus.articles), len(corpus.rejects)
    if n_articles == 0:
        print(f"framing ingest: error: no article could be read from {raw}", file=sys.stderr)
        return EXIT_NOTHING_READ
    if args.strict and n_rejects:
        where, why = (_first_reject(Path(args.out) / "rejects.csv") if args.out
                      else tuple(corpus.rejects[["source_path", "reason"]].iloc[0]))
        print(f"framing ingest: error: --strict and {n_rejects} input(s) rejected (first: {where}: {why})",
              file=sys.stderr)
        return EXIT_STRICT
    return EXIT_OK


def _first_reject(path: Path) -> tuple[str, str]:
    import csv

    with path.open(newline="", encoding="utf-8") as fh:
        row = next(csv.DictReader(fh))
    return row["source_path"], row["reason"]


def _typed(value: str):
    """A -p value with its type: 3 → int, 0.5 → float, true → bool, null → None, [a, b] → list."""
    import yaml

    try:
        return yaml.safe_load(value)
    except yaml.YAMLError:
        return value


def _report(args: argparse.Namespace) -> int:
    from .report import ReportError, build_report

    params = {key: _typed(value) for key, value in args.parameters or []}
    try:
        target = build_report(
            args.raw, out=args.out, name=args.name, lexicon=args.lexicon, parameters=params,
            with_code=args.with_code, headline=args.headline, progress=None if args.quiet else lambda m: print(f"framing report: {m}", flush=True),
        )
    except ReportError as exc:
        print(f"framing report: error: {exc}", file=sys.stderr)
        return exc.code
    if args.quiet:
        print(target / "index.html")
    return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="framing", description="Compare how news outlets tell the same story.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="raw files -> DIR/articles/part-*.parquet + DIR/rejects.csv",
                       description="Read raw articles (txt, html, csv, json, jsonl) into a clean articles table. "
                                   "With --out it streams: partitioned Parquet written as it goes, bounded memory, "
                                   "a process pool; read it back with framing.read_articles(DIR).")
    p.add_argument("raw", help="a raw file or folder (read recursively)")
    p.add_argument("--out", help="write DIR/articles/part-*.parquet, DIR/rejects.csv and DIR/ingest.json "
                                 "(the previous output is replaced only when the ingest finishes)")
    p.add_argument("--workers", type=int, help="processes (default with --out: every available core)")
    p.add_argument("--manifest", help="CSV mapping file -> outlet, url, published (overrides inference)")
    p.add_argument("--strict", action="store_true", help=f"exit {EXIT_STRICT} if any input is rejected")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=_ingest)

    p = sub.add_parser("report", help="run the notebooks on a raw folder and render the HTML report",
                       description="Ingest RAW, execute notebooks/*.ipynb with papermill and write "
                                   "OUT/NAME/ (index.html, one page per notebook, executed notebooks, manifest.json). "
                                   f"Exit codes: 0 done, 2 bad arguments, 3 nothing could be read, "
                                   f"{EXIT_NOTEBOOK} a notebook failed (the previous report is left untouched).")
    p.add_argument("raw", nargs="?", default=str(DEFAULT_SAMPLE), help=f"raw folder (default {DEFAULT_SAMPLE})")
    p.add_argument("--out", default="reports", help="where reports go (default reports/)")
    p.add_argument("--name", help="report folder name (default: the raw folder's name)")
    p.add_argument("--lexicon", help="a lexicon YAML file (default: the packaged one)")
    p.add_argument("-p", "--parameter", dest="parameters", nargs=2, action="append", metavar=("KEY", "VALUE"),
                   help="a notebook parameter, typed like YAML (-p max_rows 30); unknown names are an error")
    p.add_argument("--with-code", action="store_true", help="show the code cells in the HTML pages")
    p.add_argument("--headline", default="war_name", metavar="FAMILY",
                   help="the lexicon family drawn on the index page (default war_name)")
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    p.set_defaults(run=_report)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `framing` console script; returns the exit code.

    Exit codes: 0 done (rejects are listed, not fatal), 2 bad arguments, 3 nothing could be read,
    4 ``--strict`` and something was rejected, 5 a report notebook failed.
    """
    args = _parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
