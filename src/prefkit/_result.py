"""Result objects: frozen dataclasses whose ``to_dict()`` is the ``--json`` output.

Every capability returns one (``AnalysisReport``, ``Leaderboard``, ``RewardEvaluation``,
``RewardDiagnostics``...). ``to_dict`` turns nested results, tuples and mappings into JSON
data; ``json_schema`` derives a JSON Schema from the dataclass fields and their docstrings, so
the documented schema can never drift from the code.
"""

from __future__ import annotations

import dataclasses
import math
import re
import types
import typing
from collections.abc import Mapping
from typing import Any, ClassVar, Literal, Union, get_args, get_origin, get_type_hints

__all__ = ["Result", "json_schema", "to_data"]


def to_data(value: Any) -> Any:
    """JSON data for a result, a dataclass, a tuple, a mapping or a plain value."""
    if isinstance(value, Result) or (
        dataclasses.is_dataclass(value) and not isinstance(value, type)
    ):
        if hasattr(value, "to_dict"):
            return value.to_dict()
        return {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): to_data(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [to_data(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        return to_data(value.tolist())
    return value


class Result:
    """Mixin for frozen result dataclasses: ``to_dict()`` and a short readable ``repr``."""

    _repr_fields: ClassVar[tuple[str, ...]] = ()

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON data (the ``--json`` output)."""
        assert dataclasses.is_dataclass(self)
        return {f.name: to_data(getattr(self, f.name)) for f in dataclasses.fields(self)}

    def __repr__(self) -> str:
        assert dataclasses.is_dataclass(self)
        names = self._repr_fields or tuple(
            f.name for f in dataclasses.fields(self) if _scalar(getattr(self, f.name))
        )
        parts = []
        for n in names:
            v = getattr(self, n)
            parts.append(f"{n}={v:.3f}" if isinstance(v, float) else f"{n}={v!r}")
        return f"{type(self).__name__}({', '.join(parts)})"


def _scalar(v: Any) -> bool:
    return v is None or isinstance(v, bool | int | float | str)


_ATTR = re.compile(r"^\s{4,8}(\w+):\s*(.+?)\s*$")


def _field_docs(cls: type) -> dict[str, str]:
    """Field descriptions from the class docstring's ``Attributes:`` section."""
    doc = cls.__doc__ or ""
    out: dict[str, str] = {}
    inside = False
    current = None
    for line in doc.splitlines():
        if line.strip() == "Attributes:":
            inside = True
            continue
        if not inside:
            continue
        m = _ATTR.match(line)
        if m and line.startswith(" " * 4) and not line.startswith(" " * 12):
            current = m.group(1)
            out[current] = m.group(2)
        elif current and line.strip():
            out[current] += " " + line.strip()
        elif not line.strip() and out:
            inside = False if current else inside
    return out


def _schema_of(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = get_origin(tp)
    if tp is type(None):
        return {"type": "null"}
    if origin in (Union, types.UnionType):
        return {"anyOf": [_schema_of(a, defs) for a in get_args(tp)]}
    if origin is Literal:
        return {"enum": list(get_args(tp))}
    if origin in (tuple, list) or tp in (tuple, list):
        args = [a for a in get_args(tp) if a is not Ellipsis]
        if origin is tuple and len(get_args(tp)) > 1 and Ellipsis not in get_args(tp):
            return {
                "type": "array",
                "prefixItems": [_schema_of(a, defs) for a in args],
                "minItems": len(args),
                "maxItems": len(args),
            }
        return {"type": "array", "items": _schema_of(args[0], defs) if args else {}}
    if origin in (dict, Mapping, typing.Mapping) or tp in (dict,):
        kv = get_args(tp)
        return {"type": "object", "additionalProperties": _schema_of(kv[1], defs) if kv else {}}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    if tp is float:
        return {"type": "number"}
    if tp is str:
        return {"type": "string"}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        name = tp.__name__
        if name not in defs:
            defs[name] = {}  # placeholder against recursion
            defs[name] = _object_schema(tp, defs)
        return {"$ref": f"#/$defs/{name}"}
    return {}


def _object_schema(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    hints = get_type_hints(cls)
    docs = _field_docs(cls)
    props = {}
    flatten = getattr(cls, "_flatten", None)  # a field whose object is merged into to_dict()
    for f in dataclasses.fields(cls):
        if f.name == flatten:
            inner = _object_schema(hints[f.name], defs)
            props.update(inner["properties"])
            continue
        s = dict(_schema_of(hints[f.name], defs))
        if f.name in docs:
            s["description"] = docs[f.name]
        props[f.name] = s
    summary = (cls.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
    return {
        "type": "object",
        "description": summary,
        "properties": props,
        "required": list(props),
    }


def json_schema(cls: type) -> dict[str, Any]:
    """The JSON Schema (2020-12) of a result dataclass's ``to_dict()`` output."""
    defs: dict[str, Any] = {}
    top = _object_schema(cls, defs)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": cls.__name__,
        **top,
        "$defs": defs,
    }
