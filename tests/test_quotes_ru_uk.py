"""Quotations in Russian and Ukrainian text: «ёлочки», „лапки“, dash-convention dialogue, attribution
verbs, inflected names, and hand labels on the shared ru/uk corpus (written before the Cyrillic
attribution existed: tests/data/ru_uk_quote_labels.csv)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import framing
from framing.analysis.quotes_cyrillic import load_attribution
from framing.analysis.spans import find_quote_spans
from tests.conftest import CORPORA, check_floors, need

LABELS = Path(__file__).parent / "data" / "ru_uk_quote_labels.csv"


def _quotes(text: str, language: str = "ru") -> list[tuple]:
    arts = pd.DataFrame({"article_id": ["a"], "outlet": ["X"], "published": [pd.NaT], "text": [text],
                         "language": [language]})
    q = framing.find_quotes(arts, kinds=("direct",))
    q = q.astype(object).where(q.notna(), None)
    return [(t, s, v, a) for t, s, v, a in zip(q["quote"], q["speaker"], q["verb"], q["attribution"])]


def test_dialogue_dashes_are_speech_and_dash_lists_are_not():
    text = "— Мы не отступим, — заявил Зеленский. — Это наша земля.\n— пункт первый;\n— пункт второй."
    spans = [text[s.start:s.end] for s in find_quote_spans(text)]
    assert spans == ["Мы не отступим", "Это наша земля."]
    assert find_quote_spans("Главное к утру:\n— обстрел Харькова;\n— переговоры в Стамбуле.") == []
    # marks in the paragraph: the marks decide, the dash adds nothing
    marked = "— «Мы готовы к переговорам», — сказал он."
    assert [marked[s.start:s.end] for s in find_quote_spans(marked)] == ["Мы готовы к переговорам"]


def test_a_term_in_dialogue_is_quoted_in_both_engines():
    text = "— Это не война, а специальная военная операция, — сказал Песков журналистам.\nВойна продолжается."
    arts = pd.DataFrame({"article_id": ["a"], "outlet": ["X"], "published": [pd.NaT], "title": [""],
                         "text": [text], "language": ["ru"]})
    for engine in ("re", None):
        hits = framing.find_terms(arts, **({"engine": engine} if engine else {}))
        voices = dict(zip(hits["matched"], hits["voice"]))
        assert voices["специальная военная операция"] == "quoted", engine
        assert voices["война"] == "quoted" and voices["Война"] == "own", engine


@pytest.mark.parametrize("text, language, expected", [
    ("«Мы не видим предпосылок для переговоров», — заявил Песков.", "ru", ("Dmitry Peskov", "заявил", "same sentence")),
    ("Песков заявил журналистам: «Мы не видим предпосылок для переговоров».", "ru", ("Dmitry Peskov", "заявил", "same sentence")),
    ("По словам Зеленского, «Украина не отдаст ни метра своей земли».", "ru", ("Volodymyr Zelensky", "по словам", "same sentence")),
    ("«Ми зробимо все для перемоги», — наголосив президент України Володимир Зеленський.", "uk",
     ("Volodymyr Zelensky", "наголосив", "same sentence")),
    ("«Ситуация под контролем», — говорится в заявлении Минобороны России.", "ru",
     ("Russian Defence Ministry", "сказал", "same sentence")),
    ("Глава МИД России Сергей Лавров выступил в Анкаре, добавив: «Запад ведет войну против нас».", "ru",
     ("Sergei Lavrov", "добавил", "same sentence")),
    ("«Это провокация киевского режима», написала Захарова в своем канале.", "ru", ("Maria Zakharova", "написал", "same sentence")),
    ("— Мы будем защищать каждый город, — сказал Кличко. — Киев выстоит.", "ru", ("Vitali Klitschko", "сказал", "same sentence")),
    ("«Ворог не пройде, ми тримаємо оборону», — мер Атрошенко розповів про ситуацію в місті.", "uk",
     ("Атрошенко", "розповів", "same sentence")),
])
def test_attribution_in_russian_and_ukrainian(text, language, expected):
    quote, speaker, verb, how = _quotes(text, language)[0]
    assert (speaker, verb, how) == expected


def test_pronouns_and_continued_speech_point_back_to_the_speaker():
    rows = _quotes("«Мы готовы к переговорам», — заявил Песков. «Но не на любых условиях», — добавил он. "
                   "«Условия всем известны».")
    assert [(s, v, a) for _, s, v, a in rows] == [
        ("Dmitry Peskov", "заявил", "same sentence"), ("Dmitry Peskov", "добавил", "pronoun"),
        ("Dmitry Peskov", "добавил", "sentence before")]


def test_inflected_names_resolve_and_unknown_names_stay_as_written():
    grammar = load_attribution("uk")
    assert grammar.resolve("Зеленського", "", 0)[:2] == ("Volodymyr Zelensky", "Ukraine")
    assert grammar.resolve("речник ЗСУ", "", 0)[:2] == (None, "Ukraine")
    assert grammar.resolve("Олена Петренко", "", 0)[:2] == ("Олена Петренко", None)
    assert grammar.resolve("вони", "Зеленський сказав", 20)[:2] == (None, None)  # plural: too vague


def test_english_articles_keep_the_english_grammar():
    arts = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", "Y"], "published": [pd.NaT] * 2,
                         "text": ['"We are ready for talks," Lavrov said.', "«Мы готовы к переговорам», — заявил Лавров."],
                         "language": [None, None]})  # no language: Cyrillic text is recognised by its letters
    q = framing.find_quotes(arts)
    assert q["speaker"].tolist() == ["Sergei Lavrov", "Sergei Lavrov"]
    assert q["verb"].tolist() == ["said", "заявил"]


def _score(arts: pd.DataFrame) -> dict:
    labels = pd.read_csv(LABELS, dtype={"start": "Int64"}).fillna({"speaker": "", "verb": ""})
    by_path = arts.drop_duplicates("source_path").set_index("source_path")
    n = dict(quotes=0, found=0, spk_labelled=0, spk_said=0, spk_right=0, verb_labelled=0, verb_said=0, verb_right=0)
    for (path, lo, hi, language), group in labels.groupby(["source_path", "para_start", "para_end", "language"]):
        one = by_path.loc[[path]].reset_index()
        quotes = framing.find_quotes(one, kinds=("direct",))
        quotes = quotes[(quotes["start"] < hi) & (quotes["end"] > lo)]
        grammar = load_attribution(language)
        for row in group.itertuples():
            if pd.isna(row.start):
                continue
            n["quotes"] += 1
            n["spk_labelled"] += bool(row.speaker)
            n["verb_labelled"] += bool(row.verb)
            match = quotes[(quotes["start"] - 2 <= row.start) & (row.start <= quotes["end"])]
            if match.empty:
                continue
            n["found"] += 1
            q = match.iloc[0]
            said_text = q["speaker_text"] if isinstance(q["speaker_text"], str) else ""
            named = isinstance(q["speaker"], str) or (said_text and said_text.split()[0].lower() not in grammar.pronouns)
            if named:
                n["spk_said"] += 1
                want = grammar.resolve(row.speaker, "", 0)[0] if row.speaker else None
                right = bool(row.speaker) and (
                    (want is not None and want == q["speaker"])
                    or (want is None and row.speaker.lower()[:max(3, len(row.speaker) - 2)] in said_text.lower()))
                n["spk_right"] += right
            if isinstance(q["verb"], str):
                n["verb_said"] += 1
                n["verb_right"] += bool(row.verb) and grammar.canonical_verb(row.verb) == q["verb"]
    return n


def test_quotations_in_the_shared_ru_uk_corpus_against_hand_labels():
    arts = framing.ingest(need(CORPORA / "ru-uk-2022-2025", "the shared ru/uk corpus")).articles
    n = _score(arts)
    scores = {
        "quotations": {"precision": 1.0, "recall": n["found"] / n["quotes"], "n": n["quotes"]},
        "speaker": {"precision": n["spk_right"] / max(n["spk_said"], 1), "recall": n["spk_right"] / n["spk_labelled"],
                    "n": n["spk_labelled"]},
        "verb": {"precision": n["verb_right"] / max(n["verb_said"], 1), "recall": n["verb_right"] / n["verb_labelled"],
                 "n": n["verb_labelled"]},
    }
    check_floors(scores, FLOORS)


#: measured on the labels (README, "Quotations in Russian and Ukrainian"); a floor a little under each
FLOORS = {
    "quotations": {"precision": 0.0, "recall": 0.75},
    "speaker": {"precision": 0.6, "recall": 0.3},
    "verb": {"precision": 0.85, "recall": 0.5},
}
