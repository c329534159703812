"""Speed-ups that replay another library's internals, each beside the plain library call it must equal.

A module here may rely on a library's private steps (py3langid's automaton, trafilatura's
metadata functions). Each checks that the internals it mirrors are present and falls back to the
plain public call otherwise; ``pyproject.toml`` bounds the versions they were checked against, and
the tests compare every speed-up with its reference call on real pages and texts.
"""
