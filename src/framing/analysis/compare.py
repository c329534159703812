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
from ..schema import PERIODS
from .groups import _as_list, group_keys
from .lexicon import Lexicon, load_lexicon
from .stats import benjamini_hochberg, bootstrap_shares, independence_test

__all__ = ["compare", "preference_over_time", "independence", "test_independence", "group_keys"]

#: Columns of the hits table no count or test reads: left behind before a filter copies the table
#: (the context is most of its memory: 1.4 GB of 2.5 GB for 5.5 million hits).
_UNCOUNTED = ("context", "matched")


def _filter_hits(hits, voice, titles, off_topic: bool = False) -> pd.DataFrame:
    """The hits a count uses, as one copy of the columns it reads (one mask, not a copy per condition)."""
    keep = np.ones(len(hits), dtype=bool)
    if not off_topic and "off_topic" in hits.columns:  # another referent or an idiom: audited, not counted
        keep &= ~hits["off_topic"].astype(bool).to_numpy()
    if not titles:
        keep &= ~hits["in_title"].astype(bool).to_numpy()
    if voice is not None:
        keep &= hits["voice"].isin([voice] if isinstance(voice, str) else list(voice)).to_numpy()
    return hits.loc[keep, _counted_columns(hits)]


def _counted_columns(hits: pd.DataFrame) -> list[str]:
    return [c for c in hits.columns if c not in _UNCOUNTED]


def _variant_order(hits: pd.DataFrame, lexicon: Lexicon | None) -> list[tuple[str, str]]:
    first = hits[["family", "variant"]].drop_duplicates()  # in order of first use, without a loop over the hits
    pairs = list(zip(first["family"], first["variant"]))
    if lexicon is None:
        return pairs
    in_hits = {f for f, _ in pairs}
    ordered = [(f.name, v.name) for f in lexicon.families if f.name in in_hits for v in f.variants]
    return ordered + [p for p in pairs if p not in set(ordered)]


def _orientations(hits: pd.DataFrame, lexicon: Lexicon | None) -> dict:
    last = hits[["family", "variant", "orientation"]].drop_duplicates(["family", "variant"], keep="last")
    out = dict(zip(zip(last["family"], last["variant"]), last["orientation"]))
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
    off_topic: bool = False,
    dedupe: bool = False,
    min_hits: int = 10,
    min_articles: int = 5,
    n_boot: int = 2000,
    level: float = 0.95,
    seed: int = 0,
    outlets=None,
    progress: bool | None = None,
    within: Literal["story"] | None = None,
    stories: pd.DataFrame | None = None,
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
    off_topic : bool
        Count the hits :func:`framing.find_terms` marks ``off_topic`` too (inside a fixed
        expression the lexicon excludes, or without the context a variant ``requires``). Off by
        default: they name something else ("the Winter War").
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
    within : ``"story"``, optional
        Compare like with like: count a family's hits only in stories (see :func:`framing.stories`)
        where at least two of the groups use the family, so a group that covers other events does
        not look different for that reason alone. Reprints are left out (they speak with their
        origin's voice); rates are per 10,000 words of the articles in stories two or more groups
        cover; the interval resamples *stories* (a cluster bootstrap over stories, one draw for
        all groups); and two columns are added: ``n_stories`` (the group's shared stories using
        the family) and ``cmh_p``, the family's generalised Cochran–Mantel–Haenszel test across
        those stories (does the variant depend on the group within the same story?).
    stories : DataFrame, optional
        From :func:`framing.stories`; with ``within="story"``, used instead of an articles
        ``story_id`` column, and computed with default settings when neither is there.

    Returns
    -------
    DataFrame
        One row per group × family × variant: the `by` columns, ``family, variant, orientation,
        count, n_articles, words, rate_per_10k, family_count, family_articles, share, share_lo,
        share_hi, small_sample`` (and ``n_stories, cmh_p`` with ``within="story"``). ``share`` is
        the variant's share of its family's hits in the group (NaN when the family has no hit there).

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
    if within not in (None, "story"):
        raise ValueError(f"within must be None or 'story', not {within!r}")
    lex = load_lexicon(lexicon)
    arts = articles[articles["duplicate_of"].isna()] if (dedupe or within) else articles
    arts = arts.drop_duplicates("article_id")
    akeys = group_keys(arts, keys, outlets=outlets).assign(article_id=arts["article_id"], words=arts["n_words"])
    akeys = akeys.dropna(subset=keys)
    if within:
        akeys = akeys.assign(story_id=_story_ids(articles, stories).reindex(akeys["article_id"]).to_numpy())
        covered = akeys.assign(_g=_joined(akeys, keys)).groupby("story_id")["_g"].nunique()
        akeys = akeys[akeys["story_id"].isin(covered.index[covered > 1])]
    words = akeys.groupby(keys, sort=True)["words"].sum()

    order = _variant_order(hits, lex)
    orient = _orientations(hits, lex)
    h = _filter_hits(hits, voice, titles, off_topic)
    if within:
        h = _shared_story_hits(h, akeys[["article_id", *keys, "story_id"]], keys)
    else:
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
    if within:
        out = _story_statistics(out, h, keys, order, n_boot=n_boot, level=level, seed=seed)
    else:
        out = _add_intervals(out, h, keys, order, n_boot=n_boot, level=level, seed=seed, progress=progress)
    out["small_sample"] = (out["family_count"] < min_hits) | (out["family_articles"] < min_articles)
    rank = {p: i for i, p in enumerate(order)}
    out["_rank"] = [rank[(f, v)] for f, v in zip(out["family"], out["variant"])]
    out = out.sort_values([*keys, "_rank"], kind="stable", ignore_index=True)
    cols = [*keys, "family", "variant", "orientation", "count", "n_articles", "words", "rate_per_10k",
            "family_count", "family_articles", "share", "share_lo", "share_hi", "small_sample"]
    cols += ["n_stories", "cmh_p"] if within else []
    return out[cols].astype({"family": "string", "variant": "string", "orientation": "string"})


def _joined(table: pd.DataFrame, keys: list[str]) -> pd.Series:
    """One string per row naming its group (several `by` keys joined)."""
    if not len(table):
        return pd.Series(dtype=str)
    parts = table[keys].astype(str)
    label = parts.iloc[:, 0].astype(object)
    for column in parts.columns[1:]:  # column by column: a row-wise join costs seconds per 100k hits
        label = label + " | " + parts[column].astype(object)
    return label


def _story_ids(articles: pd.DataFrame, stories: pd.DataFrame | None) -> pd.Series:
    """article_id → story_id, from `stories`, the articles' own column, or :func:`stories` defaults."""
    if stories is None and "story_id" in articles.columns:
        table = articles
    elif stories is None:
        from .stories import stories as group_stories

        table = group_stories(articles)
    else:
        table = stories
    if "story_id" not in table.columns:
        raise KeyError("stories= needs a story_id column (the table framing.stories returns)")
    return table.drop_duplicates("article_id").set_index("article_id")["story_id"]


def _add_intervals(out, h, keys, order, *, n_boot, level, seed, progress=None) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    lo = pd.Series(np.nan, index=out.index)
    hi = pd.Series(np.nan, index=out.index)
    position = {k: i for i, k in enumerate(zip(*(out[c] for c in [*keys, "family", "variant"])))}
    variants_of = _variants_of(order)
    per_article = h.groupby([*keys, "family", "article_id", "variant"]).size()
    if per_article.empty or n_boot < 1:  # n_boot=0: shares without intervals
        return out.assign(share_lo=lo, share_hi=hi)
    # articles × variants per family (one table over every family's variants would be mostly zeros:
    # 2.7 GB at a million articles), then the groups in the order of (keys, family)
    blocks = {}
    for family, counts in per_article.groupby(level="family", sort=False):
        table = counts.droplevel("family").unstack("variant", fill_value=0)
        blocks.update({(*group, family): block for group, block in table.groupby(level=keys, sort=False)})
    for group in bar(sorted(blocks), desc="compare: bootstrap", unit=" groups", progress=progress):
        family = group[-1]
        names = variants_of[family]
        matrix = blocks.pop(group).reindex(columns=names, fill_value=0).to_numpy()
        matrix = matrix[matrix.sum(axis=1) > 0]
        a, b = bootstrap_shares(matrix, n_boot=n_boot, level=level, rng=rng)
        for name, x, y in zip(names, a, b):
            i = position[(*group, name)]
            lo.iat[i], hi.iat[i] = x, y
    return out.assign(share_lo=lo, share_hi=hi)


def _story_cubes(h: pd.DataFrame, keys: list[str], variants_of: dict[str, list[str]], groups: list[tuple]):
    """Per family: (family, variant names, stories × groups × variants counts) of story-keyed hits."""
    for family, fh in h.groupby("family", sort=True):
        names = variants_of.get(family) or list(dict.fromkeys(fh["variant"]))
        cube = (fh.groupby(["story_id", *keys, "variant"]).size().unstack("variant", fill_value=0)
                .reindex(columns=names, fill_value=0))
        stories_in = cube.index.get_level_values("story_id").unique()
        full = pd.MultiIndex.from_tuples([(s, *g) for s in stories_in for g in groups], names=["story_id", *keys])
        yield family, names, cube.reindex(full, fill_value=0).to_numpy().reshape(len(stories_in), len(groups), len(names))


def _variants_of(order) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f, v in order:
        out.setdefault(f, []).append(v)
    return out


def _story_statistics(out, h, keys, order, *, n_boot, level, seed) -> pd.DataFrame:
    """Story-clustered intervals, shared-story counts and the stratified test, per family."""
    from .stats import bootstrap_cluster_shares, cmh_test

    rng = np.random.default_rng(seed)
    out = out.assign(share_lo=np.nan, share_hi=np.nan, n_stories=0, cmh_p=np.nan)
    position = {k: i for i, k in enumerate(zip(*(out[c] for c in [*keys, "family", "variant"])))}
    groups = [tuple(g) for g in out[keys].drop_duplicates().itertuples(index=False, name=None)]
    column = {c: out.columns.get_loc(c) for c in ("n_stories", "cmh_p", "share_lo", "share_hi")}
    for family, names, counts in _story_cubes(h, keys, _variants_of(order), groups):
        p = cmh_test(counts)["p"]
        per_group = (counts.sum(axis=2) > 0).sum(axis=0)
        if n_boot >= 1:
            lo, hi = bootstrap_cluster_shares(counts, n_boot=n_boot, level=level, rng=rng)
        else:
            lo = hi = np.full((len(groups), len(names)), np.nan)
        for gi, g in enumerate(groups):
            for vi, name in enumerate(names):
                i = position.get((*g, family, name))
                if i is None:
                    continue
                out.iat[i, column["n_stories"]] = int(per_group[gi])
                out.iat[i, column["cmh_p"]] = p
                if per_group[gi]:
                    out.iat[i, column["share_lo"]], out.iat[i, column["share_hi"]] = lo[gi, vi], hi[gi, vi]
    return out


def _shared_story_hits(hits, akeys: pd.DataFrame, keys) -> pd.DataFrame:
    """Hits with their group keys and story (`akeys`: article_id, the keys, story_id), only where two
    or more groups use the family in the same story."""
    h = hits[["article_id", "family", "variant"]].merge(akeys, on="article_id").assign(_g=lambda t: _joined(t, keys))
    return h[h.groupby(["family", "story_id"])["_g"].transform("nunique") > 1].drop(columns="_g")


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
    sub = hits.loc[(hits["family"] == family).to_numpy(), _counted_columns(hits)]
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
    off_topic: bool = False,
    min_expected: float = 5.0,
    n_resamples: int = 9999,
    seed: int = 0,
    outlets=None,
    within: Literal["story"] | None = None,
    stories: pd.DataFrame | None = None,
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
    off_topic : bool
        Test the hits marked ``off_topic`` too (see :func:`compare`); off by default.
    min_expected : float
        Below this expected count, a 2 × 2 table gets Fisher's exact test and a larger one a
        seeded Monte-Carlo permutation test (`n_resamples`) instead of the chi² approximation.

    Returns
    -------
    DataFrame
        Per family: ``family, n, groups, variants, chi2, dof, min_expected, method, p, q,
        cramers_v, tied_articles``. ``q`` is the Benjamini–Hochberg adjusted p-value across the
        tested families; a family with fewer than two groups or variants is ``not testable``.
        With ``within="story"`` (needs `articles`; stories as in :func:`compare`), the test is the
        generalised Cochran–Mantel–Haenszel test across the stories where two or more groups use
        the family (``method`` ``cmh``): does the group predict the variant *within* a story? It
        adds ``stories`` (strata with two or more hits) and ``odds_ratio`` (Mantel–Haenszel, for
        two groups × two variants: the first group's odds of the alphabetically first variant over
        the second group's, groups in sorted order); ``chi2`` is the CMH statistic and ``cramers_v`` is NaN.

    Examples
    --------
    >>> hits = pd.DataFrame({"article_id": list("abcdefgh"), "outlet": list("XXXXYYYY"),
    ...     "family": ["kyiv"] * 8, "variant": ["Kyiv"] * 4 + ["Kiev"] * 4,
    ...     "voice": ["own"] * 8, "in_title": [False] * 8})
    >>> independence(hits)[["family", "method", "cramers_v"]].values.tolist()
    [['kyiv', 'fisher', 1.0]]
    """
    keys = _as_list(by)
    h = _filter_hits(hits, voice, titles, off_topic)
    if families is not None:
        h = h[h["family"].isin(list(families))]
    if within is not None:
        if within != "story" or articles is None:
            raise ValueError("within='story' is the one stratification, and it needs articles=")
        return _stratified(h, articles, keys, stories=stories, outlets=outlets)
    if articles is not None and any(k not in h.columns for k in keys):
        arts = articles.drop_duplicates("article_id")
        by_article = group_keys(arts, keys, outlets=outlets).set_axis(arts["article_id"])
        groups = by_article.reindex(h["article_id"]).set_axis(h.index)
    else:
        groups = group_keys(h, keys, outlets=outlets)
    groups = groups.dropna()
    h = h.loc[groups.index].assign(_group=_joined(groups, list(groups.columns)) if len(groups) else "")
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


def _stratified(h, articles, keys, *, stories, outlets) -> pd.DataFrame:
    from .stats import cmh_test

    arts = articles[articles["duplicate_of"].isna()].drop_duplicates("article_id")
    akeys = group_keys(arts, keys, outlets=outlets).assign(article_id=arts["article_id"]).dropna(subset=keys)
    akeys["story_id"] = _story_ids(articles, stories).reindex(akeys["article_id"]).to_numpy()
    h = _shared_story_hits(h, akeys, keys)
    groups = [tuple(g) for g in h[keys].drop_duplicates().sort_values(keys).itertuples(index=False, name=None)]
    rows = []
    variants = {f: sorted(set(v)) for f, v in h.groupby("family")["variant"]}  # a fixed order for the odds ratio
    for family, names, counts in _story_cubes(h, keys, variants, groups):
        used_g, used_v = counts.sum(axis=(0, 2)) > 0, counts.sum(axis=(0, 1)) > 0
        counts = counts[:, used_g][:, :, used_v]
        row = {"family": family, "n": int(counts.sum()), "groups": int(used_g.sum()), "variants": int(used_v.sum()),
               "min_expected": np.nan, "cramers_v": np.nan, "tied_articles": 0}
        test = cmh_test(counts)
        if min(counts.shape[1:]) < 2 or not test["dof"]:
            row.update(method="not testable", p=np.nan, chi2=np.nan, dof=np.nan, stories=test["strata"],
                       odds_ratio=np.nan)
        else:
            row.update(method="cmh", p=test["p"], chi2=test["statistic"], dof=test["dof"], stories=test["strata"],
                       odds_ratio=test["odds_ratio"])
        rows.append(row)
    cols = ["family", "n", "groups", "variants", "stories", "chi2", "dof", "min_expected", "method", "p", "q",
            "cramers_v", "odds_ratio", "tied_articles"]
    out = pd.DataFrame(rows, columns=[c for c in cols if c != "q"])
    out["q"] = benjamini_hochberg(out["p"]) if len(out) else []
    return out[cols]


def test_independence(*args, **kwargs) -> pd.DataFrame:
    """Deprecated name of :func:`independence` (kept for one release; it read like a pytest test)."""
    warnings.warn("framing.test_independence is deprecated; use framing.independence", DeprecationWarning,
                  stacklevel=2)
    return independence(*args, **kwargs)


test_independence.__test__ = False  # not a pytest test, even when imported into a test module
