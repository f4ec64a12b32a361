"""Algorithm settings declared once.

A frozen dataclass per algorithm whose fields carry their help text, checked on construction, read
from YAML with ``path:line`` errors.

The Python API takes the dataclass (``BradleyTerry(BradleyTerryConfig(prior=0.1))``), the CLI
generates its options from the fields (``prefkit.cli._config.config_options``), the workbench's
API takes its query defaults from it, and ``--config FILE.yaml`` reads the same fields; so a
default exists in exactly one place (``tests/test_config.py`` holds every surface to it).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar

from prefkit._yaml import line_of, load_yaml
from prefkit.errors import PrefkitError, RecordError

__all__ = [
    "check_config",
    "config_from",
    "describe",
    "fields_of",
    "load_config",
    "resolve",
    "setting",
]

C = TypeVar("C")


def setting(default: Any, help: str, *, cli: bool = True) -> Any:
    """A config field: its default and the one help text every surface shows.

    Args:
        default: the value when none is given.
        help: one sentence, shown by ``--help``, the docs and the API schema.
        cli: whether the CLI offers it as an option (off for values a flag cannot carry).
    """
    return dataclasses.field(default=default, metadata={"help": help, "cli": cli})


def _hints(cls: type) -> dict[str, Any]:
    import sys

    return typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))


def choices_of(tp: Any) -> tuple[Any, ...] | None:
    """The allowed values of a ``Literal`` (or ``Literal | None``) field, else None."""
    if typing.get_origin(tp) is Literal:
        return typing.get_args(tp)
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        for arg in typing.get_args(tp):
            if typing.get_origin(arg) is Literal:
                return typing.get_args(arg)
    return None


def check_config(config: Any, error: type[PrefkitError] = PrefkitError) -> None:
    """Raise ``error`` when a ``Literal`` field holds a value outside its choices.

    Raise ``error`` naming the field, the value and the choices when a ``Literal`` field holds
    something else (call it from ``__post_init__``).
    """
    hints = _hints(type(config))
    for f in dataclasses.fields(config):
        allowed = choices_of(hints[f.name])
        value = getattr(config, f.name)
        if callable(value):  # a Literal-or-function field holding a function
            continue
        if (
            allowed is not None
            and value not in allowed
            and not (value is None and _optional(hints[f.name]))
        ):
            raise error(
                f"unknown {f.name} {value!r}; expected one of {', '.join(map(str, allowed))}"
            )


def _optional(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, types.UnionType) and type(
        None
    ) in typing.get_args(tp)


def config_from(
    cls: type[C],
    data: Mapping[str, Any],
    *,
    what: str | None = None,
    error: type[PrefkitError] = PrefkitError,
) -> C:
    """``cls(**data)``, with an error naming unknown keys and the allowed ones."""
    known = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(data) - known)
    if unknown:
        raise error(
            f"unknown {what or cls.__name__} setting(s) {unknown}; allowed: {sorted(known)}"
        )
    return cls(**data)


def fields_of(config: Any) -> dict[str, Any]:
    """A config's fields as a mapping (shallow: a function-valued field stays itself)."""
    return {f.name: getattr(config, f.name) for f in dataclasses.fields(config)}


def resolve(
    cls: type[C],
    config: C | None,
    overrides: Mapping[str, Any],
    *,
    what: str | None = None,
    error: type[PrefkitError] = PrefkitError,
) -> C:
    """The settings an API call runs with: ``config`` (default ``cls()``) and then ``overrides``.

    The one way every algorithm takes its settings: ``f(data, config)`` or
    ``f(data, field=value)``; an unknown field is an error naming the allowed ones.
    """
    base = config if config is not None else cls()
    if not overrides:
        return base
    return config_from(cls, {**fields_of(base), **overrides}, what=what, error=error)


def load_config(cls: type[C], path: str | Path) -> C:
    """A config from a YAML mapping of its fields; errors name ``path:line``."""
    path = Path(path)
    data, node = load_yaml(path, f"{cls.__name__} file")
    if data is None:
        return cls()
    if not isinstance(data, dict):
        raise RecordError(f"a {cls.__name__} file is a mapping of settings", path=str(path), line=1)
    known = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    for key in data:
        if key not in known:
            raise RecordError(
                f"unknown setting {key!r}; allowed: {', '.join(sorted(known))}",
                path=str(path),
                line=line_of(node, (key,)),
            )
    try:
        return cls(**data)
    except (PrefkitError, TypeError, ValueError) as exc:
        key = next((k for k in data if k in str(exc)), None)
        raise RecordError(
            str(exc), path=str(path), line=line_of(node, (key,)) if key else 1
        ) from None


def describe(cls: type) -> list[dict[str, Any]]:
    """Every field: name, type, default, choices and help (for docs and ``--help``)."""
    hints = _hints(cls)
    return [
        {
            "name": f.name,
            "type": getattr(hints[f.name], "__name__", str(hints[f.name])),
            "default": f.default,
            "choices": choices_of(hints[f.name]),
            "help": f.metadata.get("help", ""),
        }
        for f in dataclasses.fields(cls)
    ]
