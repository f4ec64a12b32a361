"""How far to trust the labels: agreement and annotator reliability on the bundled SQuALITY."""

from prefkit.analysis import analyze
from prefkit.data import read_records, sample_paths

squality = next(p for p in sample_paths() if "squality" in p.name)
records = read_records(squality)
report = analyze(records, bootstrap=200)
pref = report["agreement"]["preference"]
print(f"{report['records']} judgments; raw agreement {pref['raw']['value']:.3f}")
for criterion, fig in report["agreement"]["ratings"].items():
    alpha = fig["alpha_interval"]
    low, high = alpha["ci"]
    print(f"{criterion}: interval alpha {alpha['value']:.3f}, 95 % CI [{low:.3f}, {high:.3f}]")
for row in report["reliability"]["annotators"]:
    print(row["annotator"], f"Dawid-Skene reliability {row['dawid_skene_reliability']:.2f}")
