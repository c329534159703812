"""framing.ingestion.readers: encodings, binary sniffing, tabular exports, manifests, bounded memory."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

import framing
from framing.ingestion.readers import DecodeError, decode_bytes, read_manifest

TEXT = "«Специальная военная операция» — said the minister. “Kyiv’s” answer came late."


@pytest.mark.parametrize(("text", "encoding", "reported"), [
    ("Plain ASCII news text.", "utf-8", "utf-8"),
    (TEXT, "utf-8", "utf-8"),
    (TEXT, "utf-8-sig", "utf-8-bom"),
    (TEXT, "utf-16", "utf-16"),
    (TEXT, "cp1251", "cp1251"),
    ("Café au lait, naïve résumé — “quoted” text.", "cp1252", "cp1252"),
    ("Zażółć gęślą jaźń – mówił minister.", "cp1250", "cp1250"),
    ("Российская армия отошла от города", "koi8_r", "koi8_r"),
])
def test_decode_detects_and_records_the_encoding(text, encoding, reported):
    decoded, enc = decode_bytes(text.encode(encoding))
    assert decoded == text
    assert enc == reported


@pytest.mark.parametrize(("data", "kind"), [
    (b"%PDF-1.4\n%\xe2\xe3", "PDF"), (b"PK\x03\x04\x14\x00", "ZIP"), (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\x1f\x8b\x08\x00", "gzip"), (bytes(range(32)) * 20, "control characters"),
])
def test_binary_content_is_judged_by_bytes_not_by_name(data, kind):
    with pytest.raises(DecodeError, match=kind) as info:
        decode_bytes(data)
    assert info.value.reason == "binary"


def test_text_starting_like_an_archive_name_is_still_text():
    # `file` mistakes a seed starting with "Blinken" for an archive; content decides here
    assert decode_bytes(b"Blinken refused the meeting.\n")[0].startswith("Blinken")


def test_export_columns_are_mapped_and_cleaned(tmp_path):
    rows = [{"headline": "Kyiv under fire", "content": "Home News World\nMissiles struck Kyiv overnight, officials said on Monday.",
             "publishedAt": "2022-03-01T05:00:00Z", "link": "https://www.theguardian.com/x", "source": {"name": "The Guardian"},
             "byline": ["A. Writer", "B. Writer"]}]
    (tmp_path / "export.json").write_text(json.dumps({"articles": rows}))
    row = framing.ingest(tmp_path).articles.iloc[0]
    assert row["title"] == "Kyiv under fire"
    assert row["text"] == "Missiles struck Kyiv overnight, officials said on Monday."
    assert row["outlet"] == "The Guardian" and row["outlet_evidence"] == "export column"
    assert row["author"] == "A. Writer, B. Writer"
    assert str(row["published"]) == "2022-03-01 05:00:00+00:00"
    assert row["source_path"] == "export.json#1"


def test_explicit_mapping_covers_other_column_names(tmp_path):
    (tmp_path / "odd.csv").write_text('Story Body,Head\n"Shelling continued near Kharkiv on Tuesday, the mayor said.",Kharkiv\n')
    assert framing.ingest(tmp_path).rejects["reason"].tolist() == ["no_text_column"]
    corpus = framing.ingest(tmp_path, mapping={"text": "Story Body", "title": "Head"})
    assert corpus.articles["title"].tolist() == ["Kharkiv"]
    assert corpus.articles["source_path"].tolist() == ["odd.csv#2"]


def test_csv_row_numbers_count_physical_lines(tmp_path):
    (tmp_path / "rows.csv").write_text(
        'title,text\nOne,"First paragraph of the story, as told by the agency.\n\nSecond paragraph follows here."\n'
        'Two,"Another article body that is long enough to keep."\n')
    assert framing.ingest(tmp_path).articles["source_path"].tolist() == ["rows.csv#2", "rows.csv#5"]


def test_manifest_overrides_inference(tmp_path):
    (tmp_path / "a.txt").write_text("MOSCOW (Sputnik) - Talks resumed in Minsk on Monday, officials said.\n")
    (tmp_path / "sources.csv").write_text("file,outlet,url,published\na.txt,Demo Daily,https://demo.example/a,2022-02-24\n")
    row = framing.ingest(tmp_path).articles.iloc[0]
    assert (row["outlet"], row["outlet_evidence"]) == ("Demo Daily", "manifest")
    assert row["url"] == "https://demo.example/a" and str(row["published"]) == "2022-02-24 00:00:00+00:00"
    entries = read_manifest(tmp_path / "sources.csv")
    assert list(entries.values()) == [{"outlet": "Demo Daily", "url": "https://demo.example/a", "published": "2022-02-24"}]


def test_manifest_without_file_column_names_the_file(tmp_path):
    (tmp_path / "m.csv").write_text("name,outlet\na.txt,X\n")
    with pytest.raises(ValueError, match=r"m\.csv: manifest needs a 'file' column"):
        read_manifest(tmp_path / "m.csv")


@pytest.mark.parametrize("suffix", [".txt", ".jsonl"])
def test_a_100_mb_single_line_file_is_handled_in_bounded_memory(tmp_path, suffix):
    big = tmp_path / f"big{suffix}"
    with big.open("wb") as fh:
        for _ in range(100):
            fh.write(b"x" * 1_000_000)
    (tmp_path / f"ok{suffix}").write_text(
        json.dumps({"text": "Officials said the talks in Geneva would go on next week."}) if suffix == ".jsonl"
        else "Officials said the talks in Geneva would go on next week.\n")
    script = textwrap.dedent(f"""
        import resource, framing
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        corpus = framing.ingest({str(tmp_path)!r})
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(len(corpus.articles), corpus.rejects["reason"].tolist(), (after - before) // 1024)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split()
    n_articles, reasons, grew_mb = int(out[0]), out[1], int(out[-1])
    assert n_articles == 1 and "too_large" in reasons
    assert grew_mb < 40, f"peak memory grew by {grew_mb} MB reading a 100 MB line"


def test_blank_jsonl_file_is_rejected_not_lost(tmp_path):
    # found by the hypothesis test: a JSONL file holding only a tab gave neither article nor reject
    (tmp_path / "blank.jsonl").write_bytes(b"\t\n\n")
    corpus = framing.ingest(tmp_path)
    assert corpus.articles.empty
    assert corpus.rejects[["source_path", "reason"]].values.tolist() == [["blank.jsonl", "empty"]]


@pytest.mark.parametrize(("name", "content"), [
    ("none.json", b"[]"),  # found by the hypothesis test: neither article nor reject
    ("none-wrapped.json", b'{"articles": []}'),
    ("header-only.csv", b"title,text,date\n"),
])
def test_export_without_rows_is_rejected_not_lost(tmp_path, name, content):
    (tmp_path / name).write_bytes(content)
    corpus = framing.ingest(tmp_path)
    assert corpus.articles.empty
    assert corpus.rejects[["source_path", "reason"]].values.tolist() == [[name, "empty"]]
    assert "no rows" in corpus.rejects["detail"].iloc[0]
