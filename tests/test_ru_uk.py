"""Russian and Ukrainian terms: every case form, fixed expressions, voice in Cyrillic text, and hand
counts on the shared ru/uk corpus (labelled before the ru/uk patterns were written)."""

from __future__ import annotations

import collections
import csv
from pathlib import Path

import pandas as pd
import pytest

import framing
from tests.conftest import CORPORA, check_floors, need

LABELS = Path(__file__).parent / "data" / "ru_uk_term_counts.csv"


def _variants(text: str, language: str = "ru", **kw) -> list[tuple[str, str, str]]:
    arts = pd.DataFrame({"article_id": ["a"], "outlet": ["X"], "published": [pd.NaT], "title": [""],
                         "text": [text], "language": [language]})
    hits = framing.find_terms(arts, **kw)
    hits = hits[~hits["off_topic"]]  # the hits that count
    return [(f, v, m) for f, v, m in zip(hits["family"], hits["variant"], hits["matched"])]


FORMS = [
    # (words, family, variant, language): each form alone in a sentence is one hit of that variant
    ("Киев Киева Киеву Киеве Киевом", "kyiv", "Kiev", "ru"),
    ("Київ Києва Києву Києві Києвом", "kyiv", "Kyiv", "uk"),
    ("Донбасс Донбасса Донбассу Донбассе Донбассом", "donbas", "Donbass", "ru"),
    ("Донбас Донбасу Донбасі Донбасом", "donbas", "Donbas", "uk"),
    ("война войны войне войну войной войною войн войнам войнами войнах", "war_name", "war", "ru"),
    ("війна війни війні війну війною воєн", "war_name", "war", "uk"),
    ("вторжение вторжения вторжению вторжением вторжении вторглись вторгся", "war_name", "invasion", "ru"),
    ("вторгнення вторгненню вторгненням вторглися", "war_name", "invasion", "uk"),
    ("спецоперация спецоперации спецоперацию спецоперацией СВО", "war_name", "special military operation", "ru"),
    ("спецоперація спецоперації спецоперацію СВО", "war_name", "special military operation", "uk"),
    ("конфликт конфликта конфликту конфликтом конфликте конфликтов", "war_name", "conflict", "ru"),
    ("конфлікт конфлікту конфліктом конфлікті конфліктів", "war_name", "conflict", "uk"),
    ("агрессия агрессии агрессию агрессией", "war_name", "aggression", "ru"),
    ("агресія агресії агресію агресією", "war_name", "aggression", "uk"),
    ("хунта хунты хунте хунту хунтой", "ukr_government", "junta", "ru"),
    ("хунта хунти хунті хунту хунтою", "ukr_government", "junta", "uk"),
    ("ДНР ЛНР ЛДНР", "eastern_territories", "people's republics", "ru"),
    ("ДНР ЛНР ЛДНР", "eastern_territories", "people's republics", "uk"),
    ("денацификация денацификации денацификацию", "justifications", "denazification", "ru"),
    ("денацифікація денацифікації", "justifications", "denazification", "uk"),
    ("оккупанты оккупантов оккупантам", "russian_forces", "occupiers", "ru"),
    ("окупанти окупантів окупантами", "russian_forces", "occupiers", "uk"),
    ("рашисты рашистов", "russian_forces", "ruscists", "ru"),
    ("рашисти рашистів", "russian_forces", "ruscists", "uk"),
    ("орки орков оркам", "russian_forces", "orcs", "ru"),
    ("орки орків оркам", "russian_forces", "orcs", "uk"),
]


@pytest.mark.parametrize("words,family,variant,language", FORMS, ids=[f[0].split()[0] for f in FORMS])
def test_every_case_form_is_its_variant(words, family, variant, language):
    for word in words.split():
        found = [(f, v) for f, v, _ in _variants(f"Сегодня {word} снова, у Украины.", language) if f == family]
        assert found == [(family, variant)], word
        # an article whose language is not known is matched with every language's patterns
        assert [(f, v) for f, v, _ in _variants(f"Сегодня {word} снова, у Украины.", None) if f == family] == found


PHRASES = [
    ("специальной военной операции", "special military operation"),
    ("спеціальної військової операції", "special military operation"),
    ("военную операцию", "military operation"),
]


@pytest.mark.parametrize("phrase,variant", PHRASES)
def test_the_longest_variant_wins_in_every_case(phrase, variant):
    language = "uk" if "і" in phrase else "ru"
    assert [v for f, v, _ in _variants(f"Началась {phrase} на юге.", language) if f == "war_name"] == [variant]


@pytest.mark.parametrize("phrase,variant", [
    ("киевского режима", "regime"), ("київського режиму", "regime"), ("режимом Зеленского", "regime"),
    ("правительство Украины", "government"), ("уряду України", "government"),
    ("украинские власти", "authorities"), ("влади України", "authorities"),
])
def test_government_names(phrase, variant):
    language = "uk" if any(c in phrase for c in "іїє") else "ru"
    assert [v for f, v, _ in _variants(f"Заявление {phrase} прозвучало.", language) if f == "ukr_government"] == [variant]


@pytest.mark.parametrize("text", [
    "Ветераны Великой Отечественной войны пришли на парад.",
    "Після Другої світової війни місто відбудували.",
    "Это не холодная война.",
    "Він ветеран сил спецоперацій США.",
    "Фанаты «Динамо Киев» собрались у стадиона.",
    "Летописи Киевской Руси хранятся в музее.",
])
def test_fixed_expressions_are_not_a_choice_of_name(text):
    language = "uk" if any(c in text for c in "іїє") else "ru"
    assert [(f, v) for f, v, _ in _variants(text, language) if f in ("war_name", "kyiv")] == []


def test_each_article_is_matched_in_its_own_language():
    text = "Війна. Война. War."
    by_language = {lang: sorted(m for f, v, m in _variants(text, lang) if v == "war") for lang in ("en", "ru", "uk", None)}
    assert by_language == {"en": ["War"], "ru": ["Война"], "uk": ["Війна"], None: sorted(["War", "Війна", "Война"])}
    arts = pd.DataFrame({"article_id": ["u", "r", "e"], "outlet": ["X"] * 3, "published": [pd.NaT] * 3,
                         "title": [""] * 3, "text": [text] * 3, "language": ["uk", "ru", "en"]})
    hits = framing.find_terms(arts)
    assert hits.loc[hits["variant"] == "war", "article_id"].tolist() == ["u", "r", "e"]  # the articles' order
    counts = framing.count_terms(arts)
    assert counts.loc[counts["variant"] == "war", ["article_id", "count"]].values.tolist() == [["u", 1], ["r", 1], ["e", 1]]


def test_adjectives_are_not_the_city_or_the_region():
    assert [f for f, _, _ in _variants("Киевский вокзал и донбасский уголь; київський трамвай.") if f in ("kyiv", "donbas")] == []


def test_voice_in_cyrillic_text():
    text = ('Так называемая «ДНР» объявила сбор. Песков заявил: «Специальная военная операция идет по плану». '
            "Так звана СВО триває. Росія нібито «денацифікує» Україну.")
    arts = pd.DataFrame({"article_id": ["a"], "outlet": ["X"], "published": [pd.NaT], "title": [""], "text": [text]})
    hits = framing.find_terms(arts)
    voice = {m: v for m, v in zip(hits["matched"], hits["voice"])}
    assert voice["ДНР"] == "distanced"
    assert voice["Специальная военная операция"] == "quoted"
    assert voice["СВО"] == "distanced"


def test_every_engine_finds_the_same_cyrillic_hits():
    text = "Киев и Київ, Донбасс и Донбас; оккупанты, ДНР, СВО, «киевский режим», войну, війною. " * 3
    arts = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", "Y"], "published": [pd.NaT] * 2,
                         "title": ["Киев", ""], "text": [text, text.upper()], "language": ["ru", "uk"]})
    auto = framing.find_terms(arts, engine="auto")
    plain = framing.find_terms(arts, engine="re")
    pd.testing.assert_frame_equal(auto, plain)
    assert len(plain) > 20
    counts = framing.count_terms(arts)
    assert counts["count"].sum() == (~plain["in_title"]).sum()


def test_hand_counts_on_the_shared_corpus():
    """Counts of 200 sentences (150 with a candidate stem, 50 at random) written by hand before the
    ru/uk patterns existed; the first run on them gave precision 0.986 and recall 0.986 (72 terms).
    Four of them are chrome that cleaning now removes (RBC-Ukraine's Telegram pitch twice, BBC Russian's
    "read us without a VPN", a Mash sign-off): their rows are gone, the others' offsets moved with the text."""
    folder = need(CORPORA / "ru-uk-2022-2025", "the shared Russian/Ukrainian corpus")
    rows = list(csv.DictReader(LABELS.open(encoding="utf-8")))
    arts = framing.ingest(folder).articles
    arts = arts[arts["source_path"].isin({r["source_path"] for r in rows})].drop_duplicates("source_path")
    hits = framing.find_terms(arts, titles=False).merge(arts[["article_id", "source_path"]], on="article_id")
    families = {"kyiv", "donbas", "war_name", "ukr_government", "eastern_territories", "justifications", "russian_forces"}
    tp = fp = fn = 0
    for r in rows:
        expected = collections.Counter({k: int(v) for k, v in (kv.split("=") for kv in r["counts"].split(";") if kv)})
        a, b = int(r["start"]), int(r["end"])
        h = hits[(hits["source_path"] == r["source_path"]) & (hits["start"] >= a) & (hits["end"] <= b)
                 & hits["family"].isin(families)]
        got = collections.Counter(f"{f}:{v}" for f, v in zip(h["family"], h["variant"]))
        for key in set(expected) | set(got):
            both = min(expected[key], got[key])
            tp, fp, fn = tp + both, fp + got[key] - both, fn + expected[key] - both
    scores = {"ru/uk terms": {"precision": tp / (tp + fp), "recall": tp / (tp + fn), "n": tp + fn}}
    check_floors(scores, {"ru/uk terms": {"precision": 0.95, "recall": 0.95}})


def test_russian_and_ukrainian_function_words_are_not_counted_but_the_terms_are():
    from framing.analysis.tokens import RU_UK_STOP_WORDS, tokenize

    assert tokenize("Он сказал, что это была война и вторжение, а не СВО.") == ["война", "вторжение", "сво"]
    assert tokenize("Він заявив, що окупанти вже відступили з Києва.") == ["окупанти", "відступили", "києва"]
    for word in ("война", "війна", "вторжение", "сво", "спецоперация", "режим", "власти", "влада", "окупанти",
                 "киев", "київ", "донбасс", "днр", "россия", "україна"):
        assert word not in RU_UK_STOP_WORDS, word


def test_distinctive_terms_of_russian_and_ukrainian_outlets_are_words_not_function_words():
    from framing.analysis.tokens import RU_UK_STOP_WORDS

    folder = need(CORPORA / "ru-uk-2022-2025", "the shared Russian/Ukrainian corpus")
    arts = framing.ingest(folder).articles
    top = framing.keyness(arts, by="outlet", min_count=5).groupby("outlet").head(20)
    assert not top["term"].map(lambda t: any(w in RU_UK_STOP_WORDS for w in t.split())).any()
    assert top["outlet"].nunique() >= 10
