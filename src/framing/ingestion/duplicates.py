"""Exact and near-duplicate articles: the same page scraped twice, the same wire copy in two outlets.

One detector serves both the in-memory ingest and the streaming one, so their answers are the same:

- :func:`signature` (and :func:`signatures`, many texts at once) turns a text into a 128-value
  MinHash over its word 5-grams (stable across processes: words are hashed with pandas' SipHash
  under its fixed key, and the 128 hash functions have fixed seeds, never Python's salted
  ``hash``), each value kept to 16 bits (a chance collision, 1 in 65,536, moves the Jaccard
  estimate by 0.00002);
- :class:`NearDuplicates` takes signatures batch by batch in stream order and keeps only compact
  state: 280 bytes an article (signature, shingle count, date rank, copy link) and an LSH band
  index over the first 64 values of the originals (16 bands). In memory by default; given a
  folder (as the streaming ingest gives it) the state goes to files there, so memory stays bounded
  however long the stream. Never a text or a shingle set.
- :meth:`NearDuplicates.resolve` turns the matches into ``duplicate_of``: every group of copies
  points to its earliest published member.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["NUM_PERM", "NearDuplicates", "find_duplicates", "signature", "signatures"]

NUM_PERM = 128  #: MinHash values per article (the Jaccard estimate's standard error is 0.044 at J = 0.5)
BANDS, ROWS = 16, 4  #: LSH over the first 64 values: a candidate when one band of 4 agrees (≈ Jaccard 0.5)
_M64 = np.uint64(0xFFFFFFFFFFFFFFFF)
_M48 = np.uint64((1 << 48) - 1)
_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9,
                 0x85EBCA77C2B2AE63, 0x27D4EB2F165667C5], dtype=np.uint64)
_rng = np.random.default_rng(20221)
#: The NUM_PERM hash functions h(x) = a x + b (mod 2**64), a odd: multiply-add, ordered by value.
_A = _rng.integers(0, 2**63, size=NUM_PERM, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_B = _rng.integers(0, 2**63, size=NUM_PERM, dtype=np.uint64)
del _rng
_CHUNK = 256  #: texts hashed together (the text's number goes in a key's top 16 bits)
_BLOCK = 1 << 14  #: distinct shingles per (hash function x shingle) block: 16 MB


def _splitmix(x: np.ndarray) -> np.ndarray:
    """The SplitMix64 finaliser, elementwise on uint64 (wrapping arithmetic)."""
    x = x.copy()
    with np.errstate(over="ignore"):
        for shift, mult in ((30, 0xBF58476D1CE4E5B9), (27, 0x94D049BB133111EB)):
            x ^= x >> np.uint64(shift)
            x *= np.uint64(mult)
        x ^= x >> np.uint64(31)
    return x


def _hash_strings(strings: list[str]) -> np.ndarray:
    """64-bit hashes of strings, the same in every process and run: pandas' SipHash-2-4 of the
    UTF-8 bytes under its fixed key (each distinct string hashed once)."""
    return pd.util.hash_array(np.array(strings, dtype=object))


def signature(text: str, shingle_size: int = 5) -> tuple[np.ndarray, int]:
    """MinHash of the text's case-folded word `shingle_size`-grams: (uint16 values, distinct shingles).

    A text shorter than one shingle is hashed as a whole, so exact copies of it still match.
    :func:`signatures` does many texts at once, with the same answers.

    Examples
    --------
    >>> a, n = signature("Explosions were heard in the capital early on Thursday, witnesses said.")
    >>> b, _ = signature("EXPLOSIONS were heard in the capital early on Thursday -- witnesses said")
    >>> n, bool((a == b).all()), a.dtype.name, len(a)
    (7, True, 'uint16', 128)
    """
    return signatures([text], shingle_size)[0]


def signatures(texts, shingle_size: int = 5) -> list[tuple[np.ndarray, int]]:
    """:func:`signature` of every text, computed together: one hashing pass over all their words,
    one sort for the distinct shingles, and the NUM_PERM hash functions applied block by block.

    Words (the case-folded text's runs of letters and digits: ``line_key(text).split()``, the
    words the cleaner compares lines by) are hashed with :func:`_hash_strings`; a shingle is
    its words' hashes mixed by fixed odd multipliers, cut to 48 bits (a chance collision within one
    text, 1 in 2**48 per pair, only makes its shingle count one lower). Value i of the signature is
    the lowest 16 bits of min over the text's shingles x of ``a_i x + b_i`` (mod 2**64), as b-bit
    minwise hashing keeps them (Li & König 2010): never the top bits, which mostly say how small the
    minimum is (a text of 3,000 words has minima below 2**53, so their top 16 bits take a few dozen
    values, and unrelated texts agreed on 2.5 % of them; the lowest bits agree by chance 1 time in
    65,536 whatever the length). A text's
    signature depends on that text alone, never on the others it is computed with.

    Examples
    --------
    >>> [n for _, n in signatures(["One two three four five six.", "Short text", ""])]
    [2, 1, 1]
    """
    out: list[tuple[np.ndarray, int]] = []
    texts = iter(texts)
    while chunk := list(itertools.islice(texts, _CHUNK)):
        out.extend(_signatures_of_chunk(chunk, shingle_size))
    return out


def _word_hashes(texts: list[str]) -> tuple[np.ndarray, np.ndarray, list[bytes]]:
    """The :func:`_hash_strings` of every word of every text, in order, with each text's number of
    words, and each text's :func:`~framing.ingestion.clean.key_bytes`.

    The words are split and numbered by Arrow (one array for all the texts, each distinct word
    hashed once), never made Python strings one by one: a third of the time that took."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from .clean import key_bytes

    keys = [key_bytes(t) for t in texts]
    lists = pc.ascii_split_whitespace(pa.array(keys, type=pa.large_string()))
    words = pc.list_flatten(lists)
    parent = pc.list_parent_indices(lists).to_numpy()
    real = pc.binary_length(words).to_numpy() > 0  # (leading and trailing spaces split off "")
    words = words.filter(pa.array(real))
    lengths = np.bincount(parent[real], minlength=len(texts)).astype(np.int64)
    if not len(words):
        return np.empty(0, np.uint64), lengths, keys
    coded = pc.dictionary_encode(words)
    distinct = _hash_strings(coded.dictionary.to_numpy(zero_copy_only=False))
    return distinct[coded.indices.to_numpy()], lengths, keys


def _signatures_of_chunk(texts: list[str], shingle_size: int) -> list[tuple[np.ndarray, int]]:
    """:func:`signatures` of at most `_CHUNK` texts (a text's number goes in a key's top 16 bits)."""
    n = len(texts)
    h, lengths, key_text = _word_hashes(texts)
    ends = np.cumsum(lengths)
    keys = []  # (text number << 48) | shingle
    k = len(h) - shingle_size + 1
    if k > 0:
        with np.errstate(over="ignore"):
            sh = h[:k] * _MIX[0]
            for j in range(1, shingle_size):
                sh += h[j: j + k] * _MIX[j % len(_MIX)]
        which = np.repeat(np.arange(n, dtype=np.int64), lengths)[:k]
        inside = np.arange(k) + shingle_size <= ends[which]  # not running into the next text
        keys.append((which[inside].astype(np.uint64) << np.uint64(48)) | (sh[inside] >> np.uint64(16)))
    short = np.flatnonzero(lengths < shingle_size)
    if short.size:
        whole = _hash_strings([" ".join(key_text[i].decode("utf-8").split()) for i in short])
        keys.append((short.astype(np.uint64) << np.uint64(48)) | (whole >> np.uint64(16)))
    key = np.concatenate(keys)
    key.sort()  # a sort, not np.unique: numpy's hash-based unique is several times slower here
    key = key[np.r_[True, key[1:] != key[:-1]]]
    text_of = (key >> np.uint64(48)).astype(np.int64)
    shingle = key & _M48
    sizes = np.bincount(text_of, minlength=n)
    low = np.full((n, NUM_PERM), _M64, dtype=np.uint64)
    block = np.empty((NUM_PERM, min(_BLOCK, len(key))), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for start in range(0, len(key), _BLOCK):
            x, t = shingle[start: start + _BLOCK], text_of[start: start + _BLOCK]
            m = block[:, : len(x)]
            np.multiply(x[None, :], _A[:, None], out=m)
            np.add(m, _B[:, None], out=m)
            first = np.flatnonzero(np.r_[True, t[1:] != t[:-1]])  # each text's first column here
            rows = t[first]
            low[rows] = np.minimum(low[rows], np.minimum.reduceat(m, first, axis=1).T)
    values = low.astype(np.uint16)  # the lowest 16 bits
    return [(values[i], int(sizes[i])) for i in range(n)]


def _band_keys(sigs: np.ndarray) -> np.ndarray:
    """(n, NUM_PERM) signatures → (n, BANDS) uint64 keys, one per band (the band number mixed in)."""
    v = sigs[:, : BANDS * ROWS].astype(np.uint64).reshape(len(sigs), BANDS, ROWS)
    with np.errstate(over="ignore"):
        acc = np.arange(BANDS, dtype=np.uint64)[None, :] * _MIX[4]
        for j in range(ROWS):
            acc = _splitmix(acc ^ (v[:, :, j] * _MIX[j]))
    return acc


class _BandIndex:
    """Band key → row, in sorted runs merged as they grow (a log-structured index: 16 bytes an entry)."""

    def __init__(self) -> None:
        self.runs: list[tuple[np.ndarray, np.ndarray]] = []

    def add(self, keys: np.ndarray, rows: np.ndarray) -> None:
        order = np.argsort(keys, kind="stable")
        self.runs.append((keys[order], rows[order].astype(np.int64)))
        while len(self.runs) > 1 and len(self.runs[-2][0]) <= 2 * len(self.runs[-1][0]):
            (k2, r2), (k1, r1) = self.runs.pop(), self.runs.pop()
            keys_, rows_ = np.concatenate([k1, k2]), np.concatenate([r1, r2])
            order = np.argsort(keys_, kind="stable")
            self.runs.append((keys_[order], rows_[order]))

    def query(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(i, row) for every stored entry whose key equals one of ``keys[i]`` ((n, BANDS) keys);
        a pair may come more than once."""
        qs, rs = [np.empty(0, np.int64)], [np.empty(0, np.int64)]
        flat = keys.ravel()
        for run_keys, run_rows in self.runs:
            lo = np.searchsorted(run_keys, flat, "left")
            cnt = np.searchsorted(run_keys, flat, "right") - lo
            hit = np.flatnonzero(cnt)
            if not hit.size:
                continue
            reps = cnt[hit]
            q = np.repeat(hit, reps)
            offset = np.arange(len(q)) - np.repeat(np.cumsum(reps) - reps, reps)
            qs.append(q // BANDS)
            rs.append(run_rows[np.repeat(lo[hit], reps) + offset])
        return np.concatenate(qs), np.concatenate(rs)

    def close(self) -> None:
        self.runs = []


class _DiskBandIndex:
    """:class:`_BandIndex` in an SQLite file: the same answers, with memory bounded by SQLite's page
    cache (`cache_mb`) however many entries it holds. Keys are stored as signed 64-bit integers."""

    def __init__(self, path: Path, cache_mb: int = 32) -> None:
        import sqlite3

        path.unlink(missing_ok=True)  # the state of one stream: never entries left by an earlier one
        self.db = sqlite3.connect(path, isolation_level=None)
        for pragma in ("journal_mode=OFF", "synchronous=OFF", f"cache_size=-{cache_mb * 1024}",
                       "temp_store=MEMORY"):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.execute("CREATE TABLE band (key INTEGER NOT NULL, row INTEGER NOT NULL, "
                        "PRIMARY KEY (key, row)) WITHOUT ROWID")

    def add(self, keys: np.ndarray, rows: np.ndarray) -> None:
        order = np.argsort(keys, kind="stable")  # B-tree pages filled in key order
        self.db.execute("BEGIN")
        self.db.executemany("INSERT OR IGNORE INTO band VALUES (?, ?)",
                            zip(keys[order].view(np.int64).tolist(), rows[order].tolist()))
        self.db.execute("COMMIT")

    def query(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(i, row) for every stored entry whose key equals one of ``keys[i]`` ((n, BANDS) keys), each pair once."""
        found = self.db.execute(
            "SELECT DISTINCT q.key / ?, b.row FROM json_each(?) AS q JOIN band AS b ON b.key = q.value",
            (keys.shape[1], json.dumps(keys.ravel().view(np.int64).tolist()))).fetchall()
        pairs = np.array(found, dtype=np.int64).reshape(-1, 2)
        return pairs[:, 0], pairs[:, 1]

    def close(self) -> None:
        self.db.close()


#: One article's state: its signature, shingle count, publication rank and the row it copies (-1: none).
_RECORD = np.dtype([("sig", np.uint16, (NUM_PERM,)), ("size", np.int64), ("rank", np.int64), ("copy_of", np.int64)])


class _Records:
    """Every article's :data:`_RECORD` in stream order: in a NumPy array, or appended to a file and
    read back by row (a memory map opened for each read, so the pages do not stay mapped)."""

    def __init__(self, path: Path | None = None) -> None:
        self.n = 0
        self.path = path
        self._fh = path.open("wb+") if path else None
        self._mem = np.empty(0, dtype=_RECORD)

    def append(self, batch: np.ndarray) -> None:
        if self._fh is not None:
            self._fh.write(batch.tobytes())
        else:
            if self.n + len(batch) > len(self._mem):
                self._mem = np.resize(self._mem, max(self.n + len(batch), 2 * len(self._mem), 1024))
            self._mem[self.n: self.n + len(batch)] = batch
        self.n += len(batch)

    def _read(self, lo: int, m: int, pick) -> np.ndarray:
        """`pick` applied to records lo:lo+m of the file, mapped only while it runs."""
        self._fh.flush()
        window = np.memmap(self.path, dtype=_RECORD, mode="r", offset=lo * _RECORD.itemsize, shape=(m,))
        try:
            return np.array(pick(window))
        finally:
            window._mmap.close()

    def take(self, rows: np.ndarray) -> np.ndarray:
        """The records at `rows` (few: a batch's candidates)."""
        if self._fh is None:
            return self._mem[rows]
        return self._read(0, self.n, lambda w: w[rows]) if self.n else np.empty(0, dtype=_RECORD)

    def scan(self, field: str, chunk: int = 1 << 16) -> Iterator[tuple[int, np.ndarray]]:
        """(first row, values of `field`) for consecutive chunks of rows: from a file, only one
        chunk (18 MB) is mapped at a time."""
        for lo in range(0, self.n, chunk):
            m = min(chunk, self.n - lo)
            yield lo, (self._mem[field][lo: lo + m] if self._fh is None else self._read(lo, m, lambda w: w[field]))

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
        self._mem = np.empty(0, dtype=_RECORD)


class NearDuplicates:
    """Find copies across a stream of articles, batch by batch, with compact state.

    An article is a copy of an earlier *original* when their MinHash signatures share an LSH band
    and the estimated containment — the share of the shorter text's 5-grams found in the longer
    one — is at least `containment`, so a trimmed reprint of wire copy is caught too. The estimate
    comes from the signatures (Jaccard J and the two shingle counts give the overlap
    ``J (a + b) / (1 + J)``). J's standard error is about 0.044 at J = 0.5, so J is taken two
    standard errors below its estimate: a pair near the threshold counts as two articles (on the
    shared corpora, two BBC video pages sharing 76 % of their 5-grams stay apart).

    State is 280 bytes an article (signature, shingle count, publication rank, copy link) plus the
    band index of the originals (16 entries of 16 bytes each). By default it lives in memory. Given a
    `folder`, it goes to two files there instead — the records appended to ``near-duplicates.bin``,
    the band index in an SQLite database — and memory stays bounded whatever the number of articles
    (SQLite's page cache and one batch). Both give the same answers.

    Examples
    --------
    >>> texts = ["Kyiv was shelled again overnight, officials said on Monday.",
    ...          "Kyiv was shelled again overnight, officials said on Monday!", "A different story altogether, told here."]
    >>> nd = NearDuplicates()
    >>> nd.add([signature(t) for t in texts], published=[2, 1, 3])
    >>> nd.resolve(["a", "b", "c"])
    ['b', None, None]
    """

    def __init__(self, containment: float = 0.8, *, folder: str | Path | None = None) -> None:
        self.containment = containment
        folder = Path(folder) if folder is not None else None
        self._records = _Records(folder / "near-duplicates.bin" if folder else None)
        self._index = _DiskBandIndex(folder / "near-duplicates.sqlite") if folder else _BandIndex()

    def __len__(self) -> int:
        return self._records.n

    def __enter__(self) -> NearDuplicates:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Release the state (and its files' handles when it lives in a folder)."""
        self._records.close()
        self._index.close()

    def add(self, sigs: list[tuple[np.ndarray, int]], published) -> None:
        """Take the next batch of (signature, shingle count) in stream order, with publication times.

        `published` holds sortable numbers (nanoseconds); missing dates should be given as a value
        larger than every date, so undated articles come after dated ones.
        """
        m = len(sigs)
        if not m:
            return
        start = len(self)
        batch = np.zeros(m, dtype=_RECORD)
        batch["sig"] = np.stack([s for s, _ in sigs])
        batch["size"] = [n for _, n in sigs]
        batch["rank"] = np.asarray(published, dtype=np.int64)
        batch["copy_of"] = -1
        keys = _band_keys(batch["sig"])
        copy_of = batch["copy_of"]
        # Candidates from earlier batches are originals, and earlier than any row of this batch: a
        # row is a copy of the first of them that contains it, if one does.
        i, r = self._index.query(keys)
        if len(i):
            width = np.int64(r.max() + 1)
            code = np.unique(i * width + r)  # by row, then earliest other
            pairs = np.stack([code // width, code % width], axis=1)
            old = np.unique(pairs[:, 1])
            ok = self._contained(batch[pairs[:, 0]], self._records.take(old)[np.searchsorted(old, pairs[:, 1])])
            hit = pairs[ok]
            first = np.r_[True, hit[1:, 0] != hit[:-1, 0]] if len(hit) else np.empty(0, bool)
            copy_of[hit[first, 0]] = hit[first, 1]
        # Within the batch, in stream order: only originals are candidates (a copy's copies match its
        # original). Only rows that share a band key with another row of the batch take part.
        flat = keys.ravel()
        order = np.argsort(flat, kind="stable")
        same = flat[order][1:] == flat[order][:-1]
        shared = np.zeros(len(flat), dtype=bool)
        shared[order[1:][same]] = shared[order[:-1][same]] = True
        seen: dict[int, list[int]] = {}
        for i in np.flatnonzero(shared.reshape(m, BANDS).any(axis=1)).tolist():
            if copy_of[i] >= 0:  # a copy is never a candidate
                continue
            row_keys = keys[i].tolist()
            cand = sorted({j for key in row_keys for j in seen.get(key, ())})
            if cand:
                ok = self._contained(batch[[i] * len(cand)], batch[cand])
                if ok.any():
                    copy_of[i] = start + cand[int(np.argmax(ok))]
                    continue
            for key in row_keys:
                seen.setdefault(key, []).append(i)
        self._records.append(batch)
        originals = np.flatnonzero(copy_of < 0)
        if originals.size:
            self._index.add(keys[originals].ravel(), np.repeat(originals + start, BANDS))

    def _contained(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        j_hat = np.count_nonzero(a["sig"] == b["sig"], axis=1) / NUM_PERM
        # two standard errors down: borderline pairs stay apart
        j = j_hat - 2 * np.power(j_hat * (1 - j_hat) / NUM_PERM, 0.5)
        na, nb = a["size"], b["size"]
        overlap = j * (na + nb) / (1 + j)
        return overlap >= self.containment * np.minimum(na, nb) - 1e-9

    def groups(self) -> tuple[np.ndarray, np.ndarray]:
        """(copies, roots): every copy's row and the row of its group's earliest published member
        (ties: the earlier row in the stream), sorted by row. A group's first original becomes a
        copy of that member when it was published later. Memory: 24 bytes a group member."""
        copies, of = [np.empty(0, np.int64)], [np.empty(0, np.int64)]
        for lo, link in self._records.scan("copy_of"):
            found = np.flatnonzero(link >= 0)
            copies.append(found + lo)
            of.append(link[found])
        copy_rows, originals = np.concatenate(copies), np.concatenate(of)
        heads = np.unique(originals)
        members = np.concatenate([copy_rows, heads])
        group = np.concatenate([originals, heads])
        by_row = np.argsort(members, kind="stable")
        rank = np.empty(len(members), dtype=np.int64)
        sorted_rows = members[by_row]
        for lo, values in self._records.scan("rank"):
            a, b = np.searchsorted(sorted_rows, [lo, lo + len(values)])
            rank[by_row[a:b]] = values[sorted_rows[a:b] - lo]
        order = np.lexsort((members, rank, group))  # each group's earliest published member first
        first = np.r_[True, group[order][1:] != group[order][:-1]] if len(order) else np.empty(0, bool)
        root_of_group = members[order][first]
        roots = root_of_group[np.searchsorted(group[order][first], group)]
        moved = members != roots
        by_row = np.argsort(members[moved])
        return members[moved][by_row], roots[moved][by_row]

    def resolve(self, ids) -> list[str | None]:
        """``duplicate_of`` for every row added so far, given the rows' article ids."""
        ids = list(ids)
        out: list[str | None] = [None] * len(ids)
        for row, root in zip(*(x.tolist() for x in self.groups())):
            out[row] = ids[root]
        return out


def rank_published(published: pd.Series) -> np.ndarray:
    """Publication times as sortable int64 nanoseconds, undated after every date."""
    ts = pd.to_datetime(published, utc=True)
    values = ts.astype("int64").to_numpy(copy=True)
    values[ts.isna().to_numpy()] = np.iinfo(np.int64).max
    return values


def find_duplicates(articles: pd.DataFrame, *, containment: float = 0.8) -> pd.Series:
    """`duplicate_of` for every article: the `article_id` of its group's earliest (near-)identical one, or None.

    Articles are matched in table order with :class:`NearDuplicates` (MinHash LSH over word
    5-grams, confirmed when at least `containment` of the shorter text's 5-grams are estimated to
    be in the longer one); each group of copies then points to its earliest published member
    (undated last, ties to the earlier row). Exact copies (same words, any case or punctuation)
    always match.

    Examples
    --------
    >>> df = pd.DataFrame({"article_id": ["a", "b"], "text": ["Kyiv was shelled again overnight, officials said."] * 2,
    ...                    "published": pd.to_datetime(["2022-03-02", "2022-03-01"], utc=True)})
    >>> find_duplicates(df).tolist()
    ['b', None]
    """
    nd = NearDuplicates(containment)
    nd.add(signatures(articles["text"].tolist()), published=rank_published(articles["published"]))
    return pd.Series(nd.resolve(articles["article_id"].tolist()), index=articles.index, dtype=object)
