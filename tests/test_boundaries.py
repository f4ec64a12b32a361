"""Packages import each other only through public names (the layers are import-linter's job).

``prefkit.X`` may import its own ``prefkit.X._module`` and the root's shared helpers
(``prefkit._json``, ``prefkit._yaml``...), never ``prefkit.Y._module`` for another package ``Y``.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"


def private_imports(path: Path, root: Path = SRC) -> list[str]:
    """``path:line module`` for each import of another package's private module."""
    parts = path.relative_to(root).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    own = parts[:2]  # ("prefkit", "X"), or ("prefkit",) for a root module
    here = parts if path.name == "__init__.py" else parts[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.ImportFrom):
            base = list(here[: len(here) - node.level + 1]) if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            names = [module, *(f"{module}.{a.name}" for a in node.names)]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        for name in names:
            dotted = name.split(".")
            for i, piece in enumerate(dotted):
                if piece.startswith("_") and not piece.startswith("__"):
                    owner = tuple(dotted[:i])
                    if dotted[0] == "prefkit" and owner not in (("prefkit",), own):
                        found.append(f"{path}:{node.lineno} {name}")
                    break
    return found


def test_no_package_imports_another_packages_private_module() -> None:
    bad = [hit for path in sorted(SRC.rglob("*.py")) for hit in private_imports(path)]
    assert bad == [], "import these through the package's public names:\n" + "\n".join(bad)


def test_layers_hold() -> None:
    """The import-linter contracts in pyproject.toml (also run by ``make lint``)."""
    lint = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run(
        [str(lint)], cwd=SRC.parent, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("source", "flagged"),
    [
        ("from prefkit.rewards._report import rules_html\n", True),
        ("from prefkit.rewards import rules_html\n", False),
        ("import prefkit.data._trl\n", True),
        ("from prefkit._json import dumps\n", False),  # the root's shared helpers
        ("from prefkit.analysis._tables import CodeTable\n", False),  # its own package
        ("from ._tables import CodeTable\n", False),  # relative, its own package
        ("from ..data._trl import TIE_POLICIES\n", True),  # relative, another package
    ],
)
def test_the_check_itself(tmp_path: Path, source: str, flagged: bool) -> None:
    module = tmp_path / "prefkit" / "analysis" / "_x.py"
    module.parent.mkdir(parents=True)
    module.write_text(source, encoding="utf-8")
    assert bool(private_imports(module, tmp_path)) is flagged


_FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]+")


def cli_flags_in_errors(path: Path) -> list[str]:
    """``path:line flag`` for each CLI flag in the message of a ``raise`` (the library speaks in
    parameter names; only ``prefkit.cli`` knows its flags). A ``pip install`` hint may keep pip's."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Raise) and node.exc is not None:
            for part in ast.walk(node.exc):
                text = part.value if isinstance(part, ast.Constant) else None
                if isinstance(text, str) and "pip install" not in text:  # pip's flags are pip's
                    found += [f"{path}:{part.lineno} {m}" for m in _FLAG.findall(part.value)]
    return found


def test_library_errors_never_mention_cli_flags() -> None:
    lib = [p for p in sorted(SRC.rglob("*.py")) if "cli" not in p.relative_to(SRC).parts]
    bad = [hit for path in lib for hit in cli_flags_in_errors(path)]
    assert bad == [], "name the Python parameter instead:\n" + "\n".join(bad)


def test_the_flag_check_itself(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        'raise ValueError(f"use --ties half, not {x}")\nmsg = "--fine outside a raise"\n'
        "raise ValueError(\"ties='half'; pip install --no-deps x\")\n",
        encoding="utf-8",
    )
    assert cli_flags_in_errors(module) == [f"{module}:1 --ties"]


def test_every_exception_class_lives_in_prefkit_errors() -> None:
    import importlib
    import inspect
    import pkgutil

    import prefkit

    stray = []
    for info in pkgutil.walk_packages(prefkit.__path__, "prefkit."):
        if info.name.startswith("prefkit.cli") or info.name.endswith(("__main__", "_reader")):
            continue
        try:
            module = importlib.import_module(info.name)
        except ImportError:  # an extra not installed (the install test covers that)
            continue
        for name, obj in vars(module).items():
            exc = inspect.isclass(obj) and issubclass(obj, BaseException)
            if exc and obj.__module__ == info.name and info.name != "prefkit.errors":
                stray.append(f"{info.name}.{name}")
    assert stray == [], f"move these to prefkit.errors: {stray}"
