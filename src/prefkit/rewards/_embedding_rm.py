"""The embedding reward model: frozen sentence embeddings, a small head, Bradley-Terry loss."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from prefkit._config import check_config, resolve, setting
from prefkit._extras import require
from prefkit.data import Comparison, Judgment
from prefkit.errors import PrefkitError
from prefkit.rewards._embed import Embedder
from prefkit.rewards._evaluate import as_comparisons
from prefkit.rewards._text import as_text

__all__ = ["EmbeddingRewardModel", "EmbeddingRewardModelConfig", "load_reward_model"]

FORMAT = "prefkit-reward-model/1"


@dataclass(frozen=True)
class EmbeddingRewardModelConfig:
    """How :class:`EmbeddingRewardModel` is built and trained."""

    head: Literal["linear", "mlp"] = setting(
        "linear", "linear, or mlp (one hidden layer) on the embedding features."
    )
    hidden: int = setting(128, "Hidden units of the mlp head.")
    epochs: int = setting(60, "Passes over the pairs.")
    lr: float = setting(0.01, "Adam's learning rate.")
    weight_decay: float = setting(1e-3, "L2 penalty on the head's weights.")
    batch_size: int = setting(512, "Pairs per step.")
    seed: int = setting(0, "Seed of the head's initialisation and the batch order.")
    conditional: bool = setting(
        False, "A value-header model: condition on each judgment's metadata.condition."
    )
    condition_key: str = setting("condition", "The metadata key holding the condition.")

    def __post_init__(self) -> None:
        check_config(self, PrefkitError)
        for name in ("hidden", "epochs", "batch_size"):
            if getattr(self, name) < 1:
                raise PrefkitError(f"{name} {getattr(self, name)} must be >= 1")
        if self.lr <= 0 or self.weight_decay < 0:
            raise PrefkitError(
                f"lr {self.lr} must be > 0 and weight_decay {self.weight_decay} >= 0"
            )


def _prompt_text(prompt: Any) -> str:
    if isinstance(prompt, str):
        return prompt
    return "\n".join(
        f"{m.get('role', 'user')}: {m.get('content', '')}" for m in prompt if isinstance(m, dict)
    )


class EmbeddingRewardModel:
    """r(prompt, response) = head([e(response), e(prompt) ⊙ e(response)]) on frozen embeddings.

    Trained with the Bradley-Terry loss -log σ(r(chosen) - r(rejected)) (a tie is the target
    0.5), Adam, L2 ``weight_decay``. ``head``: "linear" or "mlp" (one hidden layer). With
    MiniLM, thousands of pairs train in seconds on a CPU; embeddings are cached on disk.

    Args:
        config: the settings (:class:`EmbeddingRewardModelConfig`).
        embedder: the sentence embedder (default: all-MiniLM-L6-v2, cached on disk).
        **overrides: any field of the config, e.g. ``EmbeddingRewardModel(head="mlp")``.
    """

    def __init__(
        self,
        config: EmbeddingRewardModelConfig | None = None,
        /,
        *,
        embedder: Embedder | None = None,
        **overrides: Any,
    ) -> None:
        cfg = resolve(EmbeddingRewardModelConfig, config, overrides, what="EmbeddingRewardModel")
        self.settings = cfg
        self.head = cfg.head
        self.hidden = cfg.hidden
        self.epochs = cfg.epochs
        self.lr = cfg.lr
        self.weight_decay = cfg.weight_decay
        self.batch_size = cfg.batch_size
        self.seed = cfg.seed
        self.embedder = embedder or Embedder()
        self.conditional = cfg.conditional
        self.condition_key = cfg.condition_key

    @property
    def __name__(self) -> str:
        return f"embedding-rm-{self.head}"

    def _features(
        self,
        prompts: Sequence[Any],
        responses: Sequence[str],
        conditions: Sequence[str] | None = None,
    ) -> np.ndarray:
        e_p = self.embedder([_prompt_text(p) for p in prompts])
        e_r = self.embedder(list(responses))
        parts = [e_r, e_p * e_r]
        if self.conditional:
            # The value header: the condition's embedding interacts with the response's, so
            # one model can rank the same pair differently for different stakeholders.
            conds = list(conditions) if conditions is not None else [""] * len(responses)
            e_c = self.embedder([c or "[no condition]" for c in conds])
            parts += [e_c, e_c * e_r]  # an MLP head learns the condition × response interaction
        return np.concatenate(parts, axis=1)

    def _net(self, dim: int) -> Any:
        import torch

        torch.manual_seed(self.seed)
        if self.head == "linear":
            return torch.nn.Linear(dim, 1)
        return torch.nn.Sequential(
            torch.nn.Linear(dim, self.hidden), torch.nn.GELU(), torch.nn.Linear(self.hidden, 1)
        )

    def fit(self, data: Iterable[Judgment] | Sequence[Comparison]) -> EmbeddingRewardModel:
        require("torch", what="embedding reward models")
        import torch

        pairs = as_comparisons(data)
        if not pairs:
            raise PrefkitError("no pairwise judgments with two responses to train on")
        t0 = time.process_time()
        prompts = [p.prompt_value() for p in pairs]
        conds = (
            [str(p.metadata.get(self.condition_key) or "") for p in pairs]
            if self.conditional
            else None
        )
        if conds is not None and not any(conds):
            raise PrefkitError(
                f"a conditional reward model needs judgments with metadata.{self.condition_key} "
                "(e.g. '[stakeholder=legal; caution=high]'); none has one"
            )
        fa = torch.from_numpy(self._features(prompts, [p.first_text for p in pairs], conds))
        fb = torch.from_numpy(self._features(prompts, [p.second_text for p in pairs], conds))
        y = torch.tensor(
            [1.0 if p.verdict == "first" else 0.0 if p.verdict == "second" else 0.5 for p in pairs]
        )
        self.net_ = self._net(fa.shape[1])
        opt = torch.optim.AdamW(self.net_.parameters(), lr=self.lr, weight_decay=self.weight_decay)
        gen = torch.Generator().manual_seed(self.seed)
        self.loss_history_: list[float] = []
        n = len(pairs)
        for _ in range(self.epochs):
            order = torch.randperm(n, generator=gen)
            total = 0.0
            for i in range(0, n, self.batch_size):
                idx = order[i : i + self.batch_size]
                margin = (self.net_(fa[idx]) - self.net_(fb[idx])).squeeze(-1)
                loss = torch.nn.functional.binary_cross_entropy_with_logits(margin, y[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
                total += float(loss.detach()) * len(idx)
            self.loss_history_.append(total / n)
        self.dim_ = int(fa.shape[1])
        self.cpu_seconds_ = time.process_time() - t0
        self.fingerprint_ = hashlib.sha256(
            "\n".join(f"{p.record}\t{p.verdict}" for p in pairs).encode()
        ).hexdigest()[:16]
        self.train_pairs_ = n
        return self

    def __call__(
        self, prompts: Sequence[Any], completions: Sequence[Any], **columns: Any
    ) -> list[float]:
        """Rewards for completions.

        A conditional model reads the ``condition`` column (one string per completion, or one for
        all).
        """
        import torch

        if not hasattr(self, "net_"):
            raise PrefkitError("the reward model is not trained; call fit() or load one")
        texts = [c if isinstance(c, str) else as_text(c, roles=("assistant",)) for c in completions]
        conds = None
        if self.conditional:
            raw = columns.get("condition", "")
            conds = [str(raw)] * len(texts) if isinstance(raw, str) else [str(c) for c in raw]
        with torch.no_grad():
            out = self.net_(torch.from_numpy(self._features(prompts, texts, conds))).squeeze(-1)
        return [float(x) for x in out]

    # ------------------------------------------------------------------------------ saving

    def config(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "kind": "embedding",
            "encoder": self.embedder.name,
            "head": self.head,
            "hidden": self.hidden,
            "dim": self.dim_,
            "epochs": self.epochs,
            "lr": self.lr,
            "weight_decay": self.weight_decay,
            "seed": self.seed,
            "conditional": self.conditional,
            "condition_key": self.condition_key,
        }

    def save(self, folder: str | Path, metrics: dict[str, Any] | None = None) -> Path:
        """A self-describing folder.

        Config.json, head.pt, training.json (data fingerprint, pairs, CPU seconds, loss curve) and
        metrics.json when given.
        """
        import torch

        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        (out / "config.json").write_text(json.dumps(self.config(), indent=2), "utf-8")
        torch.save(self.net_.state_dict(), out / "head.pt")
        training = {
            "pairs": self.train_pairs_,
            "data_fingerprint": self.fingerprint_,
            "cpu_seconds": self.cpu_seconds_,
            "loss": self.loss_history_,
        }
        (out / "training.json").write_text(json.dumps(training, indent=2), "utf-8")
        if metrics is not None:
            (out / "metrics.json").write_text(json.dumps(metrics, indent=2), "utf-8")
        return out

    @classmethod
    def load(cls, folder: str | Path, *, embedder: Embedder | None = None) -> EmbeddingRewardModel:
        require("torch", what="embedding reward models")
        import torch

        path = Path(folder)
        try:
            cfg = json.loads((path / "config.json").read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise PrefkitError(
                f"{path} is not a saved prefkit reward model (config.json: {exc})"
            ) from None
        if cfg.get("format") != FORMAT or cfg.get("kind") != "embedding":
            raise PrefkitError(
                f"{path}: expected {FORMAT} of kind 'embedding', found "
                f"{cfg.get('format')}/{cfg.get('kind')}"
            )
        m = cls(
            head=cfg["head"],
            hidden=cfg["hidden"],
            epochs=cfg["epochs"],
            lr=cfg["lr"],
            weight_decay=cfg["weight_decay"],
            seed=cfg["seed"],
            embedder=embedder or Embedder(cfg["encoder"]),
            conditional=cfg.get("conditional", False),
            condition_key=cfg.get("condition_key", "condition"),
        )
        m.net_ = m._net(cfg["dim"])
        m.net_.load_state_dict(torch.load(path / "head.pt", weights_only=True))
        m.net_.eval()
        m.dim_ = cfg["dim"]
        training = json.loads((path / "training.json").read_text("utf-8"))
        m.train_pairs_, m.fingerprint_ = training["pairs"], training["data_fingerprint"]
        m.cpu_seconds_, m.loss_history_ = training["cpu_seconds"], training["loss"]
        return m


def load_reward_model(folder: str | Path) -> Any:
    """Load any saved prefkit reward model folder (one call; usable as a TRL reward_funcs)."""
    path = Path(folder)
    try:
        kind = json.loads((path / "config.json").read_text("utf-8")).get("kind")
    except (OSError, ValueError) as exc:
        raise PrefkitError(
            f"{path} is not a saved prefkit reward model (config.json: {exc})"
        ) from None
    if kind == "transformer":
        from prefkit.rewards._transformer_rm import TransformerRewardModel

        return TransformerRewardModel.load(path)
    if kind == "multi-objective":
        from prefkit.rewards._multi import MultiObjectiveRewardModel

        return MultiObjectiveRewardModel.load(path)
    return EmbeddingRewardModel.load(path)
