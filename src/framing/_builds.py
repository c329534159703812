"""Build folders and the processes they own: a run that is stopped leaves nothing behind.

``framing ingest --out`` and ``framing report`` build in a hidden folder named after their process
(``.ingest-building-PID``, ``.NAME.building-PID``) and swap it in at the end. A run stopped by a
signal removes its folder and stops its notebook kernel itself; a run killed outright (``kill -9``,
a lost machine) cannot, so the next run removes every such folder whose process is gone, and stops
the kernel recorded in it (``kernel.pid``) if that kernel still runs.

The command line turns SIGTERM and SIGHUP into :class:`Stopped` (a KeyboardInterrupt, as Ctrl-C
is), so the same clean-up runs for all three and the exit code says which signal came (128 + its
number: 130, 143, 129).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
from pathlib import Path

__all__ = ["Stopped", "catch_signals", "pid_alive", "remove_stale", "KERNEL_PID", "kill_kernel", "out_problem"]

#: The file in a build folder that names the notebook kernel it started.
KERNEL_PID = "kernel.pid"
_PID = re.compile(r"-(\d+)$")


class Stopped(KeyboardInterrupt):
    """A run stopped by a signal; ``signum`` says which."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def catch_signals() -> None:
    """Make SIGTERM and SIGHUP raise :class:`Stopped` in the main thread (Ctrl-C already raises
    KeyboardInterrupt), so ``finally`` blocks run: build folders go, kernels and workers stop."""
    def stop(signum, frame):
        raise Stopped(signum)

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), stop)


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists (a zombie counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().split(b") ")[-1][:1] != b"Z"
    except OSError:
        return True


def kill_kernel(pid: int) -> bool:
    """Stop the notebook kernel `pid` and its process group (a kernel runs in a session of its own,
    so a signal to framing never reaches it). Only a process whose command line names ipykernel is
    touched: a recorded pid may have been reused since. Returns whether something was stopped."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            command = fh.read()
    except OSError:
        command = b""
    if b"ipykernel" not in command or not pid_alive(pid):
        return False
    try:
        os.killpg(pid, signal.SIGKILL) if os.getpgid(pid) == pid else os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def remove_stale(folder: Path, prefix: str) -> list[Path]:
    """Remove the build folders ``folder/{prefix}…-PID`` whose process has gone, stopping the kernel
    each recorded; returns the folders removed.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> (out / ".sample.building-999999999").mkdir()
    >>> (out / f".sample.building-{os.getpid()}").mkdir()
    >>> [p.name for p in remove_stale(out, ".sample.building-")]
    ['.sample.building-999999999']
    """
    removed = []
    try:
        candidates = sorted(folder.glob(f"{glob_escape(prefix)}*"))
    except OSError:
        return removed
    for path in candidates:
        found = _PID.search(path.name)
        if not found or not path.is_dir() or path.is_symlink():
            continue
        pid = int(found.group(1))
        if pid == os.getpid() or pid_alive(pid):
            continue
        try:
            kernel = int((path / KERNEL_PID).read_text().strip())
        except (OSError, ValueError):
            kernel = None
        if kernel is not None:
            kill_kernel(kernel)
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def out_problem(out: Path, raw: Path) -> str | None:
    """Why `out` cannot take a build's output, or None: it lies inside the raw folder (the next
    ingest would read the output back) or is the raw file itself, or the nearest folder of it that
    exists cannot be written. A raw *file* reads only itself: a folder beside it is fine.

    Examples
    --------
    >>> import tempfile
    >>> raw = Path(tempfile.mkdtemp())
    >>> out_problem(raw / "processed", raw).startswith("--out")
    True
    >>> out_problem(raw.parent / "elsewhere-out", raw) is None
    True
    >>> export = raw / "export.jsonl"; _ = export.write_text("")
    >>> out_problem(raw / "processed", export) is None, out_problem(export, export).startswith("--out")
    (True, True)
    """
    root, where = raw.resolve(), out.resolve()
    if where == root or root in where.parents:
        kind = "the raw folder" if raw.is_dir() else "the raw file"
        return f"--out {out} is inside {kind} {raw}: the next ingest would read it back; choose a folder outside it"
    probe = where
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir() or not os.access(probe, os.W_OK | os.X_OK):
        return f"--out {out}: {probe} is not a folder this user can write"
    return None


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)
