"""Outlets: names, domains, zones, signatures and wire signs, from ``framing/data/outlets.yaml``
and a user's files."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import RulesError, Source, compile_list, packaged_yaml, read_yaml

__all__ = ["Outlet", "Outlets", "load_outlets"]


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


@dataclass(frozen=True, eq=False)  # hashed by identity: derived values (prefilters) are kept per object
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
        signatures=compile_list(entry.get("signatures"), f"{where}: signatures"),
        wire=bool(entry.get("wire", False)),
        wire_strong=compile_list(signs.get("strong"), f"{where}: wire_signs.strong"),
        wire_weak=compile_list(signs.get("weak"), f"{where}: wire_signs.weak"),
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
    sources: list[tuple[dict, str]] = [(packaged_yaml("outlets.yaml"), "framing/data/outlets.yaml")]
    sources += [read_yaml(e, "outlets") for e in extras if e is not None]
    for data, where in sources:
        for i, entry in enumerate(_outlet_entries(data, where)):
            outlet = _outlet(entry, f"{where}: outlets[{i}]")
            entries[outlet.name.casefold()] = outlet
    # later entries (user files) come first so that their names and domains win lookups
    return Outlets(outlets=tuple(reversed(list(entries.values()))))
