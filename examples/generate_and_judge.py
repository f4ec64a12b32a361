"""Generate two answers with SmolLM2, let a rule set judge them, and check that judge on humans."""

from prefkit.data import read_records, sample_paths
from prefkit.models import RewardJudge, judge_eval, load_generator
from prefkit.rewards import load_rules

gen = load_generator("smollm2")  # offline; responses cached in ~/.cache/prefkit
question = "How do I keep basil fresh?"
a, b = gen.generate([question], n=2, max_new_tokens=40, temperature=0.8, seed=1)[0]
judge = RewardJudge(load_rules())  # any reward function is a judge
verdict = judge.judge(question, a, b)
print(f"A: {a!r}\nB: {b!r}\nthe rules prefer {verdict.preference}: {verdict.rationale}")
hh = [r for p in sample_paths() if "hh-rlhf" in p.name for r in read_records(p)]
res = judge_eval(judge, hh)
print(f"on {res['pairs']} human judgments: accuracy {res['accuracy']:.1%}, "
      f"prefers the longer {res['prefers_longer']['rate']:.1%}")  # fmt: skip
