"""Wide annotation files through a column map (``prefkit import FILE --map MAP.yaml``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from prefkit.analysis import analyze
from prefkit.cli import app as cli
from prefkit.data import load_column_map, open_store, read_records
from prefkit.errors import RecordError

GOLDEN = Path(__file__).parent / "golden"


def test_a_wide_pairwise_file_imports_one_record_per_cell() -> None:
    recs = read_records(GOLDEN / "wide-pairwise.csv", mapping=GOLDEN / "wide-pairwise.yaml")
    assert len(recs) == 13
    q2 = [r for r in recs if r.item == "q2"]
    assert [(r.annotator, r.preference) for r in q2] == [
        ("ann1", "a"),
        ("ann2", "b"),
        ("ann3", "a"),
    ]
    assert q2[0].prompt == "Question: Capital of France?"
    assert [x.model for x in q2[0].responses] == ["sysA", "sysB"]
    assert q2[0].metadata == {"split": "dev"}
    assert {r.annotator for r in recs if r.item == "q5"} == {"ann1", "ann3"}
    rep = analyze(recs, bootstrap=0)
    # q4's identical answers give no comparison; 4 units have comparisons
    # hand count over first passes: q1 3/3 pairs agree, q2 1/3, q3 1/3, q5 1/1 -> 6/10
    assert rep.units.unit_key == "item" and rep.preferences.units == 4
    assert rep.preferences.raw.value == pytest.approx(0.6) and rep.preferences.raw_pairs == 10


def test_the_cli_imports_all_or_nothing(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 's.db'}"
    r = CliRunner().invoke(
        cli,
        ["import", str(GOLDEN / "wide-pairwise.csv"), "--map", str(GOLDEN / "wide-pairwise.yaml"),
         "--db", db, "--json"],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["added"] == 13
    bad = tmp_path / "bad.csv"
    bad.write_text(
        (GOLDEN / "wide-pairwise.csv")
        .read_text()
        .replace(
            "q3,Largest planet?,Saturn,Jupiter,sysA,sysB,2,2,0",
            "q3,Largest planet?,Saturn,Jupiter,sysA,sysB,2,7,0",
        )
    )
    r = CliRunner().invoke(
        cli, ["import", str(bad), "--map", str(GOLDEN / "wide-pairwise.yaml"), "--db", db]
    )
    assert r.exit_code != 0
    msg = str(r.exception)
    assert f"{bad}:4:" in msg and "column 'r2'" in msg and "'7' is not in the value map" in msg
    with open_store(db) as store:
        assert store.count() == 13  # nothing of the bad file was written


def test_ratings_and_labels_through_a_map(tmp_path: Path) -> None:
    (tmp_path / "r.jsonl").write_text(
        "\n".join(
            json.dumps(row)
            for row in [
                {"sid": "s1", "text": "The cat sat.", "w1": "yes", "w2": "yes", "w3": "no"},
                {"sid": "s2", "text": "Dogs fly.", "w1": "no", "w2": "no", "w3": "no"},
            ]
        )
    )
    (tmp_path / "m.yaml").write_text(
        "kind: label\nitem: sid\nprompt: Is the sentence supported?\n"
        "responses: [{id: s, text: text}]\nannotators: [w1, w2, w3]\ncriterion: supported\n"
        "label_set: ['yes', 'no']\n"
    )
    recs = read_records(tmp_path / "r.jsonl", mapping=tmp_path / "m.yaml")
    assert len(recs) == 6 and recs[0].labels == {"supported": {"s": "yes"}}
    c = analyze(recs, bootstrap=0).criterion("supported")
    assert c.kind == "label" and c.units_with_two_or_more == 2 and c.fleiss.value is not None
    (tmp_path / "m2.yaml").write_text(
        "kind: rating\nitem: sid\nprompt: Rate it.\nresponses: [{id: s, text: text}]\n"
        "annotators: [w1]\ncriterion: quality\nvalues: {'yes': 5, 'no': 1}\n"
    )
    rated = read_records(tmp_path / "r.jsonl", mapping=tmp_path / "m2.yaml")
    assert [r.ratings for r in rated] == [{"quality": {"s": 5}}, {"quality": {"s": 1}}]


def test_map_errors_name_the_line_and_the_choices(tmp_path: Path) -> None:
    m = tmp_path / "m.yaml"
    m.write_text("kind: label\ncriterion: ok\nprompt: q\nresponses: [{text: a}]\n"
                 "annotators: [x]\nlabel_set: [yes, no]\n")  # fmt: skip
    with pytest.raises(RecordError, match=r"m.yaml:6: .*quote them \('yes', 'no'\)"):
        load_column_map(m)
    m.write_text("kind: prefernce\nprompt: q\nresponses: [{text: a}, {text: b}]\nannotators: [x]\n")
    with pytest.raises(
        RecordError, match=r"m.yaml:1: field 'kind': kind 'prefernce' is not one of"
    ):
        load_column_map(m)
    m.write_text("kind: rating\nprompt: q\nresponses: [{text: a}]\nannotators: [x]\n")
    with pytest.raises(RecordError, match="needs a criterion"):
        load_column_map(m)
    m.write_text(
        "prompt: q\nresponses: [{id: a, text: a}, {id: b, text: b}]\nannotators: [x]\n"
        "values: {1: a, 2: c}\n"
    )
    with pytest.raises(
        RecordError, match=r"m.yaml:4: .*maps to 'c', which is not one of \['a', 'b', 'tie'\]"
    ):
        load_column_map(m)
