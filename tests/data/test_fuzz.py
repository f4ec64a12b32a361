"""Fuzzing the importers: whatever the bytes, only prefkit's own error type comes out."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prefkit.data import judgment_from_dict, read_records
from prefkit.errors import PrefkitError

FORMATS = ["auto", "prefkit", "trl", "hh-rlhf", "squality", "oasst", "csv", "parquet"]
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(alphabet=st.characters(blacklist_categories=("Cs",))),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
keys = st.sampled_from(
    [
        "prompt",
        "responses",
        "preference",
        "ranking",
        "ratings",
        "shown",
        "source",
        "metadata",
        "chosen",
        "rejected",
        "completion",
        "label",
        "response_a",
        "response_b",
        "winner",
        "id",
        "passage-id",
        "questions",
        "message_tree_id",
        "text",
        "role",
        "content",
        "strength",
    ]
)
records = st.dictionaries(keys, json_values, max_size=8)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _read(data: bytes, fmt: str) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "in.jsonl"
        path.write_bytes(data)
        try:
            read_records(path, fmt)
        except PrefkitError:
            pass


@FUZZ
@given(st.binary(max_size=400), st.sampled_from(FORMATS))
def test_random_bytes(data: bytes, fmt: str) -> None:
    _read(data, fmt)


@FUZZ
@given(st.lists(records, min_size=1, max_size=3), st.sampled_from(FORMATS))
def test_wrong_types_and_odd_unicode(rows: list, fmt: str) -> None:
    _read("\n".join(json.dumps(r) for r in rows).encode(), fmt)


@FUZZ
@given(records)
def test_record_validation(obj: dict) -> None:
    try:
        judgment_from_dict(obj)
    except PrefkitError:
        pass


def test_deep_nesting_and_huge_strings() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    _read(deep.encode(), "auto")
    _read(('{"prompt": ' + deep + "}").encode(), "prefkit")
    nested = {"prompt": "p", "responses": [{"id": "a", "text": "x"}], "metadata": {}}
    cur = nested["metadata"]
    for _ in range(5000):
        cur["k"] = {}
        cur = cur["k"]
    try:
        _read(json.dumps(nested).encode(), "prefkit")
    except RecursionError:  # json.dumps itself cannot write it; nothing to read then
        pass
    huge = json.dumps(
        {"prompt": "p" * 5_000_000, "responses": [{"id": "a", "text": "é" * 1_000_000}]}
    )
    _read(huge.encode(), "auto")
