"""``win_rate(policy, base, prompts, judge)``: is the trained policy better, and what else moved.

Length and refusal drift are measured on the same completions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from prefkit._result import Result
from prefkit.errors import PrefkitError
from prefkit.optimize._bon import name_of, score_completions

__all__ = ["WinRate", "win_rate"]


@dataclass(frozen=True, repr=False)
class WinRate(Result):
    """The trained policy against the starting one on the same prompts.

    Attributes:
        policy: the trained generator's name.
        base: the starting generator's name.
        judge: the reward's or judge's name.
        prompts: prompts compared.
        comparisons: completion pairs compared (``n`` per prompt).
        wins: comparisons the policy won.
        ties: tied comparisons (equal rewards, or a judge whose two orders disagree).
        losses: comparisons the policy lost.
        win_rate: (wins + ties / 2) / comparisons.
        ci: its 95 % interval, clustered by prompt (the prompts' mean outcomes' standard error).
        length_policy: mean length of the policy's completions (characters).
        length_base: mean length of the base's completions.
        refusals_policy: share of the policy's completions that refuse.
        refusals_base: share of the base's completions that refuse.
    """

    policy: str
    base: str
    judge: str
    prompts: int
    comparisons: int
    wins: int
    ties: int
    losses: int
    win_rate: float
    ci: tuple[float, float] | None
    length_policy: float
    length_base: float
    refusals_policy: float
    refusals_base: float

    _repr_fields = ("policy", "base", "judge", "comparisons", "win_rate", "ci")


def _outcomes(judge: Any, prompts: list[Any], a: list[str], b: list[str]) -> list[float]:
    """1, 0.5 or 0 for each (a, b): a reward compares scores, a judge is asked in both orders."""
    if hasattr(judge, "judge_many") and not callable(judge):
        ab = judge.judge_many(list(zip(prompts, a, b, strict=True)), [("p", "b")] * len(a))
        ba = judge.judge_many(list(zip(prompts, b, a, strict=True)), [("b", "p")] * len(a))
        out = []
        for x, y in zip(ab, ba, strict=True):
            votes = {x.preference, y.preference}
            out.append(1.0 if votes == {"p"} else 0.0 if votes == {"b"} else 0.5)
        return out
    sa = score_completions(judge, prompts, a)
    sb = score_completions(judge, prompts, b)
    return [1.0 if x > y else 0.0 if x < y else 0.5 for x, y in zip(sa, sb, strict=True)]


def _refuses(texts: Sequence[str]) -> float:
    from prefkit.rewards import load_rules

    rule = load_rules({"name": "refusal", "rules": [{"name": "refusal", "kind": "refusal"}]})
    flags = rule([""] * len(texts), list(texts))
    return sum(flags) / len(flags) if flags else 0.0


def win_rate(
    policy: Any,
    base: Any,
    prompts: Sequence[Any],
    judge: Any,
    *,
    n: int = 1,
    max_new_tokens: int = 64,
    temperature: float = 0.0,
    seed: int = 0,
) -> WinRate:
    """How often the trained policy beats the starting one, judged by a reward or a judge.

    Both generators answer every prompt (``n`` samples each, seeded alike); a reward compares
    their scores, a judge is asked in both orders and an order-dependent verdict is a tie. The
    interval is clustered by prompt: the samples of one prompt are not independent.
    """
    prompts = list(prompts)
    if not prompts:
        raise PrefkitError("win_rate needs at least one held-out prompt")
    s = {"max_new_tokens": max_new_tokens, "temperature": temperature, "seed": seed}
    pa = policy.generate(prompts, n=n, **s)
    pb = base.generate(prompts, n=n, **s)
    flat_p = [p for p in prompts for _ in range(n)]
    a = [t for row in pa for t in row]
    b = [t for row in pb for t in row]
    out = _outcomes(judge, flat_p, a, b)
    per_prompt = [sum(out[i * n : (i + 1) * n]) / n for i in range(len(prompts))]
    mean = sum(out) / len(out)
    ci = None
    if len(per_prompt) > 1:
        var = sum((x - mean) ** 2 for x in per_prompt) / (len(per_prompt) - 1)
        half = 1.959964 * math.sqrt(var / len(per_prompt))
        ci = (max(0.0, mean - half), min(1.0, mean + half))
    return WinRate(
        policy=str(getattr(policy, "name", "policy")),
        base=str(getattr(base, "name", "base")),
        judge=name_of(judge),
        prompts=len(prompts),
        comparisons=len(out),
        wins=sum(x == 1.0 for x in out),
        ties=sum(x == 0.5 for x in out),
        losses=sum(x == 0.0 for x in out),
        win_rate=mean,
        ci=ci,
        length_policy=sum(map(len, a)) / len(a),
        length_base=sum(map(len, b)) / len(b),
        refusals_policy=_refuses(a),
        refusals_base=_refuses(b),
    )
