"""No big silent deletions: a rule removes sentences, not whole paragraphs, and a large drop is noted."""

from __future__ import annotations

import json

import pandas as pd

import framing
from framing.ingestion.clean import clean_text

SENTENCES = [f"Sentence {i} of the wire story says the convoy reached the port town on Monday, officials said."
             for i in range(30)]


def test_a_caption_credit_at_the_end_of_a_one_line_wire_text_takes_only_itself():
    text = " ".join(SENTENCES) + " (AP Photo/Jane Doe)"
    cleaned = clean_text(text)
    assert cleaned.text == " ".join(SENTENCES)
    assert cleaned.dropped == [("(AP Photo/Jane Doe)", "caption")]


def test_a_bio_glued_to_the_body_loses_only_its_own_sentence():
    text = ("About the author: Jane Doe teaches history at a university in Virginia."
            "Nearly four years on, " + " ".join(SENTENCES))
    cleaned = clean_text(text)
    assert cleaned.text.startswith("Nearly four years on, Sentence 0")
    assert [why for _, why in cleaned.dropped] == ["about_author"]


def test_a_short_matching_line_is_still_dropped_whole():
    cleaned = clean_text("Photo: a crane at the port (AP)\n" + " ".join(SENTENCES[:5]))
    assert [why for _, why in cleaned.dropped] == ["caption"]


def test_a_drop_of_more_than_half_the_words_is_noted():
    chrome = "\n".join(f"Subscribe to our newsletter number {i} for the latest headlines every morning" for i in range(20))
    cleaned = clean_text(chrome + "\n" + " ".join(SENTENCES[:3]))
    notes = [line for line, why in cleaned.dropped if why == "large_drop"]
    assert len(notes) == 1 and "words were removed" in notes[0]
    assert not [why for _, why in clean_text(" ".join(SENTENCES)).dropped]


def test_a_one_line_wire_text_keeps_its_words_through_the_ingest(tmp_path):
    (tmp_path / "ap.jsonl").write_text('{"title": "Convoy arrives", "text": "' + " ".join(SENTENCES) + ' (AP Photo/Jane Doe)"}\n')
    article = framing.ingest(tmp_path).articles.iloc[0]
    assert article["n_words"] >= 0.95 * len(" ".join(SENTENCES).split())


def test_the_environment_can_follow_links_for_tools_that_link_their_inputs(tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text(" ".join(SENTENCES[:3]) + "\n")
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "linked.txt").symlink_to(elsewhere)
    assert framing.ingest(raw).rejects["reason"].tolist() == ["outside_root"]
    monkeypatch.setenv("FRAMING_FOLLOW_LINKS", "1")
    assert framing.ingest(raw).articles["source_path"].tolist() == ["linked.txt"]


def test_an_about_the_author_block_names_the_author_and_leaves_the_body(tmp_path):
    text = ("Ceasefire talks need a referee\n\n" + " ".join(SENTENCES[:6]) + "\n\n"
            "About the author: Jane Doe is a historian at a university in Virginia.\n")
    (tmp_path / "op-ed.txt").write_text(text)
    article = framing.ingest(tmp_path).articles.iloc[0]
    assert article["author"] == "Jane Doe"
    assert "Virginia" not in article["text"] and "about_author" in article["dropped_why"]


def test_an_authors_line_is_the_byline(tmp_path):
    (tmp_path / "piece.txt").write_text("Ceasefire talks need a referee\nAuthors: Jane Doe and John Roe\n\n"
                                         + " ".join(SENTENCES[:6]) + "\n")
    assert framing.ingest(tmp_path).articles["author"].tolist() == ["Jane Doe and John Roe"]


def test_a_call_to_read_on_at_the_end_of_a_teaser_goes_and_the_teaser_stays(tmp_path):
    from framing.ingestion.clean import clean_text

    cleaned = clean_text("В Україні відкрили нову лінію метро, повідомили у міській раді Читати далі")
    assert cleaned.paragraphs == ["В Україні відкрили нову лінію метро, повідомили у міській раді"]
    assert cleaned.dropped == [("Читати далі", "related")]
    assert clean_text("Users can read more on the site, officials said.").dropped == []  # lower case: prose
    post = "Convoy number 7 reached the port town on Monday Read more"
    (tmp_path / "channel.jsonl").write_text(json.dumps({"title": post, "text": post}) + "\n")
    article = framing.ingest(tmp_path).articles.iloc[0]
    assert article["text"] == "Convoy number 7 reached the port town on Monday" and pd.isna(article["title"])
