"""Rows TRL takes without surprises: chat templates checked, lengths reported, labels consistent.

TRL's trainers fail or mislead quietly on data prefkit can check first: a chat template that
refuses one conversation refuses the whole dataset ("Conversation roles must alternate"), rows
longer than ``max_length`` are truncated or dropped silently, a string prompt runs into its answer
("…the story.The story begins…"), and unpaired sets can hold one completion labelled both ways.
Every function here returns what it changed, so the run result can say so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from prefkit._result import Result
from prefkit.data import ConversionReport as _Conversion
from prefkit.data import Judgment, lost_fields, resolve_labels, to_trl_pairs, to_trl_unpaired
from prefkit.errors import PrefkitError

__all__ = ["DataCheck", "LengthSummary", "check_rows", "pair_rows", "unpaired_rows"]

TooLong = Literal["truncate", "drop", "error"]


@dataclass(frozen=True, repr=False)
class LengthSummary(Result):
    """Token lengths (prompt + completion) of the rows, against ``max_length``.

    Attributes:
        max_length: the trainer's limit.
        rows: rows measured.
        over: rows longer than the limit.
        p50: median length.
        p90: 90th percentile.
        p99: 99th percentile.
        longest: the longest row.
    """

    max_length: int
    rows: int
    over: int
    p50: float
    p90: float
    p99: float
    longest: int


@dataclass(frozen=True, repr=False)
class DataCheck(Result):
    """What preparing the rows did before training.

    Attributes:
        records_in: records read.
        rows: rows handed to the trainer.
        dropped: rows or records left out, by reason.
        repaired: conversations changed to fit the chat template, by repair.
        lengths: token lengths against ``max_length``.
        lost_fields: record fields the TRL rows do not carry (ids, annotators, rationales…).
    """

    records_in: int
    rows: int
    dropped: dict[str, int]
    repaired: dict[str, int]
    lengths: LengthSummary | None
    lost_fields: tuple[str, ...] = field(default=())


def pair_rows(
    records: Iterable[Judgment], *, ties: str = "error", from_ranking: str = "adjacent"
) -> tuple[list[dict[str, Any]], _Conversion, tuple[str, ...]]:
    """Preference rows (prompt, chosen, rejected) under the explicit tie and ranking policies."""
    report = _Conversion()
    rows = to_trl_pairs(
        records,
        ties=ties,  # type: ignore[arg-type]
        from_ranking=from_ranking,  # type: ignore[arg-type]
        report=report,
        margin=False,  # TRL's DPO and KTO have no per-pair margin
        separate=False,  # check_rows separates, knowing whether a chat template applies
    )
    return rows, report, tuple(sorted(report.lost))


def unpaired_rows(
    records: Iterable[Judgment],
    *,
    ties: str = "drop",
    from_ranking: str = "adjacent",
    rating: str | None = None,
    threshold: float = 4.0,
) -> tuple[list[dict[str, Any]], _Conversion, tuple[str, ...], int]:
    """KTO rows (prompt, completion, label) and the number of conflicting labels resolved.

    With ``rating``, every rated response is one row, desirable when its ``rating`` score is at
    least ``threshold``; otherwise pairs give a desirable and an undesirable row and
    single-response records with a boolean ``metadata.label`` pass through. A completion that
    ends up labelled both ways is decided by majority and dropped on an even split (counted).
    """
    recs = list(records)
    report = _Conversion()
    if rating is not None:
        rows = []
        for r in recs:
            report.records_in += 1
            report.lost.update(lost_fields(r))
            scores = r.ratings.get(rating) if r.ratings else None
            if not scores:
                report.dropped[f"no {rating!r} rating"] += 1
                continue
            for rid, score in scores.items():
                prompt, comp = _as_trl(r.prompt, r.response(rid).text)
                rows.append({"prompt": prompt, "completion": comp, "label": score >= threshold})
        report.rows_out = len(rows)
    else:
        rows = to_trl_unpaired(recs, ties=ties, from_ranking=from_ranking, report=report)  # type: ignore[arg-type]
        return rows, report, tuple(sorted(report.lost)), report.conflicts
    rows = resolve_labels(rows, report)
    return rows, report, tuple(sorted(report.lost)), report.conflicts


def _as_trl(prompt: Any, text: str) -> tuple[Any, Any]:
    if isinstance(prompt, str):
        return prompt, text
    return [m.model_dump() for m in prompt], [{"role": "assistant", "content": text}]


def _merge_turns(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Consecutive turns of one role joined into one (a blank line between)."""
    out: list[dict[str, Any]] = []
    for m in messages:
        if out and out[-1]["role"] == m["role"]:
            out[-1] = {**out[-1], "content": f"{out[-1]['content']}\n\n{m['content']}"}
        else:
            out.append(dict(m))
    return out


def _fold_system(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A system message moved into the first user turn (for templates that refuse system)."""
    if not messages or messages[0]["role"] != "system":
        return messages
    rest = messages[1:]
    if rest and rest[0]["role"] == "user":
        head = {"role": "user", "content": f"{messages[0]['content']}\n\n{rest[0]['content']}"}
        return [head, *rest[1:]]
    return [{"role": "user", "content": messages[0]["content"]}, *rest]


def _fits(tok: Any, messages: list[dict[str, Any]]) -> bool:
    try:
        tok.apply_chat_template(messages, tokenize=False)
    except Exception:  # jinja2 raises TemplateError from the template's own raise_exception
        return False
    return True


def _text_keys(row: dict[str, Any]) -> list[str]:
    return [k for k in ("chosen", "rejected", "completion") if k in row]


def check_rows(
    rows: list[dict[str, Any]],
    tok: Any,
    *,
    max_length: int,
    too_long: TooLong = "truncate",
) -> tuple[list[dict[str, Any]], dict[str, int], dict[str, int], LengthSummary | None]:
    """Rows fitted to the tokenizer: chat template checked and repaired, lengths measured.

    - With a chat template, string prompts become one user message (a chat model's input)
      and every conversation is tried against the template; one it refuses is repaired
      (consecutive turns of a role merged, a system message folded into the first user turn)
      or dropped with the reason. A prompt that ends on an assistant turn cannot be answered
      by an assistant turn: dropped.
    - Without one, a string prompt that would run into its answer gets a newline.
    - Token lengths are measured; rows over ``max_length`` are kept (TRL truncates them;
      one whose prompt alone fills ``max_length`` is dropped here, as TRL would do silently),
      dropped, or refused (``too_long``).

    Returns:
        (rows, dropped by reason, repaired by kind, lengths).
    """
    import numpy as np

    chat = bool(getattr(tok, "chat_template", None))
    dropped: Counter[str] = Counter()
    repaired: Counter[str] = Counter()
    out: list[dict[str, Any]] = []
    for row in rows:
        row = dict(row)
        keys = _text_keys(row)
        if chat and isinstance(row["prompt"], str):
            row["prompt"] = [{"role": "user", "content": row["prompt"]}]
            for k in keys:
                row[k] = [{"role": "assistant", "content": row[k]}]
        p = row["prompt"]
        if (
            not chat
            and isinstance(p, str)
            and p
            and not p[-1].isspace()
            and any(row[k] and not row[k][0].isspace() for k in keys)
        ):  # "…the story." + "The story begins" would read as one word
            row["prompt"] += "\n"
            repaired["newline after the prompt"] += 1
        if chat:
            prompt = list(row["prompt"])
            if prompt and prompt[-1].get("role") == "assistant":
                dropped["prompt ends on an assistant turn"] += 1
                continue
            whole = [*prompt, *row[keys[0]]]
            if not _fits(tok, whole):
                fixed = _merge_turns(prompt)
                kind = "consecutive turns of one role merged"
                if not _fits(tok, [*fixed, *row[keys[0]]]):
                    fixed, kind = _fold_system(fixed), "system message folded into the first turn"
                if not _fits(tok, [*fixed, *row[keys[0]]]):
                    dropped["refused by the chat template"] += 1
                    continue
                row["prompt"] = fixed
                repaired[kind] += 1
        out.append(row)
    if not out:
        return out, dict(dropped), dict(repaired), None
    lengths = np.array([_tokens(tok, r, chat) for r in out])
    over = lengths > max_length
    if over.any() and too_long == "error":
        first = [int(i) for i in np.flatnonzero(over)[:5]]
        raise PrefkitError(
            f"{int(over.sum())} of {len(out)} rows are longer than max_length={max_length} "
            f"tokens (rows {first}…, longest {int(lengths.max())}); raise max_length, or set "
            "too_long='truncate' (TRL keeps the start) or 'drop'"
        )
    summary = LengthSummary(
        max_length=max_length,
        rows=len(out),
        over=int(over.sum()),
        p50=float(np.percentile(lengths, 50)),
        p90=float(np.percentile(lengths, 90)),
        p99=float(np.percentile(lengths, 99)),
        longest=int(lengths.max()),
    )
    if too_long == "drop" and over.any():
        dropped[f"longer than max_length={max_length}"] += int(over.sum())
        out = [r for r, o in zip(out, over, strict=True) if not o]
    elif over.any():
        # TRL keeps the start of a long row, and silently drops a row whose prompt alone fills
        # max_length (nothing of the answer would be left): say so, and drop it here
        full = [
            _prompt_tokens(tok, r, chat) >= max_length if o else False
            for r, o in zip(out, over, strict=True)
        ]
        if any(full):
            dropped[f"prompt alone fills max_length={max_length} (TRL drops these)"] += sum(full)
            out = [r for r, f in zip(out, full, strict=True) if not f]
    return out, dict(dropped), dict(repaired), summary


def _prompt_tokens(tok: Any, row: dict[str, Any], chat: bool) -> int:
    if chat:
        ids = tok.apply_chat_template(row["prompt"], tokenize=True, add_generation_prompt=True)
        return len(ids["input_ids"] if isinstance(ids, Mapping) else ids)
    return len(tok(row["prompt"])["input_ids"])


def _tokens(tok: Any, row: dict[str, Any], chat: bool) -> int:
    """Tokens of the prompt and its longest completion, as the trainer will see them."""
    best = 0
    for k in _text_keys(row):
        if chat:
            ids = tok.apply_chat_template([*row["prompt"], *row[k]], tokenize=True)
            # transformers 5 returns a BatchEncoding (a Mapping, not a dict); 4 a list of ids
            n = len(ids["input_ids"] if isinstance(ids, Mapping) else ids)
        else:
            n = len(tok(row["prompt"] + row[k])["input_ids"])
        best = max(best, n)
    return best
