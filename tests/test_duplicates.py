"""framing.ingest.duplicates: exact copies, trimmed wire reprints, and look-alikes that are not copies."""

from __future__ import annotations

import pandas as pd

from framing.ingest.duplicates import find_duplicates

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
