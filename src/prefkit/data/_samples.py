"""The sample data shipped inside the package (see ``samples/ATTRIBUTION.md``)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["sample_paths"]


def sample_paths() -> list[Path]:
    """Paths of the bundled sample files: HH-RLHF pairs and the SQuALITY human evaluation."""
    folder = resources.files("prefkit.data") / "samples"
    return sorted(Path(str(p)) for p in folder.iterdir() if str(p).endswith(".jsonl.gz"))
