"""Rank systems from preferences.

Bradley-Terry (ties, priors, style control), Plackett-Luce, bootstrap intervals by comparison,
prompt or annotator, and leaderboards.
"""

from prefkit.ranking._config import BradleyTerryConfig
from prefkit.ranking._data import Outcomes, RankingError, Rankings, outcomes_from_records
from prefkit.ranking._estimator import UNIDENTIFIED_PRIOR, BradleyTerry
from prefkit.ranking._leaderboard import leaderboard_html
from prefkit.ranking._results import Leaderboard, LeaderboardRow, RatingScale

__all__ = [
    "UNIDENTIFIED_PRIOR",
    "BradleyTerry",
    "BradleyTerryConfig",
    "Leaderboard",
    "LeaderboardRow",
    "Outcomes",
    "RankingError",
    "Rankings",
    "RatingScale",
    "leaderboard_html",
    "outcomes_from_records",
]
