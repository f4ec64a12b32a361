"""Rows checked against a strict chat template (Gemma's) and token lengths, before TRL sees them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from prefkit.data import read_records, to_trl_pairs
from prefkit.optimize import check_rows

pytest.importorskip("transformers")

from ..rewards.test_trl_grpo import tiny_model

# Gemma's chat template: no system role, and user/assistant strictly alternating
GEMMA = (
    "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not "
    "supported') }}{% endif %}{% for message in messages %}{% if (message['role'] == 'user') != "
    "(loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate "
    "user/assistant/user/assistant/...') }}{% endif %}{% if (message['role'] == 'assistant') %}"
    "{% set role = 'model' %}{% else %}{% set role = message['role'] %}{% endif %}"
    "{{ '<start_of_turn>' + role + '\\n' + message['content'] | trim + '<end_of_turn>\\n' }}"
    "{% endfor %}{% if add_generation_prompt %}{{'<start_of_turn>model\\n'}}{% endif %}"
)


@pytest.fixture(scope="module")
def strict(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from transformers import AutoTokenizer

    folder = tmp_path_factory.mktemp("tiny")
    tiny_model(folder)
    tok = AutoTokenizer.from_pretrained(folder)
    tok.chat_template = GEMMA
    return tok


def u(text: str) -> dict[str, str]:
    return {"role": "user", "content": text}


def a(text: str) -> dict[str, str]:
    return {"role": "assistant", "content": text}


def test_conversations_the_template_refuses_are_repaired_or_dropped(strict: Any) -> None:
    rows = [
        {"prompt": "hello world", "chosen": "yes", "rejected": "no"},  # text: becomes a chat
        {"prompt": [u("hello"), a("a"), a("world"), u("please")], "chosen": [a("yes")], "rejected": [a("no")]},
        {"prompt": [{"role": "system", "content": "short"}, u("hello")], "chosen": [a("yes")], "rejected": [a("no")]},
        {"prompt": [u("hello"), a("world")], "chosen": [a("yes")], "rejected": [a("no")]},
    ]  # fmt: skip
    kept, dropped, repaired, lengths = check_rows(rows, strict, max_length=64)
    assert dropped == {"prompt ends on an assistant turn": 1}
    assert repaired == {
        "consecutive turns of one role merged": 1,
        "system message folded into the first turn": 1,
    }
    assert kept[0]["prompt"] == [u("hello world")] and kept[0]["chosen"] == [a("yes")]
    assert kept[1]["prompt"] == [u("hello"), a("a\n\nworld"), u("please")]
    assert kept[2]["prompt"] == [u("short\n\nhello")]
    for row in kept:  # every kept row now passes the strict template
        strict.apply_chat_template([*row["prompt"], *row["chosen"]], tokenize=False)
    assert lengths is not None and lengths.rows == 3 and lengths.over == 0
    # the lengths are the template's tokens, as TRL counts them (not the encoding's key count)
    whole = strict.apply_chat_template([*kept[1]["prompt"], *kept[1]["chosen"]], tokenize=True)
    n = len(whole["input_ids"]) if hasattr(whole, "keys") else len(whole)
    assert n > 5 and lengths.longest == max(
        len(ids["input_ids"] if hasattr(ids, "keys") else ids)
        for row in kept
        for k in ("chosen", "rejected")
        for ids in [strict.apply_chat_template([*row["prompt"], *row[k]], tokenize=True)]
    )
    _, dropped, _, short = check_rows(rows, strict, max_length=n - 1, too_long="drop")
    assert short is not None and short.over >= 1 and dropped[f"longer than max_length={n - 1}"] >= 1


def test_real_hh_rlhf_prompts_against_a_strict_template(strict: Any, shared_data: Path) -> None:
    """HH-RLHF's helpful-base test split: the conversations Gemma's template refuses are found
    and repaired (two assistant turns in a row) or dropped, and nothing refused reaches TRL."""
    recs = read_records(shared_data / "hh-rlhf" / "helpful-base" / "test.jsonl.gz")
    rows = to_trl_pairs(recs, ties="drop")
    refused = 0
    for row in rows:
        try:
            strict.apply_chat_template([*row["prompt"], *row["chosen"]], tokenize=False)
        except Exception:
            refused += 1
    kept, dropped, repaired, _ = check_rows(rows, strict, max_length=4096)
    fixed = sum(repaired.values()) + sum(dropped.values())
    assert refused > 0 and fixed == refused  # each refused row is repaired or dropped, no other
    assert len(kept) == len(rows) - sum(dropped.values())
    for row in kept:
        strict.apply_chat_template([*row["prompt"], *row["chosen"]], tokenize=False)
    print(
        json.dumps(
            {"rows": len(rows), "refused": refused, "repaired": repaired, "dropped": dropped}
        )
    )


def test_cli_export_checks_rows_against_a_tokenizer(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from prefkit.cli import app

    tiny_model(tmp_path / "tiny", texts=["x " * 10])
    db = f"sqlite:///{tmp_path / 's.db'}"
    rows = [
        {"prompt": "hello world", "chosen": "yes", "rejected": "no", "margin": 2.0},
        {"prompt": "the " * 30, "chosen": "yes", "rejected": "no"},
    ]
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    r = CliRunner().invoke(app, ["import", str(tmp_path / "in.jsonl"), "--db", db])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(app, [
        "export", "--db", db, "--format", "trl", "--out", str(tmp_path / "out.jsonl"),
        "--tokenizer", str(tmp_path / "tiny"), "--max-length", "16", "--too-long", "drop",
    ])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "1 longer than max_length=16" in r.stdout and "longest 31" in r.stdout  # 30 + "yes"
    out = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text().splitlines()]
    # TRL's margin came in as the strength and goes back out; the prompt is kept apart
    assert out == [{"prompt": "hello world\n", "chosen": "yes", "rejected": "no", "margin": 2.0}]
    assert "not carried by TRL rows: id\n" in r.stdout
