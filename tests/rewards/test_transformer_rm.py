"""The transformer reward model on tiny random Llamas: value headers, LoRA, and resuming after
the training process is killed."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("trl")
torch = pytest.importorskip("torch")

from prefkit.data import Judgment, judgment_from_dict  # noqa: E402
from prefkit.rewards import (  # noqa: E402
    TransformerRewardModel,
    load_reward_model,
    synthetic_stakeholders,
    synthetic_summaries,
)
from prefkit.rewards._transformer_rm import complete_checkpoints  # noqa: E402

from .test_trl_grpo import tiny_model  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
ENG = "[stakeholder=engineering; priority=speed]"
LEGAL = "[stakeholder=legal; caution=high]"
PROMPT = "How do I rotate the api keys?"
DIRECT = "Run the script to rotate the api keys now. It takes two minutes."
CAUTIOUS = (
    "Before you rotate the api keys, check the policy and get approval. Keep a backup, and "
    "note that doing it wrong may expose data. Consult the security team."
)


def toy_pairs(**extra: object) -> list[Judgment]:
    """16 pairs, "good answer yes" preferred in 12 (``extra``: more fields, e.g. strength)."""
    return [
        judgment_from_dict(
            {
                "id": f"p{k}",
                "prompt": "a question",
                "responses": [
                    {"id": "a", "text": "good answer yes"},
                    {"id": "b", "text": "bad no"},
                ],
                "preference": "a" if k % 4 else "b",
                **extra,
            }
        )
        for k in range(16)
    ]


def test_value_header_transformer_rm_ranks_by_condition(tmp_path: Path) -> None:
    data = synthetic_stakeholders(160, seed=1)
    words = [ENG, LEGAL, PROMPT, DIRECT, CAUTIOUS, "User: Assistant:"]
    words += [r.prompt for r in data if isinstance(r.prompt, str)]  # type: ignore[misc]
    words += [x.text for r in data for x in r.responses]
    tiny_model(tmp_path / "tiny", words, hidden=32)
    m = TransformerRewardModel(
        tmp_path / "tiny", output_dir=tmp_path / "rm", conditional=True, max_steps=60,
        per_device_train_batch_size=8, learning_rate=3e-3, max_length=96, save_steps=1000,
    ).fit(data)  # fmt: skip
    assert sum(m.loss_history_[-5:]) / 5 < 0.5 * sum(m.loss_history_[:5]) / 5
    p, c = [PROMPT, PROMPT], [DIRECT, CAUTIOUS]
    eng, legal = m(p, c, condition=ENG), m(p, c, condition=LEGAL)
    assert eng[0] > eng[1] and legal[1] > legal[0]  # the same pair, ranked both ways
    back = load_reward_model(tmp_path / "rm")
    assert back.conditional
    assert back(p, c, condition=[LEGAL, LEGAL]) == pytest.approx(legal, abs=1e-5)
    with pytest.raises(Exception, match="metadata.condition"):
        TransformerRewardModel(tmp_path / "tiny", conditional=True).fit(synthetic_summaries(10))


def test_lora_trains_only_adapters(tmp_path: Path) -> None:
    from transformers import AutoModelForCausalLM, AutoModelForSequenceClassification

    tiny_model(tmp_path / "tiny")
    m = TransformerRewardModel(
        tmp_path / "tiny", output_dir=tmp_path / "rm", lora=True, lora_r=4, max_steps=8,
        per_device_train_batch_size=4, learning_rate=0.05, max_length=16, save_steps=1000,
    ).fit(toy_pairs())  # fmt: skip
    assert m.loss_history_[-1] < m.loss_history_[0]
    base = AutoModelForCausalLM.from_pretrained(tmp_path / "tiny").state_dict()
    tuned = AutoModelForSequenceClassification.from_pretrained(tmp_path / "rm" / "model")
    after = tuned.state_dict()
    q = "model.layers.0.self_attn.q_proj.weight"
    mlp = "model.layers.0.mlp.up_proj.weight"
    assert not torch.allclose(base[q], after[q])  # LoRA's target, merged back in
    assert torch.equal(base[mlp], after[mlp])  # not a target: untouched, so not a full fine-tune


SCRIPT = """
import sys
from prefkit.rewards import TransformerRewardModel
from tests.rewards.test_transformer_rm import toy_pairs
TransformerRewardModel(sys.argv[1], output_dir=sys.argv[2], max_steps=100000, per_device_train_batch_size=4,
                       learning_rate=0.01, max_length=16, save_steps=2).fit(toy_pairs())
"""


@pytest.mark.slow
def test_training_resumes_after_the_process_is_killed(tmp_path: Path) -> None:
    tiny_model(tmp_path / "tiny")
    out = tmp_path / "rm"
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "tiny"), str(out)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 180
    try:
        while not [
            c for c in complete_checkpoints(out / "checkpoints") if c.name != "checkpoint-2"
        ]:
            if proc.poll() is not None:
                pytest.fail(f"training stopped by itself: {proc.stderr.read()!r}")  # type: ignore[union-attr]
            if time.monotonic() > deadline:
                pytest.fail("no second checkpoint within 180 s")
            time.sleep(0.05)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -9  # killed mid-run; it was set to run 100,000 steps
    # a checkpoint cut off while being written has no trainer_state.json: never resumed from
    (out / "checkpoints" / "checkpoint-99998").mkdir()
    (out / "checkpoints" / "checkpoint-99998" / "model.safetensors").write_bytes(b"partial")
    last = complete_checkpoints(out / "checkpoints")[-1]
    step = int(last.name.split("-")[1])
    assert step >= 4
    m = TransformerRewardModel(
        tmp_path / "tiny", output_dir=out, max_steps=step + 3, per_device_train_batch_size=4, learning_rate=0.01,
        max_length=16, save_steps=2,
    ).fit(toy_pairs())  # fmt: skip
    assert m.resumed_from_ == str(last)
    assert m.steps_ == step + 3
    assert len(m.loss_history_) == step + 3  # the killed run's losses come back with its state


def test_cli_trains_a_transformer_rm(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from prefkit.cli import app as cli
    from prefkit.data import write_records

    tiny_model(tmp_path / "tiny")
    data = tmp_path / "s.jsonl"
    write_records(synthetic_summaries(20, seed=3), data)
    r = CliRunner().invoke(
        cli,
        ["rm", "train", str(data), "--kind", "transformer", "--base", str(tmp_path / "tiny"),
         "--max-steps", "2", "--out", str(tmp_path / "m"), "--json"],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    res: dict[str, Any] = json.loads(r.stdout)  # progress goes to stderr
    assert res["heldout_records"] == 6 and res["heldout_accuracy"] is not None
    cfg = json.loads((tmp_path / "m" / "config.json").read_text())
    assert (
        cfg["kind"] == "transformer" and cfg["steps"] == 2 and "heldout_accuracy" in cfg["metrics"]
    )
