"""``train_dpo``, ``train_kto``, ``train_sft``: thin adapters over TRL's offline trainers.

Each takes judgment records (or TRL rows), converts them by the explicit policies of
``prefkit.data`` (ties, rankings, ratings), checks them against the tokenizer (``_rows``), holds out
a share, trains with TRL, saves a model folder and measures it on the held-out rows.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prefkit._config import resolve
from prefkit._extras import require
from prefkit._result import Result
from prefkit.data import Judgment
from prefkit.errors import PrefkitError
from prefkit.optimize._config import DPOTrainingConfig, KTOTrainingConfig, SFTTrainingConfig
from prefkit.optimize._rows import DataCheck, check_rows, pair_rows, unpaired_rows
from prefkit.optimize._run import (
    TrainedPolicy,
    finish,
    no_rows,
    policy_folder,
    run_trl,
    split_rows,
    tokenizer_for,
    trl_args,
)

__all__ = [
    "ImplicitRewardAccuracy",
    "implicit_reward_accuracy",
    "train_dpo",
    "train_kto",
    "train_sft",
]


def _records_or_rows(data: Iterable[Any]) -> tuple[list[Judgment], list[dict[str, Any]] | None]:
    items = list(data)
    if items and all(isinstance(x, dict) for x in items):
        return [], items
    bad = next((x for x in items if not isinstance(x, Judgment)), None)
    if bad is not None:
        raise PrefkitError(
            f"expected judgment records or TRL row dicts, got {type(bad).__name__}; read files "
            "with prefkit.data.read_records"
        )
    return items, None


def _prepare(
    method: str,
    rows: list[dict[str, Any]],
    conv: Any,
    lost: tuple[str, ...],
    tok: Any,
    cfg: Any,
    extra_dropped: dict[str, int] | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], DataCheck]:
    kept, dropped, repaired, lengths = check_rows(
        rows, tok, max_length=cfg.max_length, too_long=cfg.too_long
    )
    all_dropped = {**(conv.dropped if conv else {}), **(extra_dropped or {}), **dropped}
    check = DataCheck(
        records_in=conv.records_in if conv else len(rows),
        rows=len(kept),
        dropped=dict(sorted(all_dropped.items())),
        repaired=repaired,
        lengths=lengths,
        lost_fields=lost,
    )
    if not kept:
        raise no_rows(method, check)
    train, held = split_rows(kept, cfg.holdout, cfg.seed)
    if not train:
        raise no_rows(method, check)
    return train, held, check


# ------------------------------------------------------------------------------------- DPO


@dataclass(frozen=True, repr=False)
class ImplicitRewardAccuracy(Result):
    """DPO's implicit reward on held-out pairs (``TrainedPolicy.heldout`` is its ``to_dict()``).

    Attributes:
        pairs: held-out pairs scored.
        implicit_reward_accuracy: share whose chosen response gets the higher implicit reward
            (ties count half); 0.5 before training, when the policy is the reference.
        implicit_reward_ci: its 95 % Wilson interval.
        mean_margin: mean implicit-reward margin, chosen minus rejected.
        chosen_logp_change: mean change of the chosen responses' log-probability (policy minus
            reference, nats per response).
        rejected_logp_change: the same for the rejected responses.
    """

    pairs: int
    implicit_reward_accuracy: float
    implicit_reward_ci: list[float] | None
    mean_margin: float
    chosen_logp_change: float
    rejected_logp_change: float


def implicit_reward_accuracy(
    policy: str | Path,
    reference: str | Path,
    rows: Sequence[dict[str, Any]],
    beta: float,
) -> ImplicitRewardAccuracy:
    """DPO's implicit reward ``β·(log π(y|x) − log π_ref(y|x))`` ranking held-out pairs.

    The share of pairs whose chosen response gets the higher implicit reward (ties count half),
    its 95 % Wilson interval, the mean margin and the log-probability changes. Before training
    the policy is the reference, every reward is 0 and the accuracy is 0.5.
    """
    from prefkit._intervals import wilson
    from prefkit.models import LocalGenerator

    if not rows:
        raise PrefkitError("implicit_reward_accuracy needs at least one held-out pair")
    prompts = [r["prompt"] for r in rows]
    chosen = [_text(r["chosen"]) for r in rows]
    rejected = [_text(r["rejected"]) for r in rows]
    scores = {}
    for name, folder in (("policy", policy), ("reference", reference)):
        g = LocalGenerator(Path(folder), batch_size=8)
        scores[name] = (g.logprobs(prompts, chosen), g.logprobs(prompts, rejected))
        del g
    margins = [
        beta * ((pc - rc) - (pr - rr))
        for pc, pr, rc, rr in zip(*scores["policy"], *scores["reference"], strict=True)
    ]
    wins = sum(1.0 if m > 0 else 0.5 if m == 0 else 0.0 for m in margins)
    ci = wilson(wins, len(margins))
    return ImplicitRewardAccuracy(
        pairs=len(margins),
        implicit_reward_accuracy=wins / len(margins),
        implicit_reward_ci=ci,
        mean_margin=sum(margins) / len(margins),
        chosen_logp_change=_mean_change(scores, 0),
        rejected_logp_change=_mean_change(scores, 1),
    )


def _mean_change(scores: dict[str, Any], k: int) -> float:
    pol, ref = scores["policy"][k], scores["reference"][k]
    return sum(a - b for a, b in zip(pol, ref, strict=True)) / len(pol)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value[-1]["content"])


def dpo_notes(history: Sequence[dict[str, float]], held: dict[str, Any]) -> tuple[str, ...]:
    """How to read DPO's logged figures, from this run's own numbers.

    The log-probability changes come from the held-out pairs (the same texts under the policy
    and the reference); the logged ``logps/*`` are of different batches at each step and cannot
    show a trend on their own.
    """
    rows = [h for h in history if "rewards/margins" in h]
    if not rows:
        return ()
    a, b = rows[0], rows[-1]
    notes = [
        f"rewards/accuracies went from {a.get('rewards/accuracies', 0):.2f} to "
        f"{b.get('rewards/accuracies', 0):.2f} and rewards/margins from "
        f"{a.get('rewards/margins', 0):.3f} to {b.get('rewards/margins', 0):.3f} on the training "
        "batches (each step a different batch): DPO raises the gap between chosen and "
        "rejected, measured against the reference."
    ]
    if not held:
        return tuple(notes)
    dc, dr = held["chosen_logp_change"], held["rejected_logp_change"]
    if dc < 0:
        notes.append(
            f"On the held-out pairs the chosen responses' log-probability fell ({dc:+.2f} nats "
            f"per response; rejected {dr:+.2f}). This is expected, not a bug (TRL #800, "
            "OpenRLHF #1054): the loss sees only the difference of the two log-ratios, and "
            "pushing the rejected response down also moves probability away from similar chosen "
            "text. It becomes a problem when the chosen log-probability falls a lot, which means "
            "the policy moves mass to responses neither side contains: a lower learning rate, a "
            "higher beta or an added SFT term (loss_type='sigmoid,sft') hold it."
        )
    else:
        notes.append(
            f"On the held-out pairs the chosen responses' log-probability rose ({dc:+.2f} nats "
            f"per response; rejected {dr:+.2f})."
        )
    notes.append(
        f"On {held['pairs']} held-out pairs the implicit reward ranks the chosen response first "
        f"{held['implicit_reward_accuracy']:.1%} of the time (0.5 before training, when the "
        "policy is the reference)."
    )
    return tuple(notes)


def train_dpo(
    data: Iterable[Judgment] | Iterable[dict[str, Any]],
    config: DPOTrainingConfig | None = None,
    /,
    **overrides: Any,
) -> TrainedPolicy:
    """Train a policy with DPO (or a variant) on preference records through TRL's ``DPOTrainer``.

    Args:
        data: judgment records (ties and rankings converted by ``config.ties`` and
            ``config.from_ranking``) or TRL rows ``{"prompt", "chosen", "rejected"}``.
        config: the settings (:class:`DPOTrainingConfig`).
        **overrides: any field of the config.

    Returns:
        A :class:`TrainedPolicy`; ``heldout`` holds the implicit-reward accuracy on held-out
        pairs. TRL's DPO has no per-pair margin, so a judgment's ``strength`` is not used
        (it is listed among the lost fields).
    """
    cfg = resolve(DPOTrainingConfig, config, overrides, what="train_dpo")
    require("torch", "transformers", "trl", what="DPO training")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from trl import DPOConfig, DPOTrainer

    records, rows = _records_or_rows(data)
    conv: Any = None
    lost: tuple[str, ...] = ()
    if rows is None:
        rows, conv, lost = pair_rows(records, ties=cfg.ties, from_ranking=cfg.from_ranking)
    base = policy_folder(cfg.model)
    tok = tokenizer_for(base)
    train, held, check = _prepare("DPO", rows, conv, lost, tok, cfg)
    args = trl_args(
        DPOConfig, cfg, 1e-6,  # TRL's default, as in the Zephyr recipe
        beta=cfg.beta, loss_type=cfg.losses, label_smoothing=cfg.label_smoothing,
        max_length=cfg.max_length, precompute_ref_log_probs=cfg.precompute_ref,
    )  # fmt: skip
    run = run_trl(DPOTrainer, args, train, tok, cfg, base)
    heldout: dict[str, Any] = {}
    if held and run["main"]:
        heldout = implicit_reward_accuracy(cfg.out, base, held, cfg.beta).to_dict()
    return finish(
        "dpo", cfg, base, run, train, held, check, heldout, dpo_notes(run["history"], heldout)
    )


# ------------------------------------------------------------------------------------- KTO


def train_kto(
    data: Iterable[Judgment] | Iterable[dict[str, Any]],
    config: KTOTrainingConfig | None = None,
    /,
    **overrides: Any,
) -> TrainedPolicy:
    """Train a policy with KTO on unpaired labels through TRL's ``KTOTrainer``.

    Labels come from pairs (the preferred response desirable, the other not), from
    single-response records with a boolean ``metadata.label``, or, with ``rating=``, from
    ratings (desirable when the score is at least ``rating_threshold``). A completion
    labelled both ways is decided by majority (dropped on an even split); ``heldout`` holds the
    share of held-out desirable completions the trained policy made more likely than the
    reference did, and the same for undesirable ones made less likely.
    """
    cfg = resolve(KTOTrainingConfig, config, overrides, what="train_kto")
    require("torch", "transformers", "trl", what="KTO training")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from trl import KTOConfig, KTOTrainer

    records, rows = _records_or_rows(data)
    conv: Any = None
    lost: tuple[str, ...] = ()
    conflicts = 0
    if rows is None:
        rows, conv, lost, conflicts = unpaired_rows(
            records, ties=cfg.ties, rating=cfg.rating, threshold=cfg.rating_threshold
        )
    base = policy_folder(cfg.model)
    tok = tokenizer_for(base)
    train, held, check = _prepare("KTO", rows, conv, lost, tok, cfg)
    labels = {bool(r["label"]) for r in train}
    if len(labels) < 2:
        raise PrefkitError(
            f"KTO needs desirable and undesirable rows; all {len(train)} training rows are "
            f"{'desirable' if True in labels else 'undesirable'}"
        )
    args = trl_args(
        KTOConfig, cfg, 1e-6,
        beta=cfg.beta, desirable_weight=cfg.desirable_weight,
        undesirable_weight=cfg.undesirable_weight, max_length=cfg.max_length,
        precompute_ref_log_probs=cfg.precompute_ref,
    )  # fmt: skip
    run = run_trl(KTOTrainer, args, train, tok, cfg, base)
    heldout: dict[str, Any] = {"conflicting_labels": conflicts}
    if held and run["main"]:
        heldout |= _label_shift(cfg.out, base, held)
    return finish("kto", cfg, base, run, train, held, check, heldout, ())


def _label_shift(policy: str | Path, reference: Path, rows: list[dict[str, Any]]) -> dict[str, Any]:
    from prefkit.models import LocalGenerator

    prompts = [r["prompt"] for r in rows]
    comps = [_text(r["completion"]) for r in rows]
    pol = LocalGenerator(Path(policy), batch_size=8).logprobs(prompts, comps)
    ref = LocalGenerator(reference, batch_size=8).logprobs(prompts, comps)
    right = [(p > r) == bool(row["label"]) for p, r, row in zip(pol, ref, rows, strict=True)]
    return {"rows": len(rows), "moved_the_right_way": sum(right) / len(right)}


# ------------------------------------------------------------------------------------- SFT


def _sft_rows(records: list[Judgment]) -> list[dict[str, Any]]:
    """The preferred (or only) response of each record as a prompt-completion row."""
    out: list[dict[str, Any]] = []
    for r in records:
        best = r.ranking[0] if r.ranking else r.preference
        if best is None and len(r.responses) == 1:
            best = r.responses[0].id
        if best is None or best == "tie":
            continue
        text = r.response(best).text
        if isinstance(r.prompt, str):
            out.append({"prompt": r.prompt, "completion": text})
        else:
            out.append(
                {
                    "prompt": [m.model_dump() for m in r.prompt],
                    "completion": [{"role": "assistant", "content": text}],
                }
            )
    return out


def train_sft(
    data: Iterable[Judgment] | Iterable[dict[str, Any]],
    config: SFTTrainingConfig | None = None,
    /,
    **overrides: Any,
) -> TrainedPolicy:
    """Supervised fine-tuning on prompt-completion rows through TRL's ``SFTTrainer``.

    Rows come as TRL ``{"prompt", "completion"}`` dicts (``BestOfN.sft_rows()``) or from
    records (each record's preferred, top-ranked or only response); the loss is on the
    completion only. ``heldout`` holds the mean per-token log-probability of held-out
    completions before and after.
    """
    cfg = resolve(SFTTrainingConfig, config, overrides, what="train_sft")
    require("torch", "transformers", "trl", what="SFT")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from trl import SFTConfig, SFTTrainer

    records, rows = _records_or_rows(data)
    extra: dict[str, int] = {}
    if rows is None:
        rows = _sft_rows(records)
        if len(rows) < len(records):
            extra["no preferred response"] = len(records) - len(rows)
    base = policy_folder(cfg.model)
    tok = tokenizer_for(base)
    train, held, check = _prepare("SFT", rows, None, (), tok, cfg, extra)
    args = trl_args(
        SFTConfig, cfg, 2e-5,  # TRL's SFT default
        max_length=cfg.max_length, completion_only_loss=True,
    )  # fmt: skip
    run = run_trl(SFTTrainer, args, train, tok, cfg, base)
    heldout: dict[str, Any] = {}
    if held and run["main"]:
        from prefkit.models import LocalGenerator

        prompts = [r["prompt"] for r in held]
        comps = [_text(r["completion"]) for r in held]
        for name, folder in (("before", base), ("after", Path(cfg.out))):
            lp = LocalGenerator(folder, batch_size=8).logprobs(prompts, comps, reduce="mean")
            heldout[f"logp_per_token_{name}"] = sum(lp) / len(lp)
    return finish("sft", cfg, base, run, train, held, check, heldout, ())
