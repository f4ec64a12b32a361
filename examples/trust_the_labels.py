"""How far to trust the labels: agreement and annotator reliability on the bundled SQuALITY."""

from prefkit.analysis import analyze
from prefkit.data import read_records, sample_paths

squality = next(p for p in sample_paths() if "squality" in p.name)
report = analyze(read_records(squality), bootstrap=200)  # unit: SQuALITY's passage + question
print(f"{report.records} judgments over {report.units.units} units ({report.units.unit_key})")
print(f"preferences: raw agreement {report.preferences.raw.value:.3f}")
for c in report.ratings:
    a = c.alpha_interval
    assert a is not None and a.value is not None and a.ci is not None
    print(f"{c.criterion}: interval alpha {a.value:.3f}, 95 % CI [{a.ci[0]:.3f}, {a.ci[1]:.3f}]")
for w in report.warnings[:3]:
    print("warning:", w.message)
