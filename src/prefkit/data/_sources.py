"""Importers for published human-preference data sets: HH-RLHF, SQuALITY, OpenAssistant.

Each turns one line of the original file into canonical records; the file reading, error
locations and ids are the caller's (``_io.py``).
"""

from __future__ import annotations

import re
from itertools import combinations
from pathlib import Path
from typing import Any

from prefkit.data._records import Judgment, judgment_from_dict
from prefkit.errors import RecordError

__all__ = ["HH_SUBSETS", "judgments_from_hh", "judgments_from_oasst", "judgments_from_squality"]

HH_SUBSETS = ("harmless-base", "helpful-base", "helpful-online", "helpful-rejection-sampled")
_TURN = re.compile(r"\n\n(Human|Assistant): ")
_ROLE = {"Human": "user", "Assistant": "assistant"}


def hh_subset(path: str | None) -> str | None:
    """The HH-RLHF subset a file belongs to, read from its folder name."""
    if path is None:
        return None
    p = Path(path)
    if p.parent.name in HH_SUBSETS:
        return p.parent.name
    # bundled samples are named hh-rlhf-<subset>…; longest name first (helpful-base vs -online)
    return next((s for s in sorted(HH_SUBSETS, key=len, reverse=True) if s in p.name), None)


def _hh_turns(text: Any, column: str) -> list[tuple[str, str]]:
    if not isinstance(text, str):
        raise RecordError(f"expected a transcript string, got {type(text).__name__}", field=column)
    parts = _TURN.split(text)
    if parts[0].strip() or len(parts) < 3:
        raise RecordError(
            "not an HH-RLHF transcript; expected '\\n\\nHuman: …\\n\\nAssistant: …' turns",
            field=column,
        )
    return [(_ROLE[r], c) for r, c in zip(parts[1::2], parts[2::2], strict=True)]


def _split_last_reply(turns: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], str, bool]:
    if turns[-1][0] == "assistant":
        return turns[:-1], turns[-1][1], True
    return turns, "", False


def judgments_from_hh(row: Any, subset: str | None = None) -> list[Judgment]:
    """One HH-RLHF line ``{"chosen", "rejected"}`` as a pairwise record.

    The prompt is every turn before the chosen transcript's last assistant turn, kept as a chat;
    the responses are the two final assistant replies, ``r1`` (chosen, preferred) and ``r2``.
    About 0.2 % of the published pairs are quirky: the rejected transcript's earlier turns differ
    from the chosen one's, or it ends on a human turn. They are imported with the chosen context
    and flagged in ``metadata.hh_quirk`` so nothing is silently dropped or altered.
    """
    if not isinstance(row, dict) or not {"chosen", "rejected"} <= set(row):
        raise RecordError("an HH-RLHF line needs 'chosen' and 'rejected' transcripts")
    unknown = sorted(set(row) - {"chosen", "rejected"})
    if unknown:
        raise RecordError(f"unknown field {unknown[0]!r} in an HH-RLHF line", field=unknown[0])
    c_turns, r_turns = _hh_turns(row["chosen"], "chosen"), _hh_turns(row["rejected"], "rejected")
    for column, turns in (("chosen", c_turns), ("rejected", r_turns)):
        if not any(role == "assistant" for role, _ in turns):
            raise RecordError(
                "has no '\\n\\nAssistant: ' turn, so there is no reply to prefer; an HH-RLHF "
                "transcript alternates Human and Assistant turns (fix the line, or skip invalid "
                "lines to report it and go on)",
                field=column,
            )
    c_prompt, c_reply, c_ok = _split_last_reply(c_turns)
    r_prompt, r_reply, r_ok = _split_last_reply(r_turns)
    metadata: dict[str, Any] = {"dataset": "hh-rlhf"}
    if subset:
        metadata["subset"] = subset
    quirks = []
    if not c_ok:
        quirks.append("chosen ends on a human turn")
    if not r_ok:
        quirks.append("rejected ends on a human turn")
    if c_prompt != r_prompt and r_ok and c_ok:
        quirks.append("rejected context differs")
    if quirks:
        metadata["hh_quirk"] = "; ".join(quirks)
    return [
        judgment_from_dict(
            {
                "prompt": [{"role": r, "content": c} for r, c in c_prompt],
                "responses": [{"id": "r1", "text": c_reply}, {"id": "r2", "text": r_reply}],
                "preference": "r1",
                "source": "human",
                "metadata": metadata,
            }
        )
    ]


SQUALITY_SYSTEMS = ("bart", "bart-dpr", "human")
SQUALITY_CRITERIA = ("correctness", "selection", "overall")


def _squality_comments(review: dict[str, Any], system: str) -> list[str]:
    out = []
    for ann in review.get("annotations") or []:
        note = ann.get("annotation")
        note = " ".join(note) if isinstance(note, list) else str(note or "")
        sel = str(ann.get("selection") or "").strip()
        out.append(f"[{system}] “{sel}”: {note.strip()}" if sel else f"[{system}] {note.strip()}")
    return out


def judgments_from_squality(row: Any, mode: str = "pairwise") -> list[Judgment]:
    """One SQuALITY human-eval line (a passage with its questions) as records.

    Per question and worker: a ratings record holding the worker's 0–100 ratings of the three
    summaries on correctness, selection and overall (``metadata.rating_scale = [0, 100]``) and, in
    ``mode="pairwise"``, one pairwise judgment per pair of systems from the worker's overall rank;
    in ``mode="ranking"`` one listwise record with the ranking and the ratings instead. The
    worker's highlighted spans and comments become the rationale. The file holds no question text,
    so the prompt names the passage and question.
    """
    if mode not in ("pairwise", "ranking"):
        raise RecordError(f"unknown SQuALITY mode {mode!r}; expected 'pairwise' or 'ranking'")
    try:
        pid = str(row["passage-id"])
        questions = row["questions"]
        items = sorted(questions.items(), key=lambda kv: int(kv[0]))
    except (KeyError, TypeError, AttributeError, ValueError):
        raise RecordError(
            "not a SQuALITY line; expected {'passage-id', 'questions': {'0': {system: …}}}"
        ) from None
    out: list[Judgment] = []
    for qkey, q in items:
        prompt = f"SQuALITY passage {pid}, question {int(qkey) + 1}: summarize the story."
        responses = [{"id": s, "text": q[s]["response"], "model": s} for s in SQUALITY_SYSTEMS]
        workers: dict[str, dict[str, dict[str, Any]]] = {}
        for s in SQUALITY_SYSTEMS:
            for review in q[s]["reviews"]:
                workers.setdefault(str(review["worker_id"]), {})[s] = review
        for wid, by_sys in sorted(workers.items()):
            base: dict[str, Any] = {
                "item": f"squality-{pid}-q{int(qkey) + 1}",  # the passage and question
                "source": "human",
                "annotator": f"squality-{wid}",
                "metadata": {
                    "dataset": "squality",
                    "passage_id": pid,
                    "question": int(qkey),
                    "rating_scale": [0, 100],
                },
            }
            systems = [s for s in SQUALITY_SYSTEMS if s in by_sys]
            ratings = {c: {s: by_sys[s][f"{c}-rating"] for s in systems} for c in SQUALITY_CRITERIA}
            rank = {s: by_sys[s]["overall-rank"] for s in systems}
            notes = {s: _squality_comments(by_sys[s], s) for s in systems}
            listwise = mode == "ranking"
            out.append(
                judgment_from_dict(
                    {
                        **base,
                        "prompt": prompt,
                        "responses": [r for r in responses if r["id"] in by_sys],
                        "ranking": sorted(systems, key=rank.__getitem__) if listwise else None,
                        "ratings": ratings,
                        "rationale": "\n".join(n for s in systems for n in notes[s]) or None,
                        "metadata": {**base["metadata"], "kind": "ratings"},
                    }
                )
            )
            if listwise:
                continue
            for a, b in combinations(systems, 2):
                win = a if rank[a] < rank[b] else b
                out.append(
                    judgment_from_dict(
                        {
                            **base,
                            "prompt": prompt,
                            "responses": [r for r in responses if r["id"] in (a, b)],
                            "preference": win,
                            "rationale": "\n".join(notes[a] + notes[b]) or None,
                            "metadata": {**base["metadata"], "criterion": "overall"},
                        }
                    )
                )
    return out


def _oasst_groups(
    node: dict[str, Any], path: list[dict[str, str]], out: list[dict[str, Any]]
) -> None:
    role = "user" if node.get("role") == "prompter" else "assistant"
    here = [*path, {"role": role, "content": node["text"]}]
    replies = node.get("replies") or []
    ranked = [r for r in replies if r.get("rank") is not None]
    if len(ranked) >= 2:
        out.append({"prompt": here, "parent": node, "ranked": ranked})
    for reply in replies:
        _oasst_groups(reply, here, out)


def judgments_from_oasst(row: Any) -> list[Judgment]:
    """One OpenAssistant message tree as ranking records, one per group of ranked siblings.

    The prompt is the conversation from the root to the parent message; the responses are the
    ranked replies (ids are their message ids), ``ranking`` orders them by the consensus rank.
    Unranked siblings are left out.
    """
    try:
        root = row["prompt"]
        tree_id = row.get("message_tree_id")
        groups: list[dict[str, Any]] = []
        _oasst_groups(root, [], groups)
    except (KeyError, TypeError, AttributeError):
        raise RecordError(
            "not an OpenAssistant tree; expected {'message_tree_id', 'prompt': {'text', "
            "'replies': […]}}"
        ) from None
    out = []
    for g in groups:
        ranked = g["ranked"]
        parent = g["parent"].get("message_id")
        out.append(
            judgment_from_dict(
                {
                    **({"item": f"oasst-{parent}"} if parent else {}),  # the parent message
                    "prompt": g["prompt"],
                    "responses": [
                        {"id": r["message_id"], "text": r["text"], "model": r.get("model_name")}
                        for r in ranked
                    ],
                    "ranking": [r["message_id"] for r in sorted(ranked, key=lambda r: r["rank"])],
                    "source": "human",
                    "metadata": {
                        "dataset": "oasst",
                        "message_tree_id": tree_id,
                        "parent_id": g["parent"].get("message_id"),
                        "lang": g["parent"].get("lang"),
                    },
                }
            )
        )
    return out
