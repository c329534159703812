"""Column names and dtypes of every table, cast once at the boundary."""

from __future__ import annotations

import pandas as pd

__all__ = [
    "ARTICLE_COLUMNS",
    "REJECT_COLUMNS",
    "empty_articles",
    "empty_rejects",
    "cast_articles",
    "cast_rejects",
    "HIT_COLUMNS",
    "cast_hits",
    "empty_hits",
    "PERIODS",
]

#: The time bins every verb, plot and notebook parameter understands (``by="quarter"``,
#: ``freq="month"``), and the pandas period alias of each.
PERIODS: dict[str, str] = {"year": "Y", "quarter": "Q", "month": "M", "week": "W"}

_STR = pd.StringDtype()
_UTC = pd.DatetimeTZDtype(tz="UTC")

#: The articles table: the contract every later stage relies on (see README).
ARTICLE_COLUMNS: dict[str, object] = {
    "article_id": _STR,
    "outlet": _STR,
    "outlet_evidence": _STR,
    "wire": _STR,
    "title": _STR,
    "author": _STR,
    "published": _UTC,
    "language": _STR,
    "text": _STR,
    "n_words": "int64",
    "url": _STR,
    "source_path": _STR,
    "dropped": object,  # list[str]: lines removed as boilerplate
    "duplicate_of": _STR,
    # extra columns (stable too)
    "encoding": _STR,
    "reader": _STR,  # txt | markdown | html | jsonl | json | telegram | csv (csv:tab, csv:semicolon, csv:pipe, csv:sniffed: the dialect)
    "dropped_why": object,  # list[str], parallel to `dropped`: the rule that removed each line
}

#: The rejects table: every raw file or row that did not become an article.
REJECT_COLUMNS: dict[str, object] = {
    "source_path": _STR,
    "reason": _STR,
    "detail": _STR,
}


def _cast(df: pd.DataFrame, columns: dict[str, object]) -> pd.DataFrame:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise KeyError(f"table lacks column(s) {missing}; has {list(df.columns)}")
    extra = [c for c in df.columns if c not in columns]
    out = df[list(columns) + extra].copy()
    for name, dtype in columns.items():
        if dtype == _UTC:
            out[name] = pd.to_datetime(out[name], utc=True).astype(_UTC)
        elif dtype is object:
            out[name] = out[name].astype(object)
        else:
            out[name] = out[name].astype(dtype)
    return out.reset_index(drop=True)


def cast_articles(df: pd.DataFrame) -> pd.DataFrame:
    """Return `df` with the articles columns first, in order, with their dtypes.

    Examples
    --------
    >>> cast_articles(empty_articles()).dtypes["published"]
    datetime64[ns, UTC]
    """
    out = _cast(df, ARTICLE_COLUMNS)
    for name in ("dropped", "dropped_why"):  # Parquet gives arrays back; the contract says lists
        out[name] = [[str(x) for x in v] if v is not None else [] for v in out[name]]
    return out


def cast_rejects(df: pd.DataFrame) -> pd.DataFrame:
    """Return `df` as a rejects table (`source_path`, `reason`, `detail`)."""
    return _cast(df, REJECT_COLUMNS)


def empty_articles() -> pd.DataFrame:
    """An articles table with no rows and the right dtypes."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in ARTICLE_COLUMNS.items()})


def empty_rejects() -> pd.DataFrame:
    """A rejects table with no rows."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in REJECT_COLUMNS.items()})


#: Columns of the hits table returned by :func:`framing.find_terms`.
HIT_COLUMNS = (
    "article_id", "outlet", "published", "family", "variant", "orientation", "matched",
    "start", "end", "context", "voice", "in_title", "off_topic",
)
_HIT_STRINGS = ("article_id", "outlet", "family", "variant", "orientation", "matched", "context", "voice")


def cast_hits(df: pd.DataFrame) -> pd.DataFrame:
    """Return `df` as a hits table: the hits columns, in order, with their dtypes.

    Examples
    --------
    >>> cast_hits(empty_hits()).dtypes["start"]
    dtype('int64')
    """
    if "off_topic" not in df.columns:  # a table from before the column existed: every hit counted
        df = df.assign(off_topic=False)
    df = df.astype({c: "string" for c in _HIT_STRINGS} | {"start": "int64", "end": "int64", "in_title": "bool",
                                                          "off_topic": "bool"})
    df["published"] = pd.to_datetime(df["published"], utc=True).astype(ARTICLE_COLUMNS["published"])
    return df[list(HIT_COLUMNS)]


def empty_hits() -> pd.DataFrame:
    """A hits table with no rows and the right dtypes."""
    return cast_hits(pd.DataFrame({c: [] for c in HIT_COLUMNS}))
