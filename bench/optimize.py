"""prefkit.optimize against the naive way and against TRL's defaults, side by side in one process.

1. Best-of-N (SmolLM2-135M-Instruct, the default rule set): ``best_of_n`` (one batched
   ``generate`` for every sample, one reward call per batch of 64) against a naive loop (one
   ``generate`` per sample, one reward call per sample) on the first ``--naive-prompts`` prompts:
   completions/s and their ratio (target >= 8x), and whether both pick the same completions
   (seeded samples depend on their seed, prompt and index only, not on the batch).
2. DPO: ``train_dpo`` with prefkit's defaults against ``DPOTrainer`` with TRL's defaults on the
   same model, rows and batch size: seconds per step, peak memory, and the held-out
   implicit-reward accuracy after the same number of steps (target >= 1.5x faster per step, no
   worse accuracy).

Usage: python bench/optimize.py [--prompts 64] [--n 16] [--max-new-tokens 32]
       [--naive-prompts 4] [--dpo-steps 6] [--dpo-pairs 60] [--skip-bon] [--skip-dpo]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from prefkit.data import read_records, sample_paths

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "hh-rlhf"


def records() -> list[Any]:
    path = SHARED / "helpful-base" / "test.jsonl.gz"
    if not path.exists():
        path = next(p for p in sample_paths() if "helpful" in p.name)
    return read_records(path)


def bench_best_of_n(args: argparse.Namespace) -> None:
    from prefkit.models import LocalGenerator, smollm2_checkpoint
    from prefkit.optimize import best_of_n
    from prefkit.rewards import DEFAULT_RULES, load_rules

    rules = load_rules(DEFAULT_RULES)
    # short single-turn prompts: the bench measures sampling and scoring, not long prefills
    prompts = [r.prompt for r in records() if isinstance(r.prompt, str) or len(r.prompt) == 1]
    prompts = [p if isinstance(p, str) else p[0].content for p in prompts]
    prompts = [p for p in dict.fromkeys(prompts) if len(p) < 300][: args.prompts]
    folder = smollm2_checkpoint()
    batched = LocalGenerator(folder, batch_size=args.batch)
    one = LocalGenerator(folder, batch_size=1)
    s = {"max_new_tokens": args.max_new_tokens, "temperature": 0.7, "seed": 0}
    rules(["warm"], ["up"])  # compile the rule set's kernels outside the timings
    t0 = time.perf_counter()
    res = best_of_n(prompts, batched, rules, n=args.n, **s)
    fast = time.perf_counter() - t0
    sub = prompts[: args.naive_prompts]
    t0 = time.perf_counter()
    naive_best = []
    for p in sub:  # the naive loop: one generate and one reward call per sample
        texts = [t for t in one.generate([p], n=args.n, **s)[0]]
        scores = [rules([p], [t])[0] for t in texts]
        distinct = list(dict.fromkeys(texts))
        best = max(distinct, key=lambda t: scores[texts.index(t)])
        naive_best.append(best)
    naive = time.perf_counter() - t0
    fast_rate = res.sampled / fast
    naive_rate = len(sub) * args.n / naive
    same = sum(
        res.prompts[i].best == naive_best[i]
        or res.prompts[i].scores[0] == rules([sub[i]], [naive_best[i]])[0]
        for i in range(len(sub))
    )
    print(
        f"best-of-N: {len(prompts)} prompts x n={args.n}, {args.max_new_tokens} new tokens, "
        f"SmolLM2 batch {args.batch}, rule reward"
    )
    print(
        f"  prefkit best_of_n : {res.sampled} completions in {fast:.1f} s "
        f"(generate {res.generate_seconds:.1f} s, score {res.score_seconds:.2f} s) = "
        f"{fast_rate:.2f} completions/s; {res.unique} distinct; mean score {res.mean_score:.3f}, "
        f"mean best {res.mean_best:.3f}"
    )
    print(
        f"  naive loop        : {len(sub) * args.n} completions in {naive:.1f} s = "
        f"{naive_rate:.2f} completions/s"
    )
    print(
        f"  ratio {fast_rate / naive_rate:.1f}x (target >= 8x); same selection (or an equal "
        f"score) on {same} of {len(sub)} prompts"
    )


def dpo_side(side: str, args: argparse.Namespace) -> dict[str, Any]:
    """One side of the DPO comparison (run in a child process of its own, for its memory)."""
    import resource

    import torch
    from transformers import AutoTokenizer
    from trl import DPOConfig, DPOTrainer

    from prefkit.models import smollm2_checkpoint
    from prefkit.optimize import DPOTrainingConfig, check_rows, implicit_reward_accuracy, train_dpo
    from prefkit.optimize._rows import pair_rows
    from prefkit.optimize._run import dataset_of, split_rows

    torch.manual_seed(0)
    base = smollm2_checkpoint()
    recs = records()[: args.dpo_pairs]
    tmp = Path(tempfile.mkdtemp(prefix="bench-dpo-"))
    steps, batch = args.dpo_steps, 2
    tok = AutoTokenizer.from_pretrained(base)
    rows, _, _ = pair_rows(recs, ties="error")
    # pairs over 256 tokens are left out of both runs, so neither truncates (TRL's limit is 1024)
    kept, _, _, _ = check_rows(rows, tok, max_length=256, too_long="drop")
    train, held = split_rows(kept, 0.3, 0)
    t0 = time.perf_counter()
    if side == "prefkit":
        res = train_dpo(
            recs, model=str(base), out=str(tmp / "m"), max_steps=steps, batch_size=batch,
            holdout=0.3, resume=False, save_steps=10_000, too_long="drop",
        )  # fmt: skip
        assert res.train_rows == len(train) and res.heldout_rows == len(held)
        train_s, acc = res.seconds, res.heldout["implicit_reward_accuracy"]
        wall = time.perf_counter() - t0
    else:
        trainer = DPOTrainer(
            model=str(base),
            args=DPOConfig(
                output_dir=str(tmp / "ckpt"),
                per_device_train_batch_size=batch,
                max_steps=steps,
                bf16=False,
                use_cpu=True,
                report_to=[],
                save_strategy="no",
                seed=0,
            ),
            train_dataset=dataset_of(train, DPOTrainingConfig(out=str(tmp / "data"))),
            processing_class=tok,
        )
        t1 = time.perf_counter()
        trainer.train()
        train_s = time.perf_counter() - t1
        wall = time.perf_counter() - t0
        trainer.save_model(str(tmp / "m"))
        del trainer
        acc = implicit_reward_accuracy(tmp / "m", base, held, 0.1).implicit_reward_accuracy
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB -> GiB
    return {"step": train_s / steps, "wall": wall, "peak": peak, "acc": acc,
            "train": len(train), "held": len(held), "steps": steps}  # fmt: skip


def bench_dpo(args: argparse.Namespace) -> None:
    import json
    import subprocess
    import sys

    out = {}
    for side in ("prefkit", "trl"):
        cmd = [sys.executable, __file__, "--dpo-side", side, "--dpo-steps", str(args.dpo_steps),
               "--dpo-pairs", str(args.dpo_pairs)]  # fmt: skip
        done = subprocess.run(cmd, capture_output=True, text=True, check=True)
        out[side] = json.loads(done.stdout.strip().splitlines()[-1])
    a, b = out["prefkit"], out["trl"]
    print(
        f"DPO: SmolLM2-135M, {a['train']} train / {a['held']} held-out HH pairs of <= 256 "
        f"tokens, batch 2, {a['steps']} steps, learning rate 1e-6 in both (each side in its own "
        "process, for its peak memory)"
    )
    for name, r in (("prefkit defaults", a), ("TRL defaults    ", b)):
        print(
            f"  {name}: {r['step']:.2f} s/step ({r['wall']:.0f} s with the reference pass and "
            f"the held-out pass), peak RSS {r['peak']:.2f} GiB, held-out implicit-reward "
            f"accuracy {r['acc']:.3f}"
        )
    print(
        f"  ratio {b['step'] / a['step']:.2f}x faster per step (target >= 1.5x); peak memory "
        f"{a['peak'] / b['peak']:.2f}x TRL's"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--prompts", type=int, default=64)
    ap.add_argument("--n", type=int, default=16)
    ap.add_argument("--max-new-tokens", type=int, default=32)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--naive-prompts", type=int, default=4)
    ap.add_argument("--dpo-steps", type=int, default=6)
    ap.add_argument("--dpo-pairs", type=int, default=60)
    ap.add_argument("--skip-bon", action="store_true")
    ap.add_argument("--skip-dpo", action="store_true")
    ap.add_argument("--dpo-side", choices=["prefkit", "trl"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.dpo_side:
        import json

        print(json.dumps(dpo_side(args.dpo_side, args)))
        return
    if not args.skip_bon:
        bench_best_of_n(args)
    if not args.skip_dpo:
        bench_dpo(args)


if __name__ == "__main__":
    main()
