"""Agreement on pairwise preferences, and on ratings and labels, from the shared views.

Each annotator's *first* judgment of a unit counts (the independent one); later passes belong
to self-consistency and are counted in the unit summary. Preference categories are "first
response wins", "second wins" and "tie" in the unit's orientation, so screen sides never enter.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

import numpy as np
from scipy import stats

from prefkit.analysis._results import (
    CriterionAgreement,
    Leniency,
    PreferenceAgreement,
)
from prefkit.analysis._tables import (
    alpha_figure,
    alpha_matrix,
    fleiss_figure,
    multi_rated,
    pair_rows,
    raw_figure,
    reliability,
)
from prefkit.data import AssessmentSet, ComparisonSet

__all__ = ["criterion_agreement", "leniency", "preference_agreement", "preference_table"]

PREFERENCE_CATEGORIES = (0, 1, 2)  # first, second, tie


def preference_table(comps: ComparisonSet) -> dict[str, dict[str, Hashable]]:
    """unit -> annotator -> label of the first pass (0 first, 1 second, 2 tie)."""
    return {u: {a: c.label for a, c in r.items()} for u, r in comps.by_unit().items()}


def preference_agreement(
    comps: ComparisonSet, *, bootstrap: int = 1000, seed: int = 0
) -> PreferenceAgreement:
    """Raw agreement, Cohen's κ per annotator pair, Fleiss' κ and nominal α on preferences."""
    table = preference_table(comps)
    annotators = tuple(sorted({a for r in table.values() for a in r}))
    raw, raw_pairs = raw_figure(table)
    cohen, without, _ = pair_rows(table, annotators)
    data = alpha_matrix(table, annotators, lambda v: float(v))  # type: ignore[arg-type]
    alpha = (
        alpha_figure(data, "nominal", bootstrap=bootstrap, seed=seed)
        if multi_rated(table)
        else alpha_figure(np.full((1, 1), np.nan), "nominal")
    )
    return PreferenceAgreement(
        units=len(table),
        units_with_two_or_more=len(multi_rated(table)),
        annotators=annotators,
        raw=raw,
        raw_pairs=raw_pairs,
        cohen=cohen,
        pairs_without_overlap=without,
        fleiss=fleiss_figure(table, PREFERENCE_CATEGORIES),
        alpha=alpha,
    )


def leniency(
    table: Mapping[str, Mapping[str, Hashable]],
    criterion: str,
    *,
    threshold: float = 0.5,
) -> tuple[Leniency, ...]:
    """Per annotator: mean of (own rating − mean of the other raters' ratings of the unit).

    An annotator is flagged when |offset| ≥ ``threshold`` (in scale points) and the 95 %
    interval (t distribution over the annotator's units) excludes 0: a systematic offset, not
    noise. Only units rated by two or more annotators count.
    """
    offsets: dict[str, list[float]] = {}
    own: dict[str, list[float]] = {}
    for raters in table.values():
        if len(raters) < 2:
            continue
        vals = {a: float(v) for a, v in raters.items()}  # type: ignore[arg-type]
        total = sum(vals.values())
        for a, v in vals.items():
            others = (total - v) / (len(vals) - 1)
            offsets.setdefault(a, []).append(v - others)
            own.setdefault(a, []).append(v)
    out = []
    for a in sorted(offsets):
        x = np.asarray(offsets[a])
        m = float(x.mean())
        ci = None
        if x.size >= 2:
            sd = float(x.std(ddof=1))
            h = float(stats.t.ppf(0.975, x.size - 1)) * sd / np.sqrt(x.size)
            ci = (m - h, m + h)
        flagged = abs(m) >= threshold and ci is not None and (ci[0] > 0 or ci[1] < 0)
        out.append(Leniency(a, criterion, int(x.size), float(np.mean(own[a])), m, ci, flagged))
    return tuple(out)


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
    full = assess.table(criterion, kind)
    table = {u: {a: vs[0].value for a, vs in r.items()} for u, r in full.items()}
    annotators = tuple(sorted({a for r in table.values() for a in r}))
    values = sorted(
        {v for r in table.values() for v in r.values()}, key=lambda v: (str(type(v)), v)
    )
    index = {v: i for i, v in enumerate(values)}
    raw, _ = raw_figure(table)
    is_rating = kind == "rating"
    cohen, without, conf = pair_rows(
        table, annotators, weighted=is_rating, confusion_of=None if is_rating else values
    )
    any_multi = bool(multi_rated(table))
    scales = {a.scale for r in full.values() for vs in r.values() for a in vs if a.scale}
    lo = min((s[0] for s in scales), default=0)
    hi = max((s[1] for s in scales), default=1)
    if is_rating and len(values) > max_categories:
        rel = reliability({}, values, threshold=threshold)
        rel = type(rel)(
            rel.threshold,
            None,
            f"Dawid-Skene treats each value as a category; {len(values)} distinct values (a "
            f"fine scale) make that meaningless. Read α and leniency instead",
            (),
        )
    else:
        rel = reliability(table, values, threshold=threshold)

    def alpha(level: str, code: Any, boot: int) -> Any:
        if not any_multi:
            return alpha_figure(np.full((1, 1), np.nan), level)
        data = alpha_matrix(table, annotators, code)
        return alpha_figure(data, level, bootstrap=boot, seed=seed)

    nominal = alpha("nominal", lambda v: float(index[v]), 0 if is_rating else bootstrap)
    ordinal = alpha("ordinal", float, 0) if is_rating else None
    interval = alpha("interval", float, bootstrap) if is_rating else None
    return CriterionAgreement(
        criterion=criterion,
        kind=kind,
        units=len(table),
        units_with_two_or_more=sum(1 for r in table.values() if len(r) >= 2),
        annotators=annotators,
        categories=tuple(values),
        summary=assess.summary(criterion),
        raw=raw,
        fleiss=fleiss_figure(table, values),
        alpha_nominal=nominal,
        alpha_ordinal=ordinal,
        alpha_interval=interval,
        cohen=cohen,
        pairs_without_overlap=without,
        confusion=conf,
        leniency=(
            leniency(table, criterion, threshold=leniency_threshold * (hi - lo))
            if is_rating
            else ()
        ),
        reliability=rel,
    )
