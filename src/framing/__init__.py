"""framing: compare how news outlets tell the same story."""

import logging

from .ingest import Corpus, RulesError, clean_text, ingest, load, load_boilerplate, load_outlets
from .schema import ARTICLE_COLUMNS, REJECT_COLUMNS

__version__ = "0.1.0"
__all__ = [
    "Corpus", "ingest", "load", "clean_text", "load_boilerplate", "load_outlets", "RulesError",
    "ARTICLE_COLUMNS", "REJECT_COLUMNS", "__version__",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
