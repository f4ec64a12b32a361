"""Best-of-N with SmolLM2 and the default rule set: sample 4, keep the best, export for TRL."""

import json
import sys
from pathlib import Path

from prefkit.models import load_generator
from prefkit.optimize import best_of_n
from prefkit.rewards import load_rules

out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
prompts = ["Give one tip for sleeping better.", "What is a prime number?"]
res = best_of_n(prompts, load_generator("smollm2"), load_rules(), n=4, max_new_tokens=32)
for p in res.prompts:
    print(f"best of {len(p.completions)} distinct: {p.scores[0]:+.2f} {p.best[:50]!r}")
pairs, ties = res.preference_rows()  # best vs worst, for train_dpo or TRL's DPOTrainer
(out / "pairs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in pairs))
print(
    f"mean {res.mean_score:+.3f}, mean best {res.mean_best:+.3f}; {len(pairs)} pairs, {ties} ties"
)
