"""Distinctive vocabulary: keyness per group, collocations around a term, and group similarity."""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
from typing import Collection, Literal, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from nltk.collocations import BigramAssocMeasures
from scipy import sparse, stats as sps
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.metrics.pairwise import cosine_similarity
from sklearn.preprocessing import normalize

from .. import _texts
from .._cache import derived
from .._progress import bar
from .._memory import releasing
from .compare import group_keys
from .dtm import column_sums, document_terms, every_row, group_sums, part_sums, release, stacked
from .lexicon import pattern_to_regex
from .stats import benjamini_hochberg, chi2_2x2, g2_2x2, log_odds_dirichlet
from .tokens import STOP_WORDS, TOKEN_PATTERN, preprocess, tokenize

__all__ = ["keyness", "own_names", "group_members", "drop_own_names", "collocations", "outlet_similarity", "documents"]

Method = Literal["log_odds", "chi2", "g2"]
Part = Literal["body", "title"]


def documents(
    articles: pd.DataFrame, by: str | Sequence[str] = "outlet", *, part: Part = "body", dedupe: bool = True, outlets=None
) -> pd.DataFrame:
    """The texts to count, one row per article (or per article part), with its group and its
    position in `articles` (``row``, where its counts are in the document-term matrix).

    ``by="part"`` gives each article two rows, its title (group ``title``) and its body (``body``),
    so that headline wording can be set against body wording.

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a"], "outlet": ["X"], "title": ["T"], "text": ["B"],
    ...     "duplicate_of": [None], "published": [pd.NaT]})
    >>> documents(arts, "part")[["group", "text"]].values.tolist()
    [['title', 'T'], ['body', 'B']]
    """
    rows = pd.Series(np.arange(len(articles)), index=articles.index)
    if "text" not in articles.columns:  # read without its texts: the documents are named, not held
        articles = articles.assign(text=None)
        lacking = True
    else:
        lacking = False
    arts = articles
    if dedupe and "duplicate_of" in articles:
        original = articles["duplicate_of"].isna().to_numpy()
        arts, rows = articles[original], rows[original]
    keys = [by] if isinstance(by, str) else list(by)
    if keys == ["part"]:
        title = pd.DataFrame({"article_id": arts["article_id"], "group": "title", "text": arts["title"], "row": rows})
        body = pd.DataFrame({"article_id": arts["article_id"], "group": "body", "text": arts["text"], "row": rows})
        docs = pd.concat([title, body]).sort_index(kind="stable")
    else:
        groups = group_keys(arts, keys, outlets=outlets)
        known = groups.notna().all(axis=1).to_numpy()  # undated articles have no year, month …
        arts, groups, rows = arts[known], groups[known], rows[known]
        docs = pd.DataFrame({
            "article_id": arts["article_id"],
            "group": _labels(groups) if len(arts) else pd.Series(dtype=str),
            "text": arts["title" if part == "title" else "text"],
            "row": rows,
        })
    if lacking and keys != ["part"] and part != "title":
        docs = docs.drop(columns="text")
    else:
        docs = docs.assign(text=docs["text"].fillna("").astype(str))
    return docs.reset_index(drop=True)


def _labels(groups: pd.DataFrame) -> pd.Series:
    """One label per row: the group keys joined with " | " ("Vostok Courier | 2022-03")."""
    g = groups.astype(str)
    label = g.iloc[:, 0].astype(object)
    for column in g.columns[1:]:
        label = label + " | " + g[column].astype(object)
    return label


def term_counts(docs: pd.DataFrame, ngram_range, stop_words,
                progress: bool | None = False) -> tuple[sparse.csr_matrix, np.ndarray]:
    """The document × n-gram count matrix of ``docs["text"]`` and its vocabulary (the tokens of
    :mod:`framing.analysis.tokens`); an empty matrix when nothing but stop words is left.

    Examples
    --------
    >>> matrix, vocab = term_counts(pd.DataFrame({"text": ["Kyiv talks", "talks resume"]}), (1, 1), None)
    >>> list(vocab), matrix.toarray().tolist()
    (['kyiv', 'resume', 'talks'], [[1, 0, 1], [0, 1, 1]])
    """
    vectorizer = CountVectorizer(
        preprocessor=preprocess, token_pattern=TOKEN_PATTERN, ngram_range=ngram_range,
        stop_words=sorted(stop_words) if stop_words else None, dtype=np.int64,
    )
    try:
        matrix = vectorizer.fit_transform(bar(docs["text"], desc="keyness", total=len(docs), unit=" docs", progress=progress))
    except ValueError:  # empty vocabulary: nothing but stop words
        return sparse.csr_matrix((len(docs), 0), dtype=np.int64), np.array([], dtype=object)
    return matrix.tocsr(), vectorizer.get_feature_names_out()


def matrix_counts(articles: pd.DataFrame, docs: pd.DataFrame, part: Part, ngram_range, stop_words,
                  progress: bool | None = False, *, by_part: bool = False) -> tuple[sparse.csr_matrix, "Terms"]:
    """:func:`term_counts` of `docs` (from :func:`documents`) read from the corpus's document-term
    matrix (:func:`framing.analysis.dtm.document_terms`, counted once and reused): the same counts,
    in the matrix's columns (a term these documents do not use counts 0 and drops out of every
    table), with the terms' names made only when asked for. `by_part`: `docs` are titles and
    bodies (``documents(…, "part")``), read from both matrices."""
    if by_part:  # headlines against bodies: the two matrices in one vocabulary
        dt = stacked(document_terms(articles, part="title", stop_words=stop_words, progress=progress),
                     document_terms(articles, stop_words=stop_words, progress=progress))
        rows = np.where(docs["group"] == "title", docs["row"], len(articles) + docs["row"])
    else:
        dt = document_terms(articles, part=part, stop_words=stop_words, progress=progress)
        rows = docs["row"].to_numpy()
    sub = dt.matrix if every_row(rows, dt.matrix.shape[0]) else dt.matrix[rows]  # no copy of all rows
    if ngram_range == (1, 1):
        sub = sub[:, :dt.n_unigrams]
    # no column subset: on a corpus-wide matrix it costs more than the statistics
    return sub, Terms(dt, sub.shape[1])


class Terms:
    """The names of the first `n` columns of a document-term matrix, made only for the columns
    asked for: a corpus has millions of bigrams, a table shows a few thousand."""

    def __init__(self, dt, n: int) -> None:
        self._dt, self._n = dt, n

    @property
    def owner(self):
        """The document-term matrix the names come from."""
        return self._dt

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, which) -> np.ndarray:
        return self._dt.terms(which)


@releasing
def keyness(
    articles: pd.DataFrame,
    by: str | Sequence[str] = "outlet",
    target: str | None = None,
    reference: str | Sequence[str] | None = None,
    *,
    method: Method = "log_odds",
    ngram_range: tuple[int, int] = (1, 2),
    min_count: int = 5,
    dedupe: bool = True,
    part: Part = "body",
    alpha0: float | None = None,
    correction: bool = True,
    bootstrap: int = 0,
    level: float = 0.95,
    seed: int = 0,
    stop_words: frozenset[str] | None = STOP_WORDS,
    outlets=None,
    keep_outlet_names: bool = False,
    top: int | None = None,
    terms: Collection[str] | None = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Which words set a group apart? One row per term (and per group when `target` is None).

    Parameters
    ----------
    articles : DataFrame
        The articles table.
    by : str or list
        The grouping, as in :func:`framing.compare` (``outlet``, ``wire``, ``affiliation``,
        ``month`` …), or ``"part"`` to set titles (target ``"title"``) against bodies.
    target : str, optional
        The group to describe. None: every group against the rest, in one table.
    reference : str or list, optional
        The group(s) to compare with; None means all other groups.
    method : ``"log_odds"``, ``"chi2"`` or ``"g2"``
        ``log_odds``: the log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi &
        Quinn 2008); the statistic is its z-score. ``chi2``: Pearson's chi² with Yates' correction.
        ``g2``: the likelihood ratio with Williams' correction. All three are signed: positive when
        the target uses the term more. (chi² and G² are quanteda's choices.)
    ngram_range : (int, int)
        Word n-grams to count, after stop words are removed.
    min_count : int
        Leave out terms used fewer times than this in target and reference together.
    dedupe : bool
        Leave out articles whose ``duplicate_of`` is set, so reprinted wire copy counts once.
    part : ``"body"`` or ``"title"``
        Count the body text, or the headlines.
    alpha0 : float, optional
        log_odds only: the prior's total weight α0. The prior is the pooled counts of the whole
        corpus, α_w = α0 · y_w / Σy; None means α0 = Σy, so that α_w = y_w, the pooled counts.
        The variance is the paper's approximation 1/(y_tw + α_w) + 1/(y_rw + α_w).
    correction : bool
        chi2: Yates; g2: Williams. Set False for the uncorrected statistics.
    bootstrap : int
        log_odds only: resample the target's and the reference's articles this many times (seeded)
        and add a percentile interval for δ (``delta_lo``, ``delta_hi``).
    stop_words : set or None
        Words left out before n-grams are formed (scikit-learn's English list plus a few).
    keep_outlet_names : bool
        By default a group's terms leave out the names of its own outlets ("vostok", "courier",
        "vostok courier" for the Vostok Courier): their name, aliases and domain names from the
        outlets file, and the names of the domains their articles come from; and the terms it uses
        *less* leave out the other outlets' names. A masthead, a dateline or a signature says
        nothing about wording. True keeps them. (Not applied with ``by="part"``.)
    top : int, optional
        Keep only each group's `top` terms with the largest statistic and its `top` with the
        smallest (the two ends a reader looks at); ``p``, ``q`` and the order are those of the
        whole table. A corpus of 100,000 articles has millions of terms: the whole table holds
        each one's name, the ends only a few. None keeps every term.
    terms : collection of str, optional
        With `top`: these terms' rows are kept too, wherever their statistic puts them (the
        lexicon's variants beside each group's ends, say). Terms the table does not hold (used
        fewer than `min_count` times, an outlet's own name) are simply absent.
    progress : bool, optional
        A progress bar over the documents as they are counted (default: only on a terminal).

    Returns
    -------
    DataFrame
        ``[group,] term, statistic, p, q, n_target, n_reference, docs_target, few_docs``; for
        log_odds also ``delta`` (and ``delta_lo``, ``delta_hi`` with `bootstrap`). ``q`` is the
        Benjamini–Hochberg adjusted p within each target; ``few_docs`` flags terms that only one or
        two target articles use. Sorted by group, then statistic (largest first).

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": list("abcd"), "outlet": ["X", "X", "Y", "Y"],
    ...     "title": [""] * 4, "duplicate_of": [None] * 4, "published": [pd.NaT] * 4,
    ...     "text": ["Kyiv regime Kyiv", "Kyiv regime", "Kyiv government", "Kyiv government"]})
    >>> keyness(arts, target="X", min_count=1, ngram_range=(1, 1))[["term", "n_target", "n_reference"]].head(1).values.tolist()
    [['regime', 2, 0]]
    """
    docs = documents(articles, by, part=part, dedupe=dedupe, outlets=outlets)
    matrix = None
    if by == "part" and tuple(ngram_range) in ((1, 1), (1, 2)) and not bootstrap:
        totals = _part_totals(articles, docs, tuple(ngram_range), stop_words, progress, min_count)
    elif tuple(ngram_range) in ((1, 1), (1, 2)):
        matrix, vocab = matrix_counts(articles, docs, part, tuple(ngram_range), stop_words, progress,
                                      by_part=by == "part")
    else:  # n-grams the shared matrix does not hold
        if _texts.streamed(articles, ("title", "text")):  # this path holds the texts in memory
            docs = documents(_texts.with_columns(articles, ("title", "text")), by, part=part, dedupe=dedupe,
                             outlets=outlets)
        matrix, vocab = term_counts(docs, ngram_range, stop_words, progress)
    if matrix is not None:
        # the statistics need only the terms the table can hold (but the bootstrap needs them all)
        totals = _totals(matrix, vocab, docs, floor=1 if bootstrap else max(min_count, 1))
    names_out = not (keep_outlet_names or by == "part")
    # the own names leave a group's list after the statistics: keep more rows than asked for,
    # and compute the whole table again in the rare case that too few are left
    wide = None if top is None else (max(_WIDE_FACTOR * top, _WIDE_MIN) if names_out else top)
    also = None if top is None or terms is None else frozenset(map(str, terms))

    def table_of(cut, rows=None):
        return keyness_from_totals(totals, by, target, reference, method=method, min_count=min_count,
                                   alpha0=alpha0, correction=correction, bootstrap=bootstrap, level=level,
                                   seed=seed, matrix=matrix, groups=docs["group"].to_numpy(), top=cut,
                                   terms=also if cut is not None else None, rows=rows)

    if names_out and top is None:  # each target's own names leave as its table is made (no copy of the whole)
        return table_of(None, _own_name_rows(articles, docs, stop_words, outlets))
    table = table_of(wide)
    if not names_out or table.empty:
        return table
    kept = _without_own_names(table, articles, docs, by, target, stop_words, outlets)
    label = None if target is not None else (by if isinstance(by, str) else " | ".join(by))
    if wide is not None and _short_end(table, kept, label, top, wide, also):
        kept = _without_own_names(table_of(None), articles, docs, by, target, stop_words, outlets)
    return _ends(kept, label, top, also)


#: with `top`, the rows kept per side before a group's own outlet names leave its list
_WIDE_FACTOR, _WIDE_MIN = 20, 1000


def _ends(table: pd.DataFrame, label: str | None, top: int, also: frozenset[str] | None = None) -> pd.DataFrame:
    """Per group (column `label`; None: one group), the first `top` rows with a positive statistic
    and the last `top` with a negative one, in the table's order; and the rows of the terms `also`."""
    stat = table["statistic"].to_numpy(dtype=float)
    wanted = _rows_of(table, also)
    groups = np.zeros(len(table), dtype=np.int64) if label is None else pd.factorize(table[label])[0]
    pos, neg = stat > 0, stat < 0
    rank_pos = pd.Series(pos).groupby(groups).cumsum().to_numpy()
    rank_neg = pd.Series(neg[::-1]).groupby(groups[::-1]).cumsum().to_numpy()[::-1]
    return table[(pos & (rank_pos <= top)) | (neg & (rank_neg <= top)) | wanted].reset_index(drop=True)


def _rows_of(table: pd.DataFrame, terms: frozenset[str] | None) -> np.ndarray:
    """Which rows of `table` hold one of `terms` (none when `terms` is None)."""
    if not terms:
        return np.zeros(len(table), dtype=bool)
    return table["term"].astype(str).isin(terms).to_numpy()


def _short_end(before: pd.DataFrame, after: pd.DataFrame, label: str | None, top: int, wide: int,
               also: frozenset[str] | None = None) -> bool:
    """Whether dropping rows left a group with fewer than `top` terms on a side that was cut at `wide`
    (the rows of the terms `also`, kept whatever their rank, are not counted)."""
    def ends(frame):
        frame = frame[~_rows_of(frame, also)]
        g = pd.Series(0, index=frame.index) if label is None else frame[label].astype(str)
        stat = frame["statistic"]
        return (stat > 0).groupby(g).sum(), (stat < 0).groupby(g).sum()
    pos_b, neg_b = ends(before)
    pos_a, neg_a = ends(after)
    pos_a, neg_a = pos_a.reindex(pos_b.index, fill_value=0), neg_a.reindex(neg_b.index, fill_value=0)
    return bool(((pos_b >= wide) & (pos_a < top)).any() or ((neg_b >= wide) & (neg_a < top)).any())


def _part_totals(articles: pd.DataFrame, docs: pd.DataFrame, ngram_range, stop_words, progress,
                 min_count: int) -> Totals:
    """Headlines' and bodies' totals (``by="part"``) summed from the two document-term matrices in
    place (:func:`framing.analysis.dtm.part_sums`): the totals stacking the matrices gives
    (:func:`matrix_counts` with ``by_part``; at 100k articles the stack took 3.9 GB), in another
    column order (no table depends on it), kept only for the terms used `min_count` times or more
    (with the sizes and the pooled total of the whole vocabulary, which the statistics need)."""
    title = document_terms(articles, part="title", stop_words=stop_words, progress=progress)
    body = document_terms(articles, stop_words=stop_words, progress=progress)
    group, rows = docs["group"].to_numpy(), docs["row"].to_numpy()
    names, (c_t, d_t, where), (c_b, d_b) = part_sums(title, body, rows[group == "title"], rows[group == "body"])
    if ngram_range == (1, 1):  # single words only: the unigram columns of each part
        c_t, d_t, where = c_t[:title.n_unigrams], d_t[:title.n_unigrams], where[:title.n_unigrams]
        c_b, d_b = c_b[:body.n_unigrams], d_b[:body.n_unigrams]
    n = len(names)
    pooled = np.zeros(n, dtype=np.int64)
    pooled[:len(c_b)] = c_b
    pooled[where] += c_t  # each title column has its own place
    floor = max(min_count, 1)
    cols = np.flatnonzero(pooled >= floor)
    present = sorted(set(group.tolist()))  # the groups in Totals' order: "body", "title"
    sizes = {"title": float(c_t.sum()), "body": float(c_b.sum())}
    whole = (np.array([sizes[g] for g in present]), float(pooled.sum()), floor)
    del pooled

    def row(part: str) -> tuple[np.ndarray, np.ndarray]:  # a part's totals over `cols`
        counts, n_docs = np.zeros(n, np.int64), np.zeros(n, np.int64)
        if part == "body":
            counts[:len(c_b)], n_docs[:len(d_b)] = c_b, d_b
        else:
            counts[where], n_docs[where] = c_t, d_t
        return counts[cols], n_docs[cols]

    parts = [row(g) for g in present]
    return Totals(present, _Picked(names, cols), sparse.csr_matrix(np.vstack([p[0] for p in parts])),
                  sparse.csr_matrix(np.vstack([p[1] for p in parts])), whole=whole)


def _totals(matrix: sparse.csr_matrix, vocab, docs: pd.DataFrame, floor: int = 1) -> Totals:
    """:meth:`Totals.from_matrix` of the documents' groups (for the terms used `floor` times or more),
    kept with the corpus's document-term matrix while it lives (a second keyness of the same
    grouping reuses the sums)."""
    groups = docs["group"].to_numpy()
    if not isinstance(vocab, Terms):
        return Totals.from_matrix(matrix, vocab, groups, floor=floor)
    key = ("totals", matrix.shape, _docs_key(docs), floor)
    return derived(vocab.owner, key, lambda: Totals.from_matrix(matrix, vocab, groups, floor=floor))


def _docs_key(docs: pd.DataFrame) -> str:
    """A digest of the documents' groups and matrix rows: what sums over a matrix depend on."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(pd.util.hash_array(np.asarray(docs["group"].to_numpy(), dtype=object).astype(str)
                                     .astype(object)).tobytes())
    digest.update(docs["row"].to_numpy(dtype=np.int64).tobytes())
    return digest.hexdigest()


def own_names(articles: pd.DataFrame, outlets=None, stop_words=STOP_WORDS) -> dict[str, list[tuple[str, ...]]]:
    """Per outlet, the token sequences of its names: outlet name, aliases and domain names from the
    outlets file, and the names of the domains its articles' URLs are on.

    Examples
    --------
    >>> arts = pd.DataFrame({"outlet": ["Vostok Courier"], "url": ["https://vostok-courier.example/a"]})
    >>> own_names(arts)["Vostok Courier"]
    [('vostok', 'courier'), ('vostok-courier',)]
    """
    from ..knowledge.outlets import load_outlets
    from ..text.urls import domain_label

    book = load_outlets(*([outlets] if outlets is not None else []))
    found: dict[str, list[tuple[str, ...]]] = {}
    urls = articles["url"] if "url" in articles else pd.Series(None, index=articles.index)
    for outlet, group in pd.DataFrame({"outlet": articles["outlet"], "url": urls}).groupby("outlet", sort=True):
        known = book.by_name(str(outlet))
        texts = [str(outlet)]
        if known is not None:
            texts += [known.name, *known.aliases, *(d.split(".")[0] for d in known.domains)]
        texts += sorted({label for label in map(domain_label, group["url"].dropna().astype(str)) if label})
        seqs = [tuple(tokenize(t, stop_words=stop_words)) for t in texts]
        found[str(outlet)] = list(dict.fromkeys(s for s in seqs if s))
    return found


def _without_own_names(table, articles, docs, by, target, stop_words, outlets) -> pd.DataFrame:
    own = _own_names_of(articles, docs, stop_words, outlets)
    return drop_own_names(table, by, target, own.names, own.members)


def _own_names_of(articles, docs, stop_words, outlets) -> "_OwnNames":
    pairs = docs[["article_id", "group"]].merge(articles[["article_id", "outlet"]].drop_duplicates("article_id"),
                                                on="article_id", how="left")
    return _OwnNames(own_names(articles, outlets, stop_words), group_members(pairs))


class _OwnNames:
    """The outlets' own names (:func:`own_names`) and each group's outlets (:func:`group_members`):
    which rows leave a group's keyness table (see :func:`drop_own_names`)."""

    def __init__(self, names: dict[str, list[tuple[str, ...]]], members: dict[str, list[str]]) -> None:
        self.names, self.members = names, members
        self.every = {o for outlets_ in members.values() for o in outlets_}
        #: a word of some outlet's names: only a term holding one can leave
        self.every_words = self.words(self.every)

    def words(self, outlets_: set[str]) -> set[str]:
        return {word for outlet in outlets_ for seq in self.names.get(outlet, []) for word in seq}

    def leaving(self, group, terms: pd.Series, statistic: np.ndarray) -> np.ndarray:
        """For rows of `group`: a term it uses more leaves when it holds a word of its own outlets'
        names, a term it uses less when it holds a word of the other outlets' names."""
        mine = set(self.members.get(str(group), []))
        return np.where(statistic > 0, _holds_a_word(terms, self.words(mine)),
                        _holds_a_word(terms, self.words(self.every - mine)))


def _own_name_rows(articles, docs, stop_words, outlets):
    """For :func:`keyness_from_totals` (`rows`): which rows of one target's table stay when its own
    outlets' names leave (:func:`drop_own_names`, judged before the table is assembled)."""
    own, seen = _own_names_of(articles, docs, stop_words, outlets), {}

    def rows(target, terms, statistic: np.ndarray) -> np.ndarray:
        if seen.get("terms") is not terms:  # every target of one call shares its terms: looked at once
            seen.update(terms=terms, at=np.flatnonzero(_holds_a_word(pd.Series(terms), own.every_words)))
        at, keep = seen["at"], np.ones(len(statistic), dtype=bool)
        if len(at):
            keep[at] = ~own.leaving(target, pd.Series(terms.take(at)), statistic[at])
        return keep

    return rows


def group_members(pairs: pd.DataFrame) -> dict[str, list[str]]:
    """The outlets of each group, from rows of ``group`` and ``outlet`` (one per document, or per pair)."""
    return {str(g): sorted(set(o.dropna().astype(str))) for g, o in pairs.groupby("group")["outlet"]}


def drop_own_names(table: pd.DataFrame, by, target, names: dict[str, list[tuple[str, ...]]],
                   members: dict[str, list[str]]) -> pd.DataFrame:
    """`table` without the terms that hold a word of an outlet's own names, on that outlet's side: a
    group's list of terms it uses more loses its own outlets' names ("vostok", "vostok courier",
    and "moscow vostok" from a dateline), and its list of terms it uses less loses the other
    outlets' names. A term that is another outlet's name stays on the group's own side.

    `names` comes from :func:`own_names`, `members` (group -> its outlets) from :func:`group_members`.
    """
    if table.empty:
        return table.reset_index(drop=True)
    own = _OwnNames(names, members)
    label = None if target is not None else (by if isinstance(by, str) else " | ".join(by))
    keep = np.ones(len(table), dtype=bool)
    # only the rows whose term holds a word of some outlet's names can leave: found with Arrow over
    # the whole column (millions of rows at 100,000 articles, never made Python strings), then
    # judged group by group below
    named = np.flatnonzero(_holds_a_word(table["term"], own.every_words))
    sub = table.iloc[named]
    groups = pd.Series(str(target), index=sub.index) if label is None else sub[label].astype(str)
    statistic = sub["statistic"].to_numpy(dtype=float)
    for g, rows in groups.groupby(groups, sort=False).groups.items():
        at = sub.index.get_indexer(rows)
        keep[named[at]] = ~own.leaving(g, sub["term"].iloc[at], statistic[at])
    return table[keep].reset_index(drop=True) if not keep.all() else table.reset_index(drop=True)


def _holds_a_word(terms: pd.Series, words: set[str]) -> np.ndarray:
    """Per term (words joined by single spaces), whether one of its words is in `words`: one
    regular expression over the column in Arrow (RE2, linear in the text).

    >>> _holds_a_word(pd.Series(["vostok courier", "talks", "moscow vostok", "vostoks"]), {"vostok"}).tolist()
    [True, False, True, False]
    """
    if not words or not len(terms):
        return np.zeros(len(terms), dtype=bool)
    column = pa.array(terms.astype(str))  # the str column's own Arrow data: no copy
    pattern = "(?:^| )(?:" + "|".join(map(re.escape, sorted(words))) + ")(?: |$)"
    return pc.fill_null(pc.match_substring_regex(column, pattern), False).to_numpy(zero_copy_only=False)


class Totals:
    """Per group: how often each term occurs, and in how many documents — all keyness needs
    (but its bootstrap). Sums of per-part totals are the totals of the whole, which is how
    ``framing.dask`` counts in parallel and gets the same table."""

    def __init__(self, names: list[str], vocab: np.ndarray, counts: sparse.csr_matrix, docs: sparse.csr_matrix,
                 whole: tuple[np.ndarray, float, int] | None = None):
        self.names, self.vocab, self.counts, self.docs = names, vocab, counts.tocsr(), docs.tocsr()
        #: when only the terms used `floor` times or more are held: (each group's tokens, all
        #: groups' tokens, floor) over the whole vocabulary, which the statistics need
        self.whole = whole

    @classmethod
    def from_matrix(cls, matrix: sparse.csr_matrix, vocab: np.ndarray, groups: np.ndarray,
                    floor: int = 1) -> "Totals":
        """Each group's sums of a document-term matrix (`groups`: one name per row). `floor` > 1:
        held only for the terms used that often in all groups together, with :attr:`whole`
        (at 100,000 articles most of the ten million (1,2)-grams are used once or twice: the
        totals of the rest take a tenth of the memory)."""
        names = sorted(set(groups.tolist()))
        codes = pd.Index(names).get_indexer(groups)
        matrix = sparse.csr_matrix(matrix)
        n_terms = matrix.shape[1]
        cols = None
        if floor > 1 and names:
            pooled, _ = column_sums(matrix)
            cols = np.flatnonzero(pooled >= floor)
            pooled_sum = float(pooled.sum())
            del pooled
        # with a floor, the kept columns numbered 0… (the sums are as long as they, not the vocabulary)
        remap = None
        if cols is not None:
            remap = np.full(n_terms, -1, dtype=np.int32 if len(cols) < 2**31 else np.int64)
            remap[cols] = np.arange(len(cols))
        width = n_terms if cols is None else len(cols)
        shape = (len(names), n_terms)
        if not names:
            return cls(names, vocab, sparse.csr_matrix(shape, dtype=np.int64), sparse.csr_matrix(shape, dtype=np.int64))
        counts, docs, sizes = group_sums(matrix, codes, len(names), remap, width)
        del remap
        sizes = sizes.astype(float)
        if cols is None:
            return cls(names, vocab, counts, docs)
        return cls(names, _Picked(vocab, cols), counts, docs, whole=(sizes, pooled_sum, floor))

    @functools.cached_property
    def pooled(self) -> np.ndarray:
        """Each term's count over all groups (int64)."""
        return np.asarray(self.counts.sum(axis=0)).ravel().astype(np.int64)

    @staticmethod
    def row_sum(table: sparse.csr_matrix, rows: np.ndarray) -> np.ndarray:
        """The sum of the chosen rows (a boolean mask over groups) as a dense int64 vector."""
        picked = np.flatnonzero(rows)
        if len(picked) == 1:  # one group: its row, without a sparse sum over the whole vocabulary
            return table[picked[0]].toarray().ravel().astype(np.int64)
        return np.asarray(table[picked].sum(axis=0)).ravel().astype(np.int64)

    def to_frame(self) -> pd.DataFrame:
        """Long form: ``group, term, count, docs`` (non-zero counts only)."""
        coo = self.counts.tocoo()
        docs = np.asarray(self.docs[coo.row, coo.col]).ravel()
        return pd.DataFrame({"group": np.asarray(self.names, dtype=object)[coo.row], "term": self.vocab[coo.col],
                             "count": coo.data.astype(np.int64), "docs": docs.astype(np.int64)})

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> "Totals":
        """The inverse of :meth:`to_frame` (rows may repeat: they are summed)."""
        frame = frame.groupby(["group", "term"], sort=False, observed=True)[["count", "docs"]].sum().reset_index()
        names = sorted(set(frame["group"].astype(str).tolist()))
        vocab = np.array(sorted(set(frame["term"].astype(str).tolist())), dtype=object)
        gi = pd.Index(names).get_indexer(frame["group"].astype(str))
        ti = pd.Index(vocab).get_indexer(frame["term"].astype(str))
        shape = (len(names), len(vocab))
        counts = sparse.csr_matrix((frame["count"].to_numpy(np.int64), (gi, ti)), shape=shape)
        docs = sparse.csr_matrix((frame["docs"].to_numpy(np.int64), (gi, ti)), shape=shape)
        return cls(names, vocab, counts, docs)


def keyness_from_totals(totals: Totals, by, target=None, reference=None, *, method: Method = "log_odds",
                        min_count: int = 5, alpha0: float | None = None, correction: bool = True,
                        bootstrap: int = 0, level: float = 0.95, seed: int = 0,
                        matrix=None, groups=None, top: int | None = None,
                        terms: Collection[str] | None = None, rows=None) -> pd.DataFrame:
    """:func:`keyness` from per-group totals (the bootstrap also needs the document matrix and
    groups); `top`: only each target's `top` largest and `top` smallest statistics, and the rows
    of `terms`; `rows`: a function (target, terms, statistics) -> which of a target's rows stay."""
    names = totals.names
    targets = [target] if target is not None else names
    for t in targets:
        if t not in names:
            raise KeyError(f"no group {t!r} in {by!r}; groups: {names}")
    if bootstrap and matrix is None:
        raise ValueError("bootstrap needs the document matrix: use framing.keyness on a pandas table")
    # A term used fewer than min_count times in the whole corpus is in no table (target and
    # reference together use it at most that often): the statistics run on the other columns only,
    # with the group sizes and the prior's total taken over the whole vocabulary first.
    candidate = np.flatnonzero(totals.pooled >= max(min_count, 1))
    if totals.whole is None:
        prior = _prior(totals.pooled.astype(float), alpha0)
        prior_sum = prior.sum()  # α0 over the whole vocabulary
        sizes = np.asarray(totals.counts.sum(axis=1)).ravel().astype(float)  # each group's tokens
    else:  # totals of the frequent terms only, with what the whole vocabulary adds up to
        sizes, pooled_sum, floor = totals.whole
        if max(min_count, 1) < floor or bootstrap:
            raise ValueError(f"these totals hold only terms used {floor} times or more (and no bootstrap)")
        used = totals.pooled.astype(float)
        prior = used if alpha0 is None else alpha0 * used / pooled_sum
        prior_sum = pooled_sum if alpha0 is None else float(alpha0)
    within = Totals(totals.names, _Picked(totals.vocab, candidate), totals.counts[:, candidate],
                    totals.docs[:, candidate])
    shared: dict = {}  # what every target's table has in common (see _keyness_one)
    also = None
    if top is not None and terms is not None:  # the terms' columns, as positions among the candidates
        also = (frozenset(map(str, terms)), np.flatnonzero(np.isin(candidate, columns_of(totals.vocab, terms))))
    out = [
        _keyness_one(within, t, reference, method=method, min_count=min_count, prior=prior[candidate],
                     prior_sum=prior_sum, correction=correction, bootstrap=bootstrap, level=level, seed=seed,
                     matrix=matrix, groups=groups, sizes=sizes, columns=candidate, prior_all=prior, top=top,
                     also=also, shared=shared, rows=rows)
        for t in targets
    ]
    table = pd.concat(out, ignore_index=True) if out else pd.DataFrame()
    if target is None:
        label = by if isinstance(by, str) else " | ".join(by)
        table = table.rename(columns={"group": label})
    else:
        table = table.drop(columns="group")
    return table


class _Picked:
    """Some columns of a vocabulary, their names made only when indexed (as :class:`Terms`)."""

    def __init__(self, vocab, columns: np.ndarray) -> None:
        self._vocab, self._columns = vocab, columns

    def __len__(self) -> int:
        return len(self._columns)

    def __getitem__(self, which) -> np.ndarray:
        cols = self._columns[which]
        if isinstance(self._vocab, (np.ndarray, list, tuple, pd.Index)):
            return np.asarray(self._vocab, dtype=object)[cols]
        return np.asarray(self._vocab[cols], dtype=object)  # names made for these columns only


def columns_of(vocab, terms) -> np.ndarray:
    """The columns of `vocab` (an array of names, :class:`Terms`, or the lazy vocabularies built
    on them) named by `terms`, in increasing order; names it does not hold are left out.

    Examples
    --------
    >>> columns_of(np.array(["kiev", "kyiv", "talks"], dtype=object), ["talks", "kyiv", "odesa"]).tolist()
    [1, 2]
    """
    terms = list(dict.fromkeys(map(str, terms)))
    if not terms or not len(vocab):
        return np.array([], dtype=np.int64)
    if isinstance(vocab, Terms):
        cols = vocab.owner.columns_of(terms)
        return cols[cols < len(vocab)]
    if isinstance(vocab, _Picked):
        return np.flatnonzero(np.isin(vocab._columns, columns_of(vocab._vocab, terms)))
    names = vocab if isinstance(vocab, (np.ndarray, list, tuple, pd.Index)) else vocab[np.arange(len(vocab))]
    found = pd.Index(np.asarray(names, dtype=object)).get_indexer_for(terms)
    return np.unique(found[found >= 0]).astype(np.int64)


def _keyness_one(totals: Totals, target, reference, *, method, min_count, prior, prior_sum, correction,
                 bootstrap, level, seed, matrix=None, groups=None, sizes=None, columns=None,
                 prior_all=None, top=None, also=None, shared: dict | None = None, rows=None) -> pd.DataFrame:
    """One target's table. `totals` may hold only some columns of the vocabulary (`columns`, with
    `prior` theirs): `sizes` are then the groups' token counts over the whole vocabulary and
    `prior_all` the whole prior (for the bootstrap). `also`: with `top`, (terms, their columns in
    `totals`) whose rows are kept as well."""
    names = np.asarray(totals.names, dtype=object)
    in_target = names == target
    if reference is None:
        in_reference = ~in_target
    else:
        refs = [reference] if isinstance(reference, str) else list(reference)
        in_reference = np.isin(names, refs) & ~in_target
    vocab = totals.vocab
    a_all = totals.row_sum(totals.counts, in_target)
    c_all = totals.pooled - a_all if reference is None else totals.row_sum(totals.counts, in_reference)
    if sizes is None:
        n_t, n_r = float(a_all.sum()), float(c_all.sum())
    else:
        n_t, n_r = float(sizes[in_target].sum()), float(sizes[in_reference].sum())
    keep = (a_all + c_all) >= max(min_count, 1)
    a, c = a_all[keep], c_all[keep]
    docs_target = totals.row_sum(totals.docs, in_target)[keep]
    kept = np.flatnonzero(keep)
    # the terms' names are made last, for the rows returned (see `top`), and the table once, in its order
    if n_t == 0 or n_r == 0 or not keep.any():
        table = pd.DataFrame({"group": target, "n_target": a, "n_reference": c, "docs_target": docs_target})
        return table.assign(term=vocab[keep], statistic=np.nan, p=np.nan, q=np.nan, few_docs=docs_target <= 2).iloc[:0]
    extra: dict[str, np.ndarray] = {}
    if method == "log_odds":
        delta, statistic = log_odds_dirichlet(a, c, n_t, n_r, prior[keep], alpha0=prior_sum)
        p = 2 * sps.norm.sf(np.abs(statistic))
        extra["delta"] = delta
        if bootstrap:
            doc_t = groups == target
            doc_r = ~doc_t if reference is None else np.isin(groups, refs) & ~doc_t
            whole = keep
            if columns is not None:  # the mask over the matrix's own columns
                whole = np.zeros(len(prior_all), dtype=bool)
                whole[columns[keep]] = True
            extra["delta_lo"], extra["delta_hi"] = _bootstrap_delta(
                matrix[doc_t], matrix[doc_r], whole, prior if columns is None else prior_all, bootstrap, level, seed)
    elif method == "chi2":
        statistic, p = chi2_2x2(a, c, n_t, n_r, correction=correction)
    elif method == "g2":
        statistic, p = g2_2x2(a, c, n_t, n_r, correction=correction)
    else:
        raise ValueError(f"method must be 'log_odds', 'chi2' or 'g2', not {method!r}")
    statistic, p = np.asarray(statistic, dtype=float), np.asarray(p, dtype=float)
    values = {"statistic": statistic, "p": p, "q": benjamini_hochberg(p), "n_target": a, "n_reference": c,
              "docs_target": docs_target, "few_docs": docs_target <= 2, **extra}
    if top is not None:  # the two ends, ties at the cut included (the order below settles them)
        ends = np.zeros(len(statistic), dtype=bool)
        for side in (statistic, -statistic):
            ok = np.flatnonzero(side > 0)
            if len(ok) > top:
                cut = np.partition(side[ok], len(ok) - top)[len(ok) - top]
                ok = ok[side[ok] >= cut]
            ends[ok] = True
        if also is not None:
            ends |= np.isin(kept, also[1])
        values = {k: v[ends] for k, v in values.items()}
        kept = kept[ends]
    # largest statistic first (NaN last), ties by term: the terms ranked by Arrow (code-point order, as
    # Python compares strings), then one numpy lexsort, instead of pandas sorting Python strings.
    # Against all the other groups every target keeps the same terms (those used min_count times in
    # all): their names, as a str column, and ranks are made once, in `shared`, for every target
    same = shared is not None and top is None and reference is None
    if same and "kept" in shared and np.array_equal(shared["kept"], kept):
        terms, rank = shared["terms"], shared["rank"]
    else:
        names = np.asarray(vocab[kept], dtype=object)
        terms = pd.array(names, dtype="str")
        rank = np.empty(len(names), dtype=np.int64)
        rank[pc.sort_indices(pa.array(names.tolist(), type=pa.large_string())).to_numpy()] = np.arange(len(names))
        if same:
            shared.update(kept=kept, terms=terms, rank=rank)
    order = np.lexsort((rank, -values["statistic"]))
    if rows is not None:  # the rows that leave, before the table is made
        order = order[rows(target, terms, values["statistic"])[order]]
    if isinstance(target, str):  # the group's name on every row, made in Arrow (not a column of Python strings)
        group = pd.array(pa.array([target], type=pa.large_string()).take(pa.array(np.zeros(len(order), np.int64))),
                         dtype="str")
    else:
        group = np.full(len(order), target, dtype=object)
    table = pd.DataFrame({"group": group, "term": terms.take(order), **{k: v[order] for k, v in values.items()}})
    return table if top is None else _ends(table, None, top, None if also is None else also[0])


def _prior(pooled: np.ndarray, alpha0: float | None) -> np.ndarray:
    total = pooled.sum()
    return pooled.copy() if alpha0 is None else alpha0 * pooled / total


def _bootstrap_delta(x_t, x_r, keep, prior, n_boot, level, seed, *, chunk: int = 250) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval of δ over resamples of the target's and the reference's documents.

    Each resample is a row of multinomial weights over documents (a document drawn k times counts
    k times); a block of `chunk` resamples is one sparse × dense matrix product, not a loop over
    resamples, and the memory is `chunk` × terms at a time."""
    rng = np.random.default_rng(seed)
    len_t = np.asarray(x_t.sum(axis=1)).ravel().astype(float)
    len_r = np.asarray(x_r.sum(axis=1)).ravel().astype(float)
    xt_T, xr_T = x_t[:, keep].T.tocsr().astype(float), x_r[:, keep].T.tocsr().astype(float)  # terms × docs
    n_t, n_r = x_t.shape[0], x_r.shape[0]
    deltas = np.empty((n_boot, int(np.count_nonzero(keep))))
    for s in range(0, n_boot, chunk):
        m = min(chunk, n_boot - s)
        wt = rng.multinomial(n_t, np.full(n_t, 1 / n_t), size=m).astype(float)  # m × documents
        wr = rng.multinomial(n_r, np.full(n_r, 1 / n_r), size=m).astype(float)
        a = (xt_T @ wt.T).T  # m × terms
        c = (xr_T @ wr.T).T
        deltas[s:s + m], _ = log_odds_dirichlet(a, c, (wt @ len_t)[:, None], (wr @ len_r)[:, None],
                                                prior[keep], alpha0=prior.sum())
    alpha = (1 - level) / 2
    return np.quantile(deltas, alpha, axis=0), np.quantile(deltas, 1 - alpha, axis=0)


@releasing
def collocations(
    articles: pd.DataFrame,
    term: str,
    *,
    window: int = 5,
    measure: Literal["likelihood_ratio", "pmi"] = "likelihood_ratio",
    min_freq: int = 3,
    top: int = 20,
    by: str | None = None,
    dedupe: bool = True,
    stop_words: frozenset[str] | None = STOP_WORDS,
) -> pd.DataFrame:
    """Words that keep company with `term`, scored with NLTK's bigram association measures.

    A word within `window` tokens of the term (either side; stop words removed first) is a
    candidate; pairs are counted as NLTK's ``BigramCollocationFinder.from_words(…, window_size)``
    counts them within each article, and ``BigramAssocMeasures.likelihood_ratio`` (Dunning 1993)
    or ``.pmi`` scores them. A term of several words ("special military operation") is joined into
    one token first.

    The word frequencies the measures need come from the corpus's document-term matrix
    (:func:`framing.analysis.dtm.document_terms`, counted once and reused); only the articles that
    hold the term are read again, for the pairs. The scores are those of NLTK's finder over the
    whole group's text.

    Returns
    -------
    DataFrame
        ``[by,] term, collocate, score, count, measure``; the `top` collocates per group.

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": list("ab"), "outlet": ["X", "Y"], "duplicate_of": [None, None],
    ...     "title": ["", ""], "published": [pd.NaT] * 2,
    ...     "text": ["sham referendum held; sham referendum again", "sham referendum condemned"]})
    >>> collocations(arts, "referendum", min_freq=2)["collocate"].tolist()
    ['sham']
    """
    if window < 2:
        raise ValueError("window must be at least 2")
    joined = "_".join(preprocess(term).split())
    phrase = re.compile(pattern_to_regex(preprocess(term).strip())) if " " in term.strip() else None
    docs = documents(articles, by or "outlet", dedupe=dedupe)
    dt = document_terms(articles, stop_words=stop_words)
    scorer = getattr(BigramAssocMeasures, measure)
    # the window counts are kept with the matrix while it lives: a second call with the same term,
    # window and documents only scores them again (with its own measure, min_freq and top)
    key = ("collocations", _docs_key(docs), bool(by), joined, phrase.pattern if phrase else None, window)
    counted = derived(dt, key, lambda: _window_counts(articles, docs, dt, joined, phrase, window, stop_words, by))
    index = derived(dt, "unigram_index", lambda: {w: k for k, w in enumerate(dt.unigrams.tolist())})
    rows = []
    for group, counts, extra, pair_fd in counted:
        n_all = int(counts.sum()) + sum(extra.values())

        def freq(word: str) -> int:
            at = index.get(word)
            return (0 if at is None else int(counts[at])) + extra.get(word, 0)

        pairs: dict[str, tuple[float, int]] = {}
        for (w1, w2), n in pair_fd.items():
            if n < min_freq:
                continue
            score = scorer(n / (window - 1.0), (freq(w1), freq(w2)), n_all)
            other = w2 if w1 == joined else w1
            if other == joined:
                continue
            best_score, count = pairs.get(other, (-np.inf, 0))
            pairs[other] = (max(best_score, score), count + n)
        best = sorted(pairs.items(), key=lambda kv: (-kv[1][0], kv[0]))[:top]
        rows += [{"group": group, "term": term, "collocate": w, "score": s, "count": n, "measure": measure}
                 for w, (s, n) in best]
    out = pd.DataFrame(rows, columns=["group", "term", "collocate", "score", "count", "measure"])
    return out.rename(columns={"group": by}) if by else out.drop(columns="group")


def _window_counts(articles, docs, dt, joined: str, phrase, window: int, stop_words, by) -> list[tuple]:
    """Per group: its unigram counts (from the matrix), what joining a phrase's words changes in them
    (word -> difference), and the term's pairs with its neighbours within `window` words."""
    groups = list(docs.groupby("group")) if by else [(None, docs)]
    holds = _holding(docs, dt, joined, phrase, articles)  # per document of docs
    held = [block.index.to_numpy()[holds[block.index.to_numpy()]] for _, block in groups]
    # every group's texts in one pass (from the ingest folder for a table read without them)
    texts = iter(_texts_of(docs.iloc[np.concatenate([np.zeros(0, np.int64), *held])], articles))
    out = []
    for (group, block), mine in zip(groups, held):
        sub = dt.matrix[block["row"].to_numpy()][:, :dt.n_unigrams]
        release(dt.matrix)
        counts = np.asarray(sub.sum(axis=0)).ravel().astype(np.int64)
        del sub
        extra: dict[str, int] = {}
        pair_fd: dict[tuple[str, str], int] = {}
        for text in itertools.islice(texts, len(mine)):
            plain = tokenize(text, stop_words=stop_words)
            words = tokenize(phrase.sub(joined, preprocess(text)), stop_words=stop_words) if phrase else plain
            if phrase is not None:  # the joined words replace theirs in the frequencies
                for w in plain:
                    extra[w] = extra.get(w, 0) - 1
                for w in words:
                    extra[w] = extra.get(w, 0) + 1
            _count_pairs(words, joined, window, pair_fd)
        out.append((group, counts, extra, pair_fd))
    return out


_PLAIN_TERM = re.compile(r"[\w'’\-]+")


def _texts_of(docs: pd.DataFrame, articles: pd.DataFrame) -> np.ndarray:
    """The texts of `docs` (rows of :func:`documents`), read from the articles' ingest folder when
    the table was read without them (only these articles are read)."""
    if "text" in docs:
        return docs["text"].to_numpy()
    held = _texts.with_columns(articles.iloc[docs["row"].to_numpy()])
    return held["text"].fillna("").astype(str).to_numpy()


def _holding(docs: pd.DataFrame, dt, joined: str, phrase, articles: pd.DataFrame) -> np.ndarray:
    """Which documents of `docs` can hold the term: for one word, those whose counts have it; for a
    phrase, those whose lower-cased text holds its longest plain word (all, if it has none; the
    texts are read once, a block at a time, for a table read without them)."""
    if phrase is None:
        col = np.flatnonzero(dt.unigrams == joined)
        if not len(col):
            return np.zeros(len(docs), bool)
        held = np.asarray(dt.matrix[:, [col[0]]].todense()).ravel()
        release(dt.matrix)
        return held[docs["row"].to_numpy()] > 0
    words = [w for w in joined.split("_") if w.isalpha()]
    if not words or not _PLAIN_TERM.fullmatch(joined):  # a regex ("invasion|war"): read every text
        return np.ones(len(docs), bool)
    word = max(words, key=len)
    if "text" in docs:
        return np.fromiter((word in t.lower() for t in docs["text"]), dtype=bool, count=len(docs))
    rows = np.unique(docs["row"].to_numpy())
    found = _texts.per_block(lambda b: pd.DataFrame({"article_id": b["article_id"].to_numpy(), "has": [
        word in t.lower() if isinstance(t, str) else False for t in b["text"]]}), articles.iloc[rows])
    return found["has"].to_numpy(dtype=bool)[np.searchsorted(rows, docs["row"].to_numpy())]


def _count_pairs(words: list[str], joined: str, window: int, pair_fd: dict) -> None:
    """Ordered pairs (w1, w2) with w2 up to `window - 1` tokens after w1, where one is the term (as
    NLTK's finder counts them; the other pairs are filtered out anyway)."""
    n = len(words)
    for i, w in enumerate(words):
        if w == joined:
            for j in range(max(0, i - window + 1), i):
                key = (words[j], w)
                pair_fd[key] = pair_fd.get(key, 0) + 1
            for j in range(i + 1, min(n, i + window)):
                if words[j] != joined:  # (term, term) was counted from the left side already
                    key = (w, words[j])
                    pair_fd[key] = pair_fd.get(key, 0) + 1


def _group_tfidf(articles, docs, names, min_df: int, max_features, stop_words, progress,
                 block: int = 8192) -> np.ndarray | None:
    """Per group (`names`, in order), the sum of its documents' rows of what
    ``TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df, max_features)`` makes of the
    documents, from the shared document-term matrix: the terms in at least `min_df` documents, the
    `max_features` most frequent of them (ties broken as scikit-learn breaks them, over the terms in
    alphabetical order), weighted as scikit-learn's ``TfidfTransformer`` weighs them. The matrix is
    read `block` documents at a time: no copy of it, and no TF-IDF matrix of the whole corpus."""
    if not len(docs):
        return None
    dt = document_terms(articles, stop_words=stop_words, progress=progress)
    # kept with the matrix while it lives: a second call with the same documents and settings
    key = ("group_tfidf", _docs_key(docs), tuple(names), min_df, max_features, block)
    return derived(dt, key, lambda: _group_tfidf_of(dt, docs, names, min_df, max_features, block))


def _group_tfidf_of(dt, docs, names, min_df: int, max_features, block: int) -> np.ndarray | None:
    sums = _summed_tfidf(dt, docs, names, min_df, max_features, block)
    if sums is not None:
        sums.setflags(write=False)  # shared by every later call
    return sums


def _summed_tfidf(dt, docs, names, min_df: int, max_features, block: int) -> np.ndarray | None:
    rows = docs["row"].to_numpy()
    tfs, df = column_sums(dt.matrix, rows)
    cols = np.flatnonzero(df >= max(min_df, 1))
    if not len(cols):
        return None
    cols = cols[_alphabetical(dt, cols)]  # the vectorizer's order, for its tie-breaking
    if max_features is not None and len(cols) > max_features:
        cols = cols[np.sort((-tfs[cols]).argsort()[:max_features])]
    idf = np.log((1 + len(rows)) / (1 + df[cols])) + 1  # smooth_idf, as scikit-learn's default
    where = np.full(dt.matrix.shape[1], -1, dtype=np.int32 if len(cols) < 2**31 else np.int64)
    where[cols] = np.arange(len(cols))
    index = {g: i for i, g in enumerate(names)}
    group = np.array([index[g] for g in docs["group"]], dtype=np.int64)
    sums = np.zeros((len(names), len(cols)))
    for lo in range(0, len(rows), block):
        sub = dt.matrix[rows[lo:lo + block]]
        release(dt.matrix)
        col = where[sub.indices]
        keep = col >= 0
        row = np.repeat(np.arange(sub.shape[0]), np.diff(sub.indptr))[keep]
        x = sparse.csr_matrix(((np.log(sub.data[keep].astype(np.float64)) + 1) * idf[col[keep]], (row, col[keep])),
                              shape=(sub.shape[0], len(cols)))
        x = normalize(x)
        member = sparse.csr_matrix((np.ones(x.shape[0]), (group[lo:lo + block], np.arange(x.shape[0]))),
                                   shape=(len(names), x.shape[0]))
        sums += (member @ x).toarray()
    return sums


def _alphabetical(dt, cols: np.ndarray) -> np.ndarray:
    """The order that sorts the terms of `cols` as Python sorts their strings, without making
    them: a bigram "a b" sorts as the pair (a, b) and after the unigram "a", because no token
    holds a character below the space (tested against the strings)."""
    uni = np.asarray(dt.unigrams, dtype=object)
    rank = np.empty(len(uni), dtype=np.int64)
    rank[pc.sort_indices(pa.array(uni.tolist(), type=pa.large_string())).to_numpy()] = np.arange(len(uni))
    n_uni = dt.n_unigrams
    bi = cols >= n_uni
    pair = dt.bigrams[np.where(bi, cols - n_uni, 0)].astype(np.int64)
    first = np.where(bi, pair[:, 0], np.minimum(cols, n_uni - 1))
    key = rank[first] * (n_uni + 1) + np.where(bi, rank[pair[:, 1]] + 1, 0)
    return np.argsort(key, kind="stable")


@releasing
def outlet_similarity(
    articles: pd.DataFrame,
    by: str = "outlet",
    *,
    dedupe: bool = True,
    min_df: int = 2,
    max_features: int | None = 50_000,
    stop_words: frozenset[str] | None = STOP_WORDS,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Cosine similarity of the groups' vocabularies (TF-IDF), as a square DataFrame.

    Each article becomes a sublinear TF-IDF vector (unigrams and bigrams); a group's vector is the
    mean of its articles' vectors, so a group with many articles does not dominate; the cosine of
    two group vectors is their similarity (1 = identical word use).

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": list("abc"), "outlet": ["X", "X", "Y"], "duplicate_of": [None] * 3,
    ...     "title": [""] * 3, "published": [pd.NaT] * 3,
    ...     "text": ["Kyiv talks resume", "Kyiv talks stall", "Kiev regime talks"]})
    >>> outlet_similarity(arts, min_df=1).round(2).loc["X", "X"]
    np.float64(1.0)
    """
    docs = documents(articles, by, dedupe=dedupe)
    names = sorted(docs["group"].unique())
    sums = _group_tfidf(articles, docs, names, min(min_df, max(len(docs), 1)), max_features, stop_words, progress)
    if sums is None:  # no document, or nothing but stop words: nothing to compare
        return pd.DataFrame(np.nan, index=pd.Index(names, name=by), columns=pd.Index(names, name=by))
    sim = cosine_similarity(normalize(sums))
    return pd.DataFrame(sim, index=pd.Index(names, name=by), columns=pd.Index(names, name=by))
