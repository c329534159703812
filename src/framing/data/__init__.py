"""Packaged knowledge as YAML: lexicon, outlets, boilerplate rules and speakers (extend them without touching code)."""
