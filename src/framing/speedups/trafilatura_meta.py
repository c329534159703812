"""A page's title, author, URL and site name read with trafilatura's own metadata steps, in its
order, minus the parts framing never uses: equal to :func:`metadata_reference`, the plain call.

``trafilatura.bare_extraction(..., with_metadata=True)`` also reads categories, tags and the
licence, and runs its author search on every page; here the page is parsed once, the steps framing
needs run on that tree, and the author search only where the page has markup it could find. It
calls trafilatura's ``metadata`` module functions (``examine_meta``, ``extract_meta_json``,
``extract_title``, ``extract_author``, ``extract_url``, ``extract_sitename``, ``extract_domain``,
``META_URL``; checked on trafilatura 2.x); when one is missing :func:`page_metadata` returns None
and the caller asks trafilatura for everything.
"""

from __future__ import annotations

__all__ = ["AUTHOR_MARKUP", "DATE_PARAMS", "OPTIONS", "may_name_author", "metadata_reference", "page_metadata"]

#: trafilatura's extraction options as framing uses them
OPTIONS = {"include_comments": False, "include_tables": True}
#: htmldate's options as trafilatura is asked for a page's date
DATE_PARAMS = {"extensive_search": False, "original_date": True}

#: Every XPath trafilatura's author search tries needs one of these in the page (in an attribute, or
#: an <author> or <rel> element): without any, the search (a copy of the whole tree and a dozen
#: regex XPaths) cannot find an author and is skipped.
AUTHOR_MARKUP = ("author", "byl", "bbl", "username", "zuozhe", "bianji", "xiaobian", "channel-name",
                  "submitted-by", "posted-by", "journalist-name", "screenname", "writer", "<rel")


def may_name_author(html: str) -> bool:
    """Whether the page has markup trafilatura's author search could find (substring tests on the
    lower-cased page, far cheaper than one regex alternation)."""
    low = html.lower()
    return any(word in low for word in AUTHOR_MARKUP)


def page_metadata(tree, html: str):
    """The page's title, author, URL and site name, as ``trafilatura.bare_extraction(...,
    with_metadata=True)`` reads them (trafilatura's own steps, in its order), without the parts
    framing never uses (categories, tags, licence) and without the author search when the page has
    no markup it could find. The date is left to the reader, which reads it only when no better
    date is known. None when this trafilatura lacks those steps (then the caller
    asks trafilatura for everything)."""
    try:
        import htmldate  # noqa: F401 - the reader's page date needs it
        from trafilatura import metadata as tm
    except ImportError:  # pragma: no cover - trafilatura depends on htmldate
        return None
    steps = ("examine_meta", "extract_meta_json", "extract_title", "extract_author", "extract_url",
             "extract_sitename", "extract_domain", "META_URL")
    if not all(hasattr(tm, x) for x in steps):
        return None
    doc = tm.examine_meta(tree)
    if doc.author and " " not in doc.author:
        doc.author = None
    try:
        doc = tm.extract_meta_json(tree, doc)
    except Exception:  # noqa: BLE001 - trafilatura logs and goes on the same way
        pass
    if not doc.title:
        doc.title = tm.extract_title(tree)
    if not doc.author and may_name_author(html):
        doc.author = tm.extract_author(tree)
    if not doc.url:
        doc.url = tm.extract_url(tree, None)
    if doc.url:
        doc.hostname = tm.extract_domain(doc.url, fast=True)
    if not doc.sitename:
        doc.sitename = tm.extract_sitename(tree)
    if doc.sitename:
        doc.sitename = doc.sitename.lstrip("@")
        if doc.sitename and "." not in doc.sitename and not doc.sitename[0].isupper():
            doc.sitename = doc.sitename.title()
    elif doc.url and (site := tm.META_URL.match(doc.url)):
        doc.sitename = site[1]
    doc.clean_and_trim()
    return doc


def metadata_reference(html: str):
    """trafilatura's full extraction with metadata: what :func:`page_metadata` must equal, field
    by field (title, author, url, sitename, hostname)."""
    import trafilatura

    return trafilatura.bare_extraction(html, with_metadata=True, date_extraction_params=dict(DATE_PARAMS), **OPTIONS)
