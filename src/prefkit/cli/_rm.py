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
    kind: Annotated[
        str, typer.Option("--kind", help="embedding (MiniLM + a head) or transformer (TRL).")
    ] = "embedding",
    head: Annotated[str, typer.Option("--head", help="Embedding head: linear or mlp.")] = "linear",
    epochs: Annotated[
        float | None,
        typer.Option(
            "--epochs", help="Passes over the pairs (default: embedding 60, transformer 1)."
        ),
    ] = None,
    conditional: Annotated[
        bool,
        typer.Option("--conditional", help="Value headers: condition on metadata.condition."),
    ] = False,
    base: Annotated[
        str | None, typer.Option("--base", help="Transformer base folder (default SmolLM2).")
    ] = None,
    lora: Annotated[bool, typer.Option("--lora", help="Transformer: LoRA adapters.")] = False,
    max_steps: Annotated[
        int, typer.Option("--max-steps", help="Transformer: stop after this many steps.")
    ] = -1,
    holdout: Annotated[
        float, typer.Option("--holdout", help="Share of records held out for the metrics.")
    ] = 0.3,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the split and the head.")] = 0,
    as_json: JsonOption = False,
) -> None:
    """Train a reward model and save it: the embedding model (all-MiniLM-L6-v2 + a
    Bradley-Terry head) or a transformer through TRL's RewardTrainer (SmolLM2 by default;
    checkpoints in OUT/checkpoints, and a rerun resumes from the last complete one)."""
    from prefkit.rewards import EmbeddingRewardModel, TransformerRewardModel, diagnose_reward

    if kind not in ("embedding", "transformer"):
        raise PrefkitError(f"unknown --kind {kind!r}; expected embedding or transformer")
    if head not in ("linear", "mlp"):
        raise PrefkitError(f"unknown --head {head!r}; expected linear or mlp")
    if not 0 <= holdout < 1:
        raise PrefkitError(f"--holdout {holdout} must be in [0, 1)")
    records = _records(paths, db, campaign)
    train_recs, test_recs = _split(records, holdout, seed)
    model: Any
    if kind == "embedding":
        model = EmbeddingRewardModel(
            head=head,  # type: ignore[arg-type]
            epochs=int(epochs or 60),
            seed=seed,
            conditional=conditional,
        ).fit(train_recs)
    else:
        model = TransformerRewardModel(
            base,
            output_dir=out,
            lora=lora,
            max_steps=max_steps,
            epochs=epochs or 1.0,
            seed=seed,
            conditional=conditional,
        ).fit(train_recs)
    metrics: dict[str, Any] = {
        "train_records": len(train_recs),
        "heldout_records": len(test_recs),
        "seed": seed,
    }
    if test_recs:
        res = diagnose_reward(model, test_recs, failures=0)
        metrics |= {
            "heldout_accuracy": res.evaluation.accuracy,
            "heldout_ci": list(res.evaluation.ci) if res.evaluation.ci else None,
            "heldout_ece": res.calibration.ece,
            "longer_wins": res.evaluation.baselines["longer"].accuracy,
        }
    if kind == "embedding":
        model.save(out, metrics)
    else:
        model.save_metrics(metrics)
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
