"""CLI options generated from a config dataclass's fields (``prefkit._config``).

``@config_options(BradleyTerryConfig)`` gives a command one ``--field-name`` option per field
(its help and default from the field) and ``--config FILE.yaml``, and calls it with
``config=`` the merged settings: the file first, then any option given on the command line.
"""

from __future__ import annotations

import dataclasses
import inspect
import sys
import types
import typing
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from prefkit._config import choices_of, load_config

__all__ = ["config_options"]


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "none" if value is None else str(value)


def _option(name: str, tp: Any, field: dataclasses.Field[Any]) -> tuple[Any, str]:
    flag = "--" + name.replace("_", "-")
    help_text = field.metadata.get("help", "")
    choices = choices_of(tp)
    base: Any
    if choices is not None:
        option = typer.Option(flag, help=help_text, show_default=_shown(field.default))
        return Annotated[Literal[choices] | None, option], flag
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    base = args[0] if typing.get_origin(tp) in (typing.Union, types.UnionType) else tp
    if base is bool:
        option = typer.Option(
            f"{flag}/--no-{flag[2:]}", help=help_text, show_default=_shown(field.default)
        )
    else:
        option = typer.Option(flag, help=help_text, show_default=_shown(field.default))
    return Annotated[base | None, option], flag


def config_options(
    cls: type, *, skip: Iterable[str] = ()
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a command whose last parameter is ``config``: generate the options of ``cls``.

    Args:
        cls: the config dataclass.
        skip: fields the command does not offer (the command sets them itself).
    """
    skipped = set(skip)
    hints = typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))
    fields = [
        f for f in dataclasses.fields(cls) if f.name not in skipped and f.metadata.get("cli", True)
    ]

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        sig = inspect.signature(fn, eval_str=True)
        own = [p for p in sig.parameters.values() if p.name != "config"]
        taken = {p.name for p in own}
        generated = []
        for f in fields:
            if f.name in taken:
                raise TypeError(f"{fn.__name__} already has a parameter {f.name!r}")
            annotation, _ = _option(f.name, hints[f.name], f)
            generated.append(
                inspect.Parameter(
                    f.name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation
                )
            )
        config_param = inspect.Parameter(
            "config_file",
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=Annotated[
                Path | None,
                typer.Option(
                    "--config",
                    help=f"A YAML file of {cls.__name__} settings; options given here win.",
                    show_default=False,
                ),
            ],
        )
        names = {f.name for f in fields}

        def command(**kwargs: Any) -> Any:
            path = kwargs.pop("config_file")
            given = {k: kwargs.pop(k) for k in list(kwargs) if k in names}
            base = load_config(cls, path) if path is not None else cls()
            chosen = {k: v for k, v in given.items() if v is not None}
            config = dataclasses.replace(base, **chosen) if chosen else base
            return fn(**kwargs, config=config)

        params = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own]
        command.__signature__ = sig.replace(  # type: ignore[attr-defined]
            parameters=[*params, *generated, config_param]
        )
        command.__annotations__ = {
            p.name: p.annotation for p in [*params, *generated, config_param]
        }
        command.__name__ = fn.__name__
        command.__qualname__ = fn.__qualname__
        command.__doc__ = fn.__doc__
        command.__module__ = fn.__module__
        return command

    return decorate
