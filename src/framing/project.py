"""``framing init``: a ready project folder for a researcher, with the report's notebooks to edit.

The layout is the usual one of a data project (as the cookiecutter-data-science template has it):
``data/raw/`` for what was collected, ``data/processed/`` for what framing writes, ``notebooks/``,
``reports/``, a README and a Makefile. Nothing that exists is overwritten.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .resources import NOTEBOOKS, numbered_notebooks

__all__ = ["ProjectError", "init_project"]

_TEMPLATES = Path(__file__).resolve().parent / "templates" / "project"


class ProjectError(RuntimeError):
    """The project folder cannot be made; the message names the file in the way."""


def _plan(folder: Path) -> dict[Path, Path | None]:
    """Every file to write → the packaged file it copies (None: an empty placeholder)."""
    files: dict[Path, Path | None] = {
        folder / "README.md": _TEMPLATES / "README.md",
        folder / "Makefile": _TEMPLATES / "Makefile",
        folder / "data" / "raw" / "README.md": _TEMPLATES / "raw_README.md",
        folder / "data" / "processed" / ".gitkeep": None,
        folder / "reports" / ".gitkeep": None,
    }
    for notebook in numbered_notebooks(NOTEBOOKS):
        files[folder / "notebooks" / notebook.name] = notebook
    return files


def init_project(folder: str | Path) -> list[Path]:
    """Make a project folder (it may exist, but none of the files to write may); the files written.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     written = init_project(Path(tmp) / "proj")
    ...     sorted(p.relative_to(Path(tmp) / "proj").as_posix() for p in written)[:4]
    ['Makefile', 'README.md', 'data/processed/.gitkeep', 'data/raw/README.md']
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ProjectError(f"{folder}: exists and is not a folder")
    files = _plan(folder)
    taken = sorted(str(p) for p in files if p.exists() or p.is_symlink())
    if taken:
        more = f" (and {len(taken) - 1} more)" if len(taken) > 1 else ""
        raise ProjectError(f"{taken[0]}{more}: exists; framing init never overwrites a file "
                           "(choose an empty or new folder)")
    for path, source in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if source is None:
            path.touch()
        else:
            shutil.copyfile(source, path)
    return list(files)
