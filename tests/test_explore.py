"""The report's article reader and term explorer: what they show, how big they get, and that corpus
text stays text."""

from __future__ import annotations

import json
import re

import pandas as pd

import framing
from framing import explorer, reader

HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'


def _articles(n_outlets=3, per_outlet=4):
    rows = []
    for o in range(n_outlets):
        for k in range(per_outlet):
            rows.append({
                "article_id": f"a{o}x{k}", "outlet": f"Outlet {o} {HOSTILE if o == 0 else ''}".strip(),
                "title": f"Kyiv report {k}", "published": pd.Timestamp(f"202{2 + k % 2}-0{1 + k}-10", tz="UTC"),
                "author": None, "language": "en", "url": f"https://outlet{o}.example/{k}", "source_path": f"o{o}/{k}.txt",
                "n_words": 40, "wire": None, "duplicate_of": None, "dropped": ["Share this"], "dropped_why": ["share"],
                "text": (f"The invasion of Ukraine went on near Kyiv. Officials called it a \"special military operation\" "
                         f"again. Grain {'corridor' if o == 1 else 'exports'} talks resumed {HOSTILE} in Istanbul.\n"
                         f"Residents of Kharkiv said the shelling went on as the {'war' if o else 'conflict'} grew."),
            })
    return pd.DataFrame(rows)


def test_reader_marks_hits_by_voice_and_folds_the_audit(tmp_path):
    arts = _articles()
    written = reader.write_articles(arts, ["a1x0", "nope", "a1x0"], tmp_path, report="demo")
    assert written == ["a1x0"]
    page = (tmp_path / "a1x0.html").read_text(encoding="utf-8")
    assert '<mark class="v-own" title="What the war is called: invasion (own)">invasion</mark>' in page
    assert re.search(r'<mark class="v-distanced"[^>]*>special military operation</mark>', page)
    assert "<details><summary>What the cleaning removed from this article (1 line)</summary>" in page
    assert "Share this <span class=\"rule\">— share</span>" in page
    assert "<script>window" not in page and "&lt;script&gt;window.__pwned" in page
    assert 'href="../index.html"' in page and "Content-Security-Policy" in page


def test_reader_is_bounded():
    arts = _articles(per_outlet=4)
    assert reader.linked_articles(['<a href="articles/a0x1.html">', 'x <a href="articles/a2x3.html">']) == ["a0x1", "a2x3"]
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        written = reader.write_articles(arts, list(arts["article_id"]), Path(folder), report="demo", limit=5)
        assert len(written) == 5 and len(list(Path(folder).glob("*.html"))) == 5


def test_explorer_data_is_bounded_and_marks_lexicon_variants():
    arts = _articles(n_outlets=4, per_outlet=5)
    data = explorer.explorer_data(arts, min_count=1, max_terms=10, context_terms=6, contexts=3, window=4)
    assert data["order"][0] == "outlet" and "year" in data["order"]
    outlets = data["groupings"]["outlet"]
    assert len(outlets["groups"]) == 4
    for group in outlets["data"].values():
        lexicon_rows = [r for r in group["terms"] if data["terms"][r[0]] in data["variants"]]
        assert len(group["terms"]) - len(lexicon_rows) <= 10
    assert data["variants"]["invasion"] == "What the war is called: invasion"
    assert len(data["contexts"]) <= max(6, len(data["variants"]))
    assert all(len(lines) <= 3 for lines in data["contexts"].values())
    lines = data["contexts"]["invasion"]
    assert {line[0] for line in lines} <= set(arts["outlet"]) and len({line[0] for line in lines}) == 3  # spread
    left, match, right = lines[0][2:5]
    assert match.lower() == "invasion" and len(left.split()) <= 4 and len(right.split()) <= 4
    assert {line[5] for line in data["contexts"].get("special military operation", [["", "", "", "", "", "quoted"]])} <= {"own", "quoted", "distanced"}


def test_explorer_page_holds_its_data_as_inert_json():
    arts = _articles()
    data = explorer.explorer_data(arts, min_count=1)
    page = explorer.explorer_html(data, report="demo", readable={"a0x0"})
    assert "<script>window" not in page and "onerror=" not in page.replace('onerror=\\"', "")
    raw = re.search(r'<script type="application/json" id="explorer-data">(.*?)</script>', page, re.S).group(1)
    assert "<" not in raw and ">" not in raw and "&" not in raw
    parsed = json.loads(raw)
    assert parsed["readable"] == ["a0x0"] and HOSTILE.split(">")[0] in json.dumps(parsed, ensure_ascii=False)
    assert page == explorer.explorer_html(explorer.explorer_data(arts, min_count=1), report="demo", readable={"a0x0"})
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "") and "https://" not in page


def test_groupings_skip_a_partition_already_offered(tmp_path):
    arts = _articles(n_outlets=3)
    outlets = tmp_path / "outlets.yaml"
    names = sorted(arts["outlet"].unique())
    outlets.write_text("outlets:\n" + "".join(
        f"  - name: {json.dumps(n)}\n    country: {c}\n    affiliation: {json.dumps(n)}\n" for n, c in zip(names, ["GB", "GB", "QA"])),
        encoding="utf-8")
    found = explorer.groupings_for(arts, outlets=str(outlets))
    assert found[:2] == ["outlet", "country"] and "affiliation" not in found


def test_keyness_names_and_explorer_agree_on_tokens():
    arts = _articles()
    table = framing.keyness(arts, min_count=1)
    data = explorer.explorer_data(arts, min_count=1, groupings=["outlet"])
    shown = {data["terms"][r[0]] for g in data["groupings"]["outlet"]["data"].values() for r in g["terms"]}
    assert shown <= set(table["term"])


def test_explorer_shows_each_groups_strongest_terms_and_every_variant_of_the_whole_table():
    # the explorer asks keyness for each group's ends and the variants' rows only: what it shows
    # is what the whole table gives (the max_terms largest |z|, and every lexicon variant)
    arts = _articles(n_outlets=4, per_outlet=5)
    data = explorer.explorer_data(arts, min_count=1, max_terms=4, context_terms=2, contexts=1, groupings=["outlet"])
    whole = framing.keyness(arts, by="outlet", min_count=1)
    variants = set(data["variants"])
    assert {"invasion", "kyiv", "war", "conflict"} <= variants
    for group, shown in data["groupings"]["outlet"]["data"].items():
        t = whole[whole["outlet"] == group].set_index("term")["statistic"].abs()
        terms = {data["terms"][r[0]] for r in shown["terms"]}
        assert set(t.index) & variants <= terms  # every variant, wherever it ranks
        strongest = terms - variants
        assert len(strongest) <= 4 and len(terms) >= min(4, len(t))
        rest = t.drop(list(terms))
        assert t[list(strongest)].min() >= rest.max()  # no stronger term left out (ties at the cut either way)
