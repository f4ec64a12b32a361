"""Rank systems from preferences.

Bradley-Terry (ties, priors, style control), Plackett-Luce, bootstrap intervals by comparison,
prompt or annotator, and leaderboards.
"""

from prefkit.ranking._bt import Pairs, aggregate, fit_pairs, loglik_pairs
from prefkit.ranking._config import BradleyTerryConfig
from prefkit.ranking._data import Outcomes, RankingError, Rankings, outcomes_from_records
from prefkit.ranking._estimator import UNIDENTIFIED_PRIOR, BradleyTerry, fit_bradley_terry
from prefkit.ranking._leaderboard import leaderboard, leaderboard_html
from prefkit.ranking._models import fit_joint, fit_style, loglik_rankings
from prefkit.ranking._results import Leaderboard, LeaderboardRow, RatingScale

__all__ = [
    "UNIDENTIFIED_PRIOR",
    "BradleyTerry",
    "BradleyTerryConfig",
    "Leaderboard",
    "LeaderboardRow",
    "Outcomes",
    "Pairs",
    "RankingError",
    "Rankings",
    "RatingScale",
    "aggregate",
    "fit_bradley_terry",
    "fit_joint",
    "fit_pairs",
    "fit_style",
    "leaderboard",
    "leaderboard_html",
    "loglik_pairs",
    "loglik_rankings",
    "outcomes_from_records",
]
