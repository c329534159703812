"""framing report: the notebooks executed by papermill, HTML pages, index, manifest, byte-stable and atomic."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from framing.cli import main
from framing.report import NOTEBOOKS, PARAMETER_CHOICES, ReportError, build_report
from tests.conftest import CORPORA, SAMPLE, need

PAGES = ["01_corpus", "02_terminology", "03_voices_and_sources", "04_distinctive_vocabulary", "05_same_story"]
#: every packaged notebook; the last is built only for a corpus in two or more languages (not the sample)
NOTEBOOK_STEMS = [*PAGES, "06_across_languages"]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_committed_notebooks_are_thin_and_stripped():
    paths = sorted(NOTEBOOKS.glob("[0-9]*.ipynb"))
    assert [p.stem for p in paths] == NOTEBOOK_STEMS
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        assert nb.metadata["kernelspec"]["name"] == "python3"
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, path.name
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, path.name
                assert "def " not in cell.source and "class " not in cell.source, path.name
        assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")


def test_report_layout_index_and_manifest(sample_report):
    files = _files(sample_report)
    for page in PAGES:
        assert f"{page}.html" in files and f"notebooks/{page}.ipynb" in files
    assert {"index.html", "manifest.json", "figures/headline.png", "data/articles.parquet"} <= set(files)
    index = files["index.html"].decode()
    assert "33 articles from 6 outlets" in index and "24 February 2022 to 15 December 2022" in index
    assert all(f'href="{page}.html"' in index for page in PAGES)
    manifest = json.loads(files["manifest.json"])
    assert manifest["raw"]["files"]["northgate-herald/2022-02-24-invasion.txt"]
    assert len(manifest["raw"]["files"]) == 24  # 21 inputs + sources.csv, outlets.yaml, README.md
    assert manifest["lexicon"]["file"] == "packaged" and len(manifest["lexicon"]["sha256"]) == 64
    assert manifest["parameters"]["processed"] == "data"
    assert set(manifest["notebooks"]) == {f"{p}.ipynb" for p in NOTEBOOK_STEMS}
    assert manifest["notebooks"]["06_across_languages.ipynb"]["left_out"] == "every article is in one language"
    assert "06_across_languages.html" not in files and "notebooks/06_across_languages.ipynb" not in files
    assert manifest["python"] and manifest["packages"]["papermill"] and manifest["built_at"]


def test_pages_hide_code_and_executed_notebooks_keep_it(sample_report):
    page = (sample_report / "02_terminology.html").read_text(encoding="utf-8")
    assert "framing.find_terms(articles, lex)" not in page
    assert "Does the choice of word depend on the outlet?" in page
    nb = nbformat.read(sample_report / "notebooks" / "02_terminology.ipynb", as_version=4)
    assert any("framing.find_terms" in c.source for c in nb.cells)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and injected[0]["id"] == "injected-parameters"
    assert 'processed = "data"' in injected[0].source


def test_two_builds_give_the_same_bytes(sample_report, tmp_path):
    again = build_report(SAMPLE, out=tmp_path, name="sample")
    first, second = _files(sample_report), _files(again)
    assert set(first) == set(second)
    differ = [name for name in first if first[name] != second[name]]
    assert differ == ["manifest.json"]  # the build time lives there and only there
    for name, data in first.items():
        if name.endswith((".html", ".ipynb")):
            text = data.decode()
            assert str(tmp_path.parent) not in text and str(Path.cwd()) not in text, name
            assert "start_time" not in text and "iopub.execute_input" not in text, name


def test_with_code_and_typed_parameters(tmp_path):
    target = build_report(SAMPLE, out=tmp_path, name="coded", with_code=True, parameters={"max_rows": 3})
    page = (target / "01_corpus.html").read_text(encoding="utf-8")
    assert "corpus_for" in page  # the code cells are shown (highlighted, so only names survive intact)
    assert "(first 3 of 10 rows)" in page  # max_rows reached the notebook as an int (the cleaning audit)
    assert json.loads((target / "manifest.json").read_text())["parameters"]["max_rows"] == 3


def test_unknown_parameter_is_an_error_and_writes_nothing(tmp_path):
    with pytest.raises(ReportError, match=r"unknown parameter\(s\) \['max_row'\]") as info:
        build_report(SAMPLE, out=tmp_path, name="x", parameters={"max_row": 3})
    assert info.value.code == 2
    assert list(tmp_path.iterdir()) == []


def _subset(folder: Path, *stems: str) -> Path:
    """A notebooks folder holding copies of the packaged notebooks `stems` (a faster build)."""
    folder.mkdir()
    for stem in stems:
        (folder / f"{stem}.ipynb").write_bytes((NOTEBOOKS / f"{stem}.ipynb").read_bytes())
    return folder


def test_failed_build_leaves_the_previous_report_untouched(sample_report, tmp_path, capsys):
    out = tmp_path / "reports"
    # the notebooks that declare the parameters below: 02 (time_family) and 04 (collocation_term)
    subset = _subset(tmp_path / "nb", "02_terminology", "04_distinctive_vocabulary")
    good = build_report(SAMPLE, out=out, name="nightly", notebooks=subset)
    before = _files(good)
    # a notebook fails: exit 5, one readable line naming notebook, cell and error
    code = main(["report", str(SAMPLE), "--out", str(out), "--name", "nightly", "--quiet", "--notebooks", str(subset),
                 "-p", "collocation_term", "123"])
    err = capsys.readouterr().err
    assert code == 5
    assert "04_distinctive_vocabulary.ipynb: cell" in err and "Error" in err
    assert len(err.strip().splitlines()) == 1
    # a family the lexicon lacks: exit 2 before any notebook runs, the lexicon's families named
    code = main(["report", str(SAMPLE), "--out", str(out), "--name", "nightly", "--quiet", "--notebooks", str(subset),
                 "-p", "time_family", "no_such_family"])
    err = capsys.readouterr().err
    assert code == 2 and "no_such_family" in err and "'kyiv'" in err
    # a missing lexicon file: exit 2, the file named
    code = main(["report", str(SAMPLE), "--out", str(out), "--name", "nightly", "--quiet", "--notebooks", str(subset),
                 "--lexicon", str(tmp_path / "missing.yaml")])
    err = capsys.readouterr().err
    assert code == 2 and "missing.yaml" in err and "cannot read lexicon file" in err
    assert _files(out / "nightly") == before
    assert sorted(p.name for p in out.iterdir()) == ["nightly"]  # no half-built folder remains


def test_custom_lexicon_reaches_the_notebooks(tmp_path):
    lexicon = tmp_path / "capital.yaml"
    lexicon.write_text("families:\n  kyiv:\n    label: Capital\n    about: the spellings of <the> capital\n"
                       "    variants:\n      Kyiv: {patterns: [Kyiv]}\n      Kiev: {patterns: [Kiev]}\n", encoding="utf-8")
    target = build_report(SAMPLE, out=tmp_path / "r", name="lex", lexicon=lexicon, headline="kyiv",
                          parameters={"families": ["kyiv"], "voice_family": "kyiv", "voice_variant": "Kiev",
                                      "kwic_term": "Kiev"})
    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["lexicon"]["file"].endswith("capital.yaml") and manifest["parameters"]["lexicon"] == "data/lexicon.yaml"
    page = (target / "02_terminology.html").read_text(encoding="utf-8")
    assert "Capital" in page and "What the war is called" not in page
    index = (target / "index.html").read_text(encoding="utf-8")
    assert "each dot is the share of one of the spellings of &lt;the&gt; capital in the outlet" in index  # escaped
    assert "names for the war" not in index


def test_headline_must_name_a_family_of_the_lexicon(tmp_path, capsys):
    code = main(["report", str(SAMPLE), "--out", str(tmp_path), "--quiet", "--headline", "capital_name"])
    err = capsys.readouterr().err
    assert code == 2
    assert "--headline 'capital_name': the lexicon has no such family" in err and "'war_name'" in err
    assert list(tmp_path.iterdir()) == []


def test_console_script_builds_the_sample(tmp_path):
    subset = _subset(tmp_path / "nb", "01_corpus")  # the whole sample report is built by other tests
    done = subprocess.run([sys.executable, "-m", "framing.cli", "report", str(SAMPLE), "--out", str(tmp_path / "out"),
                           "--quiet", "--notebooks", str(subset)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("sample/index.html")
    assert done.stderr == ""  # --quiet: nothing for a cron job to mail when all went well


@pytest.mark.slow
def test_report_on_a_shared_corpus(tmp_path):
    raw = need(CORPORA / "ukraine-war-en-2022-2023", "the shared war corpus")
    target = build_report(raw, out=tmp_path, parameters={"max_rows": 10})
    index = (target / "index.html").read_text(encoding="utf-8")
    assert "582 articles from 3 outlets" in index
    page = (target / "02_terminology.html").read_text(encoding="utf-8")
    assert "(first 10 of" in page  # long tables are cut, and say so
    assert (target / "figures" / "headline.png").stat().st_size > 10_000


def test_the_source_tree_links_to_the_packaged_notebooks_and_sample():
    from tests.conftest import ROOT

    assert (ROOT / "notebooks").resolve() == NOTEBOOKS
    from framing.resources import SAMPLE as PACKAGED

    assert SAMPLE.resolve() == PACKAGED


@pytest.mark.parametrize("bad", ["Q", "quarterly", 3])
def test_freq_outside_the_vocabulary_is_exit_2_before_any_notebook_runs(tmp_path, capsys, bad):
    code = main(["report", "--out", str(tmp_path), "--quiet", "-p", "freq", str(bad)])
    err = capsys.readouterr().err
    assert code == 2 and f"parameter freq={bad!r}: use one of year, quarter, month, week" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("freq", PARAMETER_CHOICES["freq"])  # one test each: the workers share them
def test_each_freq_works_in_every_notebook_that_declares_it(tmp_path, freq):
    from framing.report import notebook_parameters

    users = notebook_parameters(sorted(NOTEBOOKS.glob("[0-9]*.ipynb")))["freq"]["notebooks"]
    assert sorted(users) == ["01_corpus", "02_terminology"]
    subset = _subset(tmp_path / "nb", *users)
    target = build_report(out=tmp_path / "r", name=freq, notebooks=subset, parameters={"freq": freq})
    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["parameters"]["freq"] == freq and manifest["notebooks_from"] == str(subset)
    assert sorted(manifest["notebooks"]) == [f"{s}.ipynb" for s in sorted(users)]


def test_a_project_folder_runs_its_own_notebooks(tmp_path, monkeypatch):
    from framing.project import init_project
    from framing.report import default_notebooks

    proj = tmp_path / "proj"
    init_project(proj)
    assert default_notebooks(proj) == proj / "notebooks"
    assert default_notebooks(tmp_path) == NOTEBOOKS  # no notebooks here: the packaged ones
    for extra in ("03_voices_and_sources.ipynb", "04_distinctive_vocabulary.ipynb"):
        (proj / "notebooks" / extra).unlink()  # a researcher's choice of pages
    nb = nbformat.read(proj / "notebooks" / "01_corpus.ipynb", as_version=4)
    nb.cells[0].source = nb.cells[0].source.replace("# 1. The corpus", "# 1. Our own corpus page", 1)
    nbformat.write(nb, proj / "notebooks" / "01_corpus.ipynb")
    monkeypatch.chdir(proj)
    target = build_report(out="reports")  # no RAW: the bundled demo corpus
    index = (target / "index.html").read_text(encoding="utf-8")
    assert target == Path("reports") / "sample" and "33 articles from 6 outlets" in index
    assert "1. Our own corpus page" in index and "03_voices_and_sources" not in index
    assert json.loads((target / "manifest.json").read_text())["notebooks_from"] == "notebooks"  # as found, relative


def test_progress_names_each_notebook_and_its_time(tmp_path):
    subset = _subset(tmp_path / "nb", "01_corpus")
    lines: list[str] = []
    build_report(out=tmp_path / "r", notebooks=subset, progress=lines.append)
    assert lines[0].startswith("ingest ") and "notebooks from" in lines[0]
    assert lines[1] == "[1/1] 01_corpus.ipynb …"
    assert re.fullmatch(r"\[1/1\] 01_corpus\.ipynb done in \d+ s", lines[2])
    assert lines[-1].startswith("done: ") and lines[-1].endswith(" s)")


def test_a_one_outlet_undated_corpus_gets_sentences_not_blank_tables(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for i in range(6):
        (raw / f"a{i}.txt").write_text(f"Talks resume in Geneva {i}\n\nDiplomats met in Geneva on Monday for talks "
                                       "about the war in Ukraine, officials said, and Kyiv asked for air defence.\n",
                                       encoding="utf-8")
    target = build_report(raw, out=tmp_path / "r")
    index = (target / "index.html").read_text(encoding="utf-8")
    assert "6 articles from 1 outlet, none of them dated." in index
    pages = {p: (target / f"{p}.html").read_text(encoding="utf-8") for p in PAGES}
    for page in pages.values():
        assert "All 6 articles are from one outlet (unknown)" in page and "outlets.yaml" in page
        assert "No article has a publication date" in page
    assert "Most distinctive terms per outlet: nothing to show. It compares outlets with each other" in pages[
        "04_distinctive_vocabulary"]
    assert "Who is quoted most: nothing to show." in pages["03_voices_and_sources"]
    assert re.search(r"(&quot;|&#34;|\")referendum(&quot;|&#34;|\") does not occur in these articles",
                     pages["04_distinctive_vocabulary"])


def _two_languages(folder: Path) -> Path:
    """A small corpus of our own writing: two English outlets and two Russian-language ones."""
    folder.mkdir()
    voices = [  # outlet, headline, body ({k}: the day)
        ("Harbour Daily", "Shelling in Kyiv, day {k}",
         "Shelling hit Kyiv again on day {k}, and the invasion entered another week. Officials in Kyiv said the war "
         "had reached the outskirts and residents sheltered in the metro overnight."),
        ("Coast Weekly", "Kyiv braces, day {k}",
         "The war came closer to Kyiv on day {k}. Residents of Kyiv queued for bread while the invasion forces "
         "shelled the northern suburbs, the city council said in a statement."),
        ("Вечерний вестник", "Киев, день {k}",
         "В Киеве на {k}-й день специальной военной операции снова звучали сирены. Жители Киева провели ночь в "
         "метро, сообщили городские власти, а спецоперация продолжается."),
        ("Степной курьер", "Вторжение, день {k}",
         "Вторжение продолжается {k}-й день: под Киевом идут бои, война дошла до пригородов. Жители Киева прячутся "
         "в метро, сообщили местные власти в своём заявлении."),
    ]
    rows = [{"outlet": outlet, "title": title.format(k=k), "published": f"2022-03-0{k + 1}", "text": text.format(k=k)}
            for k in range(4) for outlet, title, text in voices]
    (folder / "export.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n",
                                         encoding="utf-8")
    return folder


def test_the_languages_page_is_built_only_for_a_corpus_in_several_languages(tmp_path):
    subset = _subset(tmp_path / "nb", "06_across_languages")
    target = build_report(_two_languages(tmp_path / "raw"), out=tmp_path / "r", notebooks=subset)
    page = (target / "06_across_languages.html").read_text(encoding="utf-8")
    assert "2 languages: en (8 articles), ru (8 articles)." in page
    assert "Articles per language and outlet" in page and "Вечерний вестник" in page
    figures = sorted(p.name for p in (target / "figures").glob("06_across_languages--*.png"))
    assert len(figures) == 3  # one per family drawn: war_name, kyiv, donbas (a family without hits says so)
    # the same folder of notebooks on the one-language sample: the page is left out, and the build says why
    sample = build_report(out=tmp_path / "s", notebooks=subset)
    assert not (sample / "06_across_languages.html").exists()
    manifest = json.loads((sample / "manifest.json").read_text())
    assert manifest["notebooks"]["06_across_languages.ipynb"]["left_out"] == "every article is in one language"


def test_an_unknown_page_condition_is_exit_2(tmp_path, capsys):
    subset = tmp_path / "nb"
    subset.mkdir()
    nb = nbformat.read(NOTEBOOKS / "01_corpus.ipynb", as_version=4)
    nb.metadata["framing"] = {"when": "full_moon"}
    nbformat.write(nb, subset / "01_corpus.ipynb")
    code = main(["report", "--out", str(tmp_path / "r"), "--quiet", "--notebooks", str(subset)])
    assert code == 2 and "01_corpus.ipynb: metadata framing.when 'full_moon' is not one of ['several_languages']" in \
        capsys.readouterr().err


def test_svg_figures_for_a_paper_are_vector_and_byte_stable(tmp_path, capsys):
    subset = _subset(tmp_path / "nb", "01_corpus")
    first = build_report(out=tmp_path / "a", notebooks=subset, figure_format="svg")
    again = build_report(out=tmp_path / "b", notebooks=subset, figure_format="svg")
    page = (first / "01_corpus.html").read_text(encoding="utf-8")
    assert page.count("data:image/svg+xml") >= 1 and 'src="data:image/png' not in page  # every figure a vector
    assert (first / "01_corpus.html").read_bytes() == (again / "01_corpus.html").read_bytes()
    assert json.loads((first / "manifest.json").read_text())["parameters"]["figure_format"] == "svg"
    with pytest.raises(SystemExit) as info:
        main(["report", "--out", str(tmp_path / "c"), "--format", "pdf"])
    assert info.value.code == 2 and "invalid choice: 'pdf'" in capsys.readouterr().err


def test_every_page_links_to_the_index_its_neighbours_and_its_sections(sample_report):
    index = (sample_report / "index.html").read_text(encoding="utf-8")
    for k, name in enumerate(PAGES):
        page = (sample_report / f"{name}.html").read_text(encoding="utf-8")
        nav = re.search(r'<nav class="framing-nav".*?</nav>', page, re.DOTALL).group(0)
        assert '<a href="index.html">framing report: sample</a>' in nav
        assert f"page {k + 1} of {len(PAGES)}" in nav
        assert ('rel="prev"' in nav) == (k > 0) and ('rel="next"' in nav) == (k + 1 < len(PAGES))
        if k > 0:
            assert f'href="{PAGES[k - 1]}.html" rel="prev"' in nav
        if k + 1 < len(PAGES):
            assert f'href="{PAGES[k + 1]}.html" rel="next"' in nav
        sections = re.findall(r'<a href="#(sec-[^"]+)">', nav)
        assert len(sections) >= 2, name
        for ident in sections:
            assert page.count(f'id="{ident}"') == 1, (name, ident)
    # the index says in one sentence what each page answers
    assert index.count('<br><span class="small">') == len(PAGES)
    assert "Kyiv or Kiev" in index


def test_every_table_and_figure_can_be_taken_away(sample_report):
    from PIL import Image

    linked_tables, figure_links = set(), 0
    for page in PAGES:
        html = (sample_report / f"{page}.html").read_text(encoding="utf-8")
        tables = set(re.findall(r'href="(tables/[^"]+\.csv)"', html))
        assert tables, page  # every page has at least one table to download
        assert all(t.startswith(f"tables/{page}--") for t in tables), tables
        linked_tables |= tables
        images = len(re.findall(r"<img ", html))
        # every figure says in words what it shows (title, axes, rows), not nbconvert's placeholder
        assert "No description has been provided" not in html, page
        assert len(re.findall(r'<img [^>]*alt=["\']Figure: ', html)) == images, page
        pngs = re.findall(r'href="(figures/[^"]+\.png)"', html)
        svgs = re.findall(r'href="(figures/[^"]+\.svg)"', html)
        assert len(pngs) == len(svgs) == images, (page, images, pngs)
        figure_links += len(pngs)
        for png in pngs:
            assert round(Image.open(sample_report / png).info["dpi"][0]) == 200, png
    on_disk = {p.relative_to(sample_report).as_posix() for p in (sample_report / "tables").glob("*.csv")}
    assert on_disk == linked_tables
    assert figure_links >= 8
    manifest = json.loads((sample_report / "manifest.json").read_text(encoding="utf-8"))
    outputs = manifest["outputs"]
    assert linked_tables <= set(outputs) and {"explorer.html", "index.html", "figures/headline.svg"} <= set(outputs)
    import hashlib

    for name, digest in outputs.items():
        assert hashlib.sha256((sample_report / name).read_bytes()).hexdigest() == digest, name
    assert "manifest.json" not in outputs


def test_every_article_link_has_its_page_and_every_page_links_the_explorer(sample_report):
    linked = set()
    for page in PAGES:
        html = (sample_report / f"{page}.html").read_text(encoding="utf-8")
        assert 'href="explorer.html"' in html
        linked |= set(re.findall(r'href="(articles/[0-9a-f]+\.html)"', html))
    assert len(linked) >= 10  # the concordance, the quotations and the cleaning audit
    assert all((sample_report / a).exists() for a in linked)
    concordance = (sample_report / "02_terminology.html").read_text(encoding="utf-8")
    lines = re.search(r"Concordance: special military operation.*?</table>", concordance, re.S).group(0)
    outlets = set(re.findall(r'<td class="data row\d+ col1"[^>]*>([^<]+)</td>', lines))
    assert len(outlets) == 6  # every outlet of the sample that uses the term, not the first five
    index = (sample_report / "index.html").read_text(encoding="utf-8")
    assert 'href="explorer.html"' in index and 'href="figures/headline.svg"' in index
