"""Article metadata — title, published, author, outlet, wire, language — one small function each."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import warnings
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pandas as pd

from .._cache import derived
from .clean import line_key
from .markdown import without_emphasis
from ..text.urls import host_of as _host, registered_domain
from ..knowledge.outlets import Outlet, Outlets
from ..speedups import langid
from ..text.prefilter import Prefilter, line_safe, may_match, starts_line

__all__ = [
    "find_title",
    "find_published",
    "parse_date",
    "find_author",
    "find_outlet",
    "find_wire",
    "detect_language",
    "detect_languages",
]

_MONTHS = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_TIME = r"(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s?([ap])\.?m\.?)?"  # hour, minute, second, a/p (see _CLOCK)
_DATE = re.compile(
    rf"(?P<t1>{_TIME}\s+(?:GMT|UTC|MSK)?\s*)?"
    rf"(?P<date>\d{{1,2}}\.\d{{1,2}}\.\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}}|{_MONTHS} \d{{1,2}},? \d{{4}}|\d{{1,2}} {_MONTHS},? \d{{4}})"
    rf"(?P<t2>(?:,|\s+at|\s*T|\s)\s*{_TIME})?",
    re.IGNORECASE,
)
_ZONES = (
    (re.compile(r"(?i)\(?\b(?:Moscow time|MSK)\b\)?"), "Europe/Moscow"),
    (re.compile(r"(?i)\b(?:Kyiv|Kiev) time\b"), "Europe/Kyiv"),
    (re.compile(r"\b(?:GMT|UTC)\b"), "UTC"),
    (re.compile(r"\bBST\b"), "Europe/London"),
    (re.compile(r"\bCES?T\b"), "Europe/Berlin"),
    (re.compile(r"\b(?:EST|EDT|ET)\b"), "America/New_York"),
)
_NAME_TOKEN = r"(?!BBC\b|News\b)[A-Z][a-z.'’-]*(?:-[A-Z][a-z'’]+)?"
_BYLINE = re.compile(
    rf"^By (?P<name>{_NAME_TOKEN}(?: (?:{_NAME_TOKEN}|de|van|von|al))*"
    rf"(?:(?: and | & ){_NAME_TOKEN}(?: {_NAME_TOKEN})*)*)"
    r"(?=[A-Z]|,| [-–—|]| BBC|\s*$)"
)
_BY = re.compile(r"By [A-Z]")  # any byline, including ones _BYLINE cannot parse ("By X in London and …")
_AUTHORS = re.compile(rf"^(?:Authors?|Written by)\s*:\s*(?P<name>{_NAME_TOKEN}(?: (?:{_NAME_TOKEN}|de|van|von|al))*"
                      rf"(?:(?:, | and | & ){_NAME_TOKEN}(?: (?:{_NAME_TOKEN}|de|van|von|al))*)*)\.?\s*$")
_ABOUT = re.compile(rf"^About the authors?\s*:?\s*(?P<name>{_NAME_TOKEN}(?: (?:{_NAME_TOKEN}|de|van|von|al)){{1,3}})"
                    r"(?= is | was | has |, | teaches | writes | served | \()")
_NAME_LINE = re.compile(r"^[A-Z][a-z'’-]+(?: [A-Z]\.)?(?: [A-Z][a-z'’-]+){1,2}\.?$")
_CITED = re.compile(
    r"(?i)(?:according to|quoted|quoting|cited|citing|reported by|reports|told|via|source:)\W*(?:the\s+)?\W*$"
)
_SITE_SUFFIX = re.compile(r"\s+[-–—|:]\s+(?P<site>[^-–—|:]{2,60})$")


# --------------------------------------------------------------------------- title

def _strip_site_suffix(title: str, outlets: Outlets) -> str:
    match = _SITE_SUFFIX.search(title)
    if match and outlets.by_name(match.group("site").strip()):
        return title[: match.start()].strip()
    return title


def plain_title(title: str | None) -> str | None:
    """A headline without the Markdown emphasis a Telegram export wraps it in ("**…**"); None when
    nothing is left.

    >>> plain_title("**Talks resume in Geneva** "), plain_title("**")
    ('Talks resume in Geneva', None)
    """
    if not title or ("**" not in title and "__" not in title):
        return title
    return " ".join(without_emphasis(title, " ").split()) or None


def find_title(header: list[str], *, given: str | None, outlets: Outlets,
               skip: set[str] = frozenset()) -> str | None:
    """The headline: the given one if any, else the first header line that reads like a headline.

    A headline line has 3–30 words, is not a date line, a byline, an outlet's name or chrome
    (`skip` holds the keys of lines the cleaner dropped as chrome).

    Examples
    --------
    >>> from framing.knowledge.outlets import load_outlets
    >>> find_title(["Cyprus Mail", "Blinken urges Lavrov to take exit"], given=None, outlets=load_outlets())
    'Blinken urges Lavrov to take exit'
    """
    if given:
        return _strip_site_suffix(" ".join(given.split()), outlets)
    for line in header:
        words = line.split()
        if not 3 <= len(words) <= 30 or line_key(line) in skip:
            continue
        if _is_date_line(line) or _BY.match(line) or outlets.by_name(line) or _is_masthead(line, outlets):
            continue
        if len(words) >= 12 and line.endswith("."):
            continue  # a sentence, not a headline
        return _strip_site_suffix(line, outlets)
    return None


def _is_masthead(line: str, outlets: Outlets) -> bool:
    """A line that is some outlet's signature (a tagline, a masthead) is not a headline."""
    return any(p.match(line) for o in outlets.outlets if not o.wire for p in o.signatures)


# --------------------------------------------------------------------------- published

def _is_date_line(line: str) -> re.Match | None:
    match = _DATE.search(line)
    if not match:
        return None
    rest = line[: match.start()] + " " + line[match.end():]
    for pattern, _ in _ZONES:
        rest = pattern.sub(" ", rest)
    return match if len(re.findall(r"[^\W\d_]{2,}", rest)) <= 3 else None


def _zone_hint(*texts: str) -> str | None:
    for text in texts:
        for pattern, zone in _ZONES:
            if pattern.search(text or ""):
                return zone
    return None


_MONTH_NUMBER = {m: k for k, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_CLOCK = re.compile(_TIME, re.IGNORECASE)
_DAY_FORMS = (  # the day forms of _DATE: (pattern, group numbers of day, month, year)
    (re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})"), (1, 2, 3)),
    (re.compile(r"(\d{4})-(\d{2})-(\d{2})"), (3, 2, 1)),
    (re.compile(rf"({_MONTHS}) (\d{{1,2}}),? (\d{{4}})", re.IGNORECASE), (2, 1, 3)),
    (re.compile(rf"(\d{{1,2}}) ({_MONTHS}),? (\d{{4}})", re.IGNORECASE), (1, 2, 3)),
)


def _date_line_time(text: str) -> dt.datetime | None:
    """The naive datetime of a string that is exactly one of the date-line forms `_DATE` knows
    ("23.02.2022 09:46", "February 14, 2022, 1:41 pm", "06:05 08.04.2023", "14 Feb 2022"), read
    as dateparser reads it (tested against it); None for anything else, which dateparser then reads
    (it is slow enough to weigh on the ingest: see docs/benchmarks.md)."""
    whole = _DATE.fullmatch(text)
    if whole is None or whole.group("date") is None:
        return None
    day_text = whole.group("date")
    for pattern, (d, m, y) in _DAY_FORMS:
        if parts := pattern.fullmatch(day_text):
            month = parts.group(m)
            month = int(month) if month.isdigit() else _MONTH_NUMBER[month[:3].lower()]
            day, year = int(parts.group(d)), int(parts.group(y))
            break
    else:
        return None
    if whole.group("t1") and whole.group("t2"):
        return None
    clock = whole.group("t1") or whole.group("t2")
    hour = minute = second = 0
    if clock:
        c = _CLOCK.search(clock)
        hour, minute, second = int(c.group(1)), int(c.group(2)), int(c.group(3) or 0)
        if c.group(4):  # 12-hour clock: only 1-12 is read here
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if c.group(4).lower() == "p" else 0)
    try:
        return dt.datetime(year, month, day, hour, minute, second)
    except ValueError:  # 30 February, 25:00: let dateparser say what it makes of it
        return None


def _dateparser_time(text: str) -> dt.datetime | None:
    """dateparser's reading of `text` (English, Russian, Ukrainian; day first in "23.02.2022")."""
    import dateparser  # slow to import; only needed here

    settings = {"PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["day", "month", "year"]}
    if re.search(r"\d{1,2}\.\d{1,2}\.\d{4}", text):
        settings["DATE_ORDER"] = "DMY"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return dateparser.parse(text, languages=["en", "ru", "uk"], settings=settings)


def parse_date(value: str, *, tz: ZoneInfo | str | None = None, zone_hint: str | None = None) -> pd.Timestamp:
    """Parse a date string to a UTC timestamp (NaT when it cannot be read).

    A time with a zone in the text ("GMT", "(Moscow time)") is converted from that zone; a time
    without one is read in `tz` (the outlet's zone). A bare date, with no time, is kept as
    midnight UTC of that calendar day, so the day never shifts.

    Examples
    --------
    >>> parse_date("23.02.2022 09:46", zone_hint="Europe/Moscow")
    Timestamp('2022-02-23 06:46:00+0000', tz='UTC')
    >>> parse_date("2023-04-08")
    Timestamp('2023-04-08 00:00:00+0000', tz='UTC')
    """
    if value is None or not str(value).strip():
        return pd.NaT
    value = str(value).strip()
    zone = zone_hint or _zone_hint(value) or (str(tz) if tz else "UTC")
    cleaned = value
    for pattern, _ in _ZONES:
        cleaned = pattern.sub(" ", cleaned)
    cleaned = " ".join(cleaned.replace("|", " ").split())
    has_time = re.search(r"\d{1,2}:\d{2}", cleaned) is not None
    iso = re.fullmatch(r"(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?", cleaned)
    try:
        if iso:
            stamp = pd.Timestamp(cleaned)
        else:
            parsed = _date_line_time(cleaned)
            if parsed is None:
                parsed = _dateparser_time(cleaned)
            if parsed is None:
                return pd.NaT
            stamp = pd.Timestamp(parsed)
    except (ValueError, OverflowError):
        return pd.NaT
    if not has_time:
        return pd.Timestamp(stamp.date(), tz="UTC")
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize(zone, ambiguous="NaT", nonexistent="shift_forward")
    return stamp.tz_convert("UTC")


#: A date labelled as when the page was saved, not published ("Scraped at: …", "Retrieved …").
_FETCHED = re.compile(r"(?:^|[\W_])(?:scraped|fetched|crawled|retrieved|accessed|downloaded|archived)(?:[\W_]|$)",
                      re.IGNORECASE)  # also scraped_at, date_fetched


_UPDATED = re.compile(r"(?i)\b(?:updated|modified|edited|revised)\b")


def find_published(header: list[str], *, given: str | None, tz: ZoneInfo | None,
                   fallback: str | Callable[[], str | None] | None = None) -> tuple[pd.Timestamp, str | None]:
    """The publication time, in UTC, and the line it was read from.

    Only a given value (manifest, export column), a date line in the header, or the `fallback`
    (a page's metadata date, which htmldate sometimes guesses wrong; it may be a function that
    reads it, called only when needed) is trusted, in that order:
    a date inside a photo caption or a calendar widget is not a publication date, nor one labelled
    as when the page was saved ("Scraped at: …", "Retrieved …"); one labelled "Updated" counts only
    when no other date line does. A relative stamp ("8 hours ago") gives NaT, not a guess.
    Among header date lines, one with a time wins over one with only a day.

    Examples
    --------
    >>> find_published(["Kyiv", "06:05 GMT 08.04.2023"], given=None, tz=None)[0]
    Timestamp('2023-04-08 06:05:00+0000', tz='UTC')
    >>> find_published(["scraped_at: 2026-01-02 03:04", "Published: 2022-03-08"], given=None, tz=None)[0]
    Timestamp('2022-03-08 00:00:00+0000', tz='UTC')
    >>> find_published(["Updated 13 March 2022", "Published12 March 2022"], given=None, tz=None)[0]
    Timestamp('2022-03-12 00:00:00+0000', tz='UTC')
    """
    if given:
        stamp = parse_date(given, tz=tz)
        if not pd.isna(stamp):
            return stamp, given
    best: tuple[pd.Timestamp, str] | None = None
    best_timed = False
    updated: tuple[pd.Timestamp, str] | None = None  # "Updated …": used only when nothing else dates it
    for i, line in enumerate(header):
        match = _is_date_line(line)
        if not match or _FETCHED.search(line[:match.start()]):
            continue
        if _UPDATED.search(line[:match.start()]):
            if updated is None:
                stamp = parse_date(match.group(0), tz=tz)
                updated = None if pd.isna(stamp) else (stamp, line)
            continue
        following = header[i + 1] if i + 1 < len(header) else ""
        stamp = parse_date(match.group(0), tz=tz, zone_hint=_zone_hint(line, following if len(following) < 40 else ""))
        if pd.isna(stamp):
            continue
        timed = bool(match.group("t1") or match.group("t2"))
        if best is None or (timed and not best_timed):
            best, best_timed = (stamp, line), timed
    if best or updated:
        return best or updated
    if callable(fallback):  # a page's date, read only now that nothing better was found
        fallback = fallback()
    stamp = parse_date(fallback, tz=tz) if fallback else pd.NaT
    return (stamp, fallback) if not pd.isna(stamp) else (pd.NaT, None)


# --------------------------------------------------------------------------- author

def find_author(header: list[str], *, given: str | None, date_line: str | None, outlets: Outlets,
                about: list[str] = ()) -> str | None:
    """The byline: a given author, a "By …" or "Authors: …" line, a name line right next to the date
    line, or the name an "About the author" block (`about`, wherever it stood) opens with.

    Examples
    --------
    >>> from framing.knowledge.outlets import load_outlets
    >>> find_author(["By Press Association", "February 14, 2022"], given=None, date_line=None, outlets=load_outlets())
    'Press Association'
    >>> find_author(["Authors: Jane Doe and John Roe"], given=None, date_line=None, outlets=load_outlets())
    'Jane Doe and John Roe'
    >>> find_author([], given=None, date_line=None, outlets=load_outlets(),
    ...             about=["About the author: Jane Doe is a historian at a university in Virginia."])
    'Jane Doe'
    """
    if given:
        return " ".join(given.split())
    for line in header:
        match = _BYLINE.match(line) or _AUTHORS.match(line)
        if match:  # "By Press Association": an agency byline is still the byline
            return match.group("name").strip()
    if date_line and date_line in header:
        i = header.index(date_line)
        for near in header[max(0, i - 2): i] + header[i + 1: i + 2]:
            if _NAME_LINE.match(near) and not outlets.by_name(near.rstrip(".")):
                return near.rstrip(".")
    for line in about:
        match = _ABOUT.match(line) or _AUTHORS.match(line)
        if match:
            return match.group("name").strip()
    return None


# --------------------------------------------------------------------------- outlet and wire

def _outlet_text(outlets: Outlets, lines: list[str]) -> tuple[str, str, frozenset | None]:
    """`lines` joined, that lower-cased, and what one prefilter scan of the outlets' signatures and
    wire signs found in it; the last text's is kept (find_outlet and find_wire read the same lines)."""
    joined = "\n".join(lines)
    last = derived(outlets, "last text", dict)
    if last.get("joined") != joined:
        low = joined.lower()
        prefilter = derived(outlets, "outlet prefilter", lambda: Prefilter(
            [*(p for o in outlets.outlets for p in o.signatures), *(p for _, p in _wire_rules(outlets))]))
        last.update(joined=joined, text=(joined, low, prefilter.found(joined, low)))
    return last["text"]


def _line_matches(pattern: re.Pattern, lines: list[str], text: tuple[str, str, frozenset | None]):
    """(line, match) for each match of `pattern` in each of `lines`, in order, lazily (`text`: from
    :func:`_outlet_text`). A pattern whose strings are not in the text is not tried; one that must
    start a line is tried once a line; one without a match in the whole text, not line by line."""
    joined, low, found = text
    if not may_match(pattern, joined, low, found):
        return
    if starts_line(pattern):
        for line in lines:
            match = pattern.match(line)
            if match:
                yield line, match
        return
    if line_safe(pattern) and pattern.search(joined) is None:
        return
    for line in lines:
        for match in pattern.finditer(line):
            yield line, match


def _signature_hit(outlet: Outlet, lines: list[str], text: tuple[str, str, frozenset | None]) -> bool:
    """Whether a line of `lines` carries a signature of `outlet` that the line does not cite."""
    return any(not _CITED.search(line[max(0, match.start() - 40): match.start()])
               for pattern in outlet.signatures for line, match in _line_matches(pattern, lines, text))


def find_outlet(*, manifest: str | None, given: str | None, url: str | None, lines: list[str],
                header: list[str], sitename: str | None, outlets: Outlets,
                title: str | None = None) -> tuple[str, str, Outlet | None]:
    """Decide the publisher: (name, evidence, outlet record or None).

    Order: the manifest, an export's outlet column, the URL's domain, a signature of a non-wire
    outlet in the text (so a paper's own footer beats the wire dateline it reprints), the page's
    site name, a masthead line naming a known outlet (all of these name an outlet of
    ``outlets.yaml``); then, for outlets no rule knows, the page's own site name as written, the
    registered domain of the article's URL, and only then a wire's signature (a local site's page
    of AP copy is the local site's; the wire is in ``wire`` either way); else ``"unknown"``.
    An outlet only cited in the text ("according to Interfax") is never the publisher.
    """
    for value, evidence in ((manifest, "manifest"), (given, "export column")):
        if value:
            known = outlets.by_name(value)
            return (known.name if known else value.strip()), evidence, known
    known = outlets.by_domain(_host(url))
    if known:
        return known.name, f"url domain ({_host(url)})", known
    text = _outlet_text(outlets, lines)
    for outlet in outlets.outlets:
        if not outlet.wire and _signature_hit(outlet, lines, text):
            return outlet.name, "signature", outlet
    known = outlets.by_name(sitename) or outlets.by_domain(sitename)
    if known:
        return known.name, "site name", known
    for line in header:
        known = outlets.by_name(line)
        if known:
            return known.name, "masthead", known
    name = _site_name(sitename, title)
    if name:  # no rule names it: the page's own name for itself (og:site_name, application-name)
        return name, "site name (page)", None
    domain = registered_domain(url)
    if domain:  # or the registered domain of its own URL (never of a link in its text)
        return domain, f"registered domain ({_host(url)})", None
    for outlet in outlets.outlets:  # wire copy with nothing else to go by: the agency (also in `wire`)
        if outlet.wire and _signature_hit(outlet, lines, text):
            return outlet.name, "signature", outlet
    return "unknown", "none", None


_NAME_CUT = re.compile(r"\s+(?:[>|:»]|::|[-–—])\s+")  # "SignOnSanDiego.com > News", "Goal.com - Chelsea"
_NOT_A_NAME = re.compile(r"©|\(c\)|copyright|all rights reserved|\b(?:19|20)\d\d\b|[.!?]$", re.IGNORECASE)


def _site_name(value: str | None, title: str | None = None) -> str | None:
    """A page's own site name (``og:site_name`` and the like) when it reads as a name: its first
    segment ("Goal.com - Chelsea" -> "Goal.com"), at most five words, not a copyright notice, a date
    or a sentence, not the page's headline, not "Home"; else None.

    Examples
    --------
    >>> _site_name("SignOnSanDiego.com > News")
    'SignOnSanDiego.com'
    >>> _site_name("© 2000 Rural Press Ltd.") is None
    True
    >>> _site_name("Ford cleared to practice", title="Ford cleared to practice on Monday") is None
    True
    """
    value = " ".join((value or "").split())
    value = _NAME_CUT.split(value, maxsplit=1)[0].strip(" -|>:") if value else value
    value = value.removeprefix("www.") if value else value
    if not value or len(value) < 2 or len(value.split()) > 5 or "://" in value or _NOT_A_NAME.search(value):
        return None
    if value.lower() in ("home", "homepage", "news", "index", "article", "untitled"):
        return None
    if title and value.lower() in " ".join(title.split()).lower():
        return None
    return value


def find_wire(lines: list[str], *, outlet: Outlet | None, outlets: Outlets) -> str | None:
    """The wire service the copy comes from, if the text shows one (strong signs beat weak ones).

    Examples
    --------
    >>> from framing.knowledge.outlets import load_outlets
    >>> find_wire(["KYIV (Reuters) - Shelling went on."], outlet=None, outlets=load_outlets())
    'Reuters'
    """
    text = _outlet_text(outlets, lines)
    for wire, pattern in _wire_rules(outlets):
        if wire is not outlet and next(_line_matches(pattern, lines, text), None):
            return wire.name
    return None


def _wire_rules(outlets: Outlets) -> list[tuple[Outlet, re.Pattern]]:
    """(wire, pattern) in the order they are tried: every wire's strong signs, then the weak."""
    def build():
        wires = [w for w in outlets.outlets if w.wire]
        return [(wire, pattern)
                for strength in ("wire_strong", "wire_weak") for wire in wires for pattern in getattr(wire, strength)]

    return derived(outlets, "wire rules", build)


# --------------------------------------------------------------------------- language

def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language (py3langid, on the first 1,000 characters), or "und"
    for text too short to tell. (The first 3,000 gave the same answers on the 897 articles of the
    shared corpora at several times the cost.)

    Examples
    --------
    >>> detect_language("The foreign minister said talks would go on in Geneva next week.")
    'en'
    """
    import py3langid

    sample = text[:_LANG_SAMPLE]
    if not _enough_words(sample):
        return "und"
    return py3langid.classify(sample)[0]


_LANG_SAMPLE = 1000
_LETTER_RUNS = re.compile(r"[^\W\d_]{2,}")


def _enough_words(sample: str) -> bool:
    """At least three runs of two or more letters (the search stops at the third)."""
    return next(itertools.islice(_LETTER_RUNS.finditer(sample), 2, None), None) is not None


def detect_languages(texts) -> list[str]:
    """:func:`detect_language` for many texts: the same answers (tested against it), classified a
    batch at a time (:func:`framing.speedups.langid.classify`).

    Examples
    --------
    >>> detect_languages(["The foreign minister said talks would go on in Geneva next week.", "ok"])
    ['en', 'und']
    """
    samples = [t[:_LANG_SAMPLE] if isinstance(t, str) else "" for t in texts]
    out = ["" if _enough_words(s) else "und" for s in samples]
    todo = [i for i, v in enumerate(out) if not v]
    for i, lang in zip(todo, langid.classify([samples[i] for i in todo])):
        out[i] = lang
    return out
