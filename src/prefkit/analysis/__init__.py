"""Trust the labels: agreement, self-consistency, transitivity, bias and annotator reliability.

``analyze(records)`` computes every figure and returns an :class:`AnalysisReport` (its
``to_dict()`` is the ``prefkit analyze --json`` output); ``report_html`` renders it. Records are
read through :func:`prefkit.data.comparisons` and :func:`prefkit.data.assessments`, so the unit
of agreement (``item`` or content) is one decision, stated in every report. Low-level
statistics take arrays (``cohen_kappa``, ``fleiss_kappa``, ``krippendorff_alpha``). Undefined
statistics raise :class:`AnalysisError` (or appear as None with a ``note``), never NaN.
"""

from prefkit.analysis._agreement import (
    AlphaResult,
    AnalysisError,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    krippendorff_alpha_codes,
    raw_agreement,
)
from prefkit.analysis._bias import (
    length_bias,
    logistic_regression,
    position_bias,
    ratings_vs_preference,
)
from prefkit.analysis._config import AnalysisConfig
from prefkit.analysis._consistency import TRANSITIVITY_RULE, self_consistency, transitivity
from prefkit.analysis._pairwise import criterion_agreement, preference_agreement
from prefkit.analysis._reliability import DawidSkene, dawid_skene
from prefkit.analysis._report import (
    SCHEMA_VERSION,
    analyze,
    annotator_reliability,
    gold_from_records,
    report_html,
    report_schema,
)
from prefkit.analysis._results import (
    AlphaFigure,
    AnalysisReport,
    AnnotatorReliability,
    Bias,
    Confusion,
    CriterionAgreement,
    Figure,
    LengthBias,
    Leniency,
    PairAgreement,
    PositionBias,
    PreferenceAgreement,
    RatingsVsPreference,
    Reliability,
    SelfConsistency,
    Transitivity,
    Warning,
)

__all__ = [
    "SCHEMA_VERSION",
    "TRANSITIVITY_RULE",
    "AlphaFigure",
    "AlphaResult",
    "AnalysisConfig",
    "AnalysisError",
    "AnalysisReport",
    "AnnotatorReliability",
    "Bias",
    "Confusion",
    "CriterionAgreement",
    "DawidSkene",
    "Figure",
    "LengthBias",
    "Leniency",
    "PairAgreement",
    "PositionBias",
    "PreferenceAgreement",
    "RatingsVsPreference",
    "Reliability",
    "SelfConsistency",
    "Transitivity",
    "Warning",
    "analyze",
    "annotator_reliability",
    "cohen_kappa",
    "criterion_agreement",
    "dawid_skene",
    "fleiss_kappa",
    "gold_from_records",
    "krippendorff_alpha",
    "krippendorff_alpha_codes",
    "length_bias",
    "logistic_regression",
    "position_bias",
    "preference_agreement",
    "ratings_vs_preference",
    "raw_agreement",
    "report_html",
    "report_schema",
    "self_consistency",
    "transitivity",
]
