"""framing.schema: the articles table keeps its dtypes through Parquet."""

from __future__ import annotations

import pandas as pd
import pytest

from framing.schema import ARTICLE_COLUMNS, cast_articles, cast_rejects, empty_articles


def test_articles_round_trip_through_parquet(sample_corpus, tmp_path):
    path = tmp_path / "articles.parquet"
    sample_corpus.articles.to_parquet(path, index=False)
    back = cast_articles(pd.read_parquet(path))
    pd.testing.assert_frame_equal(back, sample_corpus.articles)
    assert isinstance(back["dropped"].iloc[0], list)


def test_cast_names_missing_columns():
    with pytest.raises(KeyError, match=r"lacks column\(s\) \['reason', 'detail'\]"):
        cast_rejects(pd.DataFrame({"source_path": ["a"]}))


def test_empty_tables_have_every_column():
    assert list(empty_articles().columns) == list(ARTICLE_COLUMNS)
