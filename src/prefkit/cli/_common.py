"""Options and helpers shared by the CLI command groups."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from prefkit.errors import PrefkitError

__all__ = [
    "CampaignOption",
    "DbOption",
    "FileArg",
    "JsonOption",
    "console",
    "console_err",
    "load_judgments",
    "print_json",
    "styled",
]

# Data never restyles output: names, values and paths may contain "[...]", so Rich markup and
# highlighting are off; styled words are passed as ``rich.text.Text`` pieces instead.
console = Console(markup=False, highlight=False)
console_err = Console(stderr=True, markup=False, highlight=False)


def styled(*parts: str | tuple[str, str]) -> Any:
    """A line from plain strings and (text, style) pieces, never parsed as markup."""
    from rich.text import Text

    return Text.assemble(*parts)


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


FileArg = Annotated[
    Path | None, typer.Argument(help="A judgment file (any import format); else the store.")
]
CampaignOption = Annotated[
    str | None, typer.Option("--campaign", help="Only this campaign's judgments (store).")
]


def load_judgments(
    paths: Path | Sequence[Path] | None, db: str | None, campaign: str | None
) -> tuple[list[Any], str]:
    """``prefkit.data.load_judgments`` with the CLI's flag names in its one error."""
    from prefkit.data import load_judgments as load

    if paths and campaign is not None:
        raise PrefkitError("--campaign selects from the store; drop PATH or --campaign")
    return load(paths, db=db, campaign=campaign)
