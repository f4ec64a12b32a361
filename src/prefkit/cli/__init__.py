"""The ``prefkit`` command: a thin typer layer over the Python API, one module per group."""

from __future__ import annotations

import sys

import typer

from prefkit.cli import _analyze, _annotate, _data, _models, _optimize, _rank, _rm, _rules
from prefkit.cli._common import console_err, styled
from prefkit.errors import PrefkitError

__all__ = ["app", "main"]

app = typer.Typer(
    name="prefkit",
    help="RLHF and preference modeling: collect, trust, model, optimize and evaluate preferences.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
_data.register(app)
_annotate.register(app)
_analyze.register(app)
_rank.register(app)
_rules.register(app)
_rm.register(app)
_models.register(app)
_optimize.register(app)


def main() -> None:
    """Console entry point: prefkit's own errors become one clear line and exit status 1."""
    try:
        app(standalone_mode=False)
    except PrefkitError as exc:
        console_err.print(styled(("error:", "bold red"), " ", str(exc)))
        sys.exit(1)
    except typer.Abort:
        sys.exit(130)
    except typer.TyperException as exc:  # usage errors: a bad option or value (typer's click)
        show = getattr(exc, "show", None)
        if show is None:
            raise
        show()
        sys.exit(int(getattr(exc, "exit_code", 2)))
