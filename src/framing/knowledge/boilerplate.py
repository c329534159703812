"""Boilerplate rules for cleaning article bodies, from ``framing/data/boilerplate.yaml`` and a
user's file, compiled once."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .._cache import memo
from . import RulesError, Source, compile_list, packaged_yaml, read_yaml

__all__ = ["Boilerplate", "load_boilerplate"]


_BOILERPLATE_KEYS = {"split_before", "split_after", "footer", "drop", "nav_words", "chrome_model"}


@dataclass(frozen=True, eq=False)  # hashed by identity: derived values (prefilters) are kept per object
class Boilerplate:
    """Compiled boilerplate rules; see ``framing/data/boilerplate.yaml`` for their meaning."""

    split_before: tuple[re.Pattern, ...] = ()
    split_after: tuple[re.Pattern, ...] = ()
    footer: tuple[re.Pattern, ...] = ()
    drop: tuple[tuple[str, re.Pattern], ...] = ()
    nav_words: frozenset[str] = frozenset()
    #: the line model's JSON file (framing.ingestion.chrome); None: the packaged model; "off": none
    chrome_model: str | None = None


def _merge_lists(base: dict, extra: dict, where: str) -> dict:
    unknown = set(extra) - _BOILERPLATE_KEYS
    if unknown:
        raise RulesError(f"{where}: unknown key(s) {sorted(unknown)}; known: {sorted(_BOILERPLATE_KEYS)}")
    out = {k: (dict(v) if isinstance(v, dict) else list(v or [])) for k, v in base.items()}
    for key, value in extra.items():
        if key == "chrome_model":
            out[key] = value
        elif key == "drop":
            if not isinstance(value, dict):
                raise RulesError(f"{where}: drop: expected a mapping category -> list of regexes")
            drop = out.setdefault("drop", {})
            for cat, pats in value.items():
                drop[cat] = list(drop.get(cat, [])) + list(pats or [])
        else:
            out[key] = list(out.get(key, [])) + list(value or [])
    return out


def load_boilerplate(extra: Source = None) -> Boilerplate:
    """Load the packaged boilerplate rules, optionally extended by `extra` (a YAML path or dict).

    Examples
    --------
    >>> rules = load_boilerplate({"drop": {"promo": ["^Buy our app"]}})
    >>> [cat for cat, _ in rules.drop if cat == "promo"]
    ['promo']
    """
    return _build_boilerplate(extra)


@memo(maxsize=8)
def _build_boilerplate(extra: Source) -> Boilerplate:
    data = packaged_yaml("boilerplate.yaml")
    where = "framing/data/boilerplate.yaml"
    if extra is not None:
        more, where = read_yaml(extra, "boilerplate")
        data = _merge_lists(data, more, where)
    drop = data.get("drop") or {}
    if not isinstance(drop, dict):
        raise RulesError(f"{where}: drop: expected a mapping category -> list of regexes")
    return Boilerplate(
        split_before=compile_list(data.get("split_before"), f"{where}: split_before"),
        split_after=compile_list(data.get("split_after"), f"{where}: split_after"),
        footer=compile_list(data.get("footer"), f"{where}: footer"),
        drop=tuple(
            (cat, pat) for cat, pats in drop.items() for pat in compile_list(pats, f"{where}: drop.{cat}")
        ),
        nav_words=frozenset(str(w).lower() for w in data.get("nav_words") or ()),
        chrome_model=_chrome_model(data.get("chrome_model"), where),
    )


def _chrome_model(value, where: str) -> str | None:
    """The line model named by a rules file, checked now (a bad file fails at load, naming it)."""
    if value is None or value is False or str(value).lower() == "off":
        return None if value is None else "off"
    from .chrome_model import ModelError, load_model
    try:
        load_model(str(value))
    except ModelError as exc:
        raise RulesError(f"{where}: chrome_model: {exc}") from None
    return str(value)


