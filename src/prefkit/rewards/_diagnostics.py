"""Is this reward model any good? Accuracy beside the human agreement ceiling, calibration,
length correlation, best-of-k, and its most confidently wrong pairs."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from prefkit.data import Judgment
from prefkit.errors import PrefkitError
from prefkit.rewards._evaluate import (
    SLICE_KEYS,
    _completions,
    _report,
    _score,
    as_comparisons,
)

__all__ = ["diagnose_reward"]


def _calibration(
    margin: np.ndarray, human: np.ndarray, bins: int = 10, seed: int = 0
) -> dict[str, Any]:
    """Expected calibration error of P(first wins) = σ(margin) over non-tie pairs, with the
    reliability diagram's bins (mean predicted vs observed frequency). Each pair's two responses
    are put in a random (seeded) order first: in files like HH-RLHF the chosen one always comes
    first, which would measure the orientation instead of the model."""
    keep = human != "tie"
    flip = np.random.default_rng(seed).random(int(keep.sum())) < 0.5
    m = np.where(flip, -margin[keep], margin[keep])
    p = 1 / (1 + np.exp(-m))
    y = np.where(flip, human[keep] != "first", human[keep] == "first").astype(float)
    if p.size == 0:
        return {"ece": None, "bins": [], "note": "no pair with a human preference"}
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(p, edges) - 1, 0, bins - 1)
    rows, ece = [], 0.0
    for b in range(bins):
        sel = which == b
        if sel.any():
            conf, acc = float(p[sel].mean()), float(y[sel].mean())
            ece += sel.mean() * abs(conf - acc)
            rows.append(
                {
                    "from": float(edges[b]),
                    "to": float(edges[b + 1]),
                    "pairs": int(sel.sum()),
                    "predicted": conf,
                    "observed": acc,
                }
            )
    return {
        "ece": float(ece),
        "bins": rows,
        "note": "P(first) = sigmoid(reward margin): meaningful for Bradley-Terry-trained models",
    }


def diagnose_reward(
    reward: Callable[..., list[float]],
    records: Iterable[Judgment],
    *,
    failures: int = 20,
    seed: int = 0,
) -> dict[str, Any]:
    """``evaluate_reward`` plus calibration, the agreement ceiling, length correlation,
    best-of-k accuracy and the most confidently wrong pairs."""
    from prefkit.analysis import preference_agreement
    from prefkit.data import comparisons

    recs = list(records)
    pairs = as_comparisons(recs)
    if not pairs:
        raise PrefkitError(
            "no pairwise judgment with two responses and a preference to evaluate on"
        )
    s1, s2, feats = _score(reward, pairs)  # scored once, for every figure below
    out = _report(reward, pairs, s1, s2, feats, SLICE_KEYS, failures, 1e-9, seed)
    conds = {str(p.metadata.get("condition") or "") for p in pairs} - {""}
    human = np.array([p.verdict for p in pairs])
    out["calibration"] = _calibration(s1 - s2, human, seed=seed)
    lengths = np.array(
        [len(p.first_text) for p in pairs] + [len(p.second_text) for p in pairs], dtype=float
    )
    scores = np.concatenate([s1, s2])
    out["length_correlation"] = (
        float(np.corrcoef(scores, lengths)[0, 1])
        if scores.std() > 0 and lengths.std() > 0
        else None
    )
    agree = preference_agreement(comparisons(recs), bootstrap=0)
    out["agreement_ceiling"] = {
        "raw": agree.raw.value,
        "pairs": agree.raw_pairs,
        "note": agree.raw.note or "human-human raw agreement on units judged more than once",
    }
    out["best_of_k"] = _best_of_k(reward, recs)
    if conds and getattr(reward, "conditional", False):
        out["by_condition"] = _by_condition(reward, pairs, sorted(conds))
    return out


def _by_condition(
    reward: Callable[..., list[float]], pairs: list[Any], conditions: list[str], limit: int = 20
) -> list[dict[str, Any]]:
    """How the ranking of the same pair changes across conditions (stakeholders)."""
    rows = []
    for p in pairs[:limit]:
        pv = p.prompt_value()
        comps = _completions([pv, pv], [p.first_text, p.second_text])
        prefer = {}
        for c in conditions:
            s = reward([pv, pv], comps, condition=c)
            prefer[c] = "first" if s[0] > s[1] else "second" if s[1] > s[0] else "tie"
        rows.append({"id": p.record, "prefers": prefer, "changes": len(set(prefer.values())) > 1})
    return rows


def _best_of_k(reward: Callable[..., list[float]], recs: list[Judgment]) -> dict[str, Any]:
    """For records ranking k >= 3 responses: how often the reward's top pick is the human's."""
    hits = n = 0
    for rec in recs:
        if rec.ranking is None or len(rec.responses) < 3:
            continue
        prompt = rec.prompt_value()
        texts = [r.text for r in rec.responses]
        scores = reward([prompt] * len(texts), _completions([prompt] * len(texts), texts))
        top = rec.responses[int(np.argmax(scores))].id
        hits += int(top == rec.ranking[0])
        n += 1
    if not n:
        return {"records": 0, "accuracy": None, "note": "no record ranks three or more responses"}
    return {"records": n, "accuracy": hits / n, "note": None}
