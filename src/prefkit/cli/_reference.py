"""The CLI reference page (``docs/cli.md``), generated from every command's ``--help``.

``python -m prefkit.cli._reference docs/cli.md`` writes it; ``tests/test_docs.py`` fails when
the page is stale, so the reference cannot drift from the commands.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

__all__ = ["cli_reference", "command_paths"]

WIDTH = 100


def command_paths() -> list[list[str]]:
    """Every command and command group, as the words typed after ``prefkit``."""
    import typer

    from prefkit.cli import app

    root: Any = typer.main.get_command(app)
    out: list[list[str]] = []

    def walk(cmd: Any, path: list[str]) -> None:
        out.append(path)
        for name in sorted(getattr(cmd, "commands", {}) or {}):
            walk(cmd.commands[name], [*path, name])

    walk(root, [])
    return out


def cli_reference() -> str:
    """The Markdown page: one section per command with its ``--help`` text."""
    from typer.testing import CliRunner

    from prefkit.cli import app

    runner = CliRunner()
    env = {"COLUMNS": str(WIDTH), "TERM": "dumb", "NO_COLOR": "1"}
    parts = [
        "# CLI reference",
        "",
        "Generated from `prefkit … --help` by `python -m prefkit.cli._reference docs/cli.md`",
        "(a test fails when this page is stale). Options that belong to an algorithm come from",
        "its config dataclass (see [Configs](configs.md)); every such command also takes",
        "`--config FILE.yaml`.",
        "",
    ]
    for path in command_paths():
        res = runner.invoke(app, [*path, "--help"], env=env, terminal_width=WIDTH)
        if res.exit_code != 0:
            raise RuntimeError(f"prefkit {' '.join(path)} --help failed: {res.output}")
        text = "\n".join(line.rstrip() for line in res.output.strip("\n").splitlines())
        title = " ".join(["prefkit", *path])
        parts += [f"## `{title}`", "", "```text", text, "```", ""]
    return "\n".join(parts)


if __name__ == "__main__":  # pragma: no cover
    Path(sys.argv[1] if len(sys.argv) > 1 else "docs/cli.md").write_text(cli_reference(), "utf-8")
