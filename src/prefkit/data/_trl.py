"""TRL's dataset formats, in and out.

TRL (``trl/data_utils.py``) knows four preference layouts: standard or conversational, each with an
explicit ``prompt`` column or an implicit one (the shared prefix of ``chosen`` and ``rejected``),
plus the unpaired ``{"prompt", "completion", "label"}`` layout (KTO). Reading them yields canonical
records; writing them is lossy, so the policies for ties, rankings and unpaired data are explicit
and every dropped or expanded record is counted in a :class:`ConversionReport`.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from prefkit.data._records import TIE, Judgment, judgment_from_dict
from prefkit.errors import ConversionError, RecordError

__all__ = [
    "ConversionReport",
    "RankingPolicy",
    "TiePolicy",
    "judgment_from_trl",
    "judgment_from_trl_unpaired",
    "lost_fields",
    "resolve_labels",
    "to_trl_pairs",
    "to_trl_unpaired",
]

TiePolicy = Literal["drop", "split", "error"]
RankingPolicy = Literal["adjacent", "all-pairs"]
TIE_POLICIES = ("drop", "split", "error")
RANKING_POLICIES = ("adjacent", "all-pairs")

_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


@dataclass
class ConversionReport:
    """What a down-conversion kept, dropped (by reason), expanded, changed and lost.

    ``lost`` counts, per record field (``id``, ``annotator``, ``rationale``, ``ratings``…), the
    records that had it: TRL rows cannot carry it. ``separated`` counts string prompts given a
    newline so that they do not run into their answer; ``conflicts`` the unpaired completions
    labelled both ways (decided by majority, dropped on an even split).
    """

    records_in: int = 0
    rows_out: int = 0
    dropped: Counter[str] = field(default_factory=Counter)
    expanded: int = 0  # records that became more than one row
    lost: Counter[str] = field(default_factory=Counter)
    separated: int = 0
    conflicts: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "records_in": self.records_in,
            "rows_out": self.rows_out,
            "dropped": dict(sorted(self.dropped.items())),
            "dropped_total": sum(self.dropped.values()),
            "expanded": self.expanded,
            "lost_fields": dict(sorted(self.lost.items())),
            "separated": self.separated,
            "conflicts": self.conflicts,
        }


def lost_fields(rec: Judgment, *, margin: bool = False) -> list[str]:
    """The fields of ``rec`` that TRL rows do not carry (``strength`` is kept as a margin)."""
    out = [
        name
        for name, present in (
            ("id", bool(rec.id)),
            ("item", bool(rec.item)),
            ("annotator", bool(rec.annotator)),
            ("rationale", bool(rec.rationale)),
            ("ratings", bool(rec.ratings)),
            ("labels", bool(rec.labels)),
            ("strength", rec.strength is not None and not margin),
            ("shown", bool(rec.shown)),
            ("timings", bool(getattr(rec, "timings", None))),
            ("responses.model", any(r.model for r in rec.responses)),
            ("metadata", bool(rec.metadata)),
        )
        if present
    ]
    return out


def _separate(prompt: Any, text: Any, report: ConversionReport) -> Any:
    """A string prompt that would run into its answer ("…the story.The story") gets a newline."""
    if (
        isinstance(prompt, str)
        and isinstance(text, str)
        and prompt
        and text
        and not prompt[-1].isspace()
        and not text[0].isspace()
    ):
        report.separated += 1
        return prompt + "\n"
    return prompt


def resolve_labels(rows: list[dict[str, Any]], report: ConversionReport) -> list[dict[str, Any]]:
    """Unpaired rows with one label per (prompt, completion): the majority, none on a tie."""
    votes: dict[str, Counter[bool]] = {}
    first: dict[str, dict[str, Any]] = {}
    for row in rows:
        key = repr((row["prompt"], row["completion"]))
        votes.setdefault(key, Counter())[bool(row["label"])] += 1
        first.setdefault(key, row)
    out = []
    for key, c in votes.items():
        if c[True] and c[False]:
            report.conflicts += 1
            if c[True] == c[False]:
                report.dropped["labelled both ways, even split"] += 1
                continue
        out.append({**first[key], "label": c[True] > c[False]})
    return out


# --------------------------------------------------------------------------------------------
# in


def _messages(value: Any, column: str) -> list[dict[str, Any]] | None:
    if isinstance(value, list) and all(isinstance(m, dict) for m in value):
        return value
    if isinstance(value, str):
        return None
    raise RecordError(
        "expected a string or a list of {'role', 'content'} messages, "
        f"got {type(value).__name__}",
        field=column,
    )


def _completion_text(messages: list[dict[str, Any]], column: str) -> str:
    if len(messages) != 1:
        raise RecordError(
            f"the completion has {len(messages)} messages; prefkit responses are one assistant "
            "message each (split multi-turn completions into several records)",
            field=column,
        )
    content = messages[0].get("content")
    if not isinstance(content, str):
        raise RecordError("message content must be a string", field=f"{column}.0.content")
    return content


def _common_prefix(a: Any, b: Any) -> int:
    # TRL's extract_prompt: the longest shared prefix (messages or characters); for strings a
    # trailing space stays with the completion.
    n = min(len(a), len(b))
    idx = next((i for i in range(n) if a[i] != b[i]), n)
    if isinstance(a, str) and idx > 0 and a[idx - 1] == " ":
        idx -= 1
    return idx


def _unseparate(prompt: Any, text: str) -> Any:
    """The newline ``to_trl_pairs`` puts between a text prompt and its answer, taken off again."""
    if isinstance(prompt, str) and prompt.endswith("\n") and text and not text[0].isspace():
        return prompt[:-1]
    return prompt


def judgment_from_trl(row: dict[str, Any]) -> Judgment:
    """A TRL preference row (explicit/implicit prompt, standard/conversational) as a record."""
    chosen, rejected = row.get("chosen"), row.get("rejected")
    cm, rm = _messages(chosen, "chosen"), _messages(rejected, "rejected")
    if (cm is None) != (rm is None):
        raise RecordError("'chosen' and 'rejected' must both be strings or both be message lists")
    prompt: Any = row.get("prompt")
    if prompt is None:
        # implicit prompt: the shared prefix
        assert chosen is not None and rejected is not None
        idx = _common_prefix(chosen, rejected)
        if cm is not None and rm is not None and chosen != rejected:
            prompt, chosen, rejected = cm[:idx], cm[idx:], rm[idx:]
        elif cm is None and chosen != rejected:
            prompt, chosen, rejected = chosen[:idx], chosen[idx:], rejected[idx:]
        else:
            prompt = [] if cm is not None else ""
    pm = _messages(prompt, "prompt")
    if pm is None and isinstance(chosen, str):
        prompt = _unseparate(prompt, chosen)
    if cm is not None:
        chosen = _completion_text(list(chosen), "chosen") if chosen else ""
        rejected = _completion_text(list(rejected), "rejected") if rejected else ""
    extra = {k: v for k, v in row.items() if k not in ("prompt", "chosen", "rejected", "margin")}
    margin = row.get("margin")
    strength = margin if isinstance(margin, int | float) and margin > 0 else None
    if margin is not None and strength is None:
        extra["margin"] = margin  # 0 or not a number: kept as it came
    return judgment_from_dict(
        {
            "prompt": pm if pm is not None else prompt,
            "responses": [{"id": "r1", "text": chosen}, {"id": "r2", "text": rejected}],
            "preference": "r1",
            "strength": strength,  # TRL's margin is prefkit's strength, and goes back out as it
            "metadata": extra,
        }
    )


def _label(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise RecordError(f"{value!r} is not a label; expected true or false", field="label")


def judgment_from_trl_unpaired(row: dict[str, Any]) -> Judgment:
    """A TRL unpaired row ``{"prompt", "completion", "label"}``: one response, label in metadata."""
    prompt, completion = row.get("prompt"), row.get("completion")
    pm = _messages(prompt, "prompt")
    cm = _messages(completion, "completion")
    text = _completion_text(cm, "completion") if cm is not None else completion
    if pm is None and isinstance(text, str):
        prompt = _unseparate(prompt, text)
    extra = {k: v for k, v in row.items() if k not in ("prompt", "completion", "label")}
    extra["label"] = _label(row.get("label"))
    return judgment_from_dict(
        {
            "prompt": pm if pm is not None else prompt,
            "responses": [{"id": "r1", "text": text}],
            "metadata": extra,
        }
    )


# --------------------------------------------------------------------------------------------
# out


def _check_policy(ties: str, from_ranking: str) -> None:
    if ties not in TIE_POLICIES:
        raise ConversionError(f"unknown tie policy {ties!r}; expected one of {list(TIE_POLICIES)}")
    if from_ranking not in RANKING_POLICIES:
        raise ConversionError(
            f"unknown ranking policy {from_ranking!r}; expected one of {list(RANKING_POLICIES)}"
        )


def _ordered_pairs(
    rec: Judgment, ties: str, from_ranking: str, report: ConversionReport
) -> list[tuple[str, str]]:
    """(winner id, loser id) pairs implied by one record under the policies."""
    if len(rec.responses) < 2:
        report.dropped["single response"] += 1
        return []
    if rec.ranking is not None:
        order = rec.ranking
        if from_ranking == "adjacent":
            return list(itertools.pairwise(order))
        return list(itertools.combinations(order, 2))
    if rec.preference is None:
        report.dropped["no preference"] += 1
        return []
    if rec.preference == TIE:
        if ties == "error":
            raise ConversionError(
                f"record {rec.id!r} is a tie; choose ties='drop' or ties='split' to convert ties"
            )
        if ties == "drop":
            report.dropped["tie"] += 1
            return []
        a, b = rec.response_ids[:2]
        pairs = [(a, b), (b, a)]
        for other in rec.response_ids[2:]:
            pairs += [(a, other), (other, a)]
        return pairs
    return [(rec.preference, rid) for rid in rec.response_ids if rid != rec.preference]


def _as_trl(rec: Judgment, text: str) -> tuple[Any, Any]:
    if isinstance(rec.prompt, str):
        return rec.prompt, text
    return [m.model_dump() for m in rec.prompt], [{"role": "assistant", "content": text}]


def _iter_pairs(
    records: Iterable[Judgment],
    ties: str,
    from_ranking: str,
    report: ConversionReport,
    margin: bool = False,
) -> Iterator[tuple[Judgment, str, str]]:
    _check_policy(ties, from_ranking)
    for rec in records:
        report.records_in += 1
        report.lost.update(lost_fields(rec, margin=margin))
        pairs = _ordered_pairs(rec, ties, from_ranking, report)
        if len(pairs) > 1:
            report.expanded += 1
        for win, lose in pairs:
            yield rec, win, lose


def _uniform(rows: list[dict[str, Any]], text_key: str) -> list[dict[str, Any]]:
    # One dataset column holds one type: when text and chat prompts mix, lift the text rows to
    # TRL's conversational layout (the prompt becomes one user message), which loses nothing.
    if len({isinstance(r["prompt"], str) for r in rows}) < 2:
        return rows
    out = []
    for r in rows:
        if isinstance(r["prompt"], str):
            r = dict(r)
            r["prompt"] = [{"role": "user", "content": r["prompt"]}]
            for k in text_key.split(","):
                r[k] = [{"role": "assistant", "content": r[k]}]
        out.append(r)
    return out


def to_trl_pairs(
    records: Iterable[Judgment],
    *,
    ties: TiePolicy = "error",
    from_ranking: RankingPolicy = "adjacent",
    report: ConversionReport | None = None,
    margin: bool = True,
    separate: bool = True,
) -> list[dict[str, Any]]:
    """Records as TRL preference rows ``{"prompt", "chosen", "rejected"}`` (explicit prompt).

    Chat prompts give TRL's conversational layout, text prompts the standard one. Ties follow
    ``ties`` (``drop``, ``split`` = both orders, ``error``); rankings give ``adjacent`` pairs
    (r1>r2, r2>r3) or ``all-pairs``; a preference among more than two responses gives one pair per
    other response; records with one response or no preference are dropped and counted. When
    text and chat prompts mix, text rows are lifted to the conversational layout.

    With ``margin``, a judgment's ``strength`` becomes TRL's ``margin`` column (read by
    ``RewardTrainer``; 0 for rows without one, and for split ties); the column is only written
    when some record has a strength. With ``separate``, a text prompt that would run into its
    answer gets a newline. ``report.lost`` counts the fields the rows do not carry.
    """
    report = report if report is not None else ConversionReport()
    rows = []
    for rec, win, lose in _iter_pairs(records, ties, from_ranking, report, margin):
        prompt, chosen = _as_trl(rec, rec.response(win).text)
        _, rejected = _as_trl(rec, rec.response(lose).text)
        row: dict[str, Any] = {"prompt": prompt, "chosen": chosen, "rejected": rejected}
        if margin and rec.strength is not None and rec.preference != TIE:
            row["margin"] = float(rec.strength)
        rows.append(row)
    if any("margin" in r for r in rows):
        rows = [{**r, "margin": r.get("margin", 0.0)} for r in rows]
    report.rows_out = len(rows)
    rows = _uniform(rows, "chosen,rejected")
    for r in rows if separate else ():
        if isinstance(r["prompt"], str):
            first = r["chosen"] if r["chosen"][:1].strip() else r["rejected"]
            r["prompt"] = _separate(r["prompt"], first, report)
    return rows


def to_trl_unpaired(
    records: Iterable[Judgment],
    *,
    ties: TiePolicy = "error",
    from_ranking: RankingPolicy = "adjacent",
    report: ConversionReport | None = None,
) -> list[dict[str, Any]]:
    """Records as TRL unpaired rows ``{"prompt", "completion", "label"}``.

    Each pair gives a desirable and an undesirable row (as TRL's ``unpair_preference_dataset``);
    one-response records with a boolean ``metadata.label`` pass through. ``split`` has no meaning
    without pairs and is refused. A (prompt, completion) that ends up labelled both ways (the
    loser of one pair and the winner of another) is given the majority label and dropped on an
    even split (``report.conflicts``); text prompts are separated from their answer.
    """
    if ties == "split":
        raise ConversionError(
            'ties="split" is not defined for unpaired rows (a tie has no desirable side); '
            'use ties="drop" or ties="error"'
        )
    report = report if report is not None else ConversionReport()
    rows = []
    singles = []

    def _pairable(recs: Iterable[Judgment]) -> Iterator[Judgment]:
        for rec in recs:
            label = rec.metadata.get("label")
            if len(rec.responses) == 1 and isinstance(label, bool):
                singles.append(rec)
                report.records_in += 1
                report.lost.update(lost_fields(rec))
                prompt, completion = _as_trl(rec, rec.responses[0].text)
                rows.append({"prompt": prompt, "completion": completion, "label": label})
            else:
                yield rec

    for rec, win, lose in _iter_pairs(_pairable(records), ties, from_ranking, report):
        for rid, label in ((win, True), (lose, False)):
            prompt, completion = _as_trl(rec, rec.response(rid).text)
            rows.append({"prompt": prompt, "completion": completion, "label": label})
    rows = _uniform(resolve_labels(rows, report), "completion")
    for r in rows:
        if isinstance(r["prompt"], str):
            r["prompt"] = _separate(r["prompt"], r["completion"], report)
    report.rows_out = len(rows)
    return rows
