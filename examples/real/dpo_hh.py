"""DPO with LoRA on HH-RLHF helpful-base: held-out implicit-reward accuracy and the win rate
against the base policy judged by an embedding reward model (trained on the same 70 %)."""

import argparse
import json
import time
from pathlib import Path

import numpy as np
from transformers import AutoTokenizer

from prefkit.data import read_records, sample_paths, to_trl_pairs
from prefkit.models import LocalGenerator, smollm2_checkpoint
from prefkit.optimize import check_rows, implicit_reward_accuracy, train_dpo, win_rate
from prefkit.rewards import train_reward_model

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "hh-rlhf" / "helpful-base"

ap = argparse.ArgumentParser()
ap.add_argument("out", type=Path)
ap.add_argument("--pairs", type=int, default=400, help="records used (70 % train, 30 % held out)")
ap.add_argument("--steps", type=int, default=60)
ap.add_argument("--prompts", type=int, default=48, help="held-out prompts for the win rate")
args = ap.parse_args()
path = SHARED / "test.jsonl.gz"
recs = read_records(
    path if path.exists() else next(p for p in sample_paths() if "helpful" in p.name)
)
order = np.random.default_rng(0).permutation(len(recs))[: args.pairs]
recs = [recs[i] for i in order]
cut = round(0.7 * len(recs))
train, held = recs[:cut], recs[cut:]

t0 = time.perf_counter()
res = train_dpo(
    train, out=str(args.out / "dpo"), lora=True, holdout=0.0, seed=0,
    max_steps=args.steps, batch_size=4, too_long="drop", save_steps=20,
)  # fmt: skip
print(f"DPO: {res.steps} steps on {res.train_rows} pairs in {res.seconds:.0f} s")
tok = AutoTokenizer.from_pretrained(smollm2_checkpoint())
rows, _ = check_rows(to_trl_pairs(held, ties="drop"), tok, max_length=256, too_long="drop")[:2]
acc = implicit_reward_accuracy(args.out / "dpo", smollm2_checkpoint(), rows, 0.1)
print("held out (30 %):", json.dumps(acc.to_dict()))
for note in res.notes:
    print("note:", note)
print("data:", json.dumps(res.data.to_dict()))

rm = train_reward_model(train, out=str(args.out / "rm"), holdout=0.0)  # the judge: MiniLM + BT head
chats = [
    r.prompt if isinstance(r.prompt, str) else [m.model_dump() for m in r.prompt] for r in held
]
chats = chats[: args.prompts]
base = LocalGenerator(smollm2_checkpoint(), batch_size=16)
policy = LocalGenerator(args.out / "dpo", batch_size=16)
wr = win_rate(policy, base, chats, rm.reward, max_new_tokens=64)
print(
    f"win rate of DPO vs base on {wr.prompts} held-out prompts (embedding RM): "
    f"{wr.win_rate:.3f}, 95 % CI {wr.ci} ({wr.wins} wins, {wr.ties} ties, {wr.losses} losses)"
)
print(
    f"length {wr.length_base:.0f} -> {wr.length_policy:.0f} chars; refusals "
    f"{wr.refusals_base:.3f} -> {wr.refusals_policy:.3f}; total {time.perf_counter() - t0:.0f} s"
)
