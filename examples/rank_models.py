"""Rank systems from preferences: a Bradley-Terry leaderboard with bootstrap intervals."""

from prefkit.data import read_records, sample_paths
from prefkit.ranking import fit_bradley_terry

squality = next(p for p in sample_paths() if "squality" in p.name)
records = read_records(squality)  # pairwise judgments between bart, bart-dpr and human summaries
bt = fit_bradley_terry(records, by="model", bootstrap=1000, cluster="annotator")
print(f"{len(records)} judgments, {len(bt.comparisons_)} comparisons")
for row in bt.leaderboard():
    low, high = row["ci"]
    print(f"#{row['rank']} {row['item']:10} {row['rating']:6.0f}  [{low:.0f}, {high:.0f}]")
for warning in bt.warnings_:
    print("note:", warning)
