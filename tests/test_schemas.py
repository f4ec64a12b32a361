"""The documented JSON Schemas (docs/schemas/) are generated from the result types, are up to
date, and every ``--json`` output validates against its schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from prefkit._schemas import schemas

DOCS = Path(__file__).resolve().parents[1] / "docs" / "schemas"


def test_the_committed_schemas_are_current() -> None:
    for name, schema in schemas().items():
        path = DOCS / name
        assert path.exists(), f"{path} is missing: run python -m prefkit._schemas docs/schemas"
        assert json.loads(path.read_text()) == schema, (
            f"{path} is stale: run python -m prefkit._schemas docs/schemas"
        )


def test_outputs_validate_against_their_schemas() -> None:
    jsonschema_rs = pytest.importorskip("jsonschema_rs")
    from prefkit.analysis import analyze
    from prefkit.data import read_records, sample_paths
    from prefkit.ranking import BradleyTerry
    from prefkit.rewards import diagnose_reward, evaluate_reward, load_rules

    squality = read_records(next(p for p in sample_paths() if "squality" in p.name))
    hh = read_records(next(p for p in sample_paths() if "helpful" in p.name))
    outputs = {
        "analysis.json": analyze(squality, bootstrap=20).to_dict(),
        "leaderboard.json": BradleyTerry(bootstrap=20).fit(squality).leaderboard().to_dict(),
        "reward_evaluation.json": evaluate_reward(load_rules(), hh, failures=2).to_dict(),
        "reward_diagnostics.json": diagnose_reward(load_rules(), hh, failures=2).to_dict(),
    }
    all_schemas = schemas()
    for name, out in outputs.items():
        validator = jsonschema_rs.Draft202012Validator(all_schemas[name])
        errors = [str(e) for e in validator.iter_errors(json.loads(json.dumps(out)))]
        assert not errors, (name, errors[:3])
    # and the schema can fail: a wrong type is caught
    bad = dict(outputs["leaderboard.json"], items="many")
    assert not jsonschema_rs.Draft202012Validator(all_schemas["leaderboard.json"]).is_valid(bad)
