"""Attribution as data and stages, coreference and quotation spans (issue 20), on hand-written text.

Every sentence here is our own writing, shaped after the failures the issue lists: present tense and
inversion, roles that name a known person, pronouns whose antecedent is the subject and not the last
name, accented names, the acute accent as a quotation mark, marks glued to the sentence before,
participial and labelling attributions, statements, stray straight quotes.
"""

from __future__ import annotations

import pandas as pd
import pytest

import framing
from framing.analysis.attribution import WHERE, grammar_for
from framing.analysis.speakers import load_speakers
from framing.knowledge import RulesError


def _quotes(text: str, kinds=("direct",)) -> list[tuple]:
    arts = pd.DataFrame({"article_id": ["a"], "outlet": ["Demo"], "published": [pd.NaT], "title": [""], "text": [text]})
    q = framing.find_quotes(arts, kinds=kinds)
    q = q.astype(object).where(q.notna(), None)
    return list(zip(q["quote"], q["speaker"], q["verb"], q["rule"]))


def _speakers(text: str) -> list:
    return [s for _, s, _, _ in _quotes(text)]


@pytest.mark.parametrize("text, speaker, verb", [
    # present tense and inversion
    ("Oksana Melnyk runs the shelter. “We have no heating since Monday,” she says.", "Oksana Melnyk", "said"),
    ("“We are not leaving this village,” says Andrii Barannik, 21.", "Andrii Barannik", "said"),
    ("Taras Koval, a farmer, showed the field. “Nothing grows here now,” he adds.", "Taras Koval", "added"),
    # participles, labels, statements
    ('Biden spoke in Warsaw, saying that "a nuclear war cannot be won and must never be fought".', "Joe Biden", "said"),
    ('Guterres hailed the grain deal as a "beacon of hope for the world".', "António Guterres", "hailed"),
    ('Lavrov rejected the plan, insisting it will "lead to nothing but more war".', "Sergei Lavrov", "insisted"),
    ("Peskov said the talks were over, emphasizing that “the door is not closed for good”.", "Dmitry Peskov", "stressed"),
    ("“The strikes will go on as long as needed,” RIA cited Peskov as saying.", "Dmitry Peskov", "said"),
    # an attribution that follows a quotation ending its own sentence
    ("“Those who give up freedom deserve neither.” Kuleba said.", "Dmytro Kuleba", "said"),
    # the verb of a second clause, the speaker the sentence's subject; a verb English news uses for speech
    ("Halyna Petrenko shook our hands and declared: “The school opens on Monday.”", "Halyna Petrenko", "declared"),
    ("“We love this town,” Taras Koval enthused.", "Taras Koval", "enthused"),
    # a perfect tense and a participle after the speaker, with a place name just before it
    ("Kyiv would pay “a terrible price” if it gave up Kherson, Olena Hnatiuk has said, telling the forum that "
     "the front must hold.", "Olena Hnatiuk", "said"),
    # a sentence adverb before the subject is no speaker; the role behind it names the known person
    ("Putin spoke to reporters in Minsk on Friday. Yet, the Russian president added that “any pause would be "
     "short”.", "Vladimir Putin", "added"),
    # a sentence glued to the one before it (no space after the full stop) starts its own subject
    ("Mayor Ihor Terekhov said he had asked for more generators in the city.Taras Koval denounced the strikes "
     "and praised the crews, saying: “The lights will come back.”", "Taras Koval", "said"),
    ("Taras Koval said the village had no school left, as he mentioned that “the children study online”.",
     "Taras Koval", "mentioned"),
])
def test_attribution_patterns_the_issue_lists(text, speaker, verb):
    assert [(s, v) for _, s, v, _ in _quotes(text)] == [(speaker, verb)]


def test_a_role_names_the_known_person_it_describes_once_named():
    named = "Putin spoke in the Kremlin on Tuesday. “The West wants to destroy us,” the Russian leader said."
    assert _speakers(named) == ["Vladimir Putin"]
    unnamed = "Troops massed at the border. “The West wants to destroy us,” the Russian leader said."
    assert _speakers(unnamed) == [None]  # nobody named before: unresolved beats wrong


def test_an_unnamed_antecedent_leaves_the_speaker_empty():
    text = ("Zelensky spoke in Kyiv on Monday. A French official said the plan was ready. "
            "“It is ready,” the official added. “We sign on Friday,” he said.")
    assert _speakers(text) == [None, None]


def test_a_pronoun_points_to_the_subject_not_to_the_last_name():
    text = ("Zelensky thanked Roberta Metsola in Brussels on Thursday. "
            "“Europe must stay united for as long as it takes,” he told MEPs.")
    assert _speakers(text) == ["Volodymyr Zelensky"]
    text = ("Putin has threatened grain shipments again. Wanjiru Kimani runs a clinic in Nairobi. "
            "She has treated hundreds of patients. “The grain never came,” she said.")
    assert _speakers(text) == ["Wanjiru Kimani"]
    text = "Lula, 76, said Zelensky should have negotiated. Later he added: “We should be talking about peace.”"
    assert _speakers(text) == ["Lula"]


def test_a_surname_and_a_title_find_the_full_name():
    text = ("Sgt Denys Kalchuk showed us the trench. “They were 400 metres away,” Sgt Kalchuk said. "
            "“The planes are the worst,” Kalchuk said.")
    assert _speakers(text) == ["Denys Kalchuk", "Denys Kalchuk"]


def test_another_first_name_is_another_person():
    text = "The governor of the Kyiv region Oleksiy Kuleba said more buses left. “We will try again tomorrow,” he said."
    assert _speakers(text) == ["Oleksiy Kuleba"]


def test_accented_names_are_whole_and_places_after_a_preposition_are_no_speakers():
    assert _speakers("“We will rebuild every school in the region,” said Oléna Bólotova.") == ["Oléna Bólotova"]
    text = "Soldiers in Donbas told the BBC the line held. “Ukrainian units are learning every day,” troops in Donbas told us."
    assert _speakers(text) == [None]


def test_quotation_marks_the_issue_lists():
    # the acute accent some sites type for quotation marks (and apostrophes)
    assert _quotes("The mayor´s office was shut. ´We are safe here for now´, Halyna Petrenko said.")[0][:2] == (
        "We are safe here for now", "Halyna Petrenko")
    # a mark glued to the sentence before it
    assert _quotes("He left the room.“We were never told about the evacuation,” Petro Bondar said.")[0][:2] == (
        "We were never told about the evacuation,", "Petro Bondar")
    # a stray straight quote before a list of links quotes nothing
    assert _quotes('Read more: "Ukraine latest Russia news Kyiv updates live blog\nNext paragraph here.') == []
    # ... but a straight quotation that runs over paragraphs, the next one opening with a mark, still does
    text = '"We held the line for a week.\n"Then the shelling stopped," Petro Bondar said.'
    assert [q for q, _, _, _ in _quotes(text)] == ["We held the line for a week.", "Then the shelling stopped,"]


def test_statements_and_unknown_long_names():
    text = "“Russia will respond to any provocation,” a statement from the ministry read."
    assert _quotes(text) == [("Russia will respond to any provocation,", None, "stated", "after_statement")]
    text = ("“There are reports of looting in the city,” the United Nations Office for the Coordination of "
            "Humanitarian Affairs said.")
    assert _speakers(text) == ["United Nations Office for the Coordination of Humanitarian Affairs"]


def test_datelines_and_sentence_openers_are_no_speakers():
    text = "MOSCOW, December 26. /TASS/. Russian Foreign Minister Sergei Lavrov said that the talks had stalled again."
    q = framing.find_quotes(pd.DataFrame({"article_id": ["a"], "outlet": ["X"], "published": [pd.NaT], "text": [text]}),
                            kinds=("indirect",))
    assert q[["speaker", "quote"]].values.tolist() == [["Sergei Lavrov", "the talks had stalled again"]]
    text = "Besides, Ukrainian officials said the bridge had been hit again overnight by drones."
    assert framing.find_quotes(pd.DataFrame({"article_id": ["a"], "outlet": ["X"], "published": [pd.NaT],
                                             "text": [text]}), kinds=("indirect",))["speaker"].isna().all()


@pytest.mark.parametrize("opener", ["Yet", "Still", "Instead", "Nevertheless", "Moreover"])
def test_a_word_that_opens_a_sentence_is_no_name(opener):
    text = f"The talks ended late. {opener}, the minister added that “the money is not there”."
    assert _quotes(text, kinds=("direct", "partial"))[0][1] is None  # a role nobody named before: unresolved


def test_the_rule_column_names_the_stage_that_matched():
    text = ("“We are ready,” Peskov said. “But not at any price.” According to Kuleba, “Russia must leave”. "
            "Lavrov said the West “wants war”, adding: “We will answer.”")
    assert [r for _, _, _, r in _quotes(text)] == [
        "after_speaker_verb", "continues", "before_according", "before_participle"]
    assert framing.QUOTE_COLUMNS[-1] == "rule"


# --------------------------------------------------------------------------- the grammar as data


def test_the_packaged_grammar_is_ordered_data():
    g = grammar_for(load_speakers())
    names = [s.name for s in g.stages]
    assert names[:2] == ["after_verb_speaker", "after_speaker_verb"]
    assert names.index("continues") < names.index("previous_sentence")
    assert {s.where for s in g.stages} <= set(WHERE)
    assert all(s.example for s in g.stages)  # every stage says what it is for
    assert g.label_verbs["hails"] == "hailed"


@pytest.mark.parametrize("bad, message", [
    ({"stages": [{"name": "x", "where": "after", "pattern": "{speaker} {verb}", "colour": 1}]},
     r"stages\[0\] \(x\): unknown key\(s\) \['colour'\]"),
    ({"stages": [{"name": "x", "where": "sideways", "pattern": "{speaker} {verb}"}]}, r"where: expected one of"),
    ({"stages": [{"name": "x", "where": "after", "pattern": "{speaker} {speakr} {verb}"}]}, r"unknown slot \{speakr\}"),
    ({"stages": [{"name": "x", "where": "after", "pattern": "{verb} only"}]}, r"needs a \{speaker\} slot"),
    ({"stages": [{"name": "x", "where": "after", "pattern": "{speaker} said"}]}, r"no verb slot"),
    ({"stages": [{"name": "x", "where": "after", "pattern": "{speaker} ({verb}"}]}, r"invalid regex"),
    ({"stages": [{"name": "x", "where": "previous_quote"}, {"name": "x", "where": "previous_quote"}]},
     r"names used twice: \['x'\]"),
])
def test_a_bad_grammar_names_the_stage_and_the_key(bad, message):
    with pytest.raises(RulesError, match=message):
        grammar_for(load_speakers(), bad)


def test_a_user_grammar_replaces_the_packaged_one():
    g = grammar_for(load_speakers(), {"stages": [
        {"name": "only_after", "where": "after", "pattern": "^{lead}{speaker}\\s+{verb}\\b", "example": "“…,” X said"}]})
    assert [s.name for s in g.stages] == ["only_after"]
    m = g.stages[0].search(", Lavrov said.")
    assert m.group("spk") == "Lavrov" and g.verb(load_speakers(), g.stages[0], m) == "said"
