"""Agreement on pairwise preferences and on Likert ratings, from votes.

Each annotator's latest vote on a pair counts (earlier passes of repeated pairs belong to
self-consistency). Categories are "first response wins", "second wins", "tie", with the pair
oriented by response identity, so screen sides never enter agreement.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from prefkit.analysis._agreement import (
    AnalysisError,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
)
from prefkit.analysis._votes import Vote

__all__ = ["latest", "preference_agreement", "rating_agreement"]


def latest(votes: Sequence[Vote]) -> dict[str, dict[str, Vote]]:
    """unit -> annotator -> that annotator's last vote on the unit."""
    out: dict[str, dict[str, Vote]] = {}
    for v in sorted(votes, key=lambda v: v.order):
        out.setdefault(v.unit, {})[v.annotator] = v
    return out


def _figure(fn: Any, *args: Any, **kw: Any) -> dict[str, Any]:
    try:
        value = fn(*args, **kw)
    except AnalysisError as exc:
        return {"value": None, "note": str(exc)}
    if hasattr(value, "to_dict"):
        return {**value.to_dict(), "value": value.alpha, "note": None}
    return {"value": float(value), "note": None}


def preference_agreement(
    votes: Sequence[Vote], *, bootstrap: int = 1000, seed: int = 0
) -> dict[str, Any]:
    by_unit = latest(votes)
    annotators = sorted({a for u in by_unit.values() for a in u})
    multi = {u: r for u, r in by_unit.items() if len(r) >= 2}
    out: dict[str, Any] = {
        "units": len(by_unit),
        "units_with_two_or_more": len(multi),
        "annotators": annotators,
    }
    # raw agreement over all annotator pairs on the same unit
    agree = total = 0
    for raters in multi.values():
        for x, y in itertools.combinations(raters.values(), 2):
            total += 1
            agree += int(x.winner == y.winner)
    out["raw"] = (
        {"value": agree / total, "pairs": total, "note": None}
        if total
        else {"value": None, "pairs": 0, "note": "no pair was judged by two annotators"}
    )
    pairs = []
    for a, b in itertools.combinations(annotators, 2):
        shared = [u for u, r in multi.items() if a in r and b in r]
        la = [multi[u][a].label for u in shared]
        lb = [multi[u][b].label for u in shared]
        row: dict[str, Any] = {"a": a, "b": b, "items": len(shared)}
        if not shared:
            row |= {"raw": None, "kappa": None, "note": "no pair judged by both"}
        else:
            row["raw"] = float(np.mean(np.equal(la, lb)))
            k = _figure(cohen_kappa, la, lb)
            row |= {"kappa": k["value"], "note": k["note"]}
        pairs.append(row)
    out["cohen"] = pairs
    sizes = {len(r) for r in multi.values()}
    if not multi:
        out["fleiss"] = {"value": None, "note": "no pair was judged by two annotators"}
    elif len(sizes) != 1:
        out["fleiss"] = {
            "value": None,
            "note": f"Fleiss' kappa needs the same number of raters per pair; here {min(sizes)} "
            f"to {max(sizes)}. See Krippendorff's alpha",
        }
    else:
        table = np.zeros((len(multi), 3))
        for i, raters in enumerate(multi.values()):
            for v in raters.values():
                table[i, v.label] += 1
        out["fleiss"] = _figure(fleiss_kappa, table)
    if multi:
        index = {a: i for i, a in enumerate(annotators)}
        data = np.full((len(annotators), len(multi)), np.nan)
        for j, raters in enumerate(multi.values()):
            for a, v in raters.items():
                data[index[a], j] = v.label
        out["alpha_nominal"] = _figure(
            krippendorff_alpha, data, "nominal", bootstrap=bootstrap, seed=seed
        )
    else:
        out["alpha_nominal"] = {"value": None, "note": "no pair was judged by two annotators"}
    return out


def rating_agreement(
    units: dict[str, dict[str, dict[str, int]]], *, bootstrap: int = 1000, seed: int = 0
) -> dict[str, Any]:
    """Per criterion: α (interval and ordinal) and quadratic-weighted Cohen's κ per pair."""
    out: dict[str, Any] = {}
    for crit, by_unit in sorted(units.items()):
        annotators = sorted({a for r in by_unit.values() for a in r})
        index = {a: i for i, a in enumerate(annotators)}
        keys = list(by_unit)
        data = np.full((len(annotators), len(keys)), np.nan)
        for j, k in enumerate(keys):
            for a, v in by_unit[k].items():
                data[index[a], j] = v
        entry: dict[str, Any] = {"responses": len(keys), "annotators": annotators}
        entry["alpha_interval"] = _figure(
            krippendorff_alpha, data, "interval", bootstrap=bootstrap, seed=seed
        )
        entry["alpha_ordinal"] = _figure(krippendorff_alpha, data, "ordinal")
        pairs = []
        for a, b in itertools.combinations(annotators, 2):
            shared = [k for k in keys if a in by_unit[k] and b in by_unit[k]]
            la = [by_unit[k][a] for k in shared]
            lb = [by_unit[k][b] for k in shared]
            if not shared:
                pairs.append(
                    {
                        "a": a,
                        "b": b,
                        "items": 0,
                        "kappa_linear": None,
                        "kappa_quadratic": None,
                        "note": "no response rated by both",
                    }
                )
                continue
            labels = sorted(set(la) | set(lb))
            fig = _figure(cohen_kappa, la, lb, weights="quadratic", labels=labels)
            lin = _figure(cohen_kappa, la, lb, weights="linear", labels=labels)
            pairs.append(
                {
                    "a": a,
                    "b": b,
                    "items": len(shared),
                    "kappa_linear": lin["value"],
                    "kappa_quadratic": fig["value"],
                    "note": fig["note"],
                }
            )
        entry["cohen_quadratic"] = pairs
        out[crit] = entry
    return out
