"""framing: compare how news outlets tell the same story."""

import logging

from .analysis import (
    HIT_COLUMNS, VOICES, Lexicon, LexiconError, compare, find_terms, kwic, load_lexicon,
    preference_over_time, test_independence,
)
from .ingest import Corpus, RulesError, clean_text, ingest, load, load_boilerplate, load_outlets
from .schema import ARTICLE_COLUMNS, REJECT_COLUMNS

__version__ = "0.1.0"
__all__ = [
    "Corpus", "ingest", "load", "clean_text", "load_boilerplate", "load_outlets", "RulesError",
    "ARTICLE_COLUMNS", "REJECT_COLUMNS", "__version__",
    "load_lexicon", "Lexicon", "LexiconError", "find_terms", "kwic", "compare", "preference_over_time",
    "test_independence", "HIT_COLUMNS", "VOICES",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
