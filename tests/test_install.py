"""The core install needs no PyTorch: with torch, transformers, TRL and the rest made
unimportable, the core packages import, the main CLI commands run, and a feature that needs an
extra fails with the `pip install 'prefkit[...]'` line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BLOCK = """
import sys
BLOCK = {"torch", "transformers", "trl", "sentence_transformers", "accelerate", "peft", "gguf"}
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCK:
            raise ImportError(f"{name} is not installed (blocked by the test)")
sys.meta_path.insert(0, Block())
import importlib.util
_real = importlib.util.find_spec
importlib.util.find_spec = lambda n, *a: None if n.split(".")[0] in BLOCK else _real(n, *a)
"""


def run(code: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", BLOCK + code], capture_output=True, text=True, cwd=tmp, timeout=300
    )


def test_the_core_works_without_torch(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'core.db'}"
    code = f"""
import prefkit.data, prefkit.analysis, prefkit.ranking, prefkit.rewards, prefkit.annotate
from typer.testing import CliRunner
from prefkit.cli import app
for args in (["import", "--sample"], ["analyze"], ["rank"], ["rules", "eval", "--help"]):
    r = CliRunner().invoke(app, [*args, "--db", {db!r}] if args[-1] != "--help" else args)
    assert r.exit_code == 0, (args, r.output, r.exception)
assert "torch" not in sys.modules and "transformers" not in sys.modules
print("core ok")
"""
    r = run(code, tmp_path)
    assert r.returncode == 0 and "core ok" in r.stdout, r.stderr[-3000:]


def test_a_missing_extra_names_the_pip_command(tmp_path: Path) -> None:
    code = """
from prefkit.errors import MissingExtraError, PrefkitError
from prefkit.models import LocalGenerator
from prefkit.rewards import EmbeddingRewardModel
try:
    LocalGenerator("/nowhere")
except MissingExtraError as exc:
    assert isinstance(exc, PrefkitError)
    print(exc)
try:
    EmbeddingRewardModel().fit([])
except MissingExtraError as exc:
    print(exc)
"""
    r = run(code, tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    lines = r.stdout.splitlines()
    assert len(lines) == 2
    assert "local models need(s) torch, transformers" in lines[0]
    assert "pip install 'prefkit[models]'" in lines[0]
    assert "embedding reward models" in lines[1] and "prefkit[models]" in lines[1]


def test_the_cli_starts_without_the_heavy_modules(tmp_path: Path) -> None:
    """`prefkit --help` stays quick: loading the CLI imports no scipy.stats/optimize, FastAPI,
    torch or transformers (they are imported where a command needs them). Measured with
    `python -X importtime -c "import prefkit.cli"`: 2.05 s with scipy at load, 0.40 s without."""
    code = """
import prefkit.cli
heavy = sorted(m for m in ("scipy.stats", "scipy.optimize", "scipy.linalg", "fastapi", "torch",
                           "transformers") if m in sys.modules)
assert not heavy, heavy
print("light")
"""
    r = run(code, tmp_path)
    assert r.returncode == 0 and "light" in r.stdout, r.stderr[-3000:]
