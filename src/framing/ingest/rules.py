"""Packaged knowledge (boilerplate rules, outlets) loaded from YAML and compiled once."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

__all__ = ["Boilerplate", "Outlet", "Outlets", "RulesError", "load_boilerplate", "load_outlets"]


class RulesError(ValueError):
    """A knowledge file (boilerplate or outlets YAML) is invalid; the message names file and key."""


Source = str | Path | dict | None

#: libyaml's safe loader when PyYAML was built with it (the packaged outlets take 50 ms in pure Python)
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(source: str | Path | dict, what: str, error: type[RulesError] = RulesError) -> tuple[dict, str]:
    """A YAML mapping and where it came from (its path, or ``<what dict>``); `error` names the file."""
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


def _packaged(name: str) -> dict:
    """A packaged rules file, parsed once per process (a fresh copy each call: callers merge into it)."""
    return copy.deepcopy(_parsed_packaged(name))


@lru_cache(maxsize=None)
def _parsed_packaged(name: str) -> dict:
    text = resources.files("framing.data").joinpath(name).read_text(encoding="utf-8")
    return yaml.load(text, Loader=_YAML_LOADER)


def _compile(pattern: Any, where: str) -> re.Pattern:
    if not isinstance(pattern, str) or not pattern:
        raise RulesError(f"{where}: expected a non-empty regex string, got {pattern!r}")
    try:
        return re.compile(pattern, re.MULTILINE)
    except re.error as exc:
        raise RulesError(f"{where}: invalid regex {pattern!r}: {exc}") from exc


def _compile_list(values: Any, where: str) -> tuple[re.Pattern, ...]:
    if values is None:
        return ()
    if not isinstance(values, list):
        raise RulesError(f"{where}: expected a list of regexes, got {type(values).__name__}")
    return tuple(_compile(p, f"{where}[{i}]") for i, p in enumerate(values))


# --------------------------------------------------------------------------- boilerplate

_BOILERPLATE_KEYS = {"split_before", "split_after", "footer", "drop", "nav_words"}


@dataclass(frozen=True)
class Boilerplate:
    """Compiled boilerplate rules; see ``framing/data/boilerplate.yaml`` for their meaning."""

    split_before: tuple[re.Pattern, ...] = ()
    split_after: tuple[re.Pattern, ...] = ()
    footer: tuple[re.Pattern, ...] = ()
    drop: tuple[tuple[str, re.Pattern], ...] = ()
    nav_words: frozenset[str] = frozenset()


def _merge_lists(base: dict, extra: dict, where: str) -> dict:
    unknown = set(extra) - _BOILERPLATE_KEYS
    if unknown:
        raise RulesError(f"{where}: unknown key(s) {sorted(unknown)}; known: {sorted(_BOILERPLATE_KEYS)}")
    out = {k: (dict(v) if isinstance(v, dict) else list(v or [])) for k, v in base.items()}
    for key, value in extra.items():
        if key == "drop":
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
    return _load_boilerplate_cached(extra) if not isinstance(extra, dict) else _build_boilerplate(extra)


@lru_cache(maxsize=8)
def _load_boilerplate_cached(extra: str | Path | None) -> Boilerplate:
    return _build_boilerplate(extra)


def _build_boilerplate(extra: Source) -> Boilerplate:
    data = _packaged("boilerplate.yaml")
    where = "framing/data/boilerplate.yaml"
    if extra is not None:
        more, where = _read_yaml(extra, "boilerplate")
        data = _merge_lists(data, more, where)
    drop = data.get("drop") or {}
    if not isinstance(drop, dict):
        raise RulesError(f"{where}: drop: expected a mapping category -> list of regexes")
    return Boilerplate(
        split_before=_compile_list(data.get("split_before"), f"{where}: split_before"),
        split_after=_compile_list(data.get("split_after"), f"{where}: split_after"),
        footer=_compile_list(data.get("footer"), f"{where}: footer"),
        drop=tuple(
            (cat, pat) for cat, pats in drop.items() for pat in _compile_list(pats, f"{where}: drop.{cat}")
        ),
        nav_words=frozenset(str(w).lower() for w in data.get("nav_words") or ()),
    )


# --------------------------------------------------------------------------- outlets

_OUTLET_KEYS = {
    "name", "aliases", "domains", "country", "affiliation", "timezone",
    "signatures", "wire", "wire_signs",
}


@dataclass(frozen=True)
class Outlet:
    """One outlet: its names, domains, zone and the patterns that reveal it."""

    name: str
    aliases: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    country: str | None = None
    affiliation: str | None = None
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    signatures: tuple[re.Pattern, ...] = ()
    wire: bool = False
    wire_strong: tuple[re.Pattern, ...] = ()
    wire_weak: tuple[re.Pattern, ...] = ()


@dataclass(frozen=True)
class Outlets:
    """All known outlets, with lookups by name and by domain."""

    outlets: tuple[Outlet, ...]
    _names: dict = field(init=False, repr=False, compare=False)
    _domains: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names: dict[str, Outlet] = {}
        for o in self.outlets:
            for n in (o.name, *o.aliases):
                names.setdefault(n.casefold(), o)
        domains: dict[str, Outlet] = {}
        for o in self.outlets:
            for d in o.domains:
                domains.setdefault(d, o)
        object.__setattr__(self, "_names", names)
        object.__setattr__(self, "_domains", domains)

    def by_name(self, name: str | None) -> Outlet | None:
        """The outlet whose name or alias equals `name` (case-insensitive), if any."""
        return self._names.get(name.strip().casefold()) if name else None

    def by_domain(self, host: str | None) -> Outlet | None:
        """The outlet owning `host` or one of its parent domains, if any."""
        if not host:
            return None
        parts = host.lower().removeprefix("www.").split(".")
        for i in range(len(parts) - 1):
            hit = self._domains.get(".".join(parts[i:]))
            if hit:
                return hit
        return None


def _outlet(entry: Any, where: str) -> Outlet:
    if not isinstance(entry, dict):
        raise RulesError(f"{where}: expected a mapping, got {entry!r}")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise RulesError(f"{where}: key 'name' is missing or empty")
    where = f"{where} ({name})"
    unknown = set(entry) - _OUTLET_KEYS
    if unknown:
        raise RulesError(f"{where}: unknown key(s) {sorted(unknown)}; known: {sorted(_OUTLET_KEYS)}")
    tz_name = entry.get("timezone") or "UTC"
    try:
        tz = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise RulesError(f"{where}: timezone: unknown IANA zone {tz_name!r}") from exc
    signs = entry.get("wire_signs") or {}
    if not isinstance(signs, dict) or set(signs) - {"strong", "weak"}:
        raise RulesError(f"{where}: wire_signs: expected a mapping with keys 'strong' and/or 'weak'")
    return Outlet(
        name=name.strip(),
        aliases=tuple(str(a) for a in entry.get("aliases") or ()),
        domains=tuple(str(d).lower() for d in entry.get("domains") or ()),
        country=entry.get("country"),
        affiliation=entry.get("affiliation"),
        timezone=tz,
        signatures=_compile_list(entry.get("signatures"), f"{where}: signatures"),
        wire=bool(entry.get("wire", False)),
        wire_strong=_compile_list(signs.get("strong"), f"{where}: wire_signs.strong"),
        wire_weak=_compile_list(signs.get("weak"), f"{where}: wire_signs.weak"),
    )


def _outlet_entries(data: dict, where: str) -> list:
    unknown = set(data) - {"outlets"}
    if unknown:
        raise RulesError(f"{where}: unknown top-level key(s) {sorted(unknown)}; expected 'outlets'")
    entries = data.get("outlets")
    if not isinstance(entries, list):
        raise RulesError(f"{where}: 'outlets' must be a list of outlet mappings")
    return entries


def load_outlets(*extras: Source) -> Outlets:
    """Load the packaged outlets, extended (or overridden by name) by each of `extras`.

    Examples
    --------
    >>> book = load_outlets({"outlets": [{"name": "Demo Daily", "domains": ["demo.example"]}]})
    >>> book.by_domain("news.demo.example").name
    'Demo Daily'
    """
    entries: dict[str, Outlet] = {}
    sources: list[tuple[dict, str]] = [(_packaged("outlets.yaml"), "framing/data/outlets.yaml")]
    sources += [_read_yaml(e, "outlets") for e in extras if e is not None]
    for data, where in sources:
        for i, entry in enumerate(_outlet_entries(data, where)):
            outlet = _outlet(entry, f"{where}: outlets[{i}]")
            entries[outlet.name.casefold()] = outlet
    # later entries (user files) come first so that their names and domains win lookups
    return Outlets(outlets=tuple(reversed(list(entries.values()))))
