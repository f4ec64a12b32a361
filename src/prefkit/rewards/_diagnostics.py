"""Is this reward model any good?

Accuracy beside the human agreement ceiling, calibration, length correlation, best-of-k, and its
most confidently wrong pairs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from prefkit.data import Judgment
from prefkit.errors import PrefkitError
from prefkit.rewards._evaluate import (
    SLICE_KEYS,
    _completions,
    _pairs_and_skipped,
    _report,
    _score,
)
from prefkit.rewards._results import (
    BestOfK,
    Calibration,
    CalibrationBin,
    Ceiling,
    ConditionRow,
    RewardDiagnostics,
)

__all__ = ["diagnose_reward"]


def _calibration(
    margin: np.ndarray, human: np.ndarray, bins: int = 10, seed: int = 0
) -> Calibration:
    """Expected calibration error of P(first wins) = σ(margin), with its bins.

    Expected calibration error of P(first wins) = σ(margin) over non-tie pairs, with the
    reliability diagram's bins (mean predicted vs observed frequency). Each pair's two responses
    are put in a random (seeded) order first: in files like HH-RLHF the chosen one always comes
    first, which would measure the orientation instead of the model.
    """
    keep = human != "tie"
    flip = np.random.default_rng(seed).random(int(keep.sum())) < 0.5
    m = np.where(flip, -margin[keep], margin[keep])
    p = 1 / (1 + np.exp(-m))
    y = np.where(flip, human[keep] != "first", human[keep] == "first").astype(float)
    if p.size == 0:
        return Calibration(None, (), "no pair with a human preference")
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(p, edges) - 1, 0, bins - 1)
    rows, ece = [], 0.0
    for b in range(bins):
        sel = which == b
        if sel.any():
            conf, acc = float(p[sel].mean()), float(y[sel].mean())
            ece += sel.mean() * abs(conf - acc)
            rows.append(
                CalibrationBin(float(edges[b]), float(edges[b + 1]), int(sel.sum()), conf, acc)
            )
    return Calibration(
        float(ece),
        tuple(rows),
        "P(first) = sigmoid(reward margin): meaningful for Bradley-Terry-trained models",
    )


def diagnose_reward(
    reward: Callable[..., list[float]],
    records: Iterable[Judgment],
    *,
    failures: int = 20,
    seed: int = 0,
) -> RewardDiagnostics:
    """``evaluate_reward`` plus calibration, ceiling, length and best-of-k figures.

    ``evaluate_reward`` plus calibration, the agreement ceiling, length correlation,
    best-of-k accuracy and the most confidently wrong pairs.
    """
    from prefkit.analysis import preference_agreement
    from prefkit.data import comparisons

    recs = list(records)
    pairs, skipped = _pairs_and_skipped(recs)
    if not pairs:
        raise PrefkitError(
            "no pairwise judgment with two responses and a preference to evaluate on"
        )
    s1, s2, feats = _score(reward, pairs)  # scored once, for every figure below
    ev = _report(reward, pairs, s1, s2, feats, SLICE_KEYS, failures, 1e-9, seed, skipped)
    conds = {str(p.metadata.get("condition") or "") for p in pairs} - {""}
    human = np.array([p.verdict for p in pairs])
    lengths = np.array(
        [len(p.first_text) for p in pairs] + [len(p.second_text) for p in pairs], dtype=float
    )
    scores = np.concatenate([s1, s2])
    agree = preference_agreement(comparisons(recs), bootstrap=0)
    return RewardDiagnostics(
        evaluation=ev,
        calibration=_calibration(s1 - s2, human, seed=seed),
        length_correlation=(
            float(np.corrcoef(scores, lengths)[0, 1])
            if scores.std() > 0 and lengths.std() > 0
            else None
        ),
        agreement_ceiling=Ceiling(
            agree.raw.value,
            agree.raw_pairs,
            agree.raw.note or "human-human raw agreement on units judged more than once",
        ),
        best_of_k=_best_of_k(reward, recs),
        by_condition=(
            _by_condition(reward, pairs, sorted(conds))
            if conds and getattr(reward, "conditional", False)
            else None
        ),
    )


def _by_condition(
    reward: Callable[..., list[float]], pairs: list[Any], conditions: list[str], limit: int = 20
) -> tuple[ConditionRow, ...]:
    """How the ranking of the same pair changes across conditions (stakeholders)."""
    rows = []
    for p in pairs[:limit]:
        pv = p.prompt_value()
        comps = _completions([pv, pv], [p.first_text, p.second_text])
        prefer = {}
        for c in conditions:
            s = reward([pv, pv], comps, condition=c)
            prefer[c] = "first" if s[0] > s[1] else "second" if s[1] > s[0] else "tie"
        rows.append(ConditionRow(p.record, prefer, len(set(prefer.values())) > 1))
    return tuple(rows)


def _best_of_k(reward: Callable[..., list[float]], recs: list[Judgment]) -> BestOfK:
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
        return BestOfK(0, None, "no record ranks three or more responses")
    return BestOfK(n, hits / n, None)
