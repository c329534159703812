"""framing.knowledge: packaged YAML loads; invalid user files fail with file, key and value."""

from __future__ import annotations

import pytest

from framing import RulesError, load_boilerplate, load_outlets


def test_packaged_knowledge_loads_and_covers_the_wires():
    book = load_outlets()
    for name in ["Reuters", "Associated Press", "AFP", "PA Media", "TASS", "RIA Novosti", "RT", "Sputnik",
                 "Interfax", "Ukrinform", "PolitNavigator", "Cyprus Mail", "Press and Journal", "BBC News",
                 "The Guardian", "Al Jazeera English", "The Kyiv Independent", "Kyiv Post", "SouthFront"]:
        assert book.by_name(name) is not None, name
    assert book.by_domain("edition.cnn.com").name == "CNN"
    assert load_boilerplate().footer


def test_user_outlets_extend_and_override(tmp_path):
    path = tmp_path / "outlets.yaml"
    path.write_text("outlets:\n  - name: Reuters\n    domains: [reuters.example]\n  - name: Demo Daily\n    aliases: [DD]\n")
    book = load_outlets(path)
    assert book.by_name("dd").name == "Demo Daily"
    assert book.by_domain("reuters.example").name == "Reuters"


@pytest.mark.parametrize(("yaml_text", "message"), [
    ("outlets:\n  - name: X\n    colour: red\n", r"outlets\.yaml: outlets\[0\] \(X\): unknown key\(s\) \['colour'\]"),
    ("outlets:\n  - name: X\n    signatures: ['(unclosed']\n", r"\(X\): signatures\[0\]: invalid regex '\(unclosed'"),
    ("outlets:\n  - name: X\n    timezone: Mars/Olympus\n", r"\(X\): timezone: unknown IANA zone 'Mars/Olympus'"),
    ("outlets:\n  - aliases: [Y]\n", r"outlets\[0\]: key 'name' is missing"),
    ("outlets: 3\n", r"'outlets' must be a list"),
    ("outlets:\n  - name: X\n    signatures: ['']\n", r"signatures\[0\]: expected a non-empty regex"),
])
def test_invalid_outlets_name_file_key_and_value(tmp_path, yaml_text, message):
    path = tmp_path / "outlets.yaml"
    path.write_text(yaml_text)
    with pytest.raises(RulesError, match=message):
        load_outlets(path)


def test_invalid_boilerplate_names_the_key(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("drop:\n  promo: ['[unclosed']\n")
    with pytest.raises(RulesError, match=r"rules\.yaml: drop\.promo\[0\]: invalid regex"):
        load_boilerplate(path)
    path.write_text("footers: []\n")
    with pytest.raises(RulesError, match=r"unknown key\(s\) \['footers'\]"):
        load_boilerplate(path)


def test_user_boilerplate_rules_apply(tmp_path):
    import framing

    (tmp_path / "a.txt").write_text("Talks went on in Geneva on Monday, officials said.\nBuy our app today\n"
                                    "More rounds are planned for next week, diplomats said.\n")
    assert "Buy our app" in framing.ingest(tmp_path).articles["text"].iloc[0]
    cleaned = framing.ingest(tmp_path, boilerplate={"drop": {"promo": ["^Buy our app"]}}).articles.iloc[0]
    assert "Buy our app" not in cleaned["text"] and "promo" in cleaned["dropped_why"]


def test_memo_serves_hashable_calls_once_and_computes_unhashable_ones_afresh():
    from framing._cache import memo

    calls = []

    @memo(maxsize=4)
    def build(source):
        calls.append(source)
        if source == "bad":
            raise TypeError("bad source")
        return len(source)

    assert build("abc") == build("abc") == 3 and calls == ["abc"]
    assert build(["a", "b"]) == build(["a", "b"]) == 2 and calls == ["abc", ["a", "b"], ["a", "b"]]
    with pytest.raises(TypeError, match="bad source"):  # an error of the function itself is not swallowed
        build("bad")
    assert calls.count("bad") == 1


def test_every_packaged_cleaning_rule_says_what_it_covers():
    """The site rules are the exception (issue 19): each rule, or the run of rules it opens, follows a
    comment saying whether it holds on any site or which site's pages it was written for."""
    from importlib.resources import files

    text = files("framing.data").joinpath("boilerplate.yaml").read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines()]
    rules = [i for i, line in enumerate(lines) if line.startswith(("- '", '- "'))]
    assert len(rules) > 100
    silent = []
    for i in rules:
        j = i - 1
        while lines[j].startswith(("- '", '- "')):  # a run of rules shares the comment before it
            j -= 1
        if lines[j].endswith(":") and not lines[j].startswith("#"):  # a category key: its comment is above it
            j -= 1
        if not lines[j].startswith("#"):
            silent.append(lines[i])
    assert not silent, f"rules without a comment saying what they cover: {silent}"
    site_or_any = [line for line in lines if line.startswith("#") and ":" in line]
    assert sum(line.startswith("# any site") for line in site_or_any) >= 30
