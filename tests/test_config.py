"""One config per algorithm: the Python API, the CLI, the workbench and YAML share defaults."""

from __future__ import annotations

import dataclasses
import json
import typing
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from prefkit._config import describe, load_config
from prefkit.analysis import AnalysisConfig
from prefkit.cli import app
from prefkit.errors import AnalysisError, PrefkitError, RankingError, RecordError
from prefkit.models import LLMJudge, LLMJudgeConfig
from prefkit.optimize import (
    BestOfNConfig,
    DPOTrainingConfig,
    GRPOTrainingConfig,
    KTOTrainingConfig,
    SFTTrainingConfig,
)
from prefkit.ranking import BradleyTerry, BradleyTerryConfig
from prefkit.rewards import (
    EmbeddingRewardModel,
    EmbeddingRewardModelConfig,
    RewardEvaluationConfig,
    RewardTrainingConfig,
)

COMMANDS = {
    "rank": BradleyTerryConfig,
    "analyze": AnalysisConfig,
    "rules eval": RewardEvaluationConfig,
    "judge eval": LLMJudgeConfig,
    "judge run": LLMJudgeConfig,
    "rm train": RewardTrainingConfig,
    "optimize best-of-n": BestOfNConfig,
    "optimize dpo": DPOTrainingConfig,
    "optimize kto": KTOTrainingConfig,
    "optimize sft": SFTTrainingConfig,
    "optimize grpo": GRPOTrainingConfig,
}
CONFIGS = (*COMMANDS.values(), EmbeddingRewardModelConfig)


def _command(name: str) -> Any:
    cmd = typer.main.get_command(app)
    for part in name.split():
        cmd = cmd.commands[part]  # type: ignore[attr-defined]
    return cmd


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_cli_options_are_generated_from_the_config(name: str) -> None:
    cls = COMMANDS[name]
    params = {p.name: p for p in _command(name).params}
    for field in describe(cls):
        if not next(f for f in dataclasses.fields(cls) if f.name == field["name"]).metadata.get(
            "cli", True
        ):
            assert field["name"] not in params
            continue
        opt = params[field["name"]]
        assert opt.help == field["help"]  # one help text
        assert opt.default is None  # "not given": the config's default applies
        shown = opt.show_default
        default = field["default"]
        expected = (
            ("yes" if default else "no")
            if isinstance(default, bool)
            else ("none" if default is None else str(default))
        )
        assert shown == expected, field["name"]
        if field["choices"] is not None:
            assert typing.get_args(opt.type_descriptor.annotation) == field["choices"]
    assert "config_file" in params


def test_workbench_defaults_are_the_configs(tmp_path: Path) -> None:
    from prefkit.annotate import create_app
    from prefkit.data import open_store

    with open_store(f"sqlite:///{tmp_path / 's.db'}") as store:
        schema = create_app(store).openapi()
    paths = schema["paths"]

    def query_default(path: str, name: str) -> object:
        for p in paths[path]["get"]["parameters"]:
            if p["name"] == name:
                return p["schema"].get("default")
        raise AssertionError(f"{path} has no query parameter {name}")

    board = "/api/admin/campaigns/{campaign}/leaderboard"
    assert query_default(board, "bootstrap") == BradleyTerryConfig().bootstrap
    assert query_default(board, "cluster") == BradleyTerryConfig().cluster
    ana = "/api/admin/campaigns/{campaign}/analysis"
    assert query_default(ana, "bootstrap") == AnalysisConfig().bootstrap


def test_api_keywords_and_config_are_one_thing() -> None:
    a = BradleyTerry(prior=0.1, bootstrap=0)
    b = BradleyTerry(BradleyTerryConfig(prior=0.1, bootstrap=0))
    assert a.config == b.config and a.prior == 0.1 and a.cluster == "auto"
    c = BradleyTerry(BradleyTerryConfig(prior=0.1), bootstrap=5)  # overrides on top of a config
    assert (c.prior, c.bootstrap) == (0.1, 5)
    with pytest.raises(RankingError, match=r"unknown BradleyTerry setting\(s\) \['prio'\]"):
        BradleyTerry(prio=0.1)
    with pytest.raises(RankingError, match="unknown ties 'maybe'; expected one of half"):
        BradleyTerryConfig(ties="maybe")  # type: ignore[arg-type]
    with pytest.raises(AnalysisError, match="unknown unit 'pair'"):
        AnalysisConfig(unit="pair")  # type: ignore[arg-type]


def test_yaml_config_with_path_line_errors(tmp_path: Path) -> None:
    good = tmp_path / "bt.yaml"
    good.write_text("prior: 0.5\nties: davidson\n")
    assert load_config(BradleyTerryConfig, good) == BradleyTerryConfig(prior=0.5, ties="davidson")
    bad = tmp_path / "bad.yaml"
    bad.write_text("prior: 0.5\n\nbootstrap_rounds: 10\n")
    with pytest.raises(RecordError) as err:
        load_config(BradleyTerryConfig, bad)
    assert f"{bad}:3" in str(err.value) and "bootstrap_rounds" in str(err.value)
    assert "allowed:" in str(err.value) and "bootstrap" in str(err.value)
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("bootstrap: 10\nties: maybe\n")
    with pytest.raises(RecordError) as err:
        load_config(BradleyTerryConfig, wrong)
    assert f"{wrong}:2" in str(err.value) and "half" in str(err.value)


def test_cli_config_file_then_options(tmp_path: Path) -> None:
    from prefkit.data import sample_paths

    data = next(p for p in sample_paths() if "squality" in p.name)  # responses with models
    cfg = tmp_path / "bt.yaml"
    cfg.write_text("bootstrap: 0\nprior: 0.25\nscale: 100\n")
    runner = CliRunner()

    def rank(*args: str) -> dict[str, object]:
        res = runner.invoke(app, ["rank", str(data), "--json", *args])
        assert res.exit_code == 0, res.output
        return json.loads(res.output)

    plain = rank("--bootstrap", "0")
    assert plain["prior"] == BradleyTerryConfig().prior
    from_file = rank("--config", str(cfg))
    assert from_file["prior"] == 0.25 and from_file["bootstrap"] == 0
    assert from_file["scale"]["scale"] == 100
    overridden = rank("--config", str(cfg), "--prior", "0.5")
    assert overridden["prior"] == 0.5 and overridden["bootstrap"] == 0
    res = runner.invoke(app, ["rank", str(data), "--ties", "maybe"])
    assert res.exit_code != 0 and "half" in res.output


def test_models_and_judges_take_their_config_or_its_fields() -> None:
    class Gen:
        name = "g"

    a = LLMJudge(Gen(), both_orders=False, max_new_tokens=8)
    b = LLMJudge(Gen(), LLMJudgeConfig(both_orders=False, max_new_tokens=8))
    assert a.config == b.config and not a.both_orders and a.uncached().config == a.config
    assert LLMJudge(Gen()).config == LLMJudgeConfig()  # the defaults live in one place
    with pytest.raises(PrefkitError, match="no rubric for criterion 'wit'"):
        LLMJudge(Gen(), criterion="wit")
    with pytest.raises(PrefkitError, match=r"unknown LLMJudge setting\(s\) \['order'\]"):
        LLMJudge(Gen(), order=True)
    m = EmbeddingRewardModel(head="mlp", epochs=3, embedder=object())  # type: ignore[arg-type]
    assert m.settings == EmbeddingRewardModelConfig(head="mlp", epochs=3) and m.hidden == 128
    with pytest.raises(PrefkitError, match="unknown head 'deep'"):
        EmbeddingRewardModelConfig(head="deep")  # type: ignore[arg-type]


def test_every_field_has_help() -> None:
    for cls in CONFIGS:
        for f in dataclasses.fields(cls):
            assert f.metadata.get("help"), f"{cls.__name__}.{f.name} has no help text"
