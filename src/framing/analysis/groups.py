"""Groups of articles: the ``by=`` keys every comparison takes (articles columns, the outlets file's
fields, and periods of the publication date)."""

from __future__ import annotations

from typing import Sequence

import pandas as pd

from ..knowledge.outlets import load_outlets
from ..schema import PERIODS

__all__ = ["group_keys"]

_OUTLET_FIELDS = ("affiliation", "country")
_NONE = "(none)"


def _as_list(by: str | Sequence[str]) -> list[str]:
    return [by] if isinstance(by, str) else list(by)


def group_keys(table: pd.DataFrame, by: str | Sequence[str], *, outlets=None) -> pd.DataFrame:
    """The grouping columns `by` for each row of `table` (articles or hits), as strings.

    ``year``/``quarter``/``month``/``week`` come from ``published`` (UTC), ``affiliation`` and
    ``country`` from the outlets file; missing values read ``(none)``, except dates, which stay
    missing so that undated rows drop out.

    Examples
    --------
    >>> t = pd.DataFrame({"outlet": ["A"], "published": [pd.Timestamp("2022-03-05", tz="UTC")]})
    >>> group_keys(t, ["outlet", "month"]).values.tolist()
    [['A', '2022-03']]
    """
    out = pd.DataFrame(index=table.index)
    book = None
    for key in _as_list(by):
        if key in PERIODS:
            when = pd.to_datetime(table["published"], utc=True).dt.tz_convert(None)
            out[key] = when.dt.to_period(PERIODS[key]).astype("string").where(when.notna())
        elif key in table.columns:
            out[key] = table[key].astype("string").fillna(_NONE)
        elif key in _OUTLET_FIELDS:
            book = book or load_outlets(*([outlets] if outlets is not None else []))
            values = {o: getattr(book.by_name(o), key, None) for o in table["outlet"].dropna().unique()}
            out[key] = table["outlet"].map(values).astype("string").fillna(_NONE)
        else:
            known = sorted(set(table.columns) | set(PERIODS) | set(_OUTLET_FIELDS))
            raise KeyError(f"cannot group by {key!r}: not a column; choose from {known}")
    return out
