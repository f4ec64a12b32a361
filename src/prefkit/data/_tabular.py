"""The canonical record as a flat table (CSV, Parquet, Hugging Face ``datasets``).

Scalar fields (``item`` among them) are columns of their own; nested fields (``responses``,
``ranking``, ``ratings``, ``labels``, ``shown``, ``metadata``, ``timings``) are JSON text. A chat
prompt goes to ``prompt_chat`` (JSON) and leaves ``prompt`` empty, so a text prompt that
merely looks like JSON stays text.
"""

from __future__ import annotations

import json
import re
from typing import Any

from prefkit.data._records import Judgment
from prefkit.errors import RecordError

__all__ = [
    "TABLE_COLUMNS",
    "is_table_row",
    "judgment_to_row",
    "neutralize_formula",
    "restore_formula",
    "row_to_record_dict",
]

# OWASP's advice against CSV injection: a cell that starts with = + - @ TAB or CR is read as a
# formula by spreadsheets (=HYPERLINK(...) runs), so CSV export puts a ' before it. The rule is
# reversible: cells that already start with quotes before such a character get one more, and
# the CSV reader removes exactly one.
_FORMULA = re.compile(r"^'*[=+\-@\t\r]")


def neutralize_formula(cell: Any) -> Any:
    """A CSV cell that no spreadsheet runs as a formula (a leading ' where needed)."""
    if isinstance(cell, str) and _FORMULA.match(cell):
        return "'" + cell
    return cell


def restore_formula(cell: Any) -> Any:
    """The inverse of :func:`neutralize_formula`, applied when prefkit reads its own CSV."""
    if isinstance(cell, str) and cell.startswith("'") and _FORMULA.match(cell[1:]):
        return cell[1:]
    return cell


TABLE_COLUMNS = (
    "id",
    "item",
    "prompt",
    "prompt_chat",
    "responses",
    "preference",
    "ranking",
    "strength",
    "ratings",
    "labels",
    "rationale",
    "annotator",
    "shown",
    "source",
    "metadata",
    "timings",
)
_JSON_COLUMNS = (
    "prompt_chat",
    "responses",
    "ranking",
    "ratings",
    "labels",
    "shown",
    "metadata",
    "timings",
)


def _dumps(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def judgment_to_row(rec: Judgment) -> dict[str, Any]:
    """One record as a flat row of strings and numbers."""
    d = rec.to_dict()
    chat = not isinstance(rec.prompt, str)
    row = {
        "id": d["id"],
        "item": d.get("item"),
        "prompt": None if chat else d["prompt"],
        "prompt_chat": _dumps(d["prompt"]) if chat else None,
        "responses": _dumps(d["responses"]),
        "preference": d["preference"],
        "ranking": _dumps(d["ranking"]),
        "strength": None if d["strength"] is None else float(d["strength"]),
        "ratings": _dumps(d["ratings"]),
        "labels": _dumps(d.get("labels")),
        "rationale": d["rationale"],
        "annotator": d["annotator"],
        "shown": _dumps(d["shown"]),
        "source": d["source"],
        "metadata": _dumps(d["metadata"]),
        "timings": _dumps(d.get("timings")),
    }
    return row


def is_table_row(row: dict[str, Any]) -> bool:
    return isinstance(row.get("responses"), str) or "prompt_chat" in row


def _number(value: str) -> int | float:
    try:
        return int(value)
    except ValueError:
        pass
    try:
        return float(value)
    except ValueError:
        raise RecordError(f"{value!r} is not a number", field="strength") from None


def row_to_record_dict(row: dict[str, Any]) -> dict[str, Any]:
    """A flat row back to the canonical record's JSON object (not yet validated)."""
    unknown = sorted(set(row) - set(TABLE_COLUMNS))
    if unknown:
        raise RecordError(
            f"unknown column {unknown[0]!r}; expected columns {list(TABLE_COLUMNS)}",
            field=unknown[0],
        )
    out: dict[str, Any] = {}
    for key, value in row.items():
        value = restore_formula(value)
        if value is None or value == "":
            if key == "prompt" and value == "" and not row.get("prompt_chat"):
                out["prompt"] = ""
            continue
        if key in _JSON_COLUMNS and isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError as exc:
                raise RecordError(f"invalid JSON in column: {exc.msg}", field=key) from None
        if key == "strength" and isinstance(value, str):
            value = _number(value)
        if key == "strength" and isinstance(value, float) and value.is_integer():
            value = int(value)
        out[key] = value
    if "prompt_chat" in out:
        if "prompt" in out and out["prompt"] != "":
            raise RecordError("set either 'prompt' or 'prompt_chat', not both", field="prompt")
        out["prompt"] = out.pop("prompt_chat")
    return out
