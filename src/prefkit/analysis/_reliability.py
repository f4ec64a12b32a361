"""The Dawid-Skene model of annotator error rates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from prefkit.analysis._agreement import AnalysisError

__all__ = ["DawidSkene", "dawid_skene"]


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
    max_iter: int = 200,
    tol: float = 1e-8,
    smoothing: float = 0.01,
) -> DawidSkene:
    """EM for (unit, annotator, label) triples: Dawid & Skene (1979), "Maximum likelihood
    estimation of observer error-rates using the EM algorithm". Starts from the majority vote;
    a small additive ``smoothing`` keeps confusion rows away from zero. Raises if EM does not
    converge within ``max_iter`` iterations."""
    if not labels:
        raise AnalysisError("Dawid-Skene needs labels; there are none")
    units = sorted({u for u, _, _ in labels})
    annotators = sorted({a for _, a, _ in labels})
    ui = {u: i for i, u in enumerate(units)}
    ai = {a: i for i, a in enumerate(annotators)}
    u_idx = np.array([ui[u] for u, _, _ in labels])
    a_idx = np.array([ai[a] for _, a, _ in labels])
    lab = np.array([k for _, _, k in labels])
    t = np.zeros((len(units), n_classes))
    np.add.at(t, (u_idx, lab), 1.0)
    t /= t.sum(axis=1, keepdims=True)
    for it in range(1, max_iter + 1):
        prior = t.mean(axis=0)
        conf = np.full((len(annotators), n_classes, n_classes), smoothing)
        np.add.at(conf, (a_idx, slice(None), lab), t[u_idx])  # type: ignore[arg-type]
        conf /= conf.sum(axis=2, keepdims=True)
        log_t = np.tile(np.log(np.maximum(prior, 1e-300)), (len(units), 1))
        np.add.at(log_t, u_idx, np.log(conf[a_idx, :, lab]))
        log_t -= log_t.max(axis=1, keepdims=True)
        new = np.exp(log_t)
        new /= new.sum(axis=1, keepdims=True)
        delta = float(np.abs(new - t).max())
        t = new
        if delta < tol:
            return DawidSkene(annotators, units, t.mean(axis=0), conf, t, it)
    raise AnalysisError(
        f"Dawid-Skene did not converge in {max_iter} iterations (the class probabilities still "
        f"moved by {delta:.2g} in the last one, tolerance {tol:g}). This happens when few units "
        "are shared or the categories are rare: try max_iter=1000, merge rare categories, or "
        "leave out annotators with only a few judgments"
    )
