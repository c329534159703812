"""Raw files → the articles table: readers, cleaning, metadata, duplicates."""

from .clean import clean_text
from .corpus import Corpus, ingest, load
from .rules import RulesError, load_boilerplate, load_outlets

__all__ = ["Corpus", "ingest", "load", "clean_text", "load_boilerplate", "load_outlets", "RulesError"]
