"""``best_of_n(prompts, generator, reward)``: sample n, score, keep the best, write records.

Best-of-N (Nakano et al. 2021; Gao et al. 2022) and rejection sampling (keep every completion
above a threshold, as in Llama 2's rejection-sampling fine-tuning): the policy's own samples,
filtered by a reward, become an SFT set or a preference set.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from prefkit._config import check_config, fields_of, resolve, setting
from prefkit._result import Result
from prefkit.data import Judgment, judgment_from_dict
from prefkit.errors import PrefkitError

__all__ = ["BestOfN", "BestOfNConfig", "BestOfNPrompt", "best_of_n"]


@dataclass(frozen=True)
class BestOfNConfig:
    """How ``best_of_n`` (and ``prefkit optimize best-of-n``) samples, scores and keeps."""

    n: int = setting(16, "Completions sampled per prompt.")
    temperature: float = setting(
        0.7, "Sampling temperature (0 is greedy: every sample the same, so one distinct)."
    )
    top_p: float = setting(1.0, "Nucleus sampling: keep the smallest set of tokens above top_p.")
    max_new_tokens: int = setting(64, "Tokens per completion at most.")
    seed: int = setting(
        0, "Seed: each sample depends only on the seed, its prompt and its index (not the batch)."
    )
    keep: Literal["best", "threshold"] = setting(
        "best",
        "best: the top completion of each prompt; threshold: every completion scoring at least "
        "`threshold` (rejection sampling).",
    )
    threshold: float | None = setting(None, "The score a kept completion needs (keep=threshold).")
    pairs: Literal["best-vs-worst", "best-vs-each"] = setting(
        "best-vs-worst",
        "The preference set: the best against the worst, or against every other completion.",
    )
    min_gap: float = setting(
        0.0,
        "A preference pair needs a score gap above this; closer pairs count as ties and are "
        "left out (counted in the result).",
    )
    dedup: bool = setting(True, "Drop exact duplicate completions of a prompt before scoring.")
    score_batch: int = setting(64, "Completions per reward call.")

    def __post_init__(self) -> None:
        check_config(self, PrefkitError)
        if not isinstance(self.n, int) or self.n < 1:
            raise PrefkitError(f"n={self.n!r} must be an integer >= 1")
        if self.keep == "threshold" and self.threshold is None:
            raise PrefkitError("keep='threshold' needs threshold=<score>; or use keep='best'")
        if self.score_batch < 1:
            raise PrefkitError(f"score_batch={self.score_batch} must be >= 1")
        if self.min_gap < 0:
            raise PrefkitError(f"min_gap={self.min_gap} must be >= 0")


@dataclass(frozen=True, repr=False)
class BestOfNPrompt(Result):
    """One prompt's samples, best first.

    Attributes:
        prompt: the prompt (a string or chat messages).
        completions: the distinct completions, best first.
        scores: their scores, in the same order.
        sampled: completions sampled (``n``).
        duplicates: exact duplicates dropped before scoring.
        kept: how many of the first completions are kept (1 under ``keep=best``).
    """

    prompt: Any
    completions: tuple[str, ...]
    scores: tuple[float, ...]
    sampled: int
    duplicates: int
    kept: int

    @property
    def best(self) -> str:
        """The top completion."""
        return self.completions[0]


@dataclass(frozen=True, repr=False)
class BestOfN(Result):
    """What best-of-N gave, per prompt and overall.

    Attributes:
        generator: the generator's name.
        reward: the reward's (or judge's) name.
        n: completions sampled per prompt.
        prompts: one entry per prompt, completions best first.
        sampled: completions sampled in all.
        unique: distinct completions scored.
        kept: completions kept (SFT rows).
        mean_score: mean score of every distinct completion (what one sample gets on average).
        mean_best: mean score of each prompt's best.
        generate_seconds: wall time of generation.
        score_seconds: wall time of scoring.
        config: the settings.
    """

    generator: str
    reward: str
    n: int
    prompts: tuple[BestOfNPrompt, ...]
    sampled: int
    unique: int
    kept: int
    mean_score: float | None
    mean_best: float | None
    generate_seconds: float
    score_seconds: float
    config: dict[str, Any]

    _repr_fields = ("generator", "reward", "n", "sampled", "unique", "mean_score", "mean_best")

    def records(self) -> list[Judgment]:
        """One record per prompt: the completions ranked by score (``source: "model"``).

        ``metadata`` holds every score (``scores``, by response id), ``n``, the reward and the
        generator, so ``analyze``, ``rank`` and ``rules eval`` read them like any judgments.
        """
        out = []
        for i, p in enumerate(self.prompts):
            ids = [f"c{k + 1}" for k in range(len(p.completions))]
            out.append(
                judgment_from_dict(
                    {
                        "item": f"bon-{i}",
                        "prompt": p.prompt,
                        "responses": [
                            {"id": rid, "text": t, "model": self.generator}
                            for rid, t in zip(ids, p.completions, strict=True)
                        ],
                        "ranking": ids if len(ids) > 1 else None,
                        "annotator": self.reward[:200],
                        "source": "model",
                        "metadata": {
                            "best_of_n": True,
                            "n": self.n,
                            "reward": self.reward,
                            "generator": self.generator,
                            "scores": dict(zip(ids, p.scores, strict=True)),
                            "kept": p.kept,
                            "duplicates": p.duplicates,
                        },
                    }
                )
            )
        return out

    def sft_rows(self) -> list[dict[str, Any]]:
        """TRL prompt-completion rows of the kept completions (``keep`` says which)."""
        return [
            _row(p.prompt, {"completion": c}) for p in self.prompts for c in p.completions[: p.kept]
        ]

    def preference_rows(self) -> tuple[list[dict[str, Any]], int]:
        """TRL preference rows and the number of pairs left out as ties (gap ≤ ``min_gap``).

        ``pairs=best-vs-worst`` gives one pair per prompt, ``best-vs-each`` one per other
        completion. Prompts with a single distinct completion give none.
        """
        gap = float(self.config["min_gap"])
        rows, ties = [], 0
        for p in self.prompts:
            if len(p.completions) < 2:
                continue
            others = range(1, len(p.completions))
            if self.config["pairs"] == "best-vs-worst":
                others = range(len(p.completions) - 1, len(p.completions))
            for k in others:
                if p.scores[0] - p.scores[k] <= gap:
                    ties += 1
                    continue
                rows.append(
                    _row(p.prompt, {"chosen": p.completions[0], "rejected": p.completions[k]})
                )
        return rows, ties


def _row(prompt: Any, texts: dict[str, str]) -> dict[str, Any]:
    if isinstance(prompt, str):
        return {"prompt": prompt, **texts}
    return {
        "prompt": list(prompt),
        **{k: [{"role": "assistant", "content": v}] for k, v in texts.items()},
    }


def name_of(fn: Any) -> str:
    """A reward's, judge's or generator's name: ``name``, else ``__name__``, else its type's."""
    return str(getattr(fn, "name", None) or getattr(fn, "__name__", None) or type(fn).__name__)


def score_completions(
    reward: Any,
    prompts: Sequence[Any],
    completions: Sequence[str],
    columns: Mapping[str, Sequence[Any]] | None = None,
    batch: int = 64,
) -> list[float]:
    """``reward`` over the completions in batches, with a clear error on a wrong-length answer."""
    out: list[float] = []
    cols = columns or {}
    for start in range(0, len(completions), batch):
        stop = start + batch
        part = reward(
            list(prompts[start:stop]),
            list(completions[start:stop]),
            **{k: list(v[start:stop]) for k, v in cols.items()},
        )
        got = list(part)
        if len(got) != len(completions[start:stop]):
            raise PrefkitError(
                f"the reward {name_of(reward)!r} returned {len(got)} scores for "
                f"{len(completions[start:stop])} completions; a reward returns one float per "
                "completion: reward(prompts, completions, **columns) -> list[float]"
            )
        try:
            out += [float(x) for x in got]
        except (TypeError, ValueError) as exc:
            raise PrefkitError(
                f"the reward {name_of(reward)!r} returned a non-number: {exc}"
            ) from None
    return out


def tournament_scores(judge: Any, prompt: Any, completions: Sequence[str]) -> list[float]:
    """Bradley-Terry strengths of the completions from a round robin of the judge.

    Every pair is judged once (an ``LLMJudge`` runs both orders itself); the strengths are
    Bradley-Terry's with a weak prior, so a completion that wins every match stays finite.
    """
    from prefkit.ranking import BradleyTerry, Outcomes

    ids = [f"c{k}" for k in range(len(completions))]
    if len(ids) < 2:
        return [0.0] * len(ids)
    pairs = [(i, j) for i in range(len(ids)) for j in range(i + 1, len(ids))]
    verdicts = judge.judge_many(
        [(prompt, completions[i], completions[j]) for i, j in pairs],
        [(ids[i], ids[j]) for i, j in pairs],
    )
    rows = []
    for (i, j), rec in zip(pairs, verdicts, strict=True):
        if rec.preference is None:
            continue
        rows.append(
            (ids[i], ids[j], 0.5 if rec.preference == "tie" else float(rec.preference == ids[i]))
        )
    if not rows:
        return [0.0] * len(ids)
    bt = BradleyTerry(prior=1.0, bootstrap=0, ties="half").fit(Outcomes.from_tuples(rows, also=ids))
    theta = dict(zip(bt.items_, bt.theta_, strict=True))
    return [float(theta[x]) for x in ids]


def best_of_n(
    prompts: Sequence[Any],
    generator: Any,
    reward: Any,
    config: BestOfNConfig | None = None,
    /,
    *,
    columns: dict[str, Sequence[Any]] | None = None,
    **overrides: Any,
) -> BestOfN:
    """Sample ``n`` completions per prompt, score them, keep the best.

    Args:
        prompts: strings or chat message lists.
        generator: any prefkit generator (``load_generator(spec)``); all prompts go in one
            ``generate`` call, which batches (and caches, for a cached generator).
        reward: any prefkit reward ``(prompts, completions, **columns) -> list[float]`` (rules,
            reward models, conditional ones, ensembles), or a judge (``judge_many``: a round
            robin per prompt scored by Bradley-Terry).
        config: the settings (:class:`BestOfNConfig`).
        columns: per-prompt extra columns passed to the reward, e.g. ``{"condition": [...]}``
            for a conditional reward model; each is repeated for the prompt's completions.
        **overrides: any field of the config.

    Returns:
        A :class:`BestOfN`: per prompt the distinct completions best first and their scores;
        ``records()``, ``sft_rows()`` and ``preference_rows()`` export them.
    """
    cfg = resolve(BestOfNConfig, config, overrides, what="best_of_n")
    prompts = list(prompts)
    if not prompts:
        raise PrefkitError("best_of_n needs at least one prompt")
    for name, col in (columns or {}).items():
        if len(col) != len(prompts):
            raise PrefkitError(f"column {name!r} has {len(col)} values for {len(prompts)} prompts")
    t0 = time.perf_counter()
    samples = generator.generate(
        prompts,
        n=cfg.n,
        max_new_tokens=cfg.max_new_tokens,
        temperature=cfg.temperature,
        top_p=cfg.top_p,
        seed=cfg.seed,
    )
    t1 = time.perf_counter()
    if len(samples) != len(prompts):
        raise PrefkitError(f"the generator gave {len(samples)} rows for {len(prompts)} prompts")
    distinct = [list(dict.fromkeys(row)) if cfg.dedup else list(row) for row in samples]
    if hasattr(reward, "judge_many") and not callable(reward):
        scores = [tournament_scores(reward, p, d) for p, d in zip(prompts, distinct, strict=True)]
    else:
        flat_p = [p for p, d in zip(prompts, distinct, strict=True) for _ in d]
        flat_c = [c for d in distinct for c in d]
        flat_cols = {
            k: [v for v, d in zip(col, distinct, strict=True) for _ in d]
            for k, col in (columns or {}).items()
        }
        flat = score_completions(reward, flat_p, flat_c, flat_cols, cfg.score_batch)
        scores, at = [], 0
        for d in distinct:
            scores.append(flat[at : at + len(d)])
            at += len(d)
    t2 = time.perf_counter()
    rows = []
    for p, raw, d, s in zip(prompts, samples, distinct, scores, strict=True):
        order = sorted(range(len(d)), key=lambda k: -s[k])  # stable: ties keep sampling order
        sc = tuple(s[k] for k in order)
        kept = 1 if cfg.keep == "best" else sum(x >= float(cfg.threshold or 0.0) for x in sc)
        rows.append(
            BestOfNPrompt(p, tuple(d[k] for k in order), sc, len(raw), len(raw) - len(d), kept)
        )
    every = [x for r in rows for x in r.scores]
    bests = [r.scores[0] for r in rows if r.scores]
    return BestOfN(
        generator=name_of(generator),
        reward=name_of(reward),
        n=cfg.n,
        prompts=tuple(rows),
        sampled=sum(r.sampled for r in rows),
        unique=len(every),
        kept=sum(r.kept for r in rows),
        mean_score=sum(every) / len(every) if every else None,
        mean_best=sum(bests) / len(bests) if bests else None,
        generate_seconds=t1 - t0,
        score_seconds=t2 - t1,
        config=fields_of(cfg),
    )
