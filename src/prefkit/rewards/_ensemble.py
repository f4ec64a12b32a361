"""Ensembles of reward functions: mean, worst case, or mean - λ·std (uncertainty-weighted)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np

from prefkit.errors import PrefkitError

__all__ = ["Ensemble"]


class Ensemble:
    """Combine reward functions per completion.

    Members are z-scored over the batch first (``standardize``), since rewards on different scales
    cannot be averaged as they are.
    """

    def __init__(
        self,
        rewards: Sequence[Callable[..., list[float]]],
        mode: Literal["mean", "min", "uncertainty"] = "mean",
        *,
        lam: float = 1.0,
        standardize: bool = True,
    ) -> None:
        if not rewards:
            raise PrefkitError("an ensemble needs at least one reward function")
        if mode not in ("mean", "min", "uncertainty"):
            raise PrefkitError(f"unknown ensemble mode {mode!r}; expected mean, min or uncertainty")
        self.rewards = list(rewards)
        self.mode = mode
        self.lam = lam
        self.standardize = standardize

    @property
    def __name__(self) -> str:
        return f"ensemble-{self.mode}"

    def __call__(
        self, prompts: Sequence[Any], completions: Sequence[Any], **columns: Any
    ) -> list[float]:
        scores = np.array([r(prompts, completions, **columns) for r in self.rewards], dtype=float)
        if self.standardize and scores.shape[1] > 1:
            sd = scores.std(axis=1, keepdims=True)
            scores = (scores - scores.mean(axis=1, keepdims=True)) / np.where(sd == 0, 1.0, sd)
        if self.mode == "mean":
            out = scores.mean(axis=0)
        elif self.mode == "min":
            out = scores.min(axis=0)
        else:
            out = scores.mean(axis=0) - self.lam * scores.std(axis=0)
        return [float(x) for x in out]
