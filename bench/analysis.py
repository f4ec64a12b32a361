"""``analyze`` on N items x 3 annotators (preferences, 3 rating criteria, 1 label criterion)
against the same figures from pandas + scikit-learn + statsmodels + ``krippendorff``: seconds,
peak memory, and that every figure agrees to 1e-9.

    python bench/analysis.py [--items 100000]

Each side runs in its own process (its own peak RSS). "Whole run" reads the JSON-lines file
and computes everything: for prefkit that is ``analyze(iter_records(path))``, what ``prefkit
analyze FILE`` does, with every figure of the report (Dawid-Skene, leniency, bias...); for the
reference, pandas reading and pivoting plus the library calls. "Statistics" times only the
figures both compute (Cohen's kappa per pair, weighted kappa, Fleiss, Krippendorff's alpha at
three levels), from prepared tables on both sides. No bootstrap on either side.
"""

from __future__ import annotations

import argparse
import itertools
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import orjson

CATS = ["full_compliance", "partial_refusal", "full_refusal"]
CRITERIA = ("helpfulness", "harmlessness", "honesty")


def generate(path: Path, items: int, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    with path.open("wb") as fh:
        for i in range(items):
            truth = int(rng.integers(0, 3))
            q = rng.integers(1, 6, size=3)
            for a in range(3):
                pick = truth if rng.random() < 0.7 else int(rng.integers(0, 3))
                rec = {
                    "id": f"j{i}-{a}",
                    "item": f"item-{i}",
                    "prompt": f"Question number {i}: explain topic {i % 977}.",
                    "responses": [
                        {"id": "r1", "text": f"Answer one to {i}, with some words.", "model": "m1"},
                        {"id": "r2", "text": f"Answer two to {i}.", "model": "m2"},
                    ],
                    "preference": ["r1", "r2", "tie"][pick],
                    "ratings": {
                        c: {
                            "r1": int(np.clip(q[k] + rng.integers(-1, 2), 1, 5)),
                            "r2": int(rng.integers(1, 6)),
                        }
                        for k, c in enumerate(CRITERIA)
                    },
                    "labels": {
                        "refusal": {
                            "r1": CATS[truth if rng.random() < 0.8 else int(rng.integers(0, 3))],
                            "r2": CATS[int(rng.integers(0, 3))],
                        }
                    },
                    "annotator": f"ann{a}",
                    "source": "human",
                }
                fh.write(orjson.dumps(rec) + b"\n")


def reference(path: Path) -> tuple[dict[str, float], float, float]:
    """The figures with pandas + scikit-learn + statsmodels + krippendorff; (figures, seconds of
    the whole run, seconds of the statistics calls alone)."""
    import krippendorff
    import pandas as pd
    from sklearn.metrics import cohen_kappa_score
    from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

    t0 = time.perf_counter()
    df = pd.read_json(path, lines=True)
    out: dict[str, float] = {}
    pref = df.assign(v=df["preference"].map({"r1": 0, "r2": 1, "tie": 2}))
    wide = {"preference": pref.pivot(index="item", columns="annotator", values="v")}
    for c in CRITERIA:
        for r in ("r1", "r2"):
            col = df["ratings"].map(lambda d, c=c, r=r: d[c][r])
            wide[f"{c}/{r}"] = df.assign(v=col).pivot(index="item", columns="annotator", values="v")
    for r in ("r1", "r2"):
        col = df["labels"].map(lambda d, r=r: CATS.index(d["refusal"][r]))
        wide[f"refusal/{r}"] = df.assign(v=col).pivot(index="item", columns="annotator", values="v")
    ratings = {c: pd.concat([wide[f"{c}/r1"], wide[f"{c}/r2"]]) for c in CRITERIA}
    labels = pd.concat([wide["refusal/r1"], wide["refusal/r2"]])
    t1 = time.perf_counter()
    tables = {"preference": wide["preference"], **ratings, "refusal": labels}
    for name, t in tables.items():
        m = t.to_numpy()
        for a, b in itertools.combinations(range(m.shape[1]), 2):
            out[f"{name}:kappa:{a}{b}"] = cohen_kappa_score(m[:, a], m[:, b])
            if name in CRITERIA:
                for w in ("linear", "quadratic"):
                    out[f"{name}:{w}:{a}{b}"] = cohen_kappa_score(m[:, a], m[:, b], weights=w)
        out[f"{name}:fleiss"] = fleiss_kappa(aggregate_raters(m)[0])
        out[f"{name}:alpha_nominal"] = krippendorff.alpha(m.T, level_of_measurement="nominal")
        if name in CRITERIA:
            out[f"{name}:alpha_interval"] = krippendorff.alpha(
                m.T.astype(float), level_of_measurement="interval"
            )
            out[f"{name}:alpha_ordinal"] = krippendorff.alpha(
                m.T.astype(float), level_of_measurement="ordinal"
            )
    t2 = time.perf_counter()
    return out, t2 - t0, t2 - t1


def ours(path: Path) -> tuple[dict[str, float], float, float]:
    """prefkit: the whole run is ``prefkit analyze FILE`` (a streamed read, every figure);
    "statistics" times the same figures as the reference from the same code columns."""
    from prefkit._perf import paused_gc
    from prefkit.analysis import analyze
    from prefkit.analysis._pairwise import criterion_table, preference_table
    from prefkit.data import iter_records, views

    t0 = time.perf_counter()
    rep = analyze(iter_records(path), bootstrap=0)
    whole = time.perf_counter() - t0
    with paused_gc():
        comps, assess = views(iter_records(path), keep_records=False)
        t1 = time.perf_counter()
        same: dict[str, float] = {}
        tables = [("preference", preference_table(comps), False)]
        tables += [(c, criterion_table(assess, c, "rating"), True) for c in CRITERIA]
        tables.append(("refusal", criterion_table(assess, "refusal", "label"), False))
        for name, t, rated in tables:
            rows, _, _ = t.pairs(weighted=rated)
            for p in rows:
                same[f"{name}:kappa:{p.a}{p.b}"] = p.kappa  # type: ignore[assignment]
            same[f"{name}:fleiss"] = t.fleiss().value  # type: ignore[assignment]
            same[f"{name}:alpha_nominal"] = t.alpha("nominal").value  # type: ignore[assignment]
            if rated:
                same[f"{name}:alpha_interval"] = t.alpha("interval", numeric=True).value  # type: ignore[assignment]
                same[f"{name}:alpha_ordinal"] = t.alpha("ordinal", numeric=True).value  # type: ignore[assignment]
        stats = time.perf_counter() - t1
    out: dict[str, float] = {}
    names = {f"ann{i}": i for i in range(3)}

    def pairs(prefix: str, rows: tuple) -> None:  # type: ignore[type-arg]
        for p in rows:
            key = f"{names[p.a]}{names[p.b]}"
            out[f"{prefix}:kappa:{key}"] = p.kappa
            if p.kappa_linear is not None:
                out[f"{prefix}:linear:{key}"] = p.kappa_linear
                out[f"{prefix}:quadratic:{key}"] = p.kappa_quadratic

    pairs("preference", rep.preferences.cohen)
    out["preference:fleiss"] = rep.preferences.fleiss.value  # type: ignore[assignment]
    out["preference:alpha_nominal"] = rep.preferences.alpha.value  # type: ignore[assignment]
    for c in (*rep.ratings, *rep.labels):
        pairs(c.criterion, c.cohen)
        out[f"{c.criterion}:fleiss"] = c.fleiss.value  # type: ignore[assignment]
        out[f"{c.criterion}:alpha_nominal"] = c.alpha_nominal.value  # type: ignore[assignment]
        for level in ("interval", "ordinal"):
            fig = getattr(c, f"alpha_{level}")
            if fig is not None:
                out[f"{c.criterion}:alpha_{level}"] = fig.value
    return out, whole, stats


def _side(side: str, path: Path, out: Path) -> None:
    figs, whole, stats = (ours if side == "ours" else reference)(path)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10  # KiB on Linux -> MiB
    out.write_bytes(
        orjson.dumps(
            {"figures": figs, "whole": whole, "stats": stats, "rss": rss},
            option=orjson.OPT_SERIALIZE_NUMPY,
        )
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=100_000)
    ap.add_argument("--side", choices=["ours", "reference"], help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    out_dir = Path(__file__).resolve().parent / "out"
    out_dir.mkdir(exist_ok=True)
    path = out_dir / f"analysis-{args.items}.jsonl"
    if args.side:
        _side(args.side, path, args.out)
        return
    if not path.exists():
        generate(path, args.items)
    size = path.stat().st_size / 2**20
    print(f"{args.items} items x 3 annotators = {3 * args.items} judgments ({size:.0f} MiB)")
    res = {}
    for side in ("ours", "reference"):  # each in its own process: its own peak memory
        tmp = out_dir / f"analysis-{side}.json"
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--items",
                str(args.items),
                "--side",
                side,
                "--out",
                str(tmp),
            ],
            check=True,
        )
        res[side] = orjson.loads(tmp.read_bytes())
    mine, ref = res["ours"]["figures"], res["reference"]["figures"]
    worst = max(abs(mine[k] - ref[k]) for k in ref)
    missing = sorted(set(ref) - set(mine))
    o, r = res["ours"], res["reference"]
    print(f"figures compared: {len(ref)}; largest difference {worst:.2e}; missing {missing}")
    print(f"prefkit whole run  {o['whole']:7.2f} s  (statistics {o['stats']:6.2f} s)")
    print(f"reference pipeline {r['whole']:7.2f} s  (statistics calls {r['stats']:6.2f} s)")
    print(f"whole run: prefkit is {r['whole'] / o['whole']:.2f}x the pandas pipeline's speed")
    print(f"statistics: prefkit is {r['stats'] / o['stats']:.2f}x the reference calls' speed")
    print(f"peak RSS: prefkit {o['rss']:.0f} MiB, pandas pipeline {r['rss']:.0f} MiB")
    if worst > 1e-9 or missing:
        sys.exit("the figures differ")


if __name__ == "__main__":
    main()
