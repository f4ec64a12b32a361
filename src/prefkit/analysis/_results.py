"""The result types of ``analyze``: one frozen dataclass per figure, nested in AnalysisReport.

``AnalysisReport.to_dict()`` is the ``prefkit analyze --json`` output; its JSON Schema is
generated from these classes (``prefkit.analysis.report_schema()``, docs/schemas/). A figure
that is undefined for the data is ``None`` with a ``note`` that says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from prefkit._result import Result
from prefkit.data import UnitSummary

__all__ = [
    "AlphaFigure",
    "AnalysisReport",
    "AnnotatorReliability",
    "Bias",
    "Confusion",
    "CriterionAgreement",
    "Figure",
    "LengthBias",
    "Leniency",
    "PairAgreement",
    "PassPair",
    "PositionBias",
    "PreferenceAgreement",
    "RatingsVsPreference",
    "Reliability",
    "SelfConsistency",
    "Transitivity",
    "Warning",
]


@dataclass(frozen=True, repr=False)
class Figure(Result):
    """A statistic that may be undefined.

    Attributes:
        value: the statistic, or None when it is undefined for the data.
        note: why it is undefined, or a caveat; None otherwise.
    """

    value: float | None
    note: str | None = None


@dataclass(frozen=True, repr=False)
class AlphaFigure(Result):
    """Krippendorff's α at one level of measurement, with a bootstrap interval over units.

    Attributes:
        value: α, or None when undefined.
        level: nominal, ordinal, interval or ratio.
        units: units with two or more values (the pairable ones).
        values: pairable values.
        ci: the percentile bootstrap interval, or None without one.
        confidence: the interval's level (e.g. 0.95).
        bootstrap: resamples drawn (0: no interval).
        note: why α is undefined, or None.
    """

    value: float | None
    level: str
    units: int = 0
    values: int = 0
    ci: tuple[float, float] | None = None
    confidence: float | None = None
    bootstrap: int = 0
    note: str | None = None


@dataclass(frozen=True, repr=False)
class PairAgreement(Result):
    """Agreement of two annotators on the units both judged.

    Attributes:
        a: one annotator.
        b: the other.
        items: units judged by both.
        raw: share of those units with the same answer.
        kappa: Cohen's κ, unweighted.
        kappa_linear: linearly weighted κ (ratings only).
        kappa_quadratic: quadratically weighted κ (ratings only).
        note: why a κ is undefined, or None.
    """

    a: str
    b: str
    items: int
    raw: float | None
    kappa: float | None
    kappa_linear: float | None = None
    kappa_quadratic: float | None = None
    note: str | None = None


@dataclass(frozen=True, repr=False)
class Confusion(Result):
    """The confusion matrix of two annotators' labels on the units both labelled.

    Attributes:
        a: the annotator of the rows.
        b: the annotator of the columns.
        categories: the categories, in row and column order.
        counts: counts[i][j]: units a labelled categories[i] and b labelled categories[j].
    """

    a: str
    b: str
    categories: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]


@dataclass(frozen=True, repr=False)
class Leniency(Result):
    """How far an annotator's ratings sit above or below the other raters' of the same units.

    Attributes:
        annotator: the annotator.
        criterion: the rating criterion.
        units: units this annotator rated together with at least one other rater.
        mean: this annotator's mean rating on those units.
        offset: mean of (own rating − mean of the other raters' ratings), over those units.
        ci: 95 % interval of the offset (t distribution over units), or None under 2 units.
        flagged: |offset| ≥ the threshold and the interval excludes 0.
    """

    annotator: str
    criterion: str
    units: int
    mean: float | None
    offset: float | None
    ci: tuple[float, float] | None
    flagged: bool


@dataclass(frozen=True, repr=False)
class AnnotatorReliability(Result):
    """One annotator's reliability on one kind of judgment.

    Attributes:
        annotator: the annotator.
        judgments: first-pass judgments counted.
        loo_majority_agreement: agreement with the majority of the other annotators of the same
            units (units without a clear majority left out), or None.
        loo_items: units with a clear majority of the others.
        gold_accuracy: share of gold units answered right, or None without gold.
        gold_items: gold units judged.
        dawid_skene_reliability: expected accuracy under the Dawid–Skene model, or None.
        flagged: below the threshold on Dawid–Skene or on gold.
        reasons: why the annotator is flagged, in words.
    """

    annotator: str
    judgments: int
    loo_majority_agreement: float | None
    loo_items: int
    gold_accuracy: float | None
    gold_items: int
    dawid_skene_reliability: float | None
    flagged: bool
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, repr=False)
class Reliability(Result):
    """Annotator reliability: leave-one-out majority, gold accuracy and Dawid–Skene.

    Attributes:
        threshold: annotators below it (Dawid–Skene or gold accuracy) are flagged.
        dawid_skene_iterations: EM iterations to convergence, or None.
        note: why Dawid–Skene gave nothing, and what to try; None when it converged.
        annotators: one row per annotator.
    """

    threshold: float
    dawid_skene_iterations: int | None
    note: str | None
    annotators: tuple[AnnotatorReliability, ...]


@dataclass(frozen=True, repr=False)
class PreferenceAgreement(Result):
    """Agreement on pairwise preferences (first / second / tie), first passes only.

    Attributes:
        units: units with at least one comparison.
        units_with_two_or_more: units judged by two or more annotators.
        annotators: every annotator seen.
        raw: share of agreeing annotator pairs over all pairs of annotators of a unit.
        raw_pairs: annotator pairs counted in ``raw``.
        cohen: Cohen's κ per pair of annotators that share units.
        pairs_without_overlap: pairs of annotators that share no unit (not listed).
        fleiss: Fleiss' κ (every unit needs the same number of raters, else the note).
        alpha: Krippendorff's α, nominal, with a bootstrap interval.
    """

    units: int
    units_with_two_or_more: int
    annotators: tuple[str, ...]
    raw: Figure
    raw_pairs: int
    cohen: tuple[PairAgreement, ...]
    pairs_without_overlap: int
    fleiss: Figure
    alpha: AlphaFigure


@dataclass(frozen=True, repr=False)
class CriterionAgreement(Result):
    """Agreement on one rating or label criterion, each annotator's first value per unit.

    Attributes:
        criterion: the criterion.
        kind: ``rating`` (ordered integers) or ``label`` (nominal categories).
        units: rated responses (units).
        units_with_two_or_more: units rated by two or more annotators.
        annotators: every annotator who rated this criterion.
        categories: the values seen, in order.
        summary: how the values were grouped into units (repeats set aside).
        raw: share of agreeing annotator pairs.
        fleiss: Fleiss' κ over the values as categories.
        alpha_nominal: Krippendorff's α, nominal.
        alpha_ordinal: α, ordinal (ratings only).
        alpha_interval: α, interval (ratings only).
        cohen: κ per pair of annotators sharing units (unweighted; linear and quadratic too for
            ratings).
        pairs_without_overlap: pairs of annotators that share no unit (not listed).
        confusion: confusion matrices per annotator pair (labels only).
        leniency: per annotator, the offset from the other raters (ratings only).
        reliability: Dawid–Skene on the values as categories, and agreement with the others.
    """

    criterion: str
    kind: Literal["rating", "label"]
    units: int
    units_with_two_or_more: int
    annotators: tuple[str, ...]
    categories: tuple[Any, ...]
    summary: UnitSummary
    raw: Figure
    fleiss: Figure
    alpha_nominal: AlphaFigure
    alpha_ordinal: AlphaFigure | None
    alpha_interval: AlphaFigure | None
    cohen: tuple[PairAgreement, ...]
    pairs_without_overlap: int
    confusion: tuple[Confusion, ...]
    leniency: tuple[Leniency, ...]
    reliability: Reliability


@dataclass(frozen=True, repr=False)
class PassPair(Result):
    """One annotator's repeats: pairs of passes over the same unit.

    Attributes:
        annotator: the annotator.
        repeated_units: units this annotator judged two or more times.
        pass_pairs: pairs of passes compared (k passes give k·(k−1)/2).
        reversals: pass pairs with opposite preferences.
        tie_flips: pass pairs with a tie one time and a preference the other.
        flip_rate: (reversals + tie flips) / pass pairs.
        reversal_rate: reversals / pass pairs.
    """

    annotator: str
    repeated_units: int
    pass_pairs: int
    reversals: int
    tie_flips: int
    flip_rate: float
    reversal_rate: float


@dataclass(frozen=True, repr=False)
class SelfConsistency(Result):
    """Self-consistency over every pass of units an annotator judged more than once.

    Attributes:
        repeated_units: (annotator, unit) pairs with two or more passes.
        pass_pairs: pairs of passes compared, over every pair of passes.
        flip_rate: share of pass pairs that disagree.
        reversal_rate: share with opposite preferences.
        tie_flip_rate: share with a tie one time and a preference the other.
        kappa_between_passes: Cohen's κ between the earlier and the later pass of each pair.
        note: why nothing could be measured, or a caveat.
        annotators: per annotator.
    """

    repeated_units: int
    pass_pairs: int
    flip_rate: float | None
    reversal_rate: float | None
    tie_flip_rate: float | None
    kappa_between_passes: float | None
    note: str | None
    annotators: tuple[PassPair, ...]


@dataclass(frozen=True, repr=False)
class TransitivityRow(Result):
    """One annotator's triads.

    Attributes:
        annotator: the annotator.
        triads: fully judged triads of responses to one prompt.
        cyclic: triads whose preferences are not transitive.
        cyclic_rate: cyclic / triads.
        kendall_zeta: Kendall's ζ over complete, tie-free blocks, or None.
        complete_blocks: such blocks.
    """

    annotator: str
    triads: int
    cyclic: int
    cyclic_rate: float | None
    kendall_zeta: float | None
    complete_blocks: int


@dataclass(frozen=True, repr=False)
class Cycle(Result):
    """A cyclic triad.

    Attributes:
        annotator: who judged it.
        prompt: the prompt's key.
        responses: the three responses' keys.
    """

    annotator: str
    prompt: str
    responses: tuple[str, str, str]


@dataclass(frozen=True, repr=False)
class Transitivity(Result):
    """Transitivity of each annotator's preferences among responses to one prompt.

    Attributes:
        rule: the definition of a cyclic triad used.
        triads: fully judged triads.
        cyclic: cyclic triads.
        cyclic_rate: cyclic / triads.
        kendall_zeta: Kendall's ζ overall, or None.
        note: why nothing could be measured, or None.
        annotators: per annotator.
        cycles: the first cyclic triads found.
    """

    rule: str
    triads: int
    cyclic: int
    cyclic_rate: float | None
    kendall_zeta: float | None
    note: str | None
    annotators: tuple[TransitivityRow, ...]
    cycles: tuple[Cycle, ...]


@dataclass(frozen=True, repr=False)
class SideTest(Result):
    """P(the left response wins) with an exact binomial test of 0.5.

    Attributes:
        annotator: the annotator, or None for everyone.
        votes: non-tie comparisons with a known screen order.
        left_wins: of those, won by the left response.
        p_left: left_wins / votes.
        ci: exact (Clopper–Pearson) 95 % interval.
        p_value: two-sided binomial p-value.
    """

    annotator: str | None
    votes: int
    left_wins: int
    p_left: float
    ci: tuple[float, float]
    p_value: float


@dataclass(frozen=True, repr=False)
class PositionBias(Result):
    """Position bias: does the response shown on the left win more often?

    Attributes:
        overall: the test over every annotator, or None without screen orders.
        annotators: per annotator.
        test: the test used.
        note: why nothing could be measured, or None.
    """

    overall: SideTest | None
    annotators: tuple[SideTest, ...]
    test: str
    note: str | None


@dataclass(frozen=True, repr=False)
class LengthBin(Result):
    """P(the longer response wins) in one decile of the absolute length difference.

    Attributes:
        lo: the decile's lower edge (characters).
        hi: its upper edge.
        votes: comparisons in it.
        longer_wins: share won by the longer response.
    """

    lo: float
    hi: float
    votes: int
    longer_wins: float


@dataclass(frozen=True, repr=False)
class LengthBias(Result):
    """Logistic regression of the choice on the standardized length difference.

    Attributes:
        votes: non-tie comparisons.
        longer_wins: share won by the longer response.
        sd_chars: standard deviation of the length difference (characters).
        log_odds_per_sd: change in log-odds of winning per SD of extra length.
        ci: 95 % Wald interval of that slope.
        odds_ratio_per_sd: exp(slope).
        p_value: Wald p-value of the slope.
        bins: P(longer wins) by decile of the absolute length difference.
        note: why nothing could be measured, or None.
    """

    votes: int
    longer_wins: float | None
    sd_chars: float | None
    log_odds_per_sd: float | None
    ci: tuple[float, float] | None
    odds_ratio_per_sd: float | None
    p_value: float | None
    bins: tuple[LengthBin, ...]
    note: str | None


@dataclass(frozen=True, repr=False)
class RatingCheck(Result):
    """Whether the preferred response gets the higher rating on one criterion.

    Attributes:
        criterion: the criterion.
        votes: comparisons that rated both responses.
        agree: the winner rated higher (or a tie rated equal).
        equal: a preference with equal ratings.
        contradict: the winner rated lower (or a tie rated unequally).
        agreement: agree / votes.
    """

    criterion: str
    votes: int
    agree: int
    equal: int
    contradict: int
    agreement: float


@dataclass(frozen=True, repr=False)
class RatingsVsPreference(Result):
    """Ratings against the stated preference, per criterion.

    Attributes:
        criteria: one row per criterion.
        note: why nothing could be measured, or None.
    """

    criteria: tuple[RatingCheck, ...]
    note: str | None


@dataclass(frozen=True, repr=False)
class Bias(Result):
    """Position bias, length bias, and ratings against preferences.

    Attributes:
        position: position (screen side) bias.
        length: length bias.
        ratings_vs_preference: ratings against the stated preference.
    """

    position: PositionBias
    length: LengthBias
    ratings_vs_preference: RatingsVsPreference


@dataclass(frozen=True, repr=False)
class Warning(Result):
    """A finding a person should read before trusting the labels.

    Attributes:
        kind: ``low_agreement``, ``leniency``, ``unreliable``, ``merged_units``...
        subject: what it is about (``preferences``, a criterion, an annotator).
        message: the finding and what it means, in words.
    """

    kind: str
    subject: str
    message: str


@dataclass(frozen=True, repr=False)
class AnalysisReport(Result):
    """Every trust figure for a set of judgments (``prefkit analyze --json``).

    Attributes:
        schema: the version of this schema.
        records: records read.
        comparisons: pairwise comparisons derived from them.
        assessments: ratings and labels of single responses derived from them.
        annotators: every annotator seen.
        units: how comparisons were grouped into units.
        preferences: agreement on preferences.
        ratings: agreement per rating criterion.
        labels: agreement per label criterion.
        self_consistency: self-consistency over repeated units.
        transitivity: transitivity of each annotator's preferences.
        bias: position and length bias, ratings against preferences.
        reliability: annotator reliability on preferences.
        warnings: findings to read first (low agreement, leniency, unreliable annotators).
        source: where the judgments came from (a file or a store), when known.
        campaign: the campaign analysed, when one.
    """

    schema: int
    records: int
    comparisons: int
    assessments: int
    annotators: tuple[str, ...]
    units: UnitSummary
    preferences: PreferenceAgreement
    ratings: tuple[CriterionAgreement, ...]
    labels: tuple[CriterionAgreement, ...]
    self_consistency: SelfConsistency
    transitivity: Transitivity
    bias: Bias
    reliability: Reliability
    warnings: tuple[Warning, ...]
    source: str | None = None
    campaign: str | None = None

    _repr_fields = ("records", "comparisons", "assessments")

    def __repr__(self) -> str:
        alpha = self.preferences.alpha.value
        shown = "–" if alpha is None else f"{alpha:.3f}"
        return (
            f"AnalysisReport({self.records} records, {self.comparisons} comparisons, "
            f"{len(self.annotators)} annotators, unit={self.units.unit_key!r}, "
            f"preference alpha={shown}, {len(self.ratings)} rating and {len(self.labels)} label "
            f"criteria, {len(self.warnings)} warnings)"
        )

    def criterion(self, name: str) -> CriterionAgreement:
        """The agreement on one rating or label criterion."""
        for c in (*self.ratings, *self.labels):
            if c.criterion == name:
                return c
        known = sorted(c.criterion for c in (*self.ratings, *self.labels))
        raise KeyError(f"no criterion {name!r}; expected one of {known}")
