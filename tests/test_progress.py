"""Progress bars on the slow verbs: shown when asked (the notebooks ask), silent when told not to."""

from __future__ import annotations

import pytest

import framing
from framing._cache import latest

from .conftest import SAMPLE


@pytest.fixture(scope="module")
def articles():
    return framing.ingest(SAMPLE, progress=False).articles


@pytest.mark.parametrize("name, call", [
    ("find_quotes", lambda a, p: framing.find_quotes(a, progress=p)),
    # the shared document-term matrix is counted (with its bar) once, then reused: count it afresh
    ("counting terms", lambda a, p: (latest.clear(), framing.keyness(a, min_count=2, progress=p))[1]),
    ("counting terms", lambda a, p: (latest.clear(), framing.outlet_similarity(a, progress=p))[1]),
    ("compare: bootstrap", lambda a, p: framing.compare(framing.find_terms(a), a, n_boot=50, progress=p)),
])
def test_a_slow_verb_shows_a_bar_only_when_asked(articles, capsys, name, call):
    quiet = call(articles, False)
    assert capsys.readouterr().err == ""
    shown = call(articles, True)
    err = capsys.readouterr().err
    assert f"{name}:" in err and "|" in err  # tqdm's bar, with its total
    assert shown.equals(quiet)  # the bar changes nothing in the result
    call(articles, None)  # the default: a bar only on a terminal, and pytest's stderr is none
    assert capsys.readouterr().err == ""


def test_notebooks_ask_for_bars_and_the_report_turns_them_off(tmp_path):
    import json

    from framing.report import NOTEBOOKS, build_report, notebook_parameters

    declared = notebook_parameters(sorted(NOTEBOOKS.glob("[0-9]*.ipynb")))["progress"]
    assert declared["default"] == "True" and len(declared["notebooks"]) >= 3
    with pytest.raises(framing.report.ReportError, match=r"\['progress'\] are set by the build"):
        build_report(out=tmp_path, parameters={"progress": True})
    subset = tmp_path / "nb"
    subset.mkdir()
    (subset / "03_voices_and_sources.ipynb").write_bytes((NOTEBOOKS / "03_voices_and_sources.ipynb").read_bytes())
    target = build_report(out=tmp_path / "r", notebooks=subset)
    executed = (target / "notebooks" / "03_voices_and_sources.ipynb").read_text(encoding="utf-8")
    assert "find_quotes:" not in executed and "it/s" not in executed
    assert json.loads((target / "manifest.json").read_text())["parameters"]["progress"] is False
