"""Exact and near-duplicate articles: the same page scraped twice, the same wire copy in two outlets."""

from __future__ import annotations

import hashlib
import re

import pandas as pd
from datasketch import MinHash, MinHashLSH

__all__ = ["find_duplicates"]

_WORDS = re.compile(r"\w+")


def _shingles(text: str, size: int) -> set[bytes]:
    words = _WORDS.findall(text.casefold())
    if len(words) < size:
        return set()
    return {" ".join(words[i: i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


def find_duplicates(articles: pd.DataFrame, *, containment: float = 0.8, shingle_size: int = 5,
                    num_perm: int = 128) -> pd.Series:
    """`duplicate_of` for every article: the `article_id` of an earlier (near-)identical one, or None.

    Articles are taken in order of publication (undated last, then by `source_path`); the first of
    a group is the original. Exact copies match on their normalised words. Near copies are found
    with MinHash LSH over word 5-grams (candidates at Jaccard ≈ 0.5) and confirmed when at least
    `containment` of the shorter text's 5-grams appear in the longer one — so a trimmed reprint
    of wire copy is caught too.

    Examples
    --------
    >>> df = pd.DataFrame({"article_id": ["a", "b"], "text": ["Kyiv was shelled again overnight, officials said."] * 2,
    ...                    "published": pd.to_datetime(["2022-03-01", "2022-03-02"], utc=True), "source_path": ["x", "y"]})
    >>> find_duplicates(df).tolist()
    [None, 'a']
    """
    order = articles.assign(_undated=articles["published"].isna()).sort_values(
        ["_undated", "published", "source_path"], kind="stable").index
    lsh = MinHashLSH(threshold=0.5, num_perm=num_perm)
    exact: dict[str, str] = {}
    originals: dict[str, set[bytes]] = {}
    result = pd.Series([None] * len(articles), index=articles.index, dtype=object)
    for idx in order:
        aid, text = articles.at[idx, "article_id"], articles.at[idx, "text"]
        key = hashlib.sha1(" ".join(_WORDS.findall(text.casefold())).encode("utf-8")).hexdigest()
        if key in exact:
            result[idx] = exact[key]
            continue
        shingles = _shingles(text, shingle_size)
        match = None
        if shingles:
            mh = MinHash(num_perm=num_perm, seed=1)
            mh.update_batch(sorted(shingles))
            for cand in sorted(lsh.query(mh), key=lambda c: originals[c][0]):
                other = originals[cand][1]
                if len(shingles & other) >= containment * min(len(shingles), len(other)):
                    match = cand
                    break
        if match:
            result[idx] = match
            continue
        exact[key] = aid
        if shingles and aid not in originals:
            originals[aid] = (len(originals), shingles)
            lsh.insert(aid, mh)
    return result.where(result.notna(), None)
