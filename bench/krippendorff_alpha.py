"""Krippendorff's alpha: prefkit against the `krippendorff` package, same data, same process.

100k units x 5 raters with 20 % of the values missing, for the nominal and interval levels
(integer ratings 1-5), and interval on continuous values (many distinct values). Prints both
answers, both times and the ratio (prefkit time / package time; below 1 means faster).

Usage: python bench/krippendorff_alpha.py [--units 100000] [--raters 5] [--repeat 5]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import krippendorff
import numpy as np

from prefkit.analysis import krippendorff_alpha


def best(fn: Callable[[], float], repeat: int) -> tuple[float, float]:
    times, value = [], 0.0
    for _ in range(repeat):
        t = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t)
    return value, min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=100_000)
    ap.add_argument("--raters", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    truth = rng.integers(1, 6, args.units)
    x = np.where(
        rng.random((args.raters, args.units)) < 0.7,
        truth,
        rng.integers(1, 6, (args.raters, args.units)),
    )
    x = x.astype(float)
    x[rng.random(x.shape) < 0.2] = np.nan
    cont = np.round(x + rng.normal(0, 0.5, x.shape), 1)  # about 100 distinct values
    print(f"{args.units} units x {args.raters} raters, 20 % missing; best of {args.repeat}")
    print(
        f"{'level':16}{'prefkit':>14}{'krippendorff':>16}{'prefkit s':>11}{'package s':>11}{'ratio':>8}"
    )
    cases = (
        ("nominal", "nominal", x, args.repeat),
        ("interval", "interval", x, args.repeat),
        ("interval (cont.)", "interval", cont, 1),
        ("interval (cont.) 2k", "interval", cont[:, :2000], args.repeat),
    )
    for name, level, data, repeat in cases:
        ours, t_ours = best(lambda d=data, lv=level: krippendorff_alpha(d, lv).alpha, repeat)
        try:
            ref, t_ref = best(
                lambda d=data, lv=level: krippendorff.alpha(
                    reliability_data=d, level_of_measurement=lv
                ),
                repeat,
            )
        except MemoryError as exc:  # it builds a units x values x values array
            print(f"{name:20}{ours:14.10f}{'out of memory':>16}{t_ours:11.4f}  ({exc})"[:140])
            continue
        assert abs(ours - ref) < 1e-9, (name, ours, ref)
        print(f"{name:20}{ours:14.10f}{ref:16.10f}{t_ours:11.4f}{t_ref:11.4f}{t_ours / t_ref:8.3f}")
    print("ratio = prefkit time / krippendorff time (target <= 1.0); answers agree to 1e-9")


if __name__ == "__main__":
    main()
