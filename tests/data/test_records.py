"""The canonical record: what validates, what does not, and what the errors say."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from prefkit.data import Judgment, judgment_from_dict
from prefkit.errors import RecordError

GOLDEN = json.loads((Path(__file__).parent / "golden_records.json").read_text())


def base(**kw: object) -> dict[str, object]:
    rec: dict[str, object] = {
        "prompt": "Explain quantum computing.",
        "responses": [{"id": "r1", "text": "Qubits…"}, {"id": "r2", "text": "Magic."}],
    }
    rec.update(kw)
    return rec


def test_design_example_round_trips() -> None:
    example = GOLDEN["design_example"]
    rec = judgment_from_dict(example)
    assert rec.to_dict() == example
    assert judgment_from_dict(json.loads(rec.to_json())) == rec


@pytest.mark.parametrize("case", GOLDEN["invalid"], ids=lambda c: c["desc"])
def test_invalid_records_name_the_field(case: dict) -> None:
    with pytest.raises(RecordError) as info:
        judgment_from_dict(case["record"])
    assert info.value.field == case["field"], str(info.value)
    assert case["says"] in str(info.value)


@pytest.mark.parametrize("case", GOLDEN["valid"], ids=lambda c: c["desc"])
def test_valid_records(case: dict) -> None:
    rec = judgment_from_dict(case["record"])
    assert isinstance(rec, Judgment)


def test_shorthand_becomes_canonical() -> None:
    rec = judgment_from_dict(
        {
            "prompt": "Hi",
            "response_a": "Hello!",
            "response_b": "Go away.",
            "winner": "a",
            "annotator": "ann-1",
        }
    )
    assert rec.response_ids == ["a", "b"]
    assert rec.preference == "a"
    assert rec.annotator == "ann-1"
    tie = judgment_from_dict(
        {"prompt": "Hi", "response_a": "x", "response_b": "y", "winner": "tie"}
    )
    assert tie.is_tie


def test_shorthand_bad_winner_lists_choices() -> None:
    with pytest.raises(RecordError, match=r"expected one of \['a', 'b', 'tie'\]"):
        judgment_from_dict({"prompt": "Hi", "response_a": "x", "response_b": "y", "winner": "c"})


def test_degenerate_and_rating_scale() -> None:
    rec = judgment_from_dict(
        base(responses=[{"id": "a", "text": "same"}, {"id": "b", "text": "same"}])
    )
    assert rec.degenerate
    wide = judgment_from_dict(
        base(ratings={"overall": {"r1": 90, "r2": 10}}, metadata={"rating_scale": [0, 100]})
    )
    assert wide.rating_scale == (0, 100)
    with pytest.raises(RecordError, match=r"outside the scale 1\.\.5"):
        judgment_from_dict(base(ratings={"overall": {"r1": 90}}))


def test_content_hash_ignores_id_only() -> None:
    a = judgment_from_dict(base(id="x"))
    b = judgment_from_dict(base(id="y"))
    c = judgment_from_dict(base(id="x", preference="r1"))
    assert a.content_hash() == b.content_hash() != c.content_hash()
