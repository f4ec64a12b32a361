"""``prefkit rules``: check a rule set, evaluate it against human preferences, practise data.

``prefkit rules eval --json`` prints::

    {"rules": RuleSet as a dict, "splits": {source: evaluate_reward output
       (+ "fitted": the learned-weight set's evaluation with --fit)},
     "fit": {"pairs", "folds", "l2", "heldout_accuracy", "heldout_accuracy_per_fold",
             "weights": {rule: float}} | null}

where ``evaluate_reward`` gives ``pairs, correct, reward_ties, accuracy, ci,
accuracy_ties_half, ci_ties_half, human_ties, kappa, baselines{random, longer, position},
slices{key: {value: accuracy...}}, ablation[{rule, accuracy_without, change}],
failures[{id, prompt, chosen, rejected, margin, contributions[{rule, chosen, rejected}]}]``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from prefkit.cli._common import DbOption, JsonOption, console, load_judgments, print_json
from prefkit.cli._config import config_options
from prefkit.rewards import RewardEvaluationConfig

__all__ = ["register"]

rules_app = typer.Typer(
    help="Rule-based rewards: check, evaluate against people, practise.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(rules_app, name="rules")


RulesArg = Annotated[
    Path | None,
    typer.Option("--rules", "-r", help="Rule set YAML (default: the bundled default set)."),
]


@rules_app.command("check")
def check(rules: Annotated[Path, typer.Argument(help="Rule set YAML.")]) -> None:
    """Validate a rule set and list its rules."""
    from prefkit.rewards import load_rules

    rs = load_rules(rules)
    for r in rs.rules:
        console.print(f"{r.name}: {r.kind}, weight {r.weight:+g}  {r.description}", highlight=False)


@rules_app.command("eval")
@config_options(RewardEvaluationConfig)
def evaluate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Judgment files (each reported on its own); else the store."),
    ] = None,
    rules: RulesArg = None,
    db: DbOption = None,
    campaign: Annotated[
        str | None, typer.Option("--campaign", help="Only this campaign (store).")
    ] = None,
    html_out: Annotated[
        Path | None, typer.Option("--html", help="Write the HTML report here.")
    ] = None,
    as_json: JsonOption = False,
    config: RewardEvaluationConfig = RewardEvaluationConfig(),
) -> None:
    """Accuracy of a rule set against human preferences, beside random, position and length."""
    from prefkit.rewards import evaluate_rules, load_rules, rules_html

    rs = load_rules(rules)
    sources: dict[str, list[Any]] = {}
    if paths:
        for p in paths:  # each file is reported on its own (HH-RLHF splits: by folder name)
            sources[p.name if p.name != "test.jsonl.gz" else p.parent.name] = load_judgments(
                p, None, campaign
            )[0]
    else:
        records, where = load_judgments(None, db, campaign)
        sources[campaign or where] = records
    out = evaluate_rules(rs, sources, config)
    if html_out is not None:
        html_out.parent.mkdir(parents=True, exist_ok=True)
        html_out.write_text(rules_html(out), "utf-8")
    if as_json:
        print_json(out)
        return
    for name, r in out["splits"].items():
        b = r["baselines"]
        pos = b["position"].get("accuracy")
        line = f"{name}: {r['pairs']} pairs; rules {_p(r['accuracy'])} (ties ½: "
        line += f"{_p(r['accuracy_ties_half'])})"
        if r.get("fitted"):
            line += f", fitted {_p(r['fitted']['accuracy'])}"
        line += f"; longer wins {_p(b['longer']['accuracy'])}"
        line += f" (ties ½: {_p(b['longer']['accuracy_ties_half'])})"
        if pos is not None:
            line += f"; position {_p(pos)}"
        console.print(line, highlight=False)
    if out["fit"]:
        console.print(
            f"learned weights (held-out accuracy {100 * out['fit']['heldout_accuracy']:.1f} %): "
            + ", ".join(f"{k} {v:+.2f}" for k, v in out["fit"]["weights"].items()),
            highlight=False,
        )
    if html_out is not None:
        console.print(f"report: {html_out}", highlight=False)


def _p(v: float) -> str:
    return f"{100 * v:.1f} %"


@rules_app.command("synth")
def synth(
    out: Annotated[Path, typer.Option("--out", help="Where to write the prefkit JSONL.")],
    n: Annotated[int, typer.Option("--n", help="Pairs to generate.")] = 200,
    noise: Annotated[
        float, typer.Option("--noise", help="Annotator noise (0: always the better summary).")
    ] = 1.0,
    seed: Annotated[int, typer.Option("--seed", help="Seed.")] = 0,
) -> None:
    """Write a synthetic summarization preference set (controlled properties, simulated people)."""
    from prefkit.data import write_records
    from prefkit.rewards import synthetic_summaries

    write_records(synthetic_summaries(n, noise=noise, seed=seed), out)
    console.print(f"{n} synthetic pairs written to {out}", highlight=False)
