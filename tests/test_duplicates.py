"""framing.ingestion.duplicates: exact copies, trimmed wire reprints, and look-alikes that are not copies."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing.ingestion.clean import line_key
from framing.ingestion.duplicates import NUM_PERM, NearDuplicates, _band_keys, find_duplicates, signature, signatures

WIRE = ("KYIV, Feb 24 (WIRE) — Explosions were heard in the capital early on Thursday after an assault began, "
        "witnesses said. The foreign ministry called it a full-scale invasion and urged the world to act. "
        "Officials said air defences were working over several cities and asked residents to stay in shelters. "
        "Queues formed at petrol stations and cash machines as people tried to leave the city by car and train.")


def _table(texts, dates=None):
    n = len(texts)
    return pd.DataFrame({
        "article_id": [f"id{i}" for i in range(n)], "text": texts, "source_path": [f"f{i}" for i in range(n)],
        "published": pd.to_datetime(dates or [None] * n, utc=True),
    })


def test_exact_and_trimmed_copies_point_to_the_earliest():
    trimmed = WIRE.rsplit(" Queues", 1)[0]
    table = _table([WIRE, trimmed, WIRE.upper()], dates=["2022-02-24 09:00", "2022-02-24 05:00", "2022-02-25 00:00"])
    # id1 is earliest, so it is the original; id0 is a longer copy of it; id2 differs only in case
    assert find_duplicates(table).tolist() == ["id1", None, "id1"]


def test_same_topic_different_text_is_not_a_duplicate():
    other = ("Explosions were reported in the capital on Thursday. A different reporter wrote this account, "
             "with its own words about shelters, queues and trains leaving the city in a hurry for the west.")
    assert find_duplicates(_table([WIRE, other])).tolist() == [None, None]


def test_undated_articles_come_after_dated_ones():
    table = _table([WIRE, WIRE], dates=[None, "2022-03-01"])
    assert find_duplicates(table).tolist() == ["id1", None]


def _near_copies(n_base: int = 150, n_copies: int = 250, seed: int = 3) -> tuple[list[str], list[int]]:
    """Generated stories and copies of them trimmed or thinned at rates either side of the threshold,
    shuffled, with dates in random order (some missing)."""
    import random

    rng = random.Random(seed)
    vocabulary = [f"w{k}" for k in range(400)]
    stories = [" ".join(rng.choice(vocabulary) for _ in range(rng.randint(20, 160))) for _ in range(n_base)]
    texts = list(stories)
    for _ in range(n_copies):
        words = rng.choice(stories[:40]).split()
        rate = rng.choice([0.0, 0.02, 0.05, 0.1, 0.2, 0.35])
        words = [w for w in words if rng.random() >= rate]
        if rng.random() < 0.3:
            words = words[: max(1, int(len(words) * rng.uniform(0.5, 1)))]
        texts.insert(rng.randrange(len(texts) + 1), " ".join(words))
    big = np.iinfo(np.int64).max
    return texts, [rng.randrange(10**6) if rng.random() > 0.1 else big for _ in texts]


def _by_definition(sigs, published, containment: float = 0.8) -> dict[int, int]:
    """NearDuplicates' rule, written out pair by pair: in stream order, a row is a copy of the
    earliest earlier *original* that shares an LSH band with it and is estimated to contain it;
    then each group points to its earliest published member (ties: the earlier row)."""
    keys = _band_keys(np.stack([s for s, _ in sigs]))
    copy_of: dict[int, int] = {}
    for i in range(len(sigs)):
        for j in range(i):
            if j in copy_of or not (keys[i] == keys[j]).any():
                continue
            j_hat = float(np.count_nonzero(sigs[i][0] == sigs[j][0])) / NUM_PERM
            est = j_hat - 2 * (j_hat * (1 - j_hat) / NUM_PERM) ** 0.5
            a, b = sigs[i][1], sigs[j][1]
            if est * (a + b) / (1 + est) >= containment * min(a, b) - 1e-9:
                copy_of[i] = j
                break
    groups: dict[int, list[int]] = {}
    for row, orig in copy_of.items():
        groups.setdefault(orig, [orig]).append(row)
    out = {}
    for members in groups.values():
        root = min(members, key=lambda x: (published[x], x))
        out.update({x: root for x in members if x != root})
    return out


@pytest.mark.parametrize("batch", [1, 17, 10_000])
def test_near_duplicates_follow_the_rule_in_memory_and_on_disk(tmp_path, batch):
    texts, published = _near_copies()
    sigs = [signature(t) for t in texts]
    expected = _by_definition(sigs, published)
    assert 60 < len(expected) < 250  # some thinned copies are caught, others are not
    for folder in (None, tmp_path / "state", tmp_path / "state"):  # a folder used again starts afresh
        if folder is not None:
            folder.mkdir(exist_ok=True)
        with NearDuplicates(folder=folder) as nd:
            for lo in range(0, len(sigs), batch):
                nd.add(sigs[lo: lo + batch], published[lo: lo + batch])
            rows, roots = nd.groups()
        assert dict(zip(rows.tolist(), roots.tolist())) == expected, folder
        if folder is not None:  # the state really was on disk
            assert (folder / "near-duplicates.bin").stat().st_size == len(texts) * 280


def test_signatures_do_not_depend_on_the_batch(monkeypatch):
    from framing.ingestion import duplicates

    texts, _ = _near_copies(n_base=30, n_copies=20)
    texts += ["", "Two words", "Exactly five words in here.", "Кремль заявил: «переговоры» идут."]
    alone = [signature(t) for t in texts]
    monkeypatch.setattr(duplicates, "_CHUNK", 7)  # texts spread over chunks and shingle blocks
    monkeypatch.setattr(duplicates, "_BLOCK", 64)
    together = signatures(texts)
    assert len(together) == len(alone)
    for (a, na), (b, nb) in zip(alone, together, strict=True):
        assert na == nb and np.array_equal(a, b)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("ab Z9.\n“’—ßİДж_"), max_size=40), max_size=12))
def test_word_hashes_are_the_hashes_of_the_key_words(texts):
    from framing.ingestion.duplicates import _hash_strings, _word_hashes

    words = [line_key(t).split() for t in texts]
    hashes, lengths, _ = _word_hashes(texts)
    assert lengths.tolist() == [len(w) for w in words]
    flat = [w for ws in words for w in ws]
    assert hashes.tolist() == (_hash_strings(flat).tolist() if flat else [])


def test_unrelated_long_texts_agree_on_almost_no_signature_value():
    """A kept value is the lowest 16 bits of a minimum: two different minima agree by chance about
    1 time in 65,536, however long the texts (the top bits of a small minimum would agree far more
    often, and a long text's Jaccard estimate would creep up from 0)."""
    import random

    rng = random.Random(5)
    vocabulary = [f"w{k}" for k in range(50_000)]
    texts = [" ".join(rng.choice(vocabulary) for _ in range(3000)) for _ in range(60)]
    sigs = np.array([s for s, _ in signatures(texts)])
    agree = np.mean([np.mean(sigs[i] == sigs[i + 1]) for i in range(0, len(texts), 2)])
    assert agree < 0.001


def test_signature_estimates_jaccard_without_bias():
    """The estimate from two signatures against the exact Jaccard of the 5-gram sets: no bias, and
    the spread MinHash theory gives for 128 values (so the rule's two-standard-error margin holds)."""
    import random

    rng = random.Random(11)
    vocabulary = [f"w{k}" for k in range(3000)]
    errors, spread = [], []
    for _ in range(400):
        words = [rng.choice(vocabulary) for _ in range(rng.randint(80, 600))]
        rate = rng.uniform(0.0, 0.15)
        other = [w for w in words if rng.random() >= rate][: int(len(words) * rng.uniform(0.4, 1))]
        (a, na), (b, nb) = signatures([" ".join(words), " ".join(other)])
        shingles = [{tuple(ws[i: i + 5]) for i in range(len(ws) - 4)} for ws in (words, other)]
        assert (na, nb) == tuple(len(x) for x in shingles)  # exact distinct counts
        exact = len(shingles[0] & shingles[1]) / len(shingles[0] | shingles[1])
        errors.append(float(np.mean(a == b)) - exact)
        spread.append(exact * (1 - exact) / NUM_PERM)
    errors, theory = np.array(errors), float(np.sqrt(np.mean(spread)))
    assert abs(errors.mean()) < 0.006  # 400 pairs: the mean's own standard error is about 0.002
    assert 0.8 * theory < errors.std() < 1.2 * theory

