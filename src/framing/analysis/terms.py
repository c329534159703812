"""The term verbs: find every lexicon term with its voice (the hits table), count them, and read
them in context (concordance lines).

The matching itself is :mod:`framing.analysis.matcher`; the block pipelines that make it fast on
many texts at once are :mod:`framing.analysis._fast_hits`.
"""

from __future__ import annotations

import functools
from typing import Literal

import numpy as np
import pandas as pd

from .. import _texts
from ..schema import HIT_COLUMNS
from . import _fast_hits
from .lexicon import Lexicon, load_lexicon
from .matcher import VOICES, Matcher, matcher_for

__all__ = ["HIT_COLUMNS", "VOICES", "count_terms", "find_terms", "kwic", "words_around"]


def find_terms(
    articles: pd.DataFrame,
    lexicon: Lexicon | str | dict | None = None,
    *,
    titles: bool = True,
    context: int = 80,
    engine: Literal["auto", "hyperscan", "re"] = "auto",
) -> pd.DataFrame:
    """Find every lexicon term in the articles: the hits table, one row per occurrence.

    Parameters
    ----------
    articles : DataFrame
        The articles table (needs ``article_id``, ``outlet``, ``published``, ``title``, ``text``).
    lexicon : Lexicon, path, dict or None
        None means the packaged lexicon (see :func:`framing.load_lexicon`).
    titles : bool
        Also search headlines; their hits have ``in_title=True`` and offsets into ``title``.
    context : int
        Characters of context on each side in the ``context`` column (the match is in brackets).
    engine : "auto", "hyperscan" or "re"
        How matches are found (see :func:`count_terms`); every engine gives the same table.

    Returns
    -------
    DataFrame
        ``article_id, outlet, published, family, variant, orientation, matched, start, end,
        context, voice, in_title, off_topic``. ``start``/``end`` index ``text`` (or ``title`` when
        ``in_title``); ``voice`` is ``own``, ``quoted`` or ``distanced``. ``off_topic`` marks a
        match that names something else: inside a fixed expression its family excludes ("the
        Winter War") or without the context its variant ``requires`` (see the README's lexicon
        format). Such hits stay in the table, to be read with :func:`kwic`, and
        :func:`framing.compare`, :func:`framing.independence`, the plots and the report leave them
        out unless asked; :func:`count_terms` counts only the others.

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a1"], "outlet": ["Demo"], "published": [pd.NaT],
    ...     "title": ["Kyiv talks"], "text": ['Moscow calls it a "special military operation".']})
    >>> find_terms(arts)[["variant", "voice", "in_title"]].values.tolist()
    [['Kyiv', 'own', True], ['special military operation', 'distanced', False]]
    """
    sources = (["title"] if titles else []) + ["text"]
    if _texts.streamed(articles, sources):  # a table read without its texts: a block at a time, on every core
        lex = load_lexicon(lexicon)
        workers = _texts.workers_for(len(articles))
        if workers > 1:
            _matcher_and_spans(lex, engine)  # compiled once here, inherited by the forked workers
        with _texts.inherited(find_terms_lexicon=lex):
            return _texts.per_block(functools.partial(_find_forked, titles=titles, context=context, engine=engine),
                                    articles, sources, size=_texts.BLOCK, workers=workers)
    _texts.require(articles, ["article_id", "outlet", "published", *sources], "find_terms")
    return _by_language(articles, lexicon, lambda arts, lex: _fast_hits.hits_table(
        arts, *_matcher_and_spans(lex, engine), sources, context))


def _find_forked(block: pd.DataFrame, **options) -> pd.DataFrame:
    return find_terms(block, _texts.INHERITED["find_terms_lexicon"], **options)


def words_around(text: str, start: int, end: int, n: int) -> tuple[str, str]:
    """Up to `n` whole words on each side of ``text[start:end]`` (a concordance line's context).

    Examples
    --------
    >>> words_around("one two three KYIV four five", 14, 18, 2)
    ('two three', 'four five')
    """
    lo, hi = max(0, start - 30 * n), end + 30 * n
    left, right = text[lo:start].split(), text[end:hi].split()
    if lo > 0 and left and not text[lo - 1].isspace():
        left = left[1:]  # the slice began inside a word
    if hi < len(text) and right and not text[hi].isspace():
        right = right[:-1]
    return (" ".join(left[-n:]), " ".join(right[:n])) if n else ("", "")


def kwic(
    articles: pd.DataFrame,
    pattern_or_variant: str,
    *,
    window: int = 10,
    voice: Literal["own", "quoted", "distanced"] | list[str] | None = None,
    lexicon: Lexicon | str | dict | None = None,
    titles: bool = False,
    max_rows: int | None = None,
) -> pd.DataFrame:
    """Concordance lines (keyword in context) for a lexicon variant or a pattern.

    Parameters
    ----------
    articles : DataFrame
        The articles table.
    pattern_or_variant : str
        A variant name (``"Kiev"``, or ``"war_name:invasion"``) found with its family's rules, so
        the longest variant still wins; anything else is a lexicon pattern (see README).
    window : int
        Words of context on each side. Never more: a concordance never prints whole articles.
    voice : str or list, optional
        Keep only lines in these voices.
    max_rows : int, optional
        Keep the first `max_rows` lines (ordered by outlet, date, article, position).

    Returns
    -------
    DataFrame
        ``outlet, published, article_id, left, match, right, voice, start, end, off_topic``
        (off-topic lines are listed too, so that what :func:`framing.compare` leaves out can be read).

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a1"], "outlet": ["Demo"], "published": [pd.NaT],
    ...     "title": [""], "text": ["Officials in Kiev said the so-called referendum was void."]})
    >>> kwic(arts, "referendum", window=3)[["left", "match", "right", "voice"]].values.tolist()
    [['said the so-called', 'referendum', 'was void.', 'distanced']]
    """
    lex = load_lexicon(lexicon)
    try:
        var = lex.variant(pattern_or_variant)
        sub = lex.subset(families=[var.family])
        keep = (var.family, var.name)
    except KeyError:
        sub = load_lexicon({
            "distancing": {"markers": list(lex.distancing)} if lex.distancing else {},
            "families": {"kwic": {"variants": {pattern_or_variant: {"patterns": [pattern_or_variant]}}}},
        })
        keep = ("kwic", pattern_or_variant)
    needed = ("title", "text") if titles else ("text",)
    if _texts.streamed(articles, needed):  # a table read without its texts: a block at a time
        lines = _texts.per_block(lambda block: kwic(block, pattern_or_variant, window=window, voice=voice, lexicon=lex,
                                                    titles=titles), articles, needed)
        lines = lines.sort_values(["outlet", "published", "article_id", "start"], ignore_index=True,
                                  na_position="last")
        return lines.head(max_rows) if max_rows is not None else lines
    hits = find_terms(articles, sub, titles=titles, context=0)
    hits = hits[(hits["family"] == keep[0]) & (hits["variant"] == keep[1])]
    if voice is not None:
        hits = hits[hits["voice"].isin([voice] if isinstance(voice, str) else list(voice))]
    texts = articles.drop_duplicates("article_id").set_index("article_id")
    rows = []
    for h in hits.itertuples(index=False):
        src = texts.at[h.article_id, "title" if h.in_title else "text"]
        left, right = words_around(src, h.start, h.end, window)
        rows.append({
            "outlet": h.outlet, "published": h.published, "article_id": h.article_id,
            "left": left,
            "match": h.matched,
            "right": right,
            "voice": h.voice, "start": h.start, "end": h.end, "off_topic": bool(h.off_topic),
        })
    cols = ["outlet", "published", "article_id", "left", "match", "right", "voice", "start", "end", "off_topic"]
    out = pd.DataFrame(rows, columns=cols)
    out = out.sort_values(["outlet", "published", "article_id", "start"], ignore_index=True, na_position="last")
    if max_rows is not None:
        out = out.head(max_rows)
    return out.astype({c: "string" for c in ["outlet", "article_id", "left", "match", "right", "voice"]})


def count_terms(
    articles: pd.DataFrame,
    lexicon: Lexicon | str | dict | None = None,
    *,
    titles: bool = False,
    engine: Literal["auto", "hyperscan", "re"] = "auto",
) -> pd.DataFrame:
    """Counts per article × variant, without offsets, voice or context: the fast path.

    The same rules as :func:`find_terms` (so the counts equal ``find_terms``' rows per article and
    variant), but nothing is computed per hit beyond the count. With Hyperscan installed
    (``engine="auto"`` or ``"hyperscan"``), Hyperscan matches the whole lexicon on the texts' UTF-8
    bytes straight from Arrow memory; the texts it cannot decide alone (characters outside ASCII and
    common typographic punctuation, crossing spans, patterns with lookarounds) are scanned by the
    matcher, so the result is the same as with ``engine="re"`` (tested).

    Returns
    -------
    DataFrame
        ``article_id, family, variant, count``; only non-zero counts, by article, then by first
        occurrence. Use ``.pivot_table(index="article_id", columns="variant", values="count",
        fill_value=0)`` for a document × variant matrix.

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a1"], "title": ["Kyiv"], "text": ["Kyiv, Kyiv and Kiev."]})
    >>> count_terms(arts).values.tolist()
    [['a1', 'kyiv', 'Kyiv', 2], ['a1', 'kyiv', 'Kiev', 1]]
    """
    sources = (["title"] if titles else []) + ["text"]
    if _texts.streamed(articles, sources):  # a table read without its texts: a block at a time
        lex = load_lexicon(lexicon)
        return _texts.per_block(lambda block: count_terms(block, lex, titles=titles, engine=engine), articles, sources)
    _texts.require(articles, ["article_id", *sources], "count_terms")
    return _by_language(articles, lexicon, lambda arts, lex: _fast_hits.count_table(
        arts, *_matcher_and_spans(lex, engine), sources))


def _by_language(articles: pd.DataFrame, lexicon, run) -> pd.DataFrame:
    """`run(articles, lexicon)`, with each article matched by the patterns of its ``language``
    (:meth:`Lexicon.for_language`) when the lexicon gives patterns per language; rows stay in the
    articles' order. A corpus in one language is one run (English text never meets a Cyrillic
    pattern, so the fast engine keeps working on it)."""
    lex = load_lexicon(lexicon)
    if not lex.languages or "language" not in articles:
        return run(articles, lex)
    language = articles["language"].astype("string").where(articles["language"].isin(lex.languages)).fillna("")
    groups = sorted(language.unique())
    if len(groups) <= 1:
        return run(articles, lex.for_language(groups[0]) if groups else lex)
    parts = [run(articles[(language == g).to_numpy()], lex.for_language(g)) for g in groups]
    out = pd.concat(parts, ignore_index=True)
    first = pd.Series(np.arange(len(articles)), index=articles["article_id"].to_numpy())
    first = first[~first.index.duplicated()]
    order = np.argsort(first.reindex(out["article_id"].to_numpy()).to_numpy(), kind="stable")
    return out.iloc[order].reset_index(drop=True)


def _matcher_and_spans(lexicon, engine: str) -> tuple[Matcher, object]:
    """The lexicon's matcher and, unless `engine` is "re", its Hyperscan spans (None without)."""
    if engine not in ("auto", "hyperscan", "re"):
        raise ValueError(f"engine must be 'auto', 'hyperscan' or 're', not {engine!r}")
    matcher = matcher_for(lexicon)
    spans = matcher.spans() if engine != "re" else None
    if engine == "hyperscan" and spans is None:
        raise ValueError("the hyperscan engine is not available: pip install 'framing[fast]'")
    return matcher, spans
