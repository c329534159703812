"""Markdown page dumps (crawl4ai, Firecrawl, Jina Reader, trafilatura's Markdown, agents' scrapers)
as a page's metadata and plain paragraphs.

A dump starts with YAML front matter (``---`` … ``---``) or a block of ``Key: value`` lines
(``- **URL**: …``, ``Title: …``, ``URL Source: …``, ``Published Time: …``); then the page as
Markdown. Metadata keys are matched by name; a scrape or fetch time is never the publication date.
The body keeps its words: headings become paragraphs, a link keeps its anchor text, emphasis and
table pipes go. Lines that are only links (menus, share rows, "Related" lists) and bare URLs are
removed and listed with their rule, as the cleaning audit lists what it removes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["MarkdownPage", "read_markdown", "without_emphasis"]

#: Metadata key (lower case, without "*", "_" or spaces) -> article field. Keys not listed
#: (scraped_at, fetched, crawled, retrieved, status …) are not used.
KEYS = {
    "title": "title", "headline": "title", "ogtitle": "title",
    "url": "url", "source": "url", "sourceurl": "url", "urlsource": "url", "link": "url", "canonical": "url",
    "canonicalurl": "url", "permalink": "url", "ogurl": "url",
    "date": "published", "published": "published", "publishedtime": "published", "publishedat": "published",
    "publishdate": "published", "pubdate": "published", "datepublished": "published",
    "articlepublishedtime": "published", "publicationdate": "published",
    "author": "author", "authors": "author", "byline": "author", "creator": "author",
    "description": "description", "ogdescription": "description", "summary": "description",
    "sitename": "sitename", "ogsitename": "sitename", "publisher": "sitename", "site": "sitename",
}

_FRONT = re.compile(r"\A\ufeff?---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_META_LINE = re.compile(r"^\s*(?:[-*+]\s+)?\**_*([A-Za-z][A-Za-z _:-]{0,30}?)_*\**\s*:\s*\**\s*(.*?)\s*$")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)|!\[[^\]]*\]\[[^\]]*\]")
_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()\s]|\([^)]*\))*(?:\s+\"[^\"]*\")?\)")
_REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_REF_DEF = re.compile(r"^\s*\[[^\]]+\]:\s+\S+")
_BARE_URL = re.compile(r"^\s*<?(?:https?://|www\.)\S+>?\s*$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(?:=+|-+)\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_LIST = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")
_QUOTE = re.compile(r"^\s*(?:>\s?)+")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_EMPHASIS = re.compile(r"(\*\*|__|~~|`)")


def without_emphasis(text: str, sep: str = "") -> str:
    """`text` with Markdown's emphasis marks (``**``, ``__``, ``~~``, a backtick) replaced by `sep`
    (a space where a mark may stand between two words, as in a Telegram export's "**…**text").

    >>> without_emphasis("The **port** reopened"), without_emphasis("**Alert**Talks", " ")
    ('The port reopened', ' Alert Talks')
    """
    return _EMPHASIS.sub(sep, text)
_RULE = re.compile(r"^\s*(?:[-*_]\s*){3,}$")


@dataclass
class MarkdownPage:
    """A Markdown dump read: the metadata found, the body as plain paragraphs, and the lines removed
    with their rule (``link_list``, ``url``, ``image``, ``metadata``)."""

    meta: dict[str, str] = field(default_factory=dict)
    text: str = ""
    dropped: list[tuple[str, str]] = field(default_factory=list)


def _key(name: str) -> str:
    return re.sub(r"[\s_*:-]", "", name).lower()


def _front_matter(text: str, page: MarkdownPage) -> str:
    """Read YAML front matter into `page.meta`; the text after it."""
    import yaml

    found = _FRONT.match(text)
    if not found:
        return text
    try:
        data = yaml.safe_load(found.group(1))
    except yaml.YAMLError:
        data = None
    if isinstance(data, dict):
        for name, value in data.items():
            fld = KEYS.get(_key(str(name)))
            if fld and value not in (None, "", []) and fld not in page.meta:
                page.meta[fld] = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        page.dropped.append((found.group(0).strip(), "metadata"))
        return text[found.end():]
    return text


def _metadata_block(lines: list[str], page: MarkdownPage) -> list[str]:
    """Read a leading block of ``Key: value`` lines (at most 30, blank lines allowed) into
    `page.meta`; the lines after it. A line with an unknown key ends the block unless a known one follows."""
    last = -1
    for i, line in enumerate(lines[:30]):
        if not line.strip():
            continue
        heading = _HEADING.match(line)
        if heading and last < 0 and i == next(k for k, x in enumerate(lines) if x.strip()):
            page.meta.setdefault("title", _EMPHASIS.sub("", heading.group(1)).strip())  # "# Title" then the block
            continue
        found = _META_LINE.match(line)
        if not found or not found.group(2):
            if found and _key(found.group(1)) == "markdowncontent":  # Jina Reader: the page starts here
                last = i
            break
        name = _key(found.group(1))
        fld = KEYS.get(name)
        if fld is None and not any(w in name for w in ("scrape", "fetch", "crawl", "retriev", "status", "time",
                                                        "language", "lang", "words", "id")):
            break
        if fld and fld not in page.meta:
            value = _LINK.sub(lambda m: m.group(1) if m.group(1).startswith("http") else m.group(0), found.group(2))
            page.meta[fld] = value.strip("<> ")
        last = i
    if last < 0:
        return lines  # (a first "# heading" still names the page)
    page.dropped.extend((x.strip(), "metadata") for x in lines[: last + 1] if x.strip())
    return lines[last + 1:]


def _link_only(line: str) -> bool:
    """A line made of links (and separators, list markers, a few words): a menu, a share row, a
    "Related" list item."""
    links = _LINK.findall(line) + _REF_LINK.findall(line)
    if not links:
        return False
    rest = _REF_LINK.sub(" ", _LINK.sub(" ", line))
    rest = re.sub(r"[\s|·•,;/>»*_#()\[\]-]+", " ", _LIST.sub("", rest)).strip()
    anchor = sum(len(t) for t in links)
    return len(rest.split()) <= 3 and anchor >= len(rest)


def read_markdown(text: str) -> MarkdownPage:
    """Read a Markdown page dump.

    Examples
    --------
    >>> page = read_markdown('''---
    ... title: Port reopens
    ... source: https://harbour.example/port
    ... scraped_at: 2026-01-02T03:04:05Z
    ... ---
    ... [Home](/) | [World](/world) | [Sport](/sport)
    ...
    ... # Port reopens after repairs
    ...
    ... The **port** reopened on Monday, [the harbour master](https://harbour.example/hm) said.
    ... ![a crane](crane.jpg)
    ... ''')
    >>> page.meta
    {'title': 'Port reopens', 'url': 'https://harbour.example/port'}
    >>> page.text
    'Port reopens after repairs\\n\\nThe port reopened on Monday, the harbour master said.'
    >>> [why for _, why in page.dropped]
    ['metadata', 'link_list', 'image']
    """
    page = MarkdownPage()
    text = _front_matter(text.replace("\r\n", "\n").replace("\r", "\n"), page)
    text = _COMMENT.sub("", text)
    lines = _metadata_block(text.split("\n"), page)
    out: list[str] = []
    heading_at, links_since = None, 0  # a heading over nothing but links ("Related", "More") goes with them
    for line in lines:
        if _REF_DEF.match(line) or _TABLE_RULE.match(line) or _SETEXT.match(line) and out and out[-1]:
            if _SETEXT.match(line) and out and out[-1]:
                out.append("")  # a setext heading's underline ends its paragraph
            continue
        if _RULE.match(line):
            out.append("")
            continue
        bare = _IMAGE.sub("", line)
        if bare != line and not bare.strip(" |-*"):
            page.dropped.append((line.strip(), "image"))
            continue
        if _BARE_URL.match(bare):
            page.dropped.append((line.strip(), "url"))
            continue
        if _link_only(bare):
            page.dropped.append((line.strip(), "link_list"))
            links_since += 1
            continue
        if (_LIST.match(bare) or bare.strip().startswith("|")) and out and out[-1]:
            out.append("")  # each list item and table row is a paragraph of its own
        heading = _HEADING.match(bare)
        plain = heading.group(1) if heading else bare
        plain = _QUOTE.sub("", plain)
        plain = _LIST.sub("", plain) if _LIST.match(plain) else plain
        plain = _REF_LINK.sub(r"\1", _LINK.sub(r"\1", plain))
        plain = without_emphasis(plain)
        if plain.strip().startswith("|") and plain.strip().endswith("|"):  # a table row: its cells
            plain = "  ".join(c.strip() for c in plain.strip().strip("|").split("|"))
        plain = " ".join(plain.split())
        if heading or not plain:
            if heading_at is not None and links_since and heading:
                page.dropped.append((out[heading_at], "link_list"))
                del out[heading_at]
                heading_at = None
        if heading:
            out.extend(["", plain, ""])
            heading_at, links_since = len(out) - 2, 0
        else:
            out.append(plain)
            if plain:
                heading_at = None
    if heading_at is not None and links_since:
        page.dropped.append((out[heading_at], "link_list"))
        del out[heading_at]
    paragraphs, current = [], []
    for line in out:
        if line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    page.text = "\n\n".join(paragraphs)
    return page
