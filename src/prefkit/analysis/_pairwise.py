"""Agreement on pairwise preferences, and on ratings and labels, from the shared views.

Each annotator's *first* judgment of a unit counts (the independent one); later passes belong
to self-consistency and are counted in the unit summary. Preference categories are "first
response wins", "second wins" and "tie" in the unit's orientation, so screen sides never enter.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from prefkit.analysis._results import CriterionAgreement, PreferenceAgreement
from prefkit.analysis._tables import CodeTable
from prefkit.data import AssessmentSet, ComparisonSet

__all__ = ["criterion_agreement", "criterion_table", "preference_agreement", "preference_table"]


def preference_table(comps: ComparisonSet) -> CodeTable:
    """Each annotator's first verdict per unit: 0 first, 1 second, 2 tie."""
    c = comps.columns
    return CodeTable.from_codes(c.unit, c.annotator, c.verdict, c.unit_names, c.annotator_names)


def criterion_table(assess: AssessmentSet, criterion: str, kind: Any) -> CodeTable:
    """Each annotator's first rating or label per unit of one criterion."""
    col = assess.columns(criterion, kind)
    if col is None:
        e = np.zeros(0, dtype=np.int64)
        return CodeTable.from_codes(e, e, [], [], [])
    return CodeTable.from_codes(
        col.unit, col.annotator, col.values, col.unit_names, col.annotator_names
    )


def preference_agreement(
    comps: ComparisonSet, *, bootstrap: int = 1000, seed: int = 0, table: CodeTable | None = None
) -> PreferenceAgreement:
    """Raw agreement, Cohen's κ per annotator pair, Fleiss' κ and nominal α on preferences."""
    t = table if table is not None else preference_table(comps)
    raw, raw_pairs = t.raw()
    cohen, without, _ = t.pairs()
    n = t.raters()
    return PreferenceAgreement(
        units=len(t.units),
        units_with_two_or_more=int((n >= 2).sum()),
        annotators=tuple(t.annotators),
        raw=raw,
        raw_pairs=raw_pairs,
        cohen=cohen,
        pairs_without_overlap=without,
        fleiss=t.fleiss(),
        alpha=t.alpha("nominal", bootstrap=bootstrap, seed=seed),
    )


def criterion_agreement(
    assess: AssessmentSet,
    criterion: str,
    kind: Any,
    *,
    bootstrap: int = 1000,
    seed: int = 0,
    threshold: float = 0.6,
    leniency_threshold: float = 0.125,
    max_categories: int = 10,
) -> CriterionAgreement:
    """Every agreement figure for one rating or label criterion (first value per unit).

    ``leniency_threshold`` is a share of the rating scale's range (0.125: half a point on 1–5,
    12.5 points on 0–100). Dawid–Skene treats values as categories; for ratings with more than
    ``max_categories`` distinct values (a fine scale) it is left out with a note.
    """
    t = criterion_table(assess, criterion, kind)
    is_rating = kind == "rating"
    cohen, without, conf = t.pairs(weighted=is_rating, confusion=not is_rating)
    col = assess.columns(criterion, kind)
    lo, hi = col.scale if col is not None and col.scale else (0, 1)
    skip = None
    if is_rating and t.k > max_categories:
        skip = (
            f"Dawid-Skene treats each value as a category; {t.k} distinct values (a fine "
            "scale) make that meaningless. Read α and leniency instead"
        )
    n = t.raters()
    return CriterionAgreement(
        criterion=criterion,
        kind=kind,
        units=len(t.units),
        units_with_two_or_more=int((n >= 2).sum()),
        annotators=tuple(t.annotators),
        categories=tuple(t.categories),
        summary=assess.summary(criterion),
        raw=t.raw()[0],
        fleiss=t.fleiss(),
        alpha_nominal=t.alpha("nominal", bootstrap=0 if is_rating else bootstrap, seed=seed),
        alpha_ordinal=t.alpha("ordinal", numeric=True) if is_rating else None,
        alpha_interval=(
            t.alpha("interval", numeric=True, bootstrap=bootstrap, seed=seed) if is_rating else None
        ),
        cohen=cohen,
        pairs_without_overlap=without,
        confusion=conf,
        leniency=(
            t.leniency(criterion, threshold=leniency_threshold * (hi - lo)) if is_rating else ()
        ),
        reliability=t.reliability(threshold=threshold, skip_ds=skip),
    )
