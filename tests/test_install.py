"""framing as a researcher installs it: every module the readers need, and a wheel in a fresh venv.

The wheel test builds the project's wheel, installs it with the pip that ships with this Python
(no upgrade) into a new virtual environment, and from an empty folder runs ``framing init`` and
``framing report`` as the README tells a new user to. It needs the package registry (pip downloads
the dependencies, from its cache when it has them); without it the test skips, and fails under
FRAMING_STRICT.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import framing

from .conftest import ROOT, STRICT

#: What the readers and the report import, some only lazily (inside a function), so that a missing
#: one shows as a reject or a failed notebook rather than at import.
NEEDED = ["lxml.html.clean", "lxml_html_clean", "trafilatura", "charset_normalizer", "dateparser", "py3langid",
          "yaml", "pyarrow.parquet", "papermill", "nbconvert", "nbformat", "ipykernel", "jinja2", "scipy.stats",
          "sklearn.feature_extraction.text", "nltk.collocations", "matplotlib", "tqdm"]


@pytest.mark.parametrize("module", NEEDED)
def test_every_module_the_readers_and_report_use_imports(module):
    importlib.import_module(module)


def test_html_pages_are_read_not_rejected_for_a_missing_module():
    corpus = framing.ingest(ROOT / "data" / "raw" / "sample" / "vostok-courier")
    assert (corpus.articles["reader"] == "html").sum() == 5
    assert not corpus.rejects["detail"].str.contains("ImportError|ModuleNotFoundError").any()


def _run(cmd: list[str], cwd: Path, env: dict, timeout: int = 1200) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def _offline(done: subprocess.CompletedProcess) -> bool:
    text = done.stdout + done.stderr
    return any(s in text for s in ("NewConnectionError", "Temporary failure in name resolution",
                                   "No matching distribution found", "Network is unreachable"))


@pytest.mark.slow
def test_a_wheel_installed_with_the_bundled_pip_builds_a_report_from_an_empty_folder(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    wheels = tmp_path / "wheels"
    done = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), str(ROOT)],
                tmp_path, env)
    if done.returncode and _offline(done) and not STRICT:
        pytest.skip("no package registry to build the wheel: " + done.stderr.strip().splitlines()[-1])
    assert done.returncode == 0, done.stderr
    (wheel,) = wheels.glob("framing-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for packaged in ("framing/notebooks/01_corpus.ipynb", "framing/sample/outlets.yaml",
                     "framing/sample/exports/meridian-wire.csv", "framing/templates/report/index.html.j2",
                     "framing/templates/project/Makefile", "framing/data/lexicon.yaml"):
        assert packaged in names, packaged

    venv = tmp_path / "venv"
    base = getattr(sys, "_base_executable", sys.executable)
    assert _run([base, "-m", "venv", str(venv)], tmp_path, env).returncode == 0
    bin_ = venv / "bin"
    done = _run([str(bin_ / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)],
                tmp_path, env)
    if done.returncode and _offline(done) and not STRICT:
        pytest.skip("no package registry for the dependencies: " + done.stderr.strip().splitlines()[-1])
    assert done.returncode == 0, done.stderr
    assert "lxml_html_clean" in _run([str(bin_ / "python"), "-m", "pip", "list"], tmp_path, env).stdout

    empty = tmp_path / "empty"
    empty.mkdir()
    env["PATH"] = f"{bin_}{os.pathsep}{env.get('PATH', '')}"
    done = _run(["framing", "init", "proj"], empty, env)
    assert done.returncode == 0, done.stderr
    done = _run(["framing", "report", "--quiet"], empty / "proj", env)
    assert done.returncode == 0, done.stderr
    index = empty / "proj" / "reports" / "sample" / "index.html"
    assert index.is_file() and "33 articles from 6 outlets" in index.read_text(encoding="utf-8")

    own = empty / "mine"
    own.mkdir()
    (own / "01_corpus.ipynb").write_bytes((empty / "proj" / "notebooks" / "01_corpus.ipynb").read_bytes())
    raw = empty / "proj" / "myraw"
    raw.mkdir()
    (raw / "one.txt").write_text("Grain ships leave Odesa\n\nThe first grain ship left Odesa on Monday, "
                                 "port officials said, after months of blockade.\n", encoding="utf-8")
    done = _run(["framing", "report", str(raw), "--name", "mine", "--out", "reports", "--notebooks", str(own),
                 "--quiet"], empty / "proj", env)
    assert done.returncode == 0, done.stderr
    index = empty / "proj" / "reports" / "mine" / "index.html"
    assert index.is_file() and "1 article from 1 outlet," in index.read_text(encoding="utf-8")
