"""Packaged knowledge as YAML: boilerplate rules and outlets (extend them without touching code)."""
