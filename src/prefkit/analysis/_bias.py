"""Position bias (screen space), length bias, and whether Likert ratings agree with preferences."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from prefkit.analysis._agreement import AnalysisError
from prefkit.analysis._results import (
    LengthBias,
    LengthBin,
    PositionBias,
    RatingCheck,
    RatingsVsPreference,
    SideTest,
)
from prefkit.data import Comparison, ComparisonSet

TIE = "tie"
Vote = Comparison
_CODE = {"first": 0, "second": 1, "tie": 2}


class _Cols(NamedTuple):
    annotator: np.ndarray  # codes
    names: list[str]
    verdict: np.ndarray  # 0 first, 1 second, 2 tie
    shown_first: np.ndarray  # 1, 0, -1 unknown
    len_first: np.ndarray
    len_second: np.ndarray
    ratings: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]


def _cols(votes: ComparisonSet | Sequence[Comparison]) -> _Cols:
    if isinstance(votes, ComparisonSet):
        c = votes.columns
        return _Cols(
            c.annotator, c.annotator_names, c.verdict, c.shown_first, c.len_first,
            c.len_second, c.ratings,
        )  # fmt: skip
    rows = list(votes)
    names = sorted({v.annotator for v in rows})
    idx = {n: i for i, n in enumerate(names)}
    ratings: dict[str, tuple[list[int], list[int], list[int]]] = {}
    for k, v in enumerate(rows):
        for crit, (a, b) in v.ratings.items():
            ix, ra, rb = ratings.setdefault(crit, ([], [], []))
            ix.append(k)
            ra.append(a)
            rb.append(b)
    return _Cols(
        np.array([idx[v.annotator] for v in rows], dtype=np.int64),
        names,
        np.array([_CODE[v.verdict] for v in rows], dtype=np.int64),
        np.array(
            [-1 if v.shown_first is None else int(v.shown_first) for v in rows], dtype=np.int64
        ),
        np.array([len(v.first_text) for v in rows], dtype=np.int64),
        np.array([len(v.second_text) for v in rows], dtype=np.int64),
        {c: (np.array(x), np.array(y), np.array(z)) for c, (x, y, z) in ratings.items()},
    )


__all__ = ["length_bias", "logistic_regression", "position_bias", "ratings_vs_preference"]


def position_bias(votes: ComparisonSet | Sequence[Vote]) -> PositionBias:
    """P(the left response wins), overall and per annotator, with a binomial test.

    P(the left response wins) over non-tie comparisons with a known ``shown`` order, overall
    and per annotator, with an exact two-sided binomial test of P(left) = 0.5.
    """
    from scipy import stats

    test_name = "exact two-sided binomial test of P(left) = 0.5"
    c = _cols(votes)
    known = (c.shown_first >= 0) & (c.verdict != 2)
    if not known.any():
        return PositionBias(
            None,
            (),
            test_name,
            "no non-tie comparison records which response was shown on the left (shown)",
        )
    left_won = known & ((c.verdict == 0) == (c.shown_first == 1))

    def test(annotator: str | None, n: int, left: int) -> SideTest:
        res = stats.binomtest(left, n, 0.5)
        ci = res.proportion_ci(confidence_level=0.95, method="exact")
        return SideTest(
            annotator, n, left, left / n, (float(ci.low), float(ci.high)), float(res.pvalue)
        )

    n_by = np.bincount(c.annotator[known], minlength=len(c.names))
    left_by = np.bincount(c.annotator[left_won], minlength=len(c.names))
    rows = sorted(
        (test(c.names[i], int(n_by[i]), int(left_by[i])) for i in np.flatnonzero(n_by)),
        key=lambda r: r.annotator or "",
    )
    return PositionBias(
        test(None, int(known.sum()), int(left_won.sum())), tuple(rows), test_name, None
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


def length_bias(votes: ComparisonSet | Sequence[Vote]) -> LengthBias:
    """Logistic regression of the choice on the standardized length difference.

    Over non-tie comparisons, y = 1 when the first response won and x = (len(first) -
    len(second)) / sd. The slope is the change in log-odds of winning per standard deviation of
    extra length; > 0 means longer responses win more. 95 % Wald interval.
    """
    from scipy import stats

    c = _cols(votes)
    decided = c.verdict != 2
    n = int(decided.sum())

    def empty(note: str, longer: float | None = None, sd: float | None = None) -> LengthBias:
        return LengthBias(n, longer, sd, None, None, None, None, (), note)

    if n < 10:
        return empty(f"length bias needs at least 10 non-tie comparisons; there are {n}")
    diff = (c.len_first[decided] - c.len_second[decided]).astype(float)
    sd = float(diff.std(ddof=1))
    if sd == 0:
        return empty("every pair has the same length difference; nothing to regress on")
    y = (c.verdict[decided] == 0).astype(float)
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
        votes=n,
        longer_wins=longer_won,
        sd_chars=sd,
        log_odds_per_sd=float(beta[1]),
        ci=(float(beta[1] - z * se[1]), float(beta[1] + z * se[1])),
        odds_ratio_per_sd=float(np.exp(beta[1])),
        p_value=float(2 * stats.norm.sf(abs(beta[1] / se[1]))),
        bins=tuple(bins),
        note=None,
    )


def ratings_vs_preference(votes: ComparisonSet | Sequence[Vote]) -> RatingsVsPreference:
    """Per criterion: does the preferred response get the higher rating?

    ``agree``: the winner is rated higher (or, for a tie, both equal); ``equal``: a preference
    but equal ratings; ``contradict``: the winner is rated lower (or a tie with unequal ratings).
    """
    c = _cols(votes)
    if not c.ratings:
        return RatingsVsPreference((), "no comparison carries ratings of both responses")
    rows = []
    for crit, (idx, rf, rs) in sorted(c.ratings.items()):
        v = c.verdict[idx]
        tie = v == 2
        equal_r = rf == rs
        agree = (tie & equal_r) | (~tie & ~equal_r & ((rf > rs) == (v == 0)))
        equal = ~tie & equal_r
        n = int(idx.size)
        a, e = int(agree.sum()), int(equal.sum())
        rows.append(RatingCheck(crit, n, a, e, n - a - e, a / n))
    return RatingsVsPreference(tuple(rows), None)
