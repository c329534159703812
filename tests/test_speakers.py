"""The speakers knowledge: what the word lists of speakers.yaml decide, how a user file extends them."""

from __future__ import annotations

import pandas as pd
import pytest

import framing
from framing.analysis.speakers import load_speakers
from framing.knowledge import RulesError


def _quotes(text: str, **kw) -> list[tuple]:
    arts = pd.DataFrame({"article_id": ["a"], "outlet": ["Demo"], "published": [pd.NaT], "text": [text]})
    q = framing.find_quotes(arts, **kw)
    q = q.astype(object).where(q.notna(), None)
    return list(zip(q["kind"], q["speaker"], q["verb"]))


def test_a_new_inverted_verb_from_a_user_file_finds_the_speaker_after_it():
    text = "“We will hold the line whatever it costs,” intoned Lavrov."
    assert _quotes(text) == [("direct", None, None)]
    extra = {"verbs": {"intoned": ["intoned"]}, "inverted_verbs": ["intoned"]}
    assert _quotes(text, speakers=extra) == [("direct", "Sergei Lavrov", "intoned")]


def test_not_names_stop_a_capitalised_word_from_becoming_a_speaker():
    sp = load_speakers()
    assert sp.resolve("Monday") == (None, None)  # packaged: weekdays begin no name
    assert sp.resolve("Kharkiv officials")[0] == "Kharkiv"
    assert load_speakers({"not_names": ["Kharkiv"]}).resolve("Kharkiv officials")[0] is None
    assert "Kharkiv" not in load_speakers().not_names  # a user's file never leaks into the packaged one


def test_bare_verbs_decide_which_verbs_report_speech_without_that():
    text = "Officials in the region continued the evacuation of several villages near the front."
    assert _quotes(text, kinds=("indirect",)) == []
    said = "Lavrov said the talks had stalled over the question of guarantees."
    assert _quotes(said, kinds=("indirect",)) == [("indirect", "Sergei Lavrov", "said")]


def test_participles_carry_the_verb_of_the_quotation_that_follows():
    text = "Zelensky said in Kyiv on Friday, warning: “The next weeks will decide the war.”"
    assert _quotes(text, kinds=("direct",)) == [("direct", "Volodymyr Zelensky", "warned")]
    plain = "Zelensky said in Kyiv on Friday: “The next weeks will decide the war.”"
    assert _quotes(plain, kinds=("direct",)) == [("direct", "Volodymyr Zelensky", "said")]


def test_citation_verbs_come_from_the_speakers_file():
    arts = pd.DataFrame({"article_id": ["a"], "outlet": ["Demo"], "text": ["Interfax broadcast the claim."]})
    assert framing.cited_sources(arts)[["source", "how"]].values.tolist() == [["Interfax", "reported"]]


@pytest.mark.parametrize("bad, message", [
    ({"not_names": "Kharkiv"}, r"<speakers dict>: not_names: expected a list of words"),
    ({"inverted_verbs": ["said", 3]}, r"inverted_verbs\[1\]: expected a word, got 3"),
    ({"not_names": [True]}, r"not_names\[0\]: expected a word, got True \(YAML reads On, Off"),
    ({"nonames": []}, r"unknown top-level key\(s\) \['nonames'\]"),
])
def test_word_lists_are_validated_with_the_key_and_index(bad, message):
    with pytest.raises(RulesError, match=message):
        load_speakers(bad)


def test_the_packaged_word_lists_are_words():
    sp = load_speakers()
    for words in (sp.not_names, sp.inverted_verbs, sp.participles, sp.bare_verbs, sp.citation_verbs):
        assert words and all(isinstance(w, str) and w == w.strip() for w in words)
    assert "On" in sp.not_names  # quoted in the file, not read as a boolean
    assert set(sp.bare_verbs) <= set(sp.verbs.values())  # canonical verbs, as find_quotes compares them


def test_a_user_alias_that_starts_with_a_digit_or_small_letter_is_still_a_speaker():
    # mentions are searched only where a speaker can start: the aliases' own first letters count
    extra = {"speakers": [{"name": "3rd Assault Brigade", "aliases": ["3rd Assault Brigade"], "kind": "institution"},
                          {"name": "Ursula von der Leyen", "aliases": ["von der Leyen"]}]}
    text = ("“We are holding the northern approaches,” 3rd Assault Brigade said. "
            "“Europe stands with Ukraine for as long as it takes,” von der Leyen said.")
    assert [s for _, s, _ in _quotes(text, speakers=extra)] == ["3rd Assault Brigade", "Ursula von der Leyen"]


def test_an_indirect_quote_is_found_when_a_tab_stands_before_the_verb_or_it_opens_with_according():
    text = ("The talks resumed in Istanbul on Tuesday.\nLavrov\tsaid the talks had stalled over guarantees.\n"
            "According to Kuleba, the grain corridor will stay open through the winter.")
    assert _quotes(text, kinds=("indirect",)) == [("indirect", "Sergei Lavrov", "said"),
                                                  ("indirect", "Dmytro Kuleba", "according to")]


def _speaker_of(text: str, start: str) -> tuple:
    """(kind, speaker, verb) of the quotation whose text starts with `start`."""
    arts = pd.DataFrame({"article_id": ["a"], "outlet": ["Demo"], "published": [pd.NaT], "text": [text]})
    q = framing.find_quotes(arts, kinds=("direct", "partial"))
    q = q.astype(object).where(q.notna(), None)
    row = q[q["quote"].str.startswith(start)].iloc[0]
    return row["kind"], row["speaker"], row["verb"]


def test_a_quotation_of_one_or_two_words_is_someones_when_its_sentence_says_whose():
    text = ("The mayor of Northport, Jane Roe, spoke on Monday. She described the budget as “unacceptable”. "
            "Critics of the so-called “reform” were not heard. The council met in the “Old Library” on Tuesday.")
    assert _speaker_of(text, "unacceptable") == ("partial", "Jane Roe", "described")
    arts = pd.DataFrame({"article_id": ["a"], "outlet": ["Demo"], "published": [pd.NaT], "text": [text]})
    quotes = framing.find_quotes(arts)["quote"].tolist()
    assert "reform" not in quotes and "Old Library" not in quotes  # a scare quote and a name are no quotation
    assert framing.find_quotes(arts, kinds=("direct",)).empty  # partial quotations are a kind of their own


def test_names_are_whole_and_not_a_compound_a_model_or_an_owner():
    text = ("José Manuel Albares, the Spanish foreign minister, defended the plan. “We are not escalating "
            "anything at all,” Albares told the radio station.")
    assert _speaker_of(text, "We are not")[1] == "José Manuel Albares"
    text = ("Kyiv claimed two Russian Su-35s were shot down. Ben Wallace spoke to reporters later. "
            "“The columns have ground to a halt near the city,” he told the BBC.")
    assert _speaker_of(text, "The columns")[1] == "Ben Wallace"
    text = "“This marks a successful exchange, a dialogue,” said Al Jazeera’s Zein Basravi."
    assert _speaker_of(text, "This marks")[1] == "Zein Basravi"


def test_a_plural_noun_after_an_adjective_is_no_reporting_verb():
    text = ("The foreign ministers of the three Baltic states urged Germany “to provide the tanks now and "
            "without conditions”.")
    assert _speaker_of(text, "to provide")[1] != "Baltic"


def test_a_description_that_is_no_office_stands_for_the_person_the_story_is_on():
    text = ("Like many in Spain, Begoña Castro supports sending help. In fact, she believes the government "
            "is not doing enough. “We have been following the line and giving arms,” the 43-year-old "
            "financial analyst told reporters from her home.")
    assert _speaker_of(text, "We have been")[1] == "Begoña Castro"
    text = "Talks ended on Monday. “We will not sign this text,” the minister said."
    assert _speaker_of(text, "We will not")[1] is None  # an office nobody named stays unresolved
