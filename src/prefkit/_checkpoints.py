"""TRL checkpoints a run may resume from, shared by every trainer (reward models, policies)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["complete_checkpoints"]


def complete_checkpoints(folder: Path) -> list[Path]:
    """Checkpoints the trainer finished (it writes ``trainer_state.json`` last), oldest first."""
    done = [p for p in folder.glob("checkpoint-*") if (p / "trainer_state.json").is_file()]
    return sorted(done, key=lambda p: int(p.name.split("-")[1]))
