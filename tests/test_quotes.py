"""find_quotes, speakers, speaker_share, attribution_verbs and cited_sources on hand-written text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import framing
from framing.analysis.speakers import load_speakers
from framing.analysis.stats import log_odds_dirichlet
from framing.knowledge import RulesError


def _articles(*texts: str, outlets: list[str] | None = None) -> pd.DataFrame:
    n = len(texts)
    return pd.DataFrame({"article_id": [f"a{i}" for i in range(n)], "outlet": outlets or ["Demo"] * n,
                         "published": [pd.NaT] * n, "title": [""] * n, "text": list(texts)})


def _direct(text: str) -> list[tuple]:
    q = framing.find_quotes(_articles(text), kinds=("direct",))
    q = q.astype(object).where(q.notna(), None)
    return list(zip(q["quote"], q["speaker"], q["verb"], q["attribution"]))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("“We will not give up the south,” Zelensky said.",
         [("We will not give up the south,", "Volodymyr Zelensky", "said", "same sentence")]),
        ('"We are ready for talks," said Sergey Lavrov.',
         [("We are ready for talks,", "Sergei Lavrov", "said", "same sentence")]),
        ("Foreign Minister Dmytro Kuleba told reporters: “Russia must leave our land.”",
         [("Russia must leave our land.", "Dmytro Kuleba", "told", "same sentence")]),
        ("The Kremlin spokesman Dmitry Peskov claimed the talks had “no prospects at the moment”.",
         [("no prospects at the moment", "Dmitry Peskov", "claimed", "same sentence")]),
        ("According to Stoltenberg, “the alliance will not be divided”.",
         [("the alliance will not be divided", "Jens Stoltenberg", "according to", "same sentence")]),
        ("„Wir liefern weiter Waffen“, said Olaf Scholz.",
         [("Wir liefern weiter Waffen", "Olaf Scholz", "said", "same sentence")]),
        ("«Nous restons aux côtés de l’Ukraine», a déclaré Macron. Emmanuel Macron added: «Nous ne céderons pas».",
         [("Nous restons aux côtés de l’Ukraine", None, None, "none"),
          ("Nous ne céderons pas", "Emmanuel Macron", "added", "same sentence")]),
        # an unknown person keeps the name the text gives, without the title
        ("“The shelling never stops,” said regional governor Oleh Synehubov.",
         [("The shelling never stops,", "Oleh Synehubov", "said", "same sentence")]),
        # a role without a name: no speaker, but the group from the roles list
        ("“We hid in the cellar for a week,” a resident said.",
         [("We hid in the cellar for a week,", None, "said", "same sentence")]),
        # scare quotes of fewer than three words are not quotations
        ("Moscow calls it a “special operation”.", []),
    ],
)
def test_direct_quotes_and_their_speakers(text, expected):
    assert _direct(text) == expected


def test_sentence_before_and_pronoun_attribution():
    text = ("“We have enough ammunition for now,” Reznikov told reporters. “But the winter will be hard.” "
            "Later the minister met Austin. “Every shell counts,” he said.")
    rows = _direct(text)
    assert [r[1:] for r in rows] == [
        ("Oleksii Reznikov", "told", "same sentence"),
        ("Oleksii Reznikov", "told", "sentence before"),
        ("Oleksii Reznikov", "said", "pronoun"),
    ]


def test_pronoun_resolves_to_the_full_name_of_an_unknown_speaker():
    text = ("Australian prime minister Scott Morrison spoke on Wednesday. Morrison said Russia was isolated. "
            "“This is only the start,” he said.")
    assert _direct(text)[0][1] == "Scott Morrison"


def test_nested_quotes_and_unbalanced_marks_stay_in_their_paragraph():
    text = ("“They speak of a ‘special operation’ but it is a war,” Kuleba said.\n"
            "“This quotation never closes\nNarration goes on here, and Lavrov said nothing.")
    q = framing.find_quotes(_articles(text), kinds=("direct",))
    assert q["quote"].tolist() == ["They speak of a ‘special operation’ but it is a war,", "This quotation never closes"]
    assert q["speaker"].tolist()[0] == "Dmytro Kuleba"
    assert q["end"].iloc[1] == text.index("\nNarration")


def test_indirect_quotes():
    text = ("Zelensky said that the counter-offensive would continue through the winter. "
            "According to Peskov, the talks had reached a dead end after the latest round. "
            "Russia continued its attacks on the energy grid overnight.")
    q = framing.find_quotes(_articles(text), kinds=("indirect",))
    assert q[["speaker", "verb"]].values.tolist() == [["Volodymyr Zelensky", "said"], ["Dmitry Peskov", "according to"]]
    assert q["quote"].iloc[0] == "the counter-offensive would continue through the winter"


def test_quotes_table_columns():
    q = framing.find_quotes(_articles("“A quote of words,” Biden said.", "No quotes here at all."))
    assert tuple(q.columns) == framing.QUOTE_COLUMNS
    assert q["article_id"].tolist() == ["a0"]
    assert q["speaker_group"].tolist() == ["United States"]


def test_speakers_file_can_be_extended_and_is_validated(tmp_path):
    extra = {"speakers": [{"name": "Jane Analyst", "aliases": ["Analyst Jane"], "group": "Experts"}]}
    q = framing.find_quotes(_articles("“Prices will rise,” Analyst Jane warned."), speakers=extra)
    assert q[["speaker", "speaker_group", "verb"]].values.tolist() == [["Jane Analyst", "Experts", "warned"]]
    with pytest.raises(RulesError, match=r"speakers\[0\] \(X\): unknown key\(s\) \['colour'\]"):
        load_speakers({"speakers": [{"name": "X", "colour": "red"}]})
    with pytest.raises(RulesError, match="group 'Martians' is not one of"):
        load_speakers({"speakers": [{"name": "X", "group": "Martians"}]})
    path = tmp_path / "bad.yaml"
    path.write_text("speakers: [unclosed", encoding="utf-8")
    with pytest.raises(RulesError, match="bad.yaml: not valid YAML"):
        load_speakers(path)


def test_the_packaged_speakers_cover_the_issue_list():
    sp = load_speakers()
    for mention, name in [("Blinken", "Antony Blinken"), ("Lavrov", "Sergei Lavrov"), ("Putin", "Vladimir Putin"),
                          ("Zelenskyy", "Volodymyr Zelensky"), ("Peskov", "Dmitry Peskov"), ("Kuleba", "Dmytro Kuleba"),
                          ("Scholz", "Olaf Scholz"), ("Biden", "Joe Biden"), ("Xi", "Xi Jinping"),
                          ("Stoltenberg", "Jens Stoltenberg"), ("Zakharova", "Maria Zakharova"),
                          ("Kremlin spokesman", "Kremlin spokesman"), ("the Foreign Ministry", "Foreign Ministry")]:
        assert sp.resolve(mention)[0] == name, mention


# --------------------------------------------------------------------------- comparisons


def _quotes_table() -> pd.DataFrame:
    return pd.DataFrame({
        "outlet": ["RT"] * 5 + ["BBC"] * 5,
        "speaker": ["Sergei Lavrov"] * 4 + [None] + ["Sergei Lavrov", "Dmytro Kuleba", "Dmytro Kuleba", "Petro Bondar", None],
        "speaker_group": ["Russia"] * 4 + [None] + ["Russia", "Ukraine", "Ukraine", None, None],
        "verb": ["said", "said", "said", "stated", None, "claimed", "said", "said", "said", None],
        "n_words": [10, 10, 10, 10, 10, 20, 5, 5, 5, 5],
        "kind": ["direct"] * 10,
    })


def test_speaker_share_by_quotes_and_words():
    table = framing.speaker_share(_quotes_table()).set_index(["outlet", "speaker_group"])
    assert table.loc[("RT", "Russia"), "share_quotes"] == pytest.approx(0.8)
    assert table.loc[("BBC", "Russia"), "share_words"] == pytest.approx(20 / 40)
    assert table.loc[("BBC", "(other named)"), "n_quotes"] == 1
    assert table.loc[("BBC", "(unattributed)"), "n_quotes"] == 1
    assert np.allclose(table.groupby(level=0)["share_quotes"].sum(), 1)


def test_attribution_verbs_shares_and_log_odds_against_the_formula():
    table = framing.attribution_verbs(_quotes_table(), speaker_group="Russia").set_index(["outlet", "verb"])
    assert table.loc[("RT", "said"), "share"] == pytest.approx(3 / 4)
    assert table.loc[("BBC", "claimed"), "count"] == 1
    # BBC vs RT for Russian speakers: counts said/stated/claimed = BBC [0, 0, 1], RT [3, 1, 0]
    verbs = ["claimed", "said", "stated"]
    bbc, rt = np.array([1.0, 0, 0]), np.array([0, 3.0, 1])
    _, z = log_odds_dirichlet(bbc, rt, 1, 4, bbc + rt)
    assert table.loc[[("BBC", v) for v in verbs if ("BBC", v) in table.index], "log_odds_z"].iloc[0] == pytest.approx(z[0])


def test_cited_sources_distinguishes_citation_from_publisher():
    text = ("Sputnik News Agency quoted the minister. According to Interfax, talks stalled. "
            "He told Reuters the plan was ready. The BBC's correspondent saw it, and the BBC reported the blast.")
    c = framing.cited_sources(_articles(text, outlets=["BBC News"]))
    assert c[["source", "how"]].values.tolist() == [
        ["Sputnik", "reported"], ["Interfax", "according to"], ["Reuters", "told"], ["BBC News", "reported"]]
    assert c["self_citation"].tolist() == [False, False, False, True]


def test_accented_names_are_whole_names():
    arts = pd.DataFrame({"article_id": ["a"], "outlet": ["X"], "published": [pd.NaT], "language": ["en"],
                         "text": ["“We will rebuild the school by spring,” said Oléna Bólotova, a nurse. “Nobody will "
                                  "stop us,” she added. Şahin Çelik told reporters that the talks had stalled again."]})
    q = framing.find_quotes(arts)
    assert q["speaker"].tolist() == ["Oléna Bólotova", "Oléna Bólotova", "Şahin Çelik"]
    assert q["attribution"].tolist() == ["same sentence", "pronoun", "same sentence"]


def test_citations_found_name_first_equal_one_regex_over_the_text():
    """cited_sources searches the names first and reads the citing words around them; on random
    text made of names, citing words, "the", agency words and verbs it finds exactly what one regex
    with the optional parts in front finds with finditer (the way it was written before)."""
    import random
    import re

    from framing.analysis.quotes import _citations, _cite_patterns

    (name, before, after), names = _cite_patterns(None)
    whole = re.compile(before.pattern.replace(r"\Z", "") + name.pattern + after.pattern)
    words = ["according to", "According  to", "told", "untold", "telling", "quoted by", "reported by",
             "interview with", "the", "The", "news agency", "agency", "TV", "said", "reported", "reports",
             "citing", "and", "x", "-", ",", "\n", *random.Random(0).sample(sorted(names), 40)]
    rng = random.Random(1)
    kinds = {"pre": 0, "verb": 0, "plain": 0}
    for _ in range(400):
        text = rng.choice(["", " "]).join(rng.choice(words) + rng.choice([" ", "", "  ", "\n"])
                                          for _ in range(rng.randint(1, 30)))
        expected = [(m.start(), m.end(), m.group("pre"), m.group("src"), m.group("verb")) for m in whole.finditer(text)]
        assert list(_citations(text, (name, before, after))) == expected, text
        for _, _, pre, _, verb in expected:
            kinds["pre" if pre else "verb" if verb else "plain"] += 1
    assert min(kinds.values()) >= 50, kinds  # every kind of mention was tried
