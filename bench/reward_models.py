"""Embedding reward model vs SmolLM2 reward model: CPU seconds to train and held-out accuracy
on the same HH-RLHF split, and the ratios. Target: the embedding RM within 3 accuracy points
of the transformer RM at >= 50x less CPU time (or an honest report of where it falls short).

The embedding RM's time includes encoding every text with a fresh embedding cache. The SmolLM2
RM trains for ``--steps`` steps of 4 pairs (a short CPU run; an epoch of helpful-base is ~400).

Usage: python bench/reward_models.py [--split helpful-base] [--steps 40] [--eval 300]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from prefkit.data import read_records, sample_paths
from prefkit.rewards import Embedder, EmbeddingRewardModel, TransformerRewardModel, diagnose_reward

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "hh-rlhf"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="helpful-base")
    ap.add_argument("--steps", type=int, default=40)
    ap.add_argument("--eval", type=int, default=300)
    args = ap.parse_args()
    path = SHARED / args.split / "test.jsonl.gz"
    if not path.exists():
        path = next(p for p in sample_paths() if "helpful" in p.name)
    recs = read_records(path)
    order = np.random.default_rng(0).permutation(len(recs))
    cut = round(len(recs) * 0.7)
    train = [recs[i] for i in order[:cut]]
    test = [recs[i] for i in order[cut:]][: args.eval]
    tmp = Path(tempfile.mkdtemp(prefix="prefkit-rm-bench-"))
    os.environ["PREFKIT_CACHE"] = str(tmp / "cache")

    t = time.process_time()
    emb = EmbeddingRewardModel(embedder=Embedder(cache=tmp / "cache")).fit(train)
    emb_cpu = time.process_time() - t
    emb_res = diagnose_reward(emb, test, failures=0).to_dict()

    t = time.process_time()
    smol = TransformerRewardModel(
        output_dir=tmp / "smol",
        max_steps=args.steps,
        per_device_train_batch_size=4,
        learning_rate=2e-5,
        max_length=192,
        save_steps=10_000,
    ).fit(train)
    smol_cpu = time.process_time() - t
    smol_res = diagnose_reward(smol, test, failures=0).to_dict()

    print(f"{path.parent.name}: {len(train)} training records, {len(test)} held-out pairs")
    print(f"{'model':34}{'CPU s':>10}{'accuracy':>10}{'95% CI':>18}{'ECE':>8}")
    for name, cpu, r in (
        ("embedding RM (MiniLM + linear)", emb_cpu, emb_res),
        (f"SmolLM2 RM ({args.steps} steps x 4)", smol_cpu, smol_res),
    ):
        ci = f"[{100 * r['ci'][0]:.1f}, {100 * r['ci'][1]:.1f}]"
        ece = r["calibration"]["ece"]
        print(f"{name:34}{cpu:10.1f}{100 * r['accuracy']:9.1f}%{ci:>18}{ece:8.3f}")
    print(
        f"longer wins on the same pairs: {100 * emb_res['baselines']['longer']['accuracy']:.1f} %"
    )
    gap = 100 * (emb_res["accuracy"] - smol_res["accuracy"])
    ratio = smol_cpu / emb_cpu
    print(
        f"embedding RM: {gap:+.1f} accuracy points vs SmolLM2 at {ratio:.1f}x less CPU time "
        f"(target: within -3 points at >= 50x): {'met' if gap >= -3 and ratio >= 50 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
