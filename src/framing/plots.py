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
    "plain", "variant_share", "rate_heatmap", "voice_breakdown", "preference_over_time",
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


@_plain_labels
def variant_share(
    table: pd.DataFrame, family: str, *, by: str | Sequence[str] = "outlet", ax: Axes | None = None
) -> Axes:
    """Stacked horizontal bars: each variant's share of the family, per group, with 95% intervals.

    `table` comes from :func:`framing.compare`. Each whisker is the interval of that variant's own
    share, drawn from the start of its segment. Groups flagged ``small_sample`` are drawn pale and
    say so in their label.

    Examples
    --------
    >>> t = pd.DataFrame({"outlet": ["A", "A"], "family": ["kyiv"] * 2, "variant": ["Kyiv", "Kiev"],
    ...     "share": [0.75, 0.25], "share_lo": [0.5, 0.1], "share_hi": [0.9, 0.5],
    ...     "family_count": [40, 40], "small_sample": [False, False]})
    >>> variant_share(t, "kyiv").get_title()
    'kyiv: share of each variant, by outlet'
    """
    keys = [by] if isinstance(by, str) else list(by)
    t = table[table["family"] == family]
    t = t[t["family_count"] > 0]
    used = t.groupby("variant", sort=False)["share"].max()
    variants = [v for v in dict.fromkeys(t["variant"]) if used.get(v, 0) > 0]
    groups = list(dict.fromkeys(map(tuple, t[keys].astype(str).to_numpy())))
    ax = _axes(ax, len(groups))
    if t.empty:
        ax.set_title(f"{family}: no hits")
        ax.set_axis_off()
        return ax
    indexed = t.assign(_g=list(map(tuple, t[keys].astype(str).to_numpy()))).set_index(["_g", "variant"])
    y = np.arange(len(groups))[::-1]
    left = np.zeros(len(groups))
    small = [bool(indexed.loc[(g, variants[0]), "small_sample"]) for g in groups]
    for k, variant in enumerate(variants):
        share = np.array([indexed.loc[(g, variant), "share"] for g in groups], dtype=float)
        lo = np.array([indexed.loc[(g, variant), "share_lo"] for g in groups], dtype=float)
        hi = np.array([indexed.loc[(g, variant), "share_hi"] for g in groups], dtype=float)
        colors = [(*_PALETTE[k % 10], 0.35 if s else 1.0) for s in small]
        ax.barh(y, share, left=left, color=colors, edgecolor="white", label=variant, height=0.7)
        ok = share > 0
        ax.errorbar(left[ok] + share[ok], y[ok] + 0.2, xerr=[share[ok] - lo[ok], hi[ok] - share[ok]],
                    fmt="none", ecolor="black", elinewidth=1, capsize=2)
        left += np.nan_to_num(share)
    counts = [int(indexed.loc[(g, variants[0]), "family_count"]) for g in groups]
    ax.set_yticks(y, [f"{_group_label(g if len(g) > 1 else g[0], s)}  n={n}" for g, s, n in zip(groups, small, counts)])
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of the family's hits (whisker: 95% interval of that variant's share)")
    ax.set_title(f"{family}: share of each variant, by {' × '.join(keys)}")
    _legend(ax, [(v, _PALETTE[k % 10]) for k, v in enumerate(variants)], "variant")
    return ax


@_plain_labels
def rate_heatmap(
    table: pd.DataFrame, *, by: str = "outlet", families: Sequence[str] | None = None, ax: Axes | None = None
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
    ax.set_yticks(range(grid.shape[0]), grid.index)
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
    'share of hits'
    """
    h = hits[(hits["family"] == family) & ~hits["in_title"]]
    if variant is not None:
        h = h[h["variant"] == variant]
    counts = pd.crosstab(h[by], h["voice"]).reindex(columns=list(VOICES), fill_value=0)
    ax = _axes(ax, len(counts))
    what = f"{family}: {variant}" if variant else family
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
    ax.set_yticks(y, [f"{_group_label(g, s)}  n={n}" for g, s, n in zip(counts.index, small, totals)])
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of hits")
    ax.set_title(f"In whose voice? {what}, by {by}")
    _legend(ax, [(v, _VOICE_COLORS[v]) for v in VOICES], "voice")
    return ax


@_plain_labels
def preference_over_time(
    table: pd.DataFrame,
    *,
    by: str | None = "outlet",
    events: pd.DataFrame | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Lines of one variant's share over time per group, with 95% bands and marked events.

    `table` comes from :func:`framing.preference_over_time`; `events` (``date``, ``label``) from
    ``load_lexicon().events_for(family)``. Periods flagged ``small_sample`` are drawn as hollow
    markers.

    Examples
    --------
    >>> t = pd.DataFrame({"outlet": ["A", "A"], "period_start": pd.to_datetime(["2022-01-01", "2022-04-01"]),
    ...     "variant": ["Kyiv"] * 2, "share": [0.2, 0.8], "share_lo": [0.1, 0.6], "share_hi": [0.3, 0.9],
    ...     "small_sample": [False, True]})
    >>> preference_over_time(t).get_ylabel()
    'share of "Kyiv" in its family'
    """
    ax = _axes(ax, 8, width=9.0)
    variant = str(table["variant"].iloc[0]) if len(table) else "variant"
    groups = list(dict.fromkeys(table[by])) if by else [None]
    for k, g in enumerate(groups):
        t = table if g is None else table[table[by] == g]
        x = pd.to_datetime(t["period_start"]).dt.tz_localize(None) if getattr(t["period_start"].dt, "tz", None) else t["period_start"]
        color = _PALETTE[k % 10]
        ax.plot(x, t["share"], color=color, label=str(g) if g is not None else "all", linewidth=1.5)
        ax.fill_between(x, t["share_lo"], t["share_hi"], color=color, alpha=0.15, linewidth=0)
        small = t["small_sample"].to_numpy(bool)
        ax.scatter(x[~small], t["share"][~small], color=color, s=18, zorder=3)
        ax.scatter(x[small], t["share"][small], facecolors="white", edgecolors=[color], s=18, zorder=3)
    if events is not None and len(events):
        lo, hi = ax.get_xlim()
        for date, label in zip(pd.to_datetime(events["date"]).dt.tz_localize(None), events["label"]):
            xd = plt.matplotlib.dates.date2num(date)
            if lo <= xd <= hi:
                ax.axvline(date, color="grey", linestyle="--", linewidth=0.8)
                ax.annotate(label, (date, 1.0), xytext=(2, -2), textcoords="offset points",
                            rotation=90, va="top", fontsize=7, color="dimgrey")
        ax.set_xlim(lo, hi)
    locator = plt.matplotlib.dates.AutoDateLocator(maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(plt.matplotlib.dates.ConciseDateFormatter(locator))
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel(f'share of "{variant}" in its family')
    ax.set_xlabel("period (hollow marker: small sample)")
    ax.set_title(f'Preference for "{variant}" over time' + (f", by {by}" if by else ""))
    if by:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    return ax


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
    ax.set_xlabel(f"{stat} (right: {target} uses more; left: {reference} uses more; hatched: ≤ 2 articles)")
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
    ax.set_yticks(y, [f"{g}  n={totals.get(g, 0)}" for g in grid.index])
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
