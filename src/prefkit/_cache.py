"""Where prefkit keeps what it computes once: converted models, embeddings, responses."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["default_cache_dir"]


def default_cache_dir() -> Path:
    """``PREFKIT_CACHE``, else ``~/.cache/prefkit``."""
    return Path(os.environ.get("PREFKIT_CACHE") or Path.home() / ".cache" / "prefkit")
