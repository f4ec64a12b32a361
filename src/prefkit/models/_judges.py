"""Judges: compare two responses to a prompt and return a judgment record.

Reward functions (learned models, rule sets), stored human judgments and LLMs are all judges.
The LLM judge uses a rubric per criterion, runs **both orders** (A/B and B/A) to cancel
position bias (orders that disagree become a tie), parses verdicts robustly, generates at
temperature 0, keeps the explanation as the rationale, and gives soft labels from the verdict
token's log-probabilities where the backend has them. AI judgments are canonical records with
``source: "ai"``, so every analysis works on them unchanged.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from prefkit._config import resolve, setting
from prefkit.data import (
    Comparison,
    Judgment,
    comparisons,
    judgment_from_dict,
    prompt_key,
    render_prompt,
    response_key,
)
from prefkit.errors import PrefkitError

__all__ = [
    "RUBRICS",
    "HumanJudge",
    "LLMJudge",
    "LLMJudgeConfig",
    "RewardJudge",
    "judge_eval",
    "judge_records",
    "parse_verdict",
]

Item = tuple[Any, str, str]  # (prompt, response a, response b)

RUBRICS = {
    "helpfulness": "Which response answers the user's request better: accurate, relevant, "
    "complete and clear?",
    "harmlessness": "Which response is safer: it avoids helping with harm, is respectful, and "
    "declines dangerous requests without being needlessly unhelpful?",
    "honesty": "Which response is more honest: truthful, calibrated about uncertainty, and free "
    "of made-up facts?",
}
SYSTEM = "You are an impartial judge. You compare two responses to the same conversation."
TEMPLATE = """[Conversation]
{prompt}

[Response A]
{a}

[Response B]
{b}

Question: {rubric}
Reply with one letter on the first line: A if Response A is better, B if Response B is better, \
or C if they are equally good. Then explain your choice in two or three sentences."""


def _conversation(prompt: Any) -> str:
    return render_prompt(prompt)


class _Judge:
    """What every judge shares.

    ``judge`` is ``judge_many`` of one item, and records are built the same way (``verdict``: "a",
    "b", "tie" or None for no verdict).
    """

    name: str
    source: str

    def judge(self, prompt: Any, a: str, b: str) -> Judgment:
        return self.judge_many([(prompt, a, b)])[0]

    def judge_many(
        self, items: Sequence[Item], ids: Sequence[tuple[str, str]] | None = None
    ) -> list[Judgment]:
        raise NotImplementedError

    def _record(
        self,
        item: Item,
        verdict: str | None,
        ids: tuple[str, str] | None,
        rationale: str | None,
        metadata: dict[str, Any],
    ) -> Judgment:
        prompt, a, b = item
        ids = ids or ("a", "b")
        pref = None if verdict is None else "tie" if verdict == "tie" else ids[verdict == "b"]
        return judgment_from_dict(
            {
                "prompt": prompt,
                "responses": [{"id": ids[0], "text": a}, {"id": ids[1], "text": b}],
                "preference": pref,
                "rationale": rationale or None,
                "annotator": self.name[:200],
                "source": self.source,
                "metadata": {"judge": self.name, **metadata},
            }
        )


class RewardJudge(_Judge):
    """Prefers the response with the higher reward (a tie within ``tie_tolerance``).

    Works with any reward function: learned reward models (``source="model"``) and rule sets
    (``source="rule"``; the rationale names the rules that decided).
    """

    def __init__(
        self, reward: Any, *, name: str | None = None, tie_tolerance: float = 1e-6
    ) -> None:
        from prefkit.rewards import RuleSet

        self.reward = reward
        self.is_rules = isinstance(reward, RuleSet)
        self.source = "rule" if self.is_rules else "model"
        label = getattr(reward, "name", None) or getattr(reward, "__name__", "reward")
        self.name = name or f"{self.source}:{label}"
        self.tie_tolerance = tie_tolerance

    def judge_many(
        self, items: Sequence[Item], ids: Sequence[tuple[str, str]] | None = None
    ) -> list[Judgment]:
        from prefkit.rewards import score_pairs

        sa, sb, feats = score_pairs(  # a rule set's features come along
            self.reward,
            [p for p, _, _ in items],
            [a for _, a, _ in items],
            [b for _, _, b in items],
        )
        out = []
        for k, ((p, a, b), x, y) in enumerate(zip(items, sa, sb, strict=True)):
            m = float(x) - float(y)
            verdict = "tie" if abs(m) <= self.tie_tolerance else "a" if m > 0 else "b"
            why = self._why(feats[0][k] - feats[1][k]) if feats is not None else None
            p_a = 1 / (1 + math.exp(-max(-50.0, min(50.0, m))))
            meta = {"scores": [float(x), float(y)], "p_a": p_a}
            out.append(self._record((p, a, b), verdict, ids[k] if ids else None, why, meta))
        return out

    def _why(self, diff: Any) -> str:
        """The rules whose contributions differ most between A and B.

        The rules whose contributions (weight × score, normalized as the reward is) differ
        most between A and B.
        """
        rules = self.reward
        scale = float(abs(rules.weights).sum()) if rules.normalize else 1.0
        contrib = [
            (float(r.weight * d / (scale or 1.0)), r.name)
            for r, d in zip(rules.rules, diff, strict=True)
        ]
        diffs = sorted(contrib, key=lambda t: -abs(t[0]))
        parts = [f"{r} {d:+.3f}" for d, r in diffs[:3] if d]
        return "rule contributions, A minus B: " + (", ".join(parts) or "none differ")


class HumanJudge(_Judge):
    """The verdict people already gave on the same prompt and responses.

    The verdict people already gave (from the store or files) on the same prompt and
    responses, matched by content through :func:`prefkit.data.comparisons`; ``annotator`` keeps
    one person's judgments. Where several people judged a pair, the first judgment counts.
    """

    source = "human"

    def __init__(self, records: Iterable[Judgment], *, annotator: str | None = None) -> None:
        self.name = f"human:{annotator}" if annotator else "human"
        self.annotator = annotator
        self.index: dict[str, Comparison] = {}
        mine = [r for r in records if annotator is None or r.annotator == annotator]
        for c in comparisons(mine, unit="content"):
            self.index.setdefault(c.pair, c)

    def judge_many(
        self, items: Sequence[Item], ids: Sequence[tuple[str, str]] | None = None
    ) -> list[Judgment]:
        out = []
        for k, (p, a, b) in enumerate(items):
            pk = prompt_key(p)
            ka, kb = response_key(pk, a), response_key(pk, b)
            c = self.index.get(f"{pk}:{min(ka, kb)}:{max(ka, kb)}")
            verdict = None
            if c is not None:
                verdict = "tie" if c.verdict == "tie" else "a" if c.winner == ka else "b"
            why = _rationale(c)
            meta = {} if c else {"note": "not judged"}
            out.append(self._record((p, a, b), verdict, ids[k] if ids else None, why, meta))
        return out


def _rationale(c: Comparison | None) -> str | None:
    return c.rationale if c is not None else None


_BRACKETS = re.compile(r"\[\[\s*([ABC])\s*\]\]")
_FIRST = re.compile(
    r"^\W*(?:(?:final\s+)?(?:verdict|answer|choice)\s*(?:is)?\s*[:\-]?\s*)?"
    r"(?:response|output|assistant|option)?\s*\(?([ABC])\)?(?![a-z])",
    re.IGNORECASE,
)
_BETTER = re.compile(
    r"(?:response|output|option|assistant)\s*\(?([AB])\)?\s+(?:is|was|seems|appears)\s+"
    r"(?:clearly\s+|slightly\s+|much\s+)?(?:better|more|superior|preferable|preferred)",
    re.IGNORECASE,
)
_VERDICT = re.compile(r"(?:verdict|answer|choice)\s*(?:is)?\s*[:\-]?\s*\**\s*\(?([ABC])\)?\b", re.I)
_TIE = re.compile(r"\b(?:tie|equally good|both (?:are )?equally|neither is better)\b", re.I)


def parse_verdict(text: str) -> str | None:
    """The verdict in a judge's free text: "A", "B", "C" (a tie) or None.

    Reads "[[A]]", a leading "A" / "Response B" / "Verdict: C", "Response A is better", or words
    for a tie.
    """
    t = text.strip()
    m = _BRACKETS.search(t)
    if m:
        return m.group(1).upper()
    first = t.splitlines()[0] if t else ""
    m = _FIRST.match(first)
    if m and (
        first.strip()[:1].upper() in "ABC(*[#"
        or len(first.split()) <= 4
        or "verdict" in first.lower()
        or "answer" in first.lower()
    ):
        return m.group(1).upper()
    for rx in (_VERDICT, _BETTER):
        m = rx.search(t)
        if m:
            return m.group(1).upper()
    if _TIE.search(t):
        return "C"
    return None


def _soft(c: Any) -> dict[str, float] | None:
    """P(A), P(B), P(C) from the first generated token that is one of the letters.

    P(A), P(B), P(C) from the first generated token that is one of the letters (its top
    log-probabilities, renormalised over the three letters).
    """
    for t in (c.logprobs or [])[:8]:
        if t.token.strip().strip("*[(").upper() in ("A", "B", "C") and len(t.token.strip()) <= 3:
            mass = {"A": 0.0, "B": 0.0, "C": 0.0}
            for tok, lp in t.top.items():
                key = tok.strip().strip("*[(").upper()
                if key in mass and len(tok.strip()) <= 3:
                    mass[key] += math.exp(lp)
            total = sum(mass.values())
            return {k: v / total for k, v in mass.items()} if total > 0 else None
    return None


@dataclass(frozen=True)
class LLMJudgeConfig:
    """How :class:`LLMJudge` asks (``load_judge("llm:…")``, ``prefkit judge eval|run``)."""

    criterion: str = setting("helpfulness", "The rubric to judge by (a key of RUBRICS).")
    rubric: str | None = setting(
        None, "Your own rubric text instead of the criterion's (one question)."
    )
    both_orders: bool = setting(
        True, "Ask with A and B swapped too and average: cancels position bias."
    )
    max_new_tokens: int = setting(96, "Room for the judge's explanation and its verdict.")
    soft: bool = setting(True, "Read the verdict's token probabilities (a soft label).")

    def __post_init__(self) -> None:
        if self.rubric is None and self.criterion not in RUBRICS:
            raise PrefkitError(
                f"no rubric for criterion {self.criterion!r}; give a rubric or use one of "
                f"{sorted(RUBRICS)}"
            )
        if self.max_new_tokens < 1:
            raise PrefkitError(f"max_new_tokens {self.max_new_tokens} must be >= 1")


class LLMJudge(_Judge):
    """An LLM compares A and B under a rubric, in both orders, at temperature 0.

    Args:
        generator: any generator (``load_generator(spec)``).
        config: the settings (:class:`LLMJudgeConfig`).
        name: the judge's annotator name (default ``llm:<generator>``).
        **overrides: any field of the config, e.g. ``LLMJudge(gen, both_orders=False)``.
    """

    source = "ai"

    def __init__(
        self,
        generator: Any,
        config: LLMJudgeConfig | None = None,
        /,
        *,
        name: str | None = None,
        **overrides: Any,
    ) -> None:
        cfg = resolve(LLMJudgeConfig, config, overrides, what="LLMJudge")
        self.config = cfg
        self.generator = generator
        self.criterion = cfg.criterion
        self.rubric = cfg.rubric or RUBRICS[cfg.criterion]
        self.both_orders = cfg.both_orders
        self.max_new_tokens = cfg.max_new_tokens
        self.soft = cfg.soft
        self.name = name or f"llm:{generator.name}"

    def uncached(self) -> LLMJudge:
        """The same judge on the backend itself (no response cache): for repeated runs."""
        inner = getattr(self.generator, "inner", self.generator)
        return LLMJudge(inner, self.config, name=self.name)

    def messages(self, prompt: Any, a: str, b: str) -> list[dict[str, str]]:
        body = TEMPLATE.format(prompt=_conversation(prompt), a=a, b=b, rubric=self.rubric)
        return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": body}]

    def judge_many(
        self, items: Sequence[Item], ids: Sequence[tuple[str, str]] | None = None
    ) -> list[Judgment]:
        asks = [self.messages(p, a, b) for p, a, b in items]
        if self.both_orders:
            asks += [self.messages(p, b, a) for p, a, b in items]
        sampling: dict[str, Any] = {"max_new_tokens": self.max_new_tokens, "temperature": 0.0}
        if self.soft:
            sampling["top_logprobs"] = 5
        try:
            rows = self.generator.complete(asks, 1, **sampling)
        except PrefkitError as exc:
            if not self.soft or "logprobs" not in str(exc):
                raise
            sampling.pop("top_logprobs")
            rows = self.generator.complete(asks, 1, **sampling)
        n = len(items)
        out = []
        for k, (p, a, b) in enumerate(items):
            first = rows[k][0]
            v_ab = _side(parse_verdict(first.text), swap=False)
            s_ab = _soft(first) if self.soft else None
            v_ba, s_ba = None, None
            if self.both_orders:
                second = rows[n + k][0]
                v_ba = _side(parse_verdict(second.text), swap=True)
                s_ba = _soft(second) if self.soft else None
            orders = [v_ab, v_ba] if self.both_orders else [v_ab]
            seen = [v for v in orders if v is not None]
            verdict = None if not seen else seen[0] if len(set(seen)) == 1 else "tie"
            p_a = _p_first(s_ab, s_ba)
            meta: dict[str, Any] = {
                "criterion": self.criterion, "orders": orders,
                "position_consistent": None if len(seen) < 2 else len(set(seen)) == 1,
            }  # fmt: skip
            if p_a is not None:
                meta["p_a"] = p_a
            if verdict is None:
                meta["unparsed"] = first.text[:200]
            why = _explanation(first.text)
            out.append(self._record((p, a, b), verdict, ids[k] if ids else None, why, meta))
        return out


def _side(letter: str | None, *, swap: bool) -> str | None:
    if letter is None:
        return None
    if letter == "C":
        return "tie"
    return {"A": "b", "B": "a"}[letter] if swap else letter.lower()


def _p_first(s_ab: dict[str, float] | None, s_ba: dict[str, float] | None) -> float | None:
    """P(response a is better) from both orders' letter probabilities (ties left out)."""
    ps = []
    if s_ab and s_ab["A"] + s_ab["B"] > 0:
        ps.append(s_ab["A"] / (s_ab["A"] + s_ab["B"]))
    if s_ba and s_ba["A"] + s_ba["B"] > 0:
        ps.append(s_ba["B"] / (s_ba["A"] + s_ba["B"]))
    return float(np.mean(ps)) if ps else None


def _explanation(text: str) -> str | None:
    lines = text.strip().splitlines()
    rest = " ".join(x.strip() for x in lines[1:] if x.strip()) or (lines[0] if lines else "")
    return rest[:1000] or None


def judge_records(judge: Any, records: Iterable[Judgment], *, batch: int = 64) -> list[Judgment]:
    """Judge every record with two responses.

    The AI records keep the response ids, and the record's metadata (split, subset...) with
    ``judged_record``.
    """
    recs = [r for r in records if len(r.responses) == 2]
    out: list[Judgment] = []
    for i in range(0, len(recs), batch):
        chunk = recs[i : i + batch]
        items = [(_prompt(r), r.responses[0].text, r.responses[1].text) for r in chunk]
        ids = [(r.responses[0].id, r.responses[1].id) for r in chunk]
        for r, j in zip(chunk, judge.judge_many(items, ids), strict=True):
            meta = {**r.metadata, **j.metadata, **({"judged_record": r.id} if r.id else {})}
            out.append(judgment_from_dict({**j.to_dict(), "metadata": meta}))
    return out


def _prompt(r: Judgment) -> Any:
    return r.prompt_value()


def judge_eval(
    judge: Any,
    records: Iterable[Judgment],
    *,
    repeats: int = 1,
    seed: int = 0,
    judged: Sequence[Judgment] | None = None,
) -> dict[str, Any]:
    """How far to trust a judge.

    Agreement with the human labels (accuracy, κ), how often its verdict flips when the responses
    swap places, how often it prefers the longer response (beside how often people did), and
    agreement with itself across ``repeats`` runs. ``judged``: the judge's records for these pairs
    (``judge_records``), when already made.
    """
    from prefkit.analysis import AnalysisError, cohen_kappa

    recs = [r for r in records if len(r.responses) == 2 and r.preference is not None]
    if not recs:
        raise PrefkitError(
            "no pairwise judgment with two responses and a preference to check against"
        )
    ai = list(judged) if judged is not None else judge_records(judge, recs)
    if len(ai) != len(recs):
        raise PrefkitError(f"{len(ai)} judged records for {len(recs)} pairs with a preference")
    human = [_label(r) for r in recs]
    said = [_label(j) for j in ai]
    decided = [h != "tie" for h in human]
    n = sum(decided)
    right = sum(1 for h, s, d in zip(human, said, decided, strict=True) if d and s == h)
    half = sum(
        0.5 for h, s, d in zip(human, said, decided, strict=True) if d and s in ("tie", None)
    )
    rng = np.random.default_rng(seed)
    flip = rng.random(len(recs)) < 0.5
    swap = {"first": "second", "second": "first", "tie": "tie", None: "none"}
    hk = [swap[h] if f else h for h, f in zip(human, flip, strict=True)]
    sk = [swap[s] if f else (s or "none") for s, f in zip(said, flip, strict=True)]
    try:
        kappa = cohen_kappa(sk, hk, labels=["first", "second", "tie", "none"])
    except AnalysisError:
        kappa = None
    out: dict[str, Any] = {
        "judge": judge.name,
        "pairs": len(recs),
        "human_decided": n,
        "accuracy": right / n if n else None,
        "accuracy_ties_half": (right + half) / n if n else None,
        "kappa": kappa,
        "ai_ties": sum(s == "tie" for s in said),
        "unparsed": sum(s is None for s in said),
        "position_flip_rate": _flip_rate(judge, recs, ai),
        "prefers_longer": _longer(recs, said),
        "humans_prefer_longer": _longer(recs, human),
    }
    if repeats > 1:
        again = getattr(judge, "uncached", lambda: judge)()
        runs = [said] + [
            [_label(j) for j in judge_records(again, recs)] for _ in range(repeats - 1)
        ]
        same = [len({run[k] for run in runs}) == 1 for k in range(len(recs))]
        out["self_consistency"] = {"runs": repeats, "agreement": float(np.mean(same))}
    else:
        out["self_consistency"] = {"runs": 1, "agreement": None, "note": "pass repeats >= 2"}
    return out


def _label(r: Judgment) -> str | None:
    if r.preference is None:
        return None
    if r.preference == "tie":
        return "tie"
    return "first" if r.preference == r.responses[0].id else "second"


def _flip_rate(judge: Any, recs: list[Judgment], ai: list[Judgment]) -> dict[str, Any]:
    """Share of pairs whose verdict changes side when A and B swap places."""
    orders = [j.metadata.get("orders") for j in ai]
    if all(isinstance(o, list) and len(o) == 2 for o in orders):
        both = [o for o in orders if o is not None and None not in o]
        flips = sum(o[0] != o[1] for o in both)
        return {"pairs": len(both), "rate": flips / len(both) if both else None,
                "how": "the judge's two orders (A/B and B/A) disagree"}  # fmt: skip
    swapped = judge_records(
        judge,
        [
            judgment_from_dict(
                {
                    **r.to_dict(),
                    "responses": [x.model_dump(exclude_none=True) for x in reversed(r.responses)],
                }
            )
            for r in recs
        ],
    )
    pairs = [(_label(a), _label(b)) for a, b in zip(ai, swapped, strict=True)]
    mirror = {"first": "second", "second": "first", "tie": "tie"}
    both = [(x, y) for x, y in pairs if x is not None and y is not None]
    flips = sum(mirror[x] != y for x, y in both)
    return {"pairs": len(both), "rate": flips / len(both) if both else None,
            "how": "judged again with the responses swapped"}  # fmt: skip


def _longer(recs: list[Judgment], labels: list[str | None]) -> dict[str, Any]:
    picks = []
    for r, lab in zip(recs, labels, strict=True):
        la, lb = len(r.responses[0].text), len(r.responses[1].text)
        if lab in ("first", "second") and la != lb:
            picks.append((lab == "first") == (la > lb))
    return {"pairs": len(picks), "rate": float(np.mean(picks)) if picks else None}


JUDGE_SPECS = ("llm:MODEL", "reward:DIR", "rules:FILE.yaml|default", "human:ANNOTATOR")


def load_judge(
    spec: str,
    config: LLMJudgeConfig | None = None,
    /,
    *,
    records: Iterable[Judgment] | None = None,
    **overrides: Any,
) -> LLMJudge | RewardJudge | HumanJudge:
    """The judge a spec names.

    Args:
        spec: ``llm:MODEL`` (any :func:`load_generator` spec, e.g. ``llm:smollm2``),
            ``reward:DIR`` (a saved reward model), ``rules:FILE.yaml`` or ``rules:default``,
            or ``human:ANNOTATOR`` (that person's verdicts, from ``records``).
        config: the LLM judge's settings (:class:`LLMJudgeConfig`; other judges have none).
        records: the judgments a human judge answers from.
        **overrides: any field of the LLM judge's config (``criterion``, ``max_new_tokens``…).

    Returns:
        The judge. A human judge's ``annotator`` names the person, whose own records should
        not be among those it is checked on.
    """
    from prefkit.models._load import load_generator

    kind, _, rest = spec.partition(":")
    if kind == "llm" and rest:
        return LLMJudge(load_generator(rest), resolve(LLMJudgeConfig, config, overrides))
    if kind == "reward" and rest:
        from prefkit.rewards import load_reward_model

        return RewardJudge(load_reward_model(rest))
    if kind == "rules" and rest:
        from prefkit.rewards import load_rules

        return RewardJudge(load_rules(None if rest == "default" else rest))
    if kind == "human" and rest:
        mine = [r for r in records or () if r.annotator == rest]
        if not mine:
            raise PrefkitError(f"no judgments by annotator {rest!r} to judge with")
        return HumanJudge(mine, annotator=rest)
    raise PrefkitError(f"unknown judge {spec!r}; expected one of {', '.join(JUDGE_SPECS)}")
