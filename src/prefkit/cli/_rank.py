"""``prefkit rank``: a leaderboard from preferences.

``--json`` prints ``Leaderboard.to_dict()``, whose JSON Schema is ``docs/schemas/leaderboard.json``
(generated from the class).
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Annotated

import typer

from prefkit.cli._common import (
    DbOption,
    JsonOption,
    console,
    load_judgments,
    print_json,
    styled,
)
from prefkit.cli._config import config_options
from prefkit.errors import PrefkitError, PrefkitWarning
from prefkit.ranking import BradleyTerryConfig

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    app.command("rank")(rank)


@config_options(BradleyTerryConfig)
def rank(
    path: Annotated[
        Path | None, typer.Argument(help="A judgment file (any import format); else the store.")
    ] = None,
    db: DbOption = None,
    campaign: Annotated[
        str | None, typer.Option("--campaign", help="Only this campaign (store).")
    ] = None,
    by: Annotated[
        str,
        typer.Option(
            "--by", help="model (Response.model) or prompt (responses within each prompt)."
        ),
    ] = "model",
    html_out: Annotated[
        Path | None, typer.Option("--html", help="Write the leaderboard with its plot here.")
    ] = None,
    as_json: JsonOption = False,
    config: BradleyTerryConfig = BradleyTerryConfig(),
) -> None:
    """Bradley-Terry leaderboard with bootstrap intervals (Plackett-Luce for rankings)."""
    from prefkit.ranking import BradleyTerry, leaderboard_html

    if by not in ("model", "prompt"):
        raise PrefkitError(f"unknown --by {by!r}; expected model or prompt")
    records, source = load_judgments(path, db, campaign)
    with warnings.catch_warnings():  # printed below from the leaderboard's own list
        warnings.simplefilter("ignore", PrefkitWarning)
        model = BradleyTerry(config).fit(records, by=by)  # type: ignore[arg-type]
    board = model.leaderboard(by=by, source=source, campaign=campaign)
    if html_out is not None:
        html_out.parent.mkdir(parents=True, exist_ok=True)
        html_out.write_text(
            leaderboard_html(board, title=f"prefkit leaderboard: {campaign or source}"), "utf-8"
        )
    if as_json:
        print_json(board.to_dict())
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title=f"{board.comparisons} comparisons, {board.rankings} rankings, {board.items} items"
    )
    for col in ("rank", "item", "rating", "95% CI", "W", "L", "T", "games"):
        table.add_column(col, justify="left" if col == "item" else "right")
    for r in board.rows[:200]:
        ci = f"{r.ci[0]:.0f} – {r.ci[1]:.0f}" if r.ci else "–"
        table.add_row(
            str(r.rank),
            Text(r.item),  # a name from data is never markup
            f"{r.rating:.0f}",
            ci,
            str(r.wins),
            str(r.losses),
            str(r.ties),
            str(r.games),
        )
    console.print(table)
    for w in board.warnings:
        console.print(styled(("note:", "yellow"), " ", str(w)))
    if html_out is not None:
        console.print(f"leaderboard: {html_out}", highlight=False)
