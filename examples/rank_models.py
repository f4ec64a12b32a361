"""Rank systems from preferences: a Bradley-Terry leaderboard with bootstrap intervals."""

from prefkit.data import read_records, sample_paths
from prefkit.ranking import BradleyTerry

squality = next(p for p in sample_paths() if "squality" in p.name)
records = read_records(squality)  # pairwise judgments between bart, bart-dpr and human summaries
board = BradleyTerry(bootstrap=1000, cluster="annotator").fit(records, by="model").leaderboard()
print(f"{len(records)} judgments, {board.comparisons} comparisons")
for row in board.rows:
    low, high = row.ci or (row.rating, row.rating)
    print(f"#{row.rank} {row.item:10} {row.rating:6.0f}  [{low:.0f}, {high:.0f}]")
for warning in board.warnings:
    print("note:", warning)
