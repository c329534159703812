"""Tabular and JSON exports as researchers have them: CSV dialects, JSON shapes, every row accounted for."""

from __future__ import annotations

import csv
import io
import json
import random

import pandas as pd
import pytest

import framing
from framing.ingestion.readers import csv_dialect

WORDS = ("officials", "said", "the", "talks", "in", "Kyiv", "would", "resume", "grain", "corridor", "ministry",
         "spokesman", "shelling", "overnight", "residents", "port", "convoy", "mayor", "reporters", "ceasefire")


def _body(rng: random.Random) -> str:
    """A paragraph or two of our own made-up news prose, full of what breaks naive CSV: commas,
    doubled and curly quotes, semicolons, tabs, pipes and line breaks."""
    parts = []
    for _ in range(rng.randint(2, 6)):
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20)))
        shape = rng.random()
        if shape < 0.3:
            words = f'"{words.capitalize()}," the {rng.choice(WORDS)} said; "we will not stop."'
        elif shape < 0.45:
            words = f"{words.capitalize()} | {rng.choice(WORDS)}\t{rng.choice(WORDS)}, “{rng.choice(WORDS)}”."
        else:
            words = words.capitalize() + ", officials said."
        parts.append(words)
    return ("\n\n" if rng.random() < 0.3 else " ").join(parts)


def _rows(n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    return [{"Date": f"2022-0{1 + i % 9}-1{i % 10}", "URL": f"https://news.example/{i}",
             "Title": f'Story {i}: "{rng.choice(WORDS)}", {rng.choice(WORDS)}', "Text": _body(rng)} for i in range(n)]


@pytest.mark.parametrize(("delimiter", "name", "suffix"), [(",", "csv", ".csv"), (";", "csv:semicolon", ".csv"),
                                                         ("\t", "csv:tab", ".tsv"), ("|", "csv:pipe", ".csv")])
def test_1000_rows_full_of_quotes_come_back_as_pandas_reads_them(tmp_path, delimiter, name, suffix):
    rows = _rows(1000)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    (tmp_path / f"export{suffix}").write_text(buffer.getvalue(), encoding="utf-8")
    expected = pd.read_csv(io.StringIO(buffer.getvalue()), sep=delimiter, keep_default_na=False)
    corpus = framing.ingest(tmp_path)
    assert len(expected) == 1000
    assert corpus.rejects.empty, corpus.rejects.head()
    assert len(corpus.articles) == 1000
    assert set(corpus.articles["reader"]) == {name}
    got = corpus.articles.sort_values("source_path", key=lambda s: s.str.split("#").str[1].astype(int))
    assert got["url"].tolist() == expected["URL"].tolist()
    assert got["title"].tolist() == expected["Title"].tolist()


def test_pandas_to_csv_output_is_read_whole(tmp_path):
    frame = pd.DataFrame(_rows(300, seed=11))
    frame.to_csv(tmp_path / "pandas.csv", index=False)
    corpus = framing.ingest(tmp_path)
    assert len(corpus.articles) == 300 and corpus.rejects.empty


@pytest.mark.parametrize(("text", "name"), [
    ('title,text\n"A ""quoted"" word","Body, with a comma"\n', "csv"),
    ("title;text\nKyiv;Talks went on, officials said.\n", "csv:semicolon"),
    ("title\ttext\nKyiv\tTalks went on, officials said; the mayor agreed.\n", "csv:tab"),
])
def test_the_dialect_that_fits_every_row_is_chosen(text, name):
    assert csv_dialect(text)[0] == name


def test_bom_and_nul_bytes_do_not_lose_rows(tmp_path):
    body = "Talks in Kyiv went on, officials said on Monday, and the port reopened."
    data = ("\ufefftitle,text\nOne,\"" + body + "\"\nTwo,\"" + body.replace("port", "po\x00rt") + "\"\n").encode("utf-8")
    (tmp_path / "odd.csv").write_bytes(data)
    corpus = framing.ingest(tmp_path)
    assert corpus.articles["title"].tolist() == ["One", "Two"]


def test_doubled_quotes_after_the_first_rows_are_still_read(tmp_path):
    # the sniffer looks at the first 20,000 characters: with no "" there it guessed "no doubled
    # quotes", and every later row holding a quotation split (341 rows of 1,501 in real exports)
    rng = random.Random(3)
    plain = [{"Date": "2022-03-01", "URL": f"https://news.example/p{i}", "Title": f"Plain {i}",
              "Text": " ".join(rng.choice(WORDS) for _ in range(40))} for i in range(300)]
    quoted = _rows(200, seed=5)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(plain[0]))
    writer.writeheader()
    writer.writerows(plain + quoted)
    (tmp_path / "export.csv").write_text(buffer.getvalue(), encoding="utf-8")
    assert len(pd.read_csv(io.StringIO(buffer.getvalue()))) == 500
    corpus = framing.ingest(tmp_path)
    assert corpus.rejects.empty, corpus.rejects["detail"].head().tolist()
    assert len(corpus.articles) == 500 and set(corpus.articles["reader"]) == {"csv"}
