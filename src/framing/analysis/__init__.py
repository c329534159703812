"""Articles → hits and tables: the lexicon, quotation spans, term matching, comparisons."""

from .compare import compare, group_keys, preference_over_time, test_independence
from .lexicon import Lexicon, LexiconError, load_lexicon
from .spans import find_quote_spans
from .terms import HIT_COLUMNS, VOICES, find_terms, kwic

__all__ = [
    "Lexicon", "LexiconError", "load_lexicon", "find_quote_spans", "find_terms", "kwic",
    "compare", "preference_over_time", "test_independence", "group_keys", "HIT_COLUMNS", "VOICES",
]
