"""Scoring speed of a rule set: prefkit's default 10-rule set over 100k responses against a bare
``len(text.split())`` pass over the same texts, in the same process. Prints the ratio.

The texts are the HH-RLHF test responses from ../shared/data when present (cycled to 100k),
else the bundled sample. Usage: python bench/rule_rewards.py [--n 100000]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from prefkit.data import read_records, sample_paths
from prefkit.rewards import load_rules
from prefkit.rewards._rules import clear_caches

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "hh-rlhf"


def texts(n: int) -> tuple[list[object], list[str]]:
    files = sorted(SHARED.glob("*/test.jsonl.gz")) or [
        p for p in sample_paths() if "hh-rlhf" in p.name
    ]
    prompts, outs = [], []
    for f in files:
        for rec in read_records(f):
            for r in rec.responses:
                prompts.append(
                    [{"role": m.role, "content": m.content} for m in rec.prompt]
                    if not isinstance(rec.prompt, str)
                    else rec.prompt
                )
                outs.append(r.text)
    k = len(outs)
    return [prompts[i % k] for i in range(n)], [outs[i % k] for i in range(n)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    args = ap.parse_args()
    prompts, completions = texts(args.n)
    rules = load_rules()
    t = time.perf_counter()
    rules(prompts[:10], completions[:10])
    warm = time.perf_counter() - t
    best_base = best_rules = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        base = [len(c.split()) for c in completions]
        best_base = min(best_base, time.perf_counter() - t)
        clear_caches()  # no prompt statistics carried over from the previous round
        t = time.perf_counter()
        scores = rules(prompts, completions)
        best_rules = min(best_rules, time.perf_counter() - t)
    assert len(scores) == len(base) == args.n
    words = sum(base) / len(base)
    print(f"{args.n:,} responses (mean {words:.0f} words), {len(rules.rules)} rules; best of 3")
    print(f"first call (loads or compiles the numba kernels): {warm:.2f} s")
    print(
        f"len(text.split()): {best_base:.3f} s   rule set: {best_rules:.3f} s   ratio {best_rules / best_base:.1f}x (target <= 5)"
    )


if __name__ == "__main__":
    main()
