"""Raw files → the articles table: readers, cleaning, metadata, duplicates."""

from .clean import clean_text
from .corpus import Corpus, ingest, load
from ..knowledge import RulesError
from ..knowledge.boilerplate import load_boilerplate
from ..knowledge.outlets import load_outlets
from .stream import IngestSummary, ingest_to, read_articles

__all__ = ["Corpus", "ingest", "load", "clean_text", "load_boilerplate", "load_outlets", "RulesError",
           "ingest_to", "read_articles", "IngestSummary"]
