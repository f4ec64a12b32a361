"""Generators and judges.

A generator is ``generate(prompts, n=1, **sampling) -> list[list[str]]`` (``complete`` gives
the details: finish reason, token log-probabilities); ``load_generator(spec)`` names one:
``smollm2``, ``hf:PATH``, ``gguf:PATH.gguf`` or ``openai:MODEL@URL``. A judge compares two
responses and returns a judgment record: ``RewardJudge`` (reward models and rule sets),
``HumanJudge`` (stored judgments) and ``LLMJudge`` (a rubric, both orders, soft labels);
``judge_eval`` measures a judge against human labels.
"""

from typing import Any

from prefkit.models._base import SAMPLING, Completion, Generator, GeneratorError, TokenLogprob
from prefkit.models._cache import CachedGenerator, ResponseCache
from prefkit.models._judges import (
    JUDGE_SPECS,
    RUBRICS,
    HumanJudge,
    LLMJudge,
    LLMJudgeConfig,
    RewardJudge,
    judge_eval,
    judge_records,
    load_judge,
    parse_verdict,
)
from prefkit.models._load import SPECS, load_generator
from prefkit.models._local import LocalGenerator, smollm2_checkpoint
from prefkit.models._openai import OpenAIGenerator


def create_model_app(generator: Any, **options: Any) -> Any:
    """The OpenAI-compatible FastAPI app around ``generator`` (see ``prefkit serve-model``).

    Args:
        generator: anything with ``complete`` (a :class:`Generator`).
        **options: ``model_name``, ``api_key``, ``max_queue``, ``window`` (batching, seconds).
    """
    from prefkit.models._serve import create_model_app as create  # FastAPI: only when serving

    return create(generator, **options)


__all__ = [
    "JUDGE_SPECS",
    "RUBRICS",
    "SAMPLING",
    "SPECS",
    "CachedGenerator",
    "Completion",
    "Generator",
    "GeneratorError",
    "HumanJudge",
    "LLMJudge",
    "LLMJudgeConfig",
    "LocalGenerator",
    "OpenAIGenerator",
    "ResponseCache",
    "RewardJudge",
    "TokenLogprob",
    "create_model_app",
    "judge_eval",
    "judge_records",
    "load_generator",
    "load_judge",
    "parse_verdict",
    "smollm2_checkpoint",
]
