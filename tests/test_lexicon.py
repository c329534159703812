"""The lexicon: packaged content, loading from files and dicts, and validation messages."""

from __future__ import annotations

import re

import pytest

import framing
from framing.analysis.matcher import matcher_for
from framing.analysis.lexicon import LexiconError, load_lexicon, pattern_to_regex

REQUIRED = {
    "kyiv": {"Kyiv", "Kiev"},
    "kharkiv": {"Kharkiv", "Kharkov"},
    "odesa": {"Odesa", "Odessa"},
    "luhansk": {"Luhansk", "Lugansk"},
    "donbas": {"Donbas", "Donbass"},
    "zaporizhzhia": {"Zaporizhzhia", "Zaporozhye"},
    "mykolaiv": {"Mykolaiv", "Nikolaev"},
    "lviv": {"Lviv", "Lvov"},
    "zelensky": {"Zelensky", "Zelenskyy", "Zelenskiy", "Zelenskii", "Zhelensky"},
    "war_name": {"invasion", "war", "special military operation", "military operation", "conflict", "crisis", "aggression"},
    "ukr_government": {"regime", "junta", "government", "authorities"},
    "eastern_territories": {"people's republics", "self-proclaimed republics", "separatist regions", "occupied territories", "new regions"},
    "fighters": {"separatists", "rebels", "militants", "militia", "Russian-backed forces", "proxies"},
    "incorporation": {"annexation", "reunification", "accession", "joined Russia", "referendum", "sham referendum"},
    "justifications": {"denazification", "neo-Nazis", "genocide in Donbas", "demilitarization"},
    "territorial_change": {"liberated", "captured", "occupied", "seized"},
}


def _minimal(**variant) -> dict:
    return {"families": {"capital": {"variants": {"Kyiv": {"patterns": ["Kyiv"], **variant}}}}}


def test_default_lexicon_has_the_required_families_and_variants():
    lex = load_lexicon()
    assert len(lex.families) >= 15
    for family, variants in REQUIRED.items():
        names = {v.name for v in lex.family(family).variants}
        assert variants <= names, (family, variants - names)


def test_every_default_variant_has_a_note_and_a_declared_orientation():
    lex = load_lexicon()
    for fam in lex.families:
        assert fam.label and fam.question, fam.name
        for v in fam.variants:
            assert len(v.note) > 20, (fam.name, v.name)
            assert v.orientation in lex.orientations, (fam.name, v.name)


def test_kyiv_note_cites_the_ap_switch_and_event_is_dated():
    lex = load_lexicon()
    kyiv = lex.variant("Kyiv")
    assert "2019-08-14" in kyiv.note and "AP" in kyiv.source
    events = lex.events_for("kyiv")
    assert "2019-08-14" in events["date"].dt.strftime("%Y-%m-%d").tolist()
    assert events["date"].is_monotonic_increasing


def test_to_frame_lists_every_variant_once():
    lex = load_lexicon()
    frame = lex.to_frame()
    assert len(frame) == sum(len(f.variants) for f in lex.families)
    assert not frame.duplicated(["family", "variant"]).any()
    assert set(frame.columns) >= {"family", "variant", "orientation", "patterns", "note", "source"}


def test_load_from_file_and_dict_agree(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(
        "families:\n  capital:\n    variants:\n      Kyiv: {patterns: [Kyiv]}\n      Kiev: {patterns: [Kiev]}\n",
        encoding="utf-8",
    )
    from_file = load_lexicon(path)
    from_dict = load_lexicon({"families": {"capital": {"variants": {
        "Kyiv": {"patterns": ["Kyiv"]}, "Kiev": {"patterns": ["Kiev"]}}}}})
    assert from_file.families == from_dict.families
    assert from_file.where == str(path)
    assert load_lexicon(from_file) is from_file


def test_variant_lookup_by_name_and_family():
    lex = load_lexicon()
    assert lex.variant("kiev").family == "kyiv"
    assert lex.variant("war_name:invasion").name == "invasion"
    with pytest.raises(KeyError, match="no variant 'Kyyyiv'"):
        lex.variant("Kyyyiv")


@pytest.mark.parametrize(
    "data, message",
    [
        ({"families": {"capital": {"variants": {"Kyiv": {"patterns": ["Kyiv"], "colour": "blue"}}}}},
         r"families\.capital\.variants\.Kyiv: unknown key\(s\) \['colour'\]"),
        ({"families": {"capital": {"variants": {"Kyiv": {"patterns": []}}}}},
         r"families\.capital\.variants\.Kyiv\.patterns: expected a non-empty list"),
        ({"families": {"capital": {"variants": {"Kyiv": {"patterns": ["  "]}}}}},
         r"families\.capital\.variants\.Kyiv\.patterns\[0\]: empty pattern"),
        ({"families": {"capital": {"variants": {"Kyiv": {"patterns": ["Ky(iv"]}}}}},
         r"families\.capital\.variants\.Kyiv\.patterns\[0\]: invalid pattern 'Ky\(iv'"),
        ({"families": {"capital": {"variants": {"Kyiv": {"patterns": ["(?:x)?"]}}}}},
         r"matches the empty string"),
        ({"families": {"capital": {"variants": {"Kyiv": {}}}}},
         r"families\.capital\.variants\.Kyiv: key 'patterns' is missing"),
        ({"families": {"capital": {"variants": {"Kyiv": {"patterns": ["Kyiv"]}}, "colour": 1}}},
         r"families\.capital: unknown key\(s\) \['colour'\]"),
        ({"families": {"capital": {"variants": {"Kyiv": {"patterns": ["Kyiv"]}}},
                       "city": {"variants": {"kyiv": {"patterns": ["Kyiv city"]}}}}},
         r"families\.city\.variants\.kyiv: variant already listed in family 'capital'"),
        ({"orientations": {"ua": "x"}, **_minimal(orientation="ru")},
         r"families\.capital\.variants\.Kyiv: orientation: unknown tag 'ru'; known: \['ua'\]"),
        ({"families": {"capital": {"variants": {"Kyiv": {"patterns": ["Kyiv"]}},
                                   "events": [{"date": "2019-13-45", "label": "x"}]}}},
         r"families\.capital\.events\[0\]: date: expected YYYY-MM-DD"),
        ({"families": {}}, r"families: expected a non-empty mapping"),
        ({"famillies": {}}, r"unknown key\(s\) \['famillies'\]"),
        ({"distancing": {"markers": ["so(called"]}, **_minimal()}, r"distancing\.markers\[0\]: invalid pattern"),
    ],
)
def test_validation_errors_name_the_family_and_key(data, message):
    with pytest.raises(LexiconError, match=message):
        load_lexicon(data)


def test_validation_error_names_the_file(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("families:\n  capital:\n    variants:\n      Kyiv: {patterns: ['Ky(iv']}\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=re.escape(str(path)) + r": families\.capital\.variants\.Kyiv"):
        load_lexicon(path)
    with pytest.raises(LexiconError, match="cannot read lexicon file"):
        load_lexicon(tmp_path / "missing.yaml")
    (tmp_path / "bad.yaml").write_text("families: [unclosed", encoding="utf-8")
    with pytest.raises(LexiconError, match="bad.yaml: not valid YAML"):
        load_lexicon(tmp_path / "bad.yaml")


def test_lexicon_error_is_a_rules_error():
    assert issubclass(framing.LexiconError, framing.RulesError)


@pytest.mark.parametrize(
    "pattern, text, matches",
    [
        ("self proclaimed", "self-proclaimed", True),
        ("self proclaimed", "self\nproclaimed", True),
        ("self proclaimed", "self – proclaimed", True),
        ("self proclaimed", "selfproclaimed", False),
        ("people's", "people’s", True),
        ("people's", "peoples", False),
        ("[a-c ]x", " x", True),  # a space inside a character class stays a space
        (r"a\ b", "a b", True),   # an escaped space stays literal
    ],
)
def test_pattern_to_regex(pattern, text, matches):
    assert bool(re.fullmatch(pattern_to_regex(pattern), text)) is matches


def test_the_readme_lexicon_example_loads_and_matches():
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("### The lexicon format", 1)[1].split("```yaml", 1)[1].split("```", 1)[0]
    import yaml

    lex = load_lexicon(yaml.safe_load(block))
    assert [v.name for v in lex.family("kyiv").variants] == ["Kyiv", "Kiev"]
    assert matcher_for(lex).scan("chicken Kiev in Kyiv") == [(16, 20, "kyiv", "Kyiv")]


def test_a_pattern_that_refers_back_to_a_group_is_refused_with_its_place():
    bad = {"families": {"doubled": {"variants": {"xx": {"patterns": ["war", r"(\w)\1x"]}}}}}
    with pytest.raises(LexiconError, match=r"families\.doubled\.variants\.xx\.patterns\[1\].*refers back"):
        load_lexicon(bad)
