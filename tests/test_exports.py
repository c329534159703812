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


# ------------------------------------------------------------------ JSON shapes seen in the wild


def test_a_body_given_as_a_list_of_paragraphs_keeps_its_paragraphs(tmp_path):
    paragraphs = ["Officials in the port city told reporters on Monday that the convoy had arrived.",
                  "Russia is ready to resume the grain talks, a ministry spokesman said later."]
    (tmp_path / "export.json").write_text(json.dumps([{"title": "Convoy arrives", "content": paragraphs}]))
    text = framing.ingest(tmp_path).articles["text"].iloc[0]
    assert text == "\n\n".join(paragraphs)
    assert "reporters., Russia" not in text


def test_news_please_json_is_read_with_its_own_keys(tmp_path):
    item = {"title": "Ceasefire talks", "maintext": "Talks on a ceasefire went on in the capital on Tuesday, "
            "officials said, as the shelling of the port continued.", "date_publish": "2022-03-08 10:15:00",
            "source_domain": "news.example", "url": "https://news.example/ceasefire", "authors": ["A. Writer"]}
    (tmp_path / "item.json").write_text(json.dumps(item))
    row = framing.ingest(tmp_path).articles.iloc[0]
    assert (row["title"], row["outlet"], row["author"]) == ("Ceasefire talks", "news.example", "A. Writer")
    assert str(row["published"]).startswith("2022-03-08 10:15")


def test_a_telegram_channel_export_gives_one_article_per_post(tmp_path):
    export = {"name": "Demo Channel", "type": "public_channel", "id": 1, "messages": [
        {"id": 1, "type": "service", "date": "2022-02-24T04:00:00", "date_unixtime": "1645675200",
         "actor": "Demo Channel", "action": "create_channel", "text": ""},
        {"id": 2, "type": "message", "date": "2022-02-24T05:00:00", "date_unixtime": "1645678800",
         "from": "Demo Channel", "text": "Explosions were heard in the capital early on Thursday, residents said."},
        {"id": 3, "type": "message", "date": "2022-02-24T06:00:00", "date_unixtime": "1645682400",
         "text": ["Officials in ", {"type": "bold", "text": "Kyiv"}, " urged residents to stay in shelters, "
                  "and the mayor said the metro would stay open all night."]},
        {"id": 4, "type": "message", "date": "2022-02-24T07:00:00", "date_unixtime": "1645686000",
         "photo": "photos/1.jpg", "text": ""},
    ]}
    (tmp_path / "result.json").write_text(json.dumps(export, ensure_ascii=False))
    corpus = framing.ingest(tmp_path)
    articles = corpus.articles.sort_values("source_path")
    assert articles["source_path"].tolist() == ["result.json#2", "result.json#3"]
    assert set(articles["outlet"]) == {"Demo Channel"} and set(articles["reader"]) == {"telegram"}
    assert articles["text"].iloc[1].startswith("Officials in Kyiv urged residents")
    assert str(articles["published"].iloc[0]) == "2022-02-24 05:00:00+00:00"
    assert dict(zip(corpus.rejects["source_path"], corpus.rejects["reason"])) == {
        "result.json#1": "service_message", "result.json#4": "no_body"}


def test_telegram_forwards_hashtags_and_subscribe_calls(tmp_path):
    export = {"name": "Demo Channel", "type": "public_channel", "id": 1, "messages": [
        {"id": 1, "type": "message", "date": "2022-03-01T05:00:00", "date_unixtime": "1646110800",
         "forwarded_from": "Other Channel",
         "text": "⚡️ Air raid sirens sounded across the eastern regions overnight, officials said in a statement."},
        {"id": 2, "type": "message", "date": "2022-03-01T06:00:00", "date_unixtime": "1646114400",
         "text": "🔴 Власти города сообщили о перебоях с электричеством в трёх районах после обстрела.\n"
                 "#новости #Харьков\n🔍 Подписывайтесь на наш канал"},
    ]}
    (tmp_path / "result.json").write_text(json.dumps(export, ensure_ascii=False))
    articles = framing.ingest(tmp_path).articles.sort_values("source_path").reset_index(drop=True)
    # a forwarded post is another channel's copy: its wire says whose, as for agency copy
    assert articles["wire"].fillna("").tolist() == ["Other Channel", ""]
    assert articles["outlet"].tolist() == ["Demo Channel", "Demo Channel"]
    post = articles.iloc[1]
    assert post["text"] == "🔴 Власти города сообщили о перебоях с электричеством в трёх районах после обстрела."
    assert dict(zip(post["dropped"], post["dropped_why"])) == {"#новости #Харьков": "tags",
                                                               "🔍 Подписывайтесь на наш канал": "subscribe"}


# ------------------------------------------------------------------ any outlet from its own evidence


def test_an_outlet_no_rule_knows_is_named_by_its_url_and_a_cited_link_never_is(tmp_path):
    body = ("Officials in the capital said on Monday that talks would resume, according to a report by "
            "[Ukrinform](https://www.ukrinform.net/rubric-polytics/1.html) and https://www.bbc.co.uk/news.")
    rows = [{"title": "Talks resume", "text": body, "url": "https://www.cbsnews.com/news/talks-resume/"},
            {"title": "No link of its own", "text": body}]
    (tmp_path / "export.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    articles = framing.ingest(tmp_path).articles.sort_values("source_path")
    assert articles["outlet"].tolist() == ["cbsnews.com", "unknown"]
    assert articles["outlet_evidence"].iloc[0] == "registered domain (www.cbsnews.com)"


def test_a_page_names_itself_with_its_site_name(tmp_path):
    page = ("<html><head><title>Port reopens</title><meta property='og:site_name' content='Harbour Gazette'>"
            "</head><body><article><h1>Port reopens</h1><p>The port reopened on Monday after a week of "
            "repairs, the harbour master said, and the first grain ship left at dawn.</p><p>Dock workers "
            "said the cranes had been tested twice before the ship was loaded overnight.</p></article></body></html>")
    (tmp_path / "page.html").write_text(page)
    row = framing.ingest(tmp_path).articles.iloc[0]
    assert (row["outlet"], row["outlet_evidence"]) == ("Harbour Gazette", "site name (page)")


@pytest.mark.parametrize(("value", "expected"), [
    ("Harbour Gazette", "Harbour Gazette"), ("SignOnSanDiego.com > News", "SignOnSanDiego.com"),
    ("Goal.com - Chelsea", "Goal.com"), ("www.kansascity.com | 01/12/2008", "kansascity.com"),
    ("© 2000 Rural Press Ltd.", None), ("Copyright (c) 2008 Demo Ventures", None), ("Home", None),
    ("Apple updates its laptops, doubles performance.", None), ("A headline that runs to many words here", None),
])
def test_a_site_name_is_taken_only_when_it_reads_as_a_name(value, expected):
    from framing.ingestion.meta import _site_name

    assert _site_name(value) == expected


# ------------------------------------------------------------------ compressed inputs


def test_compressed_files_and_zip_members_are_inputs(tmp_path):
    import bz2
    import gzip
    import lzma
    import zipfile

    story = "Talks in the capital went on for a second day, officials said, and the port stayed open.\n"
    rows = "\n".join(json.dumps({"title": f"Row {i}", "text": story}) for i in range(3)) + "\n"
    (tmp_path / "feed.jsonl.gz").write_bytes(gzip.compress(rows.encode()))
    (tmp_path / "story.txt.bz2").write_bytes(bz2.compress(story.encode()))
    (tmp_path / "table.csv.xz").write_bytes(lzma.compress(f'title,text\nOne,"{story.strip()}"\n'.encode()))
    with zipfile.ZipFile(tmp_path / "archive.zip", "w") as archive:
        archive.writestr("2022/a.txt", story)
        archive.writestr("2022/b.jsonl", rows)
        archive.writestr("notes.docx", b"PK\x03\x04 not read")
        archive.writestr("__MACOSX/2022/._a.txt", b"\x00\x05\x16\x07")
    (tmp_path / "broken.jsonl.gz").write_bytes(b"\x1f\x8b\x08\x00 this is not gzip")
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 truncated")
    corpus = framing.ingest(tmp_path)
    assert sorted(corpus.articles["source_path"]) == [
        "archive.zip/2022/a.txt", "archive.zip/2022/b.jsonl#1", "archive.zip/2022/b.jsonl#2", "archive.zip/2022/b.jsonl#3",
        "feed.jsonl.gz#1", "feed.jsonl.gz#2", "feed.jsonl.gz#3", "story.txt.bz2", "table.csv.xz#2"]
    assert dict(zip(corpus.rejects["source_path"], corpus.rejects["reason"])) == {
        "archive.zip/notes.docx": "unsupported_type", "broken.jsonl.gz": "corrupt_archive", "broken.zip": "corrupt_archive"}


def test_a_zip_bomb_stops_at_max_bytes(tmp_path):
    import zipfile

    with zipfile.ZipFile(tmp_path / "bomb.zip", "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.txt", b"a" * 30_000_000)
    corpus = framing.ingest(tmp_path, max_bytes=1_000_000)
    assert corpus.rejects[["source_path", "reason"]].values.tolist() == [["bomb.zip/big.txt", "too_large"]]


# ------------------------------------------------------------------ Markdown page dumps

_STORY = ("The harbour master said on Monday that the port would reopen after a week of repairs, and that "
          "the first grain ship had already been loaded overnight.")
_SECOND = ("Dock workers said the cranes had been tested twice, and a ministry spokesman told reporters "
           "that exports would resume \"as soon as the weather allows\".")

MARKDOWN_DUMPS = {
    # front matter (Firecrawl, trafilatura's Markdown, many agents' scrapers)
    "front.md": (f"---\ntitle: \"Port reopens after repairs\"\nsource: https://harbour.example/news/port\n"
                 f"date: 2022-03-08T09:30:00Z\nauthor: A. Writer\nscraped_at: 2026-01-02T03:04:05Z\n"
                 f"description: The port is open again.\n---\n\n[Skip to content](#main)\n\n"
                 f"* [Home](https://harbour.example/)\n* [World](https://harbour.example/world)\n"
                 f"* [Sport](https://harbour.example/sport)\n\n# Port reopens after repairs\n\n"
                 f"![A crane at dusk](https://harbour.example/crane.jpg)\n\n{_STORY}\n\n{_SECOND}\n\n"
                 f"## Related\n\n- [Grain prices fall](https://harbour.example/grain)\n"
                 f"- [Ferry strike ends](https://harbour.example/ferry)\n\nShare: [Twitter](https://t.example/s) | "
                 f"[Facebook](https://f.example/s)\n"),
    # a metadata block (crawl4ai-style)
    "block.md": (f"# Port reopens after repairs\n\n- **URL**: https://harbour.example/news/port\n"
                 f"- **Scraped at**: 2026-01-02 03:04:05\n- **Published**: 2022-03-08\n\n---\n\n"
                 f"{_STORY}\n\n{_SECOND}\n\nhttps://harbour.example/news/port\n"),
    # Jina Reader
    "jina.md": (f"Title: Port reopens after repairs\n\nURL Source: https://harbour.example/news/port\n\n"
                f"Published Time: 2022-03-08T09:30:00+00:00\n\nMarkdown Content:\n"
                f"Port reopens after repairs\n===========================\n\n{_STORY}\n\n"
                f"| Ship | Cargo |\n|---|---|\n| Aurora | grain |\n\n{_SECOND}\n"),
}


@pytest.mark.parametrize("name", sorted(MARKDOWN_DUMPS))
def test_a_markdown_dump_gives_its_metadata_and_a_clean_body(tmp_path, name):
    (tmp_path / name).write_text(MARKDOWN_DUMPS[name], encoding="utf-8")
    corpus = framing.ingest(tmp_path)
    assert corpus.rejects.empty
    row = corpus.articles.iloc[0]
    assert row["reader"] == "markdown"
    assert row["url"] == "https://harbour.example/news/port"
    assert str(row["published"]).startswith("2022-03-08")  # never the scrape time
    assert row["outlet"] == "harbour.example" and row["outlet_evidence"].startswith("registered domain")
    if name != "block.md":
        assert row["title"] == "Port reopens after repairs"
    text = row["text"]
    assert _STORY in text and _SECOND in text
    for chrome in ("](", "http", "Skip to content", "Twitter", "Grain prices fall", "**", "Scraped", "|"):
        assert chrome not in text, chrome
    if name == "front.md":
        assert row["author"] == "A. Writer"
        assert "link_list" in row["dropped_why"] and "image" in row["dropped_why"]


def test_a_markdown_dump_saved_as_txt_never_takes_the_scrape_time_as_published(tmp_path):
    (tmp_path / "renamed.txt").write_text(MARKDOWN_DUMPS["block.md"].replace("- **Published**: 2022-03-08\n", ""))
    row = framing.ingest(tmp_path).articles.iloc[0]
    assert pd.isna(row["published"])


# ------------------------------------------------------------------ columns that hold something else


def test_a_header_shifted_by_one_column_is_read_as_what_the_columns_hold(tmp_path):
    rng = random.Random(9)
    lines = ["Date,URL,Title,Text"]
    for i in range(40):  # a metadata export whose header is one column out: URL holds dates, Date holds URLs
        body = _body(rng).replace('"', '""')
        lines.append(f'https://news.example/{i},2022-03-{1 + i % 28:02d},Story {i},"{body}"')
    (tmp_path / "meta.csv").write_text("\n".join(lines) + "\n")
    with pytest.warns(UserWarning) as caught:
        corpus = framing.ingest(tmp_path)
    assert any("meta.csv: column 'URL' (read as url) holds no URLs but dates" in str(w.message) for w in caught)
    assert len(corpus.articles) == 40
    assert corpus.articles["url"].str.startswith("https://news.example/").all()
    assert corpus.articles["published"].notna().all()
    assert any("'Date' holds URLs" in n for n in corpus.notes)
    assert "note: meta.csv" in corpus.summary()


def test_a_text_column_of_short_strings_is_reported(tmp_path):
    rows = [{"text": f"Story {i}", "summary": "Talks in the port city went on for a second day. " * 8} for i in range(20)]
    (tmp_path / "export.json").write_text(json.dumps(rows))
    with pytest.warns(UserWarning, match="holds short strings"):
        corpus = framing.ingest(tmp_path)
    assert corpus.articles["text"].str.startswith("Talks in the port city").all()


def test_well_formed_exports_give_no_notes(tmp_path, recwarn):
    frame = pd.DataFrame(_rows(50, seed=2))
    frame.to_csv(tmp_path / "good.csv", index=False)
    corpus = framing.ingest(tmp_path)
    assert corpus.notes == [] and not [w for w in recwarn.list if "column" in str(w.message)]


def test_a_jsonl_export_with_a_url_column_of_dates_is_read_right_and_streamed_alike(tmp_path):
    rng = random.Random(4)
    rows = [{"url": f"2022-04-{1 + i % 28:02d}", "link_to_story": f"https://news.example/{i}", "text": _body(rng)}
            for i in range(300)]  # more rows than the check holds back
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    with pytest.warns(UserWarning, match="holds no URLs but dates"):
        corpus = framing.ingest(tmp_path / "raw")
    assert len(corpus.articles) == 300 and corpus.articles["published"].notna().all()
    assert corpus.articles["url"].str.startswith("https://news.example/").all()
    summary = framing.ingest_to(tmp_path / "raw", tmp_path / "out", workers=1, progress=False)
    assert summary.notes == corpus.notes
    assert framing.read_articles(tmp_path / "out")["url"].tolist() == corpus.articles["url"].tolist()


def test_a_post_that_is_only_its_headline_is_kept_once(tmp_path):
    # Telegram teasers: the export's title is the post's own text ("… Read more"); such posts were all no_body
    posts = [{"title": f"Convoy number {i} reached the port town on Monday Read more",
              "text": f"Convoy number {i} reached the port town on Monday Read more", "outlet": "Demo Channel"}
             for i in range(3)]
    (tmp_path / "channel.jsonl").write_text("\n".join(json.dumps(p) for p in posts) + "\n")
    corpus = framing.ingest(tmp_path)
    assert corpus.rejects.empty and len(corpus.articles) == 3
    assert corpus.articles["title"].isna().all()  # the words are counted once, as the text
    assert corpus.articles["text"].str.startswith("Convoy number").all()
    hits = framing.find_terms(corpus.articles.assign(text=corpus.articles["text"] + " Kyiv."))
    assert not hits["in_title"].any()


def test_a_post_without_a_title_whose_one_line_reads_like_a_headline_keeps_its_text(tmp_path):
    # an export with no title column: the first line becomes the headline, but a post that is only that
    # line kept it as its title with an empty text (528 posts of the shared Telegram export were so)
    posts = [{"id": 1, "text": "**Ferry service to the islands resumes after the storm**\n\nThe first boat left at six."},
             {"id": 2, "text": "Ferry service to the northern islands resumes after the storm"}]
    (tmp_path / "channel.jsonl").write_text("\n".join(json.dumps(p) for p in posts) + "\n")
    corpus = framing.ingest(tmp_path)
    first, second = corpus.articles.sort_values("source_path").to_dict("records")
    assert first["title"] == "Ferry service to the islands resumes after the storm"  # without the Markdown stars
    assert first["text"] == "The first boat left at six."
    assert second["text"] == "Ferry service to the northern islands resumes after the storm"
    assert pd.isna(second["title"]) and second["n_words"] == 10
