"""``BradleyTerryConfig``: every setting of :class:`BradleyTerry`, declared once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from prefkit._config import check_config, setting
from prefkit.errors import RankingError

__all__ = ["BradleyTerryConfig"]

Ties = Literal["half", "davidson", "rao-kupper", "drop"]
Cluster = Literal["auto", "none", "prompt", "annotator"]


@dataclass(frozen=True)
class BradleyTerryConfig:
    """The settings of a Bradley-Terry fit; the API, ``prefkit rank`` and the workbench use it.

    ``BradleyTerry(BradleyTerryConfig(prior=0.1))``, ``BradleyTerry(prior=0.1)`` and
    ``prefkit rank --prior 0.1`` (or ``--config bt.yaml`` holding ``prior: 0.1``) are the same.
    """

    ties: Ties = setting(
        "half",
        "How ties count: half (half a win, as Chatbot Arena), davidson, rao-kupper, or drop.",
    )
    prior: float = setting(0.0, "L2 prior λ/2·|θ|² on the log-strengths (0: maximum likelihood).")
    style_control: bool = setting(
        False, "Fit length and markdown covariates and report ratings with their effect at zero."
    )
    listwise: bool = setting(
        True, "Fit rankings with Plackett-Luce instead of splitting them into pairs."
    )
    identify: Literal["auto", "error"] = setting(
        "auto",
        "When the maximum likelihood does not exist: auto (fit each connected group apart, a "
        "small prior where an item never loses or never wins, with a warning) or error.",
    )
    bootstrap: int = setting(1000, "Bootstrap rounds for the intervals (0: none).")
    cluster: Cluster = setting(
        "auto",
        "What a bootstrap round resamples: prompt or annotator (all their comparisons "
        "together), none (single comparisons), or auto (prompt when the data has prompt ids).",
    )
    confidence: float = setting(0.95, "Coverage of the percentile intervals.")
    anchor: str | None = setting(None, "An item whose rating is set to the offset.")
    scale: float = setting(400.0, "Rating = scale · log_base(odds) + offset (Elo-like: 400).")
    base: float = setting(10.0, "The base of the rating's logarithm (Elo-like: 10).")
    offset: float = setting(1000.0, "The rating of an average item (or of the anchor).")
    seed: int = setting(0, "Seed of the bootstrap.")

    def __post_init__(self) -> None:
        check_config(self, RankingError)
        if self.prior < 0 or self.bootstrap < 0 or not 0 < self.confidence < 1:
            raise RankingError(
                f"prior ({self.prior}) and bootstrap ({self.bootstrap}) must be >= 0 and "
                f"confidence ({self.confidence}) between 0 and 1"
            )
        if self.style_control and self.ties in ("davidson", "rao-kupper"):
            raise RankingError("style control fits ties as half a win; use ties='half' with it")
        if self.scale <= 0 or self.base <= 1:
            raise RankingError(f"scale ({self.scale}) must be > 0 and base ({self.base}) > 1")
