"""``AnalysisConfig``: every setting of :func:`prefkit.analysis.analyze`, declared once."""

from __future__ import annotations

from dataclasses import dataclass

from prefkit._config import check_config, setting
from prefkit.data import UnitSpec
from prefkit.errors import AnalysisError

__all__ = ["AnalysisConfig"]


@dataclass(frozen=True)
class AnalysisConfig:
    """The settings of an analysis; the API, ``prefkit analyze`` and the workbench use it."""

    unit: UnitSpec = setting(
        "auto",
        "What counts as one task: auto (item when every record has one, else content), item, "
        "or content (same prompt and response texts); in Python also a function of the record.",
    )
    threshold: float = setting(
        0.6, "Flag annotators below this Dawid-Skene reliability or gold accuracy."
    )
    leniency_threshold: float = setting(
        0.125,
        "Flag raters whose mean offset from the others is at least this share of the rating "
        "scale's range (0.125: half a point on 1-5), when significant.",
    )
    bootstrap: int = setting(1000, "Bootstrap resamples for the intervals of α (0: none).")
    seed: int = setting(0, "Seed of the bootstrap.")

    def __post_init__(self) -> None:
        check_config(self, AnalysisError)
        if self.bootstrap < 0 or not 0 <= self.threshold <= 1 or self.leniency_threshold < 0:
            raise AnalysisError(
                f"bootstrap ({self.bootstrap}) and leniency_threshold "
                f"({self.leniency_threshold}) must be >= 0 and threshold ({self.threshold}) "
                "between 0 and 1"
            )
