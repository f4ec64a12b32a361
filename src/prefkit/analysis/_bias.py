"""Position bias (screen space), length bias, and whether Likert ratings agree with preferences."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import stats

from prefkit.analysis._agreement import AnalysisError
from prefkit.analysis._results import (
    LengthBias,
    LengthBin,
    PositionBias,
    RatingCheck,
    RatingsVsPreference,
    SideTest,
)
from prefkit.data import Comparison

TIE = "tie"
Vote = Comparison

__all__ = ["length_bias", "logistic_regression", "position_bias", "ratings_vs_preference"]


def position_bias(votes: Sequence[Vote]) -> PositionBias:
    """P(the left response wins) over non-tie comparisons with a known ``shown`` order, overall
    and per annotator, with an exact two-sided binomial test of P(left) = 0.5."""
    test_name = "exact two-sided binomial test of P(left) = 0.5"
    known = [v for v in votes if v.left is not None and v.winner != TIE]
    if not known:
        return PositionBias(
            None,
            (),
            test_name,
            "no non-tie comparison records which response was shown on the left (shown)",
        )

    def test(annotator: str | None, vs: list[Vote]) -> SideTest:
        left = sum(1 for v in vs if v.winner == v.left)
        res = stats.binomtest(left, len(vs), 0.5)
        ci = res.proportion_ci(confidence_level=0.95, method="exact")
        return SideTest(
            annotator,
            len(vs),
            left,
            left / len(vs),
            (float(ci.low), float(ci.high)),
            float(res.pvalue),
        )

    by: dict[str, list[Vote]] = defaultdict(list)
    for v in known:
        by[v.annotator].append(v)
    return PositionBias(
        test(None, known),
        tuple(test(a, vs) for a, vs in sorted(by.items())),
        test_name,
        None,
    )


def logistic_regression(
    x: Any, y: Any, *, max_iter: int = 100, tol: float = 1e-12
) -> tuple[np.ndarray, np.ndarray]:
    """Maximum-likelihood logistic regression with an intercept (Newton-Raphson / IRLS).

    Returns the coefficients [intercept, slopes...] and their standard errors from the inverse
    Fisher information (Wald), as statsmodels' ``Logit`` does. Raises on non-convergence or
    perfect separation.
    """
    xm = np.asarray(x, dtype=float)
    xm = xm[:, None] if xm.ndim == 1 else xm
    design = np.column_stack([np.ones(len(xm)), xm])
    yv = np.asarray(y, dtype=float)
    beta = np.zeros(design.shape[1])
    for _ in range(max_iter):
        p = 1 / (1 + np.exp(-(design @ beta)))
        w = p * (1 - p)
        if np.any(w < 1e-12):
            raise AnalysisError("the choices are perfectly separated by length; no finite effect")
        info = design.T @ (design * w[:, None])
        step = np.linalg.solve(info, design.T @ (yv - p))
        beta = beta + step
        if np.max(np.abs(step)) < tol:
            p = 1 / (1 + np.exp(-(design @ beta)))
            info = design.T @ (design * (p * (1 - p))[:, None])
            return beta, np.sqrt(np.diag(np.linalg.inv(info)))
    raise AnalysisError(f"logistic regression did not converge in {max_iter} iterations")


def length_bias(votes: Sequence[Vote]) -> LengthBias:
    """Logistic regression of the choice on the standardized length difference.

    Over non-tie comparisons, y = 1 when the first response won and x = (len(first) -
    len(second)) / sd. The slope is the change in log-odds of winning per standard deviation of
    extra length; > 0 means longer responses win more. 95 % Wald interval.
    """
    vs = [v for v in votes if v.winner != TIE]

    def empty(note: str, longer: float | None = None, sd: float | None = None) -> LengthBias:
        return LengthBias(len(vs), longer, sd, None, None, None, None, (), note)

    if len(vs) < 10:
        return empty(f"length bias needs at least 10 non-tie comparisons; there are {len(vs)}")
    diff = np.array([len(v.first_text) - len(v.second_text) for v in vs], dtype=float)
    sd = float(diff.std(ddof=1))
    if sd == 0:
        return empty("every pair has the same length difference; nothing to regress on")
    y = np.array([v.verdict == "first" for v in vs], dtype=float)
    longer = diff != 0
    longer_won = float(np.mean((diff[longer] > 0) == (y[longer] == 1))) if longer.any() else None
    try:
        beta, se = logistic_regression(diff / sd, y)
    except AnalysisError as exc:
        return empty(str(exc), longer_won, sd)
    z = stats.norm.ppf(0.975)
    # Win rate of the longer response by decile of the absolute length difference (for plots).
    absd = np.abs(diff[longer])
    won = ((diff[longer] > 0) == (y[longer] == 1)).astype(float)
    edges = np.unique(np.quantile(absd, np.linspace(0, 1, 11))) if absd.size else np.array([])
    bins = []
    for lo, hi in itertools.pairwise(edges):
        sel = (absd >= lo) & ((absd <= hi) if hi == edges[-1] else (absd < hi))
        if sel.any():
            bins.append(LengthBin(float(lo), float(hi), int(sel.sum()), float(won[sel].mean())))
    return LengthBias(
        votes=len(vs),
        longer_wins=longer_won,
        sd_chars=sd,
        log_odds_per_sd=float(beta[1]),
        ci=(float(beta[1] - z * se[1]), float(beta[1] + z * se[1])),
        odds_ratio_per_sd=float(np.exp(beta[1])),
        p_value=float(2 * stats.norm.sf(abs(beta[1] / se[1]))),
        bins=tuple(bins),
        note=None,
    )


def ratings_vs_preference(votes: Sequence[Vote]) -> RatingsVsPreference:
    """Per criterion: does the preferred response get the higher rating?

    ``agree``: the winner is rated higher (or, for a tie, both equal); ``equal``: a preference
    but equal ratings; ``contradict``: the winner is rated lower (or a tie with unequal ratings).
    """
    counts: dict[str, dict[str, int]] = defaultdict(
        lambda: {"agree": 0, "equal": 0, "contradict": 0}
    )
    for v in votes:
        for crit, (rf, rs) in v.ratings.items():
            c = counts[crit]
            if v.verdict == "tie":
                c["agree" if rf == rs else "contradict"] += 1
            elif rf == rs:
                c["equal"] += 1
            else:
                c["agree" if (rf > rs) == (v.verdict == "first") else "contradict"] += 1
    if not counts:
        return RatingsVsPreference((), "no comparison carries ratings of both responses")
    rows = []
    for crit, c in sorted(counts.items()):
        n = sum(c.values())
        rows.append(RatingCheck(crit, n, c["agree"], c["equal"], c["contradict"], c["agree"] / n))
    return RatingsVsPreference(tuple(rows), None)
