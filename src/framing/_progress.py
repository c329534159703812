"""Progress bars where a person waits: one helper, so every verb shows them the same way.

``progress=None`` (the default of every verb) shows a bar only when standard error is a terminal,
as tqdm decides; ``True`` always (the notebooks pass their ``progress`` parameter, which
``framing report`` sets to False so that executed notebooks stay byte-stable); ``False`` never.
The bar is tqdm's plain text one: ``tqdm.auto`` warns in kernels without ipywidgets.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from tqdm import tqdm

__all__ = ["bar"]

T = TypeVar("T")


def bar(items: Iterable[T], *, desc: str, total: int | None = None, unit: str = " articles",
        progress: bool | None = None) -> Iterable[T]:
    """`items`, counted on a progress bar named `desc` (see the module's note on `progress`).

    Examples
    --------
    >>> list(bar([1, 2, 3], desc="demo", progress=False))
    [1, 2, 3]
    """
    return tqdm(items, desc=desc, total=total, unit=unit, disable=None if progress is None else not progress,
                mininterval=0.5, leave=False)
