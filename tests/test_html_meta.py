"""HTML pages: framing's lean metadata path gives what trafilatura's full one gives.

framing parses a page once, reads title, author, URL and site name with trafilatura's own steps
(skipping categories, tags and licence, and the author search on pages with no markup it could
find), extracts the text from the same tree, and reads the date only when the text has none.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from framing.ingestion import readers
from framing.ingestion.readers import _extract_page
from framing.speedups.trafilatura_meta import may_name_author

from .conftest import CORPORA, SAMPLE, need

_OPTIONS = {"include_comments": False, "include_tables": True,
            "date_extraction_params": {"extensive_search": False, "original_date": True}}

_BYLINE_PAGE = """<html><head><title>Grain corridor talks resume in Istanbul</title></head><body>
<article><h1>Grain corridor talks resume in Istanbul</h1>
<div class="byline">Marta Kowalczyk</div>
<p>Negotiators from four delegations met again on Tuesday to discuss the grain corridor, officials said.</p>
<p>The talks had stalled for three weeks over inspections of ships leaving the ports near Odesa.</p>
<p>A spokesperson said a joint statement could follow later in the week if the sides agree on terms.</p>
</article></body></html>"""


def _pages() -> list[Path]:
    pages = sorted(need(CORPORA / "ukr-mod-2022-html", "the ukr-mod-2022-html corpus").glob("*.html"))
    return pages + sorted(SAMPLE.rglob("*.html"))


def _full(html: str):
    import trafilatura

    return trafilatura.bare_extraction(html, with_metadata=True, **_OPTIONS)


def test_lean_metadata_and_text_equal_trafilaturas_full_path():
    pages = _pages()
    assert len(pages) > 85
    for page in pages:
        html = page.read_text(encoding="utf-8")
        text, meta, date = _extract_page(html)
        full = _full(html)
        assert text == full.text, page.name
        for field in ("title", "author", "url", "sitename", "hostname"):
            assert getattr(meta, field) == getattr(full, field), (page.name, field)
        assert callable(date)  # read only when needed ...
        assert date() == readers._with_meta_time(full.date, html), page.name  # ... and then the same


def test_author_in_body_markup_is_still_found():
    text, meta, _ = _extract_page(_BYLINE_PAGE)
    assert may_name_author(_BYLINE_PAGE)
    assert meta.author == _full(_BYLINE_PAGE).author == "Marta Kowalczyk"
    assert "grain corridor" in text


def test_pages_without_author_markup_skip_the_search(monkeypatch):
    import trafilatura.metadata as tm

    calls = []
    real = tm.extract_author
    monkeypatch.setattr(tm, "extract_author", lambda tree: calls.append(1) or real(tree))
    plain = _BYLINE_PAGE.replace('<div class="byline">Marta Kowalczyk</div>', "")
    assert not may_name_author(plain)
    assert _extract_page(plain)[1].author is None
    assert calls == []
    _extract_page(_BYLINE_PAGE)
    assert calls == [1]


@pytest.mark.parametrize("markup", ['<a rel="author">A B</a>', '<span class="AuthorName">A B</span>',
                                    '<p id="zuozhe">A B</p>', '<div data-component="Byline">A B</div>',
                                    '<span class="screenname">A B</span>', "<author>A B</author>"])
def test_every_kind_of_author_markup_passes_the_prefilter(markup):
    assert may_name_author(f"<html><body>{markup}</body></html>")


def test_page_date_is_read_when_the_text_has_no_date_line(tmp_path):
    import framing

    page = _BYLINE_PAGE.replace("<head>", '<head><meta property="article:published_time" '
                                          'content="2023-05-16T09:30:00+00:00">')
    (tmp_path / "talks.html").write_text(page, encoding="utf-8")
    articles = framing.ingest(tmp_path, progress=False).articles
    assert str(articles["published"].iloc[0]) == "2023-05-16 09:30:00+00:00"
