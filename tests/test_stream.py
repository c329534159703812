"""framing.ingest_to / read_articles: streaming to partitioned Parquet gives the in-memory table,
copies are found across parts, split JSONL keeps its line numbers, and a failed run changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import framing
from framing.ingestion import tasks

from .conftest import CORPORA, need

WIRE = ("KYIV (Meridian) - Air raid sirens sounded across the capital before dawn on Tuesday and residents "
        "crowded into metro stations, the city administration said. Officials reported damage to a power "
        "substation in the east of the city and said repair crews were already at work. Schools moved to "
        "remote lessons for the day and the central railway station kept running on a reduced timetable.")


def _story(k: int) -> str:
    topics = ["grain shipments", "winter heating", "school repairs", "rail timetables", "border queues",
              "hospital supplies", "mine clearance", "bridge works", "water tariffs", "bus routes"]
    topic = topics[k % len(topics)]
    return (f"Story {k} is about {topic}. Council member number {k * 7} told reporters that the plan for "
            f"{topic} would be reviewed in committee {k % 5} next month, after residents of district {k * 3} "
            f"complained in letters numbered {k * 11} and {k * 13}. The budget line {k * 17} stays unchanged.")


def _raw_folder(root: Path, n: int = 24) -> Path:
    raw = root / "raw"
    raw.mkdir()
    rows = [{"outlet": "Demo Daily", "title": f"Story {k}", "published": f"2024-03-{k % 28 + 1:02d}",
             "text": _story(k)} for k in range(n)]
    rows[3]["text"], rows[3]["published"] = WIRE, "2024-03-10"
    rows[-2]["text"], rows[-2]["published"] = WIRE + " More later.", "2024-03-09"  # a later part, published earlier
    (raw / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows[: n // 2]), encoding="utf-8")
    (raw / "b.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows[n // 2:]) + "{broken\n",
                                 encoding="utf-8")
    return raw


def test_stream_equals_in_memory_and_finds_copies_across_parts(tmp_path):
    raw = _raw_folder(tmp_path)
    summary = framing.ingest_to(raw, tmp_path / "out", workers=2, chunk_bytes=1500, progress=False)
    back = framing.read_articles(tmp_path / "out")
    memory = framing.ingest(raw, chunk_bytes=1500)
    assert summary.parts > 4  # small chunks: the two JSONL files were split into many parts
    assert back.equals(memory.articles)
    # the copy sits in a later part but was published earlier, so it is the group's original
    wire = back[back["text"].str.startswith("KYIV (Meridian)")]
    assert len(wire) == 2 and wire["duplicate_of"].isna().sum() == 1
    original = wire[wire["duplicate_of"].isna()].iloc[0]
    assert original["published"] == pd.Timestamp("2024-03-09", tz="UTC")
    assert summary.n_duplicates == 1
    # every row is an article or a reject, and the reject names the file and line
    rejects = pd.read_csv(tmp_path / "out" / "rejects.csv")
    assert rejects["source_path"].tolist() == ["b.jsonl#13"] and rejects["reason"].tolist() == ["malformed_json"]
    assert summary.n_articles + summary.n_rejects == 25
    recorded = json.loads((tmp_path / "out" / "ingest.json").read_text())
    assert recorded["n_articles"] == 24 and recorded["n_files"] == 2


def test_failed_ingest_leaves_the_previous_output(tmp_path, monkeypatch):
    raw = _raw_folder(tmp_path)
    framing.ingest_to(raw, tmp_path / "out", workers=1, progress=False)
    before = {p.name: p.read_bytes() for p in (tmp_path / "out" / "articles").iterdir()}

    def boom(task, context=None):
        raise MemoryError("simulated")

    monkeypatch.setattr(tasks, "run_task", boom)
    with pytest.raises(MemoryError):
        framing.ingest_to(raw, tmp_path / "out", workers=1, progress=False)
    after = {p.name: p.read_bytes() for p in (tmp_path / "out" / "articles").iterdir()}
    assert after == before
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".ingest")]


def test_read_articles_columns_and_errors(tmp_path):
    raw = _raw_folder(tmp_path)
    framing.ingest_to(raw, tmp_path / "out", workers=1, progress=False)
    meta = framing.read_articles(tmp_path / "out", columns=["article_id", "published"])
    assert list(meta.columns) == ["article_id", "published"] and str(meta["published"].dtype) == "datetime64[ns, UTC]"
    with pytest.raises(FileNotFoundError, match="no articles"):
        framing.read_articles(tmp_path / "nowhere")


@pytest.mark.slow
def test_shared_corpus_streams_to_the_same_table():
    raw = need(CORPORA / "ukraine-war-en-2022-2023", "the shared war corpus")
    import tempfile

    with tempfile.TemporaryDirectory() as out:
        summary = framing.ingest_to(raw, out, workers=2, chunk_bytes=1_000_000, progress=False)
        back = framing.read_articles(out)
    assert summary.parts == 4
    assert back.equals(framing.ingest(raw, chunk_bytes=1_000_000).articles)
    assert back.equals(framing.ingest(raw).articles)  # here the chunking changes nothing


def test_parts_are_read_in_task_order_past_part_99999(tmp_path):
    raw = _raw_folder(tmp_path)
    framing.ingest_to(raw, tmp_path / "out", workers=1, chunk_bytes=1500, progress=False)
    parts = sorted((tmp_path / "out" / "articles").glob("part-*.parquet"))
    assert not [p for p in (tmp_path / "out").rglob("near-duplicates*")]  # the detector's state is gone
    expected = framing.read_articles(tmp_path / "out")
    # renumber: the first part becomes 99999 and the others 100000 and up, which sort before it as names
    for k, part in enumerate(parts):
        part.rename(part.with_name(f"part-{99_999 + k}.parquet"))
    assert framing.read_articles(tmp_path / "out").equals(expected)
