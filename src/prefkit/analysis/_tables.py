"""Agreement over a table of first-pass judgments as integer codes.

The shared core of preference, rating and label agreement (raw, Cohen per pair, Fleiss,
Krippendorff, confusion, Dawid–Skene, leave-one-out majority, leniency). Everything is array
arithmetic over the (unit, annotator, category) codes, so it stays linear in the judgments however
many annotators there are; the numbers equal the per-pair reference implementations (tests hold them
equal).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from prefkit._arrays import distinct
from prefkit.analysis._agreement import (
    AnalysisError,
    kappa_from_confusion,
    krippendorff_alpha_codes,
)
from prefkit.analysis._reliability import dawid_skene_codes
from prefkit.analysis._results import (
    AlphaFigure,
    AnnotatorReliability,
    Confusion,
    Figure,
    Leniency,
    PairAgreement,
    Reliability,
)

__all__ = ["CodeTable", "figure"]


def figure(fn: Callable[..., Any], *args: Any, **kw: Any) -> Figure:
    """``fn(*args)`` as a Figure: its value, or None with the AnalysisError's message."""
    try:
        return Figure(float(fn(*args, **kw)))
    except AnalysisError as exc:
        return Figure(None, str(exc))


@dataclass
class CodeTable:
    """Each annotator's first judgment of each unit, as codes.

    ``u``, ``a``, ``v``: the unit, annotator and category index of every judgment (one per unit
    and annotator); ``categories[v]`` is the value, in sorted order.
    """

    units: list[str]
    annotators: list[str]
    categories: list[Any]
    u: np.ndarray
    a: np.ndarray
    v: np.ndarray

    @classmethod
    def from_codes(
        cls,
        unit: np.ndarray,
        annotator: np.ndarray,
        values: Sequence[Any] | np.ndarray,
        unit_names: list[str],
        annotator_names: list[str],
    ) -> CodeTable:
        """From code columns in record order; each annotator's first value per unit counts."""
        n_ann = max(len(annotator_names), 1)
        if unit.size:
            key = unit * n_ann + annotator
            if distinct(key).size == key.size:  # no repeats (the usual case): keep every row
                first = np.arange(key.size)
            else:
                _, first = np.unique(key, return_index=True)
                first.sort()
        else:
            first = np.zeros(0, dtype=np.int64)
        ints = isinstance(values, np.ndarray) or (len(values) and type(values[0]) is int)
        vals = np.asarray(values) if ints else None
        if vals is not None and vals.dtype.kind in "iu":  # integers: numpy sorts and codes
            uniq, v = np.unique(vals[first], return_inverse=True)
            cats = uniq.tolist()
        else:  # labels (strings): a dict codes them faster than sorting strings
            kept: list[Any] = [values[i] for i in first.tolist()]
            cats = sorted(set(kept), key=lambda c: (str(type(c)), c))
            code = {c: i for i, c in enumerate(cats)}
            v = np.fromiter((code[x] for x in kept), np.int64, len(kept))
        # annotators sorted by name; units keep their first-seen order
        order = sorted(range(len(annotator_names)), key=lambda i: annotator_names[i])
        remap = np.empty(len(annotator_names), dtype=np.int64)
        remap[order] = np.arange(len(annotator_names))
        a = remap[annotator[first]] if first.size else annotator[first]
        return cls(
            list(unit_names),
            [annotator_names[i] for i in order],
            cats,
            unit[first],
            a,
            v,
        )

    @property
    def k(self) -> int:
        return len(self.categories)

    def raters(self) -> np.ndarray:
        """Raters per unit."""
        return np.bincount(self.u, minlength=len(self.units))

    def counts(self) -> np.ndarray:
        """Units × categories: how many annotators gave each category."""
        k = max(self.k, 1)
        flat = np.bincount(self.u * k + self.v, minlength=len(self.units) * k)
        return flat.reshape(len(self.units), k)

    def multi(self) -> np.ndarray:
        """A mask over judgments: their unit has two or more raters."""
        return self.raters()[self.u] >= 2

    # ------------------------------------------------------------------------- figures

    def raw(self) -> tuple[Figure, int]:
        """Share of agreeing annotator pairs over all pairs of annotators of the same unit."""
        c = self.counts().astype(np.int64)
        n = c.sum(axis=1)
        pairs = int((n * (n - 1) // 2).sum())
        if not pairs:
            return Figure(None, "no unit was judged by two annotators"), 0
        agree = int((c * (c - 1) // 2).sum())
        return Figure(agree / pairs), pairs

    def fleiss(self) -> Figure:
        n = self.raters()
        keep = n >= 2
        if not keep.any():
            return Figure(None, "no unit was judged by two annotators")
        sizes = distinct(n[keep])
        if sizes.size != 1:
            hist = {int(s): int((n[keep] == s).sum()) for s in sizes}
            return Figure(
                None,
                f"Fleiss' kappa needs the same number of raters on every unit; here "
                f"{int(sizes.min())} to {int(sizes.max())} ({hist} units by raters). "
                "Krippendorff's alpha allows missing ratings",
            )
        from prefkit.analysis._agreement import fleiss_kappa

        return figure(fleiss_kappa, self.counts()[keep])

    def alpha(
        self, level: str, *, numeric: bool = False, bootstrap: int = 0, seed: int = 0
    ) -> AlphaFigure:
        """Krippendorff's α over the units with two or more values."""
        values = (
            np.asarray(self.categories, dtype=float)[self.v] if numeric else self.v.astype(float)
        )
        try:
            r = krippendorff_alpha_codes(
                self.u,
                values,
                level,  # type: ignore[arg-type]
                bootstrap=bootstrap,
                seed=seed,
            )
        except AnalysisError as exc:
            return AlphaFigure(None, level, note=str(exc))
        return AlphaFigure(
            r.alpha, r.level, r.units, r.values, r.ci, r.confidence, r.bootstrap, None
        )

    def pair_codes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Every pair of annotators on every unit: (a, b, value of a, value of b), a < b."""
        order = np.lexsort((self.a, self.u))
        u, a, v = self.u[order], self.a[order], self.v[order]
        n = np.bincount(u, minlength=len(self.units))
        start = np.concatenate([[0], np.cumsum(n)[:-1]])
        out_a, out_b, out_va, out_vb = [], [], [], []
        for m in distinct(n[n >= 2]):
            base = start[n == m]
            for i in range(int(m)):
                for j in range(i + 1, int(m)):
                    out_a.append(a[base + i])
                    out_b.append(a[base + j])
                    out_va.append(v[base + i])
                    out_vb.append(v[base + j])
        if not out_a:
            e = np.zeros(0, dtype=np.int64)
            return e, e, e, e
        return (
            np.concatenate(out_a),
            np.concatenate(out_b),
            np.concatenate(out_va),
            np.concatenate(out_vb),
        )

    def pairs(
        self, *, weighted: bool = False, confusion: bool = False
    ) -> tuple[tuple[PairAgreement, ...], int, tuple[Confusion, ...]]:
        """Cohen's κ for every annotator pair that shares units; pairs sharing none are counted.

        κ is computed on the categories either annotator of the pair used (scikit-learn's
        default ``labels``), so the weighted κ of ratings uses their ranks among those.
        """
        pa, pb, va, vb = self.pair_codes()
        k = max(self.k, 1)
        n_ann = len(self.annotators)
        rows: list[PairAgreement] = []
        confs: list[Confusion] = []
        if pa.size:
            pid = pa * n_ann + pb
            uniq, inv = np.unique(pid, return_inverse=True)
            cells = np.bincount(inv * k * k + va * k + vb, minlength=uniq.size * k * k)
            cells = cells.reshape(uniq.size, k, k)
            for idx, code in enumerate(uniq):
                a, b = divmod(int(code), n_ann)
                m = cells[idx].astype(float)
                used = (m.sum(axis=0) + m.sum(axis=1)) > 0
                sub = m[np.ix_(used, used)]
                n = int(sub.sum())
                raw = float(np.trace(sub) / n)
                kap, note = _kappa(sub, None, [self.categories[i] for i in np.flatnonzero(used)])
                lin = quad = None
                if weighted:
                    lin = _kappa(sub, "linear", [])[0]
                    quad, qnote = _kappa(sub, "quadratic", [])
                    note = note or qnote
                rows.append(
                    PairAgreement(
                        self.annotators[a], self.annotators[b], n, raw, kap, lin, quad, note
                    )
                )
                if confusion:
                    confs.append(
                        Confusion(
                            self.annotators[a],
                            self.annotators[b],
                            tuple(str(c) for c in self.categories),
                            tuple(tuple(int(x) for x in row) for row in cells[idx]),
                        )
                    )
        rows.sort(key=lambda r: (r.a, r.b))
        confs.sort(key=lambda r: (r.a, r.b))
        return tuple(rows), n_ann * (n_ann - 1) // 2 - len(rows), tuple(confs)

    def reliability(
        self,
        *,
        gold: Mapping[int, Hashable] | None = None,
        threshold: float = 0.6,
        skip_ds: str | None = None,
    ) -> Reliability:
        """Leave-one-out majority, gold accuracy and Dawid–Skene reliability per annotator.

        ``gold`` maps a unit index to the right category (a value of ``categories`` or not).
        ``skip_ds``: a note to give instead of fitting Dawid–Skene.
        """
        n_ann, k = len(self.annotators), max(self.k, 1)
        counts = self.counts()
        others = counts[self.u].copy()
        others[np.arange(self.u.size), self.v] -= 1
        has_others = others.sum(axis=1) > 0
        top = others.argmax(axis=1)
        top_n = others.max(axis=1)
        clear = has_others & ((others == top_n[:, None]).sum(axis=1) == 1)
        loo_n = np.bincount(self.a[clear], minlength=n_ann)
        loo_ok = np.bincount(self.a[clear & (top == self.v)], minlength=n_ann)
        judged = np.bincount(self.a, minlength=n_ann)
        gold_n = np.zeros(n_ann, dtype=np.int64)
        gold_ok = np.zeros(n_ann, dtype=np.int64)
        if gold:
            # gold values may be categories nobody gave: compare values, not codes
            code = {c: i for i, c in enumerate(self.categories)}
            g = np.full(len(self.units), -2)
            for unit, value in gold.items():
                g[unit] = code.get(value, -1)
            known = g[self.u] >= -1
            gold_n = np.bincount(self.a[known], minlength=n_ann)
            gold_ok = np.bincount(self.a[known & (g[self.u] == self.v)], minlength=n_ann)
        ds: dict[int, float] = {}
        note = skip_ds
        iterations = None
        multi = self.multi()
        if note is None:
            if not multi.any():
                note = "Dawid-Skene needs units judged by two or more annotators; there are none"
            elif self.k < 2:
                note = "Dawid-Skene needs two or more categories; every judgment is the same"
            else:
                try:
                    model = dawid_skene_codes(
                        self.u[multi], self.a[multi], self.v[multi], k, n_annotators=n_ann
                    )
                    ds = {int(i): float(r) for i, r in model}
                    iterations = model.iterations
                except AnalysisError as exc:
                    note = str(exc)
        out = []
        for i, name in enumerate(self.annotators):
            if not judged[i]:
                continue
            loo = float(loo_ok[i] / loo_n[i]) if loo_n[i] else None
            gacc = float(gold_ok[i] / gold_n[i]) if gold_n[i] else None
            rel = ds.get(i)
            reasons = []
            if rel is not None and rel < threshold:
                reasons.append(f"Dawid-Skene reliability {rel:.2f} < {threshold}")
            if gacc is not None and gacc < threshold:
                n_gold = int(gold_n[i])
                reasons.append(f"gold accuracy {gacc:.2f} < {threshold} ({n_gold} gold units)")
            out.append(
                AnnotatorReliability(
                    annotator=name,
                    judgments=int(judged[i]),
                    loo_majority_agreement=loo,
                    loo_items=int(loo_n[i]),
                    gold_accuracy=gacc,
                    gold_items=int(gold_n[i]),
                    dawid_skene_reliability=rel,
                    flagged=bool(reasons),
                    reasons=tuple(reasons),
                )
            )
        return Reliability(threshold, iterations, note, tuple(out))

    def leniency(self, criterion: str, *, threshold: float) -> tuple[Leniency, ...]:
        """Per annotator: mean of (own rating − mean of the other raters' ratings of the unit).

        Flagged when |offset| ≥ ``threshold`` scale points and the 95 % interval (t over the
        annotator's units) excludes 0. Only units rated by two or more count.
        """
        from scipy import stats

        x = np.asarray(self.categories, dtype=float)[self.v]
        n = self.raters()[self.u]
        keep = n >= 2
        total = np.bincount(self.u, weights=x, minlength=len(self.units))[self.u]
        off = (x - (total - x) / np.maximum(n - 1, 1))[keep]
        a, own = self.a[keep], x[keep]
        n_ann = len(self.annotators)
        cnt = np.bincount(a, minlength=n_ann)
        s1 = np.bincount(a, weights=off, minlength=n_ann)
        s2 = np.bincount(a, weights=off * off, minlength=n_ann)
        mean_own = np.bincount(a, weights=own, minlength=n_ann)
        out = []
        for i, name in enumerate(self.annotators):
            c = int(cnt[i])
            if not c:
                continue
            m = float(s1[i] / c)
            ci = None
            if c >= 2:
                var = max(float(s2[i] - c * m * m) / (c - 1), 0.0)
                h = float(stats.t.ppf(0.975, c - 1)) * np.sqrt(var / c)
                ci = (m - h, m + h)
            flagged = abs(m) >= threshold and ci is not None and (ci[0] > 0 or ci[1] < 0)
            out.append(Leniency(name, criterion, c, float(mean_own[i] / c), m, ci, flagged))
        return tuple(out)


def _kappa(m: np.ndarray, weights: str | None, cats: list[Any]) -> tuple[float | None, str | None]:
    """Cohen's κ from a confusion matrix (weighted too), with a note where undefined.

    Cohen's κ from a confusion matrix (Cohen 1960; weighted: Cohen 1968), with the note
    where it is undefined.
    """
    value = kappa_from_confusion(m, weights)  # type: ignore[arg-type]
    if value is None:
        only = f" ({cats[0]!r})" if cats else ""
        return None, (
            "Cohen's kappa is undefined: both raters used a single category throughout"
            f"{only}, so chance agreement is already perfect"
        )
    return value, None
