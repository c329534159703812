"""Stopped runs leave nothing behind: signals to real `framing` processes, killed builds, report names."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from framing._builds import pid_alive
from framing.cli import main
from framing.report import build_report, slug
from tests.conftest import SAMPLE

FRAMING = [sys.executable, "-m", "framing.cli"]


def _slow_notebooks(folder: Path, seconds: int = 120) -> Path:
    """One numbered notebook whose cell runs long enough to be interrupted (the kernel is busy)."""
    folder.mkdir()
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('processed = "data/articles.parquet"\nprogress = True')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# Slow page"), params,
                nbformat.v4.new_code_cell(f"import time\nfor _ in range({seconds * 10}):\n    time.sleep(0.1)")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / "01_slow.ipynb")
    return folder


def _wait_for(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _kernel_of(out: Path) -> int | None:
    for pidfile in out.glob(".*.building-*/kernel.pid"):
        try:
            return int(pidfile.read_text())
        except ValueError:
            return None
    return None


def _descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        for task in Path(f"/proc/{p}/task").glob("*/children"):
            try:
                kids = {int(x) for x in task.read_text().split()}
            except OSError:
                continue
            todo.extend(kids - found)
            found |= kids
    return found


@pytest.mark.slow
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130), (signal.SIGHUP, 129)])
def test_a_signal_during_a_report_stops_the_kernel_and_keeps_the_old_report(tmp_path, signum, code):
    out = tmp_path / "reports"
    notebooks = _slow_notebooks(tmp_path / "nb")
    (out / "nightly").mkdir(parents=True)
    (out / "nightly" / "index.html").write_text("the previous report")
    proc = subprocess.Popen([*FRAMING, "report", str(SAMPLE), "--out", str(out), "--name", "nightly",
                             "--notebooks", str(notebooks), "--quiet"], stderr=subprocess.PIPE, text=True)
    try:
        kernel = _wait_for(lambda: _kernel_of(out), 120, "the notebook kernel to start")
        assert pid_alive(kernel)
        time.sleep(1)  # the kernel is running the slow cell
        proc.send_signal(signum)
        err = proc.communicate(timeout=60)[1]
    finally:
        proc.kill()
    assert proc.returncode == code, err
    assert signal.Signals(signum).name in err
    _wait_for(lambda: not pid_alive(kernel), 10, "the kernel to stop")
    assert sorted(p.name for p in out.iterdir()) == ["nightly"]  # no build folder left
    assert (out / "nightly" / "index.html").read_text() == "the previous report"


@pytest.mark.slow
def test_a_build_killed_outright_is_cleaned_up_by_the_next(tmp_path):
    out = tmp_path / "reports"
    notebooks = _slow_notebooks(tmp_path / "nb")
    proc = subprocess.Popen([*FRAMING, "report", str(SAMPLE), "--out", str(out), "--name", "sample",
                             "--notebooks", str(notebooks), "--quiet"], stderr=subprocess.DEVNULL)
    try:
        kernel = _wait_for(lambda: _kernel_of(out), 120, "the notebook kernel to start")
        proc.send_signal(signal.SIGKILL)  # nothing of framing runs after this
        proc.wait(timeout=30)
    finally:
        proc.kill()
    stale = [p.name for p in out.iterdir()]
    assert stale == [f".sample.building-{proc.pid}"]
    fast = tmp_path / "fast"  # a one-notebook build of the same name
    fast.mkdir()
    nb = nbformat.read(notebooks / "01_slow.ipynb", as_version=4)
    nb.cells = nb.cells[:2]
    nbformat.write(nb, fast / "01_quick.ipynb")
    messages: list[str] = []
    build_report(SAMPLE, out=out, name="sample", notebooks=fast, progress=messages.append)
    assert sorted(p.name for p in out.iterdir()) == ["sample"]
    assert any("left by a build that was killed" in m for m in messages)
    _wait_for(lambda: not pid_alive(kernel), 10, "the orphaned kernel to stop")


def _many_files(raw: Path, n: int) -> Path:
    raw.mkdir()
    body = " ".join(f"Sentence {k} of a story about grain exports through the port, officials said." for k in range(30))
    for i in range(n):
        (raw / f"story-{i:05d}.txt").write_text(f"Story number {i}\n\n{body} Number {i}.\n")
    return raw


@pytest.mark.slow
@pytest.mark.parametrize(("signum", "code", "group"), [(signal.SIGTERM, 143, False), (signal.SIGINT, 130, True)])
def test_a_signal_during_a_streaming_ingest_stops_every_worker(tmp_path, signum, code, group):
    raw = _many_files(tmp_path / "raw", 8000)
    out = tmp_path / "processed"
    out.mkdir()
    (out / "ingest.json").write_text("{}")  # an earlier run's output
    proc = subprocess.Popen([*FRAMING, "ingest", str(raw), "--out", str(out), "--workers", "2", "--quiet"],
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        _wait_for(lambda: list(out.glob(".ingest-building-*")), 120, "the build folder")
        workers = _wait_for(lambda: _descendants(proc.pid), 60, "the worker processes")
        time.sleep(1)  # the workers are reading and cleaning
        assert proc.poll() is None, "the ingest finished before the signal; give it more files"
        os.killpg(proc.pid, signum) if group else proc.send_signal(signum)  # Ctrl-C reaches the whole group
        err = proc.communicate(timeout=60)[1]
    finally:
        proc.kill()
    assert proc.returncode == code, err
    _wait_for(lambda: not any(pid_alive(w) for w in workers), 10, "the workers to stop")
    assert sorted(p.name for p in out.iterdir()) == ["ingest.json"]
    assert (out / "ingest.json").read_text() == "{}"


def test_stale_ingest_folders_are_removed_and_live_ones_kept(tmp_path):
    import framing

    raw = _many_files(tmp_path / "raw", 2)
    out = tmp_path / "processed"
    (out / ".ingest-building-999999999" / "articles").mkdir(parents=True)
    (out / f".ingest-building-{os.getppid()}").mkdir()  # a live process's build (our parent)
    framing.ingest_to(raw, out, workers=1, progress=False)
    names = sorted(p.name for p in out.iterdir())
    assert ".ingest-building-999999999" not in names
    assert f".ingest-building-{os.getppid()}" in names


# ------------------------------------------------------------------ report names are slugs


@pytest.mark.parametrize("name", ["<script>alert(1)<\\script>", "*", "~", "a b", "a\\b", "a\nb", "x" * 300, "..",
                                  ".hidden", "-rf", "a/b"])
def test_a_report_name_outside_the_rule_is_exit_2(tmp_path, capsys, name):
    assert main(["report", str(SAMPLE), "--out", str(tmp_path), f"--name={name}", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "1 to 64 letters, digits" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("folder", "name"), [("Spring 2022 (Kyiv)", "Spring-2022-Kyiv"), ("сводка", "report"),
                                              ("news.v2", "news.v2")])
def test_the_default_name_is_made_a_slug(folder, name):
    assert slug(folder) == name
