"""The leaderboard: the typed result of a Bradley-Terry fit (``prefkit rank --json``)."""

from __future__ import annotations

from dataclasses import dataclass

from prefkit._result import Result

__all__ = ["Leaderboard", "LeaderboardRow", "RatingScale"]


@dataclass(frozen=True, repr=False)
class LeaderboardRow(Result):
    """One item of a leaderboard.

    Attributes:
        item: the item (a model name, or ``prompt:response`` with ``by="prompt"``).
        rating: the rating on the Elo-like scale.
        ci: the bootstrap interval of the rating, or None without a bootstrap.
        rank: 1 + the number of items whose interval lies wholly above this one's (without a
            bootstrap: the position by rating).
        theta: the log-strength.
        wins: comparisons won (a ranking counts every item placed below).
        losses: comparisons lost.
        ties: comparisons tied.
        games: wins + losses + ties.
        group: the connected group of items the rating is comparable within.
    """

    item: str
    rating: float
    ci: tuple[float, float] | None
    rank: int
    theta: float
    wins: int
    losses: int
    ties: int
    games: int
    group: int

    _repr_fields = ("item", "rating", "rank", "games")


@dataclass(frozen=True, repr=False)
class RatingScale(Result):
    """rating = scale · log_base(odds) + offset, with ``anchor`` pinned to ``offset``.

    Attributes:
        scale: points per factor of ``base`` in the odds (Elo: 400).
        base: the base of the logarithm (Elo: 10).
        offset: the rating of an average item, or of the anchor (Elo: 1000).
        anchor: the item pinned to ``offset``, or None.
    """

    scale: float
    base: float
    offset: float
    anchor: str | None


@dataclass(frozen=True, repr=False)
class Leaderboard(Result):
    """Bradley-Terry ratings with bootstrap intervals, best first.

    Attributes:
        items: items rated.
        comparisons: pairwise comparisons fitted.
        rankings: whole rankings fitted (Plackett-Luce).
        groups: groups of items never compared across.
        ties: the tie policy (half, davidson, rao-kupper or drop).
        tie_parameter: Davidson's ν or Rao-Kupper's θ, when one group has ties; else None.
        tie_parameters: the tie parameter of each group (by group number).
        prior: the L2 prior asked for.
        priors_applied: groups where a weak prior had to be applied, and its strength.
        style_control: whether style covariates were fitted.
        style_coefficients: the style effects, or None.
        log_likelihood: at the fitted ratings.
        bootstrap: bootstrap rounds.
        cluster: what was resampled (none, prompt or annotator).
        confidence: the intervals' level.
        scale: the rating scale.
        skipped: what was left out, by reason.
        warnings: caveats to read.
        rows: the items, best first.
        by: ``model`` or ``prompt``, when fitted from records.
        source: where the judgments came from, when known.
        campaign: the campaign, when one.
    """

    items: int
    comparisons: int
    rankings: int
    groups: int
    ties: str
    tie_parameter: float | None
    tie_parameters: dict[str, float]
    prior: float
    priors_applied: dict[str, float]
    style_control: bool
    style_coefficients: dict[str, float] | None
    log_likelihood: float
    bootstrap: int
    cluster: str
    confidence: float
    scale: RatingScale
    skipped: dict[str, int]
    warnings: tuple[str, ...]
    rows: tuple[LeaderboardRow, ...]
    by: str | None = None
    source: str | None = None
    campaign: str | None = None

    def __repr__(self) -> str:
        top = ", ".join(f"{r.item} {r.rating:.0f}" for r in self.rows[:3])
        return (
            f"Leaderboard({self.items} items, {self.comparisons} comparisons, "
            f"{self.rankings} rankings; top: {top}{' …' if self.items > 3 else ''})"
        )

    def row(self, item: str) -> LeaderboardRow:
        """The row of one item."""
        for r in self.rows:
            if r.item == item:
                return r
        raise KeyError(f"no item {item!r}; items: {[r.item for r in self.rows[:10]]}")
