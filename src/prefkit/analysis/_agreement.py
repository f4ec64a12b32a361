"""Inter-annotator agreement: raw agreement, Cohen's κ, Fleiss' κ, Krippendorff's α.

Each function takes plain arrays, cites its source, and raises :class:`AnalysisError` with a
sentence a person can act on where the statistic is undefined (one category, no pairable
values, unequal numbers of raters) instead of returning NaN.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from prefkit._arrays import distinct
from prefkit.errors import AnalysisError

__all__ = [
    "AlphaResult",
    "AnalysisError",
    "cohen_kappa",
    "fleiss_kappa",
    "krippendorff_alpha",
    "krippendorff_alpha_codes",
    "raw_agreement",
]

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS = ("nominal", "ordinal", "interval", "ratio")


def raw_agreement(a: Sequence[Any], b: Sequence[Any]) -> float:
    """The share of items on which two raters gave the same label."""
    if len(a) != len(b):
        raise AnalysisError(f"the two raters label {len(a)} and {len(b)} items; pair them first")
    if not len(a):
        raise AnalysisError("no item was labelled by both raters")
    return float(np.mean([x == y for x, y in zip(a, b, strict=True)]))


def cohen_kappa(
    a: Sequence[Any],
    b: Sequence[Any],
    *,
    weights: Literal["linear", "quadratic"] | None = None,
    labels: Sequence[Any] | None = None,
) -> float:
    """Cohen's κ for two raters; weighted (linear or quadratic) for ordered labels.

    Cohen (1960), "A coefficient of agreement for nominal scales"; weighted: Cohen (1968).
    κ = 1 - Σ w·O / Σ w·E with O the confusion matrix and E its expectation under independent
    marginals; w is 1 off the diagonal (unweighted), |i-j| (linear) or (i-j)² (quadratic), with
    i, j positions in ``labels`` (default: the sorted labels seen). Same as scikit-learn's
    ``cohen_kappa_score``.
    """
    if len(a) != len(b):
        raise AnalysisError(f"the two raters label {len(a)} and {len(b)} items; pair them first")
    if weights not in (None, "linear", "quadratic"):
        raise AnalysisError(f"unknown weights {weights!r}; expected None, 'linear' or 'quadratic'")
    a, b = _plain(a, "a"), _plain(b, "b")
    if labels is not None:
        # scikit-learn's rule: only items both of whose labels are in ``labels`` count
        cats = _plain(labels, "labels")
        if len(set(cats)) != len(cats):
            raise AnalysisError(f"labels={cats} repeats a label; list each once")
        allowed = set(cats)
        keep = [x in allowed and y in allowed for x, y in zip(a, b, strict=True)]
        a = [x for x, k in zip(a, keep, strict=True) if k]
        b = [y for y, k in zip(b, keep, strict=True) if k]
    else:
        cats = _sorted_labels(set(a) | set(b))
    if not len(a):
        raise AnalysisError(
            "no item was labelled by both raters"
            + (f" with labels in {cats}" if labels is not None else "")
        )
    index = {c: i for i, c in enumerate(cats)}
    k = len(cats)
    ia = np.fromiter((index[x] for x in a), int, len(a))
    ib = np.fromiter((index[x] for x in b), int, len(b))
    confusion = np.bincount(ia * k + ib, minlength=k * k).reshape(k, k).astype(float)
    value = kappa_from_confusion(confusion, weights)
    if value is None:
        raise AnalysisError(
            "Cohen's kappa is undefined: both raters used a single category throughout "
            f"({cats[int(ia[0])]!r}), so chance agreement is already perfect"
        )
    return value


def kappa_from_confusion(
    confusion: np.ndarray, weights: Literal["linear", "quadratic"] | None = None
) -> float | None:
    """Cohen's κ from a k × k confusion matrix.

    Cohen's κ from a k × k confusion matrix (rows: one rater's categories, columns: the
    other's, in one order); None where it is undefined (chance agreement already perfect).
    """
    m = np.asarray(confusion, dtype=float)
    k = m.shape[0]
    expected = np.outer(m.sum(axis=1), m.sum(axis=0)) / m.sum()
    grid = np.subtract.outer(np.arange(k), np.arange(k))
    if weights is None:
        w = (grid != 0).astype(float)
    elif weights == "linear":
        w = np.abs(grid).astype(float)
    else:
        w = (grid**2).astype(float)
    denom = float((w * expected).sum())
    if denom == 0:
        return None
    return 1.0 - float((w * m).sum()) / denom


def _missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _plain(values: Sequence[Any], name: str) -> list[Any]:
    """Labels as plain Python values (numpy scalars unwrapped); missing ones are refused."""
    if isinstance(values, list) and set(map(type, values)) <= {int, str}:
        return values  # the common case: nothing to unwrap, nothing missing
    out = [v.item() if isinstance(v, np.generic) else v for v in values]
    for i, v in enumerate(out):
        if _missing(v):
            raise AnalysisError(
                f"{name}[{i}] is missing ({v!r}); Cohen's kappa needs a label from both raters "
                "on every item: drop the items one rater did not label, or use Krippendorff's "
                "alpha, which allows missing values"
            )
    return out


def _sorted_labels(values: set[Any]) -> list[Any]:
    kinds = {("number" if isinstance(v, int | float) and not isinstance(v, bool) else
              type(v).__name__) for v in values}  # fmt: skip
    if len(kinds) > 1:
        shown = sorted(kinds)
        raise AnalysisError(
            f"the labels mix types ({', '.join(shown)}): e.g. 1 and '1' would count as different "
            "categories. Give every label the same type, or pass labels=[...] in the order wanted"
        )
    return sorted(values)


def fleiss_kappa(table: Any) -> float:
    """Fleiss' κ from an items × categories table of counts (each row: one item's raters).

    Fleiss (1971), "Measuring nominal scale agreement among many raters". Every item must have
    the same number of raters; same as statsmodels' ``fleiss_kappa(table, method="fleiss")``.
    """
    try:
        t = np.asarray(table, dtype=float)
    except (TypeError, ValueError):
        raise AnalysisError(
            "Fleiss' kappa needs an items × categories table of counts (numbers)"
        ) from None
    if t.ndim != 2 or t.shape[0] == 0:
        raise AnalysisError(
            "Fleiss' kappa needs an items × categories table with at least one item"
        )
    bad = ~np.isfinite(t) | (t < 0) | (t != np.round(t))
    if bad.any():
        i, j = map(int, np.argwhere(bad)[0])
        raise AnalysisError(
            f"table[{i}][{j}] is {float(t[i, j])!r}; every cell must count raters "
            "(a whole number >= 0)"
        )
    per_item = t.sum(axis=1)
    if not np.all(per_item == per_item[0]):
        lo, hi = int(per_item.min()), int(per_item.max())
        raise AnalysisError(
            f"Fleiss' kappa needs the same number of raters on every item; these items have "
            f"{lo} to {hi}. Use Krippendorff's alpha, which allows missing ratings"
        )
    n = per_item[0]
    if n < 2:
        raise AnalysisError("Fleiss' kappa needs at least two raters per item")
    p_cat = t.sum(axis=0) / (t.shape[0] * n)
    p_item = ((t * t).sum(axis=1) - n) / (n * (n - 1))
    p_exp = float((p_cat**2).sum())
    if p_exp == 1.0:
        raise AnalysisError("Fleiss' kappa is undefined: every rating is the same category")
    return (float(p_item.mean()) - p_exp) / (1.0 - p_exp)


@dataclass(frozen=True)
class AlphaResult:
    """Krippendorff's α with its bootstrap interval over items (``ci`` None without one)."""

    alpha: float
    level: str
    units: int  # units with two or more values (the pairable ones)
    values: int  # pairable values
    ci: tuple[float, float] | None = None
    confidence: float | None = None
    bootstrap: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "alpha": self.alpha,
            "level": self.level,
            "units": self.units,
            "values": self.values,
            "ci": list(self.ci) if self.ci is not None else None,
            "confidence": self.confidence,
            "bootstrap": self.bootstrap,
        }


def _alpha_matrix(data: Any, level: str, domain: Sequence[Any] | None) -> np.ndarray:
    """Numbers as they are; labels (strings...) coded by ``domain`` (needed unless nominal)."""
    if isinstance(data, np.ndarray) and data.dtype.kind in "fiub" and domain is None:
        return data.astype(float)
    rows = [list(r) for r in data]
    flat = [
        v.item() if isinstance(v, np.generic) else v
        for r in rows
        for v in r
        if not _missing(v.item() if isinstance(v, np.generic) else v) and v != "nan"
    ]
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in flat)
    if numeric and domain is None:
        try:
            return np.asarray(
                [[np.nan if _missing(v) else float(v) for v in r] for r in rows], dtype=float
            )
        except (TypeError, ValueError):
            raise AnalysisError("expected a raters × units matrix of equal-length rows") from None
    if domain is None:
        if level != "nominal":
            raise AnalysisError(
                f"{level} alpha on labels needs their order: pass domain=[...] (lowest first)"
            )
        domain = _sorted_labels(set(flat))
    index = {v: i for i, v in enumerate(domain)}
    out = np.full((len(rows), max((len(r) for r in rows), default=0)), np.nan)
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            v = v.item() if isinstance(v, np.generic) else v
            if _missing(v) or v == "nan":
                continue
            if v not in index:
                raise AnalysisError(
                    f"value {v!r} (rater {i}, unit {j}) is not in domain={list(domain)}"
                )
            out[i, j] = index[v] if level == "nominal" or not numeric else float(v)
    return out


def krippendorff_alpha(
    data: Any,
    level: Level = "nominal",
    *,
    bootstrap: int = 0,
    confidence: float = 0.95,
    seed: int = 0,
    domain: Sequence[Any] | None = None,
) -> AlphaResult:
    """Krippendorff's α for a raters × units matrix with NaN for missing values.

    Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", with the difference
    functions of the four levels (nominal, ordinal, interval, ratio). α = 1 - (n-1)·Σ o·δ² /
    Σ n_c·n_k·δ², over units with at least two values. Interval α is computed from per-unit sums
    (no value × value matrix), so it stays linear in the data. With ``bootstrap`` > 0, a
    percentile interval from resampling units with replacement (seeded by ``seed``).
    Same values as the ``krippendorff`` package.

    Values may be numbers (NaN or None for missing) or labels such as strings; labels are
    nominal unless ``domain`` lists them in order (lowest first), as the ``krippendorff``
    package's ``value_domain``.
    """
    if level not in LEVELS:
        raise AnalysisError(f"unknown level {level!r}; expected one of {list(LEVELS)}")
    x = _alpha_matrix(data, level, domain)
    if x.ndim != 2:
        raise AnalysisError("expected a raters × units matrix (2-D), NaN where a rater gave none")
    present = ~np.isnan(x)
    cols = np.nonzero(present.T)  # unit-major: (unit, rater)
    stats = _UnitStats.from_codes(cols[0], x.T[present.T], level)
    return _alpha_result(stats, level, bootstrap, confidence, seed)


def krippendorff_alpha_codes(
    units: Any,
    values: Any,
    level: Level = "nominal",
    *,
    bootstrap: int = 0,
    confidence: float = 0.95,
    seed: int = 0,
) -> AlphaResult:
    """:func:`krippendorff_alpha` from (unit index, value) pairs.

    :func:`krippendorff_alpha` from (unit index, value) pairs instead of a raters × units
    matrix: the same numbers, without a dense matrix (crowd data with thousands of raters).
    Unit indices are integers >= 0; NaN values are missing.
    """
    if level not in LEVELS:
        raise AnalysisError(f"unknown level {level!r}; expected one of {list(LEVELS)}")
    stats = _UnitStats.from_codes(np.asarray(units), np.asarray(values, dtype=float), level)
    return _alpha_result(stats, level, bootstrap, confidence, seed)


def _alpha_result(
    stats: _UnitStats, level: str, bootstrap: int, confidence: float, seed: int
) -> AlphaResult:
    alpha = stats.alpha(None)
    ci = None
    if bootstrap > 0:
        if not 0 < confidence < 1:
            raise AnalysisError(f"confidence {confidence} must be between 0 and 1")
        rng = np.random.default_rng(seed)
        u = stats.units
        reps = np.empty(bootstrap)
        chunk = max(1, min(64, 2_000_000 // max(u, 1)))  # replicates per matrix product
        for start in range(0, bootstrap, chunk):
            ws = np.stack(
                [
                    np.bincount(rng.integers(0, u, u), minlength=u).astype(float)
                    for _ in range(min(chunk, bootstrap - start))
                ]
            )
            reps[start : start + ws.shape[0]] = stats.alphas(ws)
        reps = reps[np.isfinite(reps)]
        if reps.size:
            tail = (1 - confidence) / 2 * 100
            lo, hi = np.percentile(reps, [tail, 100 - tail])
            ci = (float(lo), float(hi))
    return AlphaResult(
        alpha=alpha,
        level=level,
        units=stats.units,
        values=int(stats.m.sum()),
        ci=ci,
        confidence=confidence if ci is not None else None,
        bootstrap=bootstrap,
    )


class _UnitStats:
    """Per-unit sufficient statistics: α (and each bootstrap replicate) is a weighted sum."""

    def __init__(
        self,
        level: str,
        m: np.ndarray,
        counts: np.ndarray | None,
        s1: np.ndarray | None,
        s2: np.ndarray | None,
        values: np.ndarray,
    ) -> None:
        self.level, self.m, self.counts, self.s1, self.s2, self.values = (
            level,
            m,
            counts,
            s1,
            s2,
            values,
        )
        self.units = int(m.size)

    @classmethod
    def from_codes(cls, unit: np.ndarray, x: np.ndarray, level: str) -> _UnitStats:
        """From the unit index and the value of every (non-missing) value."""
        ok = ~np.isnan(x)
        u, x = unit[ok].astype(np.int64, copy=False), x[ok]
        if u.size and u.min() < 0:
            raise AnalysisError("unit indices must be integers >= 0")
        m_all = np.bincount(u) if u.size else np.zeros(0, dtype=np.int64)
        keep_unit = m_all >= 2
        if not keep_unit.any():
            raise AnalysisError(
                "Krippendorff's alpha needs units with at least two values; no unit was rated twice"
            )
        keep = keep_unit[u]
        new = np.cumsum(keep_unit) - 1  # renumber the kept units 0..n-1
        u, x = new[u[keep]], x[keep]
        m = m_all[keep_unit].astype(float)
        values = distinct(x)
        if values.size < 2:
            raise AnalysisError(
                f"Krippendorff's alpha is undefined: every pairable value is {values[0]:g} "
                "(no variation to agree or disagree on)"
            )
        n_units = m.size
        if level == "interval":
            xc = x - x.mean()  # centred: no cancellation
            s1 = np.bincount(u, weights=xc, minlength=n_units)
            s2 = np.bincount(u, weights=xc * xc, minlength=n_units)
            return cls(level, m, None, s1, s2, values)
        idx = np.searchsorted(values, x)
        v = values.size
        counts = np.bincount(u * v + idx, minlength=n_units * v).reshape(n_units, v)
        return cls(level, m, counts.astype(float), None, None, values)

    def alpha(self, w: np.ndarray | None, *, strict: bool = True) -> float:
        m = self.m
        w = np.ones_like(m) if w is None else w
        n = float((w * m).sum())
        if self.level == "interval":
            assert self.s1 is not None and self.s2 is not None
            within = float((w * (m * self.s2 - self.s1**2) / (m - 1)).sum())
            s1, s2 = float((w * self.s1).sum()), float((w * self.s2).sum())
            total = n * s2 - s1 * s1
            return self._finish(n, within, total, strict)
        assert self.counts is not None
        c = self.counts
        scale = w / (m - 1)
        marg = (w[:, None] * c).sum(axis=0)  # n_c
        if self.level == "nominal":
            diag = float((scale[:, None] * c * (c - 1)).sum())  # Σ_c o_cc
            return self._finish(n, n - diag, n * n - float((marg * marg).sum()), strict)
        coinc = (c * scale[:, None]).T @ c - np.diag((c * scale[:, None]).sum(axis=0))
        delta = self._delta(marg)
        return self._finish(n, float((coinc * delta).sum()), float(marg @ delta @ marg), strict)

    def alphas(self, ws: np.ndarray) -> np.ndarray:
        """α for each row of unit weights ``ws`` (bootstrap replicates; NaN where undefined).

        The same sums as :meth:`alpha`, as matrix products over a block of replicates.
        """
        m = self.m
        if self.level not in ("nominal", "interval"):
            return np.array([self.alpha(w, strict=False) for w in ws])
        n = ws @ m
        if self.level == "interval":
            assert self.s1 is not None and self.s2 is not None
            within = ws @ ((m * self.s2 - self.s1**2) / (m - 1))
            s1, s2 = ws @ self.s1, ws @ self.s2
            observed, expected = within, n * s2 - s1 * s1
        else:
            assert self.counts is not None
            c = self.counts
            diag = ws @ ((c * (c - 1)).sum(axis=1) / (m - 1))
            marg = ws @ c
            observed, expected = n - diag, n * n - (marg * marg).sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = 1.0 - (n - 1) * observed / expected
        return np.where(expected > 0, out, np.nan)

    def _delta(self, marg: np.ndarray) -> np.ndarray:
        vals = self.values
        if self.level == "ratio":
            s = np.add.outer(vals, vals)
            d = np.subtract.outer(vals, vals)
            with np.errstate(divide="ignore", invalid="ignore"):
                r = np.where(s == 0, 0.0, d / s)
            return np.asarray(r * r)
        # ordinal: (Σ_{g between c and k} n_g - (n_c + n_k) / 2)²
        cum = np.concatenate([[0.0], np.cumsum(marg)])
        i = np.arange(vals.size)
        lo, hi = np.minimum.outer(i, i), np.maximum.outer(i, i)
        between = cum[hi + 1] - cum[lo] - (marg[lo] + marg[hi]) / 2
        return np.asarray(between * between)

    @staticmethod
    def _finish(n: float, observed: float, expected: float, strict: bool) -> float:
        if expected <= 0:
            if strict:
                raise AnalysisError(
                    "Krippendorff's alpha is undefined: the pairable values show no variation"
                )
            return float("nan")
        return 1.0 - (n - 1) * observed / expected
