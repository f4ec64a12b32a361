"""The reward-function contract as TRL calls it (``GRPOTrainer._calculate_rewards``): checked by
calling, not by ``isinstance`` on a runtime Protocol (which any callable passes)."""

from __future__ import annotations

from typing import Any


def assert_reward_contract(reward: Any) -> None:
    """``reward`` takes standard and conversational batches with TRL's extra keyword columns and
    returns one finite Python float per completion, and has the ``__name__`` TRL logs it by."""
    name = getattr(reward, "__name__", None)
    assert isinstance(name, str) and name, f"{reward!r} has no __name__ for TRL's logs"
    standard = (["Say hi.", "Say hi.", "Name a colour."], ["Hi!", "Hello there.", "Blue."])
    chat_p = [[{"role": "user", "content": "Say hi."}]] * 2
    chat_c = [[{"role": "assistant", "content": "Hi!"}], [{"role": "assistant", "content": "Yo."}]]
    for prompts, completions in (standard, (chat_p, chat_c)):
        n = len(completions)
        extra = {"completion_ids": [[1, 2]] * n, "trainer_state": None, "topic": ["x"] * n}
        out = reward(prompts, completions, **extra)
        assert isinstance(out, list) and len(out) == n, out
        assert all(type(x) is float and x == x and abs(x) != float("inf") for x in out), out
