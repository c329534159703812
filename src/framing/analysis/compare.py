"""Per-group comparisons of the hits table: rates, variant shares with intervals, tests.

Groups come from any column of the articles table (``outlet``, ``wire``, ``language`` …), from the
outlets file (``affiliation``, ``country``) or from the publication date (``year``, ``quarter``,
``month``, ``week``). Undated articles drop out of date groupings.
"""

from __future__ import annotations

import warnings
from typing import Literal, Sequence

import numpy as np
import pandas as pd

from .._progress import bar
from ..knowledge.outlets import load_outlets
from ..schema import PERIODS
from .lexicon import Lexicon, load_lexicon
from .stats import benjamini_hochberg, bootstrap_shares, independence_test

__all__ = ["compare", "preference_over_time", "independence", "test_independence", "group_keys"]

_OUTLET_FIELDS = ("affiliation", "country")
_NONE = "(none)"


def _as_list(by: str | Sequence[str]) -> list[str]:
    return [by] if isinstance(by, str) else list(by)


def group_keys(table: pd.DataFrame, by: str | Sequence[str], *, outlets=None) -> pd.DataFrame:
    """The grouping columns `by` for each row of `table` (articles or hits), as strings.

    ``year``/``quarter``/``month``/``week`` come from ``published`` (UTC), ``affiliation`` and
    ``country`` from the outlets file; missing values read ``(none)``, except dates, which stay
    missing so that undated rows drop out.

    Examples
    --------
    >>> t = pd.DataFrame({"outlet": ["A"], "published": [pd.Timestamp("2022-03-05", tz="UTC")]})
    >>> group_keys(t, ["outlet", "month"]).values.tolist()
    [['A', '2022-03']]
    """
    out = pd.DataFrame(index=table.index)
    book = None
    for key in _as_list(by):
        if key in PERIODS:
            when = pd.to_datetime(table["published"], utc=True).dt.tz_convert(None)
            out[key] = when.dt.to_period(PERIODS[key]).astype("string").where(when.notna())
        elif key in table.columns:
            out[key] = table[key].astype("string").fillna(_NONE)
        elif key in _OUTLET_FIELDS:
            book = book or load_outlets(*([outlets] if outlets is not None else []))
            values = {o: getattr(book.by_name(o), key, None) for o in table["outlet"].dropna().unique()}
            out[key] = table["outlet"].map(values).astype("string").fillna(_NONE)
        else:
            known = sorted(set(table.columns) | set(PERIODS) | set(_OUTLET_FIELDS))
            raise KeyError(f"cannot group by {key!r}: not a column; choose from {known}")
    return out


def _filter_hits(hits, voice, titles) -> pd.DataFrame:
    if not titles:
        hits = hits[~hits["in_title"]]
    if voice is not None:
        hits = hits[hits["voice"].isin([voice] if isinstance(voice, str) else list(voice))]
    return hits


def _variant_order(hits: pd.DataFrame, lexicon: Lexicon | None) -> list[tuple[str, str]]:
    pairs = list(dict.fromkeys(zip(hits["family"], hits["variant"])))
    if lexicon is None:
        return pairs
    in_hits = {f for f, _ in pairs}
    ordered = [(f.name, v.name) for f in lexicon.families if f.name in in_hits for v in f.variants]
    return ordered + [p for p in pairs if p not in set(ordered)]


def _orientations(hits: pd.DataFrame, lexicon: Lexicon | None) -> dict:
    out = dict(zip(zip(hits["family"], hits["variant"]), hits["orientation"]))
    if lexicon is not None:
        out.update({(f.name, v.name): v.orientation for f in lexicon.families for v in f.variants})
    return out


def compare(
    hits: pd.DataFrame,
    articles: pd.DataFrame,
    by: str | Sequence[str] = "outlet",
    voice: str | Sequence[str] | None = None,
    *,
    lexicon: Lexicon | str | dict | None = None,
    titles: bool = False,
    dedupe: bool = False,
    min_hits: int = 10,
    min_articles: int = 5,
    n_boot: int = 2000,
    level: float = 0.95,
    seed: int = 0,
    outlets=None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Counts, rates and variant shares for every family × variant × group.

    Parameters
    ----------
    hits, articles : DataFrame
        From :func:`framing.find_terms` and :func:`framing.load`.
    by : str or list of str
        Any articles column (``outlet``, ``wire`` …), ``affiliation``/``country`` from the outlets
        file, or ``year``/``quarter``/``month``/``week``.
    voice : str or list, optional
        Count only hits in these voices (``own``, ``quoted``, ``distanced``); None counts all.
    lexicon : optional
        Orders variants as in the lexicon and lists variants with no hits (count 0).
    titles : bool
        Count headline hits too. Off by default: rates are per 10,000 words of *body* text.
    dedupe : bool
        Leave out articles whose ``duplicate_of`` is set (reprints of the same copy).
    min_hits, min_articles : int
        A group whose family has fewer hits, or fewer articles using it, is flagged
        ``small_sample``: its share is shown but should not be read as a finding.
    n_boot, level, seed :
        The share interval is a percentile cluster bootstrap that resamples *articles* (not hits)
        `n_boot` times with a seeded generator, so reruns give the same numbers (``n_boot=0``:
        no intervals, ``share_lo``/``share_hi`` are missing).
    progress : bool, optional
        A progress bar over the bootstrap's groups (default: only when standard error is a terminal).

    Returns
    -------
    DataFrame
        One row per group × family × variant: the `by` columns, ``family, variant, orientation,
        count, n_articles, words, rate_per_10k, family_count, family_articles, share, share_lo,
        share_hi, small_sample``. ``share`` is the variant's share of its family's hits in the
        group (NaN when the family has no hit there).

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", "Y"], "n_words": [100, 200],
    ...     "published": [pd.NaT, pd.NaT], "title": ["", ""], "duplicate_of": [None, None],
    ...     "text": ["Kyiv and Kyiv and Kiev.", "Kiev, Kiev."]})
    >>> from framing import find_terms
    >>> t = compare(find_terms(arts), arts, min_hits=1, min_articles=1)
    >>> t[["outlet", "variant", "count", "share", "rate_per_10k"]].values.tolist()
    [['X', 'Kyiv', 2, 0.6666666666666666, 200.0], ['X', 'Kiev', 1, 0.3333333333333333, 100.0], ['Y', 'Kyiv', 0, 0.0, 0.0], ['Y', 'Kiev', 2, 1.0, 100.0]]
    """
    keys = _as_list(by)
    lex = load_lexicon(lexicon)
    arts = articles[articles["duplicate_of"].isna()] if dedupe else articles
    arts = arts.drop_duplicates("article_id")
    akeys = group_keys(arts, keys, outlets=outlets).assign(article_id=arts["article_id"], words=arts["n_words"])
    akeys = akeys.dropna(subset=keys)
    words = akeys.groupby(keys, sort=True)["words"].sum()

    order = _variant_order(hits, lex)
    orient = _orientations(hits, lex)
    h = _filter_hits(hits, voice, titles)
    h = h[["article_id", "family", "variant"]].merge(akeys[["article_id", *keys]], on="article_id")

    grid = pd.DataFrame(
        [(*g, f, v) for g in words.index.to_frame(index=False).itertuples(index=False) for f, v in order],
        columns=[*keys, "family", "variant"],
    )
    counts = h.groupby([*keys, "family", "variant"]).agg(count=("article_id", "size"), n_articles=("article_id", "nunique"))
    fam = h.groupby([*keys, "family"]).agg(family_count=("article_id", "size"), family_articles=("article_id", "nunique"))
    out = grid.merge(counts.reset_index(), how="left", on=[*keys, "family", "variant"])
    out = out.merge(fam.reset_index(), how="left", on=[*keys, "family"])
    for col in ("count", "n_articles", "family_count", "family_articles"):
        out[col] = out[col].fillna(0).astype("int64")
    out = out.merge(words.rename("words").reset_index(), on=keys)
    out["words"] = out["words"].astype("int64")
    out["rate_per_10k"] = np.where(out["words"] > 0, out["count"] / out["words"].where(out["words"] > 0) * 1e4, np.nan)
    out["share"] = out["count"] / out["family_count"].where(out["family_count"] > 0)
    out["orientation"] = [orient.get((f, v)) for f, v in zip(out["family"], out["variant"])]
    out = _add_intervals(out, h, keys, order, n_boot=n_boot, level=level, seed=seed, progress=progress)
    out["small_sample"] = (out["family_count"] < min_hits) | (out["family_articles"] < min_articles)
    rank = {p: i for i, p in enumerate(order)}
    out["_rank"] = [rank[(f, v)] for f, v in zip(out["family"], out["variant"])]
    out = out.sort_values([*keys, "_rank"], kind="stable", ignore_index=True)
    cols = [*keys, "family", "variant", "orientation", "count", "n_articles", "words", "rate_per_10k",
            "family_count", "family_articles", "share", "share_lo", "share_hi", "small_sample"]
    return out[cols].astype({"family": "string", "variant": "string", "orientation": "string"})


def _add_intervals(out, h, keys, order, *, n_boot, level, seed, progress=None) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    lo = pd.Series(np.nan, index=out.index)
    hi = pd.Series(np.nan, index=out.index)
    position = {k: i for i, k in enumerate(zip(*(out[c] for c in [*keys, "family", "variant"])))}
    variants_of: dict[str, list[str]] = {}
    for f, v in order:
        variants_of.setdefault(f, []).append(v)
    per_article = h.groupby([*keys, "family", "article_id", "variant"]).size()
    if per_article.empty or n_boot < 1:  # n_boot=0: shares without intervals
        return out.assign(share_lo=lo, share_hi=hi)
    table = per_article.unstack("variant", fill_value=0)
    blocks = table.groupby(level=[*keys, "family"], sort=True)
    for group, block in bar(blocks, desc="compare: bootstrap", total=blocks.ngroups, unit=" groups", progress=progress):
        family = group[-1]
        names = variants_of[family]
        matrix = block.reindex(columns=names, fill_value=0).to_numpy()
        matrix = matrix[matrix.sum(axis=1) > 0]
        a, b = bootstrap_shares(matrix, n_boot=n_boot, level=level, rng=rng)
        for name, x, y in zip(names, a, b):
            i = position[(*group, name)]
            lo.iat[i], hi.iat[i] = x, y
    return out.assign(share_lo=lo, share_hi=hi)


def preference_over_time(
    hits: pd.DataFrame,
    articles: pd.DataFrame,
    family: str,
    variant: str | None = None,
    *,
    by: str | None = "outlet",
    freq: Literal["year", "quarter", "month", "week"] = "quarter",
    voice: str | Sequence[str] | None = None,
    lexicon: Lexicon | str | dict | None = None,
    **kwargs,
) -> pd.DataFrame:
    """The share of one variant within its family, per group and period, with intervals.

    Parameters
    ----------
    family : str
        The family id (``"kyiv"``).
    variant : str, optional
        The variant whose share is tracked; the family's first variant by default (``"Kyiv"``).
    by : str or None
        The grouping (``outlet`` by default); None pools all articles.
    freq : str
        ``year``, ``quarter``, ``month`` or ``week``.
    **kwargs
        Passed to :func:`compare` (``min_hits``, ``n_boot``, ``seed``, ``titles``, ``dedupe`` …).

    Returns
    -------
    DataFrame
        ``[by], period, period_start, period_mid (the middle of the part of the period the
        articles' dates cover, where a plot puts it),
        variant, count, family_count, family_articles, share,
        share_lo, share_hi, small_sample``. Mark events on a plot with
        ``load_lexicon().events_for(family)``.

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", "X"], "n_words": [10, 10],
    ...     "published": pd.to_datetime(["2019-01-05", "2020-02-01"], utc=True), "title": ["", ""],
    ...     "duplicate_of": [None, None], "text": ["Kiev", "Kyiv"]})
    >>> from framing import find_terms
    >>> t = preference_over_time(find_terms(arts), arts, "kyiv", freq="year")
    >>> t[["period", "share"]].values.tolist()
    [['2019', 0.0], ['2020', 1.0]]
    """
    lex = load_lexicon(lexicon)
    fam = lex.family(family) if family in {f.name for f in lex.families} else None
    if variant is None:
        if fam is None:
            raise KeyError(f"family {family!r} is not in the lexicon; pass variant= explicitly")
        variant = fam.variants[0].name
    keys = ([by] if by else []) + [freq]
    sub = hits[hits["family"] == family]
    table = compare(sub, articles, by=keys, voice=voice, lexicon=lex, **kwargs)
    table = table[(table["variant"] == variant)].rename(columns={freq: "period"})
    table = table[table["family_count"] > 0]
    periods = pd.PeriodIndex(table["period"].astype(str), freq=PERIODS[freq])
    starts, ends = periods.start_time, (periods + 1).start_time
    table["period_start"] = starts.tz_localize("UTC")
    # the middle of the part of the period the corpus covers: a quarter whose articles begin on
    # 24 February is drawn after that day, not at 15 February
    dated = pd.to_datetime(articles["published"], utc=True).dropna().dt.tz_convert(None)
    if len(dated):
        starts, ends = starts.where(starts > dated.min(), dated.min()), ends.where(ends < dated.max(), dated.max())
    table["period_mid"] = (starts + (ends - starts) / 2).tz_localize("UTC")
    cols = ([by] if by else []) + ["period", "period_start", "period_mid", "variant", "count", "family_count",
                                   "family_articles", "share", "share_lo", "share_hi", "small_sample"]
    return table[cols].sort_values(([by] if by else []) + ["period_start"], ignore_index=True)


def independence(
    hits: pd.DataFrame,
    by: str | Sequence[str] = "outlet",
    *,
    articles: pd.DataFrame | None = None,
    voice: str | Sequence[str] | None = None,
    families: Sequence[str] | None = None,
    unit: Literal["hit", "article"] = "hit",
    titles: bool = False,
    min_expected: float = 5.0,
    n_resamples: int = 9999,
    seed: int = 0,
    outlets=None,
) -> pd.DataFrame:
    """Is the choice of variant independent of the group? One test per family, BH-corrected.

    Parameters
    ----------
    by : str or list
        As in :func:`compare`. Keys that are not columns of `hits` need `articles`.
    unit : ``"hit"`` or ``"article"``
        ``hit`` counts occurrences (more power, but hits in one article are not independent);
        ``article`` counts each article once, under the variant it uses most (articles with a
        tie are left out and counted in ``tied_articles``). Prefer ``article`` when a few long
        articles dominate a group.
    min_expected : float
        Below this expected count, a 2 × 2 table gets Fisher's exact test and a larger one a
        seeded Monte-Carlo permutation test (`n_resamples`) instead of the chi² approximation.

    Returns
    -------
    DataFrame
        Per family: ``family, n, groups, variants, chi2, dof, min_expected, method, p, q,
        cramers_v, tied_articles``. ``q`` is the Benjamini–Hochberg adjusted p-value across the
        tested families; a family with fewer than two groups or variants is ``not testable``.

    Examples
    --------
    >>> hits = pd.DataFrame({"article_id": list("abcdefgh"), "outlet": list("XXXXYYYY"),
    ...     "family": ["kyiv"] * 8, "variant": ["Kyiv"] * 4 + ["Kiev"] * 4,
    ...     "voice": ["own"] * 8, "in_title": [False] * 8})
    >>> independence(hits)[["family", "method", "cramers_v"]].values.tolist()
    [['kyiv', 'fisher', 1.0]]
    """
    keys = _as_list(by)
    h = _filter_hits(hits, voice, titles)
    if families is not None:
        h = h[h["family"].isin(list(families))]
    if articles is not None and any(k not in h.columns for k in keys):
        arts = articles.drop_duplicates("article_id")
        by_article = group_keys(arts, keys, outlets=outlets).set_axis(arts["article_id"])
        groups = by_article.reindex(h["article_id"]).set_axis(h.index)
    else:
        groups = group_keys(h, keys, outlets=outlets)
    groups = groups.dropna()
    h = h.loc[groups.index].assign(_group=groups.astype(str).agg(" | ".join, axis=1) if len(groups) else "")
    rows = []
    for family, fh in h.groupby("family", sort=False):
        tied = 0
        if unit == "article":
            per = fh.groupby(["_group", "article_id", "variant"]).size().rename("n").reset_index()
            top = per.groupby("article_id")["n"].transform("max")
            best = per[per["n"] == top]
            n_best = best.groupby("article_id")["variant"].transform("size")
            tied = int(best.loc[n_best > 1, "article_id"].nunique())
            fh = best[n_best == 1]
        table = pd.crosstab(fh["_group"], fh["variant"])
        table = table.loc[table.sum(axis=1) > 0, table.sum(axis=0) > 0]
        row = {"family": family, "n": int(table.to_numpy().sum()), "groups": table.shape[0],
               "variants": table.shape[1], "tied_articles": tied}
        if min(table.shape) < 2:
            row.update(method="not testable", p=np.nan, chi2=np.nan, dof=np.nan, min_expected=np.nan, cramers_v=np.nan)
        else:
            row.update(independence_test(table.to_numpy(), min_expected=min_expected,
                                         n_resamples=n_resamples, seed=seed))
        rows.append(row)
    cols = ["family", "n", "groups", "variants", "chi2", "dof", "min_expected", "method", "p", "q",
            "cramers_v", "tied_articles"]
    out = pd.DataFrame(rows, columns=[c for c in cols if c != "q"])
    out["q"] = benjamini_hochberg(out["p"]) if len(out) else []
    return out[cols]


def test_independence(*args, **kwargs) -> pd.DataFrame:
    """Deprecated name of :func:`independence` (kept for one release; it read like a pytest test)."""
    warnings.warn("framing.test_independence is deprecated; use framing.independence", DeprecationWarning,
                  stacklevel=2)
    return independence(*args, **kwargs)


test_independence.__test__ = False  # not a pytest test, even when imported into a test module
