"""Inputs where the reference packages stay silent or crash: prefkit says what is wrong."""

from __future__ import annotations

import math

import numpy as np
import pytest

from prefkit.analysis import AnalysisError, cohen_kappa, fleiss_kappa, krippendorff_alpha

sklearn_metrics = pytest.importorskip("sklearn.metrics")


def test_labels_outside_labels_are_ignored_as_scikit_learn_does() -> None:
    a, b = [0, 1, 2, 1, 0, 2], [0, 1, 1, 1, 2, 2]
    ours = cohen_kappa(a, b, labels=[0, 1])
    assert ours == pytest.approx(sklearn_metrics.cohen_kappa_score(a, b, labels=[0, 1]))
    with pytest.raises(AnalysisError, match=r"with labels in \[5\]"):
        cohen_kappa(a, b, labels=[5])


@pytest.mark.parametrize("missing", [math.nan, None, np.float64("nan")])
def test_a_missing_label_is_refused_not_made_a_category(missing: object) -> None:
    # scikit-learn makes NaN a category and answers 0.444 for these lists
    with pytest.raises(AnalysisError, match=r"a\[2\] is missing .*Krippendorff's alpha"):
        cohen_kappa([1, 2, missing, 1], [1, 2, 2, 1])


def test_mixed_label_types_are_named() -> None:
    with pytest.raises(AnalysisError, match=r"mix types \(number, str\)"):
        cohen_kappa([1, "1", 2], [1, 1, 2])


def test_fleiss_names_the_bad_cell() -> None:
    with pytest.raises(AnalysisError, match=r"table\[1\]\[0\] is nan"):
        fleiss_kappa([[1, 1], [math.nan, 2]])
    with pytest.raises(AnalysisError, match=r"table\[0\]\[1\] is -1.0"):
        fleiss_kappa([[3, -1], [1, 1]])


def test_alpha_takes_string_labels_like_the_krippendorff_package() -> None:
    krippendorff = pytest.importorskip("krippendorff")
    data = [["a", "b", None, "a"], ["a", "b", "b", "b"], ["a", "a", "b", "b"]]
    ref = krippendorff.alpha(  # the package reads the string "nan" as missing
        np.array([["nan" if v is None else v for v in r] for r in data]),
        level_of_measurement="nominal",
    )
    assert krippendorff_alpha(data).alpha == pytest.approx(ref, abs=1e-12)
