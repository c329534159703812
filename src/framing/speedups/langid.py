"""Language identification of many texts at once, equal to ``py3langid.classify`` text by text.

py3langid counts byte n-gram features by walking an automaton over each text's bytes, one Python
step per byte. Here the automaton takes one NumPy step per byte position for a batch of texts at
once; each text's features are then scored exactly as py3langid scores them (the same arrays in the
same order, so the same floating-point sums). It reads py3langid's internals (version 0.4: the
identifier's ``_rowbase``, ``_alias_pairs``, ``tk_nextmove``, ``tk_output``, ``nb_ptc``); without
them every text goes through :func:`classify_reference`, the plain call.

py3langid ships its model as an xz-compressed npz and decompresses it in every process that
classifies (1.4-1.5 s here, before an ingest's workers start). The decompressed npz is kept in
framing's cache folder (``$FRAMING_CACHE_DIR``, else ``$XDG_CACHE_HOME/framing``, else
``~/.cache/framing``; 68 MB), keyed by py3langid's version and a digest of the model file (one copy
however many environments install it; a new key's copy replaces the others), and read from there
as py3langid itself reads it after decompressing (0.2-0.3 s). Where the folder cannot be written,
the model is read the library's way.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .._cache import memo

__all__ = ["cache_folder", "classify", "classify_reference", "identifier", "model"]

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

    identifier()  # the model from framing's cache, when it has one
    return [py3langid.classify(s)[0] for s in samples]


def cache_folder() -> Path:
    """Where framing keeps what it may compute again (the decompressed language model)."""
    if os.environ.get("FRAMING_CACHE_DIR"):
        return Path(os.environ["FRAMING_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "framing"


def identifier():
    """py3langid's identifier, as ``py3langid.classify`` uses it: read from the decompressed copy
    in :func:`cache_folder` when there is one (and written there the first time), else the
    library's way. The arrays are the ones py3langid reads from its own file (tested)."""
    from py3langid import langid

    if langid.IDENTIFIER is not None:
        return langid.IDENTIFIER
    try:
        langid.IDENTIFIER = _cached_identifier(langid)
    except (OSError, ValueError, KeyError, ImportError, AttributeError, TypeError):
        pass  # a read-only home, another py3langid: the library reads its own file
    return langid._get_identifier()


def _cached_identifier(langid):
    import hashlib
    import importlib.metadata
    import lzma
    import shutil

    from py3langid import modelio

    source = Path(langid.MODEL_DIR) / langid.MODEL_FILE
    version = importlib.metadata.version("py3langid")
    # keyed by the model's bytes (4.5 MB, hashed in milliseconds), not its file's time: every new
    # environment installs the same model with a new time, and each once left 68 MB behind
    digest = hashlib.blake2b(source.read_bytes(), digest_size=8).hexdigest()
    path = cache_folder() / f"py3langid-{version}-{digest}.npz"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            with lzma.open(source) as src, open(tmp, "wb") as dst:
                shutil.copyfileobj(src, dst, length=1 << 20)
            tmp.replace(path)  # whole or not at all: another process may be reading it
        finally:
            tmp.unlink(missing_ok=True)  # a disk that filled up half-way leaves nothing behind
        for stale in path.parent.glob("py3langid-*.npz"):  # other versions', and the old time-keyed copies
            if stale != path:
                try:
                    stale.unlink(missing_ok=True)  # (a process reading one keeps its open file)
                except OSError:
                    pass  # in use where that forbids it (Windows): left for the next time
    with np.load(path, allow_pickle=False) as data:  # as py3langid's modelio.load_model reads it
        ptc, pc, classes = data["ptc"], data["pc"], data["classes"].tolist()
        nextmove, row = modelio._to_array(data["nextmove"]), modelio._to_array(data["nextmove_row"])
        output = data["out_feat"].tolist()
    return langid.LanguageIdentifier(np.asarray(ptc), np.asarray(pc), classes, nextmove, output,
                                     norm_probs=False, tk_row=row)


@memo(maxsize=1)
def model():
    """py3langid's model as the batch path reads it (arrays shared by forked workers, so load it
    before forking), or None when its internals are not the ones :func:`_classify_batch` mirrors."""
    from py3langid import langid

    ident = identifier()
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

