"""The Dawid-Skene model of annotator error rates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from prefkit.analysis._agreement import AnalysisError

__all__ = ["DawidSkene", "DawidSkeneCodes", "dawid_skene", "dawid_skene_codes"]


@dataclass(frozen=True)
class DawidSkene:
    """A fitted Dawid-Skene model."""

    annotators: list[str]
    units: list[str]
    prior: np.ndarray  # class probabilities
    confusion: np.ndarray  # annotators × true class × given label
    posterior: np.ndarray  # units × class
    iterations: int

    @property
    def reliability(self) -> np.ndarray:
        """Each annotator's expected accuracy: Σ_k prior_k · confusion[a, k, k]."""
        return np.einsum("k,akk->a", self.prior, self.confusion)


def dawid_skene(
    labels: Sequence[tuple[str, str, int]],
    n_classes: int = 3,
    *,
    max_iter: int = 500,
    tol: float = 1e-6,
    smoothing: float = 0.01,
) -> DawidSkene:
    """EM for (unit, annotator, label) triples.

    Dawid & Skene (1979), "Maximum likelihood estimation of observer error-rates using the EM
    algorithm". Starts from the majority vote; a small additive ``smoothing`` keeps confusion rows
    away from zero. Converged when no posterior moves by more than ``tol`` or the log-likelihood
    gains less than ``tol`` of its size in an iteration. Raises if EM does not converge within
    ``max_iter`` iterations.
    """
    if not labels:
        raise AnalysisError("Dawid-Skene needs labels; there are none")
    units = sorted({u for u, _, _ in labels})
    annotators = sorted({a for _, a, _ in labels})
    ui = {u: i for i, u in enumerate(units)}
    ai = {a: i for i, a in enumerate(annotators)}
    u_idx = np.fromiter((ui[u] for u, _, _ in labels), np.int64, len(labels))
    a_idx = np.fromiter((ai[a] for _, a, _ in labels), np.int64, len(labels))
    lab = np.fromiter((k for _, _, k in labels), np.int64, len(labels))
    fit = _fit(u_idx, a_idx, lab, len(units), len(annotators), n_classes, max_iter, tol, smoothing)
    prior, conf, t, it = fit
    return DawidSkene(annotators, units, prior, conf, t, it)


@dataclass(frozen=True)
class DawidSkeneCodes:
    """A Dawid-Skene fit on integer codes: each annotator's reliability, and the iterations."""

    reliability: np.ndarray
    iterations: int

    def __iter__(self) -> Any:
        return iter(enumerate(self.reliability))


def dawid_skene_codes(
    u: np.ndarray,
    a: np.ndarray,
    v: np.ndarray,
    n_classes: int,
    *,
    n_annotators: int | None = None,
    max_iter: int = 500,
    tol: float = 1e-6,
    smoothing: float = 0.01,
) -> DawidSkeneCodes:
    """:func:`dawid_skene` on (unit, annotator, label) index arrays.

    Reliability per annotator index. Units with the same labels from the same annotators are one
    weighted pattern (EM treats them alike), so few annotators over many units cost little.
    """
    n_a = int(n_annotators if n_annotators is not None else a.max() + 1)
    order = np.lexsort((a, u))
    u, a, v = u[order], a[order], v[order]
    _, u2, per = np.unique(u, return_inverse=True, return_counts=True)
    start = np.concatenate([[0], np.cumsum(per)[:-1]])
    slot = np.arange(u2.size) - start[u2]
    grid = np.full((per.size, int(per.max())), -1, dtype=np.int64)
    grid[u2, slot] = a * n_classes + v
    base = n_a * n_classes + 1
    if grid.shape[1] * np.log2(base) < 62:  # a row as one integer: 1-D unique is fast
        key = (grid + 1) @ (base ** np.arange(grid.shape[1], dtype=np.int64))
        _, first, weight = np.unique(key, return_index=True, return_counts=True)
        patterns = grid[first]
    else:
        patterns, weight = np.unique(grid, axis=0, return_counts=True)
    pu, ps = np.nonzero(patterns >= 0)
    codes = patterns[pu, ps]
    prior, conf, _t, it = _fit(
        pu, codes // n_classes, codes % n_classes, patterns.shape[0], n_a, n_classes, max_iter,
        tol, smoothing, weight.astype(float),
    )  # fmt: skip
    return DawidSkeneCodes(np.einsum("k,akk->a", prior, conf), it)


def _fit(
    u_idx: np.ndarray,
    a_idx: np.ndarray,
    lab: np.ndarray,
    n_u: int,
    n_a: int,
    k: int,
    max_iter: int,
    tol: float,
    smoothing: float,
    weight: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """EM over units (or weighted unit patterns: ``weight`` counts the units of each)."""
    from scipy import sparse

    n = lab.size
    w = np.ones(n_u) if weight is None else weight
    total = float(w.sum())
    ones = np.ones(n)
    # sparse incidence matrices turn both EM sums into matrix products (np.add.at is slow)
    by_cell = sparse.csr_matrix((ones, (a_idx * k + lab, np.arange(n))), shape=(n_a * k, n))
    by_unit = sparse.csr_matrix((ones, (u_idx, np.arange(n))), shape=(n_u, n))
    t = np.zeros((n_u, k))
    t[:, :] = (by_unit @ sparse.csr_matrix((ones, (np.arange(n), lab)), shape=(n, k))).toarray()
    t /= t.sum(axis=1, keepdims=True)
    delta = float("inf")
    ll_prev = -float("inf")
    for it in range(1, max_iter + 1):
        wt = t * w[:, None]
        prior = wt.sum(axis=0) / total
        # conf[a, true, given] = smoothing + Σ over a's labels "given" of t[unit, true]
        cells = np.asarray(by_cell @ wt[u_idx])  # (a·given) × true
        conf = smoothing + cells.reshape(n_a, k, k).transpose(0, 2, 1)
        conf /= conf.sum(axis=2, keepdims=True)
        log_conf = np.log(conf)
        log_t = np.log(np.maximum(prior, 1e-300)) + np.asarray(by_unit @ log_conf[a_idx, :, lab])
        top = log_t.max(axis=1, keepdims=True)
        new = np.exp(log_t - top)
        norm = new.sum(axis=1, keepdims=True)
        ll = float((w * (top + np.log(norm))[:, 0]).sum())  # marginal log-likelihood
        new /= norm
        delta = float(np.abs(new - t).max())
        t = new
        if delta < tol or (it > 1 and ll - ll_prev <= tol * abs(ll)):
            return (t * w[:, None]).sum(axis=0) / total, conf, t, it
        ll_prev = ll
    raise AnalysisError(
        f"Dawid-Skene did not converge in {max_iter} iterations (the class probabilities still "
        f"moved by {delta:.2g} in the last one, tolerance {tol:g}). This happens when few units "
        "are shared or the categories are rare: try max_iter=1000, merge rare categories, or "
        "leave out annotators with only a few judgments"
    )
