"""framing.ingest / framing.load on the seeds (golden cases), the demo corpus, and hostile input."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import framing
from framing.schema import ARTICLE_COLUMNS

# Expected metadata of the five seeds. Body sentences are asserted by short phrases only:
# the seeds' text stays in ../shared.
SEED_GOLDEN = {
    "000_83d615d524f7c745.txt": dict(
        title_start="Blinken refused to meet with Lavrov", outlet="PolitNavigator", wire=None,
        published="2022-02-23 06:46:00+00:00", author="Maxim Karpenko",
        first="US Secretary of State Antony Blinken refused", last="it takes this seriously,” Blinken said.",
        chrome=["Views:", "Ctrl + Enter", "Roskomnadzor", "Mon Tues", "Subscribe to", "Tags:", "Zen, Policy"]),
    "001_9758e7baec3deacb.txt": dict(
        title_start="Blinken Rules Out Talks", outlet="Sputnik", wire=None,
        published="2023-04-08 06:05:00+00:00", author=None,
        first="MOSCOW (Sputnik) - US Secretary of State", last="a legitimate target for Russian forces.",
        chrome=["date 2023-04-08", "06:05 GMT", "Sputnik International, 1920", "Anthony Blinken\n"]),
    "002_e2806ef9cf26c47d.txt": dict(
        title_start="Blinken urges Russia’s Lavrov", outlet="Cyprus Mail", wire="Reuters",
        published=None, author=None,
        first="U.S. Secretary of State Antony Blinken met", last="that could strike Moscow within minutes.",
        chrome=["Cyprus Mail", "REUTERS/", "Related Posts", "Reuters News Service", "grain cargo"]),
    "003_f98bac32dd0719b6.txt": dict(
        title_start="Ukraine-Russia war, Zhelensky", outlet="unknown", wire=None,
        published=None, author=None,
        first="After the start of the war in", last="invasion by Ukraine and the West.",
        chrome=["Read more", "See also", "Leave a Reply", "email address"]),
    "004_6518522b25c7a500.txt": dict(
        title_start="Sergei Lavrov urges Vladimir Putin", outlet="Press and Journal", wire="PA Media",
        published="2022-02-14 13:41:00+00:00", author="Press Association",
        first="Russia’s top diplomat advised", last="but also deterrence measures.",
        chrome=["An icon of", "Home News World", "(AP)", "[[title]]", "Already a subscriber", "More from the"]),
}


def _seed(corpus, name):
    rows = corpus.articles[corpus.articles["source_path"] == name]
    assert len(rows) == 1, f"{name} should give exactly one article"
    return rows.iloc[0]


@pytest.mark.parametrize("name", sorted(SEED_GOLDEN))
def test_seed_metadata(seeds_corpus, name):
    want, row = SEED_GOLDEN[name], _seed(seeds_corpus, name)
    assert row["title"].startswith(want["title_start"])
    assert row["outlet"] == want["outlet"]
    assert (None if pd.isna(row["wire"]) else row["wire"]) == want["wire"]
    assert (None if pd.isna(row["author"]) else row["author"]) == want["author"]
    if want["published"] is None:
        assert pd.isna(row["published"]), "a caption or widget date is not a publication date"
    else:
        assert row["published"] == pd.Timestamp(want["published"])
    assert row["language"] == "en"


@pytest.mark.parametrize("name", sorted(SEED_GOLDEN))
def test_seed_body_is_clean_and_in_order(seeds_corpus, name):
    want, row = SEED_GOLDEN[name], _seed(seeds_corpus, name)
    paragraphs = row["text"].split("\n\n")
    assert paragraphs[0].startswith(want["first"])
    assert paragraphs[-1].endswith(want["last"])
    for chrome in want["chrome"]:
        assert chrome not in row["text"] + "\n", f"chrome {chrome!r} left in the body"
    assert not row["text"].startswith(row["title"]), "the headline is not repeated at the top of the body"
    sentences = [s for s in re.split(r"(?<=[.!?”])\s+", row["text"]) if len(s.split()) >= 5]
    assert len(sentences) == len(set(sentences)), "a sentence appears twice"
    assert row["dropped"], "the audit keeps the removed lines"
    assert len(row["dropped"]) == len(row["dropped_why"])


def test_seed_glued_copy_and_truncated_lead_go(seeds_corpus):
    row = _seed(seeds_corpus, "001_9758e7baec3deacb.txt")
    assert row["text"].count("Blinken claimed during his meeting") == 1
    assert "repeat" in row["dropped_why"]
    lead = _seed(seeds_corpus, "000_83d615d524f7c745.txt")
    assert lead["text"].count("refused a meeting with Russian Foreign Minister") == 1


def test_cited_outlets_are_not_the_publisher(seeds_corpus):
    row = _seed(seeds_corpus, "003_f98bac32dd0719b6.txt")
    assert "Sputnik News Agency quoted" in row["text"] and "Interfax" in row["text"]
    assert row["outlet"] == "unknown" and row["outlet_evidence"] == "none"


def test_articles_table_has_the_contract_columns_and_dtypes(sample_corpus):
    articles = sample_corpus.articles
    assert list(articles.columns[: len(ARTICLE_COLUMNS)]) == list(ARTICLE_COLUMNS)
    assert str(articles["published"].dtype) == "datetime64[ns, UTC]"
    assert articles["article_id"].str.fullmatch(r"[0-9a-f]{16}").all()
    assert (articles["n_words"] == articles["text"].str.split().str.len()).all()
    assert all(isinstance(x, list) for x in articles["dropped"])


def test_sample_corpus_reads_as_documented(sample_corpus):
    articles, rejects = sample_corpus.articles, sample_corpus.rejects
    assert len(articles) == 33 and sample_corpus.n_files == 21
    assert set(articles["outlet"]) == {"Northgate Herald", "Vostok Courier", "Harbourside Gazette",
                                       "Dnipro Ledger", "Continental Review", "Meridian Press Agency"}
    assert rejects[["source_path", "reason"]].values.tolist() == [["exports/dnipro-ledger.jsonl#5", "malformed_json"]]
    enc = dict(zip(articles["source_path"], articles["encoding"], strict=True))
    assert enc["vostok-courier/2022-04-12-talks-cp1251.txt"] == "cp1251"
    assert enc["harbourside-gazette/2022-11-12-kherson-utf16.txt"] == "utf-16"
    cp1251 = articles.set_index("source_path").loc["vostok-courier/2022-04-12-talks-cp1251.txt"]
    assert "«вынужденной мерой»" in cp1251["text"]
    assert cp1251["published"] == pd.Timestamp("2022-04-12 14:20", tz="UTC")  # 17:20 Moscow time


def test_reprints_point_at_the_wire_original(sample_corpus):
    articles = sample_corpus.articles.set_index("source_path")
    reprint = articles.loc["harbourside-gazette/2022-02-24-kyiv-reprint.txt"]
    original = articles.loc["exports/meridian-wire.csv#2"]
    assert reprint["duplicate_of"] == original["article_id"]
    assert reprint["wire"] == "Meridian Press Agency" and reprint["outlet"] == "Harbourside Gazette"
    assert articles["duplicate_of"].notna().sum() == 2


def test_recurring_outlet_chrome_is_removed_without_a_rule(sample_corpus):
    gazette = sample_corpus.articles[sample_corpus.articles["outlet"] == "Harbourside Gazette"]
    assert not gazette["text"].str.contains("Like us on Facebook|your town, your news").any()
    # without the line model, the lines recurring across the outlet's articles are what finds it
    no_model = framing.ingest(Path(__file__).resolve().parents[1] / "data/raw/sample",
                              boilerplate={"chrome_model": "off"}).articles
    gazette = no_model[no_model["outlet"] == "Harbourside Gazette"]
    assert not gazette["text"].str.contains("Like us on Facebook").any()
    assert gazette["dropped_why"].map(lambda why: "recurring" in why).all()


def test_ingesting_twice_gives_identical_tables(sample_corpus):
    again = framing.ingest(Path(__file__).resolve().parents[1] / "data/raw/sample")
    pd.testing.assert_frame_equal(sample_corpus.articles, again.articles)
    pd.testing.assert_frame_equal(sample_corpus.rejects, again.rejects)


def test_same_file_same_id_wherever_it_lies(tmp_path):
    data = "Kyiv says talks will go on\n\nUkrainian officials said on Monday that talks would go on in Geneva.\n"
    for sub in ("a", "b/c"):
        (tmp_path / sub).mkdir(parents=True)
        (tmp_path / sub / "x.txt").write_text(data, encoding="utf-8")
    articles = framing.ingest(tmp_path).articles
    assert articles["article_id"].nunique() == 1
    assert articles["duplicate_of"].notna().sum() == 1


def test_load_warns_with_one_line_summary(tmp_path):
    (tmp_path / "ok.txt").write_text("Talks resume\n\nDiplomats met again in Vienna on Tuesday, officials said.\n")
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.warns(UserWarning, match=r"1 articles from 2 files; 1 rejected \(empty: 1\)"):
        articles = framing.load(tmp_path)
    assert len(articles) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        framing.load(tmp_path / "ok.txt")


def _reconciles(corpus, root: Path) -> None:
    files = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    seen = set(corpus.articles["source_path"]) | set(corpus.rejects["source_path"])
    assert {s.split("#")[0] for s in seen} == files
    assert corpus.n_files == len(files)


def test_bad_files_become_rejects_and_counts_reconcile(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "scan.txt").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4)
    (tmp_path / "pic.html").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04" + b"\x00" * 32)
    (tmp_path / "chrome.txt").write_text("Home News World\nViews: 10\nTags: a, b\n")
    (tmp_path / "rows.jsonl").write_text(
        json.dumps({"title": "Talks", "text": "Negotiators met again in Istanbul on Tuesday, officials said."}) + "\n"
        + '{"title": "broken", "text": \n'
        + json.dumps({"headline": "No body here"}) + "\n\n")
    (tmp_path / "table.csv").write_text("headline,published\nA,2022-01-01\n")
    (tmp_path / "good.txt").write_text("Ceasefire talks\n\nOfficials in Kyiv said the ceasefire talks would resume next week.\n")
    corpus = framing.ingest(tmp_path)
    reasons = dict(zip(corpus.rejects["source_path"], corpus.rejects["reason"], strict=True))
    assert reasons == {
        "empty.txt": "empty", "scan.txt": "binary", "pic.html": "binary", "notes.docx": "unsupported_type",
        "chrome.txt": "no_body", "rows.jsonl#2": "malformed_json", "rows.jsonl#3": "no_text_column",
        "table.csv": "no_text_column",
    }
    detail = corpus.rejects.set_index("source_path")["detail"]
    assert "line 2" in detail["rows.jsonl#2"]
    assert "'headline', 'published'" in detail["table.csv"]
    assert sorted(corpus.articles["source_path"]) == ["good.txt", "rows.jsonl#1"]
    _reconciles(corpus, tmp_path)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(blobs=st.lists(st.binary(min_size=0, max_size=600), min_size=1, max_size=4),
       suffix=st.sampled_from([".txt", ".html", ".jsonl", ".json", ".csv"]))
def test_arbitrary_bytes_never_raise_and_always_reconcile(tmp_path_factory, blobs, suffix):
    root = tmp_path_factory.mktemp("fuzz")
    for i, blob in enumerate(blobs):
        (root / f"f{i}{suffix}").write_bytes(blob)
    corpus = framing.ingest(root)
    _reconciles(corpus, root)
    assert set(corpus.rejects["reason"]) <= {
        "empty", "binary", "undecodable", "no_body", "malformed_json", "malformed_csv", "no_text_column",
    }, corpus.rejects.to_dict("records")


def test_missing_path_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"nope: no such file or folder"):
        framing.ingest(tmp_path / "nope")
