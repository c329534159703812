"""Language identification of many texts at once, equal to ``py3langid.classify`` text by text.

py3langid counts byte n-gram features by walking an automaton over each text's bytes, one Python
step per byte. Here the automaton takes one NumPy step per byte position for a batch of texts at
once; each text's features are then scored exactly as py3langid scores them (the same arrays in the
same order, so the same floating-point sums). It reads py3langid's internals (version 0.4: the
identifier's ``_rowbase``, ``_alias_pairs``, ``tk_nextmove``, ``tk_output``, ``nb_ptc``); without
them every text goes through :func:`classify_reference`, the plain call.
"""

from __future__ import annotations

import numpy as np

from .._cache import memo

__all__ = ["classify", "classify_reference", "model"]

_BATCH = 1024  # texts walked through the automaton together (at most ~20 MB of arrays)


def classify(samples: list[str]) -> list[str]:
    """The ISO 639-1 code py3langid gives each sample (no length check: callers decide "und").

    Examples
    --------
    >>> classify(["The talks went on in Geneva.", "Переговоры продолжились в Женеве."])
    ['en', 'ru']
    """
    found = model()
    if found is None:
        return classify_reference(samples)
    out: list[str] = []
    for lo in range(0, len(samples), _BATCH):
        out += _classify_batch(found, samples[lo:lo + _BATCH])
    return out


def classify_reference(samples: list[str]) -> list[str]:
    """The plain library call, one text at a time: what :func:`classify` must equal."""
    import py3langid

    return [py3langid.classify(s)[0] for s in samples]


@memo(maxsize=1)
def model():
    """py3langid's model as the batch path reads it (arrays shared by forked workers, so load it
    before forking), or None when its internals are not the ones :func:`_classify_batch` mirrors."""
    from py3langid import langid

    ident = langid._get_identifier()
    ok = (getattr(langid, "RAW_FLOOR", None) is not None and hasattr(ident, "_rowbase")
          and hasattr(ident, "_alias_pairs") and getattr(ident, "_norm_probs", True) is False
          and getattr(ident, "min_confidence", 0) is None and np.ndim(ident.tk_output) == 1)
    # the automaton as py3langid holds it (uint32: a copy in int64 would double it)
    arrays = (np.asarray(ident.tk_nextmove), *(np.asarray(x, dtype=np.int64) for x in (ident._rowbase, ident.tk_output)))
    return (ident, ident.nb_ptc.astype(np.float32), *arrays) if ok else None


def _classify_batch(found, samples: list[str]) -> list[str]:
    from py3langid import langid

    # the scores table in float32: float16 -> float32 is exact, and so is the product (py3langid
    # multiplies float32 counts by the float16 table, which NumPy does in float32); widening each
    # text's rows instead would save memory but cost time per article
    ident, table, nextmove, rowbase, output = found
    encoded = [ident._encode(s) for s in samples]
    n = len(encoded)
    lengths = np.array([len(e) for e in encoded], dtype=np.int64)
    order = np.argsort(-lengths, kind="stable")  # longest first: the texts still walking are a prefix
    width = int(lengths.max()) if n else 0
    data = np.zeros((width, n), dtype=np.uint8)
    for row, i in enumerate(order.tolist()):
        data[:lengths[i], row] = np.frombuffer(encoded[i], dtype=np.uint8)
    left = lengths[order]
    state = np.zeros(n, dtype=np.int64)
    feats = np.full((width, n), -1, dtype=np.int32)
    alive = n
    for pos in range(width):  # one automaton step for every text still walking
        while alive and left[alive - 1] <= pos:
            alive -= 1
        step = nextmove[rowbase[state[:alive]] + data[pos, :alive]]
        state[:alive] = step
        feats[pos, :alive] = output[step]
    # each text's features with their counts, in order of first appearance (as collections.Counter)
    seen = feats.T >= 0
    rows, _ = np.nonzero(seen)
    span = np.int64(table.shape[0])  # feature ids are rows of the table
    hits = rows * span + feats.T[seen]  # text by text, each in position order
    o = np.argsort(hits, kind="stable")  # (the hits come in runs, one a text: a stable sort is quick)
    ordered = hits[o]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    counts = np.diff(np.r_[starts, len(ordered)])
    first = o[starts]  # a key's first hit (stable: the earliest); hit order is text order, then position
    group_at = np.full(len(hits), -1, dtype=np.int64)
    group_at[first] = np.arange(len(starts))
    groups = group_at[group_at >= 0]  # the keys in order of their first hit, without a sort
    keys, counts = ordered[starts][groups], counts[groups]
    by_row, feat = keys // span, keys % span
    bounds = np.searchsorted(by_row, np.arange(n + 1))
    result = [""] * n
    for row, i in enumerate(order.tolist()):
        lo, hi = bounds[row], bounds[row + 1]
        if hi == lo:
            scores = np.full(len(ident.nb_classes), langid.RAW_FLOOR, dtype=np.float32)
        else:
            idx = feat[lo:hi].astype(np.intp)
            scores = np.log1p(counts[lo:hi].astype(np.float32)) @ table[idx] + ident.nb_pc
        for a, b in ident._alias_pairs:
            scores[a] = max(scores[a], scores[b])
            scores[b] = langid.RAW_FLOOR
        result[i] = ident.nb_classes[int(scores.argmax())]
    return result

