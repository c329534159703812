"""A word list as a trie regex matches what the longest-first alternation of the same words matches."""

from __future__ import annotations

import re

from hypothesis import given, settings, strategies as st

from framing.text.alternation import trie_alternation

WORDS = st.lists(st.text(alphabet="ab .", min_size=1, max_size=5), min_size=1, max_size=8)


@settings(max_examples=300, deadline=None)
@given(words=WORDS, text=st.text(alphabet="ab .\n", max_size=40))
def test_the_trie_finds_the_same_matches_as_the_longest_first_alternation(words, text):
    plain = re.compile("(?:" + "|".join(map(re.escape, sorted(words, key=len, reverse=True))) + ")")
    trie = re.compile(trie_alternation(words))
    assert [m.span() for m in trie.finditer(text)] == [m.span() for m in plain.finditer(text)]
    # and inside a larger pattern, where the engine backtracks into the alternation
    after = re.compile(plain.pattern + r"(?=b)"), re.compile(trie.pattern + r"(?=b)")
    assert [m.span() for m in after[1].finditer(text)] == [m.span() for m in after[0].finditer(text)]


PHRASES = st.lists(st.lists(st.text(alphabet="ab.", min_size=1, max_size=3), min_size=1, max_size=3).map(" ".join),
                   min_size=1, max_size=8)  # words with single spaces between them, as verb forms are


@settings(max_examples=300, deadline=None)
@given(words=PHRASES, text=st.text(alphabet="ab .\n\t", max_size=40))
def test_a_space_in_a_word_may_stand_for_any_white_space(words, text):
    plain = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))
    trie = trie_alternation(words, space=r"\s+")
    assert [m.span() for m in re.finditer(trie, text)] == [m.span() for m in re.finditer(f"(?:{plain})", text)]
