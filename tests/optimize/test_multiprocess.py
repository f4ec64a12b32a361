"""The same DPO call in two CPU processes (DDP over gloo) through ``accelerate launch``."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("trl")
pytest.importorskip("accelerate")

from ..rewards.test_trl_grpo import tiny_model

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json, os, sys
sys.path.insert(0, {root!r})
import torch.distributed as dist
from tests.optimize.test_trainers import pairs
from prefkit.optimize import train_dpo
res = train_dpo(pairs(4), model=sys.argv[1], out=sys.argv[2], max_steps=3, batch_size=2,
                learning_rate=1e-2, holdout=0, resume=False, save_steps=1000)
rank = int(os.environ["RANK"])
with open(os.path.join(sys.argv[3], f"rank{{rank}}.json"), "w") as fh:
    json.dump({{"world": dist.get_world_size(), "backend": dist.get_backend(),
               "steps": res.steps, "loss": res.loss_last}}, fh)
"""


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_dpo_runs_in_two_processes(tmp_path: Path) -> None:
    tiny_model(tmp_path / "tiny", hidden=32)
    script = tmp_path / "run.py"
    script.write_text(SCRIPT.format(root=str(ROOT)))
    launch = Path(sys.executable).parent / "accelerate"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(
        [
            str(launch), "launch", "--multi_gpu", "--num_processes", "2", "--num_machines", "1",
            "--mixed_precision", "no", "--dynamo_backend", "no", "--main_process_port",
            str(_port()), str(script), str(tmp_path / "tiny"), str(tmp_path / "out"), str(tmp_path),
        ],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    ranks = [json.loads((tmp_path / f"rank{r}.json").read_text()) for r in (0, 1)]
    assert all(r["world"] == 2 and r["backend"] == "gloo" and r["steps"] == 3 for r in ranks)
    assert ranks[0]["loss"] == ranks[1]["loss"]  # DDP: one model, the loss averaged over ranks
    assert (tmp_path / "out" / "config.json").is_file()  # saved once, by the main process
    assert (tmp_path / "out" / "report.html").is_file()
