"""DPO, KTO, SFT, GRPO and RLOO through TRL on a tiny random model: a few real steps each.

Each run must change the parameters and move the loss, save a folder that ``hf:OUT`` serves, and
report its data checks; bad input (a tie under ties='error', nothing to train on, a reward of the
wrong length) is a clear error.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from prefkit.data import judgment_from_dict, write_records
from prefkit.errors import ConversionError, PrefkitError

pytest.importorskip("trl")
torch = pytest.importorskip("torch")

from prefkit.models import load_generator  # noqa: E402
from prefkit.optimize import (  # noqa: E402
    best_of_n,
    train_dpo,
    train_grpo,
    train_kto,
    train_sft,
)
from prefkit.optimize._run import complete_checkpoints  # noqa: E402

from ..rewards.test_trl_grpo import tiny_model  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
PROMPTS = ["hello world", "a question please", "summarize the text", "good answer"]
GOOD = ["yes good", "the answer", "short text", "yes"]
BAD = ["no bad", "long long", "bad bad", "no"]


def pairs(k: int = 4) -> list[Any]:
    return [
        judgment_from_dict({
            "prompt": p, "responses": [{"id": "a", "text": g}, {"id": "b", "text": b}],
            "preference": "a", "annotator": "ann", "rationale": "a is right",
        })
        for p, g, b in zip(PROMPTS * k, GOOD * k, BAD * k, strict=True)
    ]  # fmt: skip


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tiny")
    tiny_model(folder, hidden=32)
    return folder


def weights(folder: Path | str) -> dict[str, Any]:
    from transformers import AutoModelForCausalLM

    return AutoModelForCausalLM.from_pretrained(folder).state_dict()


def changed(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return any(not torch.equal(a[k], b[k]) for k in a)


FAST = {"learning_rate": 1e-2, "resume": False, "save_steps": 1000}


def test_dpo_trains_saves_a_generator_and_measures_held_out_pairs(
    tiny: Path, tmp_path: Path
) -> None:
    out = tmp_path / "dpo"
    res = train_dpo(pairs(), model=str(tiny), out=str(out), max_steps=4, **FAST)
    assert changed(weights(tiny), weights(out))
    assert res.steps == 4 and res.train_rows + res.heldout_rows == 16 and res.heldout_rows == 5
    assert res.loss_first is not None and res.loss_last is not None
    assert res.loss_last < res.loss_first  # 0.693 = log 2 at the start: the policy is the reference
    assert abs(res.loss_first - 0.6931) < 1e-3
    assert {"rewards/accuracies", "rewards/margins", "logps/chosen"} <= set(res.history[-1])
    held = res.heldout
    assert held["pairs"] == 5 and 0 <= held["implicit_reward_accuracy"] <= 1
    assert held["implicit_reward_accuracy"] > 0.5  # the same four pairs: learnt
    assert any("rewards/accuracies went from" in n for n in res.notes)
    # the log-probability trend is read on the same held-out texts, not across batches
    assert any(f"({held['chosen_logp_change']:+.2f} nats" in n for n in res.notes)
    assert set(res.data.lost_fields) == {"annotator", "rationale"}
    assert res.data.repaired == {"newline after the prompt": 16}  # "hello world" + "yes good"
    assert (out / "report.html").read_text().count("<img") == 1
    saved = json.loads((out / "prefkit-run.json").read_text())
    assert saved["config"]["beta"] == 0.1 and saved["steps"] == 4
    jsonschema_rs = pytest.importorskip("jsonschema_rs")
    from prefkit._schemas import schemas

    schema = jsonschema_rs.Draft202012Validator(schemas()["trained_policy.json"])
    assert schema.is_valid(json.loads(json.dumps(res.to_dict())))
    assert not schema.is_valid({**res.to_dict(), "steps": "four"})
    text = load_generator(f"hf:{out}", cache=False).generate(["hello world"], max_new_tokens=3)
    assert len(text) == 1 and isinstance(text[0][0], str)


def test_dpo_variants_lora_and_policies(tiny: Path, tmp_path: Path) -> None:
    res = train_dpo(
        pairs(), model=str(tiny), out=str(tmp_path / "ipo"), max_steps=2, loss_type="ipo",
        lora=True, holdout=0, **FAST,
    )  # fmt: skip
    assert (
        res.steps == 2 and res.heldout == {} and changed(weights(tiny), weights(tmp_path / "ipo"))
    )
    assert not any("lora" in k for k in weights(tmp_path / "ipo"))  # adapters merged
    tie = judgment_from_dict(
        {
            "prompt": "hi",
            "responses": [{"id": "a", "text": "x"}, {"id": "b", "text": "y"}],
            "preference": "tie",
        }
    )
    with pytest.raises(ConversionError, match="is a tie; choose ties='drop' or ties='split'"):
        train_dpo([*pairs(1), tie], model=str(tiny), out=str(tmp_path / "x"), **FAST)
    split = train_dpo(
        [*pairs(1), tie], model=str(tiny), out=str(tmp_path / "s"), ties="split", max_steps=1,
        holdout=0, **FAST,
    )  # fmt: skip
    assert split.train_rows == 6  # 4 pairs and the tie in both orders
    with pytest.raises(PrefkitError, match="unknown DPO loss_type \\['sigmoidal'\\]"):
        train_dpo(pairs(), model=str(tiny), loss_type="sigmoidal")


def test_nothing_to_train_on_says_why(tiny: Path, tmp_path: Path) -> None:
    single = judgment_from_dict({"prompt": "hi", "responses": [{"id": "a", "text": "x"}]})
    with pytest.raises(
        PrefkitError, match=r"no rows to train DPO on \(1 records in; dropped: 1 single response\)"
    ):
        train_dpo([single], model=str(tiny), out=str(tmp_path / "x"), **FAST)
    with pytest.raises(PrefkitError, match="not a transformers model folder"):
        train_dpo(pairs(), model=str(tmp_path / "nowhere"))


def test_rows_over_max_length_are_reported_dropped_or_refused(tiny: Path, tmp_path: Path) -> None:
    long = judgment_from_dict({
        "prompt": " ".join(["hello"] * 40), "responses": [{"id": "a", "text": "yes"}, {"id": "b", "text": "no"}],
        "preference": "a",
    })  # fmt: skip
    with pytest.raises(
        PrefkitError, match=r"1 of 17 rows are longer than max_length=16 tokens \(rows \[16\]"
    ):
        train_dpo([*pairs(), long], model=str(tiny), max_length=16, too_long="error", **FAST)
    res = train_dpo(
        [*pairs(), long], model=str(tiny), out=str(tmp_path / "d"), max_length=16,
        too_long="drop", max_steps=1, **FAST,
    )  # fmt: skip
    assert res.data.dropped == {"longer than max_length=16": 1}
    kept = train_dpo(
        [*pairs(), long], model=str(tiny), out=str(tmp_path / "t"), max_length=16,
        too_long="truncate", max_steps=1, **FAST,
    )  # fmt: skip
    # truncation keeps the start; a prompt of 40 words leaves nothing of the answer: TRL would
    # drop that row without a word, so prefkit drops it and says why
    assert kept.data.dropped == {"prompt alone fills max_length=16 (TRL drops these)": 1}
    assert (
        res.data.lengths is not None
        and res.data.lengths.over == 1
        and res.data.lengths.longest == 41  # 40 words + "yes"
    )


def test_kto_from_ratings_and_from_pairs(tiny: Path, tmp_path: Path) -> None:
    rated = [
        judgment_from_dict({
            "prompt": p, "responses": [{"id": "a", "text": g}, {"id": "b", "text": b}],
            "ratings": {"helpfulness": {"a": 5, "b": 2}},
        })
        for p, g, b in zip(PROMPTS * 2, GOOD * 2, BAD * 2, strict=True)
    ]  # fmt: skip
    out = tmp_path / "kto"
    res = train_kto(
        rated,
        model=str(tiny),
        out=str(out),
        rating="helpfulness",
        max_steps=3,
        holdout=0.25,
        **FAST,
    )
    assert changed(weights(tiny), weights(out)) and res.steps == 3
    assert res.train_rows + res.heldout_rows == 8  # 16 rated responses, each (prompt, text) once
    assert res.heldout["conflicting_labels"] == 0 and "moved_the_right_way" in res.heldout
    # one completion labelled both ways: decided by majority, or dropped on an even split
    both = [*pairs(1), judgment_from_dict({
        "prompt": PROMPTS[0], "responses": [{"id": "a", "text": BAD[0]}, {"id": "b", "text": GOOD[0]}],
        "preference": "a",
    })]  # fmt: skip
    res = train_kto(both, model=str(tiny), out=str(tmp_path / "k2"), max_steps=1, holdout=0, **FAST)
    assert res.heldout["conflicting_labels"] == 2
    assert res.data.dropped == {"labelled both ways, even split": 2}


def test_sft_distils_best_of_n(tiny: Path, tmp_path: Path) -> None:
    from prefkit.models import LocalGenerator

    def yes(prompts: Sequence[Any], completions: Sequence[str], **kw: Any) -> list[float]:
        return [float(c.split().count("yes")) for c in completions]

    bon = best_of_n(PROMPTS, LocalGenerator(tiny), yes, n=4, max_new_tokens=6, temperature=1.0)
    out = tmp_path / "sft"
    res = train_sft(
        bon.sft_rows(), model=str(tiny), out=str(out), max_steps=3, holdout=0.25, **FAST
    )
    assert changed(weights(tiny), weights(out)) and res.train_rows == 3
    assert (
        res.loss_last is not None and res.loss_first is not None and res.loss_last < res.loss_first
    )
    assert res.heldout["logp_per_token_after"] != res.heldout["logp_per_token_before"]
    recs = train_sft(pairs(1), model=str(tiny), out=str(tmp_path / "s2"), max_steps=1, **FAST)
    assert recs.train_rows == 4  # each record's preferred response


@pytest.mark.parametrize("algorithm", ["grpo", "rloo"])
def test_grpo_and_rloo_with_weighted_and_conditional_rewards(
    tiny: Path, tmp_path: Path, algorithm: str
) -> None:
    seen: list[list[str]] = []

    def short(prompts: Sequence[Any], completions: Sequence[str], **kw: Any) -> list[float]:
        assert set(kw) == {"condition"}  # the dataset's columns, not TRL's completion_ids
        return [-float(len(c.split())) for c in completions]

    def by_condition(
        prompts: Sequence[Any], completions: Sequence[str], *, condition: list[str]
    ) -> list[float]:
        seen.append(list(condition))
        return [
            float("yes" in c) if x == "yes" else 0.0
            for c, x in zip(completions, condition, strict=True)
        ]

    out = tmp_path / algorithm
    res = train_grpo(
        PROMPTS, [short, by_condition], model=str(tiny), out=str(out), algorithm=algorithm,
        max_steps=2, max_completion_length=6, reward_weights=(1.0, 2.0),
        columns={"condition": ["yes", "no", "yes", "no"]}, **FAST,
    )  # fmt: skip
    assert changed(weights(tiny), weights(out)) and res.steps == 2
    assert seen and set(seen[0]) <= {"yes", "no"}
    last = res.history[-1]
    assert {"rewards/short/mean", "rewards/by_condition/mean", "reward"} <= set(last)
    assert res.method == algorithm


def test_a_reward_of_the_wrong_length_stops_training(tiny: Path, tmp_path: Path) -> None:
    def broken(prompts: Sequence[Any], completions: Sequence[str], **kw: Any) -> list[float]:
        return [0.0]

    with pytest.raises(PrefkitError, match="'broken' returned 1 scores for 4 completions"):
        train_grpo(PROMPTS, broken, model=str(tiny), out=str(tmp_path / "g"), max_steps=1,
                   max_completion_length=4, **FAST)  # fmt: skip
    with pytest.raises(PrefkitError, match="2 reward_weights for 1 rewards"):
        train_grpo(PROMPTS, broken, model=str(tiny), reward_weights=(1.0, 2.0))
    with pytest.raises(PrefkitError, match="not a multiple of num_generations=3"):
        train_grpo(PROMPTS, broken, model=str(tiny), num_generations=3, **FAST)


SCRIPT = """
import sys
from tests.optimize.test_trainers import pairs
from prefkit.optimize import train_dpo
train_dpo(pairs(8), model=sys.argv[1], out=sys.argv[2], max_steps=100000, batch_size=2,
          learning_rate=1e-2, save_steps=2, holdout=0)
"""


@pytest.mark.slow
def test_dpo_resumes_after_the_process_is_killed(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "dpo"
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(tiny), str(out)], cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 180
    try:
        while len(complete_checkpoints(out / "checkpoints")) < 2:
            if proc.poll() is not None:
                pytest.fail(f"training stopped by itself: {proc.stderr.read()!r}")  # type: ignore[union-attr]
            if time.monotonic() > deadline:
                pytest.fail("no second checkpoint within 180 s")
            time.sleep(0.05)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -9  # killed mid-run; it was set to run 100,000 steps
    (out / "checkpoints" / "checkpoint-99998").mkdir()  # cut off while being written
    last = complete_checkpoints(out / "checkpoints")[-1]
    step = int(last.name.split("-")[1])
    res = train_dpo(
        pairs(8), model=str(tiny), out=str(out), max_steps=step + 2, batch_size=2,
        learning_rate=1e-2, save_steps=2, holdout=0,
    )  # fmt: skip
    assert res.resumed_from == str(last) and res.steps == step + 2
    assert len([h for h in res.history if "loss" in h]) == step + 2  # the killed run's log too


def test_cli_dpo_and_best_of_n(tiny: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from prefkit.cli import app

    write_records(pairs(), tmp_path / "pairs.jsonl")
    r = CliRunner().invoke(app, [
        "optimize", "dpo", str(tmp_path / "pairs.jsonl"), "--model", str(tiny), "--out",
        str(tmp_path / "m"), "--max-steps", "2", "--learning-rate", "0.01", "--json",
    ])  # fmt: skip
    assert r.exit_code == 0, r.output
    got = json.loads(r.stdout[r.stdout.index("{") :])
    assert got["method"] == "dpo" and got["steps"] == 2 and got["heldout"]["pairs"] == 5
    (tmp_path / "prompts.txt").write_text("hello world\na question please\n")
    r = CliRunner().invoke(app, [
        "optimize", "best-of-n", str(tmp_path / "prompts.txt"), "--model", f"hf:{tiny}",
        "--reward", "rules:default", "--n", "3", "--max-new-tokens", "4",
        "--sft", str(tmp_path / "sft.jsonl"), "--records", str(tmp_path / "bon.jsonl"),
        "--store", "--db", f"sqlite:///{tmp_path / 's.db'}",
    ])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "6 samples" in r.stdout and len((tmp_path / "sft.jsonl").read_text().splitlines()) == 2
    from prefkit.data import open_store

    with open_store(f"sqlite:///{tmp_path / 's.db'}") as store:
        assert store.count() == 2 and all(x.source == "model" for x in store.records())
    r = CliRunner().invoke(app, [
        "optimize", "compare", f"hf:{tmp_path / 'm'}", f"hf:{tiny}", str(tmp_path / "prompts.txt"),
        "--reward", "rules:default", "--max-new-tokens", "4", "--json",
    ])  # fmt: skip
    assert r.exit_code == 0, r.output
    cmp = json.loads(r.stdout[r.stdout.index("{") :])
    assert cmp["prompts"] == 2 and cmp["wins"] + cmp["ties"] + cmp["losses"] == 2
    r = CliRunner().invoke(app, [
        "optimize", "sft", str(tmp_path / "sft.jsonl"), "--model", str(tiny), "--out",
        str(tmp_path / "s"), "--max-steps", "1", "--json",
    ])  # fmt: skip
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(
        app, ["optimize", "best-of-n", str(tmp_path / "prompts.txt"), "--reward", "magic"]
    )
    assert r.exit_code != 0 and "unknown reward 'magic'" in str(r.exception)


def test_win_rate_against_the_base_policy(tiny: Path, tmp_path: Path) -> None:
    from prefkit.models import LocalGenerator
    from prefkit.optimize import win_rate

    def fewer_words(prompts: Sequence[Any], completions: Sequence[str], **kw: Any) -> list[float]:
        return [-float(len(c.split())) for c in completions]

    base = LocalGenerator(tiny)
    same = win_rate(base, base, PROMPTS, fewer_words, n=2, max_new_tokens=6, temperature=1.0)
    assert same.ties == same.comparisons == 8 and same.win_rate == 0.5  # a policy ties itself
    assert same.ci == (0.5, 0.5) and same.length_policy == same.length_base

    class Short:  # stands in for a generator that learnt to answer in one word
        name = "short"

        def generate(self, prompts: Sequence[Any], n: int = 1, **kw: Any) -> list[list[str]]:
            return [["yes"] * n for _ in prompts]

    res = win_rate(Short(), base, PROMPTS, fewer_words, n=2, max_new_tokens=6, temperature=1.0)
    longer = sum(
        len(t.split()) > 1
        for row in base.generate(PROMPTS, n=2, max_new_tokens=6, temperature=1.0, seed=0)
        for t in row
    )
    assert res.wins == longer and res.losses == 0 and res.length_policy == 3.0
    assert res.ci is not None and res.ci[0] <= res.win_rate <= res.ci[1]


def test_grpo_generation_can_move_to_a_vllm_server() -> None:
    from trl import GRPOConfig

    from prefkit.optimize import GRPOTrainingConfig
    from prefkit.optimize._online import vllm_fields
    from prefkit.optimize._run import trl_args

    cfg = GRPOTrainingConfig(vllm_server="http://gpu-box:8000")
    args = trl_args(GRPOConfig, cfg, 1e-6, num_generations=4, **vllm_fields(cfg))
    assert args.use_vllm and args.vllm_mode == "server"
    assert args.vllm_server_base_url == "http://gpu-box:8000"
    assert vllm_fields(GRPOTrainingConfig()) == {}
