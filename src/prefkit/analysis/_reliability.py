"""Annotator reliability: leave-one-out majority, gold accuracy, and Dawid-Skene."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from prefkit.analysis._agreement import AnalysisError
from prefkit.analysis._pairwise import latest
from prefkit.analysis._votes import Vote

__all__ = ["DawidSkene", "annotator_reliability", "dawid_skene"]


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
    raise AnalysisError(f"Dawid-Skene did not converge in {max_iter} iterations")


def annotator_reliability(
    votes: Sequence[Vote],
    *,
    gold: Mapping[str, str] | None = None,
    threshold: float = 0.6,
) -> dict[str, Any]:
    """Per annotator: agreement with the leave-one-out majority, gold accuracy, Dawid-Skene
    reliability; annotators below ``threshold`` on Dawid-Skene (or on gold) are flagged.

    ``gold`` maps a pair (``Vote.unit``) to the winning response key or "tie".
    """
    by_unit = latest(votes)
    rows: dict[str, dict[str, Any]] = {}
    for raters in by_unit.values():
        for a, v in raters.items():
            r = rows.setdefault(
                a, {"votes": 0, "loo_n": 0, "loo_agree": 0, "gold_n": 0, "gold_ok": 0}
            )
            r["votes"] += 1
            others = Counter(o.winner for b, o in raters.items() if b != a)
            if others:
                (top, n_top), *rest = others.most_common()
                if not rest or rest[0][1] < n_top:  # a clear majority of the others
                    r["loo_n"] += 1
                    r["loo_agree"] += int(v.winner == top)
            if gold is not None and v.unit in gold:
                r["gold_n"] += 1
                r["gold_ok"] += int(v.winner == gold[v.unit])
    ds_note = None
    ds_rel: dict[str, float] = {}
    iterations = None
    triples = [
        (u, a, v.label)
        for u, raters in by_unit.items()
        for a, v in raters.items()
        if len(raters) >= 2
    ]
    try:
        model = dawid_skene(triples)
        ds_rel = dict(zip(model.annotators, map(float, model.reliability), strict=True))
        iterations = model.iterations
    except AnalysisError as exc:
        ds_note = (
            str(exc) if triples else "Dawid-Skene needs pairs judged by two or more annotators"
        )
    out = []
    for a, r in sorted(rows.items()):
        loo = r["loo_agree"] / r["loo_n"] if r["loo_n"] else None
        gacc = r["gold_ok"] / r["gold_n"] if r["gold_n"] else None
        ds = ds_rel.get(a)
        flagged = (ds is not None and ds < threshold) or (gacc is not None and gacc < threshold)
        out.append(
            {
                "annotator": a,
                "votes": r["votes"],
                "loo_majority_agreement": loo,
                "loo_items": r["loo_n"],
                "gold_accuracy": gacc,
                "gold_items": r["gold_n"],
                "dawid_skene_reliability": ds,
                "flagged": bool(flagged),
            }
        )
    return {
        "threshold": threshold,
        "dawid_skene": {"iterations": iterations, "note": ds_note},
        "annotators": out,
    }
