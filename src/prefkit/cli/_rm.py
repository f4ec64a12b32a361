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
from prefkit.errors import PrefkitError

__all__ = ["register"]

rm_app = typer.Typer(
    help="Learned reward models: train, and check whether they are any good.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(rm_app, name="rm")


def _records(paths: list[Path] | None, db: str | None, campaign: str | None) -> list[Any]:
    return load_judgments(paths, db, campaign)[0]


def _split(records: list[Any], holdout: float, seed: int) -> tuple[list[Any], list[Any]]:
    import numpy as np

    order = np.random.default_rng(seed).permutation(len(records))
    cut = round(len(records) * (1 - holdout))
    return [records[i] for i in order[:cut]], [records[i] for i in order[cut:]]


@rm_app.command("train")
def train(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Judgment files; else the store.")
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Folder to save the model in.")] = Path(
        "reward-model"
    ),
    db: DbOption = None,
    campaign: Annotated[
        str | None, typer.Option("--campaign", help="Only this campaign (store).")
    ] = None,
    head: Annotated[str, typer.Option("--head", help="linear or mlp.")] = "linear",
    epochs: Annotated[int, typer.Option("--epochs", help="Passes over the pairs.")] = 60,
    holdout: Annotated[
        float, typer.Option("--holdout", help="Share of records held out for the metrics.")
    ] = 0.3,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the split and the head.")] = 0,
    as_json: JsonOption = False,
) -> None:
    """Train the embedding reward model (all-MiniLM-L6-v2 + a Bradley-Terry head) and save it."""
    from prefkit.rewards import EmbeddingRewardModel, diagnose_reward

    if head not in ("linear", "mlp"):
        raise PrefkitError(f"unknown --head {head!r}; expected linear or mlp")
    if not 0 <= holdout < 1:
        raise PrefkitError(f"--holdout {holdout} must be in [0, 1)")
    records = _records(paths, db, campaign)
    train_recs, test_recs = _split(records, holdout, seed)
    model = EmbeddingRewardModel(head=head, epochs=epochs, seed=seed).fit(train_recs)  # type: ignore[arg-type]
    metrics: dict[str, Any] = {
        "train_records": len(train_recs),
        "heldout_records": len(test_recs),
        "seed": seed,
    }
    if test_recs:
        res = diagnose_reward(model, test_recs, failures=0)
        metrics |= {
            "heldout_accuracy": res["accuracy"],
            "heldout_ci": res["ci"],
            "heldout_ece": res["calibration"]["ece"],
            "longer_wins": res["baselines"]["longer"]["accuracy"],
        }
    model.save(out, metrics)
    result = {
        "model": str(out),
        "cpu_seconds": model.cpu_seconds_,
        "loss_first": model.loss_history_[0],
        "loss_last": model.loss_history_[-1],
        **metrics,
    }
    if as_json:
        print_json(result)
        return
    first, last = model.loss_history_[0], model.loss_history_[-1]
    console.print(
        f"saved {out}: {model.cpu_seconds_:.1f} CPU s, loss {first:.3f} -> {last:.3f}",
        highlight=False,
    )
    if "heldout_accuracy" in metrics:
        acc, longer = 100 * metrics["heldout_accuracy"], 100 * metrics["longer_wins"]
        console.print(
            f"held-out accuracy {acc:.1f} % on {len(test_recs)} records "
            f"(longer wins {longer:.1f} %)",
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
    from prefkit.rewards import diagnose_reward, load_reward_model, load_rules
    from prefkit.rewards._report import rules_html

    reward: Any = (
        load_rules(model) if model.suffix in (".yaml", ".yml") else load_reward_model(model)
    )
    res = diagnose_reward(reward, _records(paths, db, campaign), failures=failures)
    if html_out is not None:
        html_out.parent.mkdir(parents=True, exist_ok=True)
        html_out.write_text(
            rules_html({"splits": {str(model): res}, "fit": None}, title=f"Reward model {model}"),
            "utf-8",
        )
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
