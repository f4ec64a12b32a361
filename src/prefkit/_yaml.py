"""YAML files whose errors name ``path:line``: load with the node tree, find the line of a field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from prefkit.errors import RecordError

__all__ = ["line_of", "load_yaml", "parse_yaml"]


def load_yaml(path: Path, what: str) -> tuple[Any, Any]:
    """The parsed document and its node tree; bad YAML raises ``RecordError`` with the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RecordError(f"cannot read the {what}: {exc.strerror}", path=str(path)) from None
    return parse_yaml(text, str(path))


def parse_yaml(text: str, path: str) -> tuple[Any, Any]:
    """``load_yaml`` for text (``path`` names it in errors, e.g. a form field)."""
    try:
        return yaml.safe_load(text), yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RecordError(
            f"invalid YAML: {getattr(exc, 'problem', exc)}",
            path=path,
            line=mark.line + 1 if mark else None,
        ) from None


def line_of(node: Any, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the deepest node found along ``loc`` (keys and list indices)."""
    line = None
    for part in loc:
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == str(part)), None)
            if node is None:  # an unknown key: point at the mapping that holds it
                return line
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            node = node.value[part]
        else:
            break
    if node is not None:
        line = node.start_mark.line + 1
    return line
