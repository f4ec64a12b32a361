"""The settings of each policy trainer: one frozen dataclass per method, shared fields first.

prefkit's defaults differ from TRL's where TRL's suit a GPU cluster and cost time here: the
reference log-probabilities are computed once before training (TRL: every step), activations
are not recomputed (TRL's configs turn gradient checkpointing on), rows are capped at 256
tokens (TRL: 1024) and nothing is logged to outside trackers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from prefkit._config import check_config, setting
from prefkit.errors import PrefkitError

__all__ = [
    "DPOTrainingConfig",
    "GRPOTrainingConfig",
    "KTOTrainingConfig",
    "PolicyTrainingConfig",
    "SFTTrainingConfig",
]


@dataclass(frozen=True)
class PolicyTrainingConfig:
    """What every policy trainer shares."""

    model: str = setting(
        "smollm2", "The policy to start from: smollm2, hf:DIR or a transformers model folder."
    )
    out: str = setting("policy", "The folder the trained model is saved in (hf:OUT serves it).")
    learning_rate: float | None = setting(
        None, "Learning rate (default: the method's; with LoRA 100 times higher)."
    )
    epochs: float = setting(1.0, "Passes over the training rows.")
    max_steps: int = setting(-1, "Stop after this many optimizer steps (-1: by epochs).")
    batch_size: int = setting(4, "Rows per device per step.")
    grad_accum: int = setting(1, "Gradient accumulation steps.")
    max_length: int = setting(256, "Tokens per row (prompt + completion) at most.")
    too_long: Literal["truncate", "drop", "error"] = setting(
        "truncate",
        "Rows over max_length: truncate (TRL keeps the start), drop, or error; reported always.",
    )
    lora: bool = setting(False, "Train LoRA adapters (merged into the saved model).")
    lora_r: int = setting(8, "LoRA rank.")
    holdout: float = setting(0.3, "Share of rows held out for the after-training measures.")
    seed: int = setting(0, "Seed of the split and of training.")
    save_steps: int = setting(
        50, "Checkpoint every this many steps; a rerun resumes from the last."
    )
    resume: bool = setting(True, "Resume from the last complete checkpoint in OUT/checkpoints.")

    def __post_init__(self) -> None:
        check_config(self, PrefkitError)
        if not 0 <= self.holdout < 1:
            raise PrefkitError(f"holdout {self.holdout} must be in [0, 1)")
        for name in ("batch_size", "grad_accum", "max_length", "lora_r", "save_steps"):
            if getattr(self, name) < 1:
                raise PrefkitError(f"{name}={getattr(self, name)} must be >= 1")
        if self.epochs <= 0:
            raise PrefkitError(f"epochs={self.epochs} must be > 0")


# TRL 1.16's DPO loss types (trl/trainer/dpo_config.py)
DPO_LOSSES = (
    "sigmoid", "hinge", "ipo", "exo_pair", "nca_pair", "robust", "bco_pair", "sppo_hard", "aot",
    "aot_unpaired", "apo_zero", "apo_down", "discopop", "sft", "sigmoid_norm",
)  # fmt: skip


@dataclass(frozen=True)
class DPOTrainingConfig(PolicyTrainingConfig):
    """DPO and its variants through TRL's ``DPOTrainer`` (Rafailov et al. 2023)."""

    out: str = setting("dpo-model", "The folder the trained model is saved in (hf:OUT serves it).")
    loss_type: str = setting(
        "sigmoid",
        "TRL's DPO loss: sigmoid (DPO), ipo, hinge, robust, exo_pair, nca_pair, bco_pair, "
        "sppo_hard, aot, apo_zero, apo_down, discopop, sigmoid_norm; comma-separated to combine.",
    )
    beta: float = setting(0.1, "Deviation from the reference (DPO paper's 0.1; IPO's τ).")
    label_smoothing: float = setting(
        0.0, "Robust DPO's label-flip probability in [0, 0.5) (or EXO's ε)."
    )
    precompute_ref: bool = setting(
        True, "Compute the reference log-probabilities once before training (TRL: every step)."
    )
    ties: Literal["drop", "split", "error"] = setting(
        "error", "Tied judgments: drop, split (both orders), or error."
    )
    from_ranking: Literal["adjacent", "all-pairs"] = setting(
        "adjacent", "Rankings as adjacent pairs or all pairs."
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        bad = [x for x in self.losses if x not in DPO_LOSSES]
        if bad:
            raise PrefkitError(f"unknown DPO loss_type {bad}; expected some of {list(DPO_LOSSES)}")
        if self.beta <= 0:
            raise PrefkitError(f"beta={self.beta} must be > 0")
        if not 0 <= self.label_smoothing < 0.5:
            raise PrefkitError(f"label_smoothing={self.label_smoothing} must be in [0, 0.5)")

    @property
    def losses(self) -> list[str]:
        """The loss types as TRL takes them."""
        return [x.strip() for x in self.loss_type.split(",") if x.strip()]


@dataclass(frozen=True)
class KTOTrainingConfig(PolicyTrainingConfig):
    """KTO through TRL's ``KTOTrainer`` (Ethayarajh et al. 2024), from unpaired labels."""

    out: str = setting("kto-model", "The folder the trained model is saved in (hf:OUT serves it).")
    beta: float = setting(0.1, "Deviation from the reference (the KTO paper's 0.1).")
    desirable_weight: float = setting(1.0, "Weight of desirable rows' loss.")
    undesirable_weight: float = setting(1.0, "Weight of undesirable rows' loss.")
    rating: str | None = setting(
        None,
        "Label rated responses by this rating criterion: desirable when the score is at least "
        "rating_threshold (instead of pairs and metadata.label).",
    )
    rating_threshold: float = setting(4.0, "The score a rated response needs to be desirable.")
    precompute_ref: bool = setting(
        True, "Compute the reference log-probabilities once before training (TRL: every step)."
    )
    ties: Literal["drop", "error"] = setting("drop", "Tied judgments: drop or error.")


@dataclass(frozen=True)
class SFTTrainingConfig(PolicyTrainingConfig):
    """Supervised fine-tuning through TRL's ``SFTTrainer`` (loss on the completion only)."""

    out: str = setting("sft-model", "The folder the trained model is saved in (hf:OUT serves it).")
    holdout: float = setting(0.0, "Share of rows held out (their loss is measured after training).")


@dataclass(frozen=True)
class GRPOTrainingConfig(PolicyTrainingConfig):
    """GRPO (Shao et al. 2024) or RLOO (Ahmadian et al. 2024) through TRL, with prefkit rewards."""

    algorithm: Literal["grpo", "rloo"] = setting("grpo", "grpo (group-normalised) or rloo.")
    out: str = setting("grpo-model", "The folder the trained model is saved in (hf:OUT serves it).")
    num_generations: int = setting(4, "Completions sampled per prompt per step (the group).")
    max_completion_length: int = setting(64, "Tokens per sampled completion at most.")
    temperature: float = setting(1.0, "Sampling temperature during training.")
    beta: float = setting(
        0.04, "KL penalty to the initial policy (DeepSeekMath's 0.04; 0 drops the reference)."
    )
    reward_weights: tuple[float, ...] | None = setting(
        None, "One weight per reward (default: all 1).", cli=False
    )
    holdout: float = setting(0.0, "Share of prompts held out (sampled before and after).")
    vllm_server: str | None = setting(
        None,
        "Generate with a TRL vLLM server at this URL (`trl vllm-serve`; e.g. "
        "http://host:8000) instead of in the training process.",
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.num_generations < 2:
            raise PrefkitError(
                f"num_generations={self.num_generations}: a group needs at least 2 completions"
            )
        if self.beta < 0:
            raise PrefkitError(f"beta={self.beta} must be >= 0")
