"""framing.ingestion.meta: dates and zones, bylines, outlets (publisher vs cited), wires, language."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from framing.ingestion.meta import _DATE, _ZONES, _date_line_time, _dateparser_time
from framing.ingestion.meta import detect_language, detect_languages, find_author, find_outlet, find_published, find_title, find_wire, parse_date
from framing.knowledge.outlets import load_outlets

from .conftest import CORPORA, SEEDS, need

OUTLETS = load_outlets()


@pytest.mark.parametrize(("value", "tz", "hint", "utc"), [
    ("23.02.2022 09:46", None, "Europe/Moscow", "2022-02-23 06:46"),
    ("06:05 GMT 08.04.2023", None, None, "2023-04-08 06:05"),
    ("February 14, 2022, 1:41 pm", "Europe/London", None, "2022-02-14 13:41"),
    ("July 1, 2022, 1:41 pm", "Europe/London", None, "2022-07-01 12:41"),  # BST
    ("24 February 2022, 07:15 GMT", "Europe/Moscow", None, "2022-02-24 07:15"),  # zone in text wins
    ("2022-04-12 06:00:00", "Europe/Kyiv", None, "2022-04-12 03:00"),
    ("2022-03-01T05:00:00Z", "Europe/Kyiv", None, "2022-03-01 05:00"),
    ("2023-04-08", "Asia/Qatar", None, "2023-04-08 00:00"),  # a bare day keeps its calendar day
])
def test_parse_date_converts_to_utc(value, tz, hint, utc):
    assert parse_date(value, tz=tz, zone_hint=hint) == pd.Timestamp(utc, tz="UTC")


@pytest.mark.parametrize("value", ["", "not a date", "Published 13 hours ago"])
def test_parse_date_gives_nat_for_non_dates(value):
    assert pd.isna(parse_date(value))


_MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December"]


@st.composite
def date_lines(draw):
    """Strings in the date-line forms the ingest reads: day first with dots, month name first or
    second, ISO day; a 24- or 12-hour time before or after; some invalid days and hours."""
    year, month, day = draw(st.integers(1990, 2035)), draw(st.integers(1, 12)), draw(st.integers(1, 31))
    name = _MONTH_NAMES[month - 1]
    word = draw(st.sampled_from([name, name[:3], name[:3] + ".", name.upper(), name.lower()]))
    comma = draw(st.sampled_from(["", ","]))
    form = draw(st.sampled_from([f"{day}.{month:02d}.{year}", f"{day:02d}.{month}.{year}", f"{word} {day}{comma} {year}",
                                 f"{day} {word}{comma} {year}", f"{year}-{month:02d}-{day:02d}"]))
    hour, minute = draw(st.integers(0, 25)), draw(st.integers(0, 59))
    clock = draw(st.sampled_from([
        None, f"{hour}:{minute:02d}", f"{hour:02d}:{minute:02d}:{draw(st.integers(0, 59)):02d}",
        f"{hour % 14}:{minute:02d}{draw(st.sampled_from(['', ' ']))}{draw(st.sampled_from(['am', 'pm', 'a.m.', 'P.M.', 'PM']))}",
    ]))
    if clock is None:
        return form
    if draw(st.booleans()):
        return f"{clock} {form}"
    return f"{form}{draw(st.sampled_from([',', ' at', '']))} {clock}"


@settings(max_examples=300, deadline=None)
@given(date_lines())
def test_date_lines_read_without_dateparser_agree_with_it(line):
    # the ingest reads common date lines itself (dateparser took ~1.5 ms each); it must read them as dateparser does
    fast = _date_line_time(line)
    if fast is not None:
        assert fast == _dateparser_time(line), line


@pytest.mark.parametrize(("line", "expected"), [
    ("February 14, 2022, 1:41 pm", "2022-02-14 13:41"),
    ("12:05 a.m. 8 Apr 2023", "2023-04-08 00:05"),
    ("23.02.2022 09:46", "2022-02-23 09:46"),
    ("Sept. 3, 2022 at 12:30 PM", "2022-09-03 12:30"),
    ("30.02.2022 10:00", None),  # no such day: dateparser decides (NaT)
    ("13:30 pm 1 March 2022", None),  # not a 12-hour time
    ("yesterday at 10:00", None),  # not a date line form: dateparser reads it
])
def test_date_line_forms_read_directly(line, expected):
    got = _date_line_time(line)
    assert got == (None if expected is None else pd.Timestamp(expected).to_pydatetime())


@pytest.mark.slow
def test_every_date_line_in_the_shared_texts_reads_as_dateparser_reads_it():
    lines = set()
    for path in [*need(SEEDS, "the seed articles").glob("*.txt"), *need(CORPORA, "the shared corpora").rglob("*.*")]:
        for match in _DATE.finditer(path.read_bytes().decode("utf-8", "replace")):
            value = match.group(0)
            for pattern, _ in _ZONES:
                value = pattern.sub(" ", value)
            lines.add(" ".join(value.replace("|", " ").split()))
    read = {line: _date_line_time(line) for line in lines}
    assert len(lines) > 300
    assert all(read.values()), [line for line, got in read.items() if got is None][:5]
    assert {line: _dateparser_time(line) for line in lines} == read


def test_publication_date_comes_from_date_lines_not_captions_or_widgets():
    header = ["Some headline", "A militant in Luhansk Region, Ukraine December 1, 2021. REUTERS/Jane Doe", "May 2024"]
    assert pd.isna(find_published(header, given=None, tz=None)[0])
    stamp, line = find_published(["date 2023-04-08 International", "Headline", "06:05 GMT 08.04.2023"], given=None, tz=None)
    assert stamp == pd.Timestamp("2023-04-08 06:05", tz="UTC") and line == "06:05 GMT 08.04.2023"


def test_time_zone_on_the_next_line_is_used():
    stamp, _ = find_published(["23.02.2022 09:46", "(Moscow time), Kyiv"], given=None, tz=None)
    assert stamp == pd.Timestamp("2022-02-23 06:46", tz="UTC")


@pytest.mark.parametrize(("header", "date_line", "author"), [
    (["By Press Association"], None, "Press Association"),
    (["By Orla GuerinBBC News"], None, "Orla Guerin"),
    (["By Paul Burnell & Lindsey ProsserBBC News"], None, "Paul Burnell & Lindsey Prosser"),
    (["Maxim Karpenko.", "23.02.2022 09:46"], "23.02.2022 09:46", "Maxim Karpenko"),
    (["Cyprus Mail", "Some headline here"], None, None),
])
def test_find_author(header, date_line, author):
    assert find_author(header, given=None, date_line=date_line, outlets=OUTLETS) == author


def test_title_skips_mastheads_dates_and_chrome():
    header = ["Cyprus Mail", "date 2022-02-14", "Views: 10", "Blinken urges Lavrov to take exit - Reuters"]
    assert find_title(header, given=None, outlets=OUTLETS, skip={"views 10"}) == "Blinken urges Lavrov to take exit"


@pytest.mark.parametrize(("lines", "outlet", "evidence"), [
    (["MOSCOW (Sputnik) - Talks resumed."], "Sputnik", "signature"),
    (["Sputnik News Agency quoted the minister as saying talks resumed."], "unknown", "none"),
    (["Lavrov said, according to Interfax, that talks resumed."], "unknown", "none"),
    (["KYIV (Reuters) - Shelling went on.", "More from the Press and Journal"], "Press and Journal", "signature"),
])
def test_outlet_is_the_publisher_never_a_cited_source(lines, outlet, evidence):
    name, how, _ = find_outlet(manifest=None, given=None, url=None, lines=lines, header=[], sitename=None, outlets=OUTLETS)
    assert (name, how) == (outlet, evidence)


def test_outlet_precedence_manifest_then_export_then_url():
    kwargs = dict(lines=["MOSCOW (Sputnik) - x"], header=[], sitename=None, outlets=OUTLETS)
    assert find_outlet(manifest="Demo", given="BBC", url="https://bbc.co.uk/a", **kwargs)[:2] == ("Demo", "manifest")
    assert find_outlet(manifest=None, given="guardian", url=None, **kwargs)[:2] == ("The Guardian", "export column")
    assert find_outlet(manifest=None, given=None, url="https://www.bbc.co.uk/news/1", **kwargs)[0] == "BBC News"


@pytest.mark.parametrize(("lines", "wire"), [
    (["By Press Association", "Sergei Lavrov (AP)"], "PA Media"),  # a byline beats a photo credit
    (["A caption. REUTERS/Jane Doe", "Body."], "Reuters"),
    (["MOSCOW, Feb 24. /TASS/. The ministry said."], "TASS"),
    (["WASHINGTON (AP) — Officials said."], "Associated Press"),
    (["Officials told Reuters the talks went on."], None),  # a cited wire is not the copy's source
])
def test_find_wire(lines, wire):
    assert find_wire(lines, outlet=None, outlets=OUTLETS) == wire


def test_a_wire_publishing_its_own_copy_has_no_separate_wire():
    sputnik = OUTLETS.by_name("Sputnik")
    assert find_wire(["MOSCOW (Sputnik) - Talks."], outlet=sputnik, outlets=OUTLETS) is None


@pytest.mark.parametrize(("text", "code"), [
    ("The foreign minister said the talks would continue in Geneva next week.", "en"),
    ("Министр иностранных дел заявил, что переговоры продолжатся на следующей неделе.", "ru"),
    ("Міністр закордонних справ заявив, що переговори продовжаться наступного тижня.", "uk"),
    ("Le ministre a déclaré que les négociations reprendraient la semaine prochaine.", "fr"),
    ("12 34", "und"),
])
def test_detect_language(text, code):
    assert detect_language(text) == code


_SCRIPTS = ["The talks would continue", " in Geneva", "Министр заявил", " переговоры", "Міністр заявив",
            " що переговори", "négociations", " la semaine", "Die Gespräche", " gehen weiter", "Οι συνομιλίες",
            "会谈将继续", "المحادثات", "שיחות", "12", " ", "\n", ".", "—", "“", "KYIV SAID", "ſ", "İ", "ß", "\u00a0"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_SCRIPTS), max_size=60).map("".join), max_size=8))
def test_languages_of_many_texts_are_the_languages_of_each(texts):
    # the batch walks py3langid's automaton for all texts at once; the answers must not move
    assert detect_languages(texts) == [detect_language(t) for t in texts]


def test_languages_of_the_shared_corpora_and_the_seeds_are_the_same_in_a_batch():
    from framing.speedups import langid

    assert langid.model() is not None  # the installed py3langid takes the batch path
    texts = []
    for name in ("ukraine-war-en-2022-2023", "ukraine-opinion-en-2024-2026"):
        path = need(CORPORA / name / "articles.jsonl", f"the shared corpus {name}")
        texts += [json.loads(line).get("text") or "" for line in path.open(encoding="utf-8")]
    texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(need(SEEDS, "the seeds").iterdir())]
    texts += [t.upper() for t in texts[:50]] + [t[500:] for t in texts[:50]]  # all caps; mid-sentence
    assert len(texts) > 1000
    assert detect_languages(texts) == [detect_language(t) for t in texts]


def test_the_language_model_read_from_framings_cache_is_the_librarys(tmp_path, monkeypatch):
    from py3langid import langid as library

    from framing.speedups import langid

    monkeypatch.setenv("FRAMING_CACHE_DIR", str(tmp_path / "cache"))
    first = langid._cached_identifier(library)  # decompresses py3langid's model into the cache
    assert len(list((tmp_path / "cache").glob("py3langid-*.npz"))) == 1
    again = langid._cached_identifier(library)  # read back from the cache
    own = library._load_identifier()  # the library's own reading of its file
    for ident in (first, again):
        assert np.array_equal(ident.nb_ptc, own.nb_ptc) and np.array_equal(ident.nb_pc, own.nb_pc)
        assert ident.nb_classes == own.nb_classes and ident.tk_output == own.tk_output
        assert ident.tk_nextmove == own.tk_nextmove and ident.tk_row == own.tk_row
        assert [ident.classify(t)[0] for t in _SCRIPTS] == [own.classify(t)[0] for t in _SCRIPTS]


def test_one_cached_language_model_however_many_environments_install_it(tmp_path, monkeypatch):
    """A new environment installs the same model file with a new time: the cache keeps one copy, and
    a copy under another key (another version, an older layout) is replaced."""
    import os
    import shutil

    from py3langid import langid as library

    from framing.speedups import langid

    models = tmp_path / "models"
    (models / library.MODEL_FILE).parent.mkdir(parents=True)
    shutil.copy(Path(library.MODEL_DIR) / library.MODEL_FILE, models / library.MODEL_FILE)
    monkeypatch.setattr(library, "MODEL_DIR", str(models))
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "py3langid-0.3.0-4586720-1700000000.npz").write_bytes(b"an older copy")
    monkeypatch.setenv("FRAMING_CACHE_DIR", str(cache))
    langid._cached_identifier(library)
    first = sorted(p.name for p in cache.glob("py3langid-*.npz"))
    os.utime(models / library.MODEL_FILE, (1_900_000_000, 1_900_000_000))  # the same bytes, installed later
    ident = langid._cached_identifier(library)
    assert sorted(p.name for p in cache.glob("py3langid-*.npz")) == first and len(first) == 1
    assert ident.classify("Министр заявил, что переговоры идут")[0] == "ru"


def test_an_unwritable_cache_folder_leaves_the_library_to_read_its_model(tmp_path, monkeypatch):
    from py3langid import langid as library

    from framing.speedups import langid

    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("FRAMING_CACHE_DIR", str(blocked / "cache"))  # a folder inside a file: OSError
    monkeypatch.setattr(library, "IDENTIFIER", None)
    ident = langid.identifier()
    assert ident is library.IDENTIFIER and ident.classify("Министр заявил, что переговоры идут")[0] == "ru"
