"""``train_grpo``: GRPO or RLOO through TRL with prefkit rewards as ``reward_funcs``.

A prefkit reward already has TRL's signature; the adapter only turns conversational completions
into text, passes the dataset's own columns (``condition`` for a conditional reward model) and
nothing else, checks the answer's length, and names the reward so TRL logs it as
``rewards/<name>/mean``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from prefkit._config import resolve
from prefkit._extras import require
from prefkit.data import Judgment
from prefkit.errors import PrefkitError
from prefkit.optimize._bon import name_of
from prefkit.optimize._config import GRPOTrainingConfig
from prefkit.optimize._rows import DataCheck
from prefkit.optimize._run import (
    TrainedPolicy,
    finish,
    no_rows,
    policy_folder,
    run_trl,
    split_rows,
    tokenizer_for,
    trl_args,
)

__all__ = ["as_trl_reward", "train_grpo"]


def _name(fn: Any) -> str:
    """The reward's name as a TRL metric key (``rewards/<name>/mean``)."""
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name_of(fn))[:60]


def as_trl_reward(reward: Any, columns: Sequence[str] = (), name: str | None = None) -> Any:
    """A prefkit reward as one of TRL's ``reward_funcs``.

    Conversational completions become their text, only ``columns`` of the dataset are passed on
    (TRL also sends ``completion_ids`` and the trainer state), and an answer of the wrong length
    is an error naming the reward.
    """
    label = name or _name(reward)

    def fn(prompts: list[Any], completions: list[Any], **kw: Any) -> list[float]:
        texts = [c if isinstance(c, str) else str(c[-1]["content"]) for c in completions]
        out = reward(prompts, texts, **{k: kw[k] for k in columns if k in kw})
        out = [float(x) for x in out]
        if len(out) != len(texts):
            raise PrefkitError(
                f"the reward {label!r} returned {len(out)} scores for {len(texts)} completions; "
                "a reward returns one float per completion"
            )
        return out

    fn.__name__ = label
    return fn


def vllm_fields(cfg: GRPOTrainingConfig) -> dict[str, Any]:
    """TRL's settings for generating on a vLLM server (none without ``vllm_server``)."""
    if not cfg.vllm_server:
        return {}
    return {"use_vllm": True, "vllm_mode": "server", "vllm_server_base_url": cfg.vllm_server}


def _prompt_rows(
    data: Iterable[Any], columns: dict[str, Sequence[Any]] | None
) -> list[dict[str, Any]]:
    items = list(data)
    rows: list[dict[str, Any]] = []
    for x in items:
        if isinstance(x, Judgment):
            p = x.prompt if isinstance(x.prompt, str) else [m.model_dump() for m in x.prompt]
            row: dict[str, Any] = {"prompt": p}
            if "condition" in x.metadata:
                row["condition"] = str(x.metadata["condition"])
            rows.append(row)
        elif isinstance(x, dict) and "prompt" in x:
            rows.append(dict(x))
        elif isinstance(x, str | list):
            rows.append({"prompt": x})
        else:
            raise PrefkitError(
                f"expected prompts (strings or chats), rows with a 'prompt' or records; got "
                f"{type(x).__name__}"
            )
    seen, out = set(), []
    for r in rows:  # one prompt once: records of the same prompt add no new task
        key = repr(r)
        if key not in seen:
            seen.add(key)
            out.append(r)
    for name, col in (columns or {}).items():
        if len(col) != len(out):
            raise PrefkitError(f"column {name!r} has {len(col)} values for {len(out)} prompts")
        for r, v in zip(out, col, strict=True):
            r[name] = v
    return out


def train_grpo(
    prompts: Iterable[Any],
    rewards: Any,
    config: GRPOTrainingConfig | None = None,
    /,
    *,
    columns: dict[str, Sequence[Any]] | None = None,
    **overrides: Any,
) -> TrainedPolicy:
    """Train a policy with GRPO or RLOO against prefkit rewards through TRL.

    Args:
        prompts: strings, chats, rows ``{"prompt", ...}`` (other keys are dataset columns) or
            judgment records (their prompts, each once; ``metadata.condition`` becomes the
            ``condition`` column).
        rewards: one prefkit reward or a list; ``config.reward_weights`` weighs them. Each
            gets the dataset's extra columns (e.g. ``condition``) and is logged by its name.
        config: the settings (:class:`GRPOTrainingConfig`; ``algorithm`` picks GRPO or RLOO).
        columns: extra per-prompt columns, e.g. ``{"condition": [...]}``.
        **overrides: any field of the config.

    Returns:
        A :class:`TrainedPolicy` whose history holds TRL's per-step reward, per-reward means,
        KL and completion lengths.
    """
    cfg = resolve(GRPOTrainingConfig, config, overrides, what="train_grpo")
    require("torch", "transformers", "trl", what="GRPO and RLOO training")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    funcs = list(rewards) if isinstance(rewards, list | tuple) else [rewards]
    if not funcs:
        raise PrefkitError("train_grpo needs at least one reward")
    if cfg.reward_weights is not None and len(cfg.reward_weights) != len(funcs):
        raise PrefkitError(
            f"{len(cfg.reward_weights)} reward_weights for {len(funcs)} rewards; give one each"
        )
    rows = _prompt_rows(prompts, columns)
    check = DataCheck(records_in=len(rows), rows=len(rows), dropped={}, repaired={}, lengths=None)
    if not rows:
        raise no_rows(cfg.algorithm.upper(), check)
    train, held = split_rows(rows, cfg.holdout, cfg.seed)
    extra = sorted({k for r in train for k in r} - {"prompt"})
    names = [_name(f) for f in funcs]
    if len(set(names)) < len(names):
        names = [f"{n}_{i}" for i, n in enumerate(names)]
    trl_funcs = [as_trl_reward(f, extra, n) for f, n in zip(funcs, names, strict=True)]
    base = policy_folder(cfg.model)
    tok = tokenizer_for(base)
    import trl

    Config: Any = trl.GRPOConfig if cfg.algorithm == "grpo" else trl.RLOOConfig
    Trainer: Any = trl.GRPOTrainer if cfg.algorithm == "grpo" else trl.RLOOTrainer
    per_step = cfg.batch_size * cfg.grad_accum
    if per_step % cfg.num_generations:
        raise PrefkitError(
            f"batch_size × grad_accum = {per_step} completions per step is not a multiple of "
            f"num_generations={cfg.num_generations}; make batch_size a multiple of it"
        )
    args = trl_args(
        Config, cfg, 1e-6,  # TRL's default
        num_generations=cfg.num_generations, max_completion_length=cfg.max_completion_length,
        temperature=cfg.temperature, beta=cfg.beta,
        reward_weights=list(cfg.reward_weights) if cfg.reward_weights else None,
        **vllm_fields(cfg),
    )  # fmt: skip
    run = run_trl(Trainer, args, train, tok, cfg, base, reward_funcs=trl_funcs)
    heldout: dict[str, Any] = {}
    if held and run["main"]:
        heldout = _sampled_reward(base, Path(cfg.out), held, trl_funcs, cfg)
    notes = (
        "reward is the weighted sum of the rewards TRL logs one by one (rewards/<name>/mean); "
        "kl is the mean per-token KL to the initial policy (logged when beta > 0)",
    )
    return finish(cfg.algorithm, cfg, base, run, train, held, check, heldout, notes)


def _sampled_reward(
    base: Path, trained: Path, rows: list[dict[str, Any]], funcs: list[Any], cfg: Any
) -> dict[str, Any]:
    """Mean reward of greedy completions of held-out prompts, before and after."""
    from prefkit.models import LocalGenerator

    prompts = [r["prompt"] for r in rows]
    cols = {k: [r.get(k) for r in rows] for k in {k for r in rows for k in r} - {"prompt"}}
    out: dict[str, Any] = {"prompts": len(rows)}
    for label, folder in (("before", base), ("after", trained)):
        texts = [
            r[0]
            for r in LocalGenerator(folder, batch_size=8).generate(
                prompts, max_new_tokens=cfg.max_completion_length
            )
        ]
        for f in funcs:
            s = f(prompts, texts, **cols)
            out[f"{f.__name__}_{label}"] = sum(s) / len(s)
        out[f"length_{label}"] = sum(len(t) for t in texts) / len(texts)
    return out
