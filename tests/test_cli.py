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


def test_version_and_help_show_examples(capsys):
    import framing

    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0 and capsys.readouterr().out.strip() == f"framing {framing.__version__}"
    for command in ("init", "ingest", "report"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        text = capsys.readouterr().out
        examples = text.split("examples:")[1]
        assert examples.count(f"framing {command}") >= 2, command


def test_ingest_takes_outlets_boilerplate_and_mapping_from_the_command_line(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "export.csv").write_text(
        "Headline,Body Text,Day,Link\n"
        "Grain corridor reopens,\"The grain corridor reopened on Monday, port officials in Odesa said. "
        "Ships left with wheat for Egypt and Spain.\n\nSubscribe to the Lighthouse Post\",2022-08-01,"
        "https://lighthouse-post.example/grain\n", encoding="utf-8")
    outlets = tmp_path / "outlets.yaml"
    outlets.write_text("outlets:\n  - {name: Lighthouse Post, domains: [lighthouse-post.example]}\n", encoding="utf-8")
    rules = tmp_path / "rules.yaml"
    rules.write_text("drop:\n  promo:\n    - '^Subscribe to the Lighthouse Post$'\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["ingest", str(raw), "--out", str(out), "--quiet", "--outlets", str(outlets), "--boilerplate", str(rules),
            "--mapping", "title=Headline", "--mapping", "text=Body Text", "--mapping", "published=Day",
            "--mapping", "url=Link"]
    assert main(args) == EXIT_OK
    row = read_articles(out).iloc[0]
    assert row["outlet"] == "Lighthouse Post" and row["title"] == "Grain corridor reopens"
    assert "Subscribe" not in row["text"] and row["text"].startswith("The grain corridor reopened")
    assert str(row["published"].date()) == "2022-08-01"
    # bad input on the command line: exit 2, naming the flag or the file
    assert main(["ingest", str(raw), "--mapping", "text"]) == 2
    assert "--mapping 'text': write FIELD=COLUMN" in capsys.readouterr().err
    assert main(["ingest", str(raw), "--outlets", str(tmp_path / "nope.yaml")]) == 2
    assert "--outlets" in capsys.readouterr().err
    outlets.write_text("outlets: [unclosed", encoding="utf-8")
    assert main(["ingest", str(raw), "--outlets", str(outlets)]) == 2
    assert "outlets.yaml: not valid YAML" in capsys.readouterr().err


def test_init_makes_a_project_and_never_overwrites(tmp_path, capsys):
    from framing.resources import NOTEBOOKS

    proj = tmp_path / "study"
    assert main(["init", str(proj)]) == EXIT_OK
    made = sorted(p.relative_to(proj).as_posix() for p in proj.rglob("*") if p.is_file())
    assert made == ["Makefile", "README.md", "data/processed/.gitkeep", "data/raw/README.md",
                    *[f"notebooks/{p.name}" for p in sorted(NOTEBOOKS.glob("[0-9]*.ipynb"))], "reports/.gitkeep"]
    assert (proj / "notebooks" / "01_corpus.ipynb").read_bytes() == (NOTEBOOKS / "01_corpus.ipynb").read_bytes()
    assert "framing report" in (proj / "Makefile").read_text()
    (proj / "README.md").write_text("my own notes\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["init", str(proj)]) == 2
    assert "exists; framing init never overwrites a file" in capsys.readouterr().err
    assert (proj / "README.md").read_text() == "my own notes\n"
    # raw README files are not read as articles: a fresh project ingests nothing, and says so
    assert main(["ingest", str(proj / "data" / "raw"), "--quiet"]) == EXIT_NOTHING_READ
