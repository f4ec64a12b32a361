"""What every generator gives.

``generate(prompts, n=1, **sampling) -> list[list[str]]``, and the detailed form behind it (token
log-probabilities when the backend has them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from prefkit.errors import GeneratorError

__all__ = [
    "SAMPLING",
    "Completion",
    "Generator",
    "GeneratorError",
    "TextsFromCompletions",
    "TokenLogprob",
    "check_sampling",
]

# The sampling parameters every backend understands (OpenAI names; max_new_tokens as in HF).
SAMPLING = ("max_new_tokens", "temperature", "top_p", "seed", "stop", "top_logprobs")


@dataclass(frozen=True)
class TokenLogprob:
    """One generated token, its log-probability, and the most likely alternatives there."""

    token: str
    logprob: float
    top: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Completion:
    text: str
    finish_reason: str = "stop"  # "stop" (end of text or a stop string) or "length"
    tokens: int = 0
    logprobs: list[TokenLogprob] | None = None


@runtime_checkable
class Generator(Protocol):
    """The generator contract: ``generate(prompts, n=1, **sampling)`` -> n texts per prompt."""

    name: str

    def generate(self, prompts: Sequence[Any], n: int = 1, **sampling: Any) -> list[list[str]]: ...

    def complete(
        self, prompts: Sequence[Any], n: int = 1, **sampling: Any
    ) -> list[list[Completion]]: ...


class TextsFromCompletions:
    """``generate`` for backends that implement ``complete``: the texts only."""

    def complete(
        self, prompts: Sequence[Any], n: int = 1, **sampling: Any
    ) -> list[list[Completion]]:
        raise NotImplementedError

    def generate(self, prompts: Sequence[Any], n: int = 1, **sampling: Any) -> list[list[str]]:
        return [[c.text for c in row] for row in self.complete(prompts, n, **sampling)]


def check_sampling(sampling: dict[str, Any], n: int = 1) -> dict[str, Any]:
    """Sampling parameters with defaults filled in.

    Unknown names and bad values (and ``n``, the completions per prompt, below 1) are errors.
    """
    if not isinstance(n, int) or n < 1:
        raise GeneratorError(f"n={n!r} must be an integer >= 1")
    unknown = sorted(set(sampling) - set(SAMPLING))
    if unknown:
        raise GeneratorError(f"unknown sampling parameters {unknown}; expected some of {SAMPLING}")
    out = {
        "max_new_tokens": 64,
        "temperature": 0.0,
        "top_p": 1.0,
        "seed": None,
        "stop": None,
        "top_logprobs": 0,
    } | sampling
    if not isinstance(out["max_new_tokens"], int) or out["max_new_tokens"] < 1:
        raise GeneratorError(f"max_new_tokens={out['max_new_tokens']!r} must be an integer >= 1")
    if not 0 <= float(out["temperature"]) <= 5:
        raise GeneratorError(f"temperature={out['temperature']!r} must be in [0, 5] (0: greedy)")
    if not 0 < float(out["top_p"]) <= 1:
        raise GeneratorError(f"top_p={out['top_p']!r} must be in (0, 1]")
    if isinstance(out["stop"], str):
        out["stop"] = [out["stop"]]
    if out["stop"] is not None:
        out["stop"] = [s for s in out["stop"] if s] or None
    if not isinstance(out["top_logprobs"], int) or not 0 <= out["top_logprobs"] <= 20:
        raise GeneratorError(f"top_logprobs={out['top_logprobs']!r} must be an integer in [0, 20]")
    return out


def cut_at_stop(text: str, stop: Sequence[str] | None) -> tuple[str, bool]:
    """The text up to the first stop string (which is left out, as OpenAI servers do)."""
    if not stop:
        return text, False
    cuts = [i for i in (text.find(s) for s in stop) if i >= 0]
    return (text[: min(cuts)], True) if cuts else (text, False)
