"""framing: compare how news outlets tell the same story."""

import logging

from .analysis import (
    HIT_COLUMNS, QUOTE_COLUMNS, VOICES, Lexicon, LexiconError, attribution_verbs, cited_sources,
    collocations, compare, count_terms, document_terms, find_quotes, find_terms, keyness, kwic, load_lexicon, load_speakers,
    independence, outlet_similarity, preference_over_time, speaker_share, test_independence,
    STORY_COLUMNS, Coverage, coverage, stories,
)
from .ingestion import (
    Corpus, IngestSummary, RulesError, clean_text, ingest, ingest_to, load, load_boilerplate, load_outlets,
    read_articles,
)
from .schema import ARTICLE_COLUMNS, REJECT_COLUMNS

__version__ = "0.1.0"
__all__ = [
    "Corpus", "ingest", "load", "ingest_to", "read_articles", "IngestSummary", "clean_text", "load_boilerplate", "load_outlets", "RulesError",
    "ARTICLE_COLUMNS", "REJECT_COLUMNS", "__version__",
    "load_lexicon", "Lexicon", "LexiconError", "find_terms", "kwic", "compare", "preference_over_time",
    "independence", "test_independence", "HIT_COLUMNS", "VOICES",
    "find_quotes", "load_speakers", "speaker_share", "attribution_verbs", "cited_sources", "QUOTE_COLUMNS",
    "keyness", "collocations", "outlet_similarity", "count_terms", "document_terms",
    "stories", "coverage", "Coverage", "STORY_COLUMNS",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
