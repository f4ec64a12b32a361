"""Generation throughput of the local backend (SmolLM2-135M-Instruct) at batch 1, 8 and 32
against a naive loop that calls ``model.generate`` one prompt at a time with the same model, in
the same process; greedy, so the batched outputs must equal the one-at-a-time ones (any that
differ are reported with where they part). Target: >= 8x the naive loop at batch 32.

Usage: python bench/generation.py [--prompts 32] [--max-new-tokens 64]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch

from prefkit.data import read_records, sample_paths
from prefkit.models import LocalGenerator, smollm2_checkpoint

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "hh-rlhf"


def prompts(n: int) -> list[list[dict[str, str]]]:
    files = sorted(SHARED.glob("helpful-base/test.jsonl.gz")) or [
        p for p in sample_paths() if "hh-rlhf" in p.name
    ]
    seen: dict[str, None] = {}
    for rec in read_records(files[0]):
        if not isinstance(rec.prompt, str):
            last = next(m.content for m in reversed(rec.prompt) if m.role == "user")
            if 20 <= len(last) <= 300:
                seen.setdefault(last)
        if len(seen) >= n:
            break
    return [[{"role": "user", "content": t}] for t in seen]


def naive(gen: LocalGenerator, ps: list[list[dict[str, str]]], m: int) -> tuple[list[str], int]:
    """What a user writes first: chat template, generate, decode; one prompt at a time."""
    tok, model = gen.tokenizer, gen.model
    texts, tokens = [], 0
    for p in ps:
        ids = tok.apply_chat_template(p, add_generation_prompt=True, return_tensors="pt")
        ids = ids if isinstance(ids, torch.Tensor) else ids["input_ids"]
        with torch.inference_mode():
            out = model.generate(
                ids, attention_mask=torch.ones_like(ids), max_new_tokens=m, do_sample=False,
                temperature=None, top_p=None, top_k=None, pad_token_id=tok.pad_token_id,
            )  # fmt: skip
        new = out[0, ids.shape[1] :].tolist()
        if tok.eos_token_id in new:
            new = new[: new.index(tok.eos_token_id)]
        tokens += len(new)
        texts.append(tok.decode(new, skip_special_tokens=True))
    return texts, tokens


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--prompts", type=int, default=32)
    ap.add_argument("--max-new-tokens", type=int, default=64)
    args = ap.parse_args()
    ps = prompts(args.prompts)
    m = args.max_new_tokens
    gen = LocalGenerator(smollm2_checkpoint(), batch_size=1)
    gen.generate(ps[:1], max_new_tokens=4)  # warm up
    print(f"SmolLM2-135M-Instruct, {len(ps)} HH-RLHF prompts, {m} new tokens, greedy, "
          f"{torch.get_num_threads()} threads")  # fmt: skip
    t = time.perf_counter()
    ref, ref_tokens = naive(gen, ps, m)
    base = ref_tokens / (time.perf_counter() - t)
    print(f"{'naive loop (model.generate per prompt)':42}{base:8.1f} tokens/s")
    for b in (1, 8, 32):
        gen.batch_size = b
        t = time.perf_counter()
        rows = gen.complete(ps, max_new_tokens=m)
        dt = time.perf_counter() - t
        toks = sum(r[0].tokens for r in rows)
        texts = [r[0].text for r in rows]
        differ = [i for i, (x, y) in enumerate(zip(texts, ref, strict=True)) if x != y]
        print(f"{'prefkit LocalGenerator, batch ' + str(b):42}{toks / dt:8.1f} tokens/s"
              f"{toks / dt / base:7.1f}x   outputs equal to the loop: "
              f"{len(ps) - len(differ)}/{len(ps)}")  # fmt: skip
        for i in differ:
            x, y = texts[i], ref[i]
            at = next((k for k in range(min(len(x), len(y))) if x[k] != y[k]), min(len(x), len(y)))
            print(f"    prompt {i} parts at character {at}: batch {x[at:at + 40]!r} "
                  f"vs loop {y[at:at + 40]!r}")  # fmt: skip


if __name__ == "__main__":
    main()
