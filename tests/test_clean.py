"""framing.ingestion.clean: pure cleaners, table-driven, with the inputs that must stay unchanged."""

from __future__ import annotations

import pytest

from framing.ingestion.clean import (
    clean_text,
    is_body_paragraph,
    line_key,
    normalize_whitespace,
    repair_glued_sentences,
)


@pytest.mark.parametrize(("raw", "fixed"), [
    ("lasting peace.Moscow launched", "lasting peace. Moscow launched"),
    ("in Kyiv.“We will", "in Kyiv. “We will"),
    ("the talks.”Moscow said", "the talks.” Moscow said"),
    ('"It was all done."Locals helped', '"It was all done." Locals helped'),
    ('he said."We stopped them."', 'he said. "We stopped them."'),
    # negatives: must stay unchanged
    ("a U.S.-supplied howitzer", "a U.S.-supplied howitzer"),
    ("the U.S.Army", "the U.S.Army"),
    ("worth 4.5 billion", "worth 4.5 billion"),
    ("see aljazeera.com for more", "see aljazeera.com for more"),
    ("Mr.Smith and St.Petersburg", "Mr.Smith and St.Petersburg"),
    ("e.g.This stays", "e.g.This stays"),
])
def test_repair_glued_sentences(raw, fixed):
    assert repair_glued_sentences(raw) == fixed


@pytest.mark.parametrize(("raw", "clean"), [
    ("Kyiv\u00a0\u00a0says", "Kyiv says"),
    ("a\r\nb\rc", "a\nb\nc"),
    ("soft\u00adhyphen and zero\u200bwidth", "softhyphen and zerowidth"),
    ("“curly” and \"straight\" and «guillemets» stay", "“curly” and \"straight\" and «guillemets» stay"),
])
def test_normalize_whitespace(raw, clean):
    assert normalize_whitespace(raw) == clean


@pytest.mark.parametrize(("line", "why"), [
    ("Views: 2684", "counters"),
    ("Tags: Politics, Russia", "tags"),
    ("Home News World", "nav"),
    ("Subscribe to our news on Telegram", "subscribe"),
    ("A man walks past a shelled building. REUTERS/Jane Doe", "caption"),
    ("Olaf Scholz in Kyiv (AP)", "caption"),
    ("[[title]]", "placeholder"),
    ("Photo: Jane Doe for the Herald", "caption"),
    ("See also: Talks stall again", "related"),
    ("Read more", "related"),
])
def test_chrome_lines_are_dropped_with_their_category(line, why):
    body = "The foreign ministers met in Geneva on Friday, officials said."
    cleaned = clean_text(f"{body}\n{line}\n{body} Again.")
    assert line not in cleaned.paragraphs
    assert (line, why) in cleaned.dropped


@pytest.mark.parametrize("line", [
    "Russia’s foreign minister said the talks would continue next week.",
    "Read more about the talks in our explainer, officials said on Monday.",
    "Home front: families in Kyiv prepare for a long winter without power.",
    "The AP reported the strike first, citing two officials.",
])
def test_prose_that_looks_a_little_like_chrome_is_kept(line):
    body = "The foreign ministers met in Geneva on Friday, officials said."
    assert line in clean_text(f"{body}\n{line}").paragraphs


def test_footer_block_ends_the_article_only_after_the_body_began():
    raw = ("Related Topics\nTalks resume in Geneva\n"
           "Diplomats from both sides met again in Geneva on Friday, officials said.\n"
           "Related Posts\nOther headline one\nOther headline two\n")
    cleaned = clean_text(raw)
    assert cleaned.paragraphs == ["Diplomats from both sides met again in Geneva on Friday, officials said."]
    assert ("Other headline two", "footer") in cleaned.dropped


def test_repeats_glued_copies_and_truncated_leads_go_once():
    p1 = "The talks in Geneva ended without agreement on Friday evening, officials said."
    p2 = "Both delegations promised to return to the table within a month."
    raw = "\n".join([p1[:40] + "...", p1.replace(". ", ".") + p2, p1, p2, p2])
    cleaned = clean_text(raw)
    assert cleaned.paragraphs == [p1, p2]
    assert [why for _, why in cleaned.dropped] == ["repeat", "repeat", "repeat"]


def test_glued_page_dump_is_cut_into_lines():
    raw = ("Ukraine war: A story - BBC NewsBBC HomepageSkip to contentHomeNewsSport"
           "Ukraine war: A storyPublished2 hours agoShareclose panelShare pageCopy linkAbout sharing"
           "Related TopicsRussia-Ukraine warBy Jane DoeBBC NewsThe shelling continued through the night, residents said."
           "More on this storyOther storyTop StoriesSomething elseHomeNewsSportTerms of Use")
    cleaned = clean_text(raw)
    assert cleaned.text == "The shelling continued through the night, residents said."
    assert any(line.startswith("By Jane Doe") for line in cleaned.header)


def test_headline_is_not_repeated_in_the_body():
    cleaned = clean_text("Talks resume\nTalks resume\nDiplomats met again in Geneva on Friday, officials said.",
                         title="Talks resume")
    assert cleaned.paragraphs == ["Diplomats met again in Geneva on Friday, officials said."]


@pytest.mark.parametrize(("line", "body"), [
    ("Lavrov told reporters Moscow was ready for dialogue.", True),
    ("“We are ready for talks,” he said.", True),
    ("Home News World", False),
    ("Blinken urges Lavrov to take diplomatic exit from crisis", False),
    ("Short one.", False),
])
def test_is_body_paragraph(line, body):
    assert is_body_paragraph(line) is body


def test_line_key_ignores_case_punctuation_and_trailing_ellipsis():
    assert line_key("Blinken said.Moscow…") == line_key("blinken said. Moscow")
    assert line_key("Kyiv") != line_key("Kiev")
