"""What ships inside the package besides code: the demo corpus and the report's notebooks.

Both are package data, so an installed framing (a wheel, not a checkout) can build its report:
``framing report`` with no RAW ingests :data:`SAMPLE` and runs :data:`NOTEBOOKS`. In a source
checkout the top-level ``notebooks/`` and ``data/raw/sample`` are links to these folders.

Examples
--------
>>> sorted(p.name for p in NOTEBOOKS.glob("0[12]_*.ipynb"))
['01_corpus.ipynb', '02_terminology.ipynb']
>>> (SAMPLE / "outlets.yaml").is_file()
True
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["NOTEBOOKS", "SAMPLE", "numbered_notebooks"]

_HERE = Path(__file__).resolve().parent
#: The report's notebooks (``NN_name.ipynb``), run in order by ``framing report``.
NOTEBOOKS = _HERE / "notebooks"
#: The bundled demo corpus: fictional outlets and articles, our own writing.
SAMPLE = _HERE / "sample"


def numbered_notebooks(folder: str | Path) -> list[Path]:
    """The notebooks a report runs from `folder`: ``NN_name.ipynb``, in order.

    Examples
    --------
    >>> [p.stem for p in numbered_notebooks(NOTEBOOKS)][:2]
    ['01_corpus', '02_terminology']
    """
    return sorted(Path(folder).glob("[0-9]*.ipynb"))
