"""A rule-based reward checked against human preferences, beside the baselines."""

from prefkit.data import read_records, sample_paths
from prefkit.rewards import evaluate_reward, load_rules

hh = [r for p in sample_paths() if "hh-rlhf" in p.name for r in read_records(p)]
rules = load_rules()  # the bundled default set; a TRL reward function as it is
result = evaluate_reward(rules, hh, failures=1)  # a RewardEvaluation
print(f"{result.pairs} judgments: rules {result.accuracy:.1%}")
for name, base in result.baselines.items():
    acc = base.accuracy
    print(f"  baseline {name}: {'n/a' if acc is None else format(acc, '.1%')}")
worst = result.failures[0]
gaps = {c.rule: round(c.rejected - c.chosen, 3) for c in worst.contributions}
print("worst miss:", worst.id, gaps)
