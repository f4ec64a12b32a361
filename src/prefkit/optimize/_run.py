"""What every policy trainer shares: the starting model, TRL's config, checkpoints, saving.

A run writes into ``out``: the trained model itself (``config.json``, weights, tokenizer; LoRA
adapters merged), TRL's checkpoints in ``out/checkpoints`` (a rerun resumes from the last complete
one, so a killed run loses at most ``save_steps`` steps), ``prefkit-run.json`` (the result) and
``report.html`` (the curves).
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prefkit._checkpoints import complete_checkpoints
from prefkit._config import fields_of
from prefkit._extras import require
from prefkit._result import Result
from prefkit.errors import PrefkitError
from prefkit.optimize._config import PolicyTrainingConfig
from prefkit.optimize._rows import DataCheck

__all__ = ["TrainedPolicy", "complete_checkpoints", "policy_folder"]


@dataclass(frozen=True, repr=False)
class TrainedPolicy(Result):
    """A trained policy: where it is, what it trained on, how training went, what it measured.

    ``to_dict()`` is the ``prefkit optimize … --json`` output (also ``OUT/prefkit-run.json``).

    Attributes:
        method: dpo, kto, sft, grpo or rloo.
        model: the saved model folder (``load_generator("hf:" + model)`` serves it).
        base: the folder training started from.
        steps: optimizer steps done in all (with those before a resume).
        resumed_from: the checkpoint this run continued, or null.
        train_rows: rows trained on.
        heldout_rows: rows held out.
        seconds: wall time of training.
        loss_first: the first logged loss.
        loss_last: the last logged loss.
        history: TRL's log, one mapping per logged step (loss, rewards, KL, lengths…).
        data: what preparing the rows did (dropped, repaired, token lengths, lost fields).
        heldout: the after-training measures on held-out rows (per method).
        notes: how to read the figures (e.g. DPO's falling log-probabilities).
        report: the HTML report's path.
    """

    method: str
    model: str
    base: str
    steps: int
    resumed_from: str | None
    train_rows: int
    heldout_rows: int
    seconds: float
    loss_first: float | None
    loss_last: float | None
    history: tuple[dict[str, float], ...]
    data: DataCheck
    heldout: dict[str, Any]
    notes: tuple[str, ...]
    report: str | None

    _repr_fields = ("method", "model", "steps", "train_rows", "loss_first", "loss_last")

    def curve(self, name: str) -> list[tuple[int, float]]:
        """(step, value) of one logged quantity, e.g. ``curve("loss")``."""
        return [(int(h["step"]), float(h[name])) for h in self.history if name in h]


def policy_folder(spec: str) -> Path:
    """The model folder a spec names: ``smollm2``, ``hf:DIR`` or a folder."""
    if spec == "smollm2":
        from prefkit.models import smollm2_checkpoint

        return smollm2_checkpoint()
    folder = Path(spec[3:] if spec.startswith("hf:") else spec)
    if not (folder / "config.json").is_file():
        raise PrefkitError(
            f"model {spec!r}: {folder} is not a transformers model folder (no config.json); "
            "give smollm2, hf:DIR or a folder that holds config.json"
        )
    return folder


def split_rows(
    rows: Sequence[dict[str, Any]], holdout: float, seed: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A seeded random split: (training, held out)."""
    import numpy as np

    order = np.random.default_rng(seed).permutation(len(rows))
    cut = round(len(rows) * (1 - holdout)) if holdout else len(rows)
    return [rows[i] for i in order[:cut]], [rows[i] for i in order[cut:]]


def trl_args(cls: type, cfg: PolicyTrainingConfig, lr: float, **fields: Any) -> Any:
    """A TRL config for ``cfg``: placement (CUDA when present), prefkit's defaults, checkpoints."""
    import torch

    gpu = torch.cuda.is_available()
    return cls(
        output_dir=str(Path(cfg.out) / "checkpoints"),
        use_cpu=not gpu,
        bf16=gpu and torch.cuda.is_bf16_supported(),  # bf16 on CPU gives implausible losses
        per_device_train_batch_size=cfg.batch_size,
        gradient_accumulation_steps=cfg.grad_accum,
        learning_rate=lr * (100 if cfg.lora else 1)
        if cfg.learning_rate is None
        else cfg.learning_rate,
        num_train_epochs=cfg.epochs,
        max_steps=cfg.max_steps,
        gradient_checkpointing=False,
        save_strategy="steps",
        save_steps=cfg.save_steps,
        logging_steps=1,
        report_to=[],
        seed=cfg.seed,
        **fields,
    )


def dataset_of(rows: list[dict[str, Any]], cfg: PolicyTrainingConfig, name: str = "train") -> Any:
    """The rows as a ``datasets.Dataset`` every process of a run can share.

    One process: in memory. Several (``accelerate launch``): saved once by the main process
    in ``out/data/NAME`` and read by all, because TRL caches derived columns (the precomputed
    reference log-probabilities) beside the dataset's files, and an in-memory dataset's cache
    lives in a temporary folder of one process that the others cannot see.
    """
    import shutil

    from accelerate import PartialState
    from datasets import Dataset, load_from_disk

    state = PartialState()
    if state.num_processes == 1:
        return Dataset.from_list(rows)
    folder = Path(cfg.out) / "data" / name
    with state.main_process_first():
        if state.is_main_process:
            shutil.rmtree(folder, ignore_errors=True)
            Dataset.from_list(rows).save_to_disk(str(folder))
    return load_from_disk(str(folder))


def lora_config(cfg: PolicyTrainingConfig) -> Any:
    """Peft's LoRA config for a causal LM, or None without LoRA."""
    if not cfg.lora:
        return None
    require("peft", what="LoRA training")
    from peft import LoraConfig

    return LoraConfig(r=cfg.lora_r, lora_alpha=2 * cfg.lora_r, task_type="CAUSAL_LM")


def load_tokenizer(spec: str) -> Any:
    """The tokenizer (and chat template) of a model: ``smollm2``, ``hf:DIR`` or a folder."""
    require("transformers", what="checking rows against a tokenizer")
    return tokenizer_for(policy_folder(spec))


def tokenizer_for(folder: Path) -> Any:
    """The base model's tokenizer with a pad token (TRL needs one)."""
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(folder)
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    return tok


def train_and_save(trainer: Any, tok: Any, cfg: PolicyTrainingConfig) -> dict[str, Any]:
    """Train (resuming from the last complete checkpoint), then save the model into ``out``.

    LoRA adapters are merged before saving, so the folder is a plain model. Only the main
    process saves; the others wait for it.
    """
    out = Path(cfg.out)
    ckpts = complete_checkpoints(out / "checkpoints")
    resumed = str(ckpts[-1]) if cfg.resume and ckpts else None
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(sys.stderr):  # progress to stderr: stdout may be --json
        trainer.train(resume_from_checkpoint=resumed)
    seconds = time.perf_counter() - t0
    acc = trainer.accelerator
    acc.wait_for_everyone()
    if acc.is_main_process:
        model = acc.unwrap_model(trainer.model)
        if cfg.lora:
            model = model.merge_and_unload()
        model.save_pretrained(out)
        tok.save_pretrained(out)
    acc.wait_for_everyone()
    history = tuple(
        {k: float(v) for k, v in h.items() if isinstance(v, int | float)}
        for h in trainer.state.log_history
        if "loss" in h or any(k.startswith(("reward", "kl")) for k in h)
    )
    losses = [h["loss"] for h in history if "loss" in h]
    return {
        "resumed_from": resumed,
        "steps": int(trainer.state.global_step),
        "seconds": seconds,
        "history": history,
        "loss_first": losses[0] if losses else None,
        "loss_last": losses[-1] if losses else None,
        "main": bool(acc.is_main_process),
    }


def run_trl(
    trainer_cls: Any, args: Any, train: list[dict[str, Any]], tok: Any, cfg: Any, base: Path,
    **extra: Any,
) -> dict[str, Any]:  # fmt: skip
    """Build a TRL trainer on the rows, train it (resuming), save the model; the run's figures.

    The trainer is dropped before returning, so its memory is free for the held-out measures.
    """
    trainer = trainer_cls(
        model=str(base),
        args=args,
        train_dataset=dataset_of(train, cfg),
        processing_class=tok,
        peft_config=lora_config(cfg),
        **extra,
    )
    return train_and_save(trainer, tok, cfg)


def no_rows(method: str, check: DataCheck) -> PrefkitError:
    """The error for an empty training set, with what was dropped and why."""
    why = ", ".join(f"{n} {r}" for r, n in sorted(check.dropped.items())) or "no input rows"
    return PrefkitError(
        f"no rows to train {method} on ({check.records_in} records in; dropped: {why})"
    )


def finish(
    method: str,
    cfg: Any,
    base: Path,
    run: dict[str, Any],
    train: list[dict[str, Any]],
    held: list[dict[str, Any]],
    check: DataCheck,
    heldout: dict[str, Any],
    notes: tuple[str, ...],
) -> TrainedPolicy:
    """The result of a run, written beside the model as JSON and as an HTML report."""
    from prefkit.optimize._report import write_report

    out = Path(cfg.out)
    result = TrainedPolicy(
        method=method,
        model=str(out),
        base=str(base),
        steps=run["steps"],
        resumed_from=run["resumed_from"],
        train_rows=len(train),
        heldout_rows=len(held),
        seconds=run["seconds"],
        loss_first=run["loss_first"],
        loss_last=run["loss_last"],
        history=run["history"],
        data=check,
        heldout=heldout,
        notes=notes,
        report=str(out / "report.html"),
    )
    if run["main"]:
        write_report(result, out / "report.html", config=fields_of(cfg))
        (out / "prefkit-run.json").write_text(
            json.dumps({**result.to_dict(), "config": fields_of(cfg)}, indent=2, default=str),
            "utf-8",
        )
    return result
