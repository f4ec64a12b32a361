"""``prefkit serve-model``, ``prefkit generate`` and ``prefkit judge eval|run``.

``prefkit judge eval --json`` prints ``judge_eval``'s object: ``judge``, ``pairs``,
``human_decided``, ``accuracy``, ``accuracy_ties_half``, ``kappa``, ``ai_ties``, ``unparsed``,
``position_flip_rate {pairs, rate, how}``, ``prefers_longer {pairs, rate}``,
``humans_prefer_longer {pairs, rate}``, ``self_consistency {runs, agreement}``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from prefkit.cli._common import (
    DbOption,
    JsonOption,
    console,
    load_judgments,
    print_json,
    styled,
)
from prefkit.cli._config import config_options
from prefkit.errors import PrefkitError
from prefkit.models import LLMJudgeConfig

__all__ = ["register"]

judge_app = typer.Typer(help="LLM, reward-model, rule and human judges.", no_args_is_help=True)
JudgeArg = Annotated[
    str,
    typer.Argument(help="One of llm:MODEL, reward:DIR, rules:FILE.yaml|default, human:ANNOTATOR."),
]
PathsArg = Annotated[list[Path] | None, typer.Argument(help="Judgment files; else the store.")]
CampaignOpt = Annotated[str | None, typer.Option("--campaign", help="Only this campaign.")]
LimitOpt = Annotated[int | None, typer.Option("--limit", help="Only the first N pairs.")]


def register(app: typer.Typer) -> None:
    app.command("serve-model")(serve_model)
    app.command("generate")(generate)
    app.add_typer(judge_app, name="judge")


def serve_model(
    model: Annotated[str, typer.Argument(help="smollm2, hf:PATH, gguf:PATH.gguf")],
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8001,
    name: Annotated[
        str | None, typer.Option("--name", help="The model id clients send (default: MODEL).")
    ] = None,
    api_key: Annotated[
        str | None,
        typer.Option("--api-key", help="Require this bearer key.", envvar="PREFKIT_MODEL_KEY"),
    ] = None,
    max_queue: Annotated[
        int, typer.Option("--max-queue", help="Waiting requests before answering 429.")
    ] = 64,
    batch_size: Annotated[int, typer.Option("--batch-size")] = 32,
) -> None:
    """Serve a local model as an OpenAI-compatible endpoint (/v1/chat/completions)."""
    import uvicorn

    from prefkit.models import create_model_app, load_generator

    if model.startswith("openai:"):
        raise PrefkitError("serve-model serves local models: smollm2, hf:PATH or gguf:PATH.gguf")
    gen = load_generator(model, cache=False, batch_size=batch_size)
    app = create_model_app(gen, model_name=name or model, api_key=api_key, max_queue=max_queue)
    console.print(
        f"serving {model} as {name or model!r} at http://{host}:{port}/v1", highlight=False
    )
    uvicorn.run(app, host=host, port=port, log_level="warning")


def generate(
    model: Annotated[
        str, typer.Argument(help="smollm2, hf:PATH, gguf:PATH.gguf, openai:MODEL@URL")
    ],
    prompts: Annotated[list[str], typer.Argument(help="One or more prompts.")],
    n: Annotated[int, typer.Option("-n", help="Completions per prompt.")] = 1,
    max_new_tokens: Annotated[int, typer.Option("--max-new-tokens")] = 64,
    temperature: Annotated[float, typer.Option("--temperature")] = 0.0,
    seed: Annotated[int | None, typer.Option("--seed")] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Do not use the response cache.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Generate completions (chat template applied; cached by model, parameters and prompt)."""
    from prefkit.models import load_generator

    gen = load_generator(model, cache=not no_cache)
    out = gen.generate(
        prompts, n, max_new_tokens=max_new_tokens, temperature=temperature, seed=seed
    )
    if as_json:
        print_json([{"prompt": p, "completions": c} for p, c in zip(prompts, out, strict=True)])
        return
    for p, row in zip(prompts, out, strict=True):
        console.print(styled((str(p), "bold")))
        for c in row:
            console.print(c, highlight=False, markup=False)


def _judge(spec: str, records: list[Any], config: LLMJudgeConfig) -> tuple[Any, list[Any]]:
    """The judge named by ``spec``, and the records it is checked on (a person's own aside)."""
    from prefkit.models import HumanJudge, load_judge

    j = load_judge(spec, config, records=records)
    if isinstance(j, HumanJudge):
        return j, [r for r in records if r.annotator != j.annotator]
    return j, records


@judge_app.command("eval")
@config_options(LLMJudgeConfig)
def judge_eval_cmd(
    judge: JudgeArg,
    paths: PathsArg = None,
    db: DbOption = None,
    campaign: CampaignOpt = None,
    limit: LimitOpt = None,
    repeats: Annotated[int, typer.Option("--repeats", help="Runs for self-consistency.")] = 1,
    out: Annotated[
        Path | None, typer.Option("--out", help="Also write the AI judgments here.")
    ] = None,
    as_json: JsonOption = False,
    config: LLMJudgeConfig = LLMJudgeConfig(),
) -> None:
    """How far to trust a judge: agreement with human labels, biases, consistency.

    Agreement with human labels (accuracy, κ), position-flip rate, preference for the
    longer response, and self-consistency across repeated runs.
    """
    from prefkit.data import write_records
    from prefkit.models import judge_eval, judge_records

    records = load_judgments(paths, db, campaign)[0]
    j, recs = _judge(judge, records, config)
    recs = [r for r in recs if len(r.responses) == 2 and r.preference is not None][:limit]
    ai = judge_records(j, recs)
    res = judge_eval(j, recs, repeats=repeats, judged=ai)
    if out is not None:
        write_records(ai, out)
    if as_json:
        print_json(res)
        return

    def pct(v: float | None) -> str:
        return "–" if v is None else f"{100 * v:.1f} %"

    console.print(
        f"{res['judge']} on {res['pairs']} pairs: accuracy {pct(res['accuracy'])} "
        f"(ties ½: {pct(res['accuracy_ties_half'])}), κ "
        f"{'–' if res['kappa'] is None else format(res['kappa'], '.3f')}; "
        f"AI ties {res['ai_ties']}, unparsed {res['unparsed']}; position flips "
        f"{pct(res['position_flip_rate']['rate'])}; prefers the longer "
        f"{pct(res['prefers_longer']['rate'])} "
        f"(people {pct(res['humans_prefer_longer']['rate'])}); "
        f"self-consistency {pct(res['self_consistency']['agreement'])}",
        highlight=False,
        markup=False,
    )


@judge_app.command("run")
@config_options(LLMJudgeConfig)
def judge_run(
    judge: JudgeArg,
    paths: PathsArg = None,
    out: Annotated[Path, typer.Option("--out", help="Write the AI judgments here (JSONL).")] = Path(
        "ai-judgments.jsonl"
    ),
    db: DbOption = None,
    campaign: CampaignOpt = None,
    limit: LimitOpt = None,
    config: LLMJudgeConfig = LLMJudgeConfig(),
) -> None:
    """Judge every pair and write canonical records (source "ai" for LLM judges)."""
    from prefkit.data import write_records
    from prefkit.models import judge_records

    records = load_judgments(paths, db, campaign)[0]
    j, recs = _judge(judge, records, config)
    recs = [r for r in recs if len(r.responses) == 2][:limit]
    ai = judge_records(j, recs)
    write_records(ai, out)
    console.print(f"wrote {len(ai)} judgments to {out}", highlight=False)
