"""Position bias (screen space), length bias, and whether Likert ratings agree with preferences."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import stats

from prefkit.analysis._agreement import AnalysisError
from prefkit.analysis._votes import TIE, Vote

__all__ = ["length_bias", "logistic_regression", "position_bias", "ratings_vs_preference"]


def position_bias(votes: Sequence[Vote]) -> dict[str, Any]:
    """P(the left response wins) over non-tie votes with a known ``shown`` order, overall and
    per annotator, with an exact two-sided binomial test of P(left) = 0.5."""
    known = [v for v in votes if v.left is not None and v.winner != TIE]
    if not known:
        return {
            "votes": 0,
            "note": "no non-tie vote records which response was shown on the left (shown)",
        }

    def test(vs: list[Vote]) -> dict[str, Any]:
        left = sum(1 for v in vs if v.winner == v.left)
        res = stats.binomtest(left, len(vs), 0.5)
        ci = res.proportion_ci(confidence_level=0.95, method="exact")
        return {
            "votes": len(vs),
            "left_wins": left,
            "p_left": left / len(vs),
            "ci": [float(ci.low), float(ci.high)],
            "p_value": float(res.pvalue),
        }

    by: dict[str, list[Vote]] = defaultdict(list)
    for v in known:
        by[v.annotator].append(v)
    return {
        **test(known),
        "test": "exact two-sided binomial test of P(left) = 0.5",
        "note": None,
        "annotators": [{"annotator": a, **test(vs)} for a, vs in sorted(by.items())],
    }


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


def length_bias(votes: Sequence[Vote]) -> dict[str, Any]:
    """Logistic regression of the choice on the standardized length difference.

    Over non-tie votes, y = 1 when the pair's first response won and x = (len(first) -
    len(second)) / sd. The slope is the change in log-odds of winning per standard deviation of
    extra length; > 0 means longer responses win more. 95 % Wald interval.
    """
    vs = [v for v in votes if v.winner != TIE]
    if len(vs) < 10:
        return {
            "votes": len(vs),
            "note": f"length bias needs at least 10 non-tie votes; there are {len(vs)}",
        }
    diff = np.array([v.lengths[0] - v.lengths[1] for v in vs], dtype=float)
    sd = float(diff.std(ddof=1))
    if sd == 0:
        return {
            "votes": len(vs),
            "note": "every pair has the same length difference; nothing to regress on",
        }
    y = np.array([v.winner == v.first for v in vs], dtype=float)
    longer = diff != 0
    longer_won = float(np.mean((diff[longer] > 0) == (y[longer] == 1))) if longer.any() else None
    try:
        beta, se = logistic_regression(diff / sd, y)
    except AnalysisError as exc:
        return {"votes": len(vs), "longer_wins": longer_won, "note": str(exc)}
    z = stats.norm.ppf(0.975)
    # Win rate of the longer response by decile of the absolute length difference (for plots).
    absd = np.abs(diff[longer])
    won = ((diff[longer] > 0) == (y[longer] == 1)).astype(float)
    edges = np.unique(np.quantile(absd, np.linspace(0, 1, 11))) if absd.size else np.array([])
    bins = []
    for lo, hi in itertools.pairwise(edges):
        sel = (absd >= lo) & ((absd <= hi) if hi == edges[-1] else (absd < hi))
        if sel.any():
            bins.append(
                {
                    "from": float(lo),
                    "to": float(hi),
                    "votes": int(sel.sum()),
                    "longer_wins": float(won[sel].mean()),
                }
            )
    return {
        "bins": bins,
        "votes": len(vs),
        "longer_wins": longer_won,
        "sd_chars": sd,
        "log_odds_per_sd": float(beta[1]),
        "ci": [float(beta[1] - z * se[1]), float(beta[1] + z * se[1])],
        "odds_ratio_per_sd": float(np.exp(beta[1])),
        "p_value": float(2 * stats.norm.sf(abs(beta[1] / se[1]))),
        "note": None,
    }


def ratings_vs_preference(votes: Sequence[Vote]) -> dict[str, Any]:
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
            if v.winner == TIE:
                c["agree" if rf == rs else "contradict"] += 1
            elif rf == rs:
                c["equal"] += 1
            else:
                c["agree" if (rf > rs) == (v.winner == v.first) else "contradict"] += 1
    if not counts:
        return {"note": "no vote carries ratings of both responses", "criteria": {}}
    out = {}
    for crit, c in sorted(counts.items()):
        n = sum(c.values())
        out[crit] = {**c, "votes": n, "agreement": c["agree"] / n}
    return {"note": None, "criteria": out}
