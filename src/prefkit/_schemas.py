"""The JSON Schemas of every ``--json`` output, generated from the result dataclasses.

``python -m prefkit._schemas docs/schemas`` writes them; a test fails when the files are stale.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from prefkit._result import json_schema

__all__ = ["SCHEMAS", "schemas", "write_schemas"]

# file name -> (importable module, class, the command whose --json prints it)
SCHEMAS = {
    "analysis.json": ("prefkit.analysis", "AnalysisReport", "prefkit analyze --json"),
    "leaderboard.json": ("prefkit.ranking", "Leaderboard", "prefkit rank --json"),
    "reward_evaluation.json": (
        "prefkit.rewards",
        "RewardEvaluation",
        "prefkit rules --json (each split)",
    ),
    "reward_diagnostics.json": (
        "prefkit.rewards",
        "RewardDiagnostics",
        "prefkit rm eval --json (the evaluation's fields, flattened, then these)",
    ),
    "trained_reward_model.json": (
        "prefkit.rewards",
        "TrainedRewardModel",
        "prefkit rm train --json",
    ),
    "best_of_n.json": ("prefkit.optimize", "BestOfN", "prefkit optimize best-of-n --json"),
    "trained_policy.json": (
        "prefkit.optimize",
        "TrainedPolicy",
        "prefkit optimize dpo|kto|sft|grpo --json (and OUT/prefkit-run.json, with config)",
    ),
    "win_rate.json": ("prefkit.optimize", "WinRate", "prefkit.optimize.win_rate(...).to_dict()"),
}


def schemas() -> dict[str, dict[str, Any]]:
    import importlib

    out = {}
    for name, (module, cls, command) in SCHEMAS.items():
        schema = json_schema(getattr(importlib.import_module(module), cls))
        schema["$comment"] = f"generated from {module}.{cls}; printed by `{command}`"
        out[name] = schema
    return out


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, schema in schemas().items():
        path = folder / name
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", "utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":  # pragma: no cover
    for p in write_schemas(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/schemas")):
        print(p)
