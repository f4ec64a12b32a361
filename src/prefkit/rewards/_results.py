"""Result types of reward evaluation: ``RewardEvaluation`` and ``RewardDiagnostics``.

``to_dict()`` is the ``prefkit rules --json`` / ``prefkit rm eval --json`` output; the JSON
Schemas come from these classes (docs/schemas/).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, ClassVar

from prefkit._result import Result, to_data

__all__ = [
    "Ablation",
    "Accuracy",
    "BestOfK",
    "Calibration",
    "CalibrationBin",
    "Ceiling",
    "ConditionRow",
    "Contribution",
    "Failure",
    "RewardDiagnostics",
    "RewardEvaluation",
]


@dataclass(frozen=True, repr=False)
class Accuracy(Result):
    """Pairwise accuracy of a reward against the human verdicts (human ties left out).

    Attributes:
        pairs: pairs with a human preference.
        correct: pairs where the reward prefers the same response.
        reward_ties: pairs the reward scores equally (within the tolerance).
        accuracy: correct / pairs (reward ties count as misses), or None without pairs.
        ci: Wilson 95 % interval of ``accuracy``.
        accuracy_ties_half: accuracy with reward ties counted as half.
        ci_ties_half: normal 95 % interval of ``accuracy_ties_half``.
        human_ties: pairs people called a tie (not counted).
        note: why nothing could be measured, or None.
        rule: for a baseline, how it decides.
        expected: for the random baseline, its expected accuracy.
    """

    pairs: int
    correct: int = 0
    reward_ties: int = 0
    accuracy: float | None = None
    ci: tuple[float, float] | None = None
    accuracy_ties_half: float | None = None
    ci_ties_half: tuple[float, float] | None = None
    human_ties: int = 0
    note: str | None = None
    rule: str | None = None
    expected: float | None = None

    _repr_fields = ("pairs", "accuracy")


@dataclass(frozen=True, repr=False)
class Ablation(Result):
    """A rule set's accuracy with one rule's weight set to zero.

    Attributes:
        rule: the rule left out.
        accuracy_without: the accuracy without it.
        change: accuracy_without − the full rule set's accuracy.
    """

    rule: str
    accuracy_without: float | None
    change: float | None


@dataclass(frozen=True, repr=False)
class Contribution(Result):
    """One rule's weighted score of the chosen and the rejected response.

    Attributes:
        rule: the rule.
        chosen: its contribution to the chosen response's score.
        rejected: its contribution to the rejected response's score.
    """

    rule: str
    chosen: float
    rejected: float


@dataclass(frozen=True, repr=False)
class Failure(Result):
    """A pair the reward gets wrong, by how much.

    Attributes:
        id: the record's id.
        prompt: the prompt (its last message for a chat).
        chosen: the response people preferred.
        rejected: the other one.
        margin: reward(rejected) − reward(chosen), > 0.
        contributions: per rule, for rule sets.
    """

    id: str
    prompt: str
    chosen: str
    rejected: str
    margin: float
    contributions: tuple[Contribution, ...] = ()


@dataclass(frozen=True, repr=False)
class RewardEvaluation(Result):
    """A reward against human preferences: accuracy, κ, baselines, slices, ablation, failures.

    Attributes:
        reward: the reward's name.
        pairs: pairs evaluated (with a human preference or a tie).
        correct: see :class:`Accuracy`.
        reward_ties: see :class:`Accuracy`.
        accuracy: see :class:`Accuracy`.
        ci: see :class:`Accuracy`.
        accuracy_ties_half: see :class:`Accuracy`.
        ci_ties_half: see :class:`Accuracy`.
        human_ties: see :class:`Accuracy`.
        note: see :class:`Accuracy`.
        kappa: Cohen's κ between the reward's and the human choice (pairs randomly oriented).
        baselines: random, position (where ``shown`` is known) and longer-wins accuracies.
        slices: accuracy per metadata value (subset, split, category...) and per criterion.
        ablation: per rule, for rule sets (None otherwise).
        failures: the worst misranked pairs.
        skipped: pairs left out, by reason (identical texts: nothing to prefer).
    """

    reward: str
    pairs: int
    correct: int
    reward_ties: int
    accuracy: float | None
    ci: tuple[float, float] | None
    accuracy_ties_half: float | None
    ci_ties_half: tuple[float, float] | None
    human_ties: int
    note: str | None
    kappa: float | None
    baselines: dict[str, Accuracy]
    slices: dict[str, dict[str, Accuracy]]
    ablation: tuple[Ablation, ...] | None
    failures: tuple[Failure, ...]
    skipped: dict[str, int]

    _repr_fields = ("reward", "pairs", "accuracy", "kappa")

    @property
    def overall(self) -> Accuracy:
        """The headline accuracy as an :class:`Accuracy`."""
        return Accuracy(
            self.pairs - self.human_ties,
            self.correct,
            self.reward_ties,
            self.accuracy,
            self.ci,
            self.accuracy_ties_half,
            self.ci_ties_half,
            self.human_ties,
            self.note,
        )


@dataclass(frozen=True, repr=False)
class CalibrationBin(Result):
    """One bin of the reliability diagram.

    Attributes:
        lo: the bin's lower edge of P(first wins).
        hi: its upper edge.
        pairs: pairs in it.
        predicted: mean predicted P(first wins).
        observed: share where the first response won.
    """

    lo: float
    hi: float
    pairs: int
    predicted: float
    observed: float


@dataclass(frozen=True, repr=False)
class Calibration(Result):
    """Expected calibration error of P(first wins) = σ(reward margin).

    Attributes:
        ece: the expected calibration error, or None without pairs.
        bins: the reliability diagram.
        note: what it means, or why it is missing.
    """

    ece: float | None
    bins: tuple[CalibrationBin, ...]
    note: str | None


@dataclass(frozen=True, repr=False)
class Ceiling(Result):
    """Human–human agreement on the same units: what a reward can hope to reach.

    Attributes:
        raw: raw agreement between annotators of the same unit, or None.
        pairs: annotator pairs counted.
        note: what it is, or why it is missing.
    """

    raw: float | None
    pairs: int
    note: str | None


@dataclass(frozen=True, repr=False)
class BestOfK(Result):
    """For records ranking three or more responses: how often the reward's top pick is theirs.

    Attributes:
        records: such records.
        accuracy: share where the reward's best is the people's best.
        note: why it is missing, or None.
    """

    records: int
    accuracy: float | None
    note: str | None


@dataclass(frozen=True, repr=False)
class ConditionRow(Result):
    """The same pair under every condition (stakeholder) of a conditional reward.

    Attributes:
        id: the record's id.
        prefers: per condition, which response the reward prefers (first, second, tie).
        changes: whether the preference differs across conditions.
    """

    id: str
    prefers: dict[str, str]
    changes: bool


@dataclass(frozen=True, repr=False)
class RewardDiagnostics(Result):
    """``RewardEvaluation`` plus calibration, ceiling, length and best-of-k figures.

    ``RewardEvaluation`` plus calibration, the agreement ceiling, length correlation,
    best-of-k and (for conditional rewards) the ranking of the same pair per condition.

    ``to_dict()`` is flat: the evaluation's fields, then these.

    Attributes:
        evaluation: the :class:`RewardEvaluation`.
        calibration: calibration of σ(margin).
        length_correlation: correlation of the reward with response length.
        agreement_ceiling: human–human agreement on the same units.
        best_of_k: top-pick accuracy on rankings of three or more.
        by_condition: per condition, for conditional rewards; None otherwise.
    """

    evaluation: RewardEvaluation
    calibration: Calibration
    length_correlation: float | None
    agreement_ceiling: Ceiling
    best_of_k: BestOfK
    by_condition: tuple[ConditionRow, ...] | None = None

    _flatten: ClassVar[str] = "evaluation"  # to_dict() and the JSON Schema merge it in

    def __getattr__(self, name: str) -> Any:
        # the evaluation's figures read as the diagnostics' own (accuracy, ci, baselines...)
        if name.startswith("_") or name == "evaluation":
            raise AttributeError(name)
        return getattr(self.evaluation, name)

    def to_dict(self) -> dict[str, Any]:
        out = self.evaluation.to_dict()
        for f in fields(self):
            if f.name != "evaluation":
                out[f.name] = to_data(getattr(self, f.name))
        return out

    def __repr__(self) -> str:
        e = self.evaluation
        acc = "–" if e.accuracy is None else f"{e.accuracy:.3f}"
        ece = "–" if self.calibration.ece is None else f"{self.calibration.ece:.3f}"
        return f"RewardDiagnostics(reward={e.reward!r}, pairs={e.pairs}, accuracy={acc}, ece={ece})"
