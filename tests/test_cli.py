"""framing.cli: `framing ingest` outputs, summary and exit codes (`framing report`: tests/test_report.py)."""

from __future__ import annotations


import pandas as pd
import pytest

from framing.cli import EXIT_NOTHING_READ, EXIT_OK, EXIT_STRICT, main
from framing import ingest, read_articles

from .conftest import SAMPLE


def test_ingest_writes_tables_and_prints_summary(tmp_path, capsys):
    assert main(["ingest", str(SAMPLE), "--out", str(tmp_path / "out"), "--quiet"]) == EXIT_OK
    out = capsys.readouterr().out
    for phrase in ["files: 21", "articles: 33 from 6 outlets", "rejects: 1 (malformed_json: 1)", "duplicates: 2", "elapsed:"]:
        assert phrase in out
    articles = read_articles(tmp_path / "out")
    rejects = pd.read_csv(tmp_path / "out" / "rejects.csv")
    assert len(articles) == 33 and rejects.columns.tolist() == ["source_path", "reason", "detail"]
    assert articles.equals(ingest(SAMPLE).articles)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["articles", "ingest.json", "rejects.csv"]  # no temp files
    assert [p.name for p in (tmp_path / "out" / "articles").iterdir()] == ["part-00000.parquet"]


def test_strict_turns_rejects_into_an_error(tmp_path, capsys):
    assert main(["ingest", str(SAMPLE), "--strict", "--quiet"]) == EXIT_STRICT
    assert "dnipro-ledger.jsonl#5: malformed_json" in capsys.readouterr().err


def test_nothing_readable_is_an_error_and_writes_nothing(tmp_path, capsys):
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "empty.txt").write_bytes(b"")
    assert main(["ingest", str(tmp_path / "raw"), "--quiet"]) == EXIT_NOTHING_READ
    assert "no article could be read" in capsys.readouterr().err


def test_bad_arguments_exit_2(tmp_path):
    with pytest.raises(SystemExit) as info:
        main(["ingest"])
    assert info.value.code == 2
    assert main(["ingest", str(tmp_path / "missing")]) == 2


# `framing report` is tested in tests/test_report.py (it builds the HTML report).
