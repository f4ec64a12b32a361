"""Agreement over a units × annotators table of categories: the shared core of preference,
rating and label agreement (raw, Cohen per pair, Fleiss, Krippendorff, confusion, Dawid–Skene)."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

import numpy as np

from prefkit.analysis._agreement import (
    AnalysisError,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
)
from prefkit.analysis._reliability import dawid_skene
from prefkit.analysis._results import (
    AlphaFigure,
    AnnotatorReliability,
    Confusion,
    Figure,
    PairAgreement,
    Reliability,
)

__all__ = ["Table", "alpha_figure", "figure"]

Table = Mapping[str, Mapping[str, Hashable]]  # unit -> annotator -> category


def figure(fn: Callable[..., Any], *args: Any, **kw: Any) -> Figure:
    """``fn(*args)`` as a Figure: its value, or None with the AnalysisError's message."""
    try:
        return Figure(float(fn(*args, **kw)))
    except AnalysisError as exc:
        return Figure(None, str(exc))


def alpha_figure(data: np.ndarray, level: str, *, bootstrap: int = 0, seed: int = 0) -> AlphaFigure:
    try:
        r = krippendorff_alpha(data, level, bootstrap=bootstrap, seed=seed)  # type: ignore[arg-type]
    except AnalysisError as exc:
        return AlphaFigure(None, level, note=str(exc))
    return AlphaFigure(r.alpha, r.level, r.units, r.values, r.ci, r.confidence, r.bootstrap, None)


def multi_rated(table: Table) -> dict[str, Mapping[str, Hashable]]:
    return {u: r for u, r in table.items() if len(r) >= 2}


def raw_figure(table: Table) -> tuple[Figure, int]:
    agree = total = 0
    for raters in table.values():
        for x, y in itertools.combinations(raters.values(), 2):
            total += 1
            agree += int(x == y)
    if not total:
        return Figure(None, "no unit was judged by two annotators"), 0
    return Figure(agree / total), total


def pair_rows(
    table: Table,
    annotators: Sequence[str],
    *,
    weighted: bool = False,
    confusion_of: Sequence[Hashable] | None = None,
) -> tuple[tuple[PairAgreement, ...], int, tuple[Confusion, ...]]:
    """Cohen's κ for every annotator pair that shares units; pairs sharing none are counted."""
    shared: dict[tuple[str, str], tuple[list[Hashable], list[Hashable]]] = defaultdict(
        lambda: ([], [])
    )
    for raters in table.values():
        if len(raters) < 2:
            continue
        names = sorted(raters)
        for a, b in itertools.combinations(names, 2):
            la, lb = shared[(a, b)]
            la.append(raters[a])
            lb.append(raters[b])
    rows = []
    confusions = []
    for (a, b), (la, lb) in sorted(shared.items()):
        raw = float(np.mean([x == y for x, y in zip(la, lb, strict=True)]))
        k = figure(cohen_kappa, la, lb)
        lin = quad = None
        note = k.note
        if weighted:
            labels = sorted(set(la) | set(lb))  # type: ignore[type-var]
            lin = figure(cohen_kappa, la, lb, weights="linear", labels=labels).value
            q = figure(cohen_kappa, la, lb, weights="quadratic", labels=labels)
            quad, note = q.value, note or q.note
        rows.append(PairAgreement(a, b, len(la), raw, k.value, lin, quad, note))
        if confusion_of is not None:
            idx = {c: i for i, c in enumerate(confusion_of)}
            m = np.zeros((len(confusion_of), len(confusion_of)), dtype=int)
            for x, y in zip(la, lb, strict=True):
                m[idx[x], idx[y]] += 1
            confusions.append(
                Confusion(
                    a,
                    b,
                    tuple(str(c) for c in confusion_of),
                    tuple(tuple(int(v) for v in row) for row in m),
                )
            )
    n = len(annotators)
    without = n * (n - 1) // 2 - len(rows)
    return tuple(rows), without, tuple(confusions)


def fleiss_figure(table: Table, categories: Sequence[Hashable]) -> Figure:
    multi = multi_rated(table)
    if not multi:
        return Figure(None, "no unit was judged by two annotators")
    sizes = Counter(len(r) for r in multi.values())
    if len(sizes) != 1:
        return Figure(
            None,
            f"Fleiss' kappa needs the same number of raters on every unit; here "
            f"{min(sizes)} to {max(sizes)} ({dict(sorted(sizes.items()))} units by raters). "
            "Krippendorff's alpha allows missing ratings",
        )
    idx = {c: i for i, c in enumerate(categories)}
    t = np.zeros((len(multi), len(categories)))
    for i, raters in enumerate(multi.values()):
        for v in raters.values():
            t[i, idx[v]] += 1
    return figure(fleiss_kappa, t)


def alpha_matrix(
    table: Table, annotators: Sequence[str], code: Callable[[Hashable], float]
) -> np.ndarray:
    """raters × units with NaN for missing (units rated by fewer than two are dropped)."""
    multi = multi_rated(table)
    index = {a: i for i, a in enumerate(annotators)}
    data = np.full((len(annotators), max(len(multi), 1)), np.nan)
    for j, raters in enumerate(multi.values()):
        for a, v in raters.items():
            data[index[a], j] = code(v)
    return data


def reliability(
    table: Table,
    categories: Sequence[Hashable],
    *,
    gold: Mapping[str, Hashable] | None = None,
    threshold: float = 0.6,
    counts: Mapping[str, int] | None = None,
) -> Reliability:
    """Leave-one-out majority, gold accuracy and Dawid–Skene reliability per annotator."""
    rows: dict[str, dict[str, int]] = defaultdict(
        lambda: {"n": 0, "loo_n": 0, "loo_ok": 0, "gold_n": 0, "gold_ok": 0}
    )
    for unit, raters in table.items():
        for a, v in raters.items():
            r = rows[a]
            r["n"] += 1
            others = Counter(o for b, o in raters.items() if b != a)
            if others:
                (top, n_top), *rest = others.most_common()
                if not rest or rest[0][1] < n_top:
                    r["loo_n"] += 1
                    r["loo_ok"] += int(v == top)
            if gold is not None and unit in gold:
                r["gold_n"] += 1
                r["gold_ok"] += int(v == gold[unit])
    idx = {c: i for i, c in enumerate(categories)}
    triples = [
        (u, a, idx[v]) for u, raters in table.items() if len(raters) >= 2 for a, v in raters.items()
    ]
    ds: dict[str, float] = {}
    note = None
    iterations = None
    if not triples:
        note = "Dawid-Skene needs units judged by two or more annotators; there are none"
    elif len(categories) < 2:
        note = "Dawid-Skene needs two or more categories; every judgment is the same"
    else:
        try:
            model = dawid_skene(triples, len(categories))
            ds = dict(zip(model.annotators, map(float, model.reliability), strict=True))
            iterations = model.iterations
        except AnalysisError as exc:
            note = str(exc)
    out = []
    for a, r in sorted(rows.items()):
        loo = r["loo_ok"] / r["loo_n"] if r["loo_n"] else None
        gacc = r["gold_ok"] / r["gold_n"] if r["gold_n"] else None
        rel = ds.get(a)
        reasons = []
        if rel is not None and rel < threshold:
            reasons.append(f"Dawid-Skene reliability {rel:.2f} < {threshold}")
        if gacc is not None and gacc < threshold:
            reasons.append(f"gold accuracy {gacc:.2f} < {threshold} ({r['gold_n']} gold units)")
        out.append(
            AnnotatorReliability(
                annotator=a,
                judgments=counts.get(a, r["n"]) if counts else r["n"],
                loo_majority_agreement=loo,
                loo_items=r["loo_n"],
                gold_accuracy=gacc,
                gold_items=r["gold_n"],
                dawid_skene_reliability=rel,
                flagged=bool(reasons),
                reasons=tuple(reasons),
            )
        )
    return Reliability(threshold, iterations, note, tuple(out))
