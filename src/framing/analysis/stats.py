"""Statistics shared by the comparisons: cluster-bootstrap shares, independence tests, BH q-values.

Every function here takes plain arrays or small tables and is checked against scipy in the tests.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["bootstrap_shares", "benjamini_hochberg", "independence_test", "cramers_v"]


def bootstrap_shares(
    counts: np.ndarray, *, n_boot: int = 2000, level: float = 0.95, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile intervals for each column's share of the row total, resampling rows (articles).

    `counts` is articles × variants (hits of each variant in each article, every row with at least
    one hit). Hits in one article are not independent: an article that says "Kiev" once tends to
    say it again. Resampling whole articles (a cluster bootstrap) keeps that dependence, so the
    interval is honest about how many *articles* back a share, not only how many hits.

    Examples
    --------
    >>> lo, hi = bootstrap_shares(np.array([[3, 0], [2, 1], [0, 4]]), rng=np.random.default_rng(0))
    >>> bool(lo[0] < 5 / 10 < hi[0])
    True
    """
    counts = np.asarray(counts, dtype=float)
    n = counts.shape[0]
    if n == 0:
        nan = np.full(counts.shape[1], np.nan)
        return nan, nan
    weights = rng.multinomial(n, np.full(n, 1.0 / n), size=n_boot)  # n_boot × n
    sums = weights @ counts  # n_boot × variants
    shares = sums / sums.sum(axis=1, keepdims=True)
    alpha = (1 - level) / 2
    return np.quantile(shares, alpha, axis=0), np.quantile(shares, 1 - alpha, axis=0)


def benjamini_hochberg(p: np.ndarray | pd.Series) -> np.ndarray:
    """Benjamini–Hochberg q-values; NaN p-values stay NaN and do not count as tests.

    Examples
    --------
    >>> benjamini_hochberg(np.array([0.01, 0.04, np.nan, 0.03])).round(3).tolist()
    [0.03, 0.04, nan, 0.04]
    """
    p = np.asarray(p, dtype=float)
    q = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        q[ok] = stats.false_discovery_control(p[ok], method="bh")
    return q


def cramers_v(chi2: float, n: int, shape: tuple[int, int]) -> float:
    """Cramér's V from an (uncorrected) chi² statistic: sqrt(chi² / (n · (min(r, c) − 1)))."""
    k = min(shape) - 1
    return float(np.sqrt(chi2 / (n * k))) if n and k else float("nan")


def independence_test(
    table: np.ndarray, *, min_expected: float = 5.0, n_resamples: int = 9999, seed: int = 0
) -> dict:
    """Test a groups × variants table for independence, choosing the method the counts allow.

    - every expected count ≥ `min_expected`: Pearson's chi² (no continuity correction);
    - otherwise, a 2 × 2 table: Fisher's exact test;
    - otherwise: a Monte-Carlo test of the chi² statistic on `n_resamples` random tables with the
      observed margins (seeded; drawn with ``scipy.stats.random_table``, Patefield's algorithm), as
      R's ``chisq.test(simulate.p.value = TRUE)`` does; p = (1 + #{chi²* ≥ chi²}) / (1 + n_resamples).

    Rows and columns that sum to zero are dropped first. Cramér's V uses the uncorrected chi² in
    every case.

    Examples
    --------
    >>> r = independence_test(np.array([[30, 10], [12, 28]]))
    >>> r["method"], round(r["cramers_v"], 2)
    ('chi2', 0.45)
    """
    table = np.asarray(table).astype(np.int64)
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    n = int(table.sum())
    res = stats.chi2_contingency(table, correction=False)
    out = {
        "n": n, "chi2": float(res.statistic), "dof": int(res.dof),
        "min_expected": float(res.expected_freq.min()),
        "cramers_v": cramers_v(float(res.statistic), n, table.shape),
    }
    if out["min_expected"] >= min_expected:
        out.update(method="chi2", p=float(res.pvalue))
    elif table.shape == (2, 2):
        out.update(method="fisher", p=float(stats.fisher_exact(table).pvalue))
    else:
        expected = res.expected_freq
        sims = stats.random_table(table.sum(axis=1), table.sum(axis=0), seed=np.random.default_rng(seed))
        draws = sims.rvs(size=n_resamples)
        chi2_sim = ((draws - expected) ** 2 / expected).sum(axis=(1, 2))
        extreme = int((chi2_sim >= out["chi2"] * (1 - 1e-12)).sum())
        out.update(method="monte-carlo", p=(1 + extreme) / (1 + n_resamples))
    return out
