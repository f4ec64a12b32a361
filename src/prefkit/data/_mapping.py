r"""Wide annotation files through a column map: one row per item, one column per annotator.

Published annotation sets often come as a table: an item id, the prompt's parts, the responses,
and then one column per annotator holding a verdict code (``1`` = first response, ``2`` =
second, ``0`` = tie), a rating or a label. A column map (YAML) says which column is which, and
``prefkit import FILE --map MAP.yaml`` turns each (row, annotator) cell into one canonical record
with the row's ``item`` — no code. Example::

    kind: preference            # preference | rating | label
    item: id                    # the column with the item id (default: the row number)
    prompt: "{context}\\n\\n{question}"   # a column, a template, or fixed text with a space
    responses:
      - {id: a, text: answer_a, model: system_a}   # text/model: column names (or templates)
      - {id: b, text: answer_b, model: system_b}
    annotators: [rater1, rater2, rater3]   # or {rater1: alice, rater2: bob}
    values: {1: a, 2: b, 0: tie}            # cell value -> response id / "tie" / label / rating
    missing: ["", "NA"]                     # cells that mean "not judged"
    metadata: [split]                       # columns copied into metadata

For ``kind: rating`` give ``criterion`` (and ``scale: [1, 5]``); for ``kind: label`` give
``criterion`` (and optionally ``label_set``); ``response`` names the rated response when there
are several (default: the first). The import is all-or-nothing like every importer, and a bad
cell is reported as ``path:line`` with the column, the value and the allowed choices.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from prefkit._yaml import line_of, load_yaml
from prefkit.data._records import Judgment, judgment_from_dict
from prefkit.errors import RecordError

__all__ = ["ColumnMap", "ResponseColumns", "load_column_map", "records_from_wide"]

KINDS = ("preference", "rating", "label")
_KEYS = {
    "kind",
    "item",
    "prompt",
    "responses",
    "annotators",
    "values",
    "criterion",
    "response",
    "scale",
    "label_set",
    "missing",
    "metadata",
    "source",
}
_FIELD = re.compile(r"\{([^{}]+)\}")


@dataclass(frozen=True)
class ResponseColumns:
    """Where one response's text (and model) come from.

    Attributes:
        id: the response id in the records.
        text: a column name or a ``{column}`` template.
        model: a column name, a template, or a literal model name; None for none.
    """

    id: str
    text: str
    model: str | None = None


@dataclass(frozen=True)
class ColumnMap:
    """The column map of a wide annotation file (see the module docstring).

    Attributes:
        kind: ``preference``, ``rating`` or ``label``.
        annotators: (column, annotator name) pairs.
        prompt: a column name or a ``{column}`` template.
        responses: the responses of each row.
        item: the column with the item id; None: ``row-N`` by row number.
        values: cell value -> response id / ``tie`` (preference), category (label) or rating.
        criterion: the rating or label criterion.
        response: the response a rating or label is about (default: the first).
        scale: the rating scale (low, high).
        label_set: the allowed labels, if restricted.
        missing: cell values that mean "not judged".
        metadata: columns copied into each record's metadata.
        source: the records' source (``human`` by default).
        path: the map's file, for messages.
    """

    kind: Literal["preference", "rating", "label"]
    annotators: tuple[tuple[str, str], ...]
    prompt: str
    responses: tuple[ResponseColumns, ...]
    item: str | None = None
    values: Mapping[str, Any] | None = None
    criterion: str | None = None
    response: str | None = None
    scale: tuple[int, int] | None = None
    label_set: tuple[str, ...] | None = None
    missing: tuple[str, ...] = ("", "NA", "N/A", "n/a", "null", "None")
    metadata: tuple[str, ...] = ()
    source: str = "human"
    path: str | None = None

    @classmethod
    def from_dict(cls, data: Any, *, path: str | None = None, node: Any = None) -> ColumnMap:
        """Validate a parsed map; errors name ``path:line`` and the key."""

        def fail(reason: str, *loc: Any) -> RecordError:
            return RecordError(reason, path=path, line=line_of(node, loc) if node else None,
                               field=".".join(map(str, loc)) or None)  # fmt: skip

        if not isinstance(data, dict):
            raise fail("a column map is a YAML mapping (kind, prompt, responses, annotators...)")
        unknown = sorted(set(data) - _KEYS)
        if unknown:
            raise fail(f"unknown key {unknown[0]!r}; expected one of {sorted(_KEYS)}", unknown[0])
        kind = data.get("kind", "preference")
        if kind not in KINDS:
            raise fail(f"kind {kind!r} is not one of {list(KINDS)}", "kind")
        for key in ("prompt", "responses", "annotators"):
            if key not in data:
                raise fail(f"the map needs {key!r}", key)
        resp = data["responses"]
        if not isinstance(resp, list) or not resp:
            raise fail("responses is a list of {id, text, model}", "responses")
        responses = []
        for i, r in enumerate(resp):
            if not isinstance(r, dict) or "text" not in r:
                raise fail("each response needs 'text' (a column or a template)", "responses", i)
            extra = sorted(set(r) - {"id", "text", "model"})
            if extra:
                raise fail(f"unknown key {extra[0]!r}; a response has id, text, model",
                           "responses", i, extra[0])  # fmt: skip
            responses.append(
                ResponseColumns(
                    str(r.get("id", chr(ord("a") + i))),
                    str(r["text"]),
                    None if r.get("model") is None else str(r["model"]),
                )
            )
        ids = [r.id for r in responses]
        if len(set(ids)) != len(ids):
            raise fail(f"response ids {ids} repeat; give each response its own id", "responses")
        if kind == "preference" and len(responses) < 2:
            raise fail("a preference needs two or more responses", "responses")
        ann = data["annotators"]
        if isinstance(ann, list) and ann and all(isinstance(a, str) for a in ann):
            annotators = tuple((a, a) for a in ann)
        elif isinstance(ann, dict) and ann:
            annotators = tuple((str(k), str(v)) for k, v in ann.items())
        else:
            raise fail("annotators is a list of columns, or {column: annotator name}", "annotators")
        values = data.get("values")
        if values is not None and not isinstance(values, dict):
            raise fail("values maps cell values to what they mean, e.g. {1: a, 2: b, 0: tie}",
                       "values")  # fmt: skip
        crit = data.get("criterion")
        if kind != "preference" and not crit:
            raise fail(f"kind {kind} needs a criterion (the rating or label name)", "criterion")
        response = data.get("response")
        if response is not None and str(response) not in ids:
            raise fail(f"response {response!r} is not one of {ids}", "response")
        scale = data.get("scale")
        if scale is not None and not (
            isinstance(scale, list) and len(scale) == 2 and all(isinstance(v, int) for v in scale)
            and scale[0] < scale[1]
        ):  # fmt: skip
            raise fail(f"scale {scale!r} is not [low, high] with integers low < high", "scale")
        label_set = data.get("label_set")
        yaml_bool = "YAML reads yes/no/on/off as true/false: quote them ('yes', 'no')"
        if isinstance(label_set, list) and any(isinstance(v, bool) for v in label_set):
            raise fail(f"label_set {label_set!r} holds booleans; {yaml_bool}", "label_set")
        if isinstance(values, dict) and any(isinstance(k, bool) for k in values):
            raise fail(f"values has boolean keys {list(values)!r}; {yaml_bool}", "values")
        if label_set is not None and not (
            isinstance(label_set, list) and label_set and all(isinstance(v, str) for v in label_set)
        ):
            raise fail("label_set is a list of category names", "label_set")
        missing = data.get("missing", list(cls.missing))
        if not isinstance(missing, list):
            raise fail("missing is a list of cell values that mean 'not judged'", "missing")
        meta = data.get("metadata", [])
        if not isinstance(meta, list) or not all(isinstance(m, str) for m in meta):
            raise fail("metadata is a list of column names", "metadata")
        if values is not None and kind == "preference":
            for k, v in values.items():
                if str(v) not in (*ids, "tie"):
                    raise fail(f"value {k!r} maps to {v!r}, which is not one of {[*ids, 'tie']}",
                               "values", k)  # fmt: skip
        return cls(
            kind=kind,
            annotators=annotators,
            prompt=str(data["prompt"]),
            responses=tuple(responses),
            item=None if data.get("item") is None else str(data["item"]),
            values={_norm(k): v for k, v in values.items()} if values is not None else None,
            criterion=None if crit is None else str(crit),
            response=None if response is None else str(response),
            scale=(int(scale[0]), int(scale[1])) if scale else None,
            label_set=tuple(label_set) if label_set else None,
            missing=tuple(str(m) for m in missing),
            metadata=tuple(meta),
            source=str(data.get("source", "human")),
            path=path,
        )

    def columns(self) -> set[str]:
        """Every column the map reads."""
        cols = {c for c, _ in self.annotators} | set(self.metadata)
        if self.item:
            cols.add(self.item)
        for spec in (self.prompt, *(r.text for r in self.responses)):
            cols |= _fields(spec)
        return cols


def load_column_map(path: str | Path) -> ColumnMap:
    """Read and validate a column map (YAML); errors name ``path:line``."""
    p = Path(path)
    data, node = load_yaml(p, "column map")
    return ColumnMap.from_dict(data, path=str(p), node=node)


def _norm(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _fields(spec: str) -> set[str]:
    """The columns a spec reads.

    Its ``{fields}``, or the spec itself as a column name (a spec with a space and no fields, e.g. a
    fixed question, is literal text and reads none).
    """
    found = set(_FIELD.findall(spec))
    if found:
        return found
    return set() if " " in spec.strip() else {spec}


def _fill(spec: str, row: Mapping[str, Any], what: str) -> str:
    """A column's value, or a template filled from the row."""
    if not _FIELD.search(spec):
        if spec not in row and not _fields(spec):
            return spec.replace("\\n", "\n")  # literal text
        if spec not in row:
            raise RecordError(f"no column {spec!r} for the {what}; columns: {sorted(row)[:20]}")
        v = row[spec]
        return "" if v is None else str(v)
    try:
        return string.Formatter().vformat(
            spec.replace("\\n", "\n"), (), {k: "" if v is None else v for k, v in row.items()}
        )
    except KeyError as exc:
        raise RecordError(
            f"the {what} template names column {exc.args[0]!r}, which the file lacks; columns: "
            f"{sorted(row)[:20]}"
        ) from None


def _value(cmap: ColumnMap, column: str, raw: Any) -> Any:
    key = _norm(raw)
    choices = sorted(cmap.values) if cmap.values is not None else None
    v: Any = cmap.values[key] if cmap.values is not None and key in cmap.values else raw
    if cmap.values is not None and key not in cmap.values:
        raise RecordError(
            f"column {column!r}: value {key!r} is not in the value map (values: {choices}); add "
            f"it to 'values', or to 'missing' if it means 'not judged'",
            field=column,
        )
    if cmap.kind == "preference":
        ids = [r.id for r in cmap.responses]
        v = _norm(v)
        if v not in (*ids, "tie"):
            raise RecordError(
                f"column {column!r}: {key!r} is not a verdict; expected one of {[*ids, 'tie']} "
                "(or give a value map, e.g. values: {1: a, 2: b, 0: tie})",
                field=column,
            )
        return v
    if cmap.kind == "rating":
        s = _norm(v)
        if not re.fullmatch(r"[-+]?\d+", s):
            raise RecordError(
                f"column {column!r}: rating {key!r} is not a whole number"
                + (f" (value map: {choices})" if choices else ""),
                field=column,
            )
        r = int(s)
        lo, hi = cmap.scale or (1, 5)
        if not lo <= r <= hi:
            raise RecordError(
                f"column {column!r}: rating {r} is outside the scale {lo}..{hi}; set 'scale' in "
                "the map",
                field=column,
            )
        return r
    label = _norm(v)
    if cmap.label_set is not None and label not in cmap.label_set:
        raise RecordError(
            f"column {column!r}: label {label!r} is not in the label set {list(cmap.label_set)}",
            field=column,
        )
    return label


def _row_records(cmap: ColumnMap, row: Mapping[str, Any], lineno: int) -> list[Judgment]:
    absent = sorted(cmap.columns() - set(row))
    if absent:
        raise RecordError(
            f"the row lacks column(s) {absent[:5]} named by the column map; columns: "
            f"{sorted(row)[:20]}"
        )
    item = _norm(row[cmap.item]) if cmap.item else f"row-{lineno}"
    if not item:
        raise RecordError(f"column {cmap.item!r}: the item id is empty", field=cmap.item)
    prompt = _fill(cmap.prompt, row, "prompt")
    responses = []
    for r in cmap.responses:
        model = None
        if r.model is not None:
            model = _fill(r.model, row, "model") if _fields(r.model) <= set(row) else r.model
        responses.append({"id": r.id, "text": _fill(r.text, row, f"response {r.id!r}"),
                          "model": model or None})  # fmt: skip
    meta: dict[str, Any] = {m: row[m] for m in cmap.metadata}
    if cmap.scale is not None:
        meta["rating_scale"] = list(cmap.scale)
    if cmap.label_set is not None:
        meta["label_set"] = list(cmap.label_set)
    target = cmap.response or cmap.responses[0].id
    out = []
    for column, annotator in cmap.annotators:
        raw = row[column]
        if raw is None or _norm(raw) in cmap.missing:
            continue
        v = _value(cmap, column, raw)
        rec: dict[str, Any] = {
            "item": item,
            "prompt": prompt,
            "responses": responses,
            "annotator": annotator,
            "source": cmap.source,
            "metadata": meta,
        }
        if cmap.kind == "preference":
            rec["preference"] = v
        elif cmap.kind == "rating":
            rec["ratings"] = {cmap.criterion: {target: v}}
        else:
            rec["labels"] = {cmap.criterion: {target: v}}
        try:
            out.append(judgment_from_dict(rec))
        except RecordError as exc:
            raise RecordError(f"column {column!r}: {exc.reason}", field=exc.field) from None
    return out


def records_from_wide(
    rows: Iterable[tuple[int, Any]], cmap: ColumnMap, path: str | None = None
) -> Iterator[Judgment]:
    """Records from numbered rows of a wide file.

    A bad cell raises ``RecordError`` located at ``path:line``.
    """
    for lineno, row in rows:
        if isinstance(row, RecordError):
            raise row.located(path, lineno)
        if not isinstance(row, dict):
            raise RecordError(f"expected a row object, got {type(row).__name__}").located(
                path, lineno
            )
        try:
            yield from _row_records(cmap, row, lineno)
        except RecordError as exc:
            raise exc.located(path, lineno) from None
