"""GRPO on the synthetic summarization task with a rule reward: reward and KL curves, and the
held-out reward before and after (greedy completions)."""

import argparse
import json
from pathlib import Path

from prefkit.optimize import train_grpo
from prefkit.rewards import load_rules, synthetic_summaries

ap = argparse.ArgumentParser()
ap.add_argument("out", type=Path)
ap.add_argument("--steps", type=int, default=30)
ap.add_argument("--prompts", type=int, default=80)
args = ap.parse_args()
prompts = [r.prompt for r in synthetic_summaries(args.prompts, seed=3)]
rules = load_rules({
    "name": "summary", "normalize": False,
    "rules": [
        {"name": "covers", "kind": "entities", "source": "prompt",
         "kinds": ["entities", "numbers"], "weight": 2.0},
        {"name": "brief", "kind": "length", "unit": "words", "min": 15, "max": 60, "weight": 1.0},
        {"name": "repeats", "kind": "repetition", "n": 3, "weight": -1.0},
    ],
})  # fmt: skip
res = train_grpo(
    prompts, rules, out=str(args.out / "grpo"), max_steps=args.steps, batch_size=8,
    num_generations=4, max_completion_length=64, learning_rate=1e-5, beta=0.04, holdout=0.2,
    temperature=0.9, save_steps=10,
)  # fmt: skip
print(f"GRPO: {res.steps} steps on {res.train_rows} prompts in {res.seconds:.0f} s")
for step, r in res.curve("reward"):
    kl = dict(res.curve("kl")).get(step)
    print(f"step {step:3d}  reward {r:+.3f}  kl {kl if kl is None else round(kl, 4)}")
print("held out:", json.dumps(res.heldout))
print("report:", res.report)
