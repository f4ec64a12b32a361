"""The console entry point itself (``prefkit.cli.main``), run as users run it: a process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def prefkit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    code = "import sys; from prefkit.cli import main; sys.argv = ['prefkit', *sys.argv[1:]]; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


@pytest.mark.slow
def test_main_turns_errors_into_one_line_and_an_exit_status(tmp_path: Path) -> None:
    ok = prefkit("--help", cwd=tmp_path)
    assert ok.returncode == 0 and "rank" in ok.stdout
    missing = prefkit("rank", "nothing.jsonl", cwd=tmp_path)  # a PrefkitError
    assert missing.returncode == 1
    assert missing.stderr.strip() == "error: nothing.jsonl: no such file or folder"
    bad = prefkit("rank", "--ties", "maybe", cwd=tmp_path)  # a usage error, from typer's click
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "Invalid value for '--ties'" in bad.stderr and "'half'" in bad.stderr
    unknown = prefkit("rank", "--nope", cwd=tmp_path)
    assert unknown.returncode == 2 and "No such option: --nope" in unknown.stderr
