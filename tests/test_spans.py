"""Quotation spans: the marks we know, nesting, apostrophes, and paragraphs as hard stops."""

from __future__ import annotations

import pytest

from framing.analysis.spans import QuoteIndex, find_quote_spans


def _quoted(text: str) -> list[str]:
    return [text[s.start:s.end] for s in find_quote_spans(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ('He said "we will win" today.', ["we will win"]),
        ("He said “we will win” today.", ["we will win"]),
        ("Il a dit «nous gagnerons» hier.", ["nous gagnerons"]),
        ("Er sagte „wir gewinnen“ heute.", ["wir gewinnen"]),
        ('"One," he said, "two."', ["One,", "two."]),
        ("“Outer ‘inner words’ end”", ["Outer ‘inner words’ end", "inner words"]),
        ("Russia’s army and the rebels’ positions", []),    # apostrophes are not quotes
        ("It's the people's choice, isn't it?", []),
        ("She called it 'madness' twice.", ["madness"]),
        ("the 1990s' economy", []),
    ],
)
def test_quote_marks(text, expected):
    assert _quoted(text) == expected


def test_unbalanced_quote_stops_at_the_end_of_its_paragraph():
    text = "“This quote never closes\nA new paragraph in the outlet's voice."
    spans = find_quote_spans(text)
    assert [(text[s.start:s.end], s.closed) for s in spans] == [("This quote never closes", False)]


def test_multi_paragraph_quote_convention():
    # each paragraph of a long quotation opens with a mark; only the last one closes
    text = "“First part of the statement.\n“Second part,” she said.\nNarration."
    spans = find_quote_spans(text)
    assert [text[s.start:s.end] for s in spans] == ["First part of the statement.", "Second part,"]
    assert [s.closed for s in spans] == [False, True]


def test_nested_depth_and_index_lookup():
    text = 'Lavrov said: "The so-called \'invasion\' is a lie." Then he left.'
    spans = find_quote_spans(text)
    assert [s.depth for s in spans] == [0, 1]
    idx = QuoteIndex(text)
    start = text.index("invasion")
    inner = idx.containing(start, start + len("invasion"))
    assert [text[s.start:s.end] for s in inner] == ["The so-called 'invasion' is a lie.", "invasion"]
    assert idx.containing(text.index("Then"), text.index("Then") + 4) == []


def test_stray_closing_straight_quote_is_ignored():
    assert _quoted('A 12" gun and "a quote" here') == ["a quote"]


def test_straight_marks_pair_in_turn_when_a_paragraph_holds_an_even_number():
    from framing.analysis.spans import find_quote_spans

    # a mark glued to the end of the sentence before it ("says." My…) opens the next quotation
    t = '"That was emotional," she says." My mum watched it on the phone." He watched it alone.'
    assert [t[s.start:s.end].strip() for s in find_quote_spans(t)] == [
        "That was emotional,", "My mum watched it on the phone."]
    odd = 'Related: "Talks stall in Geneva. Other story here and there.'
    assert find_quote_spans(odd) == []  # one stray mark still quotes nothing
