"""``train_reward_model(records, config)``: hold out, train, measure, save — one call."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal

from prefkit._config import check_config, setting
from prefkit._result import Result
from prefkit.data import Judgment
from prefkit.errors import PrefkitError

__all__ = ["RewardTrainingConfig", "TrainedRewardModel", "train_reward_model"]


@dataclass(frozen=True)
class RewardTrainingConfig:
    """How ``train_reward_model`` (and ``prefkit rm train``) trains and saves a reward model."""

    kind: Literal["embedding", "transformer"] = setting(
        "embedding",
        "embedding (all-MiniLM-L6-v2 + a Bradley-Terry head) or transformer (TRL's "
        "RewardTrainer on a causal LM).",
    )
    out: str = setting("reward-model", "The folder the model is saved in.")
    head: Literal["linear", "mlp"] = setting("linear", "The embedding model's head.")
    epochs: float | None = setting(
        None, "Passes over the pairs (default: embedding 60, transformer 1)."
    )
    conditional: bool = setting(
        False, "A value-header model: condition on each judgment's metadata.condition."
    )
    base: str | None = setting(
        None, "The transformer's base model folder (default: SmolLM2-135M-Instruct)."
    )
    lora: bool = setting(False, "Transformer: train LoRA adapters instead of every weight.")
    max_steps: int = setting(-1, "Transformer: stop after this many steps (-1: by epochs).")
    holdout: float = setting(0.3, "Share of records held out for the metrics (0: none).")
    seed: int = setting(0, "Seed of the hold-out split and of training.")

    def __post_init__(self) -> None:
        check_config(self, PrefkitError)
        if not 0 <= self.holdout < 1:
            raise PrefkitError(f"holdout {self.holdout} must be in [0, 1)")
        if self.epochs is not None and self.epochs <= 0:
            raise PrefkitError(f"epochs {self.epochs} must be > 0")


@dataclass(frozen=True)
class TrainedRewardModel(Result):
    """What training gave: where the model is, its cost, its loss and its held-out figures.

    ``to_dict()`` is the ``prefkit rm train --json`` output; ``reward`` is the trained model
    itself (a reward function), not part of the dict.

    Attributes:
        model: the folder the model was saved in (``load_reward_model`` reads it).
        kind: embedding or transformer.
        cpu_seconds: CPU time of training.
        loss_first: the first logged training loss.
        loss_last: the last logged training loss.
        train_records: records trained on.
        heldout_records: records held out.
        seed: of the split and of training.
        heldout_accuracy: pairwise accuracy on the held-out records (null without any).
        heldout_ci: its 95 % Wilson interval.
        heldout_ece: expected calibration error of σ(margin) on the held-out pairs.
        longer_wins: the accuracy of "the longer response wins" on the same pairs.
    """

    model: str
    kind: str
    cpu_seconds: float
    loss_first: float
    loss_last: float
    train_records: int
    heldout_records: int
    seed: int
    heldout_accuracy: float | None
    heldout_ci: tuple[float, float] | None
    heldout_ece: float | None
    longer_wins: float | None
    reward: ClassVar[Any] = None  # set per instance by train_reward_model; not in to_dict()


def split_records(
    records: Sequence[Judgment], holdout: float, seed: int
) -> tuple[list[Judgment], list[Judgment]]:
    """A seeded random split: (training, held out)."""
    import numpy as np

    order = np.random.default_rng(seed).permutation(len(records))
    cut = round(len(records) * (1 - holdout))
    return [records[i] for i in order[:cut]], [records[i] for i in order[cut:]]


def train_reward_model(
    records: Sequence[Judgment], config: RewardTrainingConfig | None = None, /, **overrides: Any
) -> TrainedRewardModel:
    """Hold out, train, measure and save a reward model.

    Hold out a share of the records, train the model, measure it on the held-out ones
    (accuracy with CI, calibration, the "longer wins" baseline) and save it with its metrics.

    Args:
        records: judgment records with pairwise preferences.
        config: the settings (:class:`RewardTrainingConfig`).
        **overrides: any field of the config.

    Returns:
        A :class:`TrainedRewardModel`; ``load_reward_model(result.model)`` reads it back.
    """
    import dataclasses

    from prefkit._config import config_from
    from prefkit.rewards._diagnostics import diagnose_reward
    from prefkit.rewards._embedding_rm import EmbeddingRewardModel
    from prefkit.rewards._transformer_rm import TransformerRewardModel

    cfg = config if config is not None else RewardTrainingConfig()
    if overrides:
        cfg = config_from(RewardTrainingConfig, {**dataclasses.asdict(cfg), **overrides})
    records = list(records)
    if not records:
        raise PrefkitError("no records to train a reward model on")
    train, test = split_records(records, cfg.holdout, cfg.seed)
    out = Path(cfg.out)
    model: Any
    if cfg.kind == "embedding":
        model = EmbeddingRewardModel(
            head=cfg.head, epochs=int(cfg.epochs or 60), seed=cfg.seed, conditional=cfg.conditional
        ).fit(train)
    else:
        model = TransformerRewardModel(
            cfg.base,
            output_dir=out,
            lora=cfg.lora,
            conditional=cfg.conditional,
            max_steps=cfg.max_steps,
            num_train_epochs=cfg.epochs or 1.0,
            seed=cfg.seed,
        ).fit(train)
    metrics: dict[str, Any] = {
        "train_records": len(train),
        "heldout_records": len(test),
        "seed": cfg.seed,
    }
    held: dict[str, Any] = dict.fromkeys(
        ("heldout_accuracy", "heldout_ci", "heldout_ece", "longer_wins")
    )
    if test:
        res = diagnose_reward(model, test, failures=0)
        held = {
            "heldout_accuracy": res.evaluation.accuracy,
            "heldout_ci": tuple(res.evaluation.ci) if res.evaluation.ci else None,
            "heldout_ece": res.calibration.ece,
            "longer_wins": res.evaluation.baselines["longer"].accuracy,
        }
    saved = {**metrics, **{k: list(v) if isinstance(v, tuple) else v for k, v in held.items()}}
    if cfg.kind == "embedding":
        model.save(out, saved)
    else:
        model.save_metrics(saved)
    result = TrainedRewardModel(
        model=str(out),
        kind=cfg.kind,
        cpu_seconds=float(model.cpu_seconds_),
        loss_first=float(model.loss_history_[0]),
        loss_last=float(model.loss_history_[-1]),
        **metrics,
        **held,
    )
    object.__setattr__(result, "reward", model)  # frozen: the model rides beside the figures
    return result
