"""Same story, different words: group articles that report the same event, and who covers what.

An outlet that writes "Kiev" more often may simply cover other events. :func:`stories` groups the
articles that report the same event (by text similarity within a time window), so that
:func:`framing.compare` with ``within="story"`` can ask the fair question — *when two outlets report
the same event, which words does each choose?* — and :func:`coverage` can show which stories one
side covers and the other ignores (the agenda question).

How articles are grouped
------------------------
1. Each article is represented by its title and the first `lead_words` words of its body (the lead
   names the event; the background further down is shared by every story of a long conflict) as a
   TF-IDF vector: sublinear term frequency, framing's tokenizer and stop words, terms that occur in
   one article only or (from 50 articles on) in more than half of them left out.
2. Two articles are linked when their cosine similarity is at least `threshold` and their dates are
   at most `window` apart. Undated articles are compared with every article (``undated="match"``)
   or left alone (``undated="alone"``).
3. Linked articles form candidate groups (connected components); each is cut by average-linkage
   clustering at the same threshold, so a chain A–B–C of pairwise links does not make one story of
   articles that have little in common (single-link chaining). Pairs further apart than `window`
   count as dissimilar in that step.
4. Reprints (``duplicate_of`` set) are not grouped on their own: they join their origin's story and
   keep ``duplicate_of``, so a wire story reprinted five times stays one voice.

The defaults (title + 300 words, threshold 0.25, window 3 days, average linkage) score precision
0.93 and recall 0.70 on 100 hand-labelled pairs of real war reporting (README, "Same story").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
import pyarrow as pa
import pyarrow.compute as pc
from sklearn.feature_extraction.text import TfidfTransformer

from .. import _texts
from .._memory import releasing
from .groups import group_keys
from .tokens import STOP_WORDS, TOKEN_PATTERN, preprocess

_TOKEN = re.compile(TOKEN_PATTERN)

__all__ = ["stories", "coverage", "Coverage", "STORY_COLUMNS"]

#: The columns :func:`stories` returns, one row per article.
STORY_COLUMNS = [
    "article_id", "outlet", "published", "story_id", "story_size", "story_outlets", "story_first",
    "story_last", "story_terms", "cohesion", "duplicate_of",
]

_BLOCK = 2000  # rows per block of the similarity product: bounds memory at O(block × candidates)


#: Articles a worker tokenizes at once (their tokens are Python strings until factorized: a piece
#: of 10,000 leads took about 800 MB of a worker's memory; 2,000 about a fifth of it).
_PIECE = 2_000


def _documents(voices: pd.DataFrame, *, lead_words: int, shingle: int, recurring: int
               ) -> tuple[csr_matrix, np.ndarray]:
    """Each article's title and lead as counts of terms (documents × terms), without the passages
    its outlet repeats, and the terms.

    A run of `shingle` tokens that recurs in `recurring` or more articles of one outlet is the
    outlet's own furniture (a video page's "optimised for mobile viewing…" notice, an "Up next"
    list, a standing background paragraph), not news: it would make every page of that outlet
    look alike. Those tokens are dropped before the lead is cut to `lead_words`; stop words go
    last. Texts are read a block at a time (from the ingest folder for a table read without them)
    and held as token numbers, 4 bytes a token of the first 2 × `lead_words` words.
    """
    n = len(voices)
    body_vocab: dict[str, int] = {}
    title_vocab: dict[str, int] = {}
    bodies: list = [None] * n
    titles: list = [None] * n
    cut = 2 * lead_words
    columns = ("title", "text") if "title" in voices.columns else ("text",)
    located = _texts.located_blocks(voices, columns, _texts.BLOCK)
    positions: list[np.ndarray] = []

    def work():  # (titles, leads) of each piece of a block, for the workers; positions kept here
        for pos, block in located:
            heads = block["title"].tolist() if "title" in block.columns else [""] * len(block)
            leads = [" ".join(t.split()[:cut]) if isinstance(t, str) else "" for t in block["text"]]
            # a worker holds its piece's tokens as Python strings: pieces bound that memory
            for lo in range(0, len(block), _PIECE):
                positions.append(pos[lo:lo + _PIECE])
                yield heads[lo:lo + _PIECE], leads[lo:lo + _PIECE]

    tokenized = _texts.ordered_map(_block_tokens, work(), _texts.workers_for(n))
    for block, (title_part, body_part) in enumerate(tokenized):
        pos = positions[block]  # read (and kept) before its block was handed out
        for k, ids in zip(pos, _numbered(*body_part, body_vocab)):
            bodies[k] = ids
        for k, ids in zip(pos, _numbered(*title_part, title_vocab)):
            titles[k] = ids
    kept = _without_recurring(bodies, voices["outlet"].astype(str).to_numpy(), shingle, recurring)
    # one term space for titles and bodies; stop words leave the documents here
    terms = list(body_vocab)
    term_of_title = np.empty(len(title_vocab), dtype=np.int64)
    for word, k in title_vocab.items():
        term_of_title[k] = body_vocab.get(word, -1)
        if term_of_title[k] < 0:
            term_of_title[k] = len(terms)
            terms.append(word)
    stop = np.fromiter((t in STOP_WORDS for t in terms), dtype=bool, count=len(terms))
    rows, cols = [], []
    for d in range(n):
        ids = np.concatenate([term_of_title[titles[d]], bodies[d][kept[d]][:lead_words].astype(np.int64)])
        ids = ids[~stop[ids]]
        rows.append(np.full(len(ids), d, dtype=np.int64))
        cols.append(ids)
        bodies[d] = titles[d] = None
    rows = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    cols = np.concatenate(cols) if cols else np.zeros(0, np.int64)
    counts = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, len(terms)), dtype=np.float64)
    counts.sum_duplicates()
    return counts, np.array(terms, dtype=object)


def _block_tokens(block: tuple[list, list]) -> tuple[tuple, tuple]:
    """Titles and leads of a block as tokens: for each, (lengths, codes, distinct tokens)."""
    heads, leads = block
    return (_factorized([_TOKEN.findall(preprocess(t)) if isinstance(t, str) else [] for t in heads]),
            _factorized([_TOKEN.findall(preprocess(t)) for t in leads]))


def _factorized(token_lists: list[list[str]]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    lengths = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(token_lists))
    flat = [t for tokens in token_lists for t in tokens]
    if not flat:
        return lengths, np.zeros(0, np.int64), []
    codes, uniques = pd.factorize(np.array(flat, dtype=object))
    return lengths, codes, list(uniques)


def _numbered(lengths: np.ndarray, codes: np.ndarray, uniques: list[str], vocab: dict[str, int]) -> list[np.ndarray]:
    """Each document's tokens (as :func:`_factorized` gives them) as uint32 numbers from `vocab`
    (new tokens numbered as first seen)."""
    glob = np.fromiter((vocab.setdefault(u, len(vocab)) for u in uniques), dtype=np.uint32, count=len(uniques))
    return np.split(glob[codes], np.cumsum(lengths)[:-1])


def _without_recurring(bodies: list[np.ndarray], outlets: np.ndarray, shingle: int, recurring: int) -> list:
    """Per body, a mask of the tokens to keep: not in a run of `shingle` tokens that `recurring`
    or more articles of the same outlet share (one outlet at a time, with NumPy)."""
    kept: list = [slice(None)] * len(bodies)
    codes, _ = pd.factorize(outlets)
    for o in range(codes.max() + 1 if len(codes) else 0):
        docs = np.flatnonzero(codes == o)
        lengths = np.fromiter((len(bodies[d]) for d in docs), dtype=np.int64, count=len(docs))
        if len(docs) < recurring or not (lengths >= shingle).any():
            continue
        flat = np.concatenate([bodies[d] for d in docs]).astype(np.uint64)
        starts = np.concatenate([[0], np.cumsum(lengths)])
        keys = _shingles(flat, shingle)
        doc = np.repeat(np.arange(len(docs)), lengths)[:len(keys)]
        valid = np.arange(len(keys)) - starts[doc] <= lengths[doc] - shingle  # windows inside one body
        where, keys, doc = np.flatnonzero(valid), keys[valid], doc[valid]
        # most runs occur once: a run met `recurring` times fills its bucket that far, under two
        # bucketings of the keys in turn (counting sorts), so the runs of emptier buckets go first,
        # exactly; the few left are counted with a hash table, then by documents
        for shift in (0, 40) if len(keys) <= _BUCKETS * _MAX_LOAD else ():  # more keys: most buckets fill
            bucket = ((keys >> np.uint64(shift)) & np.uint64(_BUCKETS - 1)).astype(np.intp)
            full = np.bincount(bucket, minlength=_BUCKETS)[bucket] >= recurring
            where, keys, doc = where[full], keys[full], doc[full]
        keys = pd.Series(keys)
        seen = keys.value_counts(sort=False)
        candidate = keys.isin(seen.index[seen.to_numpy() >= recurring]).to_numpy()
        if not candidate.any():
            continue
        pairs = pd.DataFrame({"key": keys.to_numpy()[candidate], "doc": doc[candidate]}).drop_duplicates()
        per_key = pairs["key"].value_counts(sort=False)
        frequent = per_key.index[per_key.to_numpy() >= recurring]
        if not len(frequent):
            continue
        hit = where[keys.isin(frequent).to_numpy()]
        change = np.bincount(hit, minlength=len(flat) + 1) - np.bincount(hit + shingle, minlength=len(flat) + 1)
        dropped = np.cumsum(change[:-1]) > 0
        owner = np.repeat(np.arange(len(docs)), lengths)
        for k in np.unique(owner[dropped]):
            kept[docs[k]] = ~dropped[starts[k]:starts[k + 1]]
    return kept


#: Buckets of the exact prefilter of recurring runs (a count each: 128 MB), and the most keys a
#: bucket may hold on average for the prefilter to run: at one, few buckets reach three by chance;
#: at a million synthetic articles an outlet has several keys a bucket, nearly every bucket reaches
#: three, and the prefilter cost 887 s against 766 s without it.
_BUCKETS, _MAX_LOAD = 1 << 24, 1


def _shingles(ids: np.ndarray, k: int) -> np.ndarray:
    """A 64-bit key for every run of `k` consecutive token ids (wrapping polynomial hash)."""
    if len(ids) < k:
        return np.array([], dtype=np.uint64)
    key = np.zeros(len(ids) - k + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            key = key * np.uint64(1_000_003) + ids[j:len(ids) - k + 1 + j] + np.uint64(1)
    return key


def _vectors(counts: csr_matrix, terms: np.ndarray) -> tuple[csr_matrix, np.ndarray]:
    """L2-normalised TF-IDF rows and the vocabulary (empty when the corpus is too small for one):
    what ``TfidfVectorizer(sublinear_tf=True, min_df, max_df)`` makes of the documents, from their
    counts (terms in alphabetical order, pruned as scikit-learn prunes them, weighted by its
    ``TfidfTransformer``)."""
    n_docs = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    # terms in more than half the articles say "this corpus", not "this event"; below 50 articles
    # that fraction means little (three reports of one event are half of six), so none is dropped
    common = 0.5 if n_docs >= 50 else 1.0
    for min_df, max_df in ((2, common), (1, 1.0)):  # tiny corpora: keep every term rather than none
        if max_df * n_docs < min_df:
            continue
        cols = np.flatnonzero((df > 0) & (df >= min_df) & (df <= max_df * n_docs))
        if not len(cols):
            continue
        cols = cols[pc.sort_indices(pa.array(terms[cols].tolist(), type=pa.large_string())).to_numpy()]
        X = counts[:, cols]
        X.sort_indices()
        return TfidfTransformer(sublinear_tf=True).fit_transform(X).tocsr(), terms[cols]
    return csr_matrix((n_docs, 0)), np.array([], dtype=object)


def _edges(X: csr_matrix, when: np.ndarray, *, threshold: float, window: np.timedelta64 | None,
           undated: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (i < j) with similarity ≥ threshold and dates within the window, computed in blocks of
    articles in date order (undated last), each against the articles after it in that order only:
    every pair is computed once (a product of two rows sums over their shared terms in the terms'
    order, so it is the same number whichever row comes first). Blocks go to forked workers on a
    large corpus."""
    n = X.shape[0]
    dated = ~np.isnat(when)
    order = np.argsort(np.where(dated, when, np.datetime64("NaT")), kind="stable")  # NaT sorts last
    n_dated = int(dated.sum())
    edges = dict(X=X, when=when, dated=dated, order=order, n_dated=n_dated, sorted_when=when[order[:n_dated]],
                 threshold=threshold, window=window, undated=undated)
    with _texts.inherited(stories_edges=edges):
        found = list(_texts.ordered_map(_edges_of_block, range(0, n, _BLOCK), _texts.workers_for(n)))
    if not found:
        empty = np.array([], dtype=np.int64)
        return empty, empty, np.array([], dtype=float)
    return tuple(np.concatenate(column) for column in zip(*found))


def _edges_of_block(start: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs of the block of sorted positions from `start` with an article after it in date order."""
    f = _texts.INHERITED["stories_edges"]
    X, when, dated, order, n_dated, window = f["X"], f["when"], f["dated"], f["order"], f["n_dated"], f["window"]
    n = X.shape[0]
    stop = min(start + _BLOCK, n)
    empty = (np.array([], dtype=np.int64), np.array([], dtype=np.int64), np.array([], dtype=float))
    if start >= n_dated:  # undated rows: against every undated row after them (dated rows had them)
        if f["undated"] != "match":
            return empty
        cand = np.arange(start, n)
    elif window is None:
        cand = np.arange(start, n)
    else:
        sorted_when = f["sorted_when"]
        hi = int(np.searchsorted(sorted_when, sorted_when[min(stop, n_dated) - 1] + window, side="right"))
        cand = np.arange(start, hi)
        if f["undated"] == "match":
            cand = np.concatenate([cand, np.arange(max(hi, n_dated), n)])
    block = order[start:stop]
    sim = (X[block] @ X[order[cand]].T).tocoo()
    keep = sim.data >= f["threshold"]
    a, b, s = start + sim.row[keep], cand[sim.col[keep]], sim.data[keep]
    keep = a < b  # sorted positions: each pair once
    a, b, s = order[a[keep]], order[b[keep]], s[keep]
    i, j = np.minimum(a, b), np.maximum(a, b)
    both = dated[i] & dated[j]
    keep = np.ones(len(i), dtype=bool) if window is None else ~both | (np.abs(when[i] - when[j]) <= window)
    if f["undated"] != "match":  # left alone, also without a window (they were linked to dated articles then)
        keep &= both
    return i[keep], j[keep], s[keep]


def _split(members: np.ndarray, X: csr_matrix, when: np.ndarray, *, threshold: float,
           window: np.timedelta64 | None, max_component: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Cut one candidate group by average linkage; returns (members, cohesion) per story."""
    out = []
    if len(members) > max_component:  # a very long chain: cut it in time order first
        members = members[np.argsort(when[members], kind="stable")]
        chunks = [members[k:k + max_component] for k in range(0, len(members), max_component)]
    else:
        chunks = [members]
    for chunk in chunks:
        sim = (X[chunk] @ X[chunk].T).toarray()
        if window is not None:
            t = when[chunk]
            gap = np.abs(t[:, None] - t[None, :])
            both = ~np.isnat(t)[:, None] & ~np.isnat(t)[None, :]
            sim[both & (gap > window)] = 0.0
        np.fill_diagonal(sim, 1.0)
        if len(chunk) == 1:
            out.append((chunk, np.array([np.nan])))
            continue
        dist = np.clip(1.0 - sim, 0.0, None)
        condensed = dist[np.triu_indices(len(chunk), k=1)]
        labels = fcluster(linkage(condensed, method="average"), t=1.0 - threshold, criterion="distance")
        for label in np.unique(labels):
            pick = labels == label
            group = chunk[pick]
            if len(group) == 1:
                out.append((group, np.array([np.nan])))
                continue
            inner = sim[np.ix_(pick, pick)]
            cohesion = (inner.sum(axis=1) - 1.0) / (len(group) - 1)  # mean similarity to the others
            out.append((group, cohesion))
    return out


@releasing
def stories(
    articles: pd.DataFrame,
    *,
    window: str | pd.Timedelta | None = "3D",
    threshold: float = 0.25,
    lead_words: int = 300,
    undated: str = "match",
    top_terms: int = 6,
    shingle: int = 6,
    recurring: int = 3,
    max_component: int = 3000,
) -> pd.DataFrame:
    """Group articles that report the same event; one row per article with its ``story_id``.

    Parameters
    ----------
    articles : DataFrame
        From :func:`framing.load` (``article_id, outlet, published, title, text, duplicate_of``).
    window : str or Timedelta or None
        The largest gap between the dates of two articles of one story (``"3D"``; any pandas
        offset such as ``"36h"``); None ignores dates.
    threshold : float
        The cosine similarity (0–1) at which two articles report the same event. Higher gives
        smaller, purer stories; lower merges follow-ups and related events.
    lead_words : int
        Words of the body used besides the title (the lead names the event).
    undated : ``"match"`` or ``"alone"``
        Whether undated articles may join a story (compared with every article) or stay alone.
    shingle, recurring : int
        A run of `shingle` words found in `recurring` or more articles of one outlet is left out
        (the outlet's page furniture or standing paragraphs, which would make its pages alike).
    top_terms : int
        How many of the story's highest-weighted terms ``story_terms`` lists.
    max_component : int
        A candidate group larger than this is cut into time-ordered chunks before clustering
        (bounds memory at ``max_component²`` similarities).

    Returns
    -------
    DataFrame
        ``article_id, outlet, published, story_id`` (``s0001`` …, numbered by first date),
        ``story_size`` (articles, reprints included), ``story_outlets`` (distinct outlets),
        ``story_first``, ``story_last`` (the span of dates), ``story_terms`` (its top terms,
        comma-separated), ``cohesion`` (the article's mean similarity to the other members; NaN
        when it stands alone or is a reprint) and ``duplicate_of``. Join it to the articles with
        ``articles.merge(result[["article_id", "story_id"]])``.

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a", "b", "c", "d"], "outlet": ["X", "Y", "X", "Y"],
    ...     "published": pd.to_datetime(["2022-03-01", "2022-03-02", "2022-03-01", "2022-06-01"], utc=True),
    ...     "title": ["Dam breached near Nova Kakhovka", "Nova Kakhovka dam breached", "Grain deal signed", "Dam breached"],
    ...     "text": ["The dam at Nova Kakhovka was breached overnight, flooding villages.",
    ...              "Villages flooded after the Nova Kakhovka dam was breached overnight.",
    ...              "Ministers signed a grain export deal in Istanbul.",
    ...              "A dam was breached at Nova Kakhovka and villages flooded."],
    ...     "duplicate_of": [None, None, None, None]})
    >>> s = stories(arts)
    >>> s.groupby("story_id")["article_id"].apply(list).tolist()
    [['a', 'b'], ['c'], ['d']]
    """
    if undated not in ("match", "alone"):
        raise ValueError(f"undated must be 'match' or 'alone', not {undated!r}")
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], not {threshold!r}")
    missing = {"article_id", "outlet", "published"} - set(articles.columns)
    if "text" not in articles.columns and not _texts.streamed(articles):
        missing.add("text")
    if missing:
        raise KeyError(f"stories needs the articles columns {sorted(missing)} (from framing.load)")
    arts = articles.drop_duplicates("article_id").reset_index(drop=True)
    dup = arts["duplicate_of"] if "duplicate_of" in arts.columns else pd.Series(None, index=arts.index, dtype=object)
    known = set(arts["article_id"])
    is_reprint = dup.notna() & dup.isin(known)
    voices = arts[~is_reprint].reset_index(drop=True)
    X, vocabulary = _vectors(*_documents(voices, lead_words=lead_words, shingle=shingle, recurring=recurring))
    when = pd.to_datetime(voices["published"], utc=True).dt.tz_convert(None).to_numpy(dtype="datetime64[ns]")
    gap = None if window is None else np.timedelta64(pd.Timedelta(window).value, "ns")

    n = len(voices)
    i, j, _ = _edges(X, when, threshold=threshold, window=gap, undated=undated)
    graph = csr_matrix((np.ones(len(i)), (i, j)), shape=(n, n))
    n_comp, comp = connected_components(graph, directed=False)
    label = np.full(n, -1, dtype=np.int64)
    cohesion = np.full(n, np.nan)
    # stories numbered in the order of the components; an article alone is its own story (with no
    # Python call per article: at a million articles most components are one article)
    sizes = np.bincount(comp, minlength=n_comp)
    members = np.argsort(comp, kind="stable")  # each component's articles, in the table's order
    starts = np.concatenate([[0], np.cumsum(sizes)])
    n_stories = np.ones(n_comp, dtype=np.int64)
    cut = {}
    for c in np.flatnonzero(sizes > 1):
        cut[c] = _split(members[starts[c]:starts[c + 1]], X, when, threshold=threshold, window=gap,
                        max_component=max_component)
        n_stories[c] = len(cut[c])
    first = np.cumsum(n_stories) - n_stories
    alone = sizes[comp] == 1
    label[alone] = first[comp[alone]]
    for c, groups in cut.items():
        for k, (group, coh) in enumerate(groups):
            label[group] = first[c] + k
            cohesion[group] = coh

    voice_story = pd.Series(label, index=voices["article_id"])
    story = arts["article_id"].map(voice_story)
    story[is_reprint] = dup[is_reprint].map(voice_story)
    result = pd.DataFrame({"article_id": arts["article_id"], "outlet": arts["outlet"],
                           "published": pd.to_datetime(arts["published"], utc=True), "_label": story.astype("int64"),
                           "cohesion": arts["article_id"].map(pd.Series(cohesion, index=voices["article_id"])),
                           "duplicate_of": dup.where(is_reprint)})

    per = result.groupby("_label").agg(story_size=("article_id", "size"), story_outlets=("outlet", "nunique"),
                                       story_first=("published", "min"), story_last=("published", "max"),
                                       _first_id=("article_id", "min"))
    per["story_terms"] = _top_terms(X, label, vocabulary, per.index, top_terms)
    per = per.sort_values(["story_first", "_first_id"], na_position="last", kind="stable")
    width = max(4, len(str(len(per))))
    per["story_id"] = [f"s{k:0{width}d}" for k in range(1, len(per) + 1)]
    result = result.merge(per.drop(columns="_first_id"), left_on="_label", right_index=True, how="left")
    result = result.sort_values(["story_id", "published", "article_id"], kind="stable", ignore_index=True)
    return result[STORY_COLUMNS].astype({"story_id": "string", "story_terms": "string"})


def _top_terms(X: csr_matrix, label: np.ndarray, vocabulary: np.ndarray, stories_index, k: int) -> list[str]:
    if X.shape[1] == 0 or k < 1 or not len(label):
        return [""] * len(stories_index)
    n_stories = int(label.max()) + 1
    member = csr_matrix((np.ones(len(label)), (label, np.arange(len(label)))), shape=(n_stories, len(label)))
    weight = (member @ X).tocsr()
    out = {}
    for s in range(n_stories):
        at = slice(weight.indptr[s], weight.indptr[s + 1])
        indices, data = weight.indices[at], weight.data[at]
        # weights equal but for rounding (summed in another order) tie, and ties go alphabetically
        top = indices[np.lexsort((vocabulary[indices], -np.round(data, 9)))][:k]
        out[s] = ", ".join(vocabulary[top])
    return [out.get(s, "") for s in stories_index]


@dataclass(frozen=True)
class Coverage:
    """Who covers which stories (see :func:`coverage`).

    Attributes
    ----------
    matrix : DataFrame
        Stories × groups: the number of articles (reprints included) each group published on each
        story, with the story's ``story_first`` and ``story_terms``.
    groups : DataFrame
        Per group: ``articles``, ``stories``, ``shared_articles`` (on stories another group also
        covers), ``shared_share`` (their share of the group's articles) and ``only_stories``
        (stories no other group covers).
    pairs : DataFrame
        Per pair of groups: the stories each covers, the stories both cover, and their Jaccard index.
    only : DataFrame
        Stories covered by one group alone, largest first: ``group, story_id, articles,
        story_first, story_terms``.
    """

    matrix: pd.DataFrame
    groups: pd.DataFrame
    pairs: pd.DataFrame
    only: pd.DataFrame


def coverage(articles: pd.DataFrame, stories_table: pd.DataFrame | None = None, *, by: str = "outlet",
             outlets=None, **options) -> Coverage:
    """Which groups (outlets, affiliations …) cover which stories, and what one side ignores.

    Parameters
    ----------
    articles : DataFrame
        From :func:`framing.load`.
    stories_table : DataFrame, optional
        From :func:`stories`; computed with `options` when not given.
    by : str
        The grouping (``outlet``, or ``affiliation``/``country`` from the outlets file).

    Returns
    -------
    Coverage
        ``matrix``, ``groups``, ``pairs`` and ``only`` tables (see :class:`Coverage`).

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a", "b", "c"], "outlet": ["X", "Y", "X"],
    ...     "published": pd.to_datetime(["2022-03-01", "2022-03-01", "2022-03-02"], utc=True),
    ...     "title": ["Dam breached at Nova Kakhovka", "Nova Kakhovka dam breached", "Grain deal signed"],
    ...     "text": ["Villages flooded.", "Villages flooded downstream.", "Ministers met in Istanbul."],
    ...     "duplicate_of": [None, None, None]})
    >>> c = coverage(arts)
    >>> c.groups[["outlet", "articles", "shared_articles", "only_stories"]].values.tolist()
    [['X', 2, 1, 1], ['Y', 1, 1, 0]]
    """
    table = stories(articles, **options) if stories_table is None else stories_table
    arts = articles.drop_duplicates("article_id")
    keyed = group_keys(arts, by, outlets=outlets).assign(article_id=arts["article_id"])
    rows = table[["article_id", "story_id", "story_first", "story_terms"]].merge(keyed, on="article_id")
    matrix = rows.pivot_table(index="story_id", columns=by, values="article_id", aggfunc="count", fill_value=0)
    matrix.columns = matrix.columns.astype(str)
    matrix.columns.name = by
    info = rows.drop_duplicates("story_id").set_index("story_id")[["story_first", "story_terms"]]
    covered = matrix > 0
    n_groups = covered.sum(axis=1)
    shared = n_groups > 1
    groups = pd.DataFrame({
        by: matrix.columns,
        "articles": matrix.sum(axis=0).to_numpy(),
        "stories": covered.sum(axis=0).to_numpy(),
        "shared_articles": matrix[shared].sum(axis=0).to_numpy(),
        "only_stories": covered[n_groups == 1].sum(axis=0).to_numpy(),
    })
    groups["shared_share"] = groups["shared_articles"] / groups["articles"].where(groups["articles"] > 0)
    groups = groups[[by, "articles", "stories", "shared_articles", "shared_share", "only_stories"]]
    names = list(matrix.columns)
    pair_rows = []
    for a_i, a in enumerate(names):
        for b in names[a_i + 1:]:
            both = int((covered[a] & covered[b]).sum())
            either = int((covered[a] | covered[b]).sum())
            pair_rows.append({f"{by}_a": a, f"{by}_b": b, "stories_a": int(covered[a].sum()),
                              "stories_b": int(covered[b].sum()), "shared_stories": both,
                              "jaccard": both / either if either else np.nan})
    pairs = pd.DataFrame(pair_rows, columns=[f"{by}_a", f"{by}_b", "stories_a", "stories_b", "shared_stories",
                                             "jaccard"])
    lonely = covered[n_groups == 1]
    only = pd.DataFrame({
        "group": lonely.idxmax(axis=1).to_numpy() if len(lonely) else np.array([], dtype=object),
        "story_id": lonely.index.to_numpy(),
        "articles": matrix.loc[lonely.index].sum(axis=1).to_numpy() if len(lonely) else [],
    })
    only = only.join(info, on="story_id").sort_values(["articles", "story_first", "story_id"],
                                                      ascending=[False, True, True], ignore_index=True)
    matrix = info.join(matrix).reset_index()
    return Coverage(matrix=matrix, groups=groups, pairs=pairs, only=only)
