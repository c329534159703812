"""The report's article reader: one page per article a report points to (``articles/ID.html``).

A page shows the article's metadata, its cleaned text with every lexicon hit marked by voice (own,
quoted, distanced: three styles and a legend), and, folded underneath, the lines the cleaning
removed with the rule that removed each (the audit). Article text is untrusted: the page is built
with Jinja's autoescape and the marks are the only markup added around escaped text.

Which articles get a page is bounded: the ones the report's pages and term explorer link to, at
most :data:`READER_MAX` (the first ones in date order).
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Iterable

import pandas as pd

from . import _texts

__all__ = ["READER_MAX", "linked_articles", "article_html", "write_articles"]

#: The most article pages a report writes (each is a few kilobytes; the rest are left out, and
#: the pages that link to them say so in the build's progress).
READER_MAX = 2000
_LINK = re.compile(r'href="articles/([0-9A-Za-z_-]{1,64})\.html"')
_VOICES = ("own", "quoted", "distanced")


def linked_articles(pages: Iterable[str]) -> list[str]:
    """The article ids the HTML `pages` link to (``articles/ID.html``), first-seen order.

    Examples
    --------
    >>> linked_articles(['<a href="articles/ab12.html">read</a> <a href="articles/ab12.html">x</a>'])
    ['ab12']
    """
    seen: dict[str, None] = {}
    for text in pages:
        for match in _LINK.finditer(text):
            seen.setdefault(match.group(1), None)
    return list(seen)


def _marked(text: str, hits: pd.DataFrame, labels: dict[str, str]) -> list[str]:
    """`text` as escaped HTML paragraphs, each hit wrapped in ``<mark class="v-VOICE">``."""
    spans = sorted(((int(h.start), int(h.end), h) for h in hits.itertuples(index=False)), key=lambda s: (s[0], -s[1]))
    out: list[str] = []
    at = 0
    for start, end, hit in spans:
        if start < at or end > len(text):  # overlapping hits of two families: the first wins
            continue
        title = f"{labels.get(hit.family, hit.family)}: {hit.variant} ({hit.voice})"
        out.append(html.escape(text[at:start]))
        out.append(f'<mark class="v-{hit.voice}" title="{html.escape(title)}">{html.escape(text[start:end])}</mark>')
        at = end
    out.append(html.escape(text[at:]))
    marked = "".join(out)
    return [p for p in marked.split("\n") if p.strip()]


def _env():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates" / "report"),
        autoescape=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined,
    )


def _safe_url(url: object) -> str | None:
    """A URL that may become a link: http(s) only (never ``javascript:``)."""
    return url if isinstance(url, str) and re.match(r"https?://", url, re.IGNORECASE) else None


def article_html(article: pd.Series, hits: pd.DataFrame, *, report: str, labels: dict[str, str] | None = None,
                 pages: set[str] | None = None) -> str:
    """The reader page of one article (a row of the articles table) with its `hits`
    (:func:`framing.find_terms` rows of this article).

    Examples
    --------
    >>> row = pd.Series({"article_id": "a1", "outlet": "Demo <b>", "title": "Kyiv", "published": pd.NaT,
    ...     "author": None, "language": "en", "url": "javascript:alert(1)", "source_path": "a.txt",
    ...     "n_words": 4, "wire": None, "duplicate_of": None, "text": "The <script> war.",
    ...     "dropped": ["Share this"], "dropped_why": ["share"]})
    >>> page = article_html(row, pd.DataFrame(columns=["start", "end", "family", "variant", "voice", "in_title"]),
    ...     report="demo")
    >>> "<script>" in page, "&lt;script&gt;" in page, 'href="javascript' in page
    (False, True, False)
    """
    labels = labels or {}

    def value(key: str, missing: str = "–") -> object:
        found = article.get(key)
        return missing if found is None or found is pd.NA or found is pd.NaT or found != found or found == "" else found

    body_hits = hits[~hits["in_title"].astype(bool)] if len(hits) else hits
    title_hits = hits[hits["in_title"].astype(bool)] if len(hits) else hits
    title = value("title", "")
    title = title if isinstance(title, str) and title.strip() else None
    published = value("published", "")
    copy_of = value("duplicate_of", "")
    copy_of = copy_of if isinstance(copy_of, str) and copy_of else None
    dropped = list(value("dropped", []))
    why = list(value("dropped_why", []))
    counts = body_hits["voice"].value_counts() if len(body_hits) else pd.Series(dtype=int)
    meta = [
        ("outlet", value("outlet")),
        ("published", f"{published:%d %B %Y, %H:%M} UTC" if isinstance(published, pd.Timestamp) else "no date"),
        ("author", value("author")),
        ("language", value("language")),
        ("words", f"{int(value('n_words', 0)):,}"),
        ("wire copy", value("wire", "no")),
        ("file", value("source_path")),
    ]
    from markupsafe import Markup

    return _env().get_template("article.html.j2").render(
        report=report, article_id=str(article["article_id"]),
        title=Markup("".join(_marked(title, title_hits, labels))) if title else None,
        meta=meta, url=value("url", None) if isinstance(value("url", None), str) else None,
        url_link=_safe_url(value("url", None)),
        copy_of=copy_of, copy_linked=bool(copy_of and pages and copy_of in pages),
        paragraphs=[Markup(p) for p in _marked(str(value("text", "")), body_hits, labels)],
        voices=[(v, int(counts.get(v, 0))) for v in _VOICES],
        dropped=list(zip(dropped, why + [""] * (len(dropped) - len(why)))),
    )


def write_articles(articles: pd.DataFrame, ids: list[str], folder: Path, *, report: str, lexicon=None,
                   hits: pd.DataFrame | None = None, limit: int = READER_MAX) -> list[str]:
    """Write ``folder/ID.html`` for each id in `ids` that is an article (at most `limit`, in the
    order given); returns the ids written. `hits`: :func:`framing.find_terms` of `articles` with
    `lexicon`, when the caller has it (else the written articles are searched)."""
    from .analysis import find_terms, load_lexicon

    wanted = list(dict.fromkeys(i for i in ids))[:limit]
    subset = articles[articles["article_id"].isin(wanted)].drop_duplicates("article_id")
    if subset.empty:
        return []
    subset = _texts.with_columns(subset, _texts.HEAVY)  # a table read without its texts: these articles' only
    lex = load_lexicon(lexicon)
    labels = lex.labels
    hits = find_terms(subset, lex) if hits is None else hits[hits["article_id"].isin(wanted)]
    by_article = {k: g for k, g in hits.groupby("article_id", sort=False)}
    empty = hits.iloc[0:0]
    folder.mkdir(parents=True, exist_ok=True)
    written = set(subset["article_id"].astype(str))
    for _, row in subset.iterrows():
        ident = str(row["article_id"])
        page = article_html(row, by_article.get(ident, empty), report=report, labels=labels, pages=written)
        (folder / f"{ident}.html").write_text(page, encoding="utf-8")
    return sorted(written)
