"""Evaluate any reward against human preferences; fit rule weights from preferences."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from prefkit._config import resolve, setting
from prefkit._intervals import wilson
from prefkit.data import Comparison, ComparisonSet, Judgment, comparisons
from prefkit.errors import PrefkitError
from prefkit.rewards._results import (
    Ablation,
    Accuracy,
    Contribution,
    Failure,
    RewardEvaluation,
)
from prefkit.rewards._ruleset import RuleSet

__all__ = [
    "BASELINES",
    "RewardEvaluationConfig",
    "as_comparisons",
    "evaluate_reward",
    "evaluate_rules",
    "fit_rule_weights",
    "score_pairs",
]

BASELINES = ("random", "position", "longer")
SLICE_KEYS = ("subset", "split", "category", "dataset", "condition", "stakeholder")


@dataclass(frozen=True)
class RewardEvaluationConfig:
    """How a reward is checked against human labels (``evaluate_reward``, ``rules eval``)."""

    failures: int = setting(20, "How many failure cases to keep per source.")
    tie_tolerance: float = setting(
        1e-9, "Score differences at most this large count as a reward tie."
    )
    slices: tuple[str, ...] = setting(
        SLICE_KEYS, "Metadata keys to report accuracy per value of.", cli=False
    )
    seed: int = setting(0, "Seed of the random baseline and the failure sample.")
    fit: bool = setting(
        False, "Rule sets: also learn the weights (cross-validated), evaluate them."
    )
    folds: int = setting(5, "Folds of the weight fit's cross-validation.")
    l2: float = setting(1.0, "L2 penalty of the weight fit.")

    def __post_init__(self) -> None:
        if self.failures < 0:
            raise PrefkitError(f"failures {self.failures} must be >= 0")
        if self.tie_tolerance < 0:
            raise PrefkitError(f"tie_tolerance {self.tie_tolerance} must be >= 0")
        if self.folds < 2:
            raise PrefkitError(f"folds {self.folds} must be >= 2")
        if self.l2 < 0:
            raise PrefkitError(f"l2 {self.l2} must be >= 0")
        object.__setattr__(self, "slices", tuple(self.slices))


def _columns(pairs: Sequence[Comparison]) -> dict[str, list[Any]]:
    """Extra reward columns from the records (TRL passes dataset columns the same way).

    The ``condition`` of conditional reward models.
    """
    conds = [p.metadata.get("condition") for p in pairs]
    return {"condition": [c or "" for c in conds]} if any(conds) else {}


def as_comparisons(data: Iterable[Judgment] | Sequence[Comparison]) -> list[Comparison]:
    """The comparisons of records, or ``data`` itself when it holds comparisons.

    The comparisons of records (through :func:`prefkit.data.comparisons`), or ``data``
    itself when it holds comparisons already.
    """
    return _pairs_and_skipped(data)[0]


def _completions(prompts: Sequence[Any], texts: Sequence[str]) -> list[Any]:
    # TRL's conversational format pairs chat prompts with chat completions
    return [
        t if isinstance(p, str) else [{"role": "assistant", "content": t}]
        for p, t in zip(prompts, texts, strict=True)
    ]


def _accuracy(margin: np.ndarray, human: np.ndarray, tol: float, **extra: Any) -> Accuracy:
    """``margin`` = score(first) - score(second); humans' ties are left out and counted."""
    pref = human != "tie"
    m = np.where(human == "first", margin, -margin)[pref]  # > 0: the reward agrees
    n = int(m.size)
    if n == 0:
        return Accuracy(0, note="no pair with a human preference", **extra)
    correct = int((m > tol).sum())
    ties = int((np.abs(m) <= tol).sum())
    half = (correct + 0.5 * ties) / n
    per = np.where(m > tol, 1.0, np.where(np.abs(m) <= tol, 0.5, 0.0))
    se = float(per.std(ddof=1) / math.sqrt(n)) if n > 1 else 0.0
    ci = wilson(correct, n)
    return Accuracy(
        pairs=n,
        correct=correct,
        reward_ties=ties,
        accuracy=correct / n,
        ci=(ci[0], ci[1]) if ci else None,
        accuracy_ties_half=half,
        ci_ties_half=(half - 1.959964 * se, half + 1.959964 * se),
        human_ties=int((~pref).sum()),
        note=None,
        **extra,
    )


def _kappa(margin: np.ndarray, human: np.ndarray, tol: float, seed: int) -> float | None:
    """κ between the reward's choice and the human's, in a random order per pair.

    κ between the reward's choice and the human's, with each pair's two responses put in a
    random (seeded) order first: in files such as HH-RLHF the chosen response always comes
    first, which would make κ 0 whatever the reward does.
    """
    from prefkit.analysis import AnalysisError, cohen_kappa

    flip = np.random.default_rng(seed).random(margin.size) < 0.5
    margin = np.where(flip, -margin, margin)
    swap = {"first": "second", "second": "first", "tie": "tie"}
    human = np.where(flip, [swap[h] for h in human], human)
    said = np.where(margin > tol, "first", np.where(margin < -tol, "second", "tie"))
    try:
        return cohen_kappa(list(said), list(human), labels=["first", "second", "tie"])
    except AnalysisError:
        return None


def evaluate_reward(
    reward: Callable[..., list[float]],
    data: Iterable[Judgment] | Sequence[Comparison],
    config: RewardEvaluationConfig | None = None,
    /,
    **overrides: Any,
) -> RewardEvaluation:
    """Check a reward against human choices.

    Pairwise accuracy (Wilson CI; reward ties as misses, and as half), Cohen's κ with the
    human choice, baselines (random, position-only where ``shown`` is known, longer wins),
    per-slice accuracy, per-rule ablation and failure cases for rule sets. Pairs come from
    :func:`prefkit.data.comparisons`; pairs of identical texts (nothing to prefer) are left out
    and counted in ``skipped``.

    Args:
        reward: any reward function (TRL's ``reward_funcs`` contract), a rule set or a model.
        data: records, or comparisons.
        config: the settings (:class:`RewardEvaluationConfig`).
        **overrides: any field of the config, e.g. ``evaluate_reward(r, recs, failures=0)``.
    """
    cfg = resolve(RewardEvaluationConfig, config, overrides, what="evaluate_reward")
    pairs, skipped = _pairs_and_skipped(data)
    if not pairs:
        raise PrefkitError(
            "no pairwise judgment with two responses and a preference to evaluate on"
        )
    s1, s2, feats = _score(reward, pairs)
    return _report(
        reward,
        pairs,
        s1,
        s2,
        feats,
        cfg.slices,
        cfg.failures,
        cfg.tie_tolerance,
        cfg.seed,
        skipped,
    )


def evaluate_rules(
    rules: RuleSet,
    sources: Mapping[str, Sequence[Judgment]],
    config: RewardEvaluationConfig | None = None,
    /,
    **overrides: Any,
) -> dict[str, Any]:
    """A rule set against human preferences, source by source (``prefkit rules eval``).

    With ``fit``, the weights are also learned from all sources together (cross-validated)
    and the fitted set is evaluated on each source.

    Args:
        rules: the rule set.
        sources: records by source name (each reported on its own).
        config: the settings (:class:`RewardEvaluationConfig`).
        **overrides: any field of the config.

    Returns:
        ``{"rules": the rule set, "splits": {source: evaluate_reward output [+ "fitted"]},
        "fit": fit_rule_weights' report or None}``; ``rules_html`` renders it.
    """
    cfg = resolve(RewardEvaluationConfig, config, overrides, what="evaluate_rules")
    out: dict[str, Any] = {"rules": rules.to_dict(), "splits": {}, "fit": None}
    fitted = None
    if cfg.fit:
        everything = [r for recs in sources.values() for r in recs]
        fitted, out["fit"] = fit_rule_weights(
            rules, everything, folds=cfg.folds, l2=cfg.l2, seed=cfg.seed
        )
    for name, recs in sources.items():
        res = evaluate_reward(rules, recs, cfg).to_dict()
        if fitted is not None:
            f = evaluate_reward(fitted, recs, cfg, failures=0)
            res["fitted"] = {
                "pairs": f.pairs,
                "accuracy": f.accuracy,
                "ci": f.ci,
                "accuracy_ties_half": f.accuracy_ties_half,
                "kappa": f.kappa,
            }
        out["splits"][name] = res
    return out


def _pairs_and_skipped(
    data: Iterable[Judgment] | Sequence[Comparison],
) -> tuple[list[Comparison], dict[str, int]]:
    if isinstance(data, ComparisonSet):
        return list(data), {"identical_texts": data.skipped.get("identical_texts", 0)}
    items = list(data)
    if items and isinstance(items[0], Comparison):
        return [p for p in items if isinstance(p, Comparison)], {}
    comps = comparisons([r for r in items if isinstance(r, Judgment)], unit="content")
    return list(comps), {"identical_texts": comps.skipped.get("identical_texts", 0)}


def score_pairs(
    reward: Callable[..., list[float]],
    prompts: Sequence[Any],
    firsts: Sequence[str],
    seconds: Sequence[str],
    **columns: Sequence[Any],
) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
    """The reward of each pair's first and second response, in two batched calls.

    For a rule set, also each side's per-rule features (so a caller can explain a verdict
    without scoring again). ``columns`` go to the reward as TRL passes dataset columns.
    """
    feats = None
    if isinstance(reward, RuleSet):
        f1 = reward.features(prompts, _completions(prompts, firsts))
        f2 = reward.features(prompts, _completions(prompts, seconds))
        feats = (f1, f2)
        return reward.combine(f1), reward.combine(f2), feats
    s1 = np.asarray(reward(prompts, _completions(prompts, firsts), **columns), dtype=float)
    s2 = np.asarray(reward(prompts, _completions(prompts, seconds), **columns), dtype=float)
    for side, s in (("first", s1), ("second", s2)):
        if s.shape != (len(prompts),):
            raise PrefkitError(
                f"the reward returned {s.size} scores for {len(prompts)} {side} responses; a "
                "reward must return one float per completion"
            )
    return s1, s2, feats


def _score(
    reward: Callable[..., list[float]], pairs: Sequence[Comparison]
) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
    return score_pairs(
        reward,
        [p.prompt_value() for p in pairs],
        [p.first_text for p in pairs],
        [p.second_text for p in pairs],
        **_columns(pairs),
    )


def _report(
    reward: Any,
    pairs: Sequence[Comparison],
    s1: np.ndarray,
    s2: np.ndarray,
    feats: tuple[np.ndarray, np.ndarray] | None,
    slices: Sequence[str],
    failures: int,
    tie_tolerance: float,
    seed: int,
    skipped: dict[str, int] | None = None,
) -> RewardEvaluation:
    human = np.array([p.verdict for p in pairs])
    margin = s1 - s2
    acc = _accuracy(margin, human, tie_tolerance)
    return RewardEvaluation(
        reward=str(getattr(reward, "name", getattr(reward, "__name__", type(reward).__name__))),
        pairs=len(pairs),
        correct=acc.correct,
        reward_ties=acc.reward_ties,
        accuracy=acc.accuracy,
        ci=acc.ci,
        accuracy_ties_half=acc.accuracy_ties_half,
        ci_ties_half=acc.ci_ties_half,
        human_ties=int((human == "tie").sum()),
        note=acc.note,
        kappa=_kappa(margin, human, tie_tolerance, seed),
        baselines=_baselines(pairs, human, seed),
        slices=_slices(pairs, margin, human, slices, tie_tolerance),
        ablation=(
            _ablation(reward, feats, human, tie_tolerance)
            if feats is not None and isinstance(reward, RuleSet)
            else None
        ),
        failures=_failures(pairs, margin, human, reward, feats, failures, tie_tolerance),
        skipped=dict(skipped or {}),
    )


def _baselines(pairs: Sequence[Comparison], human: np.ndarray, seed: int) -> dict[str, Accuracy]:
    lengths = np.array([len(p.first_text) - len(p.second_text) for p in pairs], dtype=float)
    rng = np.random.default_rng(seed)
    out = {
        "random": _accuracy(rng.random(len(pairs)) - 0.5, human, 0.0, expected=0.5),
        "longer": _accuracy(
            lengths,
            human,
            0.0,
            rule="characters of the response; equal lengths are misses (half in *_ties_half)",
        ),
    }
    known = np.array([p.shown_first is not None for p in pairs])
    if known.any():
        left = np.array(
            [1.0 if p.shown_first else -1.0 for p in pairs if p.shown_first is not None]
        )
        out["position"] = _accuracy(
            left, human[known], 0.0, rule="always the response shown on the left"
        )
    else:
        out["position"] = Accuracy(0, note="no record says which response was shown first (shown)")
    return out


def _slices(
    pairs: Sequence[Comparison],
    margin: np.ndarray,
    human: np.ndarray,
    keys: Sequence[str],
    tol: float,
) -> dict[str, dict[str, Accuracy]]:
    out: dict[str, dict[str, Accuracy]] = {}
    for key in keys:
        groups: dict[str, list[int]] = defaultdict(list)
        for k, p in enumerate(pairs):
            v = p.metadata.get(key)
            if isinstance(v, str | int | float | bool):
                groups[str(v)].append(k)
        if len(groups) >= 1 and sum(len(g) for g in groups.values()) > 0:
            out[key] = {
                v: _accuracy(margin[idx], human[idx], tol) for v, idx in sorted(groups.items())
            }
    # per criterion: agreement with the side each criterion's ratings favour (rated pairs only)
    crits = sorted({c for p in pairs for c in p.criteria})
    if crits:
        out["criterion"] = {}
        for c in crits:
            idx = [k for k, p in enumerate(pairs) if c in p.criteria]
            verdict = np.array([pairs[k].criteria[c] for k in idx])
            out["criterion"][c] = _accuracy(margin[idx], verdict, tol)
    return out


def _ablation(
    rules: RuleSet, feats: tuple[np.ndarray, np.ndarray], human: np.ndarray, tol: float
) -> tuple[Ablation, ...]:
    f1, f2 = feats
    full = _accuracy(rules.combine(f1) - rules.combine(f2), human, tol).accuracy
    rows = []
    for j, r in enumerate(rules.rules):
        w = rules.weights.copy()
        w[j] = 0.0
        acc = _accuracy(rules.combine(f1, w) - rules.combine(f2, w), human, tol).accuracy
        rows.append(Ablation(r.name, acc, None if acc is None or full is None else acc - full))
    return tuple(rows)


def _failures(
    pairs: Sequence[Comparison],
    margin: np.ndarray,
    human: np.ndarray,
    reward: Any,
    feats: tuple[np.ndarray, np.ndarray] | None,
    limit: int,
    tol: float,
) -> tuple[Failure, ...]:
    """Misranked pairs (the reward prefers the response people did not), worst first."""
    signed = np.where(human == "first", margin, np.where(human == "second", -margin, np.nan))
    bad = np.flatnonzero(signed < -tol)
    bad = bad[np.argsort(signed[bad])][:limit]
    out = []
    for k in bad:
        p = pairs[int(k)]
        pv = p.prompt_value()
        contributions: tuple[Contribution, ...] = ()
        if feats is not None and isinstance(reward, RuleSet):
            scale = float(np.abs(reward.weights).sum()) if reward.normalize else 1.0
            fc, fr = (
                (feats[0][k], feats[1][k]) if p.verdict == "first" else (feats[1][k], feats[0][k])
            )
            contributions = tuple(
                Contribution(
                    r.name,
                    float(r.weight * fc[j] / (scale or 1)),
                    float(r.weight * fr[j] / (scale or 1)),
                )
                for j, r in enumerate(reward.rules)
            )
        out.append(
            Failure(
                id=p.record,
                prompt=pv if isinstance(pv, str) else pv[-1]["content"] if pv else "",
                chosen=p.first_text if p.verdict == "first" else p.second_text,
                rejected=p.second_text if p.verdict == "first" else p.first_text,
                margin=float(-signed[k]),
                contributions=contributions,
            )
        )
    return tuple(out)


def fit_rule_weights(
    rules: RuleSet,
    data: Iterable[Judgment] | Sequence[Comparison],
    *,
    folds: int = 5,
    l2: float = 1.0,
    seed: int = 0,
) -> tuple[RuleSet, dict[str, Any]]:
    """Learn rule weights from preferences.

    Bradley-Terry on rule-score differences (logistic regression without intercept, L2 ``l2``), with
    ``folds``-fold cross-validated accuracy.

    Returns the rule set with the learned weights (and ``normalize`` kept) and a report.
    """
    pairs = [p for p in as_comparisons(data) if p.verdict != "tie"]
    if len(pairs) < 2 * folds:
        raise PrefkitError(
            f"weight fitting needs at least {2 * folds} non-tie pairs; there are {len(pairs)}"
        )
    prompts = [p.prompt_value() for p in pairs]
    chosen = [p.first_text if p.verdict == "first" else p.second_text for p in pairs]
    rejected = [p.second_text if p.verdict == "first" else p.first_text for p in pairs]
    x = rules.features(prompts, _completions(prompts, chosen)) - rules.features(
        prompts, _completions(prompts, rejected)
    )
    rng = np.random.default_rng(seed)
    flip = rng.random(len(x)) < 0.5  # both classes, no intercept: P(first wins) = σ(w·Δf)
    xs = np.where(flip[:, None], -x, x)
    y = np.where(flip, 0.0, 1.0)
    order = rng.permutation(len(x))
    fold_acc = []
    for k in range(folds):
        test = order[k::folds]
        train = np.setdiff1d(order, test)
        w = _logistic(xs[train], y[train], l2)
        z = xs[test] @ w
        fold_acc.append(float(np.mean((z > 0) == (y[test] == 1))))
    w = _logistic(xs, y, l2)
    fitted = rules.with_weights([float(v) for v in w], name=f"{rules.name}-fitted")
    report = {
        "pairs": len(pairs),
        "folds": folds,
        "l2": l2,
        "heldout_accuracy": float(np.mean(fold_acc)),
        "heldout_accuracy_per_fold": fold_acc,
        "weights": {r.name: float(v) for r, v in zip(rules.rules, w, strict=True)},
    }
    return fitted, report


def _logistic(x: np.ndarray, y: np.ndarray, l2: float, iters: int = 50) -> np.ndarray:
    w = np.zeros(x.shape[1])
    for _ in range(iters):
        p = 1 / (1 + np.exp(-(x @ w)))
        g = x.T @ (y - p) - l2 * w
        h = (x * (p * (1 - p))[:, None]).T @ x + l2 * np.eye(x.shape[1])
        step = np.linalg.solve(h, g)
        w += step
        if np.max(np.abs(step)) < 1e-10:
            break
    return w
