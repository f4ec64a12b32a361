"""Options and helpers shared by the CLI command groups."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console

__all__ = ["DbOption", "JsonOption", "console", "console_err", "print_json"]

console = Console()
console_err = Console(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (sqlite:///file.db or postgresql://…). "
        "Default: $PREFKIT_DATABASE_URL, else sqlite:///./prefkit.db.",
        show_default=False,
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print one JSON object (documented schema) instead of text.")
]


def print_json(obj: Any) -> None:
    typer.echo(json.dumps(obj, indent=2, ensure_ascii=False))
