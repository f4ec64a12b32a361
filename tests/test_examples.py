"""Every runnable example under examples/ runs, prints what it claims, and warns of nothing."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.py"))

# what each example must print: figures fixed by the bundled data (SQuALITY's published α, the
# sample's counts) exactly, and figures of a generated text by their shape
EXPECTED = {
    "annotate_by_api.py": [r"^demo-a1 stored; 1 judgments in campaign 'demo'$"],
    "best_of_n.py": [
        r"^best of [1-4] distinct: [+-]\d\.\d\d ['\"].+['\"]$",
        r"^mean [+-]\d\.\d{3}, mean best [+-]\d\.\d{3}; [0-2] pairs, [0-2] ties$",
    ],
    "generate_and_judge.py": [
        r"^A: ['\"].+['\"]$",  # repr quotes: ' unless the text holds one
        r"^B: ['\"].+['\"]$",
        r"^the rules prefer [ab]: rule contributions, A minus B: ",
        r"^on 300 human judgments: accuracy 50\.7%, prefers the longer 67\.7%$",
    ],
    "import_and_export.py": [
        r"^squality-all-responses\.jsonl\.gz: 1200 judgments added$",
        r"^1500 judgments, 400 prompts, by kind \{'pairwise': 1200, 'rating': 300\}$",
        r"^1200 TRL pairs; first chosen: ",
    ],
    "rank_models.py": [
        r"^1200 judgments, 900 comparisons$",
        r"^#1 human +1503 ",
        r"^#2 bart-dpr +796 ",
        r"^#2 bart +701 ",
    ],
    "rule_rewards.py": [
        r"^300 judgments: rules 50\.7%$",
        r"^  baseline longer: 51\.3%$",
        r"^worst miss: j-\w+ \{'substantive': ",
    ],
    "trust_the_labels.py": [
        r"^1200 judgments over 300 units \(item\)$",
        r"^overall: interval alpha 0\.798, 95 % CI ",  # as published for SQuALITY
        r"^selection: interval alpha 0\.781, ",
        r"^correctness: interval alpha 0\.459, ",
        r"^warning: squality-3 rates 'correctness' 13\.10 points lower",
    ],
}


def test_every_example_has_expectations() -> None:
    assert {p.name for p in EXAMPLES} == set(EXPECTED)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(path: Path, tmp_path: Path) -> None:
    assert len(path.read_text().splitlines()) <= 20, "examples stay short"
    out = subprocess.run(
        [sys.executable, str(path), str(tmp_path)], capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr
    for pattern in EXPECTED[path.name]:
        assert re.search(pattern, out.stdout, re.M), f"{pattern!r} not in:\n{out.stdout}"
    assert "warning" not in out.stderr.lower(), out.stderr  # prefkit's and its libraries' too
