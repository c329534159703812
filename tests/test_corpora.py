"""Ingest of the shared real corpora (../shared/corpora): outlets, dates and cleaning hold at scale."""

from __future__ import annotations

import pandas as pd
import pytest

import framing

from .conftest import CORPORA, need

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def war():
    return framing.ingest(need(CORPORA / "ukraine-war-en-2022-2023", "shared corpus ukraine-war-en-2022-2023"))


@pytest.fixture(scope="module")
def opinion():
    return framing.ingest(need(CORPORA / "ukraine-opinion-en-2024-2026", "shared corpus ukraine-opinion-en-2024-2026"))


@pytest.fixture(scope="module")
def pages():
    root = need(CORPORA / "ukr-mod-2022-html", "shared corpus ukr-mod-2022-html")
    return framing.ingest(root, manifest=root / "manifest.csv")


def test_war_corpus_outlets_and_dates(war):
    counts = war.articles["outlet"].value_counts().to_dict()
    assert counts == {"The Guardian": 258, "Al Jazeera English": 163, "BBC News": 161}
    assert war.rejects.empty
    dated = war.articles.groupby("outlet")["published"].count().to_dict()
    assert dated["The Guardian"] == 258 and dated["Al Jazeera English"] == 163 and dated["BBC News"] == 0


def test_bbc_page_dumps_lose_their_navigation(war):
    bbc = war.articles[war.articles["outlet"] == "BBC News"]
    for chrome in ["Skip to content", "Accessibility Help", "HomeNewsSport", "Most Read", "BBC News Services",
                   "Terms of Use", "Share page", "About sharing", "Related Topics", "Top Stories"]:
        assert not bbc["text"].str.contains(chrome, regex=False).any(), chrome
    assert bbc["title"].notna().all() and not bbc["title"].str.endswith("BBC News").any()
    assert bbc["author"].notna().sum() >= 45  # 51 measured; video pages have no byline
    assert (bbc["n_words"] >= 50).mean() > 0.9


def test_opinion_corpus_loses_site_pitches(opinion):
    by = opinion.articles.groupby("outlet")["text"]
    kp = opinion.articles[opinion.articles["outlet"] == "Kyiv Post"]["text"]
    assert not kp.str.startswith("EN EN").any() and not kp.str.contains("BIZNESGRUPP").any()
    sf = opinion.articles[opinion.articles["outlet"] == "SouthFront"]["text"]
    assert not sf.str.contains("enable JavaScript|Support SouthFront").any()
    up = opinion.articles[opinion.articles["outlet"] == "Ukrainska Pravda (English)"]["text"]
    assert not up.str.contains("The use of site materials is allowed").any()
    assert by.size().to_dict() == {"Kyiv Post": 58, "LIGA.net (English)": 63, "SouthFront": 24,
                                   "The Kyiv Independent": 64, "Ukrainska Pravda (English)": 106}


def test_html_pages_yield_release_text_title_and_date(pages):
    articles = pages.articles
    assert len(articles) == 85
    assert pages.rejects["source_path"].tolist() == ["manifest.csv"]  # the manifest is not an article
    assert articles["title"].str.match(r"The total combat losses of the enemy from 24\.02 to \d\d\.\d\d").all()
    assert articles["text"].str.contains("personnel").all()
    assert not articles["text"].str.contains("Міністерство|javascript|cookie", case=False).any()
    day = articles["source_path"].str.extract(r"(\d{4}-\d\d-\d\d)")[0]
    assert (articles["published"].dt.strftime("%Y-%m-%d") == day).all()
    assert (articles["outlet_evidence"] == "manifest").all()


def test_html_dates_without_manifest_come_from_the_release_line():
    root = need(CORPORA / "ukr-mod-2022-html", "shared corpus ukr-mod-2022-html")
    row = framing.ingest(root / "mil-gov-ua-losses-2022-04-12.html").articles.iloc[0]
    assert row["published"] == pd.Timestamp("2022-04-12 03:00", tz="UTC")  # 06:00 Kyiv time
    assert row["outlet"] == "Ministry of Defence of Ukraine (mil.gov.ua, English)"


@pytest.mark.parametrize("term", ["special military operation", "invasion", "Kiev", "Donbas", "war"])
def test_the_notebook_concordance_reads_only_its_articles_and_equals_the_full_one(war, opinion, term):
    from framing import notebook as nb

    for corpus in (war, opinion):
        articles = corpus.articles
        hits = framing.find_terms(articles)
        full = nb.sample_lines(framing.kwic(articles, term, window=8), 3)
        sampled = nb.concordance(articles, hits, term, 3, window=8)
        pd.testing.assert_frame_equal(sampled, full)
        assert len(full) or term == "special military operation"
