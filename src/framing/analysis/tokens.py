"""Words for counting: one tokenizer and one stop-word list for keyness, collocations and similarity.

Stop words are scikit-learn's English list (shipped with scikit-learn, no download), plus a few
words that every news story uses ("said", "mr" …). scikit-learn's documentation is candid that its
list has known issues (it drops "computer", keeps no contractions); for keyness that matters little,
because a stop word only hides a term, it never invents one.
"""

from __future__ import annotations

import re

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from ..knowledge import ru_uk_stop_words

__all__ = ["STOP_WORDS", "RU_UK_STOP_WORDS", "TOKEN_PATTERN", "APOSTROPHES", "preprocess", "tokenize"]

#: Words of news prose that say nothing about framing, added to scikit-learn's list.
NEWS_STOP_WORDS = frozenset({"said", "says", "say", "mr", "ms", "mrs", "told", "according", "also", "just"})

#: Russian and Ukrainian function words (``framing/data/stopwords.yaml``, our own lists).
RU_UK_STOP_WORDS = ru_uk_stop_words()

#: The stop words used by default: scikit-learn's English list, NEWS_STOP_WORDS, and the Russian and
#: Ukrainian function words (they never meet English text, so English counts are unchanged).
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | NEWS_STOP_WORDS | RU_UK_STOP_WORDS

#: A token: two or more letters or digits starting with a letter, with inner hyphens or apostrophes
#: ("self-proclaimed", "o'clock"); single letters ("U.S." → "u", "s") are left out.
TOKEN_PATTERN = r"(?u)\b[^\W\d_][\w'\-]*[^\W_]\b"

_POSSESSIVE = re.compile(r"'s\b")
#: Characters read as an apostrophe (´ and ` stand in for one in some dumps); one character each, so
#: replacing them keeps every offset.
APOSTROPHES = re.compile("[\u2019\u02bc\u2018\u00b4`]")


def preprocess(text: str) -> str:
    """Lower-case, unify apostrophes and drop possessive 's ("Kyiv’s" → "kyiv").

    Examples
    --------
    >>> preprocess("Kyiv’s so-called Referendum")
    'kyiv so-called referendum'
    """
    return _POSSESSIVE.sub("", APOSTROPHES.sub("'", text.lower()))  # apostrophes first, then 's


_TOKEN = re.compile(TOKEN_PATTERN)


def tokenize(text: str, *, stop_words: frozenset[str] | None = STOP_WORDS) -> list[str]:
    """Tokens of `text` after :func:`preprocess`, without stop words.

    Examples
    --------
    >>> tokenize("The Kremlin said the so-called referendum in Donbass was 'legal'.")
    ['kremlin', 'so-called', 'referendum', 'donbass', 'legal']
    """
    tokens = _TOKEN.findall(preprocess(text))
    return [t for t in tokens if t not in stop_words] if stop_words else tokens
