"""Trust the labels: agreement, self-consistency, transitivity, bias and annotator reliability.

Low-level statistics take arrays (``cohen_kappa``, ``fleiss_kappa``, ``krippendorff_alpha``);
``analyze(records)`` computes every figure for canonical records and ``report_html`` renders
them. Undefined statistics raise :class:`AnalysisError` (or appear with a ``note``), never NaN.
"""

from prefkit.analysis._agreement import (
    AlphaResult,
    AnalysisError,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    raw_agreement,
)
from prefkit.analysis._bias import (
    length_bias,
    logistic_regression,
    position_bias,
    ratings_vs_preference,
)
from prefkit.analysis._consistency import TRANSITIVITY_RULE, self_consistency, transitivity
from prefkit.analysis._pairwise import preference_agreement, rating_agreement
from prefkit.analysis._reliability import DawidSkene, annotator_reliability, dawid_skene
from prefkit.analysis._report import SCHEMA_VERSION, analyze, gold_from_records, report_html
from prefkit.analysis._votes import Vote, rating_units, votes_from_records

__all__ = [
    "SCHEMA_VERSION",
    "TRANSITIVITY_RULE",
    "AlphaResult",
    "AnalysisError",
    "DawidSkene",
    "Vote",
    "analyze",
    "annotator_reliability",
    "cohen_kappa",
    "dawid_skene",
    "fleiss_kappa",
    "gold_from_records",
    "krippendorff_alpha",
    "length_bias",
    "logistic_regression",
    "position_bias",
    "preference_agreement",
    "rating_agreement",
    "rating_units",
    "ratings_vs_preference",
    "raw_agreement",
    "report_html",
    "self_consistency",
    "transitivity",
    "votes_from_records",
]
