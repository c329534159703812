"""Statistics shared by the comparisons: cluster-bootstrap shares, independence tests, BH q-values.

Every function here takes plain arrays or small tables and is checked against scipy in the tests.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "bootstrap_shares", "bootstrap_cluster_shares", "benjamini_hochberg", "independence_test", "cramers_v",
    "cmh_test",
    "log_odds_dirichlet", "chi2_2x2", "g2_2x2",
]


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
    # Articles with the same counts are interchangeable: drawing n articles with replacement draws
    # how many copies of each distinct row, multinomial(n, its share of the rows). The same
    # distribution as resampling the rows one by one, at the cost of the distinct rows (a few
    # dozen), not the articles (tens of thousands at scale).
    rows, copies = np.unique(counts, axis=0, return_counts=True)
    weights = rng.multinomial(n, copies / n, size=n_boot)  # n_boot × distinct rows
    sums = weights @ rows  # n_boot × variants
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


def cmh_test(tables: np.ndarray) -> dict:
    """Generalised Cochran–Mantel–Haenszel test of association, stratified: K tables of groups × variants.

    Each stratum (a story) is one groups × variants table; the test asks whether the choice of variant
    depends on the group *within* strata, pooling the strata's deviations from their own expected
    counts (Landis, Heyman & Koch 1978, "general association" statistic; for 2 × 2 × K it is the
    Mantel–Haenszel statistic without continuity correction). Strata with fewer than two hits add
    nothing. ``p`` is from chi² with ``dof`` = rank of the summed covariance (at most (I−1)(J−1)).
    For 2 × 2 strata ``odds_ratio`` is the Mantel–Haenszel common odds ratio (first group's odds of
    the first variant over the second group's), otherwise NaN.

    Examples
    --------
    >>> r = cmh_test(np.array([[[8, 2], [3, 7]], [[5, 1], [2, 4]]]))
    >>> round(r["statistic"], 2), r["dof"], round(r["odds_ratio"], 1)
    (7.63, 1, 9.6)
    """
    tables = np.asarray(tables, dtype=float)
    if tables.ndim != 3:
        raise ValueError("cmh_test needs strata × groups × variants counts (a 3-d array)")
    k, rows, cols = tables.shape
    size = (rows - 1) * (cols - 1)
    deviation, covariance = np.zeros(size), np.zeros((size, size))
    num = den = 0.0
    used = 0
    for t in tables:
        n = t.sum()
        if n < 2:
            continue
        used += 1
        r, c = t.sum(axis=1) / n, t.sum(axis=0) / n
        deviation += t[:-1, :-1].ravel() - n * np.outer(r[:-1], c[:-1]).ravel()
        vr = np.diag(r[:-1]) - np.outer(r[:-1], r[:-1])
        vc = np.diag(c[:-1]) - np.outer(c[:-1], c[:-1])
        covariance += n * n / (n - 1) * np.kron(vr, vc)
        if t.shape == (2, 2):
            num += t[0, 0] * t[1, 1] / n
            den += t[0, 1] * t[1, 0] / n
    dof = int(np.linalg.matrix_rank(covariance)) if size else 0
    if dof == 0:
        return {"statistic": np.nan, "dof": 0, "p": np.nan, "strata": used, "odds_ratio": np.nan}
    statistic = float(deviation @ np.linalg.pinv(covariance) @ deviation)
    odds = np.nan
    if (rows, cols) == (2, 2) and (num > 0 or den > 0):
        odds = num / den if den > 0 else np.inf
    return {"statistic": statistic, "dof": dof, "p": float(stats.chi2.sf(statistic, dof)), "strata": used,
            "odds_ratio": float(odds)}


def bootstrap_cluster_shares(
    counts: np.ndarray, *, n_boot: int = 2000, level: float = 0.95, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile intervals of each group's variant shares, resampling clusters (stories) jointly.

    `counts` is clusters × groups × variants. One set of multinomial weights over clusters is drawn
    per resample and applied to every group at once (a matrix product, no Python loop per
    resample), so the groups' intervals come from the same resampled stories. Returns two
    groups × variants arrays (NaN where a group has no hit in a resample's draw too often to say).

    Examples
    --------
    >>> c = np.array([[[3, 1], [0, 2]], [[2, 0], [1, 3]], [[4, 1], [0, 1]]])
    >>> lo, hi = bootstrap_cluster_shares(c, rng=np.random.default_rng(0))
    >>> bool(lo[0, 0] <= 9 / 11 <= hi[0, 0]), lo.shape
    (True, (2, 2))
    """
    counts = np.asarray(counts, dtype=float)
    k, groups, variants = counts.shape
    if k == 0:
        nan = np.full((groups, variants), np.nan)
        return nan, nan
    weights = rng.multinomial(k, np.full(k, 1.0 / k), size=n_boot)  # n_boot × k
    sums = (weights @ counts.reshape(k, -1)).reshape(n_boot, groups, variants)
    total = sums.sum(axis=2, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = sums / np.where(total > 0, total, np.nan)
    alpha = (1 - level) / 2
    with warnings.catch_warnings():  # a group absent from every draw: NaN, said in the docstring
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanquantile(shares, alpha, axis=0), np.nanquantile(shares, 1 - alpha, axis=0)


# --------------------------------------------------------------------------- keyness statistics
# Each takes, per term, its count in the target (a) and in the reference (c), and the two totals.


def log_odds_dirichlet(
    a: np.ndarray, c: np.ndarray, n_target: float, n_reference: float, prior: np.ndarray,
    alpha0: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, eq. 16–22).

    For term w with prior pseudo-count α_w and α0 = Σ α_w:
    δ_w = log[(a_w + α_w) / (n_t + α0 − a_w − α_w)] − log[(c_w + α_w) / (n_r + α0 − c_w − α_w)],
    Var(δ_w) ≈ 1/(a_w + α_w) + 1/(c_w + α_w) (the paper's approximation), z_w = δ_w / √Var.
    Returns (δ, z); z > 0 means the target uses the term more. Pass `alpha0` (the prior's total
    over the *whole* vocabulary) when `a`, `c` and `prior` cover only some of the terms.

    Examples
    --------
    >>> d, z = log_odds_dirichlet(np.array([10, 1]), np.array([1, 10]), 11, 11, np.array([1.0, 1.0]))
    >>> bool(z[0] > 0 > z[1])
    True
    """
    a, c, prior = (np.asarray(x, dtype=float) for x in (a, c, prior))
    alpha0 = prior.sum() if alpha0 is None else alpha0
    delta = np.log((a + prior) / (n_target + alpha0 - a - prior)) - np.log(
        (c + prior) / (n_reference + alpha0 - c - prior)
    )
    variance = 1.0 / (a + prior) + 1.0 / (c + prior)
    return delta, delta / np.sqrt(variance)


def _two_by_two(a, c, n_target, n_reference):
    a, c = np.asarray(a, dtype=float), np.asarray(c, dtype=float)
    observed = np.stack([a, n_target - a, c, n_reference - c], axis=-1)  # cells: [a b; c d]
    n = n_target + n_reference
    col1 = a + c
    rows = np.array([n_target, n_target, n_reference, n_reference], dtype=float)
    cols = np.stack([col1, n - col1, col1, n - col1], axis=-1)
    expected = rows * cols / n
    return observed, expected, np.sign(a / n_target - c / n_reference)


def chi2_2x2(a, c, n_target: float, n_reference: float, *, correction: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Signed Pearson chi² per term on its 2 × 2 table (term vs other words, target vs reference).

    With `correction`, Yates' continuity correction as ``scipy.stats.chi2_contingency`` applies it
    (each |O − E| shrinks by 0.5, but not below 0). Returns (signed chi², p with 1 degree of freedom).
    """
    observed, expected, sign = _two_by_two(a, c, n_target, n_reference)
    diff = np.abs(observed - expected)
    if correction:
        diff = np.maximum(diff - 0.5, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        chi2 = np.where(expected > 0, diff**2 / expected, 0.0).sum(axis=-1)
    return sign * chi2, stats.chi2.sf(chi2, 1)


def g2_2x2(a, c, n_target: float, n_reference: float, *, correction: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Signed likelihood-ratio G² per term on its 2 × 2 table, with Williams' (1976) correction.

    Williams: G²/q with q = 1 + (N·Σ 1/R_i − 1)(N·Σ 1/C_j − 1) / (6N(r − 1)(c − 1)), the choice of
    quanteda's ``textstat_keyness(measure = "lr")``. Returns (signed G², p with 1 degree of freedom).
    """
    observed, expected, sign = _two_by_two(a, c, n_target, n_reference)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(observed > 0, observed * np.log(observed / expected), 0.0)
    g2 = 2.0 * terms.sum(axis=-1)
    if correction:
        n = n_target + n_reference
        col1 = np.asarray(a, dtype=float) + np.asarray(c, dtype=float)
        with np.errstate(divide="ignore"):
            inv_cols = np.where(col1 > 0, 1 / col1, 0) + np.where(n - col1 > 0, 1 / (n - col1), 0)
        q = 1 + (n * (1 / n_target + 1 / n_reference) - 1) * (n * inv_cols - 1) / (6 * n)
        g2 = g2 / q
    g2 = np.maximum(g2, 0.0)
    return sign * g2, stats.chi2.sf(g2, 1)
