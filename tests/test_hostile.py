"""Hostile folders, files and arguments: the raw root is a boundary, nothing is lost, nothing hangs."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

import framing
from framing.cli import main
from framing.ingestion import tasks
from framing.ingestion.readers import decode_bytes, walk_inputs

BODY = "Officials in the regional capital said on Monday that talks on grain shipments would go on next week."
ROOT_USER = hasattr(os, "geteuid") and os.geteuid() == 0


def _reasons(corpus) -> dict[str, str]:
    return dict(zip(corpus.rejects["source_path"], corpus.rejects["reason"], strict=True))


def _reconciles(corpus, n_inputs: int) -> None:
    """Every input is an article or a reject: the ingest's own promise, checked from outside."""
    sources = {s.split("#")[0] for s in corpus.articles["source_path"]}
    rejected = {s.split("#")[0] for s in corpus.rejects["source_path"]}
    assert len(sources | rejected) == n_inputs, (sorted(sources), sorted(rejected))


# ------------------------------------------------------------------ the raw root is a boundary


def test_links_out_of_the_raw_folder_are_rejected_and_named(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "story.txt").write_text(BODY + "\n")
    (raw / "passwd.txt").symlink_to("/etc/passwd")
    (raw / "environ.txt").symlink_to("/proc/self/environ")
    (raw / "etcdir").symlink_to("/etc")
    corpus = framing.ingest(raw)
    assert corpus.articles["source_path"].tolist() == ["story.txt"]
    assert not corpus.articles["text"].str.contains("root:").any()
    reasons = _reasons(corpus)
    assert reasons == {"passwd.txt": "outside_root", "environ.txt": "outside_root", "etcdir": "outside_root"}
    detail = corpus.rejects.set_index("source_path").loc["passwd.txt", "detail"]
    assert "/etc/passwd" in detail and "--follow-links" in detail


def test_follow_links_opts_in(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "kept.txt").write_text(BODY + "\n")
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "linked").symlink_to(elsewhere)
    assert framing.ingest(raw).articles.empty
    assert framing.ingest(raw, follow_links=True).articles["source_path"].tolist() == ["linked/kept.txt"]


def test_links_inside_the_folder_are_read_once_and_loops_are_named(tmp_path):
    raw = tmp_path / "raw"
    (raw / "a").mkdir(parents=True)
    (raw / "a" / "story.txt").write_text(BODY + "\n")
    (raw / "a" / "loop").symlink_to(raw)  # a folder that leads back up
    (raw / "b.txt").symlink_to(raw / "a" / "story.txt")
    corpus = framing.ingest(raw)
    assert sorted(corpus.articles["source_path"]) == ["a/story.txt", "b.txt"]
    assert _reasons(corpus) == {"a/loop": "link_loop"}


def test_fifo_dangling_link_and_device_are_rejected_without_blocking(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "story.txt").write_text(BODY + "\n")
    os.mkfifo(raw / "pipe.txt")
    (raw / "gone.txt").symlink_to(raw / "never-there.txt")
    (raw / "zero.txt").symlink_to("/dev/zero")
    result: dict = {}
    worker = threading.Thread(target=lambda: result.update(corpus=framing.ingest(raw, follow_links=True)), daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "the ingest blocked on a FIFO or a device"
    corpus = result["corpus"]
    assert _reasons(corpus) == {"pipe.txt": "not_a_file", "gone.txt": "dangling_link", "zero.txt": "not_a_file"}
    assert "FIFO" in corpus.rejects.set_index("source_path").loc["pipe.txt", "detail"]
    _reconciles(corpus, 4)


@pytest.mark.skipif(ROOT_USER, reason="root reads a mode-000 folder anyway; the next test simulates it")
def test_a_folder_that_cannot_be_listed_is_a_reject(tmp_path):
    raw = tmp_path / "raw"
    (raw / "locked").mkdir(parents=True)
    (raw / "locked" / "story.txt").write_text(BODY + "\n")
    (raw / "open.txt").write_text(BODY + "\n")
    os.chmod(raw / "locked", 0)
    try:
        corpus = framing.ingest(raw)
    finally:
        os.chmod(raw / "locked", 0o755)
    assert corpus.articles["source_path"].tolist() == ["open.txt"]
    assert _reasons(corpus) == {"locked": "unreadable"}


def test_a_folder_that_cannot_be_listed_is_a_reject_simulated(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    (raw / "locked").mkdir(parents=True)
    (raw / "locked" / "story.txt").write_text(BODY + "\n")
    (raw / "open.txt").write_text(BODY + "\n")
    real = os.scandir

    def scandir(path):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    items = list(walk_inputs(raw))
    assert [i[1] for i in items if isinstance(i, tuple)] == ["open.txt"]
    rejects = [i for i in items if not isinstance(i, tuple)]
    assert [(r.source_path, r.reason) for r in rejects] == [("locked", "unreadable")]
    assert "Permission denied" in rejects[0].detail


def test_a_file_name_that_is_not_utf8_is_read_and_written(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (Path(os.fsdecode(bytes(raw) + b"/caf\xe9.txt"))).write_text(BODY + "\n")
    out = tmp_path / "out"
    assert main(["ingest", str(raw), "--out", str(out), "--quiet"]) == 0
    articles = framing.read_articles(out)
    assert articles["source_path"].tolist() == ["caf\\xe9.txt"]


# ------------------------------------------------------------------ per row, not per file


@pytest.mark.parametrize(("bad", "why"), [
    ('{"text": "x", "n": ' + "9" * 5000 + "}", "digits"),
    ('{"text": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
    ('{"text": "broken \\ud800 half"}', "surrogate"),
    (b'{"text": "caf\xe9"}', "not UTF-8"),
    ('{"text": ', "Expecting value"),
])
def test_a_bad_jsonl_row_is_rejected_with_its_line_and_the_rest_is_read(tmp_path, bad, why):
    good = json.dumps({"title": "Later", "text": BODY})
    bad_bytes = bad if isinstance(bad, bytes) else bad.encode()
    (tmp_path / "feed.jsonl").write_bytes(good.encode() + b"\n" + bad_bytes + b"\n" + good.replace("Later", "Last").encode() + b"\n")
    corpus = framing.ingest(tmp_path)
    assert corpus.articles["source_path"].tolist() == ["feed.jsonl#1", "feed.jsonl#3"]
    assert corpus.rejects[["source_path", "reason"]].values.tolist() == [["feed.jsonl#2", "malformed_json"]]
    assert why in corpus.rejects["detail"].iloc[0] and "line 2" in corpus.rejects["detail"].iloc[0]


def test_a_json_export_with_a_lone_surrogate_loses_only_that_item(tmp_path):
    items = [{"text": BODY}, {"text": "half \ud800 a pair"}, {"text": BODY + " Again."}]
    (tmp_path / "export.json").write_text(json.dumps(items))  # json.dumps escapes the surrogate
    corpus = framing.ingest(tmp_path)
    assert corpus.articles["source_path"].tolist() == ["export.json#1", "export.json#3"]
    assert corpus.rejects["source_path"].tolist() == ["export.json#2"]


def test_a_csv_field_longer_than_the_csv_modules_default_is_read(tmp_path):
    long_body = " ".join([BODY] * 2000)  # ~200k characters, over csv's 131,072
    (tmp_path / "export.csv").write_text(f'title,text\nLong,"{long_body}"\nShort,"{BODY}"\n')
    corpus = framing.ingest(tmp_path)
    assert corpus.articles["title"].tolist() == ["Long", "Short"]
    assert corpus.rejects.empty


def test_a_file_that_changes_while_read_is_rejected(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text(BODY + "\n")
    (tmp_path / "b.txt").write_text(BODY + " Second.\n")
    real = tasks.read_file

    def growing(path, rel, **kw):
        yield from real(path, rel, **kw)
        if rel == "a.txt":  # a scraper appends while framing reads
            with open(path, "a") as fh:
                fh.write("More text arriving.\n")

    monkeypatch.setattr(tasks, "read_file", growing)
    corpus = framing.ingest(tmp_path)
    assert corpus.articles["source_path"].tolist() == ["b.txt"]
    assert _reasons(corpus) == {"a.txt": "changed_while_reading"}


def test_a_stray_sources_csv_is_a_reject_not_a_crash(tmp_path):
    (tmp_path / "story.txt").write_text(BODY + "\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "sources.csv").write_text("name,outlet\nstory.txt,X\n")
    corpus = framing.ingest(tmp_path)
    assert corpus.articles["source_path"].tolist() == ["story.txt"]
    assert _reasons(corpus) == {"sub/sources.csv": "bad_manifest"}
    assert "'file' column" in corpus.rejects["detail"].iloc[0]


def test_utf16_without_a_byte_order_mark_is_text():
    text = "Officials said the talks would go on. Київ і Донбас."
    for enc in ("utf-16-le", "utf-16-be"):
        assert decode_bytes(text.encode(enc)) == (text, enc)


# ------------------------------------------------------------------ the command line says what is wrong


def test_malformed_outlets_yaml_in_the_raw_folder_is_exit_2(tmp_path, capsys):
    (tmp_path / "story.txt").write_text(BODY + "\n")
    (tmp_path / "outlets.yaml").write_text("outlets: [unclosed\n")
    assert main(["ingest", str(tmp_path), "--quiet"]) == 2
    assert "outlets.yaml" in capsys.readouterr().err


@pytest.mark.parametrize("manifest", ["missing.csv", "dir"])
def test_a_bad_manifest_argument_is_exit_2(tmp_path, capsys, manifest):
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "story.txt").write_text(BODY + "\n")
    (tmp_path / "dir").mkdir()
    assert main(["ingest", str(tmp_path / "raw"), "--manifest", str(tmp_path / manifest), "--quiet"]) == 2
    assert manifest in capsys.readouterr().err


def test_workers_are_checked_and_capped(tmp_path, capsys):
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "story.txt").write_text(BODY + "\n")
    assert main(["ingest", str(tmp_path / "raw"), "--workers", "-1", "--quiet"]) == 2
    assert "1 or more" in capsys.readouterr().err
    assert main(["ingest", str(tmp_path / "raw"), "--workers", "1000", "--out", str(tmp_path / "o"), "--quiet"]) == 0
    assert f"using {tasks.default_workers()}" in capsys.readouterr().err


def test_out_inside_the_raw_folder_is_refused(tmp_path, capsys):
    (tmp_path / "story.txt").write_text(BODY + "\n")
    assert main(["ingest", str(tmp_path), "--out", str(tmp_path / "processed"), "--quiet"]) == 2
    assert "inside the raw folder" in capsys.readouterr().err
    assert not (tmp_path / "processed").exists()


def test_out_beside_a_raw_file_is_allowed(tmp_path, capsys):
    """A raw file reads only itself: its folder may hold the output (an export and its ingest)."""
    export = tmp_path / "export.jsonl"
    export.write_text('{"id": "a1", "outlet": "Demo", "title": "T", "text": "%s"}\n' % BODY.replace("\n", " "))
    assert main(["ingest", str(export), "--out", str(tmp_path / "processed"), "--quiet"]) == 0
    assert (tmp_path / "processed" / "ingest.json").exists()
    assert main(["ingest", str(export), "--out", str(export), "--quiet"]) == 2
    assert "inside the raw file" in capsys.readouterr().err


@pytest.mark.skipif(ROOT_USER, reason="root writes into a read-only folder anyway")
def test_a_read_only_out_is_exit_2(tmp_path, capsys):
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "story.txt").write_text(BODY + "\n")
    (tmp_path / "ro").mkdir(mode=0o555)
    assert main(["ingest", str(tmp_path / "raw"), "--out", str(tmp_path / "ro" / "x"), "--quiet"]) == 2
    assert "cannot write" in capsys.readouterr().err or "not a folder this user can write" in capsys.readouterr().err


# ------------------------------------------------------------------ linear time, bounded per file


def test_repeat_detection_is_linear_in_the_number_of_paragraphs():
    import time

    from framing.ingestion.clean import clean_text

    def text(n):
        return "\n".join(f"Paragraph {i} tells of talk number {i * 7919 % 100_003} held in the city hall {i}."
                         for i in range(n))

    def seconds(n):
        t = text(n)
        began = time.perf_counter()
        cleaned = clean_text(t)
        took = time.perf_counter() - began
        assert len(cleaned.paragraphs) == n  # distinct paragraphs are all kept
        return took

    seconds(2000)  # warm up
    ratio = min(seconds(40_000) / seconds(20_000) for _ in range(2))
    assert ratio < 3.2, f"40k paragraphs took {ratio:.1f}x the time of 20k (quadratic would be 4x)"


def test_glued_and_truncated_repeats_are_still_dropped():
    from framing.ingestion.clean import clean_text

    lead = "The mayor said on Monday that the bridge over the river would reopen in spring."
    second = "Engineers have inspected every pillar of the bridge since the autumn floods."
    lines = [lead, second, lead + " " + second, lead[:50] + "...", "Another paragraph of the story follows here."]
    cleaned = clean_text("\n".join(lines * 1) + "\n" + "\n".join(f"Filler line number {i} of the story." for i in range(40)))
    assert cleaned.paragraphs[:2] == [lead, second]
    assert [why for line, why in cleaned.dropped if line in lines[2:4]] == ["repeat", "repeat"]


def test_a_file_that_takes_too_long_is_rejected_too_slow(tmp_path, monkeypatch):
    import time

    (tmp_path / "slow.txt").write_text("SLOW " + BODY + "\n")
    (tmp_path / "fine.txt").write_text(BODY + "\n")
    real = tasks._article

    def article(raw, **kw):
        if "SLOW" in raw.text:
            time.sleep(30)  # a page whose cleaning runs away
        return real(raw, **kw)

    monkeypatch.setattr(tasks, "_article", article)
    began = time.perf_counter()
    corpus = framing.ingest(tmp_path, file_seconds=0.5)
    assert time.perf_counter() - began < 10
    assert corpus.articles["source_path"].tolist() == ["fine.txt"]
    assert _reasons(corpus) == {"slow.txt": "too_slow"}
    assert "0.5 s" in corpus.rejects["detail"].iloc[0]


# ------------------------------------------------------------------ patterns that cannot hang a build


@pytest.mark.parametrize("pattern", [r"(a+)+$", r"(?:\w+\s?)+x", r"(a|aa)+b", r"(?:[a-z]+-?)+$"])
def test_an_exponential_lexicon_pattern_is_refused_with_its_place(pattern):
    lexicon = {"families": {"capital": {"variants": {"Kyiv": {"patterns": ["Kyiv"]}, "bad": {"patterns": ["Kiev", pattern]}}}}}
    with pytest.raises(framing.LexiconError, match=r"families\.capital\.variants\.bad\.patterns\[1\]: .*run away"):
        framing.load_lexicon(lexicon)


@pytest.mark.parametrize("pattern", [r"(?:\w+\s)+x", r"(a+b)+$", r"so[- ]?called", r"special (?:military )?operations?"])
def test_linear_patterns_with_repeats_are_accepted(pattern):
    framing.load_lexicon({"families": {"f": {"variants": {"v": {"patterns": [pattern]}}}}})


def test_no_packaged_pattern_is_exponential():
    import re

    from framing.analysis.lexicon import bounded, pattern_to_regex
    from framing.text.redos import exponential

    lex = framing.load_lexicon()
    patterns = [p for f in lex.families for v in f.variants for p in v.patterns] + list(lex.distancing)
    assert len(patterns) > 50
    assert [p for p in patterns if exponential(bounded(pattern_to_regex(p)), re.IGNORECASE)] == []


def test_a_runaway_match_skips_that_text_and_says_so(monkeypatch):
    import time

    import pandas as pd

    from framing.analysis import _fast_hits

    monkeypatch.setattr(_fast_hits, "TEXT_SECONDS", 0.5)
    # cubic, not exponential: it passes the load-time check, and on 3,000 letters would run for hours
    lexicon = framing.load_lexicon({"families": {"f": {"variants": {
        "slow": {"patterns": [r"\w*\w*\w*x"]}, "Kyiv": {"patterns": ["Kyiv"]}}}}})
    articles = pd.DataFrame({"article_id": ["long", "short"], "outlet": ["A", "B"], "published": [pd.NaT] * 2,
                             "title": ["", ""], "text": ["a" * 3000 + "!", "Talks in Kyiv went on."]})
    began = time.perf_counter()
    with pytest.warns(UserWarning, match=r"1 text\(s\) skipped.*long \(text\)"):
        hits = framing.find_terms(articles, lexicon, engine="re")
    assert time.perf_counter() - began < 20
    assert hits["variant"].tolist() == ["Kyiv"]
    assert hits.attrs["skipped"][["article_id", "reason"]].values.tolist() == [["long", "too_slow"]]
    with pytest.warns(UserWarning, match="skipped"):
        counts = framing.count_terms(articles, lexicon, engine="re")
    assert counts.attrs["skipped"]["article_id"].tolist() == ["long"]


def test_a_pattern_that_may_start_with_any_letter_leaves_the_others_matched():
    # with engine="re", a lexicon holding one such pattern used to match nothing else at all
    import pandas as pd

    lexicon = framing.load_lexicon({"families": {"f": {"variants": {
        "ism": {"patterns": [r"\w+ism"]}, "Kyiv": {"patterns": ["Kyiv"]}}}}})
    articles = pd.DataFrame({"article_id": ["a"], "outlet": ["A"], "published": [pd.NaT], "title": [""],
                             "text": ["Talks in Kyiv on nationalism went on."]})
    for engine in ("re", "auto"):
        assert framing.find_terms(articles, lexicon, engine=engine)["variant"].tolist() == ["Kyiv", "ism"]


# ------------------------------------------------------------------ labels from data are plain text


def _hostile_articles():
    import pandas as pd

    outlets = ["$x^$", r"$\frac{a}{b}$", "Plain $5 Daily"]
    texts = ["Officials in Kyiv said the war would go on.", "The special military operation in Kiev went on.",
             "In Kyiv the invasion went on."]
    return pd.DataFrame({"article_id": ["a", "b", "c"], "outlet": outlets, "published": pd.to_datetime(
        ["2022-03-01", "2022-04-01", "2022-05-01"], utc=True), "title": [r"$\alpha$ news", "T", "T"], "text": texts,
                         "n_words": [len(t.split()) for t in texts]})


def test_outlet_names_are_drawn_as_plain_text_in_every_figure():
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from framing import plots

    articles = _hostile_articles()
    hits = framing.find_terms(articles)
    table = framing.compare(hits, articles, by="outlet")
    drawn = [plots.variant_share(table, "kyiv"), plots.rate_heatmap(table), plots.voice_breakdown(hits, "kyiv"),
             plots.articles_over_time(articles, freq="month")]
    for ax in drawn:
        buffer = io.BytesIO()
        ax.figure.savefig(buffer, format="png")  # mathtext would raise on "$x^$"
        ax.figure.canvas.draw()
        shown = [t.get_text() for t in ax.figure.findobj(plt.matplotlib.text.Text)]
        shown += [t.get_text() for a in ax.figure.axes for t in a.get_yticklabels() + a.get_xticklabels()]
        for text in ax.figure.findobj(plt.matplotlib.text.Text):
            assert text._preprocess_math(text.get_text())[1] is False, text.get_text()
        for text in [t for a in ax.figure.axes for t in a.get_yticklabels() + a.get_xticklabels()]:
            assert text._preprocess_math(text.get_text())[1] is False, text.get_text()
        plt.close(ax.figure)
        assert any("frac" in s for s in shown), shown  # the outlet is there, as written



# ------------------------------------------------------------------ small and odd corpora still build a report


@pytest.mark.slow
def test_a_lexicon_without_the_default_families_builds_a_report_that_says_so(tmp_path):
    from framing.report import build_report
    from tests.conftest import SAMPLE

    lexicon = tmp_path / "capital.yaml"
    lexicon.write_text("families:\n  capital:\n    label: The capital\n    variants:\n"
                       "      Kyiv: {patterns: [Kyiv]}\n      Kiev: {patterns: [Kiev]}\n")
    target = build_report(SAMPLE, out=tmp_path / "reports", lexicon=lexicon)
    page = (target / "02_terminology.html").read_text(encoding="utf-8")
    assert "The lexicon has no family" in page and "war_name" in page
    assert "capital: share of each variant" in page or "The capital" in page


@pytest.mark.slow
def test_a_one_article_corpus_builds_a_report(tmp_path):
    from framing.report import build_report

    raw = tmp_path / "one"
    raw.mkdir()
    (raw / "story.txt").write_text("Kyiv Daily\n\n" + BODY + " The war in Kyiv went on.\n")
    target = build_report(raw, out=tmp_path / "reports")
    index = (target / "index.html").read_text(encoding="utf-8")
    assert "1 article" in index


def test_the_manifest_names_files_it_could_not_hash_instead_of_failing(tmp_path, monkeypatch):
    from framing import report

    (tmp_path / "a.txt").write_text(BODY + "\n")
    (tmp_path / "b.txt").write_text(BODY + "\n")
    (tmp_path / "outside.txt").symlink_to("/etc/hostname")
    real = report._sha256

    def sha256(path):
        if path.name == "b.txt":
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(report, "_sha256", sha256)
    files = report._raw_files(tmp_path)
    assert files["b.txt"] == "not read: Permission denied"
    assert files["outside.txt"] == "not read: outside_root"
    assert len(files["a.txt"]) == 64


@pytest.mark.slow
def test_an_html_page_of_many_sibling_paragraphs_takes_linear_time(tmp_path):
    import time

    def seconds(n: int) -> float:
        folder = tmp_path / f"p{n}"
        folder.mkdir()
        paragraphs = "".join(f"<div><p>Paragraph {i} reports talk number {i * 7919 % 100_003} in hall {i}.</p></div>"
                             for i in range(n))
        (folder / "page.html").write_text(f"<html><head><title>Many</title></head><body>{paragraphs}</body></html>")
        began = time.perf_counter()
        corpus = framing.ingest(folder)
        took = time.perf_counter() - began
        assert len(corpus.articles) == 1
        return took

    seconds(1000)  # warm up
    ratio = seconds(40_000) / seconds(20_000)
    assert ratio < 3.3, f"40k paragraphs took {ratio:.1f}x the time of 20k (quadratic would be 4x)"


def test_a_sources_csv_that_is_a_fifo_or_a_link_out_is_named_once_and_never_blocks(tmp_path):
    raw = tmp_path / "raw"
    (raw / "sub").mkdir(parents=True)
    (raw / "story.txt").write_text(BODY + "\n")
    os.mkfifo(raw / "sources.csv")
    outside = tmp_path / "elsewhere.csv"
    outside.write_text("file,outlet\nstory.txt,Elsewhere Daily\n")
    (raw / "sub" / "sources.csv").symlink_to(outside)
    result: dict = {}
    worker = threading.Thread(target=lambda: result.update(corpus=framing.ingest(raw)), daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "the ingest blocked on a FIFO named sources.csv"
    corpus = result["corpus"]
    assert corpus.articles["outlet"].tolist() != ["Elsewhere Daily"]
    assert sorted(zip(corpus.rejects["source_path"], corpus.rejects["reason"])) == [
        ("sources.csv", "bad_manifest"), ("sub/sources.csv", "outside_root")]
