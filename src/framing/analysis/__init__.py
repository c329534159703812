"""Articles → hits and tables: the lexicon and its matcher, quotation spans, term counts, comparisons, speakers and quotes, keyness."""

from .compare import compare, group_keys, independence, preference_over_time, test_independence
from .dtm import DocumentTerms, document_terms
from .keyness import collocations, keyness, outlet_similarity
from .quotes import QUOTE_COLUMNS, attribution_verbs, cited_sources, find_quotes, speaker_share
from .speakers import Speakers, load_speakers
from .lexicon import Lexicon, LexiconError, load_lexicon
from .spans import find_quote_spans
from .stories import STORY_COLUMNS, Coverage, coverage, stories
from .terms import HIT_COLUMNS, VOICES, count_terms, find_terms, kwic

__all__ = [
    "Lexicon", "LexiconError", "load_lexicon", "find_quote_spans", "find_terms", "kwic",
    "compare", "preference_over_time", "independence", "test_independence", "group_keys", "HIT_COLUMNS", "VOICES",
    "find_quotes", "load_speakers", "speaker_share", "attribution_verbs", "cited_sources", "QUOTE_COLUMNS",
    "keyness", "collocations", "outlet_similarity", "document_terms", "DocumentTerms", "count_terms", "stories", "coverage", "Coverage", "STORY_COLUMNS",
]
