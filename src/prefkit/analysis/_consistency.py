"""Self-consistency on repeated pairs, and transitivity of each annotator's preferences."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from prefkit.analysis._agreement import AnalysisError, cohen_kappa
from prefkit.analysis._votes import TIE, Vote

__all__ = ["TRANSITIVITY_RULE", "self_consistency", "transitivity"]

TRANSITIVITY_RULE = (
    "weak transitivity: write a ≽ b when a was preferred to b or tied with it; a triad is "
    "cyclic when ≽ on its three responses is not transitive (a ≽ b and b ≽ c but not a ≽ c). "
    "Without ties these are exactly the circular triads a > b > c > a; with ties, a > b, b > c, "
    "c ~ a and a ~ b, b ~ c, a > c are cyclic too"
)


def self_consistency(votes: Sequence[Vote]) -> dict[str, Any]:
    """Flip rate and κ between the first and the last pass over pairs an annotator judged twice.

    A flip is a *reversal* (one response, then the other) or a *tie flip* (a tie one time, a
    preference the other).
    """
    passes: dict[tuple[str, str], list[Vote]] = defaultdict(list)
    for v in sorted(votes, key=lambda v: v.order):
        passes[(v.annotator, v.unit)].append(v)
    repeated = {k: vs for k, vs in passes.items() if len(vs) >= 2}
    per: dict[str, dict[str, int]] = defaultdict(
        lambda: {"repeats": 0, "reversals": 0, "tie_flips": 0}
    )
    first: list[int] = []
    last: list[int] = []
    for (annotator, _unit), vs in repeated.items():
        a, b = vs[0], vs[-1]
        p = per[annotator]
        p["repeats"] += 1
        if a.winner != b.winner:
            if TIE in (a.winner, b.winner):
                p["tie_flips"] += 1
            else:
                p["reversals"] += 1
        first.append(a.label)
        last.append(b.label)
    if not repeated:
        return {"repeats": 0, "note": "no annotator judged the same pair twice", "annotators": []}
    n = len(repeated)
    rev = sum(p["reversals"] for p in per.values())
    ties = sum(p["tie_flips"] for p in per.values())
    try:
        kappa: float | None = cohen_kappa(first, last)
        note = None
    except AnalysisError as exc:
        kappa, note = None, str(exc)
    rows = [
        {
            "annotator": a,
            **p,
            "flip_rate": (p["reversals"] + p["tie_flips"]) / p["repeats"],
            "reversal_rate": p["reversals"] / p["repeats"],
        }
        for a, p in sorted(per.items())
    ]
    return {
        "repeats": n,
        "flip_rate": (rev + ties) / n,
        "reversal_rate": rev / n,
        "tie_flip_rate": ties / n,
        "kappa_between_passes": kappa,
        "note": note,
        "annotators": rows,
    }


def _geq(rel: dict[tuple[str, str], str], a: str, b: str) -> bool:
    """a ≽ b: a won against b, or they tied."""
    w = rel.get((a, b)) if (a, b) in rel else rel.get((b, a))
    return w in (a, TIE)


def transitivity(votes: Sequence[Vote], *, max_cycles: int = 50) -> dict[str, Any]:
    """Cyclic triads per annotator and overall, Kendall's ζ, and the cycles themselves.

    Kendall & Babington Smith (1940), "On the method of paired comparisons": with d circular
    triads among n objects all compared by one judge, ζ = 1 - 24d / (n³ - n) for odd n and
    1 - 24d / (n³ - 4n) for even n. ζ is reported for complete, tie-free blocks (one annotator,
    one prompt, every pair judged); cycles are counted on every fully judged triad under
    ``TRANSITIVITY_RULE``.
    """
    blocks: dict[tuple[str, str], dict[tuple[str, str], str]] = defaultdict(dict)
    for v in sorted(votes, key=lambda v: v.order):
        blocks[(v.annotator, v.prompt)][(v.first, v.second)] = v.winner  # the latest pass counts
    per: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"triads": 0, "cyclic": 0, "d": 0, "d_max": 0, "blocks": 0}
    )
    cycles: list[dict[str, Any]] = []
    for (annotator, prompt), rel in blocks.items():
        items = sorted({x for pair in rel for x in pair})
        if len(items) < 3:
            continue
        p = per[annotator]
        strict_complete = len(rel) == len(items) * (len(items) - 1) // 2 and TIE not in rel.values()
        d = 0
        for a, b, c in itertools.combinations(items, 3):
            if not all(((x, y) in rel or (y, x) in rel) for x, y in ((a, b), (b, c), (a, c))):
                continue
            p["triads"] += 1
            ok = all(
                not (_geq(rel, x, y) and _geq(rel, y, z)) or _geq(rel, x, z)
                for x, y, z in itertools.permutations((a, b, c))
            )
            if not ok:
                p["cyclic"] += 1
                d += 1
                if len(cycles) < max_cycles:
                    cycles.append(
                        {"annotator": annotator, "prompt": prompt, "responses": [a, b, c]}
                    )
        if strict_complete:
            n = len(items)
            p["d"] += d
            p["d_max"] += (n**3 - n) / 24 if n % 2 else (n**3 - 4 * n) / 24
            p["blocks"] += 1
    if not per:
        return {
            "rule": TRANSITIVITY_RULE,
            "triads": 0,
            "note": "no annotator judged three responses to one prompt pairwise "
            "(campaigns with triads do)",
            "annotators": [],
            "cycles": [],
        }
    rows = []
    for a, p in sorted(per.items()):
        rows.append(
            {
                "annotator": a,
                "triads": p["triads"],
                "cyclic": p["cyclic"],
                "cyclic_rate": p["cyclic"] / p["triads"] if p["triads"] else None,
                "kendall_zeta": 1 - p["d"] / p["d_max"] if p["d_max"] else None,
                "complete_blocks": p["blocks"],
            }
        )
    triads = sum(p["triads"] for p in per.values())
    cyc = sum(p["cyclic"] for p in per.values())
    d_all = sum(p["d"] for p in per.values())
    dmax_all = sum(p["d_max"] for p in per.values())
    return {
        "rule": TRANSITIVITY_RULE,
        "triads": triads,
        "cyclic": cyc,
        "cyclic_rate": cyc / triads if triads else None,
        "kendall_zeta": 1 - d_all / dmax_all if dmax_all else None,
        "note": None if triads else "no fully judged triad",
        "annotators": rows,
        "cycles": cycles,
    }
