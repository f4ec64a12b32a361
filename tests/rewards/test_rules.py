"""Rule kinds by hand arithmetic, rule sets, YAML errors, evaluation, weight fitting, CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from prefkit.cli import app as cli
from prefkit.errors import RecordError
from prefkit.rewards import (
    evaluate_reward,
    fit_rule_weights,
    load_rules,
    synthetic_summaries,
)

from .contract import assert_reward_contract


def rule(**kw: Any) -> Any:
    return load_rules({"rules": [{"name": "r", **kw}]})


def score(rs: Any, completion: str, prompt: str = "p", **cols: Any) -> float:
    return rs([prompt], [completion], **{k: [v] for k, v in cols.items()})[0]


def test_rule_kinds_by_hand() -> None:
    length = rule(kind="length", unit="words", min=4, max=6, limit=10)
    assert score(length, "one two") == 0.5  # 2 of the 4-word minimum
    assert score(length, "a b c d e") == 1.0
    assert score(length, "a b c d e f g h i") == pytest.approx(0.5)  # 9 words: 1 - 3/6
    assert score(length, " ".join("x" * 1 for _ in range(11))) == -1.0  # over the limit
    ent = rule(kind="entities", source="document", kinds=["entities", "numbers"])
    doc = "Marie Curie won 2 Nobel prizes in Paris."
    # marie curie, nobel, paris, 2: the reply has paris and 2 -> 2 of 4
    assert score(ent, "Curie lived in Paris and won 2 prizes", document=doc) == 0.5
    kw = rule(kind="keywords", include=["because", "for example"], exclude=["stupid"])
    assert score(kw, "Because of X.") == 0.5 and score(kw, "because, for example, stupid") == 0.0
    assert score(rule(kind="regex", pattern=r"\d{4}"), "in 1999") == 1.0
    assert score(rule(kind="refusal"), "I'm sorry, but I can't help with that.") == 1.0
    assert score(rule(kind="refusal"), "Sure, here it is.") == 0.0
    assert score(
        rule(kind="hedging", saturation=10), "It might rain, perhaps, maybe not at all today friend"
    ) == pytest.approx(1.0)
    # "a b a b a b": 4 trigrams (a b a, b a b, a b a, b a b), 2 distinct -> 1 - 2/4
    assert score(rule(kind="repetition", n=3), "a b a b a b") == 0.5
    # "The cat sat.": 3 words, 1 sentence, 3 syllables: 206.835 - 1.015*3 - 84.6*1 = 119.19 -> 1
    assert score(rule(kind="readability"), "The cat sat.") == 1.0
    assert score(rule(kind="format", feature="lists"), "Steps:\n- one\n- two") == 1.0
    assert score(rule(kind="format", feature="headers"), "no headers") == 0.0
    hook = rule(kind="python", function="tests.rewards.test_rules:count_vowels")
    assert score(hook, "aeiou xyz") == 5.0


def count_vowels(prompt: str, completion: str, **columns: Any) -> float:
    return float(sum(c in "aeiou" for c in completion))


def test_rule_sets_sum_normalize_clip_and_explain() -> None:
    rs = load_rules(
        {
            "normalize": True,
            "clip": [-0.5, 0.5],
            "rules": [
                {"name": "refuses", "kind": "refusal", "weight": -2.0},
                {"name": "lists", "kind": "format", "feature": "lists", "weight": 1.0},
            ],
        }
    )
    assert_reward_contract(rs)
    assert rs(["q", "q"], ["- a\n- b", "I cannot do that"]) == [
        pytest.approx(1 / 3),
        -0.5,
    ]  # -2/3 clipped
    parts = rs.explain("q", "I can't.\n- a")
    assert parts == {"refuses": pytest.approx(-2 / 3), "lists": pytest.approx(1 / 3)}
    chat = rs(
        [[{"role": "user", "content": "q"}]], [[{"role": "assistant", "content": "- x\n- y"}]]
    )
    assert chat == [pytest.approx(1 / 3)]  # TRL's conversational format


def test_invalid_rule_files_say_what_and_where(tmp_path: Path) -> None:
    p = tmp_path / "r.yaml"
    p.write_text("rules:\n  - name: short\n    kind: lenght\n    max: 5\n")
    with pytest.raises(
        RecordError,
        match=r"r.yaml:2: field 'rules.0': rule 'short' \(lenght\): unknown kind 'lenght'.*did you mean 'length'",
    ):
        load_rules(p)
    p.write_text("rules:\n  - name: short\n    kind: length\n    unti: words\n")
    with pytest.raises(RecordError) as err:
        load_rules(p)
    assert (
        err.value.line == 4
        and "unknown field 'unti'" in str(err.value)
        and "did you mean 'unit'" in str(err.value)
    )
    p.write_text("rules:\n  - {name: bad, kind: regex, pattern: '(unclosed'}\n")
    with pytest.raises(RecordError, match="is not a regular expression"):
        load_rules(p)
    p.write_text("rules:\n  - {name: x, kind: refusal}\n  - {name: x, kind: hedging}\n")
    with pytest.raises(RecordError, match=r"rule names \['x'\] are used twice"):
        load_rules(p)


def test_evaluation_baselines_ablation_and_failures() -> None:
    recs = synthetic_summaries(300, noise=0.5, seed=3)
    assert [r.to_dict() for r in recs[:3]] == [
        r.to_dict() for r in synthetic_summaries(300, noise=0.5, seed=3)[:3]
    ]
    rs = load_rules(
        {
            "rules": [
                {
                    "name": "covers",
                    "kind": "entities",
                    "kinds": ["entities", "numbers"],
                    "weight": 3.0,
                },
                {"name": "repeats", "kind": "repetition", "weight": -2.0},
                {"name": "concise", "kind": "length", "max": 150, "weight": 0.5},
            ]
        }
    )
    ev = evaluate_reward(rs, recs, failures=5)
    assert ev.ablation is not None and ev.failures[0].contributions
    res = ev.to_dict()  # the --json output
    assert res["pairs"] == 300 and 0.6 < res["accuracy"] <= 1.0
    assert res["ci"][0] < res["accuracy"] < res["ci"][1] and res["kappa"] > 0.2
    assert set(res["baselines"]) == {"random", "longer", "position"}
    assert res["baselines"]["position"]["accuracy"] is None  # no shown order in these records
    ab = {a["rule"]: a for a in res["ablation"]}
    assert ab["covers"]["change"] < 0  # removing the main rule hurts
    margins = [f["margin"] for f in res["failures"]]
    assert margins == sorted(margins, reverse=True) and len(margins) == 5
    assert {c["rule"] for c in res["failures"][0]["contributions"]} == {
        "covers",
        "repeats",
        "concise",
    }
    fitted, rep = fit_rule_weights(rs, recs, folds=5)
    assert (
        rep["heldout_accuracy"] > 0.6 and rep["weights"]["covers"] > 0 > rep["weights"]["repeats"]
    )
    assert (evaluate_reward(fitted, recs).accuracy or 0) >= res["accuracy"] - 0.05


def test_hh_rlhf_longer_wins_baseline(shared_data: Path) -> None:
    from prefkit.data import read_records

    got = {}
    for split in ("harmless-base", "helpful-base"):
        res = evaluate_reward(
            load_rules(),
            read_records(shared_data / "hh-rlhf" / split / "test.jsonl.gz"),
            failures=0,
        ).to_dict()
        got[split] = round(100 * res["baselines"]["longer"]["accuracy"], 1)
        assert (
            res["baselines"]["longer"]["accuracy_ties_half"]
            > res["baselines"]["longer"]["accuracy"]
        )
    assert got == {"harmless-base": 44.2, "helpful-base": 59.6}


def test_cli_rules_eval_check_and_synth(tmp_path: Path) -> None:
    run = CliRunner().invoke
    data = tmp_path / "s.jsonl"
    assert run(cli, ["rules", "synth", "--out", str(data), "--n", "80"]).exit_code == 0
    r = run(
        cli, ["rules", "eval", str(data), "--fit", "--json", "--html", str(tmp_path / "r.html")]
    )
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    split = out["splits"]["s.jsonl"]
    assert split["pairs"] == 80 and "fitted" in split and out["fit"]["folds"] == 5
    assert "Failure cases" in (tmp_path / "r.html").read_text()
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules: []\n")
    r = run(cli, ["rules", "check", str(bad)])
    assert r.exit_code != 0 and "bad.yaml" in str(r.exception)


def test_workbench_rule_lab(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from prefkit.annotate import (
        CampaignConfig,
        create_app,
        create_campaign,
        create_user,
        open_workbench,
    )

    store = open_workbench(f"sqlite:///{tmp_path / 'w.db'}")
    store.add_records(synthetic_summaries(40, seed=2))
    create_campaign(store, CampaignConfig(name="lab", pairs={"dataset": "synthetic-summaries"}))
    token = create_user(store, "boss", "admin")[1]
    with TestClient(create_app(store)) as c:
        c.get("/login")
        c.post("/login", data={"token": token, "csrf": c.cookies["prefkit_login_csrf"]})
        page = c.get("/admin/c/lab/rules")
        assert page.status_code == 200 and "covers-prompt" in page.text  # the default set to edit
        csrf = page.text.split('name="csrf-token" content="')[1].split('"')[0]
        # The campaign has no human judgments yet: the lab says so instead of failing.
        r = c.post(
            "/admin/c/lab/rules",
            data={"csrf": csrf, "rules": "rules:\n  - {name: r, kind: refusal}\n"},
        )
        assert r.status_code == 200 and "no pairwise judgment" in r.text
        r = c.post(
            "/admin/c/lab/rules",
            data={"csrf": csrf, "rules": "rules:\n  - {name: r, kind: refusl}\n"},
        )
        assert "did you mean" in r.text
    store.close()
