"""Optional dependencies: a clear error naming the extra when one is missing.

The core install (store, importers, analysis, ranking, rules, the workbench) needs no PyTorch;
``prefkit[models]`` adds local models and embedding reward models, ``prefkit[train]`` adds TRL
training on top.
"""

from __future__ import annotations

import importlib.util
from functools import cache

from prefkit.errors import MissingExtraError

__all__ = ["EXTRAS", "require"]

EXTRAS = {  # the extra that provides each optional top-level module
    "torch": "models",
    "transformers": "models",
    "sentence_transformers": "models",
    "gguf": "models",
    "accelerate": "models",
    "trl": "train",
    "peft": "train",
}


@cache
def _missing(module: str) -> bool:
    return importlib.util.find_spec(module) is None


def require(*modules: str, what: str) -> None:
    """Raise :class:`MissingExtraError` if any of ``modules`` is not installed.

    Args:
        modules: top-level module names (``"torch"``, ``"trl"``).
        what: the feature that needs them, for the message (``"local models"``).
    """
    missing = [m for m in modules if _missing(m)]
    if missing:
        extra = max((EXTRAS.get(m, "models") for m in missing), key=["models", "train"].index)
        raise MissingExtraError(
            f"{what} need(s) {', '.join(missing)}, which is not installed; "
            f"install it with: pip install 'prefkit[{extra}]'"
        )
