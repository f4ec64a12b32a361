"""Bradley-Terry maximum likelihood on aggregated pair counts, and its tie models.

Everything here works on *pairs*, not comparisons: the likelihood depends on the comparisons
only through, for each pair of items, how often each won and how often they tied. A million
comparisons over 200 items become at most 19,900 pairs, and each Newton step costs one
n × n solve, so a fit takes milliseconds whatever the number of comparisons.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np

from prefkit.ranking._data import Outcomes, RankingError

__all__ = ["Pairs", "aggregate", "fit_pairs", "loglik_pairs", "strong_components"]

TieModel = Literal["half", "davidson", "rao-kupper"]


@dataclass
class Pairs:
    """Per unordered pair (i < j): strict wins of i, strict wins of j, ties."""

    n_items: int
    i: np.ndarray
    j: np.ndarray
    wins_i: np.ndarray
    wins_j: np.ndarray
    ties: np.ndarray

    @property
    def games(self) -> np.ndarray:
        return self.wins_i + self.wins_j + self.ties

    @property
    def half_wins_i(self) -> np.ndarray:
        """Wins of i with ties as half a win (the Arena convention)."""
        return self.wins_i + 0.5 * self.ties


def pair_index(comp: Outcomes) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For each comparison.

    Its pair cell and outcome kind (0: i won, 1: j won, 2: tie), and the unique pairs (i, j).
    """
    n = len(comp.items)
    lo = np.minimum(comp.a, comp.b)
    hi = np.maximum(comp.a, comp.b)
    key = lo * n + hi
    if n * n <= 50_000_000:  # a counting pass instead of a sort: O(comparisons)
        present = np.bincount(key, minlength=n * n) > 0
        uniq = np.flatnonzero(present)
        lookup = np.cumsum(present) - 1
        inverse = lookup[key]
    else:
        uniq, inverse = np.unique(key, return_inverse=True)
    a_is_lo = comp.a == lo
    kind = np.where(comp.outcome == 0.5, 2, np.where((comp.outcome == 1.0) == a_is_lo, 0, 1))
    return inverse, kind, uniq // n, uniq % n


def aggregate(comp: Outcomes, weights: np.ndarray | None = None) -> Pairs:
    """Pair counts (wins each way and ties per pair of items), optionally weighted per row."""
    if len(comp) == 0:
        raise RankingError("no comparisons to rank from")
    n = len(comp.items)
    if n * n > 20_000_000:  # many items: sort the pairs instead of counting over n² cells
        inverse, kind, i, j = pair_index(comp)
        cells = inverse * 3 + kind
        counts = np.bincount(cells, weights=weights, minlength=3 * i.size).reshape(i.size, 3)
        return Pairs(n, i, j, counts[:, 0], counts[:, 1], counts[:, 2])
    # One counting pass over n² × 3 cells: (pair, outcome) -> count, no sort.
    a, b, o = comp.a, comp.b, comp.outcome
    cells = (np.minimum(a, b) * n + np.maximum(a, b)) * 3
    cells += (o != 1.0) ^ (a > b)  # 0: the lower index won, 1: the higher one
    tie = o == 0.5
    if tie.any():
        cells[tie] += 2 - ((o[tie] != 1.0) ^ (a[tie] > b[tie]))
    counts = np.bincount(cells, weights=weights, minlength=3 * n * n).reshape(n * n, 3)
    present = np.flatnonzero(counts.any(axis=1))
    c = counts[present]
    return Pairs(
        n,
        present // n,
        present % n,
        c[:, 0].astype(float),
        c[:, 1].astype(float),
        c[:, 2].astype(float),
    )


def _log_sigmoid(x: np.ndarray) -> np.ndarray:
    return -np.logaddexp(0.0, -x)


def loglik_pairs(theta: np.ndarray, p: Pairs) -> float:
    """Bradley-Terry log-likelihood with ties as half a win."""
    return _loglik(theta, p.i, p.j, p.half_wins_i, p.games)


def _loglik(
    theta: np.ndarray, i: np.ndarray, j: np.ndarray, w: np.ndarray, games: np.ndarray
) -> float:
    # w·log σ(d) + (g - w)·log σ(-d) = g·log σ(d) - (g - w)·d, since log σ(-d) = log σ(d) - d
    d = theta[i] - theta[j]
    # elementwise products, not BLAS dot: on two busy cores OpenBLAS threads made this 100x slower
    return float((games * _log_sigmoid(d) - (games - w) * d).sum())


def _laplacian(p: Pairs, h: np.ndarray) -> np.ndarray:
    n = p.n_items
    flat = np.concatenate([p.i * n + p.j, p.j * n + p.i, p.i * (n + 1), p.j * (n + 1)])
    vals = np.concatenate([-h, -h, h, h])
    return np.bincount(flat, weights=vals, minlength=n * n).astype(float).reshape(n, n)


def newton_bt(
    p: Pairs,
    prior: float = 0.0,
    theta0: np.ndarray | None = None,
    *,
    tol: float = 1e-10,
    max_iter: int = 100,
) -> tuple[np.ndarray, int]:
    """Newton-Raphson on the concave Bradley-Terry log-likelihood.

    Newton-Raphson on the concave log-likelihood (plus -prior/2·|θ|²), with Σθ = 0 when
    there is no prior. Zermelo (1929); Hunter (2004) for the MM alternative.
    """
    from scipy import linalg

    n = p.n_items
    theta = np.zeros(n) if theta0 is None else theta0.astype(float).copy()
    w, games = p.half_wins_i, p.games
    gauge = np.full((n, n), 1.0 / n) if prior == 0 else 0.0
    ll = _loglik(theta, p.i, p.j, w, games) - 0.5 * prior * float(theta @ theta)
    for it in range(1, max_iter + 1):
        q = 1.0 / (1.0 + np.exp(-(theta[p.i] - theta[p.j])))
        r = w - games * q
        g = np.bincount(p.i, r, minlength=n) - np.bincount(p.j, r, minlength=n) - prior * theta
        lap = _laplacian(p, games * q * (1 - q))
        lap[np.diag_indices(n)] += prior
        try:
            with warnings.catch_warnings():
                # ill-conditioned: an item runs off to infinity; say so instead of warning
                warnings.simplefilter("error", linalg.LinAlgWarning)
                step = linalg.solve(lap + gauge, g, assume_a="pos")
        except (linalg.LinAlgError, linalg.LinAlgWarning, ValueError):
            raise RankingError(
                "the comparison graph is not connected enough for a unique fit; use a prior "
                "(prior=0.1) or fit per component"
            ) from None
        t = 1.0
        while True:  # backtracking keeps every step uphill
            cand = theta + t * step
            new = _loglik(cand, p.i, p.j, w, games) - 0.5 * prior * float(cand @ cand)
            if new >= ll - 1e-12 * abs(ll) or t < 1e-8:
                break
            t /= 2
        theta, ll = cand, new
        if np.max(np.abs(t * step)) < tol:
            if prior == 0:
                theta -= theta.mean()
            return theta, it
    raise RankingError(f"Bradley-Terry did not converge in {max_iter} Newton steps")


def chord_bt(
    p: Pairs,
    theta0: np.ndarray,
    factor: tuple[np.ndarray, bool],
    prior: float,
    *,
    tol: float = 1e-9,
    max_iter: int = 50,
) -> np.ndarray:
    """Newton with the Hessian frozen at ``theta0`` (for bootstrap rounds).

    Newton with the Hessian frozen at ``theta0`` (one Cholesky factor for every bootstrap
    round): each step costs O(pairs + n²). Converges to the exact maximum of ``p``; falls back
    to full Newton if it does not contract.
    """
    from scipy import linalg

    n = p.n_items
    theta = theta0.copy()
    w, games = p.half_wins_i, p.games
    for _ in range(max_iter):
        q = 1.0 / (1.0 + np.exp(-(theta[p.i] - theta[p.j])))
        r = w - games * q
        g = np.bincount(p.i, r, minlength=n) - np.bincount(p.j, r, minlength=n) - prior * theta
        step = linalg.cho_solve(factor, g)
        theta += step
        if not np.all(np.isfinite(theta)):
            break
        if np.max(np.abs(step)) < tol:
            if prior == 0:
                theta -= theta.mean()
            return theta
    return newton_bt(p, prior, theta0)[0]


def strong_components(p: Pairs) -> tuple[int, np.ndarray]:
    """Components of the "beat or tied" graph; the MLE is finite iff there is one (Ford 1957)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = p.n_items
    src = np.concatenate([p.i[(p.wins_i + p.ties) > 0], p.j[(p.wins_j + p.ties) > 0]])
    dst = np.concatenate([p.j[(p.wins_i + p.ties) > 0], p.i[(p.wins_j + p.ties) > 0]])
    graph = coo_matrix((np.ones(src.size), (src, dst)), shape=(n, n)).tocsr()
    return connected_components(graph, directed=True, connection="strong")


def weak_components(p: Pairs) -> tuple[int, np.ndarray]:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = p.n_items
    graph = coo_matrix((np.ones(p.i.size), (p.i, p.j)), shape=(n, n)).tocsr()
    return connected_components(graph, directed=False)


# ------------------------------------------------------------------------ Davidson, Rao-Kupper


def _tie_nll(x: np.ndarray, p: Pairs, model: str, prior: float) -> tuple[float, np.ndarray]:
    n = p.n_items
    theta, eta = x[:n], x[n]
    s, t = theta[p.i], theta[p.j]
    wi, wj, tie = p.wins_i, p.wins_j, p.ties
    if model == "davidson":
        # P(i) = e^s / D, P(j) = e^t / D, P(tie) = ν e^{(s+t)/2} / D, D = e^s + e^t + ν e^{(s+t)/2}
        m = np.maximum(s, t)
        es, et, em = np.exp(s - m), np.exp(t - m), np.exp(eta + (s + t) / 2 - m)
        d = es + et + em
        logd = m + np.log(d)
        ll = wi * (s - logd) + wj * (t - logd) + tie * (eta + (s + t) / 2 - logd)
        tot = wi + wj + tie
        ds = wi + tie / 2 - tot * (es + em / 2) / d
        dt = wj + tie / 2 - tot * (et + em / 2) / d
        deta = float((tie - tot * em / d).sum())
    else:
        # Rao & Kupper (1967): κ = 1 + e^η; log P(i) = -softplus(log κ + t - s)
        logk = np.logaddexp(0.0, eta)
        a, b = logk + t - s, logk + s - t
        sa, sb = 1 / (1 + np.exp(-a)), 1 / (1 + np.exp(-b))
        k = np.exp(logk)
        log_tie = np.log(k * k - 1) if k > 1 + 1e-12 else -np.inf
        ll = (
            -wi * np.logaddexp(0.0, a)
            - wj * np.logaddexp(0.0, b)
            + tie * (log_tie - np.logaddexp(0.0, a) - np.logaddexp(0.0, b))
        )
        ds = wi * sa - wj * sb + tie * (sa - sb)
        dt = -wi * sa + wj * sb - tie * (sa - sb)
        dlogk = -wi * sa - wj * sb + tie * (2 * k * k / (k * k - 1) - sa - sb)
        deta = float(dlogk.sum()) * (1 - 1 / k)  # d log κ / dη = e^η / (1 + e^η)
    g = np.bincount(p.i, ds, minlength=n) + np.bincount(p.j, dt, minlength=n) - prior * theta
    nll = -float(ll.sum()) + 0.5 * prior * float(theta @ theta)
    grad = -np.concatenate([g, [deta]])
    if prior == 0:  # fix the gauge: Σθ = 0
        c = float(theta.sum())
        nll += 0.5 * c * c
        grad[:n] += c
    return nll, grad


def fit_tie_model(p: Pairs, model: str, prior: float = 0.0) -> tuple[np.ndarray, float, float]:
    """Davidson (1970) or Rao-Kupper (1967) by L-BFGS.

    Returns θ, the tie parameter, the log-likelihood.

    Raises RankingError where no finite estimate exists, rather than returning wherever the
    optimizer stopped: without ties or without a strict outcome the tie parameter runs to its
    boundary; without a prior, an item that never strictly loses (or never strictly wins) lets
    its rating and the tie parameter run off together.
    """
    from scipy import optimize

    if float(p.ties.sum()) == 0:
        raise RankingError(
            f"the {model} tie model needs ties in the data; there are none (use ties='half')"
        )
    if float((p.wins_i + p.wins_j).sum()) == 0:
        raise RankingError(
            f"every comparison is a tie: the {model} tie parameter has no finite estimate "
            "(it grows without bound); use ties='half', which rates every item equal"
        )
    if prior == 0:
        strict = Pairs(p.n_items, p.i, p.j, p.wins_i, p.wins_j, np.zeros_like(p.ties))
        if strong_components(strict)[0] > 1:
            never_lost = sorted(
                {int(k) for k in range(p.n_items)}
                - set(map(int, p.j[p.wins_i > 0]))
                - set(map(int, p.i[p.wins_j > 0]))
            )
            raise RankingError(
                f"the {model} model has no finite maximum-likelihood estimate: counting ties as "
                "neither a win nor a loss, "
                + (
                    f"item(s) {never_lost[:5]} never strictly lose"
                    if never_lost
                    else "some items never strictly win or lose against the rest"
                )
                + f". Fit with a prior (prior={0.1}), or use ties='half'"
            )
    x0 = np.zeros(p.n_items + 1)
    res = optimize.minimize(
        _tie_nll,
        x0,
        args=(p, model, prior),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": 2000, "gtol": 1e-10, "ftol": 1e-15},
    )
    if not res.success and "ABNORMAL" not in str(res.message):
        raise RankingError(f"the {model} fit did not converge: {res.message}")
    theta, eta = res.x[: p.n_items], float(res.x[-1])
    if not np.all(np.isfinite(res.x)) or abs(eta) > 25 or np.ptp(theta) > 50:
        raise RankingError(
            f"the {model} fit ran off to the boundary (tie parameter e^{eta:.1f}, ratings "
            f"spread {np.ptp(theta):.1f} log-odds): the data give no finite estimate. Fit with "
            "a prior, or use ties='half'"
        )
    theta = theta - (theta.mean() if prior == 0 else 0.0)
    nu = float(np.exp(eta)) if model == "davidson" else 1.0 + float(np.exp(eta))
    ll = -_tie_nll(np.concatenate([theta, [eta]]), p, model, 0.0)[0]
    if prior == 0:
        ll += 0.5 * float(theta.sum()) ** 2
    return theta, nu, ll


def fit_pairs(
    p: Pairs, ties: TieModel = "half", prior: float = 0.0
) -> tuple[np.ndarray, float | None, float]:
    """θ (log-strengths), the tie parameter (None for "half") and the log-likelihood."""
    if ties == "half":
        if prior == 0:
            n_strong, _ = strong_components(p)
            if n_strong > 1:
                wins = (p.wins_i + p.ties > 0, p.wins_j + p.ties > 0)
                lost = set(map(int, p.j[wins[0]])) | set(map(int, p.i[wins[1]]))
                won = set(map(int, p.i[wins[0]])) | set(map(int, p.j[wins[1]]))
                never_lost = sorted(set(range(p.n_items)) - lost)
                never_won = sorted(set(range(p.n_items)) - won)
                weak = weak_components(p)[0]
                what = []
                if never_lost:
                    what.append(f"item(s) {never_lost[:5]} never lose")
                if never_won:
                    what.append(f"item(s) {never_won[:5]} never win")
                if weak > 1:
                    what.append(f"the items fall into {weak} groups never compared")
                raise RankingError(
                    "the maximum-likelihood ratings do not exist: "
                    + ("; ".join(what) or "the items do not all beat one another in a cycle")
                    + ". Fit with a prior (prior=0.1), or fit each group on its own "
                    "(BradleyTerry(identify='auto'))"
                )
        theta, _ = newton_bt(p, prior)
        return theta, None, loglik_pairs(theta, p)
    if ties not in ("davidson", "rao-kupper"):
        raise RankingError(f"unknown tie model {ties!r}; expected half, davidson or rao-kupper")
    return fit_tie_model(p, ties, prior)
