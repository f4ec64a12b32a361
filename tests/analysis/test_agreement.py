"""Agreement statistics against reference implementations, on random data, to 1e-9."""

from __future__ import annotations

import numpy as np
import pytest

from prefkit.analysis import (
    AnalysisError,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    raw_agreement,
)

krippendorff = pytest.importorskip("krippendorff")
sklearn_metrics = pytest.importorskip("sklearn.metrics")
inter_rater = pytest.importorskip("statsmodels.stats.inter_rater")


@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_cohen_matches_scikit_learn(weights: str | None) -> None:
    rng = np.random.default_rng(7)
    for trial in range(25):
        k = int(rng.integers(2, 7))
        n = int(rng.integers(5, 400))
        a = rng.integers(0, k, n)
        b = np.where(rng.random(n) < rng.random(), a, rng.integers(0, k, n))
        if len(set(a) | set(b)) < 2:
            continue
        ours = cohen_kappa(list(a), list(b), weights=weights)  # type: ignore[arg-type]
        ref = sklearn_metrics.cohen_kappa_score(a, b, weights=weights)
        assert ours == pytest.approx(ref, abs=1e-9), trial


def test_fleiss_matches_statsmodels() -> None:
    rng = np.random.default_rng(8)
    for _trial in range(25):
        cats, raters, items = (
            int(rng.integers(2, 6)),
            int(rng.integers(2, 9)),
            int(rng.integers(3, 300)),
        )
        table = rng.multinomial(raters, rng.dirichlet(np.ones(cats)), size=items)
        assert fleiss_kappa(table) == pytest.approx(inter_rater.fleiss_kappa(table), abs=1e-9)


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_krippendorff_matches_the_krippendorff_package(level: str) -> None:
    rng = np.random.default_rng(9)
    for trial in range(20):
        raters, units = int(rng.integers(2, 8)), int(rng.integers(5, 300))
        values = int(rng.integers(2, 8))
        truth = rng.integers(1, values + 1, units)
        x = np.where(
            rng.random((raters, units)) < 0.7, truth, rng.integers(1, values + 1, (raters, units))
        )
        x = x.astype(float)
        x[rng.random(x.shape) < 0.25] = np.nan
        if level in ("interval", "ratio") and trial % 2:
            x = x + np.round(rng.normal(0, 0.3, x.shape), 2)  # many distinct values
        ours = krippendorff_alpha(x, level).alpha  # type: ignore[arg-type]
        ref = krippendorff.alpha(reliability_data=x, level_of_measurement=level)
        assert ours == pytest.approx(ref, abs=1e-9), (level, trial)


def test_bootstrap_interval_is_seeded_and_brackets_alpha() -> None:
    rng = np.random.default_rng(3)
    truth = rng.integers(1, 6, 400)
    x = np.where(rng.random((4, 400)) < 0.8, truth, rng.integers(1, 6, (4, 400))).astype(float)
    a = krippendorff_alpha(x, "interval", bootstrap=300, seed=1)
    b = krippendorff_alpha(x, "interval", bootstrap=300, seed=1)
    assert a.ci == b.ci and a.ci is not None
    assert a.ci[0] < a.alpha < a.ci[1] and a.ci[1] - a.ci[0] < 0.2
    assert a.units == 400 and a.values == 1600


def test_degenerate_cases_say_why() -> None:
    with pytest.raises(AnalysisError, match="single category"):
        cohen_kappa(["a", "a", "a"], ["a", "a", "a"])
    with pytest.raises(AnalysisError, match="label 3 and 2 items"):
        cohen_kappa([1, 2, 3], [1, 2])
    with pytest.raises(AnalysisError, match="same number of raters"):
        fleiss_kappa([[2, 1], [1, 1]])
    with pytest.raises(AnalysisError, match="every rating is the same category"):
        fleiss_kappa([[3, 0], [3, 0]])
    with pytest.raises(AnalysisError, match="no unit was rated twice"):
        krippendorff_alpha([[1.0, np.nan], [np.nan, 2.0]])  # one rating per unit
    with pytest.raises(AnalysisError, match="every pairable value is 4"):
        krippendorff_alpha([[4.0, 4.0], [4.0, 4.0]], "interval")
    with pytest.raises(AnalysisError, match="unknown level"):
        krippendorff_alpha([[1, 2], [1, 2]], "cardinal")  # type: ignore[arg-type]
    with pytest.raises(AnalysisError, match="no item"):
        raw_agreement([], [])
    assert raw_agreement([1, 2, 3, 4], [1, 2, 3, 1]) == 0.75


def test_squality_interval_alpha_matches_the_published_figures(shared_data) -> None:  # type: ignore[no-untyped-def]
    from prefkit.analysis import analyze
    from prefkit.data import read_records

    recs = read_records(shared_data / "squality" / "all-responses.jsonl", "squality")
    for unit in ("item", "content"):  # SQuALITY's items have distinct texts: both agree
        rep = analyze(recs, unit=unit, bootstrap=0)
        got = {c.criterion: round(c.alpha_interval.value, 3) for c in rep.ratings}  # type: ignore[union-attr]
        assert got == {"overall": 0.798, "selection": 0.781, "correctness": 0.459}
        assert all(c.units == 300 for c in rep.ratings)


@pytest.mark.parametrize("level", ["nominal", "interval"])
def test_batched_bootstrap_equals_one_replicate_at_a_time(level: str) -> None:
    from prefkit.analysis._agreement import _UnitStats

    rng = np.random.default_rng(3)
    x = rng.integers(1, 6, (4, 300)).astype(float)
    x[rng.random(x.shape) < 0.3] = np.nan
    present = ~np.isnan(x)
    cols = np.nonzero(present.T)
    stats = _UnitStats.from_codes(cols[0], x.T[present.T], level)
    ws = np.stack([np.bincount(rng.integers(0, stats.units, stats.units), minlength=stats.units)
                   for _ in range(50)]).astype(float)  # fmt: skip
    one = np.array([stats.alpha(w, strict=False) for w in ws])
    assert np.allclose(stats.alphas(ws), one, atol=1e-12)
    res = krippendorff_alpha(x, level, bootstrap=200, seed=1)  # type: ignore[arg-type]
    assert res.ci is not None and res.ci[0] < res.alpha < res.ci[1]
