"""The reference packages' own test cases, run through prefkit's API (golden JSON files).

Each case in ``golden/*.json`` names the test it comes from (``source``) and the number that test
asserts; prefkit must give the same number, or, where the reference raises, a clear
``AnalysisError`` / ``RankingError`` (whose wording is checked: prefkit says what to do).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from prefkit.analysis import AnalysisError, cohen_kappa, fleiss_kappa, krippendorff_alpha
from prefkit.ranking import Outcomes, RankingError
from prefkit.ranking._bt import aggregate, fit_pairs  # the solvers under test
from prefkit.ranking._models import fit_joint

GOLDEN = Path(__file__).parent / "golden"
CASES = [
    pytest.param(case, id=f"{path.stem}:{i}:{case['desc'][:40]}")
    for path in sorted(GOLDEN.glob("*.json"))
    if path.stem in ("krippendorff", "kappa", "choix")
    for i, case in enumerate(json.loads(path.read_text()))
]


def _nan(rows: list[list[Any]]) -> list[list[Any]]:
    return [[np.nan if v is None else v for v in r] for r in rows]


def _expand(table: list[list[int]]) -> tuple[list[int], list[int]]:
    """A contingency table back to two raters' label lists."""
    a: list[int] = []
    b: list[int] = []
    for i, row in enumerate(table):
        for j, n in enumerate(row):
            a += [i] * n
            b += [j] * n
    return a, b


def run(case: dict[str, Any]) -> Any:
    fn = case["fn"]
    if fn == "alpha":
        return krippendorff_alpha(
            _nan(case["data"]), case["level"], domain=case.get("domain")
        ).alpha
    if fn == "alpha_counts":  # units x values counts -> a coders x units matrix
        counts = np.asarray(case["counts"])
        coders = int(counts.sum(axis=1).max())
        data = np.full((coders, counts.shape[0]), np.nan)
        for u, row in enumerate(counts):
            vals = [v + 1 for v, n in enumerate(row) for _ in range(int(n))]
            data[: len(vals), u] = vals
        return krippendorff_alpha(data, case["level"]).alpha
    if fn == "cohen":
        return cohen_kappa(
            case["a"], case["b"], weights=case.get("weights"), labels=case.get("labels")
        )
    if fn == "cohen_table":
        a, b = _expand(case["table"])
        return cohen_kappa(a, b, weights=case.get("weights"))
    if fn == "fleiss":
        return fleiss_kappa(case["table"])
    if fn == "fleiss_subjects":
        subjects = np.asarray(case["subjects"])
        cats = np.unique(subjects)
        return fleiss_kappa((subjects[:, :, None] == cats).sum(axis=1))
    if fn == "bt_pairs":
        n = case["n_items"]
        rows = [(str(w), str(loser), 1.0) for w, loser in case["data"]]
        comp = Outcomes.from_tuples(rows, also=[str(i) for i in range(n)])
        theta, _, _ = fit_pairs(aggregate(comp))
        order = [comp.items.index(str(i)) for i in range(n)]
        s = np.exp(theta[order])
        return list(s / s.sum() * n)
    if fn == "pl_rankings":
        theta, _ = fit_joint(case["n_items"], None, case["data"])
        return list(theta - theta.mean())
    raise AssertionError(f"unknown fn {fn!r}")


@pytest.mark.parametrize("case", CASES)
def test_reference_case(case: dict[str, Any]) -> None:
    if "raises" in case:
        with pytest.raises((AnalysisError, RankingError), match=case["raises"]):
            run(case)
        return
    got = run(case)
    expected = case.get("expected", case.get("strengths", case.get("ml_est")))
    places = case["places"]
    if isinstance(expected, list):
        assert np.allclose(got, expected, atol=10**-places), (got, expected)
    else:
        assert round(float(got), places) == pytest.approx(expected, abs=10**-places), got


def test_there_are_cases_from_every_reference() -> None:
    sources = {c.values[0]["source"].split()[0] for c in CASES}  # type: ignore[index]
    assert {"krippendorff", "scikit-learn", "statsmodels", "choix"} <= sources
