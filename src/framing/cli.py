"""The `framing` command: `framing init`, `framing ingest`, `framing report`, `framing train-chrome`."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
from pathlib import Path

__all__ = ["main", "EXIT_OK", "EXIT_USAGE", "EXIT_NOTHING_READ", "EXIT_STRICT", "EXIT_NOTEBOOK"]

EXIT_OK = 0  # done (some input may have been rejected: see rejects.csv)
EXIT_USAGE = 2  # bad arguments (argparse's own code)
EXIT_NOTHING_READ = 3  # no article could be read from the input
EXIT_STRICT = 4  # --strict and at least one input was rejected
EXIT_NOTEBOOK = 5  # framing report: a notebook failed (the previous report is left untouched)

_INGEST_EXAMPLES = """examples:
  framing ingest data/raw --out data/processed --workers 2
  framing ingest export.csv --mapping text="Body Text" --mapping published=Date --outlets my_outlets.yaml
"""
_REPORT_EXAMPLES = """examples:
  framing report                                   # the bundled demo corpus, into reports/sample/
  framing report data/raw --name spring-2022 -p freq month -p max_rows 30
  framing report data/raw --notebooks my_notebooks/ --lexicon my_lexicon.yaml --headline kyiv
  framing ingest big/ --out data/processed && framing report data/processed   # texts stay on disk
"""
_TRAIN_EXAMPLES = """examples:
  framing train-chrome labelled/ --out my_chrome.json      # labelled/NAME/dump.txt + labelled/NAME/truth.txt
  echo 'chrome_model: my_chrome.json' > my_rules.yaml && framing ingest raw/ --boilerplate my_rules.yaml
"""
_INIT_EXAMPLES = """examples:
  framing init my-study && cd my-study && framing report
  framing init .                                   # in an empty folder
"""


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
    from ._builds import out_problem
    from .ingestion.stream import ingest_to

    raw = Path(args.raw)
    if not raw.exists():
        print(f"framing ingest: error: {raw}: no such file or folder", file=sys.stderr)
        return EXIT_USAGE
    progress = None if not args.quiet else False
    try:
        mapping = _mapping(args.mapping)
    except ValueError as exc:
        print(f"framing ingest: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for flag, value in (("--manifest", args.manifest), ("--outlets", args.outlets), ("--boilerplate", args.boilerplate)):
        if value is not None and not Path(value).is_file():
            print(f"framing ingest: error: {flag} {value}: no such file", file=sys.stderr)
            return EXIT_USAGE
    options = {"manifest": args.manifest, "mapping": mapping, "outlets": args.outlets, "boilerplate": args.boilerplate,
               "follow_links": args.follow_links}
    if args.file_seconds is not None:  # 0: no limit
        options["file_seconds"] = args.file_seconds or None
    try:
        _check_rules(args.outlets, args.boilerplate, raw, args.manifest)
        workers = _workers(args.workers)
        if args.out:
            problem = out_problem(Path(args.out), raw)
            if problem:
                raise ValueError(problem)
    except Exception as exc:  # RulesError names the file and the key
        print(f"framing ingest: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if workers is not None and args.workers is not None and workers < args.workers:
        print(f"framing ingest: --workers {args.workers}: using {workers}, the cores available", file=sys.stderr)
    if args.out:  # stream to partitioned Parquet: bounded memory, every core
        result = ingest_to(raw, args.out, workers=workers, progress=progress, **options)
        print(result.summary())
        print(f"wrote {Path(args.out) / 'articles'}/part-*.parquet and {Path(args.out) / 'rejects.csv'}")
        n_articles, n_rejects = result.n_articles, result.n_rejects
    else:
        corpus = ingest(raw, progress=progress, workers=workers or 1, **options)
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


def _mapping(pairs: list[str] | None) -> dict[str, str] | None:
    """``--mapping text="Body Text"`` pairs → {"text": "Body Text"}."""
    if not pairs:
        return None
    out = {}
    for pair in pairs:
        key, sep, column = pair.partition("=")
        if not sep or not key.strip() or not column.strip():
            raise ValueError(f"--mapping {pair!r}: write FIELD=COLUMN, e.g. text=\"Body Text\"")
        out[key.strip()] = column.strip()
    return out


def _check_rules(outlets, boilerplate, raw: Path | None = None, manifest=None) -> None:
    """Read the user's outlets, boilerplate and manifest files (and the raw folder's own
    ``outlets.yaml``) once up front, so a bad one is exit 2 with its file and key."""
    from .ingestion.readers import read_manifest
    from .knowledge.boilerplate import load_boilerplate
    from .knowledge.outlets import load_outlets

    if outlets is not None:
        load_outlets(outlets)
    if raw is not None and raw.is_dir() and (raw / "outlets.yaml").is_file():
        load_outlets(raw / "outlets.yaml")
    if boilerplate is not None:
        load_boilerplate(boilerplate)
    if manifest is not None:
        try:
            read_manifest(Path(manifest))
        except OSError as exc:
            raise ValueError(f"--manifest {manifest}: {exc.strerror or exc}") from exc


def _workers(asked: int | None) -> int | None:
    """--workers checked (1 or more) and capped at the cores this process may use."""
    from .ingestion.tasks import default_workers

    if asked is None:
        return None
    if asked < 1:
        raise ValueError(f"--workers {asked}: give a whole number of processes, 1 or more")
    return min(asked, default_workers())


def _init(args: argparse.Namespace) -> int:
    from .project import ProjectError, init_project

    try:
        written = init_project(args.folder)
    except ProjectError as exc:
        print(f"framing init: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    root = Path(args.folder)
    print(f"framing init: wrote {len(written)} files under {root}/ "
          f"(data/raw, data/processed, notebooks, reports, README.md, Makefile)")
    print(f"next: put raw articles in {root / 'data' / 'raw'}/, then `cd {root} && framing report data/raw`")
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
        workers = _workers(args.workers)
    except ValueError as exc:
        print(f"framing report: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if workers < args.workers:
        print(f"framing report: --workers {args.workers}: using {workers}, the cores available", file=sys.stderr)
    try:
        target = build_report(
            args.raw, out=args.out, name=args.name, lexicon=args.lexicon, parameters=params,
            with_code=args.with_code, headline=args.headline, notebooks=args.notebooks, manifest=args.manifest,
            workers=workers, figure_format=args.format, follow_links=args.follow_links,
            progress=None if args.quiet else lambda m: print(f"framing report: {m}", flush=True),
        )
    except ReportError as exc:
        print(f"framing report: error: {exc}", file=sys.stderr)
        return exc.code
    if args.quiet:
        print(target / "index.html")
    return EXIT_OK


def _train_chrome(args: argparse.Namespace) -> int:
    import json

    from .knowledge.chrome_model import ModelError
    from .ingestion.train_chrome import held_out, train_folder

    out = Path(args.out)
    if out.exists() and not args.force:
        print(f"framing train-chrome: error: {out} exists (--force replaces it)", file=sys.stderr)
        return EXIT_USAGE
    try:
        model = train_folder(args.folder)
        check = held_out(args.folder, folds=args.folds) if args.folds else None
    except ModelError as exc:
        print(f"framing train-chrome: error: {exc}", file=sys.stderr)
        return EXIT_NOTHING_READ
    if check:
        model.about["held_out"] = check
    _write_atomic(out, lambda tmp: tmp.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8"))
    print(f"{out}: trained on {model.about['pages']} pages, {model.about['lines']} lines "
          f"({model.about['body_lines']} body)")
    if check:
        print(f"lines of pages held out ({args.folds} folds): body kept {check['body_recall']:.3f}, "
              f"chrome removed {check['chrome_recall']:.3f}, body share of what is kept {check['body_precision']:.3f}")
    print("use it: a boilerplate YAML with `chrome_model: " + str(out) + "`, passed as --boilerplate / boilerplate=")
    return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(prog="framing", description="Compare how news outlets tell the same story.")
    parser.add_argument("--version", action="version", version=f"framing {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    raw_help = argparse.RawDescriptionHelpFormatter

    p = sub.add_parser("init", help="make a project folder: data/raw, data/processed, notebooks, reports",
                       formatter_class=raw_help, epilog=_INIT_EXAMPLES,
                       description="Make FOLDER a framing project: data/raw/ (with a README on what to put there), "
                                   "data/processed/, notebooks/ (copies of the report's notebooks, yours to edit), "
                                   "reports/, README.md and a Makefile. `framing report` run inside it uses its "
                                   f"notebooks. Never overwrites a file (exit {EXIT_USAGE}).")
    p.add_argument("folder", help="the project folder (made if missing)")
    p.set_defaults(run=_init)

    p = sub.add_parser("ingest", help="raw files -> DIR/articles/part-*.parquet + DIR/rejects.csv",
                       formatter_class=raw_help, epilog=_INGEST_EXAMPLES,
                       description="Read raw articles (txt, html, csv, json, jsonl) into a clean articles table. "
                                   "With --out it streams: partitioned Parquet written as it goes, bounded memory, "
                                   "a process pool; read it back with framing.read_articles(DIR).")
    p.add_argument("raw", help="a raw file or folder (read recursively)")
    p.add_argument("--out", help="write DIR/articles/part-*.parquet, DIR/rejects.csv and DIR/ingest.json "
                                 "(the previous output is replaced only when the ingest finishes)")
    p.add_argument("--workers", type=int, help="processes (default with --out: every available core)")
    p.add_argument("--manifest", help="CSV mapping file -> outlet, url, published (overrides inference)")
    p.add_argument("--outlets", help="an outlets YAML file merged over the packaged outlets")
    p.add_argument("--boilerplate", help="a boilerplate rules YAML file merged into the packaged rules")
    p.add_argument("--mapping", action="append", metavar="FIELD=COLUMN",
                   help="the column of an export that holds a field, e.g. text=\"Body Text\" (repeatable)")
    p.add_argument("--strict", action="store_true", help=f"exit {EXIT_STRICT} if any input is rejected")
    p.add_argument("--follow-links", action="store_true",
                   help="also read symbolic links that lead out of the raw folder (by default they are rejected)")
    p.add_argument("--file-seconds", type=float, metavar="S",
                   help="reject a file that takes longer than S seconds to read and clean as too_slow "
                        "(default 120; 0: no limit)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=_ingest)

    p = sub.add_parser("train-chrome", help="retrain the line model that tells body from chrome, from labelled pages",
                       formatter_class=raw_help, epilog=_TRAIN_EXAMPLES,
                       description="Train the line model (framing.ingestion.chrome) on FOLDER: subfolders each "
                                   "holding dump.txt (a page's raw text) and truth.txt (its article body), or "
                                   "pairs NAME.txt and NAME.truth.txt. Lines are cut as cleaning cuts them and "
                                   "labelled body when their words are in the truth. Writes the model as JSON "
                                   "and prints line figures on pages held out of training.")
    p.add_argument("folder", help="the labelled folder")
    p.add_argument("--out", required=True, help="the model file to write (JSON)")
    p.add_argument("--folds", type=int, default=5,
                   help="check on pages held out, in this many folds (default 5; 0: no check)")
    p.add_argument("--force", action="store_true", help="replace --out if it exists")
    p.set_defaults(run=_train_chrome)

    p = sub.add_parser("report", help="run the notebooks on a raw folder and render the HTML report",
                       formatter_class=raw_help, epilog=_REPORT_EXAMPLES,
                       description="Ingest RAW (or read a folder `framing ingest --out` wrote, texts left on disk), "
                                   "execute the numbered notebooks with papermill and write "
                                   "OUT/NAME/ (index.html, one page per notebook, executed notebooks, manifest.json). "
                                   f"Exit codes: 0 done, 2 bad arguments, 3 nothing could be read, "
                                   f"{EXIT_NOTEBOOK} a notebook failed (the previous report is left untouched).")
    p.add_argument("raw", nargs="?", help="raw folder or file, or a folder `framing ingest --out` wrote "
                                         "(default: the demo corpus bundled with framing)")
    p.add_argument("--out", default="reports", help="where reports go (default reports/)")
    p.add_argument("--name", help="report folder name: letters, digits, '.', '_', '-', at most 64, starting "
                                  "with a letter or digit (default: the raw folder's name, made so)")
    p.add_argument("--notebooks", metavar="DIR",
                   help="run these numbered notebooks (NN_name.ipynb) instead of the packaged ones "
                        "(default: ./notebooks when it has some, as in a `framing init` project)")
    p.add_argument("--lexicon", help="a lexicon YAML file (default: the packaged one)")
    p.add_argument("--manifest", help="CSV mapping file -> outlet, url, published, for the ingest")
    p.add_argument("--workers", type=int, default=1, help="processes for the ingest (default 1)")
    p.add_argument("-p", "--parameter", dest="parameters", nargs=2, action="append", metavar=("KEY", "VALUE"),
                   help="a notebook parameter, typed like YAML (-p max_rows 30); unknown names are an error; "
                        "freq is one of year, quarter, month, week")
    p.add_argument("--with-code", action="store_true", help="show the code cells in the HTML pages")
    p.add_argument("--format", default="png", choices=["png", "svg"],
                   help="figures in the pages: png (default) or svg (vector, for a paper)")
    p.add_argument("--headline", default="war_name", metavar="FAMILY",
                   help="the lexicon family drawn on the index page (default war_name)")
    p.add_argument("--follow-links", action="store_true",
                   help="also read symbolic links that lead out of the raw folder (by default they are rejected)")
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    p.set_defaults(run=_report)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `framing` console script; returns the exit code.

    Exit codes: 0 done (rejects are listed, not fatal), 2 bad arguments, 3 nothing could be read,
    4 ``--strict`` and something was rejected, 5 a report notebook failed; 130, 143, 129 stopped by
    SIGINT (Ctrl-C), SIGTERM, SIGHUP.
    """
    from ._builds import catch_signals

    args = _parser().parse_args(argv)
    catch_signals()
    try:
        return args.run(args)
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM/SIGHUP as Stopped: the clean-up has run
        signum = getattr(exc, "signum", signal.SIGINT)
        print(f"framing {args.command}: stopped by {signal.Signals(signum).name}; its build folder is removed "
              "and earlier output is untouched", file=sys.stderr)
        return 128 + signum


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
