"""Tables → figures (matplotlib). Every function takes ``ax=`` and returns the Axes.

Each plot has a title and labelled axes, and marks small samples instead of hiding them, so that a
reader of the rendered report can tell a finding from noise.
"""

from __future__ import annotations

import functools
import re
from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from .analysis.terms import VOICES
from .schema import PERIODS

__all__ = [
    "plain", "variant_colors", "MAX_LINES", "variant_share", "rate_heatmap", "voice_breakdown", "preference_over_time",
    "keyness_bars", "speaker_share", "verb_profile", "similarity_heatmap", "articles_over_time",
]

_PALETTE = plt.get_cmap("tab10").colors
_VOICE_COLORS = {"own": "#4c72b0", "quoted": "#dd8452", "distanced": "#8c8c8c"}
_SMALL = " (small sample)"
_DOLLAR = re.compile(r"(?<!\\)\$")


def plain(text: object) -> str:
    """`text` as matplotlib will draw it literally: an outlet, term or title from the data is never
    read as mathtext (``$\\frac{a}{b}$`` would be drawn as a fraction, ``$x^$`` would stop the
    figure with an error). Idempotent.

    Examples
    --------
    >>> plain("Price $5 or $6")
    'Price \\\\$5 or \\\\$6'
    >>> plain(plain("$x^$")) == plain("$x^$")
    True
    """
    return _DOLLAR.sub(r"\\$", str(text))


def _plain_figure(ax: Axes) -> Axes:
    """Every text of `ax`'s figure made :func:`plain`: titles, axis labels, legends, annotations,
    colour-bar labels and the tick labels the plot set."""
    fig = ax.figure
    for text in fig.findobj(plt.matplotlib.text.Text):
        label = text.get_text()
        if "$" in label:
            text.set_text(plain(label))
    for each in fig.axes:
        for axis in (each.xaxis, each.yaxis):
            formatter = axis.get_major_formatter()  # labels given to set_ticks (a FuncFormatter since 3.9)
            if isinstance(formatter, plt.matplotlib.ticker.FixedFormatter):
                formatter.seq = [plain(x) for x in formatter.seq]
            elif isinstance(formatter, plt.matplotlib.ticker.FuncFormatter) and \
                    not getattr(formatter.func, "_plain", False):
                formatter.func = _plain_func(formatter.func)
    return ax


def _plain_func(func):
    def plain_func(x, pos=None):
        return plain(func(x, pos))
    plain_func._plain = True
    return plain_func


def _plain_labels(plot):
    """Decorate a plot function so that every label it draws from data is plain text."""
    @functools.wraps(plot)
    def wrapper(*args, **kwargs):
        return _plain_figure(plot(*args, **kwargs))
    return wrapper


def _axes(ax: Axes | None, n_rows: int, width: float = 8.0) -> Axes:
    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=(width, max(2.5, 0.45 * n_rows + 1.6)), layout="constrained")
    return ax


def _legend(ax: Axes, entries: list[tuple[str, object]], title: str) -> None:
    # explicit handles: bars of small groups are pale, the legend should not be
    handles = [plt.matplotlib.patches.Patch(color=c, label=label) for label, c in entries]
    ax.legend(handles=handles, title=title, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)


def _group_label(row_key, small: bool) -> str:
    key = " | ".join(map(str, row_key)) if isinstance(row_key, tuple) else str(row_key)
    return key + (_SMALL if small else "")


def _family_label(family: str, lexicon=None) -> str:
    """The family's label from the lexicon ("Kyiv / Kiev"), or its id when the lexicon lacks it."""
    lex = _lexicon(lexicon)
    try:
        return lex.family(family).label if lex is not None else family
    except KeyError:
        return family


def _lexicon(lexicon=None):
    from .analysis.lexicon import load_lexicon

    try:
        return load_lexicon(lexicon)
    except Exception:  # a plot never fails for want of labels
        return None


def variant_colors(family: str, variants: Sequence[str] = (), *, lexicon=None) -> dict[str, tuple]:
    """One colour per variant of `family`, the same in every figure and every report.

    A variant's ``color`` in the lexicon wins; otherwise it takes the palette colour of its place
    in the family (the lexicon's order), so "conflict" never changes colour because another
    variant has no hits. Variants the lexicon does not know follow, in the order given.

    Examples
    --------
    >>> colors = variant_colors("kyiv", ["Kiev"])
    >>> colors["Kiev"] == variant_colors("kyiv", ["Kyiv", "Kiev"])["Kiev"]
    True
    """
    lex = _lexicon(lexicon)
    known: list = []
    if lex is not None:
        try:
            known = list(lex.family(family).variants)
        except KeyError:
            known = []
    out: dict[str, tuple] = {}
    for k, v in enumerate(known):
        out[v.name] = plt.matplotlib.colors.to_rgb(v.color) if v.color else _PALETTE[k % 10]
    for v in variants:
        if v not in out:
            out[v] = _PALETTE[len(out) % 10]
    return out


@_plain_labels
def variant_share(
    table: pd.DataFrame, family: str, *, by: str | Sequence[str] = "outlet", lexicon=None, ax: Axes | None = None
) -> Axes:
    """Each variant's share of the family, per group: a dot and its 95% interval, one line per variant.

    `table` comes from :func:`framing.compare`. Within a group, each variant has its own line, so
    intervals never overlap; colours are fixed per variant (:func:`variant_colors`). Groups flagged
    ``small_sample`` are drawn with hollow dots and say so in their label and in the legend. The
    label gives the family's hits and the articles they come from.

    Examples
    --------
    >>> t = pd.DataFrame({"outlet": ["A", "A"], "family": ["kyiv"] * 2, "variant": ["Kyiv", "Kiev"],
    ...     "share": [0.75, 0.25], "share_lo": [0.5, 0.1], "share_hi": [0.9, 0.5],
    ...     "family_count": [40, 40], "family_articles": [12, 12], "small_sample": [False, False]})
    >>> variant_share(t, "kyiv").get_title()
    'Kyiv / Kiev: share of each variant, by outlet'
    >>> [t.get_text() for t in variant_share(t, "kyiv").get_yticklabels()]
    ['A\\n40 hits in 12 articles']
    """
    keys = [by] if isinstance(by, str) else list(by)
    label = _family_label(family, lexicon)
    t = table[table["family"] == family]
    t = t[t["family_count"] > 0]
    used = t.groupby("variant", sort=False)["share"].max()
    present = [v for v in dict.fromkeys(t["variant"]) if used.get(v, 0) > 0]
    colors = variant_colors(family, present, lexicon=lexicon)
    variants = [v for v in colors if v in present]  # the lexicon's order
    groups = list(dict.fromkeys(map(tuple, t[keys].astype(str).to_numpy())))
    row = 0.22 * max(len(variants), 1) + 0.35
    if ax is None:
        _, ax = plt.subplots(figsize=(8.0, max(2.5, row * len(groups) + 1.6)), layout="constrained")
    if t.empty:
        ax.set_title(f"{label}: no hits")
        ax.set_axis_off()
        return ax
    indexed = t.assign(_g=list(map(tuple, t[keys].astype(str).to_numpy()))).set_index(["_g", "variant"])
    y = np.arange(len(groups))[::-1].astype(float)
    small = np.array([bool(indexed.loc[(g, variants[0]), "small_sample"]) for g in groups])
    step = 0.8 / max(len(variants), 1)
    for k, variant in enumerate(variants):
        at = y + 0.4 - step * (k + 0.5)
        share = np.array([indexed.loc[(g, variant), "share"] for g in groups], dtype=float)
        lo = np.array([indexed.loc[(g, variant), "share_lo"] for g in groups], dtype=float)
        hi = np.array([indexed.loc[(g, variant), "share_hi"] for g in groups], dtype=float)
        color = colors[variant]
        ax.hlines(at, lo, hi, color=color, linewidth=2, alpha=0.8)
        ax.scatter(share[~small], at[~small], color=color, s=30, zorder=3)
        ax.scatter(share[small], at[small], facecolors="white", edgecolors=[color], s=30, zorder=3, linewidths=1.5)
    for edge in y[:-1] - 0.5:
        ax.axhline(edge + 1, color="#dddddd", linewidth=0.6)
    hits = [int(indexed.loc[(g, variants[0]), "family_count"]) for g in groups]
    docs = [int(indexed.loc[(g, variants[0]), "family_articles"]) if "family_articles" in indexed else None for g in groups]
    stories = [int(indexed.loc[(g, variants[0]), "n_stories"]) if "n_stories" in indexed else None for g in groups]
    ax.set_yticks(y, [f"{_group_label(g if len(g) > 1 else g[0], s)}\n{_count(n, 'hit')}"
                      + (f" in {_count(m, 'article')}" if m is not None else "")
                      + (f", {_count(k, 'story', 'stories')}" if k is not None else "")
                      for g, s, n, m, k in zip(groups, small, hits, docs, stories)])
    ax.set_ylim(-0.5, len(groups) - 0.5)
    ax.set_xlim(-0.02, 1.02)
    ax.xaxis.set_major_formatter(plt.matplotlib.ticker.PercentFormatter(1.0))
    ax.set_xlabel("share of the family's hits in the group (dot), with its 95% interval (line)")
    ax.set_title(f"{label}: share of each variant, by {' × '.join(keys)}")
    handles = [plt.matplotlib.lines.Line2D([], [], color=colors[v], marker="o", linewidth=2, label=v) for v in variants]
    if small.any():
        handles.append(plt.matplotlib.lines.Line2D([], [], color="black", marker="o", markerfacecolor="white",
                                                   linewidth=0, label="hollow: small sample\n(< 10 hits or < 5 articles)"))
    ax.legend(handles=handles, title="variant", loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    return ax


def _count(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n:,} " + (noun if n == 1 else plural or f"{noun}s")


@_plain_labels
def rate_heatmap(
    table: pd.DataFrame, *, by: str = "outlet", families: Sequence[str] | None = None, lexicon=None,
    ax: Axes | None = None
) -> Axes:
    """Heatmap of mentions per 10,000 words: families (rows) × groups (columns), values printed.

    `table` comes from :func:`framing.compare`; a family's rate is the sum over its variants.

    Examples
    --------
    >>> t = pd.DataFrame({"outlet": ["A", "B"], "family": ["kyiv"] * 2, "count": [3, 1],
    ...     "words": [1000, 2000]})
    >>> rate_heatmap(t).get_xlabel()
    'outlet'
    """
    fam = table.groupby(["family", by], sort=False).agg(count=("count", "sum"), words=("words", "first"))
    fam["rate"] = fam["count"] / fam["words"].where(fam["words"] > 0) * 1e4
    grid = fam["rate"].unstack(by)
    if families is not None:
        grid = grid.reindex(list(families))
    ax = _axes(ax, len(grid), width=max(6.0, 1.1 * grid.shape[1] + 3))
    values = grid.to_numpy(dtype=float)
    image = ax.imshow(values, aspect="auto", cmap="Blues")
    ax.set_xticks(range(grid.shape[1]), grid.columns, rotation=30, ha="right")
    ax.set_yticks(range(grid.shape[0]), [_family_label(f, lexicon) for f in grid.index])
    top = np.nanmax(values) if np.isfinite(values).any() else 0
    for (i, j), v in np.ndenumerate(values):
        if np.isfinite(v):
            ax.text(j, i, f"{v:.1f}", ha="center", va="center", fontsize=8, color="white" if v > top * 0.6 else "black")
    ax.figure.colorbar(image, ax=ax, label="mentions per 10,000 words")
    ax.set_xlabel(by)
    ax.set_ylabel("term family")
    ax.set_title("How often each family is mentioned, per 10,000 words of body text")
    return ax


@_plain_labels
def voice_breakdown(
    hits: pd.DataFrame,
    family: str,
    *,
    by: str = "outlet",
    variant: str | None = None,
    min_hits: int = 10,
    lexicon=None,
    ax: Axes | None = None,
) -> Axes:
    """Stacked horizontal bars: the share of a family's hits in each voice, per group.

    `hits` comes from :func:`framing.find_terms` (body hits only are used). Pass `variant` to look
    at one variant, e.g. whether "special military operation" appears in the outlet's own voice.

    Examples
    --------
    >>> h = pd.DataFrame({"outlet": ["A", "A", "B"], "family": ["war_name"] * 3,
    ...     "variant": ["invasion"] * 3, "voice": ["own", "quoted", "own"], "in_title": [False] * 3})
    >>> voice_breakdown(h, "war_name").get_xlabel()
    'share of hits (headlines left out)'
    """
    h = hits[(hits["family"] == family) & ~hits["in_title"]]
    if "off_topic" in h.columns:  # another referent or an idiom (framing.find_terms): not this family's use
        h = h[~h["off_topic"].astype(bool)]
    if variant is not None:
        h = h[h["variant"] == variant]
    counts = pd.crosstab(h[by], h["voice"]).reindex(columns=list(VOICES), fill_value=0)
    ax = _axes(ax, len(counts))
    what = f'"{variant}"' if variant else _family_label(family, lexicon)
    if counts.empty:
        ax.set_title(f"{what}: no hits")
        ax.set_axis_off()
        return ax
    totals = counts.sum(axis=1)
    shares = counts.div(totals, axis=0)
    y = np.arange(len(counts))[::-1]
    left = np.zeros(len(counts))
    small = (totals < min_hits).to_numpy()
    for voice in VOICES:
        colors = [(*plt.matplotlib.colors.to_rgb(_VOICE_COLORS[voice]), 0.35 if s else 1.0) for s in small]
        ax.barh(y, shares[voice], left=left, color=colors, label=voice, edgecolor="white", height=0.7)
        left += shares[voice].to_numpy()
    ax.set_yticks(y, [f"{_group_label(g, s)}\n{_count(int(n), 'hit')}" for g, s, n in zip(counts.index, small, totals)])
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(plt.matplotlib.ticker.PercentFormatter(1.0))
    ax.set_xlabel("share of hits (headlines left out)")
    ax.set_title(f"In whose voice? {what}, by {by}")
    pale = [(f"pale: small sample\n(< {min_hits} hits)", (0.5, 0.5, 0.5, 0.35))] if small.any() else []
    _legend(ax, [(v, _VOICE_COLORS[v]) for v in VOICES] + pale, "voice")
    return ax


#: Beyond this many groups, a time plot becomes small multiples (one panel a group) instead of a tangle.
MAX_LINES = 6
_MARKERS = "osD^vP"


def _when(t: pd.DataFrame) -> pd.Series:
    """The x position of each period: its midpoint (``period_mid``) when known, naive UTC."""
    x = pd.to_datetime(t["period_mid"] if "period_mid" in t else t["period_start"])
    return x.dt.tz_convert(None) if getattr(x.dt, "tz", None) else x


def _events(ax: Axes, events: pd.DataFrame | None) -> None:
    if events is None or not len(events):
        return
    lo, hi = ax.get_xlim()
    for date, label in zip(pd.to_datetime(events["date"]).dt.tz_localize(None), events["label"]):
        xd = plt.matplotlib.dates.date2num(date)
        if lo <= xd <= hi:
            ax.axvline(date, color="grey", linestyle="--", linewidth=0.8)
            ax.annotate(label, (date, 1.0), xytext=(2, -2), textcoords="offset points",
                        rotation=90, va="top", fontsize=7, color="dimgrey")
    ax.set_xlim(lo, hi)


def _dates(ax: Axes) -> None:
    locator = plt.matplotlib.dates.AutoDateLocator(maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(plt.matplotlib.dates.ConciseDateFormatter(locator))
    ax.set_ylim(-0.04, 1.04)


@_plain_labels
def preference_over_time(
    table: pd.DataFrame,
    *,
    by: str | None = "outlet",
    events: pd.DataFrame | None = None,
    ax: Axes | None = None,
) -> Axes:
    """One variant's share of its family over time per group, with 95% bands and marked events.

    `table` comes from :func:`framing.preference_over_time`; `events` (``date``, ``label``) from
    ``load_lexicon().events_for(family)``. Each point sits at the middle of its period. Periods
    flagged ``small_sample`` are hollow. Up to :data:`MAX_LINES` groups share one panel (each with
    its own marker, nudged sideways so that equal values stay visible); more groups become small
    multiples, one panel each with the same axes (without `ax`; the first panel is returned).

    Examples
    --------
    >>> t = pd.DataFrame({"outlet": ["A", "A"], "period_start": pd.to_datetime(["2022-01-01", "2022-04-01"]),
    ...     "variant": ["Kyiv"] * 2, "share": [0.2, 0.8], "share_lo": [0.1, 0.6], "share_hi": [0.3, 0.9],
    ...     "small_sample": [False, True]})
    >>> preference_over_time(t).get_ylabel()
    'share of "Kyiv" in its family'
    """
    variant = str(table["variant"].iloc[0]) if len(table) else "variant"
    groups = list(dict.fromkeys(table[by])) if by else [None]
    title = f'Preference for "{variant}" over time' + (f", by {by}" if by else "")
    ylabel = f'share of "{variant}" in its family'
    xlabel = "middle of each period (hollow marker: small sample)"
    if ax is None and len(groups) > MAX_LINES:
        cols = 3
        rows = -(-len(groups) // cols)
        fig, axes = plt.subplots(rows, cols, figsize=(10.0, 2.2 * rows + 0.8), sharex=True, sharey=True,
                                 layout="constrained", squeeze=False)
        for k, g in enumerate(groups):
            each = axes.flat[k]
            _lines(each, table[table[by] == g], _PALETTE[0], "o", pd.Timedelta(0))
            each.set_title(str(g), fontsize=9)
            _events(each, events)
            _dates(each)
        for each in list(axes.flat)[len(groups):]:
            each.set_axis_off()
        fig.suptitle(title)
        fig.supylabel(ylabel)
        fig.supxlabel(xlabel)
        first = axes.flat[0]
        first.set_ylabel(ylabel)
        first.set_xlabel(xlabel)
        return first
    ax = _axes(ax, 8, width=9.0)
    x_all = _when(table) if len(table) else pd.Series(dtype="datetime64[ns]")
    spread = (x_all.max() - x_all.min()) if len(x_all) > 1 else pd.Timedelta(days=30)
    for k, g in enumerate(groups):
        t = table if g is None else table[table[by] == g]
        nudge = (k - (len(groups) - 1) / 2) * spread * 0.006 if len(groups) > 1 else pd.Timedelta(0)
        _lines(ax, t, _PALETTE[k % 10], _MARKERS[k % len(_MARKERS)], nudge, label=str(g) if g is not None else "all")
    if len(table):  # from the first period's start, so an event on the corpus's first day shows
        ax.set_xlim(left=plt.matplotlib.dates.date2num(_when(table.assign(period_mid=table["period_start"])).min()))
    _events(ax, events)
    _dates(ax)
    ax.set_ylabel(ylabel)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    if by:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    return ax


def _lines(ax: Axes, t: pd.DataFrame, color, marker: str, nudge, label: str | None = None) -> None:
    x = _when(t) + nudge
    ax.plot(x, t["share"], color=color, label=label, linewidth=1.5, marker=marker, markersize=5)
    ax.fill_between(x, t["share_lo"], t["share_hi"], color=color, alpha=0.12, linewidth=0)
    small = t["small_sample"].to_numpy(bool)
    ax.scatter(x[small], t["share"][small], facecolors="white", edgecolors=[color], s=22, zorder=3, marker=marker)


@_plain_labels
def keyness_bars(
    table: pd.DataFrame, *, n: int = 15, target: str = "target", reference: str = "reference", ax: Axes | None = None
) -> Axes:
    """Horizontal bars of the most distinctive terms on both sides, as quanteda's ``textplot_keyness``.

    `table` comes from :func:`framing.keyness` with one target. The top `n` terms of the target
    (statistic > 0) and of the reference (statistic < 0) are drawn; terms used by only one or two
    target articles (``few_docs``) are hatched.

    Examples
    --------
    >>> t = pd.DataFrame({"term": ["kiev", "kyiv"], "statistic": [4.0, -3.0], "few_docs": [False, False]})
    >>> keyness_bars(t, target="RT", reference="BBC").get_title()
    'Distinctive terms: RT vs BBC'
    """
    ordered = table.sort_values("statistic", ascending=False)
    top = ordered[ordered["statistic"] > 0].head(n)
    bottom = ordered[ordered["statistic"] < 0].tail(n)
    shown = pd.concat([top, bottom])
    ax = _axes(ax, len(shown), width=8.0)
    y = np.arange(len(shown))[::-1]
    colors = [_PALETTE[0] if s > 0 else _PALETTE[7] for s in shown["statistic"]]
    few = shown.get("few_docs", pd.Series(False, index=shown.index))
    hatches = ["//" if f and v > 0 else "" for f, v in zip(few, shown["statistic"])]
    bars = ax.barh(y, shown["statistic"], color=colors, height=0.75)
    for bar, hatch in zip(bars, hatches):
        bar.set_hatch(hatch)
    for yy, (term, value) in zip(y, zip(shown["term"], shown["statistic"])):
        ax.text(value, yy, f" {term} " if value > 0 else f" {term} ", va="center",
                ha="left" if value > 0 else "right", fontsize=8)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks([])
    stat = "statistic" if "delta" not in shown else "z-score of the log-odds ratio"
    ax.set_xlabel(f"{stat}\nright: used more by {target}; left: used more by {reference}; hatched: in ≤ 2 articles")
    ax.set_title(f"Distinctive terms: {target} vs {reference}")
    lo, hi = ax.get_xlim()
    pad = (hi - lo) * 0.25
    ax.set_xlim(lo - pad, hi + pad)
    return ax


@_plain_labels
def speaker_share(table: pd.DataFrame, *, by: str = "outlet", value: str = "share_quotes", ax: Axes | None = None) -> Axes:
    """Stacked horizontal bars: who is quoted, as a share of each group's quotations.

    `table` comes from :func:`framing.speaker_share`; `value` is ``share_quotes`` or ``share_words``.

    Examples
    --------
    >>> t = pd.DataFrame({"outlet": ["A", "A"], "speaker_group": ["Russia", "Ukraine"],
    ...     "n_quotes": [3, 1], "share_quotes": [0.75, 0.25]})
    >>> speaker_share(t).get_xlabel()
    'share of quotations'
    """
    grid = table.pivot_table(index=by, columns="speaker_group", values=value, fill_value=0, aggfunc="sum")
    order = table.groupby("speaker_group")["n_quotes"].sum().sort_values(ascending=False).index
    grid = grid.reindex(columns=[c for c in order if c in grid.columns])
    totals = table.groupby(by)["n_quotes"].sum()
    ax = _axes(ax, len(grid))
    y = np.arange(len(grid))[::-1]
    left = np.zeros(len(grid))
    cmap = plt.get_cmap("tab20")
    for k, group in enumerate(grid.columns):
        color = {"(unattributed)": "#cccccc", "(other named)": "#999999"}.get(group, cmap(k % 20))
        ax.barh(y, grid[group], left=left, color=color, edgecolor="white", height=0.7, label=group)
        left += grid[group].to_numpy()
    ax.set_yticks(y, [f"{g}\n{_count(int(totals.get(g, 0)), 'quotation')}" for g in grid.index])
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of quotations" if value == "share_quotes" else "share of quoted words")
    ax.set_title(f"Who is quoted, by {by}")
    ax.legend(title="speaker group", loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=8)
    return ax


@_plain_labels
def verb_profile(
    table: pd.DataFrame, *, by: str = "outlet", speaker_group: str | None = None, top: int = 8, ax: Axes | None = None
) -> Axes:
    """Heatmap of attribution verbs (share within each group), values printed, for one speaker group.

    `table` comes from :func:`framing.attribution_verbs`. Cells with ``|log_odds_z| ≥ 1.96`` are
    outlined: that group uses the verb for these speakers more (or less) than the others.

    Examples
    --------
    >>> t = pd.DataFrame({"outlet": ["A", "B"], "speaker_group": ["Russia"] * 2, "verb": ["claimed", "said"],
    ...     "count": [3, 4], "share": [1.0, 1.0], "log_odds_z": [2.5, -2.5]})
    >>> verb_profile(t, speaker_group="Russia").get_title()
    'How quotations of Russia are introduced, by outlet'
    """
    t = table if speaker_group is None else table[table["speaker_group"] == speaker_group]
    verbs = t.groupby("verb")["count"].sum().sort_values(ascending=False).head(top).index
    t = t[t["verb"].isin(verbs)]
    share = t.pivot_table(index=by, columns="verb", values="share", fill_value=0, aggfunc="sum").reindex(columns=verbs)
    z = t.pivot_table(index=by, columns="verb", values="log_odds_z", aggfunc="first").reindex(
        index=share.index, columns=verbs)
    ax = _axes(ax, len(share), width=max(6.0, 0.9 * len(verbs) + 3))
    image = ax.imshow(share.to_numpy(float), aspect="auto", cmap="Purples", vmin=0, vmax=1)
    for (i, j), v in np.ndenumerate(share.to_numpy(float)):
        ax.text(j, i, f"{v:.0%}", ha="center", va="center", fontsize=8, color="white" if v > 0.6 else "black")
        zz = z.to_numpy(float)[i, j]
        if np.isfinite(zz) and abs(zz) >= 1.96:
            ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="black", linewidth=1.5))
    ax.set_xticks(range(len(verbs)), verbs, rotation=30, ha="right")
    ax.set_yticks(range(len(share)), share.index)
    ax.figure.colorbar(image, ax=ax, label="share of the group's attributed quotations")
    ax.set_xlabel("attribution verb (outlined: |log-odds z| ≥ 1.96 against the other groups)")
    who = speaker_group or "all speakers"
    ax.set_title(f"How quotations of {who} are introduced, by {by}")
    return ax


@_plain_labels
def similarity_heatmap(similarity: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Clustered heatmap of group similarity (from :func:`framing.outlet_similarity`).

    Rows and columns are reordered by average-linkage hierarchical clustering on 1 − similarity
    (``scipy.cluster.hierarchy``), so outlets with similar vocabularies sit together.

    Examples
    --------
    >>> s = pd.DataFrame([[1, .2, .8], [.2, 1, .1], [.8, .1, 1]], index=list("ABC"), columns=list("ABC"))
    >>> [t.get_text() for t in similarity_heatmap(s).get_xticklabels()]
    ['B', 'A', 'C']
    """
    from scipy.cluster.hierarchy import leaves_list, linkage
    from scipy.spatial.distance import squareform

    values = similarity.to_numpy(float)
    if values.size == 0 or np.isnan(values).all():
        ax = _axes(ax, 1)
        ax.set_title("No shared vocabulary to compare")
        ax.set_axis_off()
        return ax
    if len(values) > 2:
        distance = np.clip(1 - values, 0, None)
        np.fill_diagonal(distance, 0)
        order = leaves_list(linkage(squareform(distance, checks=False), method="average"))
    else:
        order = np.arange(len(values))
    ordered = similarity.iloc[order, order]
    ax = _axes(ax, len(ordered), width=max(6.0, 0.8 * len(ordered) + 3))
    image = ax.imshow(ordered.to_numpy(float), cmap="viridis", vmin=0, vmax=1)
    for (i, j), v in np.ndenumerate(ordered.to_numpy(float)):
        ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7, color="white" if v < 0.6 else "black")
    ax.set_xticks(range(len(ordered)), ordered.columns, rotation=30, ha="right")
    ax.set_yticks(range(len(ordered)), ordered.index)
    ax.figure.colorbar(image, ax=ax, label="cosine similarity of TF-IDF vocabularies")
    ax.set_title("How alike the vocabularies are (clustered)")
    return ax


@_plain_labels
def articles_over_time(articles: pd.DataFrame, *, by: str = "outlet", freq: str = "month", ax: Axes | None = None) -> Axes:
    """Stacked bars: articles per period and group; undated articles are counted in the title.

    `freq` is ``year``, ``quarter``, ``month`` (default) or ``week``, as everywhere in framing (a
    pandas alias such as ``"Q"`` is read as its period too).

    Examples
    --------
    >>> a = pd.DataFrame({"outlet": ["A", "B"], "published": pd.to_datetime(["2022-03-01", "2022-04-02"], utc=True)})
    >>> articles_over_time(a).get_ylabel()
    'articles'
    """
    if freq not in PERIODS and freq not in PERIODS.values():
        raise ValueError(f"freq={freq!r}: use one of {', '.join(PERIODS)}")
    freq = PERIODS.get(freq, freq)
    dated = articles[articles["published"].notna()]
    periods = dated["published"].dt.tz_convert(None).dt.to_period(freq)
    counts = pd.crosstab(periods, dated[by]).sort_index()
    ax = _axes(ax, 6, width=9.0)
    if counts.empty:
        ax.set_title("No dated articles")
        ax.set_axis_off()
        return ax
    full = pd.period_range(counts.index.min(), counts.index.max(), freq=freq)
    counts = counts.reindex(full, fill_value=0)
    x = np.arange(len(counts))
    bottom = np.zeros(len(counts))
    for k, group in enumerate(counts.columns):
        ax.bar(x, counts[group], bottom=bottom, color=_PALETTE[k % 10], label=str(group), width=0.85)
        bottom += counts[group].to_numpy()
    step = max(1, len(x) // 12)
    ax.set_xticks(x[::step], [str(p) for p in counts.index[::step]], rotation=30, ha="right")
    ax.set_ylabel("articles")
    ax.set_xlabel("period")
    undated = int(articles["published"].isna().sum())
    ax.set_title(f"Articles per period, by {by}" + (f" ({undated} undated not shown)" if undated else ""))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=8)
    return ax
