"""Self-consistency on repeated pairs, and transitivity of each annotator's preferences."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from prefkit._arrays import distinct
from prefkit.analysis._agreement import AnalysisError, cohen_kappa
from prefkit.analysis._results import (
    Cycle,
    PassPair,
    SelfConsistency,
    Transitivity,
    TransitivityRow,
)
from prefkit.data import Comparison, ComparisonSet

TIE = "tie"
_VERDICTS = ("first", "second", "tie")


class _Row(NamedTuple):
    """The few fields of a comparison that consistency and transitivity read."""

    annotator: str
    unit: str
    order: int
    verdict: str
    label: int
    prompt_key: str
    first: str
    second: str
    winner: str


def _rows(comps: ComparisonSet | Sequence[Comparison], keep: np.ndarray | None) -> list[Any]:
    if not isinstance(comps, ComparisonSet):
        return list(comps)
    c = comps.columns
    idx = np.flatnonzero(keep) if keep is not None else np.arange(len(c))
    out = []
    for k in idx.tolist():
        v = int(c.verdict[k])
        first, second = c.key_names[int(c.first[k])], c.key_names[int(c.second[k])]
        out.append(
            _Row(
                c.annotator_names[int(c.annotator[k])],
                c.unit_names[int(c.unit[k])],
                int(c.order[k]),
                _VERDICTS[v],
                v,
                c.prompt_names[int(c.prompt[k])],
                first,
                second,
                first if v == 0 else second if v == 1 else TIE,
            )
        )
    return out


def _repeated(comps: ComparisonSet) -> np.ndarray:
    """Rows whose (annotator, unit) has two or more passes."""
    c = comps.columns
    if not len(c):
        return np.zeros(0, dtype=bool)
    key = c.unit * (len(c.annotator_names) or 1) + c.annotator
    _, inv, counts = np.unique(key, return_inverse=True, return_counts=True)
    return counts[inv] >= 2


def _in_triads(comps: ComparisonSet) -> np.ndarray:
    """Rows in a block (annotator, prompt) with three or more responses.

    Only they can form a triad.
    """
    c = comps.columns
    if not len(c):
        return np.zeros(0, dtype=bool)
    block = c.annotator * (len(c.prompt_names) or 1) + c.prompt
    n_keys = max(len(c.key_names), 1)
    joint = distinct(np.concatenate([block * n_keys + c.first, block * n_keys + c.second]))
    blocks, n = np.unique(joint // n_keys, return_counts=True)
    return np.isin(block, blocks[n >= 3])


__all__ = ["TRANSITIVITY_RULE", "self_consistency", "transitivity"]

TRANSITIVITY_RULE = (
    "weak transitivity: write a ≽ b when a was preferred to b or tied with it; a triad is "
    "cyclic when ≽ on its three responses is not transitive (a ≽ b and b ≽ c but not a ≽ c). "
    "Without ties these are exactly the circular triads a > b > c > a; with ties, a > b, b > c, "
    "c ~ a and a ~ b, b ~ c, a > c are cyclic too"
)


def self_consistency(comps: ComparisonSet | Sequence[Comparison]) -> SelfConsistency:
    """Flip rates and κ over every pair of passes of units an annotator judged more than once.

    With k passes of one unit by one annotator, all k·(k−1)/2 pairs of passes are compared (so
    a third pass is never ignored). A flip is a *reversal* (one response, then the other) or a
    *tie flip* (a tie one time, a preference the other). κ is Cohen's between the earlier and
    the later pass of each pair.
    """
    passes_in = _rows(comps, _repeated(comps) if isinstance(comps, ComparisonSet) else None)
    passes: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for v in sorted(passes_in, key=lambda v: v.order):
        passes[(v.annotator, v.unit)].append(v)
    repeated = {k: vs for k, vs in passes.items() if len(vs) >= 2}
    if not repeated:
        return SelfConsistency(
            0, 0, None, None, None, None, "no annotator judged the same unit twice", ()
        )
    per: dict[str, dict[str, int]] = defaultdict(
        lambda: {"units": 0, "pairs": 0, "reversals": 0, "tie_flips": 0}
    )
    earlier: list[int] = []
    later: list[int] = []
    for (annotator, _unit), vs in repeated.items():
        p = per[annotator]
        p["units"] += 1
        for a, b in itertools.combinations(vs, 2):
            p["pairs"] += 1
            if a.verdict != b.verdict:
                if "tie" in (a.verdict, b.verdict):
                    p["tie_flips"] += 1
                else:
                    p["reversals"] += 1
            earlier.append(a.label)
            later.append(b.label)
    n = sum(p["pairs"] for p in per.values())
    rev = sum(p["reversals"] for p in per.values())
    ties = sum(p["tie_flips"] for p in per.values())
    try:
        kappa: float | None = cohen_kappa(earlier, later)
        note = None
    except AnalysisError as exc:
        kappa, note = None, str(exc)
    rows = tuple(
        PassPair(
            a,
            p["units"],
            p["pairs"],
            p["reversals"],
            p["tie_flips"],
            (p["reversals"] + p["tie_flips"]) / p["pairs"],
            p["reversals"] / p["pairs"],
        )
        for a, p in sorted(per.items())
    )
    return SelfConsistency(len(repeated), n, (rev + ties) / n, rev / n, ties / n, kappa, note, rows)


def _geq(rel: dict[tuple[str, str], str], a: str, b: str) -> bool:
    """A ≽ b: a won against b, or they tied."""
    w = rel.get((a, b)) if (a, b) in rel else rel.get((b, a))
    return w in (a, TIE)


def transitivity(
    comps: ComparisonSet | Sequence[Comparison], *, max_cycles: int = 50
) -> Transitivity:
    """Cyclic triads per annotator and overall, Kendall's ζ, and the cycles themselves.

    Kendall & Babington Smith (1940), "On the method of paired comparisons": with d circular
    triads among n objects all compared by one judge, ζ = 1 - 24d / (n³ - n) for odd n and
    1 - 24d / (n³ - 4n) for even n. ζ is reported for complete, tie-free blocks (one annotator,
    one prompt, every pair judged); cycles are counted on every fully judged triad under
    ``TRANSITIVITY_RULE``.
    """
    edges = _rows(comps, _in_triads(comps) if isinstance(comps, ComparisonSet) else None)
    blocks: dict[tuple[str, str], dict[tuple[str, str], str]] = defaultdict(dict)
    for v in sorted(edges, key=lambda v: v.order):
        # each annotator's first pass over a pair counts, as in agreement
        blocks[(v.annotator, v.prompt_key)].setdefault(_edge(v), v.winner)
    per: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"triads": 0, "cyclic": 0, "d": 0, "d_max": 0, "blocks": 0}
    )
    cycles: list[Cycle] = []
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
                    cycles.append(Cycle(annotator, prompt, (a, b, c)))
        if strict_complete:
            n = len(items)
            p["d"] += d
            p["d_max"] += (n**3 - n) / 24 if n % 2 else (n**3 - 4 * n) / 24
            p["blocks"] += 1
    if not per:
        return Transitivity(
            TRANSITIVITY_RULE,
            0,
            0,
            None,
            None,
            "no annotator judged three responses to one prompt pairwise (campaigns with triads do)",
            (),
            (),
        )
    rows = tuple(
        TransitivityRow(
            a,
            p["triads"],
            p["cyclic"],
            p["cyclic"] / p["triads"] if p["triads"] else None,
            1 - p["d"] / p["d_max"] if p["d_max"] else None,
            p["blocks"],
        )
        for a, p in sorted(per.items())
    )
    triads = sum(p["triads"] for p in per.values())
    cyc = sum(p["cyclic"] for p in per.values())
    d_all = sum(p["d"] for p in per.values())
    dmax_all = sum(p["d_max"] for p in per.values())
    return Transitivity(
        TRANSITIVITY_RULE,
        triads,
        cyc,
        cyc / triads if triads else None,
        1 - d_all / dmax_all if dmax_all else None,
        None if triads else "no fully judged triad",
        rows,
        tuple(cycles),
    )


def _edge(v: Any) -> tuple[str, str]:
    return (v.first, v.second) if v.first < v.second else (v.second, v.first)
