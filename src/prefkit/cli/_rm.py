"""``prefkit rm``: train an embedding reward model and diagnose any reward model.

``prefkit rm eval --json`` prints ``evaluate_reward``'s object (see ``prefkit rules``) plus
``calibration {ece, bins[{from, to, pairs, predicted, observed}], note}``,
``length_correlation``, ``agreement_ceiling {raw, pairs, note}`` and
``best_of_k {records, accuracy, note}``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from prefkit.cli._common import DbOption, JsonOption, console, load_judgments, print_json
from prefkit.cli._config import config_options
from prefkit.rewards import RewardTrainingConfig

__all__ = ["register"]

rm_app = typer.Typer(
    help="Learned reward models: train, and check whether they are any good.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(rm_app, name="rm")


def _records(paths: list[Path] | None, db: str | None, campaign: str | None) -> list[Any]:
    return load_judgments(paths, db, campaign)[0]


@rm_app.command("train")
@config_options(RewardTrainingConfig)
def train(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Judgment files; else the store.")
    ] = None,
    db: DbOption = None,
    campaign: Annotated[
        str | None, typer.Option("--campaign", help="Only this campaign (store).")
    ] = None,
    as_json: JsonOption = False,
    config: RewardTrainingConfig = RewardTrainingConfig(),
) -> None:
    """Train a reward model and save it.

    The embedding model (all-MiniLM-L6-v2 + a Bradley-Terry head) or a transformer through TRL's
    RewardTrainer (SmolLM2 by default; checkpoints in OUT/checkpoints, and a rerun resumes from the
    last complete one).
    """
    from prefkit.rewards import train_reward_model

    res = train_reward_model(_records(paths, db, campaign), config)
    if as_json:
        print_json(res.to_dict())
        return
    console.print(
        f"saved {res.model}: {res.cpu_seconds:.1f} CPU s, loss {res.loss_first:.3f} -> "
        f"{res.loss_last:.3f}",
        highlight=False,
    )
    if res.heldout_accuracy is not None and res.longer_wins is not None:
        console.print(
            f"held-out accuracy {100 * res.heldout_accuracy:.1f} % on {res.heldout_records} "
            f"records (longer wins {100 * res.longer_wins:.1f} %)",
            highlight=False,
        )


@rm_app.command("eval")
def evaluate(
    model: Annotated[
        Path, typer.Argument(help="A saved reward model folder, or a rule set .yaml.")
    ],
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Judgment files; else the store.")
    ] = None,
    db: DbOption = None,
    campaign: Annotated[
        str | None, typer.Option("--campaign", help="Only this campaign (store).")
    ] = None,
    failures: Annotated[
        int, typer.Option("--failures", help="Most confidently wrong pairs to list.")
    ] = 20,
    html_out: Annotated[
        Path | None, typer.Option("--html", help="Write an HTML report here.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Accuracy with CI, calibration, agreement ceiling, baselines, length correlation, failures."""
    from prefkit.rewards import diagnose_reward, load_reward_model, load_rules, rm_html

    reward: Any = (
        load_rules(model) if model.suffix in (".yaml", ".yml") else load_reward_model(model)
    )
    diag = diagnose_reward(reward, _records(paths, db, campaign), failures=failures)
    if html_out is not None:
        html_out.parent.mkdir(parents=True, exist_ok=True)
        html_out.write_text(rm_html(str(model), diag), "utf-8")
    res = diag.to_dict()
    if as_json:
        print_json(res)
        return

    def pct(v: float | None) -> str:
        return "–" if v is None else f"{100 * v:.1f} %"

    cal, corr = res["calibration"]["ece"], res["length_correlation"]
    lo, hi = res["ci"]
    console.print(
        f"{res['pairs']} pairs: accuracy {pct(res['accuracy'])} [{pct(lo)}, {pct(hi)}]; "
        f"ECE {'–' if cal is None else format(cal, '.3f')}; "
        f"human agreement ceiling {pct(res['agreement_ceiling']['raw'])}; "
        f"longer wins {pct(res['baselines']['longer']['accuracy'])}; "
        f"length correlation {'–' if corr is None else format(corr, '.2f')}",
        highlight=False,
    )
    for key, groups in res["slices"].items():
        if len(groups) > 1 or key == "criterion":
            cells = ", ".join(f"{v} {pct(g['accuracy'])} ({g['pairs']})" for v, g in groups.items())
            console.print(f"by {key}: {cells}", highlight=False, markup=False)
    changed = [row for row in res.get("by_condition") or [] if row["changes"]]
    if res.get("by_condition"):
        console.print(
            f"conditions change the ranking of {len(changed)} of the "
            f"{len(res['by_condition'])} pairs shown",
            highlight=False,
        )
