"""compare, preference_over_time, independence: numbers checked by hand and against scipy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.stats.contingency import association

import framing
from framing.analysis.stats import benjamini_hochberg, bootstrap_shares, independence_test


def _corpus(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    """rows: (outlet, date, text)."""
    return pd.DataFrame({
        "article_id": [f"a{i}" for i in range(len(rows))],
        "outlet": [r[0] for r in rows],
        "published": pd.to_datetime([r[1] for r in rows], utc=True),
        "title": [""] * len(rows),
        "text": [r[2] for r in rows],
        "n_words": [len(r[2].split()) for r in rows],
        "duplicate_of": [None] * len(rows),
        "wire": [None] * len(rows),
    })


@pytest.fixture
def two_outlets() -> pd.DataFrame:
    rows = [("East", "2022-03-01", "Kiev said Kiev. The special military operation goes on.")] * 6
    rows += [("East", "2022-09-01", "Kyiv responded.")]
    rows += [("West", "2022-03-02", "Kyiv said the invasion continues. Its “special military operation” is a lie.")] * 5
    rows += [("West", "2022-10-02", "Officials in Kyiv and Kiev met. Kyiv again.")]
    return _corpus(rows)


def test_counts_rates_and_shares_by_hand(two_outlets):
    hits = framing.find_terms(two_outlets)
    table = framing.compare(hits, two_outlets)
    kyiv = table[table["family"] == "kyiv"].set_index(["outlet", "variant"])
    assert kyiv.loc[("East", "Kiev"), "count"] == 12
    assert kyiv.loc[("East", "Kiev"), "n_articles"] == 6
    assert kyiv.loc[("East", "Kyiv"), "share"] == pytest.approx(1 / 13)
    assert kyiv.loc[("West", "Kyiv"), "count"] == 7
    assert kyiv.loc[("West", "Kyiv"), "family_articles"] == 6
    words_east = two_outlets.loc[two_outlets["outlet"] == "East", "n_words"].sum()
    assert kyiv.loc[("East", "Kiev"), "rate_per_10k"] == pytest.approx(12 / words_east * 1e4)
    assert kyiv.loc[("East", "Kiev"), "words"] == words_east


def test_shares_sum_to_one_and_intervals_bracket_them(two_outlets):
    table = framing.compare(framing.find_terms(two_outlets), two_outlets)
    sums = table.groupby(["outlet", "family"])["share"].sum()
    assert np.allclose(sums, 1.0)
    ok = table["share"].notna()
    assert (table.loc[ok, "share_lo"] <= table.loc[ok, "share"] + 1e-12).all()
    assert (table.loc[ok, "share"] <= table.loc[ok, "share_hi"] + 1e-12).all()


def test_intervals_are_seeded_and_reproducible(two_outlets):
    hits = framing.find_terms(two_outlets)
    a = framing.compare(hits, two_outlets, seed=3)
    b = framing.compare(hits, two_outlets, seed=3)
    pd.testing.assert_frame_equal(a, b)
    counts = np.array([[3, 1], [0, 2], [2, 2], [1, 0], [4, 1], [0, 3]])
    first = bootstrap_shares(counts, n_boot=300, rng=np.random.default_rng(1))
    again = bootstrap_shares(counts, n_boot=300, rng=np.random.default_rng(1))
    other = bootstrap_shares(counts, n_boot=300, rng=np.random.default_rng(2))
    assert np.array_equal(first, again) and not np.array_equal(first, other)


def test_small_samples_are_flagged(two_outlets):
    table = framing.compare(framing.find_terms(two_outlets), two_outlets, min_hits=10, min_articles=5)
    flags = table[table["family"] == "kyiv"].groupby("outlet")["small_sample"].first()
    assert flags.to_dict() == {"East": False, "West": True}  # West: 8 hits
    war = table[table["family"] == "war_name"].groupby("outlet")["small_sample"].first()
    assert war.to_dict() == {"East": True, "West": False}  # East: 6 hits


def test_voice_filter_counts_only_that_voice(two_outlets):
    hits = framing.find_terms(two_outlets)
    own = framing.compare(hits, two_outlets, voice="own")
    smo = own[(own["variant"] == "special military operation")].set_index("outlet")["count"]
    assert smo.to_dict() == {"East": 6, "West": 0}
    distanced = framing.compare(hits, two_outlets, voice=["distanced"])
    assert distanced.set_index(["outlet", "variant"]).loc[("West", "special military operation"), "count"] == 5


def test_group_by_month_and_by_a_column(two_outlets):
    hits = framing.find_terms(two_outlets)
    by_month = framing.compare(hits, two_outlets, by=["outlet", "month"])
    assert set(by_month["month"]) == {"2022-03", "2022-09", "2022-10"}
    by_wire = framing.compare(hits, two_outlets, by="wire")
    assert set(by_wire["wire"]) == {"(none)"}
    with pytest.raises(KeyError, match="cannot group by 'colour'"):
        framing.compare(hits, two_outlets, by="colour")


def test_group_by_affiliation_from_the_outlets_file():
    arts = _corpus([("Reuters", "2022-03-01", "Kyiv"), ("RT", "2022-03-01", "Kiev")])
    table = framing.compare(framing.find_terms(arts), arts, by="affiliation", min_hits=1, min_articles=1)
    assert "wire (private)" in set(table["affiliation"])


def test_dedupe_leaves_out_reprints(two_outlets):
    arts = two_outlets.copy()
    arts.loc[1:5, "duplicate_of"] = "a0"
    hits = framing.find_terms(arts)
    table = framing.compare(hits, arts, dedupe=True).set_index(["outlet", "variant"])
    assert table.loc[("East", "Kiev"), "count"] == 2


def test_preference_over_time(two_outlets):
    hits = framing.find_terms(two_outlets)
    pref = framing.preference_over_time(hits, two_outlets, "kyiv", freq="quarter", min_hits=1, min_articles=1)
    east = pref[pref["outlet"] == "East"]
    assert east["period"].tolist() == ["2022Q1", "2022Q3"]
    assert east["share"].tolist() == [0.0, 1.0]
    west = pref[pref["outlet"] == "West"].set_index("period")
    assert west.loc["2022Q4", "share"] == pytest.approx(2 / 3)
    assert (pref["variant"] == "Kyiv").all()
    assert str(pref["period_start"].dt.tz) == "UTC"


# --------------------------------------------------------------------------- statistics vs scipy


def test_independence_chi2_and_cramers_v_match_scipy():
    table = np.array([[40, 12, 8], [15, 30, 25], [20, 20, 30]])
    result = independence_test(table)
    ref = stats.chi2_contingency(table, correction=False)
    assert result["method"] == "chi2"
    assert result["chi2"] == pytest.approx(ref.statistic)
    assert result["p"] == pytest.approx(ref.pvalue)
    assert result["dof"] == ref.dof
    assert result["cramers_v"] == pytest.approx(association(table, method="cramer"))


def test_independence_falls_back_to_fisher_for_small_2x2():
    table = np.array([[3, 1], [0, 4]])
    result = independence_test(table)
    assert result["method"] == "fisher"
    assert result["p"] == pytest.approx(stats.fisher_exact(table).pvalue)


def test_independence_falls_back_to_monte_carlo_for_small_rxc():
    table = np.array([[3, 1, 0], [0, 2, 4], [2, 2, 1]])
    result = independence_test(table, n_resamples=4999, seed=1)
    assert result["method"] == "monte-carlo"
    # agrees with the asymptotic p-value roughly and with itself exactly
    assert 0 < result["p"] < 1
    assert result == independence_test(table, n_resamples=4999, seed=1)
    ref = stats.chi2_contingency(table, correction=False)
    assert result["chi2"] == pytest.approx(ref.statistic)


def test_benjamini_hochberg_matches_scipy():
    p = np.array([0.001, 0.02, 0.03, 0.2, 0.5, 0.04])
    assert np.allclose(benjamini_hochberg(p), stats.false_discovery_control(p, method="bh"))


def test_bootstrap_interval_covers_the_truth_about_95_percent_of_the_time():
    rng = np.random.default_rng(11)
    covered = 0
    for _ in range(200):
        per_article = rng.poisson(2, size=(60, 1)) + 1
        kyiv = rng.binomial(per_article, 0.7)
        counts = np.hstack([kyiv, per_article - kyiv])
        lo, hi = bootstrap_shares(counts, n_boot=400, rng=rng)
        covered += lo[0] <= 0.7 <= hi[0]
    assert 0.88 <= covered / 200 <= 0.99


def test_independence_per_family_with_bh(two_outlets):
    hits = framing.find_terms(two_outlets)
    result = framing.independence(hits).set_index("family")
    table = pd.crosstab(hits.loc[hits["family"] == "kyiv", "outlet"], hits.loc[hits["family"] == "kyiv", "variant"])
    ref = stats.chi2_contingency(table.to_numpy(), correction=False)
    assert result.loc["kyiv", "chi2"] == pytest.approx(ref.statistic)
    assert result.loc["kyiv", "cramers_v"] == pytest.approx(association(table.to_numpy(), method="cramer"))
    tested = result["p"].notna()
    assert np.allclose(result.loc[tested, "q"], stats.false_discovery_control(result.loc[tested, "p"]))


def test_independence_by_article_counts_each_article_once(two_outlets):
    hits = framing.find_terms(two_outlets)
    result = framing.independence(hits, unit="article", families=["kyiv"]).iloc[0]
    # East: 6 Kiev articles + 1 Kyiv article; West: 6 Kyiv articles (the mixed one has Kyiv ×2, Kiev ×1)
    assert result["n"] == 13
    assert result["tied_articles"] == 0


def test_independence_marks_untestable_families(two_outlets):
    only_west = framing.find_terms(two_outlets[two_outlets["outlet"] == "West"])
    result = framing.independence(only_west).set_index("family")
    assert result.loc["kyiv", "method"] == "not testable"
    assert np.isnan(result.loc["kyiv", "p"])


def test_independence_by_month_needs_no_articles(two_outlets):
    hits = framing.find_terms(two_outlets)
    result = framing.independence(hits, by="month", families=["kyiv"])
    assert result.iloc[0]["groups"] == 3


def test_monte_carlo_p_agrees_with_scipys_permutation_test():
    table = np.array([[6, 1, 0], [1, 3, 4], [2, 2, 1]])
    ours = independence_test(table, n_resamples=20000, seed=5)["p"]
    ref = stats.chi2_contingency(
        table, correction=False,
        method=stats.PermutationMethod(n_resamples=20000, rng=np.random.default_rng(5)),
    ).pvalue
    assert ours == pytest.approx(ref, abs=0.01)  # two Monte-Carlo estimates of the same p


def test_old_name_test_independence_warns_and_gives_the_same_table(two_outlets):
    hits = framing.find_terms(two_outlets)
    with pytest.warns(DeprecationWarning, match="framing.independence"):
        old = framing.test_independence(hits, families=["kyiv"])
    pd.testing.assert_frame_equal(old, framing.independence(hits, families=["kyiv"]))


def test_no_resamples_gives_shares_without_intervals(sample_corpus):
    arts = sample_corpus.articles
    table = framing.compare(framing.find_terms(arts), arts, n_boot=0)
    used = table[table["family_count"] > 0]
    assert used["share"].notna().all() and used["share_lo"].isna().all() and used["share_hi"].isna().all()


def test_bootstrap_over_distinct_rows_has_the_distribution_of_resampling_articles():
    """Intervals drawn over the distinct count rows equal, within Monte-Carlo error, those of
    resampling the articles one by one (the textbook cluster bootstrap, written out here)."""
    rng = np.random.default_rng(5)
    per_article = rng.poisson(1.5, size=(400, 1)) + 1
    first = rng.binomial(per_article, 0.3)
    counts = np.hstack([first, per_article - first, rng.poisson(0.3, size=(400, 1))])
    lo, hi = bootstrap_shares(counts, n_boot=20_000, rng=np.random.default_rng(6))
    draws = np.random.default_rng(7).integers(0, len(counts), size=(20_000, len(counts)))
    sums = counts[draws].sum(axis=1)
    shares = sums / sums.sum(axis=1, keepdims=True)
    assert np.allclose(lo, np.quantile(shares, 0.025, axis=0), atol=0.003)
    assert np.allclose(hi, np.quantile(shares, 0.975, axis=0), atol=0.003)
    assert len(np.unique(counts, axis=0)) < len(counts) / 5  # the case the shortcut is for
