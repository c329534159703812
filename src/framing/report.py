"""Notebooks → a reproducible HTML report (papermill, nbconvert, a manifest), built atomically.

``build_report`` ingests the raw folder once, executes every notebook of ``notebooks/`` in order
with papermill (kernel ``python3``) in a temporary folder next to the target, strips everything that
changes from run to run (timestamps, durations, random cell ids, absolute paths), renders one HTML
page per notebook with nbconvert plus an index page (``templates/report/index.html.j2``), writes
``manifest.json`` (the only file with the build time), and swaps the folder in only when every
notebook succeeded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import time
import dataclasses
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Mapping

import nbformat
import pandas as pd

from ._builds import KERNEL_PID, kill_kernel, out_problem, remove_stale
from .notebook import FIGURE_FORMATS
from .resources import NOTEBOOKS, SAMPLE, numbered_notebooks
from .schema import PERIODS

__all__ = ["ReportError", "build_report", "slug", "NAME_RULE", "notebook_parameters", "default_notebooks", "NOTEBOOKS", "SAMPLE",
           "HEADLINE", "PARAMETER_CHOICES"]

_PACKAGES = ("framing", "pandas", "numpy", "scipy", "scikit-learn", "matplotlib", "nltk", "papermill",
             "nbconvert", "nbformat", "ipykernel", "trafilatura", "pyarrow")
_REPORT_PARAMS = {"raw", "processed", "lexicon", "progress", "figure_format", "page", "headline"}  # set by the build, not by -p
#: The lexicon family the index page draws unless told otherwise.
HEADLINE = "war_name"
#: What a report name (``--name``) may be: a folder name that is safe in any shell, URL and file system.
NAME_RULE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def slug(name: str) -> str:
    """A folder name made a report name (:data:`NAME_RULE`): other characters become "-".

    Examples
    --------
    >>> slug("Spring 2022 (Kyiv)")
    'Spring-2022-Kyiv'
    >>> slug("..")
    'report'
    """
    made = re.sub(r"-{2,}", "-", re.sub(r"[^A-Za-z0-9._-]", "-", name)).strip("-._")[:64].rstrip("-._")
    return made if NAME_RULE.fullmatch(made) else "report"
#: Notebook parameters with a fixed vocabulary, checked before any notebook runs.
PARAMETER_CHOICES: dict[str, tuple[str, ...]] = {"freq": tuple(PERIODS)}


def default_notebooks(cwd: str | Path = ".") -> Path:
    """The notebooks a build runs when none are named: a project's own ``notebooks/`` (as
    ``framing init`` makes it) when `cwd` has numbered notebooks there, else the packaged ones.

    Examples
    --------
    >>> default_notebooks("/") == NOTEBOOKS
    True
    """
    own = Path(cwd) / "notebooks"
    return own if numbered_notebooks(own) else NOTEBOOKS


class ReportError(RuntimeError):
    """A report build failed; the message names the notebook, the cell and the error."""

    def __init__(self, message: str, *, code: int = 5) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class _Page:
    name: str
    title: str
    html: str
    notebook: str
    summary: str = ""  # one sentence on what the page answers (the index lists it)


def notebook_parameters(notebooks: list[Path]) -> dict[str, dict]:
    """The parameters each notebook declares (papermill's ``inspect_notebook``), by name."""
    import papermill

    found: dict[str, dict] = {}
    for path in notebooks:
        for name, info in papermill.inspect_notebook(str(path)).items():
            found.setdefault(name, {"notebooks": [], "type": info.get("inferred_type_name"),
                                    "default": info.get("default")})["notebooks"].append(path.stem)
    return found


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _versions() -> dict[str, str]:
    out = {}
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _normalize(nb) -> None:
    """Remove what changes between runs: timings, papermill's paths, random ids of injected cells."""
    papermill_meta = nb.metadata.get("papermill", {})
    nb.metadata["papermill"] = {"parameters": papermill_meta.get("parameters", {})}
    for i, cell in enumerate(nb.cells):
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"
        elif not cell.get("id"):
            cell["id"] = f"cell-{i}"
        for output in cell.get("outputs", []):
            output.get("metadata", {}).pop("execution", None)


def _failure(notebook: str, nb_path: Path, exc: Exception) -> ReportError:
    """One readable line: the notebook, the cell number, the error."""
    cell = getattr(exc, "exec_count", None)
    index = getattr(exc, "cell_index", None)
    ename, evalue = getattr(exc, "ename", type(exc).__name__), getattr(exc, "evalue", str(exc))
    if index is None and nb_path.exists():  # find the failing cell in the partially executed notebook
        try:
            partial = nbformat.read(nb_path, as_version=4)
            for i, c in enumerate(partial.cells):
                if any(o.get("output_type") == "error" for o in c.get("outputs", [])):
                    index = i
                    break
        except Exception:  # pragma: no cover - best effort only
            pass
    where = f"cell {index}" if index is not None else "a cell"
    if cell:
        where += f" (execution count {cell})"
    return ReportError(f"{notebook}: {where} failed: {ename}: {str(evalue).strip().splitlines()[0] if evalue else ''}")


def _html_page(nb, title: str, with_code: bool) -> str:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="framing", extra_template_basedirs=[str(Path(__file__).parent / "templates")])
    exporter.exclude_input = not with_code
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.exclude_anchor_links = True
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    return body


def _title_of(nb, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def _headline_figure(articles: pd.DataFrame, lex, hits: pd.DataFrame, family: str, path: Path):
    """The index page's figure: the shares of `family`'s variants by outlet, in the outlets' own voice
    (`hits`: the articles' :func:`framing.find_terms` with `lex`).

    Falls back to the first family with hits when the lexicon has no `family`; returns that
    family (a :class:`~framing.analysis.lexicon.Family`), or None when no term was found.
    """
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    from . import plots
    from .analysis import compare

    if family not in {f.name for f in lex.families}:
        family = hits["family"].iloc[0] if len(hits) else None
    if family is None:
        return None
    table = compare(hits, articles, voice="own", lexicon=lex)
    if not (table["family"] == family).any():
        return None
    # matplotlib's defaults, whatever the calling process set (a notebook that calls build_report
    # must get the same bytes as the command line)
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        plt.rcParams.update({"svg.hashsalt": "framing", "font.size": 10})
        ax = plots.variant_share(table, family, lexicon=lex)
        ax.set_title(plots.plain(f"{lex.family(family).label}: each outlet's own words (quotations left out)"))
        ax.figure.savefig(path, dpi=100, bbox_inches="tight", metadata={"Software": None})
        ax.figure.savefig(path.with_name(f"{path.stem}-200dpi.png"), dpi=200, bbox_inches="tight",
                          metadata={"Software": None})
        ax.figure.savefig(path.with_suffix(".svg"), bbox_inches="tight", metadata={"Date": None})
        plt.close(ax.figure)
    return lex.family(family)


def _index_html(name: str, corpus, pages: list[_Page], family) -> str:
    """The front page, from ``templates/report/index.html.j2`` (autoescaped)."""
    import jinja2

    from .plots import _count

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates" / "report"),
        autoescape=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined,
    )
    arts = corpus.articles
    dated = arts["published"].dropna()
    figure = None if family is None else {
        "src": "figures/headline.png",
        "about": family.about or f"the variants of “{family.label}”",
    }
    return env.get_template("index.html.j2").render(
        name=name,
        articles=_count(len(arts), "article"),
        outlets_count=_count(arts["outlet"].nunique(), "outlet"),
        span=f"{dated.min():%d %B %Y} to {dated.max():%d %B %Y}" if len(dated) else None,
        rejects=_count(len(corpus.rejects), "input"),
        copies=_count(int(arts["duplicate_of"].notna().sum()), "article"),
        figure=figure,
        pages=pages,
        outlets=[(str(o), int(n)) for o, n in arts["outlet"].value_counts().items()],
    )


@dataclass(frozen=True)
class _Plan:
    """What a build will do, checked before anything is written."""

    raw: Path
    notebooks: list[Path]
    name: str
    declared: dict
    user: dict
    lexicon: Path | None
    headline: str
    manifest: Path | None = None
    workers: int = 1
    figure_format: str = "png"
    follow_links: bool = False
    #: notebook stem -> the condition (a key of CONDITIONS) its metadata ``framing.when`` names
    when: dict = dataclasses.field(default_factory=dict)


#: Conditions a notebook may set on the corpus in its metadata (``{"framing": {"when": NAME}}``): a
#: page that has nothing to say about this corpus is left out, and the build says why.
CONDITIONS = {
    "several_languages": ("every article is in one language",
                          lambda articles: articles["language"].dropna().nunique() >= 2),
}


def _conditions(paths: list[Path]) -> dict:
    """notebook stem -> condition name, from each notebook's metadata; an unknown name is exit 2."""
    import nbformat

    found = {}
    for path in paths:
        when = (nbformat.read(path, as_version=4).metadata.get("framing") or {}).get("when")
        if when is None:
            continue
        if when not in CONDITIONS:
            raise ReportError(f"{path.name}: metadata framing.when {when!r} is not one of {sorted(CONDITIONS)}", code=2)
        found[path.stem] = when
    return found


def _plan(raw, notebooks, name, parameters, lexicon, headline, manifest=None, workers=1,
          figure_format="png", follow_links=False) -> _Plan:
    """Check the arguments (exit code 2 on any problem) before a single file is written."""
    from .analysis.lexicon import load_lexicon
    from .ingestion.readers import read_manifest
    from .knowledge.outlets import load_outlets

    raw = SAMPLE if raw is None else Path(raw)
    if not raw.exists():
        raise ReportError(f"{raw}: no such raw folder or file", code=2)
    folder = Path(notebooks) if notebooks else default_notebooks()
    if not folder.is_dir():
        raise ReportError(f"--notebooks {folder}: no such folder", code=2)
    paths = numbered_notebooks(folder)
    if not paths:
        raise ReportError(f"{folder}: no notebooks (NN_name.ipynb) to run", code=2)
    if name is None:
        name = slug(raw.resolve().name)
    elif not NAME_RULE.fullmatch(name):
        raise ReportError(f"--name {name!r}: a report name is 1 to 64 letters, digits, '.', '_' or '-', "
                          "starting with a letter or digit", code=2)
    declared = notebook_parameters(paths)
    user = dict(parameters or {})
    unknown = sorted(set(user) - set(declared))
    reserved = sorted(set(user) & _REPORT_PARAMS)
    if unknown:
        raise ReportError(f"unknown parameter(s) {unknown}; the notebooks declare {sorted(set(declared) - _REPORT_PARAMS)}", code=2)
    if reserved:
        raise ReportError(f"parameter(s) {reserved} are set by the build; use the positional RAW and --lexicon", code=2)
    for key, allowed in PARAMETER_CHOICES.items():
        if key in user and user[key] not in allowed:
            raise ReportError(f"parameter {key}={user[key]!r}: use one of {', '.join(allowed)}", code=2)
    if lexicon is not None:
        lexicon = Path(lexicon)
    try:
        lex = load_lexicon(lexicon)
    except Exception as exc:  # the lexicon's own error names the file and key
        raise ReportError(f"lexicon: {exc}", code=2) from exc
    if headline not in {f.name for f in lex.families} and headline != HEADLINE:
        raise ReportError(f"--headline {headline!r}: the lexicon has no such family; it has "
                          f"{sorted(f.name for f in lex.families)}", code=2)
    _check_families(user, lex)
    if manifest is not None:
        if not Path(manifest).is_file():
            raise ReportError(f"--manifest {manifest}: no such file", code=2)
        try:
            read_manifest(Path(manifest))
        except (OSError, ValueError) as exc:
            raise ReportError(f"--manifest {manifest}: {getattr(exc, 'strerror', None) or exc}", code=2) from exc
    sidecar = raw / "outlets.yaml"
    if raw.is_dir() and sidecar.is_file():
        try:
            load_outlets(sidecar)
        except Exception as exc:  # RulesError names the file and the key
            raise ReportError(str(exc), code=2) from exc
    if not isinstance(workers, int) or workers < 1:
        raise ReportError(f"--workers {workers!r}: give a whole number of processes, 1 or more", code=2)
    if figure_format not in FIGURE_FORMATS:
        raise ReportError(f"--format {figure_format!r}: use one of {', '.join(FIGURE_FORMATS)}", code=2)
    return _Plan(raw, paths, name, declared, user, lexicon, headline,
                 Path(manifest) if manifest is not None else None, workers, figure_format, bool(follow_links), when=_conditions(paths))


#: Notebook parameters that name lexicon families (a list for "families").
FAMILY_PARAMETERS = ("families", "voice_family", "time_family")


def _check_families(user: dict, lex) -> None:
    """A family named with ``-p`` must be in the lexicon (exit 2 before any notebook runs); the
    notebooks' own defaults are fitted to the lexicon instead (:func:`framing.notebook.fit_lexicon`)."""
    names = [f.name for f in lex.families]
    for key in FAMILY_PARAMETERS:
        if key not in user:
            continue
        asked = user[key] if isinstance(user[key], list) else [user[key]]
        wrong = [f for f in asked if f not in names]
        if wrong or (key == "families" and not isinstance(user[key], list)):
            raise ReportError(f"-p {key} {user[key]!r}: the lexicon has no family {', '.join(map(repr, wrong))}; "
                              f"it has {names}" if wrong else f"-p families {user[key]!r}: give a list, "
                              f"e.g. -p families '[\"{names[0]}\"]'", code=2)


def is_ingested(folder: Path) -> bool:
    """True for a folder ``framing ingest --out`` wrote (``ingest.json`` and ``articles/``): a
    report reads it as it is, texts on disk, instead of ingesting raw files.

    Examples
    --------
    >>> is_ingested(Path("/no/such/folder"))
    False
    """
    return folder.is_dir() and (folder / "ingest.json").is_file() and (folder / "articles").is_dir()


def _read_ingested(raw: Path):
    """A corpus ``framing ingest --out`` wrote: the articles without their texts (every stage reads
    the texts from the folder's Parquet a block at a time) and its rejects."""
    from .ingestion import Corpus, read_articles
    from .schema import cast_rejects, empty_rejects

    try:
        articles = read_articles(raw, texts=False)
    except (OSError, ValueError) as exc:
        raise ReportError(f"{raw}: the ingested articles cannot be read: {exc}", code=3) from exc
    if articles.empty:
        raise ReportError(f"{raw}: the ingest holds no article", code=3)
    rejects_file = raw / "rejects.csv"
    rejects = cast_rejects(pd.read_csv(rejects_file, dtype=str, keep_default_na=False)) if rejects_file.is_file() \
        else empty_rejects()
    return Corpus(articles=articles, rejects=rejects, n_files=0)


def _stage_inputs(plan: _Plan, tmp: Path):
    """Ingest the raw folder once into ``tmp/data`` (with the outlets and lexicon files it used);
    returns the corpus and the parameters every notebook gets (paths relative to ``tmp``).

    A folder ``framing ingest --out`` wrote is read where it is (:func:`_read_ingested`):
    ``processed`` is then its path relative to the build folder (the report and its build folder
    are siblings, so the path holds for both), and the document-term matrix the notebooks count is
    kept in its ``dtm/`` for the next build."""
    from .ingestion import ingest

    for sub in ("notebooks", "data", "figures"):
        (tmp / sub).mkdir(parents=True)
    if is_ingested(plan.raw):
        corpus = _read_ingested(plan.raw)
        processed = os.path.relpath(plan.raw.resolve(), tmp.resolve())
    else:
        corpus = ingest(plan.raw, manifest=plan.manifest, workers=plan.workers, progress=False,
                        follow_links=plan.follow_links)
        if corpus.articles.empty:
            raise ReportError(f"{plan.raw}: no article could be read ({len(corpus.rejects)} rejected inputs)", code=3)
        corpus.articles.to_parquet(tmp / "data" / "articles.parquet", index=False)
        # the notebooks read data/articles.parquet: the document-term matrix the first one counts is
        # kept in data/dtm/ for the others (and for the explorer, in this process); removed before publishing
        corpus.articles.attrs["framing_source"] = str((tmp / "data").resolve())
        corpus.rejects.to_csv(tmp / "data" / "rejects.csv", index=False)
        processed = "data"
    sidecar = (plan.raw if plan.raw.is_dir() else plan.raw.parent) / "outlets.yaml"
    if sidecar.exists():
        shutil.copyfile(sidecar, tmp / "data" / "outlets.yaml")
    if plan.lexicon is not None:
        shutil.copyfile(plan.lexicon, tmp / "data" / "lexicon.yaml")
    # paths relative to the build folder: no absolute path ever reaches a page
    base = {"raw": plan.raw.name, "processed": processed, "lexicon": "data/lexicon.yaml" if plan.lexicon else None,
            "progress": False,  # a bar in a cell's output would make two builds differ
            "figure_format": plan.figure_format, "headline": plan.headline}
    return corpus, base


def _run_notebook(plan: _Plan, path: Path, tmp: Path, base: dict, with_code: bool) -> _Page:
    """Execute one notebook with papermill in ``tmp``, normalise it in place, and render its page."""
    import papermill

    own = {p for p, info in plan.declared.items() if path.stem in info["notebooks"]}
    params = {key: value for key, value in {**base, **plan.user, "page": path.stem}.items() if key in own}
    executed = tmp / "notebooks" / path.name
    try:
        papermill.execute_notebook(
            str(path), str(executed), parameters=params, kernel_name="python3", cwd=str(tmp),
            progress_bar=False, log_output=False, request_save_on_cell_execute=False,
            # the kernel's start-up warnings (e.g. "running over TCP without encryption" on a
            # loopback socket) would reach a cron job's mail every night, and so would the
            # "KeyboardInterrupt caught in kernel" it logs as an error when jupyter_client's
            # shutdown interrupt lands on a busy machine; cell errors come through the
            # messaging protocol, not this log
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
            kernel_manager_class=_tracked_kernels(tmp.resolve()),  # papermill changes the directory
        )
    except Exception as exc:
        raise _failure(path.name, executed, exc) from exc
    finally:  # a kernel that outlived papermill (it died, or shutting it down failed) stops here
        _stop_kernels()
        (tmp.resolve() / KERNEL_PID).unlink(missing_ok=True)
    nb = nbformat.read(executed, as_version=4)
    _normalize(nb)
    nbformat.write(nb, executed)
    title = _title_of(nb, path.stem)
    return _Page(path.stem, title, _html_page(nb, title, with_code), path.name, _summary_of(nb))


#: The kernels this process started and has not seen stop (pid -> kernel manager).
_KERNELS: dict[int, object] = {}


def _tracked_kernels(tmp: Path):
    """A kernel manager class that notes each kernel it starts, in :data:`_KERNELS` and in
    ``tmp/kernel.pid``, so that a build stopped half-way can stop it (:func:`_stop_kernels`), and a
    later build can stop it when this process was killed outright (:func:`framing._builds.remove_stale`)."""
    from jupyter_client.manager import AsyncKernelManager

    class TrackedKernelManager(AsyncKernelManager):
        async def start_kernel(self, **kw):
            # the kernel's own stderr carries only libzmq's and the kernel's start-up and shutdown
            # noise (e.g. "Assertion failed: pfd.revents & POLLIN" as it exits on a busy machine);
            # cell errors come through the messaging protocol and a dead kernel fails the build
            kw.setdefault("stderr", subprocess.DEVNULL)
            await super().start_kernel(**kw)
            pid = getattr(self.provisioner, "pid", None)
            if pid:
                _KERNELS[pid] = self
                (tmp / KERNEL_PID).write_text(f"{pid}\n")

        async def shutdown_kernel(self, *args, **kw):
            pid = getattr(self.provisioner, "pid", None)
            await super().shutdown_kernel(*args, **kw)
            _KERNELS.pop(pid, None)
            (tmp / KERNEL_PID).unlink(missing_ok=True)

    return TrackedKernelManager


def _stop_kernels() -> None:
    for pid in list(_KERNELS):
        kill_kernel(pid)
        _KERNELS.pop(pid, None)


def _summary_of(nb) -> str:
    """The first sentence of the paragraph under a notebook's title: what the page answers."""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        paragraphs = [" ".join(p.split()) for p in cell.source.split("\n\n")]
        body = [p for p in paragraphs if p and not p.startswith("#")]
        if body:
            text = re.sub(r"[*_`]", "", body[0])
            first = re.split(r"(?<=[.?!])\s+(?=[A-Z])", text, maxsplit=1)[0]
            return first if len(first) <= 240 else first[:239].rstrip() + "…"
    return ""


_H2 = re.compile(r"<h2(?P<attrs>[^>]*)>(?P<inner>.*?)</h2>", re.DOTALL)


def _section_id(text: str, taken: set[str]) -> str:
    base = "sec-" + (re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48] or "part")
    found, k = base, 2
    while found in taken:
        found, k = f"{base}-{k}", k + 1
    taken.add(found)
    return found


def _navigate(pages: list[_Page], report: str, explorer: bool = False) -> list[str]:
    """Each page's HTML with a navigation block at the top: the report's name and a link to the
    index, the previous and next page, the term explorer, and the page's sections (its ``##``
    headings, given ids). A page with sortable tables gets the small script that sorts them."""
    import html as html_lib

    tables_js = (Path(__file__).parent / "templates" / "report" / "tables.js").read_text(encoding="utf-8")

    out = []
    for k, page in enumerate(pages):
        taken: set[str] = set()
        sections: list[tuple[str, str]] = []

        def anchor(match: re.Match) -> str:
            text = html_lib.unescape(re.sub(r"<[^>]+>", "", match.group("inner"))).strip()
            ident = _section_id(text, taken)
            sections.append((ident, text))
            attrs = re.sub(r'\sid="[^"]*"', "", match.group("attrs"))
            return f'<h2 id="{ident}"{attrs}>{match.group("inner")}</h2>'

        body = _H2.sub(anchor, page.html)
        esc = html_lib.escape
        links = [f'<a href="index.html">{esc(report)}</a>', f"page {k + 1} of {len(pages)}"]
        if k > 0:
            links.append(f'<a href="{esc(pages[k - 1].name)}.html" rel="prev">← {esc(pages[k - 1].title)}</a>')
        if k + 1 < len(pages):
            links.append(f'<a href="{esc(pages[k + 1].name)}.html" rel="next">{esc(pages[k + 1].title)} →</a>')
        if explorer:
            links.append('<a href="explorer.html">term explorer</a>')
        toc = "".join(f'<li><a href="#{i}">{esc(t)}</a></li>' for i, t in sections)
        nav = ('<nav class="framing-nav" aria-label="report" style="font-family: system-ui, sans-serif; '
               'border-bottom: 1px solid #ddd; padding: .5rem 0 .2rem; margin-bottom: 1rem">'
               f'<p>{" · ".join(links)}</p>'
               + (f"<details open><summary>On this page</summary><ol>{toc}</ol></details>" if toc else "")
               + "</nav>")
        at = body.find("<main>")
        at = at + len("<main>") if at >= 0 else body.find(">", body.find("<body")) + 1
        body = body[:at] + nav + body[at:]
        if "data-sortable" in body:
            end = body.rfind("</body>")
            body = body[:end] + f"<script>{tables_js}</script>\n" + body[end:]
        out.append(body)
    return out


def _render(plan: _Plan, tmp: Path, corpus, pages: list[_Page], say=lambda message: None) -> None:
    """Write the notebook pages (with their navigation), the term explorer, the article reader's
    pages, the headline figure and the index page."""
    from .analysis import find_terms, load_lexicon
    from .explorer import explorer_data, explorer_html, linked_articles as explorer_articles
    from .reader import READER_MAX, linked_articles, write_articles

    lex = load_lexicon(plan.lexicon)
    hits = find_terms(corpus.articles, lex)  # for the reader's marks and the headline figure
    outlets = tmp / "data" / "outlets.yaml" if (tmp / "data" / "outlets.yaml").exists() else None
    began = time.time()
    data = explorer_data(corpus.articles, lexicon=lex, outlets=outlets)
    wanted = linked_articles(p.html for p in pages)
    readable = write_articles(corpus.articles, wanted + sorted(set(explorer_articles(data)) - set(wanted)),
                              tmp / "articles", report=plan.name, lexicon=lex, hits=hits, limit=READER_MAX)
    say(f"term explorer and {len(readable):,} article pages in {time.time() - began:.0f} s")
    (tmp / "explorer.html").write_text(explorer_html(data, report=plan.name, readable=set(readable)), encoding="utf-8")
    for page, html in zip(pages, _navigate(pages, f"framing report: {plan.name}", explorer=True), strict=True):
        (tmp / f"{page.name}.html").write_text(html, encoding="utf-8")
    family = _headline_figure(corpus.articles, lex, hits, plan.headline, tmp / "figures" / "headline.png")
    (tmp / "index.html").write_text(_index_html(plan.name, corpus, pages, family), encoding="utf-8")


def build_report(
    raw: str | Path | None = None,
    *,
    out: str | Path = "reports",
    name: str | None = None,
    lexicon: str | Path | None = None,
    parameters: Mapping[str, Any] | None = None,
    with_code: bool = False,
    notebooks: str | Path | None = None,
    headline: str = HEADLINE,
    manifest: str | Path | None = None,
    workers: int = 1,
    figure_format: str = "png",
    follow_links: bool = False,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Build ``OUT/NAME/``: executed notebooks, one HTML page each, ``index.html``, ``manifest.json``.

    The stages: check the arguments (:func:`_plan`), ingest once into a temporary folder next to
    the target (:func:`_stage_inputs`), execute each notebook (:func:`_run_notebook`), render the
    pages and the index (:func:`_render`), write the manifest, and swap the folder in.

    Parameters
    ----------
    raw : path, optional
        The raw folder to ingest (default: the bundled demo corpus, :data:`SAMPLE`).
    out, name : path, str
        The report goes to ``out/name`` (name defaults to the raw folder's name).
    lexicon : path, optional
        A lexicon YAML file for every notebook; its sha256 goes into the manifest.
    parameters : mapping
        Notebook parameters (``{"max_rows": 30}``). A name no notebook declares is an error.
    with_code : bool
        Show the code cells in the HTML pages (hidden by default).
    notebooks : path, optional
        The folder of numbered notebooks to run (default: :func:`default_notebooks`, i.e.
        ``./notebooks`` of a project made by ``framing init``, else the packaged ones).
    headline : str
        The lexicon family drawn on the index page (default ``war_name``; with a lexicon that
        lacks it, the first family found in the articles). Its ``about`` phrase names the
        variants in the caption.
    manifest : path, optional
        A CSV mapping file → outlet, url, published for the ingest (as ``framing ingest
        --manifest``); its sha256 goes into ``manifest.json``.
    workers : int
        Processes for the ingest (1: in this process).
    figure_format : str
        ``png`` (default) or ``svg`` (vector figures in the pages, for a paper; still byte-stable).
    follow_links : bool
        Read symbolic links that lead out of the raw folder (see :func:`framing.ingest`).

    Raises
    ------
    ReportError
        With ``code`` 2 for bad arguments, 3 when no article could be read, 5 when a notebook failed;
        the message names the notebook, the cell and the error. The previous report is untouched.
    """
    say = progress or (lambda message: None)
    started = time.time()
    plan = _plan(raw, notebooks, name, parameters, lexicon, headline, manifest, workers, figure_format, follow_links)
    out = _out_folder(Path(out), plan.raw)
    target = out / plan.name
    if target.resolve().parent != out.resolve():  # pragma: no cover - NAME_RULE already keeps it there
        raise ReportError(f"--name {plan.name!r} leads out of {out}", code=2)
    for prefix in (f".{plan.name}.building-", f".{plan.name}.old-"):  # left by builds killed outright
        for stale in remove_stale(out, prefix):
            say(f"removed {stale.name}, left by a build that was killed")
    tmp = out / f".{plan.name}.building-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        say(f"{'read the ingested corpus' if is_ingested(plan.raw) else 'ingest'} {plan.raw}; "
            f"notebooks from {plan.notebooks[0].parent}")
        corpus, base = _stage_inputs(plan, tmp)
        pages, skipped = [], {}
        for k, path in enumerate(plan.notebooks, start=1):
            condition = plan.when.get(path.stem)
            if condition and not CONDITIONS[condition][1](corpus.articles):
                skipped[path.name] = CONDITIONS[condition][0]
                say(f"[{k}/{len(plan.notebooks)}] {path.name} left out: {skipped[path.name]}")
                continue
            say(f"[{k}/{len(plan.notebooks)}] {path.name} …")
            began = time.time()
            pages.append(_run_notebook(plan, path, tmp, base, with_code))
            say(f"[{k}/{len(plan.notebooks)}] {path.name} done in {time.time() - began:.0f} s")
        _render(plan, tmp, corpus, pages, say)
        shutil.rmtree(tmp / "data" / "dtm", ignore_errors=True)  # a cache, not part of the report
        _write_manifest(tmp, plan, base, with_code, started, skipped)
        _swap(tmp, target)
    except ReportError:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    except BaseException as exc:
        _stop_kernels()  # an interrupted papermill may not have shut its kernel down
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise ReportError(f"report build failed: {type(exc).__name__}: {exc}") from exc
    say(f"done: {target}/index.html ({time.time() - started:.0f} s)")
    return target


def _out_folder(out: Path, raw: Path) -> Path:
    """Make `out` (exit 2 when it cannot be written, or lies inside the raw folder, whose next
    ingest would read the report back)."""
    problem = out_problem(out, raw)
    if problem:
        raise ReportError(problem, code=2)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"--out {out}: {exc.strerror or exc}", code=2) from exc
    if not os.access(out, os.W_OK | os.X_OK):
        raise ReportError(f"--out {out}: this user cannot write there", code=2)
    return out


def _raw_files(raw: Path, follow_links: bool = False) -> dict[str, str]:
    """sha256 of every file under `raw` the ingest could read (and of its sidecar files); an entry
    it did not read says why instead (a hash is never what stops a build)."""
    from .ingestion.readers import Reject, walk_inputs

    files = {}
    if is_ingested(raw):  # the ingest's own output: its Parquet parts, counts and rejects
        for path in sorted([*(raw / "articles").glob("*.parquet"), raw / "ingest.json", raw / "rejects.csv",
                            raw / "outlets.yaml"]):
            if path.is_file():
                files[path.relative_to(raw).as_posix()] = _sha256(path)
        return files
    for item in walk_inputs(raw, follow_links=follow_links, sidecars=True):
        if isinstance(item, Reject):
            files[item.source_path] = f"not read: {item.reason}"
            continue
        path, rel = item
        try:
            files[rel] = _sha256(path)
        except OSError as exc:
            files[rel] = f"not read: {exc.strerror or exc}"
    return dict(sorted(files.items()))


def _write_manifest(tmp: Path, plan: _Plan, base: dict, with_code: bool, started: float,
                    skipped: dict | None = None) -> None:
    raw, lexicon, paths = plan.raw, plan.lexicon, plan.notebooks
    manifest = {
        "framing_report": 1,
        "built_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "build_seconds": round(time.time() - started, 1),
        "raw": {"name": raw.name, "files": _raw_files(raw, plan.follow_links)},
        "lexicon": {"file": str(lexicon) if lexicon else "packaged",
                    "sha256": _sha256(Path(lexicon)) if lexicon else _sha256(Path(__file__).parent / "data" / "lexicon.yaml")},
        "parameters": {**{k: v for k, v in base.items()}, **plan.user},
        "with_code": with_code,
        "notebooks_from": "packaged" if paths[0].parent.resolve() == NOTEBOOKS else str(paths[0].parent),
        "notebooks": {p.name: {"source_sha256": _sha256(p), "executed_sha256": _sha256(tmp / "notebooks" / p.name)}
                      if p.name not in (skipped or {}) else {"source_sha256": _sha256(p), "left_out": skipped[p.name]}
                      for p in paths},
        "outputs": {p.relative_to(tmp).as_posix(): _sha256(p) for p in sorted(tmp.rglob("*"))
                    if p.is_file() and p.name not in ("manifest.json", KERNEL_PID)},
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": _versions(),
    }
    if plan.manifest is not None:
        manifest["ingest_manifest"] = {"file": plan.manifest.name, "sha256": _sha256(plan.manifest)}
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def _swap(tmp: Path, target: Path) -> None:
    """Put the new report in place: rename the old one aside, rename the new one in, remove the old."""
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    if target.exists():
        target.rename(old)
    try:
        tmp.rename(target)
    except BaseException:
        if old.exists():
            old.rename(target)
        raise
    shutil.rmtree(old, ignore_errors=True)
