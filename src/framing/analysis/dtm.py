"""One document-term matrix for every count-based statistic: keyness, outlet similarity, collocations.

Keyness, :func:`framing.outlet_similarity` and :func:`framing.collocations` all count the same
tokens (:mod:`framing.analysis.tokens`: framing's tokenizer, stop words removed, unigrams and
bigrams). :func:`document_terms` counts them once per corpus, into a ``scipy.sparse`` matrix of
documents × terms, and keeps it: in memory for the session (keyed by a digest of every article's
id and text, so an edited table is counted again), and on disk in ``<ingest output>/dtm/`` when
the articles were read with :func:`framing.read_articles` (or when `cache` names a folder).

Why our own token ids and not scikit-learn's ``CountVectorizer``: the vectorizer builds its
vocabulary in a Python loop over every token and bigram of the corpus, as strings (at 100,000
articles that is most of keyness's 205 s and 7 GB). Here each block of documents is tokenized with
the same regex, the tokens are numbered by :func:`pandas.factorize`, a bigram is a pair of numbers
(one int64), and the counts are summed by scipy: the strings of a bigram are only made for the
terms a table shows. ``HashingVectorizer`` would avoid the vocabulary but needs a collision check
and cannot say which term a column is. The counts are the vectorizer's, checked in the tests.

Examples
--------
>>> import pandas as pd
>>> arts = pd.DataFrame({"article_id": ["a", "b"], "text": ["Kyiv talks resume", "The talks stall"]})
>>> dt = document_terms(arts)
>>> sorted(dt.terms(range(dt.matrix.shape[1])))
['kyiv', 'kyiv talks', 'resume', 'stall', 'talks', 'talks resume', 'talks stall']
>>> int(dt.matrix.sum())
8
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import functools
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from .._cache import latest
from .. import _texts
from .._memory import give_back
from .._progress import bar
from .tokens import STOP_WORDS, TOKEN_PATTERN, preprocess, _TOKEN

__all__ = ["DocumentTerms", "MAP_FROM", "document_terms", "every_row", "mapped_matrix", "release", "row_digests",
           "stacked"]

#: Bump when the tokenizer changes, so that matrices cached on disk are counted again.
FORMAT = 1
_BLOCK = 2_000   # documents tokenized at a time (bounded memory)
_SHIFT = np.int64(1 << 31)  # bigram key = first id * _SHIFT + second id


def row_digests(ids, texts) -> np.ndarray:
    """A 64-bit digest of each article's id and text: a matrix row is reused only for the same text.

    Examples
    --------
    >>> d = row_digests(["a", "a"], ["x", "y"])
    >>> d.dtype, bool(d[0] != d[1])
    (dtype('uint64'), True)
    """
    out = np.empty(len(texts), dtype=np.uint64)
    for k, (i, t) in enumerate(zip(ids, texts)):
        h = hashlib.blake2b(f"{i}\x00".encode(), digest_size=8)
        h.update((t if isinstance(t, str) else "").encode("utf-8", "surrogatepass"))
        out[k] = int.from_bytes(h.digest(), "little")
    return out


@dataclass(eq=False)
class DocumentTerms:
    """Counts of unigrams and bigrams per document.

    ``matrix`` is documents × terms (CSR, int32); column ``j < len(unigrams)`` is the unigram
    ``unigrams[j]``, column ``len(unigrams) + k`` the bigram of the unigrams ``bigrams[k]``
    ("kyiv" and "talks" → "kyiv talks"). ``ids`` and ``digests`` name each row's article and text.
    """

    matrix: sparse.csr_matrix
    unigrams: np.ndarray   # object: the unigram strings
    bigrams: np.ndarray    # (n, 2) int32: unigram columns of each bigram
    ids: np.ndarray        # object: article_id per row
    digests: np.ndarray    # uint64 per row
    part: str = "body"
    stop_words_key: str = ""

    @property
    def n_unigrams(self) -> int:
        return len(self.unigrams)

    def terms(self, columns) -> np.ndarray:
        """The term strings of `columns` (indices or a boolean mask)."""
        cols = _indices(columns)
        out = np.empty(len(cols), dtype=object)
        uni = cols < self.n_unigrams
        out[uni] = self.unigrams[cols[uni]]
        pairs = self.bigrams[cols[~uni] - self.n_unigrams]
        out[~uni] = [f"{a} {b}" for a, b in zip(self.unigrams[pairs[:, 0]], self.unigrams[pairs[:, 1]])]
        return out

    def columns_of(self, terms) -> np.ndarray:
        """The columns of the terms named (unigrams, and bigrams as "a b"), in increasing order;
        names the matrix does not hold are left out. One pass over the bigram pairs, no names made."""
        terms = [str(t) for t in terms]
        uni = pd.Index(self.unigrams)
        singles = uni.get_indexer([t for t in terms if " " not in t])
        pairs = [t.split(" ") for t in terms if t.count(" ") == 1]
        cols = [singles[singles >= 0].astype(np.int64)]
        if pairs and len(self.bigrams):
            first = uni.get_indexer([a for a, _ in pairs]).astype(np.int64)
            second = uni.get_indexer([b for _, b in pairs]).astype(np.int64)
            ok = (first >= 0) & (second >= 0)
            wanted = (first[ok] << 32) | second[ok]
            keys = (self.bigrams[:, 0].astype(np.int64) << 32) | self.bigrams[:, 1].astype(np.int64)
            cols.append(self.n_unigrams + np.flatnonzero(np.isin(keys, wanted)))
        return np.unique(np.concatenate(cols))

    def rows_of(self, ids, digests) -> np.ndarray | None:
        """The rows holding these articles with these texts, in the given order; None if any is
        missing or its text has changed."""
        index = pd.Index(self.ids)
        if not index.is_unique:
            same = len(ids) == len(self.ids) and np.array_equal(np.asarray(digests, dtype=np.uint64), self.digests)
            return np.arange(len(self.ids)) if same else None
        rows = index.get_indexer(pd.Index(ids))
        if (rows < 0).any() or not np.array_equal(self.digests[rows], np.asarray(digests, dtype=np.uint64)):
            return None
        return rows

    def save(self, folder: str | Path, key: str) -> Path:
        """Write the matrix to ``folder/<key>/`` (npz, npy and a UTF-8 term list; no pickle)."""
        out = Path(folder) / key
        tmp = Path(folder) / f".{key}.{os.getpid()}.tmp"
        tmp.mkdir(parents=True, exist_ok=True)
        sparse.save_npz(tmp / "matrix.npz", self.matrix, compressed=False)
        np.save(tmp / "bigrams.npy", self.bigrams)
        np.save(tmp / "digests.npy", self.digests)
        (tmp / "unigrams.txt").write_text("\n".join(self.unigrams.tolist()), encoding="utf-8")
        pd.DataFrame({"article_id": pd.array(self.ids, dtype="string")}).to_parquet(tmp / "ids.parquet")
        (tmp / "meta.json").write_text(json.dumps({"format": FORMAT, "part": self.part,
                                                   "stop_words": self.stop_words_key}))
        if out.exists():
            import shutil

            shutil.rmtree(out, ignore_errors=True)
        tmp.rename(out)
        return out

    @classmethod
    def load(cls, folder: str | Path) -> "DocumentTerms":
        """The matrix kept in `folder`; one of :data:`MAP_FROM` bytes or more is mapped from its
        file rather than read (:func:`mapped_matrix`)."""
        folder = Path(folder)
        meta = json.loads((folder / "meta.json").read_text())
        text = (folder / "unigrams.txt").read_text(encoding="utf-8")
        unigrams = np.array(text.split("\n") if text else [], dtype=object)
        ids = pd.read_parquet(folder / "ids.parquet")["article_id"].to_numpy(dtype=object)
        path = folder / "matrix.npz"
        matrix = _mapped_if_large(path)
        if matrix is None:
            matrix = sparse.load_npz(path).tocsr()
        return cls(matrix, unigrams, np.load(folder / "bigrams.npy"),
                   ids, np.load(folder / "digests.npy"), meta["part"], meta["stop_words"])


#: A cached matrix file this large or larger is mapped into memory, not read (1 GB: about 200,000
#: articles): the pages a statistic reads come from the operating system's file cache and are
#: handed back after each pass (:func:`release`), so a 3.5 GB matrix of a million articles does
#: not stay resident in every process that uses it.
MAP_FROM = 1 << 30


def mapped_matrix(path: Path) -> sparse.csr_matrix | None:
    """The CSR matrix of an uncompressed ``.npz`` (as :meth:`DocumentTerms.save` writes it) with
    its arrays mapped read-only from the file; None when the file is not one (compressed, or not a
    CSR matrix): then it is read whole.

    Examples
    --------
    >>> import tempfile
    >>> m = sparse.csr_matrix(np.array([[1, 0, 2], [0, 3, 0]], dtype=np.int32))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     sparse.save_npz(Path(tmp) / "m.npz", m, compressed=False)
    ...     mapped = mapped_matrix(Path(tmp) / "m.npz")
    ...     same = (mapped != m).nnz == 0 and _mapping(mapped.data) is not None
    ...     release(mapped); del mapped
    >>> same
    True
    """
    import struct
    import zipfile

    arrays: dict[str, np.ndarray] = {}
    try:
        with zipfile.ZipFile(path) as archive, open(path, "rb") as fh:
            for info in archive.infolist():
                name = info.filename.removesuffix(".npy")
                if info.compress_type != zipfile.ZIP_STORED:
                    return None
                fh.seek(info.header_offset)
                local = fh.read(30)  # the local file header: its name and extra field come next
                fh.seek(info.header_offset + 30 + sum(struct.unpack("<HH", local[26:30])))
                version = np.lib.format.read_magic(fh)
                read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
                shape, fortran, dtype = read(fh)
                if name in ("format", "shape"):
                    arrays[name] = np.lib.format.read_array(archive.open(info.filename))
                else:
                    arrays[name] = np.memmap(path, dtype=dtype, mode="r", offset=fh.tell(), shape=shape,
                                             order="F" if fortran else "C")
        kind = arrays["format"].item()
        if (kind.decode() if isinstance(kind, bytes) else str(kind)) != "csr":
            return None
        matrix = sparse.csr_matrix((arrays["data"], arrays["indices"], arrays["indptr"]),
                                   shape=tuple(int(x) for x in arrays["shape"]), copy=False)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, struct.error):
        return None
    matrix.has_sorted_indices = True  # as the matrix was saved (DocumentTerms keeps its indices sorted)
    return matrix


def _mapped_if_large(path: Path) -> sparse.csr_matrix | None:
    """The matrix file mapped (:func:`mapped_matrix`) when it is :data:`MAP_FROM` bytes or more, else None."""
    return mapped_matrix(path) if path.stat().st_size >= MAP_FROM else None


def release(matrix) -> None:
    """Hand back to the operating system the pages a pass read from a mapped matrix
    (:func:`mapped_matrix`): they stay in its file cache, but no longer count in the process's
    memory. Nothing for a matrix held in memory."""
    import mmap

    for arr in (getattr(matrix, "data", None), getattr(matrix, "indices", None), getattr(matrix, "indptr", None)):
        mapping = _mapping(arr)
        if mapping is not None and hasattr(mmap, "MADV_DONTNEED"):
            try:
                mapping.madvise(mmap.MADV_DONTNEED)
            except (OSError, ValueError):
                pass


def _mapping(arr):
    """The ``mmap`` an array's memory comes from (through its views), or None."""
    import mmap

    base = arr
    while base is not None and not isinstance(base, mmap.mmap):
        base = getattr(base, "_mmap", None) or getattr(base, "base", None)
    return base


def every_row(rows, n: int) -> bool:
    """Whether `rows` are the positions 0…n-1 in order: a matrix read at them is the matrix itself."""
    rows = np.asarray(rows)
    return len(rows) == n and bool((rows == np.arange(n)).all())


def _indices(columns) -> np.ndarray:
    """Column positions from positions or a boolean mask."""
    cols = np.asarray(columns)
    return np.flatnonzero(cols) if cols.dtype == bool else cols


def stacked(first: DocumentTerms, second: DocumentTerms) -> DocumentTerms:
    """The rows of `first` then those of `second` in one vocabulary (the titles and the bodies of a
    corpus, for headline-against-body keyness): `second`'s unigrams and bigrams are renumbered into
    `first`'s, and the ones `first` lacks are added.

    Examples
    --------
    >>> import pandas as pd
    >>> arts = pd.DataFrame({"article_id": ["a"], "title": ["Kremlin warns"], "text": ["Kremlin talks"]})
    >>> both = stacked(document_terms(arts, part="title"), document_terms(arts))
    >>> both.matrix.shape[0], sorted(both.terms(range(both.matrix.shape[1])))
    (2, ['kremlin', 'kremlin talks', 'kremlin warns', 'talks', 'warns'])
    """
    unigrams, keys, cols_1, cols_2 = _union(first, second)
    n_uni = len(unigrams)

    def moved(dt: DocumentTerms, cols: np.ndarray) -> sparse.csr_matrix:
        m = dt.matrix.tocsr()
        return sparse.csr_matrix((m.data, cols[m.indices], m.indptr), shape=(m.shape[0], n_uni + len(keys)))

    top = moved(first, cols_1)
    bottom = moved(second, cols_2)
    matrix = sparse.vstack([top, bottom], format="csr")
    matrix.sort_indices()
    bigrams = np.column_stack([keys // _SHIFT, keys % _SHIFT]).astype(np.int32) if len(keys) \
        else np.zeros((0, 2), np.int32)
    return DocumentTerms(matrix, unigrams, bigrams, np.concatenate([first.ids, second.ids]),
                         np.concatenate([first.digests, second.digests]), f"{first.part}+{second.part}",
                         first.stop_words_key)


def _union(first: DocumentTerms, second: DocumentTerms) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The union of two matrices' vocabularies: its unigrams, its bigrams' keys (sorted;
    ``first * _SHIFT + second`` unigram), and where each column of `first` and of `second` goes."""
    index = {u: i for i, u in enumerate(first.unigrams)}
    to_union = np.fromiter((index.setdefault(u, len(index)) for u in second.unigrams), dtype=np.int64,
                           count=len(second.unigrams))
    unigrams = np.empty(len(index), dtype=object)
    unigrams[list(index.values())] = list(index.keys())
    n_uni = len(unigrams)
    keys_1 = first.bigrams[:, 0].astype(np.int64) * _SHIFT + first.bigrams[:, 1]
    keys_2 = to_union[second.bigrams[:, 0]] * _SHIFT + to_union[second.bigrams[:, 1]]
    keys = np.concatenate([keys_1, keys_2])
    keys.sort()  # a sort and a neighbour test: numpy's hash-based unique took 8 times as long here
    keys = keys[np.concatenate([[True], keys[1:] != keys[:-1]])] if len(keys) else keys

    def columns(uni_map: np.ndarray, bi_keys: np.ndarray) -> np.ndarray:
        cols = np.concatenate([uni_map, n_uni + np.searchsorted(keys, bi_keys)])
        return cols.astype(np.int32) if n_uni + len(keys) < 2**31 else cols  # half the memory per count

    return unigrams, keys, columns(np.arange(first.n_unigrams), keys_1), columns(to_union, keys_2)


def part_sums(title: DocumentTerms, body: DocumentTerms, rows_title, rows_body) -> tuple["PartTerms", tuple, tuple]:
    """Headline-against-body totals from the two matrices read in place (:func:`column_sums`): the
    names of the columns (:class:`PartTerms`: the body's columns, then the terms only titles use),
    the titles' ``(counts, documents, column)`` per title column and the bodies' ``(counts,
    documents)`` per body column. No stacked matrix and no merged vocabulary is built: only the
    titles' few terms are looked up among the body's.

    Examples
    --------
    >>> import pandas as pd
    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "title": ["Kremlin warns", "Talks"],
    ...                      "text": ["Kremlin talks", "Kremlin talks again"]})
    >>> names, (c_t, d_t, where), (c_b, d_b) = part_sums(document_terms(arts, part="title"), document_terms(arts),
    ...                                                  [0, 1], [0, 1])
    >>> kremlin = list(names[np.arange(len(names))]).index("kremlin")
    >>> int(c_t[list(where).index(kremlin)]), int(c_b[kremlin])
    (1, 2)
    """
    c_b, d_b = column_sums(body.matrix, rows_body)
    c_t, d_t = column_sums(title.matrix, rows_title)
    index = {u: i for i, u in enumerate(body.unigrams)}
    uni = np.fromiter((index.get(u, -1) for u in title.unigrams), dtype=np.int64, count=len(title.unigrams))
    where = np.full(title.matrix.shape[1], -1, dtype=np.int64)  # each title column among the body's
    where[:title.n_unigrams] = uni
    if len(title.bigrams) and len(body.bigrams):
        a, b = uni[title.bigrams[:, 0]], uni[title.bigrams[:, 1]]
        known = np.flatnonzero((a >= 0) & (b >= 0))
        keys = a[known] * _SHIFT + b[known]
        body_keys = body.bigrams[:, 0].astype(np.int64) * _SHIFT + body.bigrams[:, 1]  # sorted (_distinct)
        at = np.minimum(np.searchsorted(body_keys, keys), len(body_keys) - 1)
        hit = body_keys[at] == keys
        del body_keys
        where[title.n_unigrams + known[hit]] = body.n_unigrams + at[hit]
    extra = np.flatnonzero(where < 0)  # title columns the body never uses
    where[extra] = body.matrix.shape[1] + np.arange(len(extra))
    return PartTerms(title, body, extra), (c_t, d_t, where), (c_b, d_b)


class PartTerms:
    """The names of :func:`part_sums`' columns: the body's, then the terms only titles use."""

    def __init__(self, title: DocumentTerms, body: DocumentTerms, extra: np.ndarray) -> None:
        self._title, self._body, self._extra = title, body, extra
        self._n = body.matrix.shape[1]

    def __len__(self) -> int:
        return self._n + len(self._extra)

    def unigram_columns(self) -> np.ndarray:
        """The columns that are single words."""
        return np.concatenate([np.arange(self._body.n_unigrams),
                               self._n + np.flatnonzero(self._extra < self._title.n_unigrams)])

    def __getitem__(self, which) -> np.ndarray:
        cols = _indices(which)
        out = np.empty(len(cols), dtype=object)
        mine = cols < self._n
        out[mine] = self._body.terms(cols[mine])
        out[~mine] = self._title.terms(self._extra[cols[~mine] - self._n])
        return out


def column_sums(matrix: sparse.csr_matrix, rows=None, block: int = 1 << 22) -> tuple[np.ndarray, np.ndarray]:
    """Each column's sum and number of non-zero rows over `rows` (positions, repeats counted; None:
    every row), reading the CSR arrays in place, about `block` stored counts at a time (no copy of
    the matrix, unlike ``matrix[rows].sum(axis=0)``, and no array as long as the vocabulary but the
    two sums: each block is added into them by scipy's own sparse product loop).

    Examples
    --------
    >>> m = sparse.csr_matrix(np.array([[1, 0, 2], [0, 3, 1], [4, 0, 0]]))
    >>> [x.tolist() for x in column_sums(m, [0, 1, 1])]
    [[1, 6, 4], [1, 2, 3]]
    """
    n_rows, n = matrix.shape
    weight = np.ones(n_rows, dtype=np.int64) if rows is None else \
        np.bincount(np.asarray(rows, dtype=np.int64), minlength=n_rows)
    counts, docs = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
    add = _product_loop()
    step = block if add is not None else max(block, n // 2)  # bincount makes vocabulary-long arrays
    indptr = matrix.indptr
    for r0, r1, idx, dat in _row_blocks(matrix, step):
        a = int(indptr[r0])
        w = weight[r0:r1]
        if add is not None:  # the block as the transpose (CSC) of its rows, times the row weights
            ptr = (np.asarray(indptr[r0:r1 + 1]) - a).astype(idx.dtype)
            add(n, r1 - r0, ptr, idx, dat.astype(np.int64), w, counts)
            add(n, r1 - r0, ptr, idx, (dat != 0).astype(np.int64), w, docs)
        else:
            per = np.repeat(w, np.diff(indptr[r0:r1 + 1]))
            # the sums are whole numbers well below 2**53: added into the integers in place
            np.add(counts, np.bincount(idx, weights=dat * per, minlength=n), out=counts, casting="unsafe")
            np.add(docs, np.bincount(idx, weights=(dat != 0) * per, minlength=n), out=docs, casting="unsafe")
    return counts, docs


def _row_blocks(matrix: sparse.csr_matrix, step: int):
    """(first row, end row, column indices, counts) of about `step` stored counts at a time, read in
    place; a mapped matrix's pages go back after each block (:func:`release`)."""
    n_rows, indptr = matrix.shape[0], matrix.indptr
    r0 = 0
    while r0 < n_rows:
        r1 = int(np.searchsorted(indptr, indptr[r0] + step, side="right")) - 1
        r1 = min(max(r1, r0 + 1), n_rows)
        a, b = int(indptr[r0]), int(indptr[r1])
        yield r0, r1, np.asarray(matrix.indices[a:b]), np.asarray(matrix.data[a:b])
        r0 = r1
        release(matrix)


def group_sums(matrix: sparse.csr_matrix, codes: np.ndarray, n_groups: int, remap: np.ndarray | None = None,
               width: int | None = None, block: int = 1 << 22, budget: int = 1 << 29
               ) -> tuple[sparse.csr_matrix, sparse.csr_matrix, np.ndarray]:
    """Per group (`codes`: the group number of each row), each column's sum and number of non-zero
    rows, and the sum of all its counts; `remap`: each column's place among the `width` columns
    kept (-1: left out; the group totals still count it). Read in place a block of rows at a time,
    as :func:`column_sums` does: no copy of a group's rows. The sums of as many groups as fit in
    `budget` bytes are made in one pass over the matrix (all of them, unless the kept columns are
    tens of millions).

    Returns (counts, docs), each groups × columns (sparse, int64), and the totals (int64 per group).

    Examples
    --------
    >>> m = sparse.csr_matrix(np.array([[1, 0, 2], [0, 3, 1], [4, 0, 0]]))
    >>> counts, docs, totals = group_sums(m, np.array([0, 1, 0]), 2)
    >>> counts.toarray().tolist(), docs.toarray().tolist(), totals.tolist()
    ([[5, 0, 2], [0, 3, 1]], [[2, 0, 1], [0, 1, 1]], [7, 4])
    >>> group_sums(m, np.array([0, 1, 0]), 2, remap=np.array([-1, 0, 1]), width=2)[0].toarray().tolist()
    [[0, 2], [3, 1]]
    """
    n_rows, n = matrix.shape
    width = n if remap is None else int(width)
    codes = np.asarray(codes, dtype=np.int64)
    per_pass = max(1, budget // (16 * max(width, 1)))
    add = _product_loop()
    indptr = matrix.indptr
    totals = np.zeros(n_groups, dtype=np.int64)
    counts, docs = [], []
    for g0 in range(0, n_groups, per_pass):
        g1 = min(g0 + per_pass, n_groups)
        size = (g1 - g0) * width
        flat_counts, flat_docs = np.zeros(size, dtype=np.int64), np.zeros(size, dtype=np.int64)
        for r0, r1, idx, dat in _row_blocks(matrix, block):
            lengths = np.diff(np.asarray(indptr[r0:r1 + 1]))
            code = codes[r0:r1]
            row_of = np.repeat(np.arange(r1 - r0), lengths)
            if g0 == 0:
                totals += np.bincount(code[row_of], weights=dat, minlength=n_groups).astype(np.int64)
            keep = ((code >= g0) & (code < g1))[row_of]
            if remap is not None:
                idx = remap[idx]
                keep &= idx >= 0
            rows = row_of[keep]
            at = (code[rows] - g0) * width + idx[keep]  # the group's block of the flattened sums
            dat = dat[keep].astype(np.int64)
            if add is not None:  # each row's kept counts as a column of a CSC matrix, times ones
                dtype = np.int64 if size >= 2**31 else np.int32
                ptr = np.zeros(r1 - r0 + 1, dtype=dtype)
                np.cumsum(np.bincount(rows, minlength=r1 - r0), out=ptr[1:])
                at, ones = at.astype(dtype), np.ones(r1 - r0, dtype=np.int64)
                add(size, r1 - r0, ptr, at, dat, ones, flat_counts)
                add(size, r1 - r0, ptr, at, (dat != 0).astype(np.int64), ones, flat_docs)
            else:
                flat_counts += np.bincount(at, weights=dat, minlength=size).astype(np.int64)
                flat_docs += np.bincount(at, weights=dat != 0, minlength=size).astype(np.int64)
        counts.append(sparse.csr_matrix(flat_counts.reshape(g1 - g0, width)))
        docs.append(sparse.csr_matrix(flat_docs.reshape(g1 - g0, width)))
        del flat_counts, flat_docs
    if not counts:
        return sparse.csr_matrix((0, width), dtype=np.int64), sparse.csr_matrix((0, width), dtype=np.int64), totals
    return sparse.vstack(counts, format="csr"), sparse.vstack(docs, format="csr"), totals


def _product_loop():
    """scipy's loop that adds a CSC matrix times a vector into an output vector in place
    (``_sparsetools.csc_matvec``: what ``matrix.T @ w`` runs, without allocating its result), or
    None when this scipy does not have it under that name."""
    try:
        from scipy.sparse._sparsetools import csc_matvec
    except ImportError:
        return None
    return csc_matvec


def _stop_key(stop_words) -> str:
    words = "\n".join(sorted(stop_words or ()))
    return hashlib.blake2b(f"{FORMAT}\n{TOKEN_PATTERN}\n{words}".encode(), digest_size=10).hexdigest()


def document_terms(articles: pd.DataFrame, *, part: str = "body", stop_words=STOP_WORDS,
                   cache: str | Path | None = None, progress: bool | None = None) -> DocumentTerms:
    """The unigram and bigram counts of every article (``part="body"``: the text; ``"title"``:
    the headline), counted once and then reused.

    Parameters
    ----------
    articles : DataFrame
        The articles table (``article_id`` and ``text`` or ``title``).
    part : ``"body"`` or ``"title"``
    stop_words : set or None
        Left out before bigrams are formed (as :func:`framing.keyness` does).
    cache : folder, optional
        Where to keep the matrix on disk. Default: ``<folder>/dtm`` when the table was read by
        :func:`framing.read_articles` from an ingest's output folder; otherwise in memory only.
    progress : bool, optional
        A progress bar over the blocks of documents.
    """
    column = "title" if part == "title" else "text"
    ids = articles["article_id"].to_numpy(dtype=object)
    if column in articles.columns:
        texts = articles[column].to_numpy(dtype=object) if len(articles) else np.array([], dtype=object)
        texts = np.array([t if isinstance(t, str) else "" for t in texts], dtype=object)
        digests = row_digests(ids, texts)
    else:  # a table read without its texts (read_articles(…, texts=False)): read them a block at a time
        texts = _Streamed(articles, column)
        digests = _texts.id_digests(ids, articles)
    stop_key = _stop_key(stop_words)
    key = hashlib.blake2b(digests.tobytes() + f"{part}\n{stop_key}".encode(), digest_size=12).hexdigest()

    def build() -> DocumentTerms:
        folder = _cache_folder(articles, cache)
        found = _from_disk(folder, part, stop_key, ids, digests) if folder else None
        if found is not None:
            return found
        matrix, unigrams, bigrams = _count(texts, stop_words, progress)
        if isinstance(texts, _Streamed) and texts.order is not None:  # rows in the table's order
            matrix = matrix[texts.order]
            matrix.has_sorted_indices = True
        dt = DocumentTerms(matrix, unigrams, bigrams, ids, digests, part, stop_key)
        if folder:
            try:
                saved = dt.save(folder, f"{part}-{key}")
            except OSError:  # a read-only folder: the matrix is still used, only not kept
                pass
            else:  # a large matrix is used from its file from now on, as a later session would
                mapped = _mapped_if_large(saved / "matrix.npz")
                if mapped is not None:
                    dt.matrix = mapped
                    release(mapped)
        del matrix
        give_back()  # the count's temporary arrays (600 MB kept by the allocator at 100k articles)
        return dt

    return latest(("document_terms", key), build, keep=2)  # a matrix is ~1 GB per 100k articles


def _cache_folder(articles: pd.DataFrame, cache) -> Path | None:
    if cache is not None:
        return Path(cache)
    source = articles.attrs.get("framing_source") if hasattr(articles, "attrs") else None
    return Path(source) / "dtm" if source else None


def _from_disk(folder: Path, part: str, stop_key: str, ids, digests) -> DocumentTerms | None:
    """A matrix kept in `folder` for the same tokenizer that holds every requested article
    unchanged (a subset of a cached corpus is read from its rows)."""
    if not folder.is_dir():
        return None
    for sub in sorted(folder.glob(f"{part}-*"), key=lambda p: p.stat().st_mtime, reverse=True):
        try:
            meta = json.loads((sub / "meta.json").read_text())
            if meta.get("format") != FORMAT or meta.get("stop_words") != stop_key:
                continue
            dt = DocumentTerms.load(sub)
        except (OSError, ValueError, KeyError):
            continue
        rows = dt.rows_of(ids, digests)
        if rows is not None:
            matrix = dt.matrix if every_row(rows, dt.matrix.shape[0]) else dt.matrix[rows]  # no copy of all rows
            release(dt.matrix)
            return DocumentTerms(matrix, dt.unigrams, dt.bigrams, ids, digests, part, stop_key)
    return None


def _count(texts, stop_words, progress, workers: int | None = None
           ) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray]:
    """Tokenize block by block (on `workers` processes for a large corpus); number the unigrams
    globally and keep each block's bigrams as int64 pairs of numbers with their counts; number the
    bigrams once all are known (their sorted distinct keys, found a range of keys at a time) and
    assemble the matrix block by block, each block's pieces freed as they are copied in. `texts`:
    an array of every text, or a :class:`_Streamed` corpus whose texts are read a block at a time.

    Memory at the peak, besides the texts: 6 bytes per distinct (document, unigram) count and 10
    per (document, bigram) count, then the matrix's 8 per count as the pieces go (a million
    news-length articles: 436 million counts, about 5 GB).
    """
    stops = frozenset(stop_words or ())
    n_docs = len(texts)
    workers = _texts.workers_for(n_docs, from_items=PARALLEL_FROM) if workers is None else workers
    index: dict[str, int] = {}
    pieces: list[_Piece] = []
    feed = _fed(texts, stops, workers) if isinstance(texts, _Streamed) else _blocks(texts, stops, workers)
    with feed as tokenized:
        for size, (doc, codes, uniques) in bar(tokenized, desc="counting terms", total=-(-n_docs // _BLOCK),
                                               unit=" blocks", progress=progress):
            glob = np.fromiter((index.setdefault(u, len(index)) for u in uniques), dtype=np.int64, count=len(uniques))
            ids = glob[codes]
            same = doc[:-1] == doc[1:]
            pieces.append(_Piece(size, _summed(doc, ids), _summed(doc[:-1][same], ids[:-1][same] * _SHIFT + ids[1:][same])))
            del doc, codes, ids, same
    unigrams = np.empty(len(index), dtype=object)
    unigrams[list(index.values())] = list(index.keys())
    n_uni = len(unigrams)
    keys = _distinct([piece.bi_keys for piece in pieces])
    width = n_uni + len(keys)
    # the matrix's arrays are filled block by block, each block's pieces freed as it is copied in
    # (no second copy of the whole matrix, as stacking per-block matrices would make)
    nnz = sum(piece.nnz for piece in pieces)
    big = nnz >= 2**31 or width >= 2**31
    data = np.empty(nnz, dtype=np.int32)
    indices = np.empty(nnz, dtype=np.int64 if big else np.int32)
    indptr = np.zeros(n_docs + 1, dtype=np.int64 if big else np.int32)
    at = row_at = 0
    for k, piece in enumerate(pieces):
        pieces[k] = None
        piece.into(data, indices, indptr, at, row_at, keys, n_uni)
        at, row_at = at + piece.nnz, row_at + piece.size
        del piece
        if k % _TRIM_EVERY == _TRIM_EVERY - 1:
            give_back()  # the freed pieces leave the heap as the matrix fills (else both are resident at the end)
    matrix = sparse.csr_matrix((data, indices, indptr), shape=(n_docs, width))
    matrix.has_sorted_indices = True
    bigrams = np.empty((len(keys), 2), dtype=np.int32)
    for a in range(0, len(keys), 1 << 22):  # a piece at a time: no int64 copies as long as the keys
        bigrams[a:a + (1 << 22), 0] = keys[a:a + (1 << 22)] // _SHIFT
        bigrams[a:a + (1 << 22), 1] = keys[a:a + (1 << 22)] % _SHIFT
    return matrix, unigrams, bigrams


class _Piece:
    """One block's counts as the matrix's rows will hold them: per row, its unigrams (int32
    columns) in column order, then its bigrams (int64 keys until the bigrams are numbered); the
    counts as uint16 where they fit."""

    __slots__ = ("size", "uni_len", "uni_cols", "uni_counts", "bi_len", "bi_keys", "bi_counts")

    def __init__(self, size: int, uni, bi) -> None:
        self.size = size
        self.uni_len = np.bincount(uni[0], minlength=size).astype(np.int32)  # rows are sorted: lengths suffice
        self.uni_cols, self.uni_counts = uni[1].astype(np.int32), _narrow(uni[2])
        self.bi_len = np.bincount(bi[0], minlength=size).astype(np.int32)
        self.bi_keys, self.bi_counts = bi[1], _narrow(bi[2])

    @property
    def nnz(self) -> int:
        return len(self.uni_cols) + len(self.bi_keys)

    def into(self, data, indices, indptr, at: int, row_at: int, keys: np.ndarray, n_uni: int) -> None:
        """Write the block's rows from position `at` and row `row_at` (bigram columns: `n_uni` plus
        the key's place among the sorted distinct `keys`)."""
        lengths = self.uni_len.astype(np.int64) + self.bi_len
        ends = np.cumsum(lengths)
        starts = at + ends - lengths
        indptr[row_at + 1:row_at + self.size + 1] = at + ends
        uni_at = _spread(starts, self.uni_len)
        data[uni_at], indices[uni_at] = self.uni_counts, self.uni_cols
        bi_at = _spread(starts + self.uni_len, self.bi_len)
        if len(self.bi_keys):
            distinct, inverse = np.unique(self.bi_keys, return_inverse=True)
            cols = n_uni + np.searchsorted(keys, distinct)  # sorted queries: each search starts at the last
            data[bi_at], indices[bi_at] = self.bi_counts, cols[inverse]


def _narrow(counts: np.ndarray) -> np.ndarray:
    """Counts as uint16 while they fit (nearly always: a word used 65,536 times in one article), else as they are."""
    return counts.astype(np.uint16) if not len(counts) or counts.max() < 1 << 16 else counts


def _spread(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Positions ``starts[i] .. starts[i] + lengths[i] - 1`` of every row i, concatenated.

    Examples
    --------
    >>> _spread(np.array([10, 20]), np.array([2, 3])).tolist()
    [10, 11, 20, 21, 22]
    """
    total = int(lengths.sum())
    first = np.cumsum(lengths) - lengths
    return np.repeat(starts - first, lengths) + np.arange(total, dtype=np.int64)


#: Blocks copied into the matrix between two hand-backs of the freed heap.
_TRIM_EVERY = 25

#: The key ranges :func:`_distinct` sorts one at a time.
_RANGES = 16


def _distinct(pieces: list[np.ndarray], ranges: int = _RANGES) -> np.ndarray:
    """The sorted distinct int64 keys of all `pieces`, one range of key values at a time (bounds
    from a sample of the keys): no copy of every key at once, as concatenating them would make.

    Examples
    --------
    >>> _distinct([np.array([5, 1, 9]), np.array([9, 2, 1])], ranges=2).tolist()
    [1, 2, 5, 9]
    """
    pieces = [p for p in pieces if len(p)]
    if not pieces:
        return np.zeros(0, np.int64)
    sample = np.sort(np.concatenate([p[::97] for p in pieces]))
    bounds = np.unique(sample[(np.arange(1, ranges) * len(sample)) // ranges]) if ranges > 1 else sample[:0]
    out = []
    for lo, hi in zip([None, *bounds], [*bounds, None]):
        chosen = []
        for p in pieces:
            inside = np.ones(len(p), dtype=bool) if lo is None else p >= lo
            if hi is not None:
                inside &= p < hi
            chosen.append(p[inside])
        out.append(np.sort(pd.unique(np.concatenate(chosen))))
        del chosen
    return np.concatenate(out)


def _tokens(block, stops: frozenset[str]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(document, token number) of every token of `block` but stop words, and the numbered tokens."""
    tokens = [_TOKEN.findall(preprocess(t)) for t in block]
    lengths = np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens))
    flat = [w for doc in tokens for w in doc]
    del tokens
    if not flat:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), []
    codes, uniques = pd.factorize(np.array(flat, dtype=object))
    del flat
    uniques = list(uniques)
    kept = np.fromiter((u not in stops for u in uniques), dtype=bool, count=len(uniques))
    renumber = np.cumsum(kept) - 1  # token numbers without the stop words
    keep = kept[codes]
    doc = np.repeat(np.arange(len(block), dtype=np.int64), lengths)[keep]
    return doc, renumber[codes[keep]], [u for u, k in zip(uniques, kept) if k]


#: Below this many documents the matrix is counted in this process (starting workers costs more).
PARALLEL_FROM = 20_000


class _blocks:
    """The tokenized blocks in order: in this process, or from forked worker processes that read
    the texts they inherited (nothing is pickled to them but a block's start)."""

    def __init__(self, texts, stops, workers: int) -> None:
        self.texts, self.stops, self.workers = texts, stops, workers
        self.starts = range(0, len(texts), _BLOCK)
        self._stack = contextlib.ExitStack()

    def __enter__(self):
        sizes = (min(_BLOCK, len(self.texts) - s) for s in self.starts)
        if self.workers <= 1:
            return zip(sizes, (_tokens(self.texts[s:s + _BLOCK], self.stops) for s in self.starts))
        self._stack.enter_context(_texts.inherited(dtm_texts=self.texts, dtm_stops=self.stops))
        pool = self._stack.enter_context(_texts.forked_pool(self.workers))
        self._stack.callback(pool.shutdown, cancel_futures=True)  # runs first: unfinished blocks are dropped
        return zip(sizes, pool.map(_tokens_shared, self.starts))

    def __exit__(self, *exc) -> None:
        self._stack.close()


class _Streamed:
    """The texts (or titles) of a table read without them, in blocks of :data:`_BLOCK` from its
    ingest folder (in the folder's order; :attr:`order` then gives the table's order, or None)."""

    def __init__(self, articles: pd.DataFrame, column: str) -> None:
        self.articles, self.column, self.order = articles, column, None

    def __len__(self) -> int:
        return len(self.articles)

    def __iter__(self):
        seen = []
        for pos, frame in _texts.located_blocks(self.articles, (self.column,), _BLOCK):
            seen.append(pos)
            yield np.array([t if isinstance(t, str) else "" for t in frame[self.column]], dtype=object)
        pos = np.concatenate(seen) if seen else np.zeros(0, np.int64)
        if len(pos) and (np.diff(pos) <= 0).any():
            self.order = np.argsort(pos, kind="stable")


class _fed:
    """The tokenized blocks of a :class:`_Streamed` corpus in order, as (size, tokens): read here,
    tokenized here or on worker processes (:func:`framing._texts.ordered_map`: a few blocks in
    flight, so memory holds a few blocks of text, not the corpus)."""

    def __init__(self, texts: _Streamed, stops, workers: int) -> None:
        self.texts, self.stops, self.workers = texts, stops, workers

    def __enter__(self):
        sizes: list[int] = []

        def blocks():
            for block in self.texts:
                sizes.append(len(block))
                yield block

        self.tokenized = _texts.ordered_map(functools.partial(_tokens, stops=self.stops), blocks(), self.workers)
        return ((sizes[k], tokens) for k, tokens in enumerate(self.tokenized))

    def __exit__(self, *exc) -> None:
        self.tokenized.close()  # stops the worker pool, also when counting failed half-way


def _tokens_shared(start: int):
    shared = _texts.INHERITED
    return _tokens(shared["dtm_texts"][start:start + _BLOCK], shared["dtm_stops"])


def _summed(rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, col, count) of each distinct (row, col) pair, sorted by row, then col (int32 rows and
    counts; the cols keep their dtype)."""
    if not len(rows):
        return np.zeros(0, np.int32), cols[:0], np.zeros(0, np.int32)
    order = np.lexsort((cols, rows))
    rows, cols = rows[order], cols[order]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    at = np.flatnonzero(first)
    counts = np.diff(np.append(at, len(rows)))
    return rows[at].astype(np.int32), cols[at], counts.astype(np.int32)
