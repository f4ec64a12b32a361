"""``prefkit optimize``: best-of-N, DPO, KTO, SFT, GRPO and RLOO against prefkit rewards.

Every command prints a short summary, or with ``--json`` the result's ``to_dict()``
(``BestOfN`` or ``TrainedPolicy``). Training commands run unchanged under ``accelerate launch``
(see the README): ``accelerate launch … $(which prefkit) optimize dpo …``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from prefkit.cli._common import DbOption, JsonOption, console, load_judgments, print_json
from prefkit.cli._config import config_options
from prefkit.errors import PrefkitError
from prefkit.optimize import (
    BestOfNConfig,
    DPOTrainingConfig,
    GRPOTrainingConfig,
    KTOTrainingConfig,
    SFTTrainingConfig,
)

__all__ = ["load_reward", "register"]

optimize_app = typer.Typer(
    help="Make a policy better: best-of-N, DPO/KTO/SFT and GRPO/RLOO through TRL.",
    no_args_is_help=True,
)
REWARD_SPECS = ("rules:default", "rules:FILE.yaml", "reward:DIR", "llm:MODEL (a judge)")

Paths = Annotated[list[Path] | None, typer.Argument(help="Judgment files; else the store.")]
Campaign = Annotated[str | None, typer.Option("--campaign", help="Only this campaign (store).")]
RewardOption = Annotated[
    list[str],
    typer.Option(
        "--reward",
        help="rules:default, rules:FILE.yaml, reward:DIR (a saved reward model) or llm:MODEL "
        "(a judge, round robin); repeat for several (best-of-N: their mean).",
    ),
]


def register(app: typer.Typer) -> None:
    app.add_typer(optimize_app, name="optimize")


def load_reward(spec: str) -> Any:
    """The reward (or judge) a ``--reward`` spec names."""
    from prefkit.models import load_judge
    from prefkit.rewards import DEFAULT_RULES, load_reward_model, load_rules

    kind, _, rest = spec.partition(":")
    if kind == "rules" and rest:
        return load_rules(DEFAULT_RULES if rest == "default" else Path(rest))
    if kind == "reward" and rest:
        return load_reward_model(rest)
    if kind == "llm" and rest:
        return load_judge(spec)
    raise PrefkitError(f"unknown reward {spec!r}; expected one of {list(REWARD_SPECS)}")


def _rewards(specs: list[str]) -> list[Any]:
    if not specs:
        raise PrefkitError("name a reward with --reward (e.g. --reward rules:default)")
    return [load_reward(s) for s in specs]


def _prompts(path: Path) -> list[Any]:
    """Prompts from a text file (one per line) or JSONL (``prompt`` of each object)."""
    out: list[Any] = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        if path.suffix == ".jsonl":
            try:
                row = json.loads(line)
            except ValueError as exc:
                raise PrefkitError(f"{path}:{n}: not JSON ({exc})") from None
            if not isinstance(row, dict) or "prompt" not in row:
                raise PrefkitError(f"{path}:{n}: expected an object with a 'prompt'")
            out.append(row["prompt"])
        else:
            out.append(line)
    if not out:
        raise PrefkitError(f"{path}: no prompts")
    return out


def _summary(res: Any) -> None:
    console.print(
        f"{res.method}: saved {res.model} after {res.steps} steps on {res.train_rows} rows "
        f"({res.seconds:.1f} s); loss {res.loss_first} -> {res.loss_last}; report {res.report}",
        highlight=False,
    )
    for k, v in res.heldout.items():
        console.print(f"  held out {k}: {v}", highlight=False)
    d = res.data
    if d.dropped:
        console.print(f"  dropped: {d.dropped}", highlight=False)
    if d.lengths is not None and d.lengths.over:
        console.print(
            f"  {d.lengths.over} rows longer than max_length={d.lengths.max_length}",
            highlight=False,
        )


@optimize_app.command("best-of-n")
@config_options(BestOfNConfig)
def best_of_n_cmd(
    prompts: Annotated[Path, typer.Argument(help="Prompts: a .txt (one per line) or .jsonl.")],
    model: Annotated[str, typer.Option("--model", help="The generator spec.")] = "smollm2",
    reward: RewardOption = [],  # noqa: B006 (typer reads the default; it is never mutated)
    records_out: Annotated[
        Path | None, typer.Option("--records", help="Write the ranked samples as prefkit JSONL.")
    ] = None,
    sft_out: Annotated[
        Path | None, typer.Option("--sft", help="Write the kept completions as TRL SFT JSONL.")
    ] = None,
    pairs_out: Annotated[
        Path | None, typer.Option("--pairs", help="Write TRL preference JSONL (best vs others).")
    ] = None,
    store: Annotated[
        bool, typer.Option("--store", help="Add the ranked samples to the store (--db).")
    ] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
    config: BestOfNConfig = BestOfNConfig(),
) -> None:
    """Sample n completions per prompt, score them, keep the best."""
    from prefkit.data import write_records
    from prefkit.models import load_generator
    from prefkit.optimize import best_of_n
    from prefkit.rewards import Ensemble

    funcs = _rewards(reward)
    fn = funcs[0] if len(funcs) == 1 else Ensemble(funcs)
    res = best_of_n(_prompts(prompts), load_generator(model), fn, config)
    if records_out is not None:
        write_records(res.records(), records_out)
    if store:
        from prefkit.data import open_store

        with open_store(db) as st:
            st.add_records(res.records())
    for path, rows in ((sft_out, res.sft_rows()), (pairs_out, res.preference_rows()[0])):
        if path is not None:
            path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    if as_json:
        print_json(res.to_dict())
        return
    console.print(
        f"{res.sampled} samples ({res.unique} distinct) for {len(res.prompts)} prompts in "
        f"{res.generate_seconds:.1f} s, scored in {res.score_seconds:.1f} s; mean score "
        f"{res.mean_score:.3f}, mean best {res.mean_best:.3f}",
        highlight=False,
    )


@optimize_app.command("dpo")
@config_options(DPOTrainingConfig)
def dpo_cmd(
    paths: Paths = None,
    db: DbOption = None,
    campaign: Campaign = None,
    as_json: JsonOption = False,
    config: DPOTrainingConfig = DPOTrainingConfig(),
) -> None:
    """DPO (or a variant: --loss-type ipo, hinge, robust…) through TRL's DPOTrainer."""
    from prefkit.optimize import train_dpo

    res = train_dpo(load_judgments(paths, db, campaign)[0], config)
    print_json(res.to_dict()) if as_json else _summary(res)


@optimize_app.command("kto")
@config_options(KTOTrainingConfig)
def kto_cmd(
    paths: Paths = None,
    db: DbOption = None,
    campaign: Campaign = None,
    as_json: JsonOption = False,
    config: KTOTrainingConfig = KTOTrainingConfig(),
) -> None:
    """KTO from unpaired labels (pairs, metadata.label, or --rating with a threshold)."""
    from prefkit.optimize import train_kto

    res = train_kto(load_judgments(paths, db, campaign)[0], config)
    print_json(res.to_dict()) if as_json else _summary(res)


@optimize_app.command("sft")
@config_options(SFTTrainingConfig)
def sft_cmd(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Judgment files or TRL SFT JSONL (best-of-n --sft); else the store."),
    ] = None,
    db: DbOption = None,
    campaign: Campaign = None,
    as_json: JsonOption = False,
    config: SFTTrainingConfig = SFTTrainingConfig(),
) -> None:
    """Supervised fine-tuning on the preferred responses (or on best-of-N's kept ones)."""
    from prefkit.optimize import train_sft

    data: list[Any]
    if paths and all(_is_sft_file(p) for p in paths):
        data = [json.loads(x) for p in paths for x in p.read_text("utf-8").splitlines() if x]
    else:
        data = load_judgments(paths, db, campaign)[0]
    res = train_sft(data, config)
    print_json(res.to_dict()) if as_json else _summary(res)


def _is_sft_file(path: Path) -> bool:
    if path.suffix != ".jsonl":
        return False
    with path.open(encoding="utf-8") as fh:
        first = fh.readline()
    try:
        row = json.loads(first)
    except ValueError:
        return False
    return isinstance(row, dict) and set(row) == {"prompt", "completion"}


@optimize_app.command("grpo")
@config_options(GRPOTrainingConfig)
def grpo_cmd(
    prompts: Annotated[
        Path | None, typer.Argument(help="Prompts (.txt or .jsonl); else the store's prompts.")
    ] = None,
    reward: RewardOption = [],  # noqa: B006
    weight: Annotated[
        list[float] | None, typer.Option("--weight", help="One weight per --reward.")
    ] = None,
    db: DbOption = None,
    campaign: Campaign = None,
    as_json: JsonOption = False,
    config: GRPOTrainingConfig = GRPOTrainingConfig(),
) -> None:
    """GRPO or RLOO (--algorithm rloo) with prefkit rewards as TRL reward functions."""
    import dataclasses

    from prefkit.optimize import train_grpo

    data = _prompts(prompts) if prompts is not None else load_judgments(None, db, campaign)[0]
    if weight:
        config = dataclasses.replace(config, reward_weights=tuple(weight))
    res = train_grpo(data, _rewards(reward), config)
    print_json(res.to_dict()) if as_json else _summary(res)


@optimize_app.command("compare")
def compare_cmd(
    policy: Annotated[str, typer.Argument(help="The trained generator (hf:DIR, …).")],
    base: Annotated[str, typer.Argument(help="The starting generator (smollm2, hf:DIR, …).")],
    prompts: Annotated[Path, typer.Argument(help="Held-out prompts: a .txt or .jsonl.")],
    reward: RewardOption = [],  # noqa: B006
    n: Annotated[int, typer.Option("--n", help="Samples per prompt and policy.")] = 1,
    max_new_tokens: Annotated[int, typer.Option("--max-new-tokens")] = 64,
    temperature: Annotated[float, typer.Option("--temperature", help="0: greedy.")] = 0.0,
    as_json: JsonOption = False,
) -> None:
    """Win rate of a trained policy against its starting one (CI clustered by prompt)."""
    from prefkit.models import load_generator
    from prefkit.optimize import win_rate

    funcs = _rewards(reward)
    if len(funcs) > 1:
        raise PrefkitError("compare judges with one --reward (or judge) at a time")
    res = win_rate(
        load_generator(policy), load_generator(base), _prompts(prompts), funcs[0], n=n,
        max_new_tokens=max_new_tokens, temperature=temperature,
    )  # fmt: skip
    if as_json:
        print_json(res.to_dict())
        return
    ci = "" if res.ci is None else f" [{res.ci[0]:.3f}, {res.ci[1]:.3f}]"
    console.print(
        f"{res.policy} vs {res.base} on {res.prompts} prompts, judged by {res.judge}: win rate "
        f"{res.win_rate:.3f}{ci} ({res.wins} wins, {res.ties} ties, {res.losses} losses); "
        f"length {res.length_base:.0f} -> {res.length_policy:.0f} chars; refusals "
        f"{res.refusals_base:.2f} -> {res.refusals_policy:.2f}",
        highlight=False,
    )
