"""Best-of-N on a tiny random model: the argmax of the reward, records, exports, seeds, errors."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from prefkit.data import judgment_from_dict, read_records, write_records
from prefkit.errors import PrefkitError
from prefkit.optimize import BestOfNConfig, best_of_n

pytest.importorskip("transformers")

from prefkit.models import LocalGenerator

from ..rewards.test_trl_grpo import tiny_model

PROMPTS = ["hello world", "the answer is good yes", "a question please", "summarize the long text"]


@pytest.fixture(scope="module")
def gen(tmp_path_factory: pytest.TempPathFactory) -> LocalGenerator:
    folder = tmp_path_factory.mktemp("tiny")
    tiny_model(folder)
    return LocalGenerator(folder, batch_size=16)


def yes_count(prompts: Sequence[Any], completions: Sequence[str], **kw: Any) -> list[float]:
    """Words 'yes' minus words 'no': a reward with many ties, so order matters."""
    return [c.split().count("yes") - 0.5 * c.split().count("no") for c in completions]


def test_best_is_the_argmax_of_the_reward_over_every_sample(gen: LocalGenerator) -> None:
    res = best_of_n(PROMPTS, gen, yes_count, n=8, max_new_tokens=8, temperature=1.0)
    raw = gen.generate(PROMPTS, n=8, max_new_tokens=8, temperature=1.0, top_p=1.0, seed=0)
    for p, row in zip(res.prompts, raw, strict=True):
        assert p.sampled == 8 and len(p.completions) == len(set(row)) == 8 - p.duplicates
        assert set(p.completions) == set(row)
        best = max(yes_count([], row))
        assert p.scores[0] == best == max(p.scores)
        assert list(p.scores) == sorted(p.scores, reverse=True)
        assert yes_count([], [p.best]) == [best]
    assert res.sampled == 32 and res.kept == 4
    jsonschema_rs = pytest.importorskip("jsonschema_rs")
    from prefkit._schemas import schemas

    schema = jsonschema_rs.Draft202012Validator(schemas()["best_of_n.json"])
    assert schema.is_valid(json.loads(json.dumps(res.to_dict())))
    assert res.mean_best is not None and res.mean_score is not None
    assert res.mean_best >= res.mean_score


def test_the_sample_does_not_depend_on_the_batch(gen: LocalGenerator, tmp_path: Path) -> None:
    """Seeded samples come from one random stream per (seed, prompt, index): one prompt at a
    time (the naive loop) or all in a batch of 16 gives the same samples and selections."""
    one = LocalGenerator(gen.model.name_or_path, batch_size=1)
    a = best_of_n(PROMPTS, gen, yes_count, n=4, max_new_tokens=6, seed=3)
    b = best_of_n(PROMPTS, one, yes_count, n=4, max_new_tokens=6, seed=3)
    assert [p.completions for p in a.prompts] == [p.completions for p in b.prompts]
    c = best_of_n(PROMPTS, gen, yes_count, n=4, max_new_tokens=6, seed=4)
    assert [p.completions for p in a.prompts] != [p.completions for p in c.prompts]


def test_duplicates_are_dropped_before_scoring(gen: LocalGenerator) -> None:
    calls: list[int] = []

    def counting(prompts: Sequence[Any], completions: Sequence[str], **kw: Any) -> list[float]:
        calls.append(len(completions))
        return [0.0] * len(completions)

    res = best_of_n(PROMPTS, gen, counting, n=5, max_new_tokens=4, temperature=0.0)
    assert all(p.duplicates == 4 and len(p.completions) == 1 for p in res.prompts)
    assert sum(calls) == 4 and res.unique == 4
    rows, ties = res.preference_rows()
    assert rows == [] and ties == 0  # one distinct completion per prompt: no pair


def test_scoring_in_batches_and_columns_reach_the_reward(gen: LocalGenerator) -> None:
    seen: list[tuple[int, list[Any]]] = []

    def conditional(
        prompts: Sequence[Any], completions: Sequence[str], *, condition: list[str]
    ) -> list[float]:
        seen.append((len(completions), list(condition)))
        return [
            float(len(c)) if cond == "long" else -float(len(c))
            for c, cond in zip(completions, condition, strict=True)
        ]

    res = best_of_n(
        PROMPTS[:2], gen, conditional, n=6, max_new_tokens=6, temperature=1.0, score_batch=5,
        columns={"condition": ["long", "short"]},
    )  # fmt: skip
    assert max(n for n, _ in seen) <= 5 and sum(n for n, _ in seen) == res.unique
    long, short = res.prompts
    assert len(long.best) == max(len(c) for c in long.completions)
    assert len(short.best) == min(len(c) for c in short.completions)


def test_records_and_exports(gen: LocalGenerator, tmp_path: Path) -> None:
    from prefkit.analysis import analyze
    from prefkit.rewards import evaluate_reward

    res = best_of_n(
        PROMPTS, gen, yes_count, n=6, max_new_tokens=8, temperature=1.0, keep="threshold",
        threshold=0.0, pairs="best-vs-each", min_gap=0.5,
    )  # fmt: skip
    recs = res.records()
    assert all(r.source == "model" and r.metadata["n"] == 6 for r in recs)
    for r, p in zip(recs, res.prompts, strict=True):
        assert r.ranking is not None and r.response(r.ranking[0]).text == p.best
        assert r.metadata["scores"][r.ranking[0]] == p.scores[0]
    write_records(recs, tmp_path / "bon.jsonl")
    back = read_records(tmp_path / "bon.jsonl")
    assert [r.ranking for r in back] == [r.ranking for r in recs]
    assert analyze(back, bootstrap=0).records == len(recs)  # the trust analysis reads them
    ev = evaluate_reward(yes_count, back)
    assert ev.pairs > 0  # the rankings become pairs for reward evaluation
    sft = res.sft_rows()
    assert len(sft) == res.kept == sum(s >= 0.0 for p in res.prompts for s in p.scores)
    pairs, ties = res.preference_rows()
    gaps = [p.scores[0] - s for p in res.prompts for s in p.scores[1:]]
    assert len(pairs) == sum(g > 0.5 for g in gaps) and ties == sum(g <= 0.5 for g in gaps)
    assert all(set(r) == {"prompt", "chosen", "rejected"} for r in pairs)


def test_a_judge_ranks_by_a_bradley_terry_round_robin(gen: LocalGenerator) -> None:
    class ShorterWins:  # a judge: prefers the shorter response (a stand-in for an LLM judge)
        name = "shorter"

        def judge_many(self, items: Any, ids: Any) -> list[Any]:
            out = []
            for (prompt, a, b), (ia, ib) in zip(items, ids, strict=True):
                pref = "tie" if len(a) == len(b) else ia if len(a) < len(b) else ib
                out.append(
                    judgment_from_dict(
                        {
                            "prompt": prompt,
                            "responses": [{"id": ia, "text": a}, {"id": ib, "text": b}],
                            "preference": pref,
                        }
                    )
                )
            return out

    res = best_of_n(PROMPTS[:2], gen, ShorterWins(), n=5, max_new_tokens=8, temperature=1.0)
    for p in res.prompts:
        assert len(p.best) == min(len(c) for c in p.completions)
    assert res.reward == "shorter"


def test_bad_input_is_named(gen: LocalGenerator) -> None:
    def short_answer(prompts: Sequence[Any], completions: Sequence[str], **kw: Any) -> list[float]:
        return [0.0] * (len(completions) - 1)

    with pytest.raises(PrefkitError, match=r"'short_answer' returned 3 scores for 4 completions"):
        best_of_n(PROMPTS[:1], gen, short_answer, n=4, max_new_tokens=4, temperature=1.0)
    with pytest.raises(PrefkitError, match="keep='threshold' needs threshold"):
        BestOfNConfig(keep="threshold")
    with pytest.raises(PrefkitError, match="unknown pairs 'best-vs-rest'"):
        BestOfNConfig(pairs="best-vs-rest")  # type: ignore[arg-type]
    with pytest.raises(PrefkitError, match="at least one prompt"):
        best_of_n([], gen, yes_count)
    with pytest.raises(PrefkitError, match="column 'condition' has 1 values for 2 prompts"):
        best_of_n(PROMPTS[:2], gen, yes_count, columns={"condition": ["x"]})
