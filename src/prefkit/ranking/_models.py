"""Plackett-Luce for whole rankings, and contextual (style-controlled) Bradley-Terry."""

from __future__ import annotations

import numpy as np

from prefkit.ranking._bt import Pairs, loglik_pairs
from prefkit.ranking._data import Outcomes, RankingError

__all__ = ["fit_joint", "fit_style", "loglik_rankings"]


def _padded(rankings: list[list[int]]) -> np.ndarray:
    width = max(len(r) for r in rankings)
    out = np.full((len(rankings), width), -1, dtype=np.int64)
    for k, r in enumerate(rankings):
        out[k, : len(r)] = r
    return out


def _pl(theta: np.ndarray, r: np.ndarray, weights: np.ndarray) -> tuple[float, np.ndarray]:
    """Plackett (1975) / Luce (1959) log-likelihood of rankings (best first) and its gradient.

    At each stage the chosen item against every item not yet chosen.
    """
    valid = r >= 0
    vals = np.where(valid, theta[np.maximum(r, 0)], -np.inf)
    ll = 0.0
    grad = np.zeros_like(theta)
    width = r.shape[1]
    for k in range(width - 1):
        rest = vals[:, k:]
        live = valid[:, k + 1] if k + 1 < width else np.zeros(len(r), bool)  # ≥ 2 left
        if not live.any():
            break
        m = rest[live].max(axis=1, keepdims=True)
        e = np.exp(rest[live] - m)
        z = e.sum(axis=1, keepdims=True)
        w = weights[live]
        ll += float((w * (vals[live, k] - (m[:, 0] + np.log(z[:, 0])))).sum())
        np.add.at(grad, r[live, k], w)
        sm = (e / z) * w[:, None]
        idx = r[live, k:]
        ok = idx >= 0
        np.add.at(grad, idx[ok], -sm[ok])
    return ll, grad


def loglik_rankings(theta: np.ndarray, rankings: list[list[int]]) -> float:
    """The Plackett-Luce log-likelihood of ``rankings`` (item indices, best first) at ``theta``."""
    return _pl(theta, _padded(rankings), np.ones(len(rankings)))[0]


def fit_joint(
    n_items: int,
    pairs: Pairs | None,
    rankings: list[list[int]],
    prior: float = 0.0,
    weights: np.ndarray | None = None,
) -> tuple[np.ndarray, float]:
    """Bradley-Terry on pairs and Plackett-Luce on rankings, one likelihood.

    Bradley-Terry on ``pairs`` (ties as half) and Plackett-Luce on ``rankings``, one
    likelihood, by L-BFGS with the exact gradient. Returns θ and the log-likelihood.
    """
    from scipy import optimize

    r = _padded(rankings)
    w = np.ones(len(rankings)) if weights is None else weights

    def nll(theta: np.ndarray) -> tuple[float, np.ndarray]:
        ll, g = _pl(theta, r, w)
        if pairs is not None:
            ll += loglik_pairs(theta, pairs)
            q = 1.0 / (1.0 + np.exp(-(theta[pairs.i] - theta[pairs.j])))
            res = pairs.half_wins_i - pairs.games * q
            g = (
                g
                + np.bincount(pairs.i, res, minlength=n_items)
                - np.bincount(pairs.j, res, minlength=n_items)
            )
        ll -= 0.5 * prior * float(theta @ theta)
        g = g - prior * theta
        out, grad = -ll, -g
        if prior == 0:
            c = float(theta.sum())
            out += 0.5 * c * c
            grad = grad + c
        return out, grad

    res = optimize.minimize(
        nll,
        np.zeros(n_items),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": 5000, "gtol": 1e-10, "ftol": 1e-16},
    )
    theta = res.x - (res.x.mean() if prior == 0 else 0.0)
    ll = _pl(theta, r, w)[0] + (loglik_pairs(theta, pairs) if pairs is not None else 0.0)
    return theta, ll


def fit_style(
    comp: Outcomes, prior: float = 0.0, weights: np.ndarray | None = None, *, max_iter: int = 100
) -> tuple[np.ndarray, np.ndarray, float]:
    """Contextual Bradley-Terry.

    Logit P(a beats b) = θ_a - θ_b + β·(f_a - f_b), by Newton on the comparisons (ties as y = 0.5).
    θ is each item's strength with the style effect held at zero (Arena's style control, 2024).
    Returns θ, β and the log-likelihood.
    """
    from scipy import sparse

    if comp.features is None or comp.features.shape[1] == 0:
        raise RankingError(
            "style control needs style features that vary between responses; build comparisons "
            "with style=True from responses that differ in length or markdown"
        )
    n, k, m = len(comp.items), comp.features.shape[1], len(comp)
    rows = np.repeat(np.arange(m), 2)
    cols = np.stack([comp.a, comp.b], axis=1).ravel()
    vals = np.tile([1.0, -1.0], m)
    x = sparse.hstack(
        [sparse.csr_matrix((vals, (rows, cols)), shape=(m, n)), sparse.csr_matrix(comp.features)]
    ).tocsr()
    y = comp.outcome
    w = np.ones(m) if weights is None else weights
    beta = np.zeros(n + k)
    pen = np.concatenate([np.full(n, prior), np.zeros(k)])
    gauge = np.zeros((n + k, n + k))
    if prior == 0:
        gauge[:n, :n] = 1.0 / n

    def ll_of(b: np.ndarray) -> float:
        z = x @ b
        return float(
            (w * (y * -np.logaddexp(0, -z) + (1 - y) * -np.logaddexp(0, z))).sum()
            - 0.5 * (pen * b * b).sum()
        )

    ll = ll_of(beta)
    for _ in range(max_iter):
        z = x @ beta
        p = 1 / (1 + np.exp(-z))
        g = x.T @ (w * (y - p)) - pen * beta
        h = (x.T @ sparse.diags(w * p * (1 - p)) @ x).toarray() + np.diag(pen)
        step = np.linalg.solve(h + gauge, g)
        t = 1.0
        while True:
            cand = beta + t * step
            new = ll_of(cand)
            if new >= ll - 1e-12 * abs(ll) or t < 1e-8:
                break
            t /= 2
        beta, ll = cand, new
        if np.max(np.abs(t * step)) < 1e-10:
            theta = beta[:n] - (beta[:n].mean() if prior == 0 else 0.0)
            return theta, beta[n:], ll
    raise RankingError(f"style-controlled Bradley-Terry did not converge in {max_iter} steps")
