"""The reward-function contract, the same as TRL's ``reward_funcs``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

__all__ = ["RewardFunction"]


@runtime_checkable
class RewardFunction(Protocol):
    """``reward(prompts, completions, **columns) -> list[float]``: one float per completion.

    Prompts and completions are strings (TRL's standard format) or lists of chat messages
    (conversational); extra dataset columns arrive as keyword lists of the same length.
    """

    def __call__(
        self, prompts: Sequence[Any], completions: Sequence[Any], **columns: Any
    ) -> list[float]: ...
