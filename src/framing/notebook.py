"""Helpers for the report notebooks: set-up, the corpus, safe tables, and summary tables.

Every table a notebook shows goes through :func:`table`: a pandas Styler that escapes HTML (article
text is untrusted input), has a fixed uuid (so two builds give the same bytes), hides the index and
shows at most `max_rows` rows, saying so in its caption when it cuts.
"""

from __future__ import annotations

import html
import re
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from .ingestion import Corpus, ingest, read_articles
from .resources import SAMPLE
from .schema import cast_rejects

__all__ = [
    "setup", "FIGURE_FORMATS", "corpus_for", "outlets_file", "table", "corpus_overview", "outlet_table", "rejects_table", "cleaning_example",
    "top_speakers", "top_terms", "cited_table", "duplicates_table", "independence_summary", "sample_lines",
    "Note", "corpus_notes", "fewer_than_two", "why_no_collocations",
]


#: The figure formats the notebooks (and ``framing report --format``) can show figures in.
FIGURE_FORMATS = ("png", "svg")
# what each format stamps into a file that would change its bytes from run to run
_NO_STAMP = {"png": {"Software": None}, "svg": {"Date": None}}


def setup(figure_format: str = "png") -> None:
    """Matplotlib, pandas and IPython settings that make figures readable and byte-stable.

    `figure_format` is ``png`` (100 dpi) or ``svg`` (vector, for a paper; same bytes on a rebuild).
    """
    import matplotlib

    if figure_format not in FIGURE_FORMATS:
        raise ValueError(f"figure_format={figure_format!r}: use one of {', '.join(FIGURE_FORMATS)}")

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
    else ingested from `raw` (None: the bundled demo corpus)."""
    if processed and ((Path(processed) / "articles.parquet").exists() or (Path(processed) / "articles").is_dir()):
        articles = read_articles(processed)
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


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "table"


def _cell(value):
    if isinstance(value, (list, tuple, np.ndarray)):
        return "; ".join(map(str, value))
    return value


class Table:
    """A table for a notebook: HTML from an escaping Styler, and a plain-text form without memory
    addresses (a bare Styler's text form holds one, which would change the notebook's bytes)."""

    def __init__(self, styler, text: str) -> None:
        self.styler, self.text = styler, text

    def _repr_html_(self) -> str:
        return self.styler.to_html()

    def to_html(self) -> str:
        """The table as HTML (escaped)."""
        return self.styler.to_html()

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


def table(df: pd.DataFrame, caption: str, *, max_rows: int = 20, precision: int = 2, percent: tuple = (),
          empty: str | Callable[[], str | None] | None = None) -> Table | Note:
    """A safe, stable HTML table of `df`: escaped, fixed uuid, no index, at most `max_rows` rows.

    A table without rows becomes a sentence that says so, with `empty` (why, and what to change)
    when the caller knows; a callable is called only then, so a costly reason costs nothing when
    the table has rows.

    Examples
    --------
    >>> sty = table(pd.DataFrame({"title": ["<script>x</script>"]}), "Titles")
    >>> "&lt;script&gt;" in sty.to_html() and "<script>" not in sty.to_html()
    True
    >>> table(pd.DataFrame({"term": []}), "Distinctive terms", empty="There is only one outlet.")
    Note. Distinctive terms: nothing to show. There is only one outlet.
    """
    if df.empty:
        reason = empty() if callable(empty) else empty
        return Note(f"{caption}: nothing to show." + (f" {reason}" if reason else ""))
    shown = df.head(max_rows).copy()
    if len(df) > max_rows:
        caption = f"{caption} (first {max_rows} of {len(df):,} rows)"
    for col in shown.columns:
        if shown[col].dtype == object:
            shown[col] = shown[col].map(_cell)
    formats = {c: "{:.0%}" for c in percent if c in shown}
    styler = shown.style.set_uuid(_slug(caption)).hide(axis="index")
    styler = styler.format(precision=precision, na_rep="–", escape="html", thousands=",")
    if formats:
        styler = styler.format(formats, na_rep="–", escape="html")
    styler = styler.set_caption(html.escape(caption)).set_table_attributes('class="framing-table"')
    return Table(styler, f"{caption}: {len(shown)} rows × {shown.shape[1]} columns")


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
    n = articles["dropped"].map(len)
    if not len(articles) or n.max() == 0:
        return pd.DataFrame({"removed line": [], "rule": []})
    row = articles.loc[n.idxmax()]
    lines = [(line[:160], why) for line, why in zip(row["dropped"], row["dropped_why"])][:max_lines]
    return pd.DataFrame(lines, columns=["removed line", "rule"]).assign(article=row["source_path"])


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

    labels = {f.name: f.label for f in load_lexicon(lexicon).families}

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
    """A few concordance lines from every group (the first ones in date order), not only the first group."""
    return lines.groupby(by, sort=True).head(per_group).reset_index(drop=True)


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
    for text in articles["text"].dropna():
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
