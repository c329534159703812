"""Helpers for the report notebooks: set-up, the corpus, safe tables, figures, and summary tables.

Every table a notebook shows goes through :func:`table`: a pandas Styler that escapes HTML (article
text is untrusted input), has a fixed uuid (so two builds give the same bytes), hides the index,
names its columns for a reader, prints integers as integers and statistics to three significant
digits, and shows at most `max_rows` rows, saying so in its caption when it cuts. Every figure goes
through :func:`figure`. In a report build (``setup(page=...)``) each table is also written whole as
CSV under ``tables/`` and each figure as a 200-dpi PNG and an SVG under ``figures/``, linked under it.
"""

from __future__ import annotations

import html
import re
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from . import _texts
from .ingestion import Corpus, ingest, read_articles
from .resources import SAMPLE
from .schema import cast_rejects

__all__ = [
    "setup", "FIGURE_FORMATS", "figure", "COLUMN_NAMES", "corpus_for", "outlets_file", "table", "corpus_overview", "outlet_table", "rejects_table", "cleaning_example",
    "top_speakers", "top_terms", "cited_table", "duplicates_table", "independence_summary", "sample_lines", "concordance",
    "rates_table", "quotations_table", "headline_terms",
    "Note", "corpus_notes", "fewer_than_two", "why_no_collocations",
]


#: The figure formats the notebooks (and ``framing report --format``) can show figures in.
FIGURE_FORMATS = ("png", "svg")
# what each format stamps into a file that would change its bytes from run to run
_NO_STAMP = {"png": {"Software": None}, "svg": {"Date": None}}


#: Where this notebook's tables and figures are also written as files: set by :func:`setup`'s
#: `page` (a report build sets it to the notebook's name); None in JupyterLab. One kernel runs one
#: notebook, so one module-level setting is the notebook's own.
_EXPORT: dict = {"page": None, "names": set(), "format": "png"}
#: Resolution of the downloadable PNG figures (the inline ones stay at 100 dpi, for page size).
DOWNLOAD_DPI = 200


def setup(figure_format: str = "png", page: str | None = None) -> None:
    """Matplotlib, pandas and IPython settings that make figures readable and byte-stable.

    `figure_format` is ``png`` (100 dpi) or ``svg`` (vector, for a paper; same bytes on a rebuild).
    `page` (set by ``framing report``): the page's name; its tables are then also written as
    ``tables/PAGE--NAME.csv`` and its figures as ``figures/PAGE--NAME.png`` (200 dpi) and ``.svg``,
    relative to the working directory, each linked under what it shows.
    """
    import matplotlib

    if figure_format not in FIGURE_FORMATS:
        raise ValueError(f"figure_format={figure_format!r}: use one of {', '.join(FIGURE_FORMATS)}")
    if page is not None and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", str(page)):
        raise ValueError(f"page={page!r}: a page name is letters, digits, '.', '_' or '-'")
    _EXPORT.update(page=page, names=set(), format=figure_format)

    matplotlib.rcParams.update({
        "figure.dpi": 100, "savefig.dpi": 100, "font.size": 10, "axes.titlesize": 11,
        "svg.hashsalt": "framing", "figure.max_open_warning": 0,
    })
    pd.set_option("display.max_rows", 30)
    warnings.filterwarnings("ignore", category=UserWarning, module=r"framing(\..*)?$")
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:  # pragma: no cover - IPython ships with ipykernel
        shell = None
    if shell is not None:
        shell.run_line_magic("matplotlib", "inline")
        shell.run_line_magic("config", f"InlineBackend.figure_formats = [{figure_format!r}]")
        # no software or date stamp and a fixed bounding box: the same figure gives the same bytes
        shell.run_line_magic("config", "InlineBackend.print_figure_kwargs = "
                                       f"{{'bbox_inches': 'tight', 'metadata': {_NO_STAMP[figure_format]!r}}}")


def corpus_for(raw: str | None = None, processed: str | None = None) -> Corpus:
    """The corpus to report on: read from `processed` (written by ``framing report`` or
    ``framing ingest --out``) if it holds ``articles.parquet`` or ``articles/part-*.parquet``,
    else ingested from `raw` (None: the bundled demo corpus).

    An ingest's ``articles/part-*.parquet`` (a corpus of any size) is read without its texts
    (``read_articles(processed, texts=False)``): framing's functions read them from the folder a
    block of articles at a time, so memory holds the metadata, not the corpus. Use
    ``framing.read_articles(processed)`` for a table with the texts."""
    if processed and ((Path(processed) / "articles.parquet").exists() or (Path(processed) / "articles").is_dir()):
        articles = read_articles(processed, texts=not (Path(processed) / "articles").is_dir())
        rejects_path = Path(processed) / "rejects.csv"
        rejects = pd.read_csv(rejects_path, dtype=str, keep_default_na=False) if rejects_path.exists() else None
        rejects = cast_rejects(rejects if rejects is not None else pd.DataFrame(columns=["source_path", "reason", "detail"]))
        return Corpus(articles=articles, rejects=rejects, n_files=0)
    return ingest(SAMPLE if raw is None else raw, progress=False)


def outlets_file(raw: str | None = None, processed: str | None = None) -> str | None:
    """The raw folder's own ``outlets.yaml`` (copied next to the processed data by ``framing report``)."""
    if raw is None and processed is None:
        raw = SAMPLE
    for folder in (processed, raw):
        if folder and (Path(folder) / "outlets.yaml").exists():
            return str(Path(folder) / "outlets.yaml")
    return None


def _slug(text: str, limit: int = 48) -> str:
    """A file-name form of a caption, cut at a word: "Words headlines use …" -> "words-headlines-use-…"."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit + 1].rsplit("-", 1)[0] if "-" in slug[:limit + 1] else slug[:limit]
    return slug or "table"


def _cell(value):
    if isinstance(value, (list, tuple, np.ndarray)):
        return "; ".join(map(str, value))
    return value


class Table:
    """A table for a notebook: HTML from an escaping Styler (with a link to its CSV in a report),
    and a plain-text form without memory addresses (a bare Styler's text form holds one, which
    would change the notebook's bytes)."""

    def __init__(self, styler, text: str, download: str = "") -> None:
        self.styler, self.text, self.download = styler, text, download

    def _repr_html_(self) -> str:
        return self.styler.to_html() + self.download

    def to_html(self) -> str:
        """The table as HTML (escaped)."""
        return self._repr_html_()

    def __repr__(self) -> str:
        return self.text


class Note:
    """Sentences in place of an empty table or figure, or a caution above one (escaped HTML)."""

    def __init__(self, *sentences: str) -> None:
        self.sentences = [s for s in sentences if s]

    def _repr_html_(self) -> str:
        return "".join(f'<p class="framing-note"><strong>Note.</strong> {html.escape(s)}</p>' for s in self.sentences)

    def __bool__(self) -> bool:
        return bool(self.sentences)

    def __repr__(self) -> str:
        return "\n".join(f"Note. {s}" for s in self.sentences)


#: Column names of the library's tables, as a reader of the report reads them (others lose their
#: underscores).
COLUMN_NAMES = {
    "n_target": "uses (group)", "n_reference": "uses (the rest)", "docs_target": "articles (group)",
    "few_docs": "in ≤ 2 articles", "statistic": "z (log-odds)", "delta": "log-odds ratio",
    "log_odds_z": "z (log-odds)", "speaker_group": "speaker group", "family_count": "family hits",
    "family_articles": "family articles", "n_articles": "articles", "rate_per_10k": "per 10,000 words",
    "share_lo": "share, 95% low", "share_hi": "share, 95% high", "small_sample": "small sample",
    "source_path": "file", "article_id": "article", "n_words": "words", "duplicate_of": "copy of",
    "in_title": "in headline", "cramers_v": "Cramér's V", "q": "q (BH)",
}


def _human(column: object) -> str:
    name = str(column)
    return COLUMN_NAMES.get(name, name.replace("_", " "))


def _significant(value: float, digits: int = 3) -> str:
    """A statistic to `digits` significant digits, never in scientific notation above 1e-4.

    Examples
    --------
    >>> [_significant(v) for v in (1.08128, 0.0004567, 123456.7, 2.0, 0.00001234)]
    ['1.08', '0.000457', '123,457', '2.00', '1.23e-05']
    """
    if value != value:  # NaN
        return "–"
    if value == 0:
        return "0"
    if abs(value) < 1e-4:
        return f"{value:.{digits - 1}e}"
    magnitude = int(np.floor(np.log10(abs(value))))
    decimals = max(0, digits - 1 - magnitude)
    return f"{value:,.{decimals}f}"


def _unique_name(base: str) -> str:
    name, k = base, 2
    while name in _EXPORT["names"]:
        name, k = f"{base}-{k}", k + 1
    _EXPORT["names"].add(name)
    return name


def _reader_link(article_id: object) -> str:
    if article_id is None or article_id != article_id:
        return "–"
    ident = html.escape(str(article_id))
    return f'<a class="framing-read" href="articles/{ident}.html">read</a>'


def table(df: pd.DataFrame, caption: str, *, max_rows: int | None = 20, precision: int = 3, percent: tuple = (),
          empty: str | Callable[[], str | None] | None = None, link: str | None = None,
          sortable: bool = False) -> Table | Note:
    """A safe, stable HTML table of `df`: escaped, fixed uuid, no index, at most `max_rows` rows.

    Columns get a reader's names (:data:`COLUMN_NAMES`), integers print as integers, other
    numbers to `precision` significant digits, columns in `percent` as percentages, and text is
    left-aligned. In a report build the whole table (every row) is also written as CSV under
    ``tables/`` and linked under it. `link` names a column of article ids: in a report each becomes
    a link to the article's page in the reader. `sortable` lets the reader sort the table by a
    column and filter its rows (a small script in the page; nothing is fetched).

    A table without rows becomes a sentence that says so, with `empty` (why, and what to change)
    when the caller knows; a callable is called only then, so a costly reason costs nothing when
    the table has rows.

    Examples
    --------
    >>> sty = table(pd.DataFrame({"title": ["<script>x</script>"]}), "Titles")
    >>> "&lt;script&gt;" in sty.to_html() and "<script>" not in sty.to_html()
    True
    >>> "2.000000" in table(pd.DataFrame({"count": [2.0, 3.0]}), "Counts").to_html()
    False
    >>> table(pd.DataFrame({"term": []}), "Distinctive terms", empty="There is only one outlet.")
    Note. Distinctive terms: nothing to show. There is only one outlet.
    """
    if df.empty:
        reason = empty() if callable(empty) else empty
        return Note(f"{caption}: nothing to show." + (f" {reason}" if reason else ""))
    whole = df.copy()
    for col in whole.columns:
        if whole[col].dtype == object:
            whole[col] = whole[col].map(_cell)
    page = _EXPORT["page"]
    download = ""
    if page is not None:
        name = _unique_name(f"{page}--{_slug(caption)}")
        path = Path("tables") / f"{name}.csv"
        path.parent.mkdir(exist_ok=True)
        whole.rename(columns=_human).to_csv(path, index=False, lineterminator="\n")
        download = (f'<p class="framing-download">Download: <a href="{html.escape(path.as_posix())}" '
                    f'download>{html.escape(path.name)}</a> (CSV, all {len(whole):,} rows)</p>')
    limit = len(whole) if max_rows is None else max_rows
    shown = whole.head(limit).copy()
    if len(whole) > limit:
        caption = f"{caption} (first {limit} of {len(whole):,} rows)"
    if link is not None and link in shown:
        if page is None:
            shown = shown.drop(columns=[link])
        else:
            shown = shown[[link] + [c for c in shown.columns if c != link]]
    percent = tuple(_human(c) for c in percent)
    shown = shown.rename(columns=_human)
    linked = _human(link) if link is not None and page is not None else None
    formats: dict = {}
    for col in shown.columns:
        values = shown[col]
        if col == linked:
            formats[col] = _reader_link
        elif col in percent:
            formats[col] = lambda v: "–" if v != v else f"{v:.0%}"
        elif pd.api.types.is_bool_dtype(values):
            formats[col] = lambda v: "yes" if v is True or v == 1 else "no" if v is False or v == 0 else "–"
        elif pd.api.types.is_integer_dtype(values):
            formats[col] = lambda v: "–" if v is pd.NA else f"{int(v):,}"
        elif pd.api.types.is_float_dtype(values):
            finite = values.dropna()
            if len(finite) and np.all(np.isfinite(finite)) and np.all(finite == np.round(finite)) and finite.abs().max() < 1e15:
                formats[col] = lambda v: "–" if v != v else f"{int(round(v)):,}"
            else:
                formats[col] = lambda v, d=precision: _significant(float(v), d)
    styler = shown.style.set_uuid(_slug(caption)).hide(axis="index")
    styler = styler.format(na_rep="–", escape="html")
    for col, func in formats.items():
        styler = styler.format(func, subset=[col], na_rep="–", escape=None if col == linked else "html")
    text_cols = [k for k, col in enumerate(shown.columns)
                 if not pd.api.types.is_numeric_dtype(shown[col]) or pd.api.types.is_bool_dtype(shown[col])]
    styles = [{"selector": f"td.col{k}, th.col_heading.col{k}", "props": "text-align: left"} for k in text_cols]
    styles += [{"selector": "td, th.col_heading", "props": "text-align: right; vertical-align: top"}]
    styler = styler.set_table_styles(styles[::-1])
    attributes = 'class="framing-table"' + (" data-sortable" if sortable else "")
    styler = styler.set_caption(html.escape(caption)).set_table_attributes(attributes)
    return Table(styler, f"{caption}: {len(shown)} rows × {shown.shape[1]} columns", download)


def figure(drawn, name: str | None = None) -> None:
    """Show a figure (an Axes or a Figure from :mod:`framing.plots`) and close it.

    In a report build the figure is also written as ``figures/PAGE--NAME.png`` (200 dpi) and
    ``.svg`` (byte-stable: no dates, fixed ids), linked under it. `name` defaults to its title.
    """
    import matplotlib.pyplot as plt

    fig = getattr(drawn, "figure", drawn)
    page = _EXPORT["page"]
    links = ""
    if page is not None:
        title = name or fig.get_suptitle() or next((a.get_title() for a in fig.axes if a.get_title()), "figure")
        stem = _unique_name(f"{page}--{_slug(title)}")
        folder = Path("figures")
        folder.mkdir(exist_ok=True)
        made = []
        for fmt, kwargs in (("png", {"dpi": DOWNLOAD_DPI}), ("svg", {})):
            path = folder / f"{stem}.{fmt}"
            fig.savefig(path, format=fmt, bbox_inches="tight", metadata=_NO_STAMP[fmt], **kwargs)
            made.append(f'<a href="{html.escape(path.as_posix())}" download>{fmt.upper()}'
                        f'{" (200 dpi)" if fmt == "png" else " (vector)"}</a>')
        links = f'<p class="framing-download">Download this figure: {" · ".join(made)}</p>'
    try:
        from IPython.display import HTML, display

        if page is not None and _EXPORT["format"] == "png":
            display(HTML(_img_with_alt(fig)))  # a report page: the same PNG, with a text alternative
        else:
            display(fig)
        if links:
            display(HTML(links))
    finally:
        plt.close(fig)


def describe_figure(fig) -> str:
    """A text alternative for a figure: its title, what its axes show and its rows (for readers who
    cannot see it; the numbers are in the table or CSV beside it).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(); _ = ax.set_title("Kyiv / Kiev"); _ = ax.set_xlabel("share of hits")
    >>> _ = ax.set_yticks([0, 1], ["Outlet A", "Outlet B"])
    >>> describe_figure(fig)
    'Figure: Kyiv / Kiev. Horizontal axis: share of hits. Rows: Outlet A; Outlet B.'
    >>> plt.close(fig)
    """
    titles = [fig.get_suptitle()] + [a.get_title() for a in fig.axes]
    parts = [f"Figure: {next((t for t in titles if t), 'a figure')}."]
    axes = next((a for a in fig.axes if a.get_xlabel() or a.get_ylabel()), fig.axes[0] if fig.axes else None)
    if axes is not None:
        if axes.get_xlabel():
            parts.append(f"Horizontal axis: {axes.get_xlabel()}.")
        if axes.get_ylabel():
            parts.append(f"Vertical axis: {axes.get_ylabel()}.")
        rows = [" ".join(t.get_text().split()) for t in axes.get_yticklabels() if t.get_text().strip()]
        if 0 < len(rows) <= 12 and any(ch.isalpha() for row in rows for ch in row):
            parts.append("Rows: " + "; ".join(rows) + ".")
    return " ".join(parts)


def _img_with_alt(fig) -> str:
    import base64
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight", metadata=_NO_STAMP["png"])
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img class="framing-figure" alt="{html.escape(describe_figure(fig))}" src="data:image/png;base64,{data}">'


# --------------------------------------------------------------------------- summary tables


def corpus_overview(corpus: Corpus) -> pd.DataFrame:
    """Key numbers of a corpus, one row each (for the hurried reader)."""
    arts = corpus.articles
    dated = arts["published"].dropna()
    span = f"{dated.min():%Y-%m-%d} to {dated.max():%Y-%m-%d}" if len(dated) else "no dates"
    rows = [
        ("articles", f"{len(arts):,}"),
        ("outlets", f"{arts['outlet'].nunique():,}"),
        ("publication dates", span),
        ("articles without a date", f"{arts['published'].isna().sum():,}"),
        ("rejected inputs", f"{len(corpus.rejects):,}"),
        ("duplicates (same or near-same copy)", f"{arts['duplicate_of'].notna().sum():,}"),
        ("wire copy (Reuters, AP, AFP …)", f"{arts['wire'].notna().mean():.0%}" if len(arts) else "–"),
        ("median length", f"{int(arts['n_words'].median()) if len(arts) else 0:,} words"),
    ]
    return pd.DataFrame(rows, columns=["measure", "value"])


def outlet_table(articles: pd.DataFrame) -> pd.DataFrame:
    """Per outlet: articles, first and last date, median words, wire copies, duplicates, languages."""
    g = articles.groupby("outlet")
    out = pd.DataFrame({
        "articles": g.size(),
        "first": g["published"].min().dt.strftime("%Y-%m-%d"),
        "last": g["published"].max().dt.strftime("%Y-%m-%d"),
        "median words": g["n_words"].median().round().astype(int),
        "wire copies": g["wire"].count(),
        "duplicates": g["duplicate_of"].count(),
        "languages": g["language"].agg(lambda s: ", ".join(sorted(s.dropna().unique()))),
    })
    return out.sort_values("articles", ascending=False).reset_index()


def rejects_table(corpus: Corpus) -> pd.DataFrame:
    """Rejects by reason, with an example file each."""
    r = corpus.rejects
    if r.empty:
        return pd.DataFrame({"reason": [], "inputs": [], "example": [], "detail": []})
    g = r.groupby("reason")
    return pd.DataFrame({"inputs": g.size(), "example": g["source_path"].first(), "detail": g["detail"].first()}).reset_index()


def cleaning_example(articles: pd.DataFrame, max_lines: int = 12) -> pd.DataFrame:
    """The cleaning audit of one article (the one with most removed lines): each line and its rule."""
    audit = ("dropped", "dropped_why")
    if _texts.streamed(articles, audit):  # a table read without its texts: count, then read one article
        n = _texts.per_block(lambda b: pd.DataFrame({"article_id": b["article_id"].to_numpy(),
                                                     "n": b["dropped"].map(len).to_numpy()}), articles, audit)["n"]
        n.index = articles.index
    else:
        n = articles["dropped"].map(len)
    if not len(articles) or n.max() == 0:
        return pd.DataFrame({"removed line": [], "rule": [], "file": [], "article_id": []})
    row = _texts.with_columns(articles.loc[[n.idxmax()]], audit).iloc[0]
    lines = [(line[:160], why) for line, why in zip(row["dropped"], row["dropped_why"])][:max_lines]
    return pd.DataFrame(lines, columns=["removed line", "rule"]).assign(file=row["source_path"], article_id=row["article_id"])


def top_speakers(quotes: pd.DataFrame, by: str = "outlet", n: int = 3) -> pd.DataFrame:
    """Per group: direct quotations, the share with a speaker found, and the most quoted speakers."""
    d = quotes[quotes["kind"] == "direct"]
    rows = []
    for group, g in d.groupby(by):
        named = g["speaker"].dropna()
        top = ", ".join(f"{s} ({c})" for s, c in named.value_counts().head(n).items())
        rows.append({by: group, "quotations": len(g), "with a speaker": len(named) / len(g) if len(g) else np.nan,
                     "most quoted": top})
    return pd.DataFrame(rows, columns=[by, "quotations", "with a speaker", "most quoted"])


def top_terms(keyness_table: pd.DataFrame, by: str = "outlet", n: int = 8) -> pd.DataFrame:
    """Per group, its `n` most distinctive terms (terms carried by ≤ 2 articles marked with *)."""
    rows = []
    for group, g in keyness_table.groupby(by):
        g = g[g["statistic"] > 0].head(n)
        terms = ", ".join(t + ("*" if f else "") for t, f in zip(g["term"], g["few_docs"]))
        rows.append({by: group, "distinctive terms": terms})
    return pd.DataFrame(rows, columns=[by, "distinctive terms"])


def cited_table(cites: pd.DataFrame, by: str = "outlet", n: int = 4) -> pd.DataFrame:
    """Per group: citations of other outlets and agencies, and the most cited (self-citations left out)."""
    c = cites[~cites["self_citation"]]
    rows = [{by: group, "citations": len(g),
             "most cited": ", ".join(f"{s} ({k})" for s, k in g["source"].value_counts().head(n).items())}
            for group, g in c.groupby(by)]
    return pd.DataFrame(rows, columns=[by, "citations", "most cited"])


def duplicates_table(articles: pd.DataFrame) -> pd.DataFrame:
    """Articles that are copies of an earlier one: which outlet ran the copy, and of whose article."""
    first = articles.drop_duplicates("article_id").set_index("article_id")
    d = articles[articles["duplicate_of"].notna()]
    return pd.DataFrame({
        "outlet": d["outlet"], "title": d["title"].str.slice(0, 90),
        "copy of": [f"{first.at[i, 'outlet']}: {str(first.at[i, 'title'])[:60]}" if i in first.index else i
                    for i in d["duplicate_of"]],
        "wire": d["wire"],
    })


def independence_summary(tests: pd.DataFrame, lexicon=None) -> pd.DataFrame:
    """The test table in words: family, hits, test, p, q, Cramér's V and a verdict a student can read.

    The verdict says "differs" when q < 0.05, and how strongly by Cramér's V (small < 0.3 ≤ medium
    < 0.5 ≤ large, Cohen's conventions for a 2-column table); "not testable" when one outlet or one
    variant has all the hits.
    """
    from .analysis.lexicon import load_lexicon

    labels = load_lexicon(lexicon).labels

    def verdict(row) -> str:
        if row["method"] == "not testable":
            return "not testable (one outlet or one variant)"
        if not row["q"] < 0.05:
            return "no clear difference"
        size = "large" if row["cramers_v"] >= 0.5 else "medium" if row["cramers_v"] >= 0.3 else "small"
        return f"outlets differ ({size} effect)"

    out = pd.DataFrame({
        "family": [labels.get(f, f) for f in tests["family"]], "hits": tests["n"], "outlets": tests["groups"],
        "test": tests["method"], "p": tests["p"], "q (BH)": tests["q"], "Cramér's V": tests["cramers_v"],
        "verdict": tests.apply(verdict, axis=1),
    })
    return out.sort_values(["q (BH)", "hits"], ascending=[True, False], na_position="last", ignore_index=True)


def sample_lines(lines: pd.DataFrame, per_group: int = 3, by: str = "outlet") -> pd.DataFrame:
    """Up to `per_group` concordance lines (or quotations) from every group, the first ones in date
    order: every group is shown, not only the first few.

    Examples
    --------
    >>> lines = pd.DataFrame({"outlet": list("AAAB"), "match": list("wxyz")})
    >>> sample_lines(lines, per_group=2)["match"].tolist()
    ['w', 'x', 'z']
    """
    return lines.groupby(by, sort=True).head(per_group).reset_index(drop=True)


def concordance(articles: pd.DataFrame, hits: pd.DataFrame, term: str, per_outlet: int = 3, *, window: int = 8,
                lexicon=None) -> pd.DataFrame:
    """Up to `per_outlet` concordance lines of `term` from every outlet, the earliest first: what
    ``sample_lines(framing.kwic(articles, term, window=window, lexicon=lexicon), per_outlet)`` gives,
    but when `term` is a variant of the lexicon, `hits` (``framing.find_terms(articles, lexicon)``)
    say which articles hold those lines, and only they are read (a million articles: 3 minutes
    less). A pattern is looked for in every article.

    Examples
    --------
    >>> import framing
    >>> arts = pd.DataFrame({"article_id": ["a", "b", "c"], "outlet": ["X", "X", "Y"], "title": ["", "", ""],
    ...     "published": pd.to_datetime(["2022-03-02", "2022-03-01", "2022-03-01"], utc=True),
    ...     "text": ["Kiev again.", "Kiev, then Kiev.", "Kiev."]})
    >>> concordance(arts, framing.find_terms(arts), "Kiev", per_outlet=1)[["outlet", "article_id", "right"]].values.tolist()
    [['X', 'b', ', then Kiev.'], ['Y', 'c', '.']]
    """
    from .analysis.lexicon import load_lexicon
    from .analysis.terms import kwic

    lex = load_lexicon(lexicon)
    try:
        variant = lex.variant(term)
    except KeyError:
        return sample_lines(kwic(articles, term, window=window, lexicon=lex), per_outlet)
    mine = (hits["family"] == variant.family).to_numpy() & (hits["variant"] == variant.name).to_numpy()
    mine &= ~hits["in_title"].to_numpy(dtype=bool)
    order = ["outlet", "published", "article_id", "start"]  # kwic's order
    first = sample_lines(hits.loc[mine, order].sort_values(order, na_position="last"), per_outlet)
    chosen = articles[articles["article_id"].isin(first["article_id"])]
    return sample_lines(kwic(chosen, term, window=window, lexicon=lex), per_outlet)


def rates_table(table: pd.DataFrame, lexicon=None, by: str = "outlet") -> pd.DataFrame:
    """The numbers behind the terminology figures: per group (`by`) and variant, hits, articles, hits
    per 10,000 words, the share of the family with its 95% interval (families with hits only).

    `table` comes from :func:`framing.compare`.
    """
    from .analysis.lexicon import load_lexicon

    labels = load_lexicon(lexicon).labels
    t = table[table["family_count"] > 0]
    return pd.DataFrame({
        by: t[by], "family": t["family"].map(lambda f: labels.get(f, f)), "variant": t["variant"],
        "hits": t["count"].astype(int), "articles": t["n_articles"].astype(int), "per 10,000 words": t["rate_per_10k"],
        "share": t["share"], "share, 95% low": t["share_lo"], "share, 95% high": t["share_hi"],
        "small sample": t["small_sample"].astype(bool),
    }).reset_index(drop=True)


def quotations_table(quotes: pd.DataFrame, per_group: int = 3, by: str = "outlet", width: int = 160) -> pd.DataFrame:
    """Direct quotations to read: up to `per_group` from each outlet (the first in date order), with
    speaker, verb and how the speaker was found; long quotations are cut at `width` characters."""
    d = quotes[quotes["kind"] == "direct"].sort_values([by, "published", "article_id", "start"], na_position="last")
    d = sample_lines(d, per_group, by)
    cut = d["quote"].astype(str).map(lambda q: q if len(q) <= width else q[: width - 1].rstrip() + "…")
    return pd.DataFrame({"article_id": d["article_id"], by: d[by], "quotation": cut, "speaker": d["speaker"],
                         "speaker group": d["speaker_group"], "verb": d["verb"], "found by": d["attribution"],
                         "rule": d["rule"] if "rule" in d else None})


def headline_terms(titles: pd.DataFrame) -> pd.DataFrame:
    """The headline-against-body keyness table (``keyness(by="part", target="title")``) in a reader's
    words: term, z, uses in headlines and in bodies, headlines using it."""
    return pd.DataFrame({"term": titles["term"], "z (log-odds)": titles["statistic"],
                         "uses in headlines": titles["n_target"], "uses in bodies": titles["n_reference"],
                         "headlines using it": titles["docs_target"]})


def story_notes(stories: pd.DataFrame, coverage) -> Note:
    """How the articles fell into stories, in two sentences (from :func:`framing.stories` and
    :func:`framing.coverage`).

    Examples
    --------
    >>> st = pd.DataFrame({"article_id": list("abc"), "story_id": ["s1", "s1", "s2"], "outlet": list("XYX")})
    >>> cov = type("C", (), {"matrix": pd.DataFrame({"story_id": ["s1", "s2"], "X": [1, 1], "Y": [1, 0]})})()
    >>> story_notes(st, cov)
    Note. The 3 articles form 2 stories; 1 of them is reported by two or more outlets, and those stories hold 2 articles (67 %).
    """
    n, k = len(stories), stories["story_id"].nunique()
    if n == 0:
        return Note("There are no articles, so there are no stories to compare.")
    counts = coverage.matrix.drop(columns=[c for c in ("story_first", "story_terms") if c in coverage.matrix])
    counts = counts.set_index("story_id")
    shared = counts[(counts > 0).sum(axis=1) > 1]
    in_shared = int(shared.to_numpy().sum())
    first = (f"The {n:,} article{'s' * (n != 1)} form {k:,} stor{'ies' if k != 1 else 'y'}; {len(shared):,} of them "
             f"{'is' if len(shared) == 1 else 'are'} reported by two or more outlets, and those stories hold "
             f"{in_shared:,} articles ({in_shared / n:.0%}).".replace("%", " %"))
    if len(shared) == 0:
        return Note(first, "With no story in common, the comparisons on this page are empty: the outlets report "
                           "different events (or the threshold is too strict for this corpus).")
    return Note(first)


def story_tests(tests: pd.DataFrame, lexicon=None) -> pd.DataFrame:
    """The within-story tests (``independence(..., within="story")``) in a reader's words."""
    from .analysis.lexicon import load_lexicon

    labels = load_lexicon(lexicon).labels

    def verdict(row) -> str:
        if row["method"] == "not testable":
            return "not testable (one outlet or one variant in the shared stories)"
        return "outlets differ on the same stories" if row["q"] < 0.05 else "no clear difference on the same stories"

    out = pd.DataFrame({
        "family": [labels.get(f, f) for f in tests["family"]], "hits": tests["n"], "outlets": tests["groups"],
        "shared stories": tests["stories"], "CMH χ²": tests["chi2"], "p": tests["p"], "q (BH)": tests["q"],
        "verdict": tests.apply(verdict, axis=1) if len(tests) else [],
    })
    return out.sort_values(["q (BH)", "hits"], ascending=[True, False], na_position="last", ignore_index=True)


def story_words(hits: pd.DataFrame, stories: pd.DataFrame, family: str, *, by: str = "outlet",
                max_stories: int | None = 20) -> pd.DataFrame:
    """Story by story, the variants of `family` each outlet used: one row per story that two or more
    outlets name with the family, most outlets first, then the earliest; reprints left out.

    Examples
    --------
    >>> st = pd.DataFrame({"article_id": list("abc"), "story_id": ["s1"] * 3, "outlet": list("XYY"),
    ...     "story_first": pd.to_datetime(["2022-03-01"] * 3, utc=True), "story_terms": ["dam"] * 3,
    ...     "duplicate_of": [None] * 3})
    >>> h = pd.DataFrame({"article_id": list("abbc"), "family": ["kyiv"] * 4, "variant": ["Kiev", "Kyiv", "Kyiv", "Kyiv"]})
    >>> story_words(h, st, "kyiv").iloc[0][["X", "Y"]].tolist()
    ['Kiev', 'Kyiv ×3']
    """
    voices = stories[stories["duplicate_of"].isna()]
    mine = (hits["family"] == family).to_numpy()
    if "off_topic" in hits.columns:
        mine &= ~hits["off_topic"].astype(bool).to_numpy()
    h = hits.loc[mine, ["article_id", "variant"]].merge(
        voices[["article_id", "story_id", by, "story_first", "story_terms"]], on="article_id")
    named = h.groupby("story_id")[by].nunique()
    h = h[h["story_id"].isin(named.index[named > 1])]
    if h.empty:
        return pd.DataFrame(columns=["story", "first date", "what it is about"])
    used = h.groupby(["story_id", by, "variant"], sort=False).size().rename("n").reset_index()
    used = used.sort_values(["story_id", by, "n", "variant"], ascending=[True, True, False, True])
    used["said"] = [v if n == 1 else f"{v} ×{n}" for v, n in zip(used["variant"], used["n"])]
    wide = used.groupby(["story_id", by])["said"].agg(", ".join).unstack(by, fill_value="")
    info = h.drop_duplicates("story_id").set_index("story_id")[["story_first", "story_terms"]]
    out = info.join(wide).assign(_n=named.reindex(wide.index))
    out = out.sort_values(["_n", "story_first"], ascending=[False, True]).drop(columns="_n")
    out = out.reset_index().rename(columns={"story_id": "story", "story_first": "first date",
                                            "story_terms": "what it is about"})
    out["first date"] = pd.to_datetime(out["first date"], utc=True).dt.strftime("%Y-%m-%d").fillna("undated")
    return out.head(max_stories) if max_stories else out


def only_one_side(coverage, *, max_rows: int = 15) -> pd.DataFrame:
    """The largest stories only one group covers (``coverage.only``) in a reader's words."""
    only = coverage.only.head(max_rows)
    return pd.DataFrame({"covered only by": only["group"], "story": only["story_id"], "articles": only["articles"],
                         "first date": pd.to_datetime(only["story_first"], utc=True).dt.strftime("%Y-%m-%d").fillna("undated"),
                         "what it is about": only["story_terms"]})


def language_notes(articles: pd.DataFrame) -> Note:
    """What the languages page can say: the languages found, or why there is nothing to compare.

    Examples
    --------
    >>> language_notes(pd.DataFrame({"language": ["en", "en"]}))
    Note. Every article here is in one language (en), so there is nothing to compare across languages; ...
    """
    counts = articles["language"].dropna().astype(str).value_counts() if "language" in articles else pd.Series(dtype=int)
    if len(counts) < 2:
        one = f"one language ({counts.index[0]})" if len(counts) else "no detected language"
        return Note(f"Every article here is in {one}, so there is nothing to compare across languages; this page "
                    "fills in when a corpus mixes languages (English, Russian and Ukrainian outlets, say).")
    listed = ", ".join(f"{lang} ({n:,} articles)" for lang, n in counts.items())
    return Note(f"{len(counts)} languages: {listed}.")


def language_table(articles: pd.DataFrame) -> pd.DataFrame:
    """Articles per language and outlet, most first.

    Examples
    --------
    >>> language_table(pd.DataFrame({"language": ["ru", "uk", "uk"], "outlet": ["A", "A", "B"]})).values.tolist()
    [['uk', 'A', 1], ['uk', 'B', 1], ['ru', 'A', 1]]
    """
    t = articles.assign(language=articles["language"].astype("string").fillna("(unknown)"))
    counts = t.groupby(["language", "outlet"]).size().rename("articles").reset_index()
    totals = counts.groupby("language")["articles"].transform("sum")
    return (counts.assign(_t=totals).sort_values(["_t", "language", "articles", "outlet"], ascending=[False, True, False, True])
            .drop(columns="_t").reset_index(drop=True))


def lexicon_languages(lexicon, families: list[str], languages: list[str], *, first: int = 3) -> pd.DataFrame:
    """The first `first` patterns of each variant of `families` in each of `languages` (one column
    each), and in a column "every language" the patterns of variants written for all languages.

    Examples
    --------
    >>> from framing import load_lexicon
    >>> t = lexicon_languages(load_lexicon(), ["kyiv"], ["en", "ru"])
    >>> t.columns.tolist(), t["variant"].tolist()
    (['family', 'variant', 'en', 'ru', 'every language'], ['Kyiv', 'Kiev'])
    """
    from .analysis.lexicon import load_lexicon

    def shown(pats) -> str:
        return ("; ".join(pats[:first]) + (" …" if len(pats) > first else "")) if pats else "–"

    lex = load_lexicon(lexicon)
    rows = []
    for name in families:
        fam = lex.family(name)
        for v in fam.variants:
            per = dict(v.by_language)
            row = {"family": fam.label, "variant": v.name}
            row.update({lang: shown(per.get(lang, ())) for lang in languages})
            row["every language"] = "–" if per else shown(v.patterns)
            rows.append(row)
    return pd.DataFrame(rows, columns=["family", "variant", *languages, "every language"])


# --------------------------------------------------------------------------- empty and degenerate corpora

_FIX_OUTLETS = ("Name the outlets with an outlets.yaml (domains, mastheads) or a sources.csv (file → outlet) "
                "in the raw folder; the README's \"Adding an outlet\" shows both.")


def fewer_than_two(articles: pd.DataFrame, by: str = "outlet") -> str | None:
    """Why a comparison between groups is empty when there are fewer than two groups (else None).

    Examples
    --------
    >>> fewer_than_two(pd.DataFrame({"outlet": ["A", "A"]}))
    'It compares outlets with each other, and every article here is from one outlet (A).'
    """
    groups = articles[by].dropna().unique() if by in articles else []
    if len(groups) >= 2:
        return None
    if len(groups) == 0:
        return "There are no articles to compare."
    return f"It compares {by}s with each other, and every article here is from one {by} ({groups[0]})."


def corpus_notes(articles: pd.DataFrame, *, min_articles: int = 5) -> Note:
    """Cautions a reader needs before the figures: one outlet, outlets framing could not name,
    outlets too small to read, no dates. Nothing when the corpus has none of these.

    Examples
    --------
    >>> corpus_notes(pd.DataFrame({"outlet": ["unknown"] * 3, "published": [pd.NaT] * 3}))
    Note. All 3 articles are from one outlet (unknown): comparisons between outlets need two or more. ...
    """
    n = len(articles)
    if n == 0:
        return Note("No article could be read, so every table and figure below is empty.")
    outlets = articles["outlet"].value_counts()
    notes = []
    if len(outlets) == 1:
        fix = f" {_FIX_OUTLETS}" if outlets.index[0] == "unknown" else ""
        notes.append(f"All {n:,} article{'s' * (n != 1)} are from one outlet ({outlets.index[0]}): comparisons "
                     f"between outlets need two or more.{fix}")
    elif "unknown" in outlets.index:
        k = int(outlets["unknown"])
        notes.append(f"{k:,} of {n:,} articles have no known outlet and are grouped as \"unknown\". {_FIX_OUTLETS}")
    small = outlets[outlets < min_articles]
    if len(small) and len(outlets) > 1:
        names = ", ".join(map(str, small.index[:5])) + (" …" if len(small) > 5 else "")
        notes.append(f"{len(small)} of {len(outlets)} outlets {'has' if len(small) == 1 else 'have'} fewer than "
                     f"{min_articles} articles ({names}); "
                     "their shares are flagged as small samples and are anecdotes, not patterns.")
    if articles["published"].isna().all():
        notes.append("No article has a publication date, so the figures over time are empty. A sources.csv "
                     "with a published column, or dates in the files, fixes that.")
    return Note(*notes)


def fit_lexicon(lexicon, hits: pd.DataFrame, *, families: list[str], voice_family: str, voice_variant: str,
                time_family: str) -> tuple[list[str], str, str, str, Note]:
    """The notebook's family and variant parameters made to fit `lexicon`: a family it lacks is
    replaced by the family with the most hits (a variant by its family's most frequent one), and a
    note says what was replaced, so a report built with another lexicon still draws its figures.

    Returns ``(families, voice_family, voice_variant, time_family, note)``.

    Examples
    --------
    >>> import framing
    >>> lex = framing.load_lexicon({"families": {"capital": {"variants": {
    ...     "Kyiv": {"patterns": ["Kyiv"]}, "Kiev": {"patterns": ["Kiev"]}}}}})
    >>> hits = pd.DataFrame({"family": ["capital"], "variant": ["Kiev"]})
    >>> fams, vf, vv, tf, note = fit_lexicon(lex, hits, families=["kyiv", "capital"], voice_family="war_name",
    ...     voice_variant="war", time_family="kyiv")
    >>> fams, vf, vv, tf
    (['capital'], 'capital', 'Kiev', 'capital')
    >>> note
    Note. The lexicon has no family "kyiv", "war_name"; drawn instead: "capital" (the family with the most hits). ...
    """
    names = [f.name for f in lexicon.families]
    by_hits = list(hits["family"].value_counts().index) if len(hits) else []
    ranked = [f for f in by_hits if f in names] + [f for f in names if f not in by_hits]
    missing = [f for f in dict.fromkeys([*families, voice_family, time_family]) if f not in names]
    kept = [f for f in families if f in names]
    for f in ranked:  # as many families as were asked for, the most frequent first
        if len(kept) >= min(len(families), len(names)):
            break
        if f not in kept:
            kept.append(f)
    best = ranked[0] if ranked else voice_family
    notes = []
    if missing:
        quoted = ", ".join(f'"{m}"' for m in missing)
        notes.append(f"The lexicon has no family {quoted}; drawn instead: \"{best}\" (the family with the most "
                     "hits). Set the notebook's family parameters (families, voice_family, voice_variant, "
                     f"time_family) to the lexicon's own: {', '.join(names)}.")
    voice_family = voice_family if voice_family in names else best
    time_family = time_family if time_family in names else best
    variants = [v.name for v in lexicon.family(voice_family).variants] if voice_family in names else []
    if voice_variant not in variants and variants:
        used = hits.loc[hits["family"] == voice_family, "variant"].value_counts() if len(hits) else pd.Series(dtype=int)
        chosen = str(used.index[0]) if len(used) else variants[0]
        notes.append(f"The family \"{voice_family}\" has no variant \"{voice_variant}\"; its voices are drawn for "
                     f"\"{chosen}\".")
        voice_variant = chosen
    return kept, voice_family, voice_variant, time_family, Note(*notes)


def why_no_collocations(articles: pd.DataFrame, term: str, *, min_freq: int = 2) -> str:
    """Why the company of `term` is empty: it never occurs (with the nearest words that do), or too rarely.

    Examples
    --------
    >>> arts = pd.DataFrame({"text": ["The referendums were held.", "Referendums again."]})
    >>> why_no_collocations(arts, "referendum")
    '"referendum" does not occur in these articles; words that do and look alike: "referendums". Set collocation_term to one of them.'
    """
    import difflib

    from .analysis.tokens import tokenize

    counts: dict[str, int] = {}
    wanted = " ".join(tokenize(term, stop_words=None))
    phrase = re.compile(rf"(?<!\S){re.escape(wanted)}(?!\S)") if wanted else None
    found = 0
    for text in (t for block in _texts.blocks(articles) for t in block["text"].dropna()):
        tokens = tokenize(text, stop_words=None)
        for token in tokens:
            counts[token] = counts.get(token, 0) + 1
        if phrase is not None:
            found += len(phrase.findall(" ".join(tokens)))
    if found == 0:
        near = difflib.get_close_matches(wanted or term.lower(), list(counts), n=3, cutoff=0.6)
        hint = ("; words that do and look alike: " + ", ".join(f'"{w}"' for w in near) +
                ". Set collocation_term to one of them.") if near else "; set collocation_term to a word that does."
        return f'"{term}" does not occur in these articles' + hint
    return (f'"{term}" occurs {found} time{"s" * (found != 1)}, and no word keeps it company {min_freq} times or more '
            "in one outlet.")
