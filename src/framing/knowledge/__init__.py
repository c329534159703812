"""Packaged and user knowledge files (YAML): the one loader they all go through, and its error.

Every knowledge file (boilerplate, outlets, lexicon, speakers) is read by :func:`read_yaml` (a
user's file or dict) or :func:`packaged_yaml` (the copy shipped in ``framing/data/``), and every
problem in one raises :class:`RulesError` naming the file and the key.
"""

from __future__ import annotations

import copy
import re
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .._cache import memo

__all__ = ["RulesError", "Source", "compile_list", "compile_regex", "packaged_yaml", "read_yaml", "ru_uk_stop_words"]


class RulesError(ValueError):
    """A knowledge file (boilerplate, outlets, speakers or lexicon YAML) is invalid; the message
    names the file and the key."""


#: What a loader takes: a YAML path, a dict with the same structure, or None for the packaged file.
Source = str | Path | dict | None

#: libyaml's safe loader when PyYAML was built with it (several times faster than pure Python)
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(source: str | Path | dict, what: str, error: type[RulesError] = RulesError) -> tuple[dict, str]:
    """A YAML mapping and where it came from (its path, or ``<what dict>``); `error` names the file.

    Examples
    --------
    >>> read_yaml({"outlets": []}, "outlets")
    ({'outlets': []}, '<outlets dict>')
    """
    if isinstance(source, dict):
        return source, f"<{what} dict>"
    path = Path(source)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except OSError as exc:
        raise error(f"{path}: cannot read {what} file ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise error(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise error(f"{path}: expected a mapping at the top level, got {type(data).__name__}")
    return data, str(path)


def packaged_yaml(name: str) -> dict:
    """A file of ``framing/data/``, parsed once per process (a fresh copy each call: callers merge
    into it).

    Examples
    --------
    >>> sorted(packaged_yaml("outlets.yaml"))
    ['outlets']
    """
    return copy.deepcopy(_parsed_packaged(name))


@memo(maxsize=None)
def _parsed_packaged(name: str) -> dict:
    text = resources.files("framing.data").joinpath(name).read_text(encoding="utf-8")
    return yaml.load(text, Loader=_YAML_LOADER)


def compile_regex(pattern: Any, where: str) -> re.Pattern:
    """One knowledge-file regex, compiled MULTILINE; RulesError names `where` and the pattern."""
    if not isinstance(pattern, str) or not pattern:
        raise RulesError(f"{where}: expected a non-empty regex string, got {pattern!r}")
    try:
        return re.compile(pattern, re.MULTILINE)
    except re.error as exc:
        raise RulesError(f"{where}: invalid regex {pattern!r}: {exc}") from exc


def compile_list(values: Any, where: str) -> tuple[re.Pattern, ...]:
    """A YAML list of regexes, compiled (see :func:`compile_regex`); None gives ()."""
    if values is None:
        return ()
    if not isinstance(values, list):
        raise RulesError(f"{where}: expected a list of regexes, got {type(values).__name__}")
    return tuple(compile_regex(p, f"{where}[{i}]") for i, p in enumerate(values))


@memo(maxsize=1)
def ru_uk_stop_words() -> frozenset[str]:
    """The Russian and Ukrainian function words of ``framing/data/stopwords.yaml`` (our own lists),
    for counting (keyness, collocations) and for telling prose from chrome (the line model)."""
    lists = packaged_yaml("stopwords.yaml")
    return frozenset(str(w) for lang in ("ru", "uk") for w in lists.get(lang) or ())
