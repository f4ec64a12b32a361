"""Files in and out: round trips, TRL layouts, format detection, errors with path:line."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from prefkit.data import (
    detect_format,
    load_records,
    read_records,
    records_to_dataset,
    to_trl_pairs,
    to_trl_unpaired,
    write_records,
)
from prefkit.data._trl import ConversionReport
from prefkit.errors import ConversionError, PrefkitError, RecordError

RECORDS = [
    {
        "id": "j-1",
        "prompt": "Explain qubits.",
        "responses": [
            {"id": "r1", "text": "A qubit is…", "model": "big"},
            {"id": "r2", "text": "Dunno", "model": None},
        ],
        "preference": "r1",
        "ranking": None,
        "strength": 2,
        "ratings": {"helpfulness": {"r1": 5, "r2": 2}},
        "rationale": "r1 explains.",
        "annotator": "ann-1",
        "shown": ["r2", "r1"],
        "source": "human",
        "metadata": {"campaign": "demo", "nested": {"k": [1, 2.5, None]}},
    },
    {
        "id": "j-2",
        "prompt": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Hi ✓ ü 中文"},
        ],
        "responses": [
            {"id": "a", "text": "Hello", "model": None},
            {"id": "b", "text": "Hey", "model": None},
            {"id": "c", "text": 'Yo, "quoted"\nnewline', "model": None},
        ],
        "preference": None,
        "ranking": ["b", "a", "c"],
        "strength": None,
        "ratings": None,
        "rationale": None,
        "annotator": None,
        "shown": None,
        "source": "ai",
        "metadata": {},
    },
    {
        "id": "j-3",
        "prompt": "Tie?",
        "responses": [
            {"id": "x", "text": "same", "model": None},
            {"id": "y", "text": "same", "model": None},
        ],
        "preference": "tie",
        "ranking": None,
        "strength": None,
        "ratings": None,
        "rationale": "equal",
        "annotator": "ann-2",
        "shown": ["x", "y"],
        "source": "human",
        "metadata": {},
        "timings": {
            "started_at": "2026-01-01T10:00:00+00:00",
            "submitted_at": None,
            "duration_ms": 1234.5,
        },
    },
]


@pytest.fixture
def jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS), encoding="utf-8"
    )
    return path


def test_prefkit_jsonl_round_trip_is_byte_identical(jsonl: Path, tmp_path: Path) -> None:
    recs = read_records(jsonl)
    assert [r.to_dict() for r in recs] == RECORDS
    out = tmp_path / "out.jsonl"
    write_records(recs, out)
    again = tmp_path / "again.jsonl.gz"
    write_records(read_records(out), again)
    assert gzip.open(again, "rt", encoding="utf-8").read() == out.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt,name", [("csv", "t.csv"), ("parquet", "t.parquet")])
def test_tabular_round_trip(jsonl: Path, tmp_path: Path, fmt: str, name: str) -> None:
    recs = read_records(jsonl)
    write_records(recs, tmp_path / name, fmt)
    assert detect_format(tmp_path / name) == fmt
    assert read_records(tmp_path / name) == recs


def test_hf_dataset_round_trip_prefkit_layout(jsonl: Path, tmp_path: Path) -> None:
    recs = read_records(jsonl)
    ds = records_to_dataset(recs, "prefkit")
    assert read_records(ds) == recs
    write_records(recs, tmp_path / "ds", "hf", hf_layout="prefkit")
    assert detect_format(tmp_path / "ds") == "hf"
    assert read_records(tmp_path / "ds") == recs


def test_trl_pairs_policies_and_report(jsonl: Path) -> None:
    recs = read_records(jsonl)
    with pytest.raises(ConversionError, match="j-3.*ties='drop' or ties='split'"):
        to_trl_pairs(recs)
    rep = ConversionReport()
    rows = to_trl_pairs(recs, ties="drop", report=rep)
    # j-1: 1 pair; j-2 ranking b>a>c adjacent: 2 pairs; j-3 tie dropped
    assert len(rows) == 3 and rep.dropped == {"tie": 1} and rep.expanded == 1
    assert rows[0]["prompt"] == [{"role": "user", "content": "Explain qubits."}]  # lifted: mixed
    rep = ConversionReport()
    rows = to_trl_pairs(recs, ties="split", from_ranking="all-pairs", report=rep)
    # 1 + 3 (all pairs of three) + 2 (tie both ways)
    assert len(rows) == 6 and rep.expanded == 2 and rep.rows_out == 6
    rep = ConversionReport()
    unpaired = to_trl_unpaired(recs, ties="drop", report=rep)
    # j-2's "Hello" loses to "Hey" and beats "Yo": labelled both ways once each, so dropped
    assert [(r["completion"], r["label"]) for r in unpaired] == [
        ([{"role": "assistant", "content": "A qubit is…"}], True),
        ([{"role": "assistant", "content": "Dunno"}], False),
        ([{"role": "assistant", "content": "Hey"}], True),
        ([{"role": "assistant", "content": 'Yo, "quoted"\nnewline'}], False),
    ]
    assert rep.conflicts == 1 and rep.dropped["labelled both ways, even split"] == 1
    assert rep.lost == {"id": 3, "annotator": 2, "rationale": 2, "ratings": 1, "shown": 2,
                        "timings": 1, "responses.model": 1, "metadata": 1, "strength": 1}  # fmt: skip
    with pytest.raises(ConversionError, match="not defined for unpaired"):
        to_trl_unpaired(recs, ties="split")


def test_trl_round_trip_keeps_what_trl_holds(jsonl: Path, tmp_path: Path) -> None:
    recs = [r for r in read_records(jsonl) if r.preference not in (None, "tie")]
    out = tmp_path / "trl.jsonl"
    write_records(recs, out, "trl")
    assert detect_format(out) == "trl"
    back = read_records(out)
    for a, b in zip(recs, back, strict=True):
        assert b.preference == "r1"
        assert b.response("r1").text == a.response(a.preference).text
        assert b.response("r2").text == next(r.text for r in a.responses if r.id != a.preference)
        assert b.prompt == a.prompt


@pytest.mark.parametrize(
    "row,prompt,chosen,rejected",
    [
        ({"prompt": "Q?", "chosen": "yes", "rejected": "no"}, "Q?", "yes", "no"),
        (
            {"chosen": "Q? The sky is blue.", "rejected": "Q? The sky is green."},
            "Q? The sky is",
            " blue.",
            " green.",
        ),
        (
            {
                "prompt": [{"role": "user", "content": "Q?"}],
                "chosen": [{"role": "assistant", "content": "yes"}],
                "rejected": [{"role": "assistant", "content": "no"}],
            },
            [{"role": "user", "content": "Q?"}],
            "yes",
            "no",
        ),
        (
            {
                "chosen": [
                    {"role": "user", "content": "Q?"},
                    {"role": "assistant", "content": "yes"},
                ],
                "rejected": [
                    {"role": "user", "content": "Q?"},
                    {"role": "assistant", "content": "no"},
                ],
            },
            [{"role": "user", "content": "Q?"}],
            "yes",
            "no",
        ),
    ],
    ids=[
        "standard-explicit",
        "standard-implicit",
        "conversational-explicit",
        "conversational-implicit",
    ],
)
def test_trl_layouts_in(
    tmp_path: Path, row: dict, prompt: object, chosen: str, rejected: str
) -> None:
    path = tmp_path / "trl.jsonl"
    path.write_text(json.dumps(row) + "\n")
    (rec,) = read_records(path)
    got_prompt = rec.prompt if isinstance(rec.prompt, str) else [m.model_dump() for m in rec.prompt]
    assert got_prompt == prompt
    assert rec.response("r1").text == chosen and rec.response("r2").text == rejected
    assert rec.preference == "r1"


def test_trl_unpaired_and_hf_dataset_in(tmp_path: Path) -> None:
    from datasets import Dataset

    ds = Dataset.from_list(
        [
            {"prompt": "Q", "completion": "good", "label": True},
            {"prompt": "Q", "completion": "bad", "label": False},
        ]
    )
    recs = read_records(ds)
    assert [r.metadata["label"] for r in recs] == [True, False]
    # a text prompt is kept apart from its answer ("Q" + "good" would read "Qgood" in TRL) …
    assert to_trl_unpaired(recs) == [{**r, "prompt": "Q\n"} for r in ds.to_list()]
    # … and the newline comes off again on the way back in
    assert [r.prompt for r in read_records_from_rows(to_trl_unpaired(recs), tmp_path)] == ["Q", "Q"]
    ds.save_to_disk(str(tmp_path / "unpaired"))
    assert read_records(tmp_path / "unpaired") == recs
    trl_ds = records_to_dataset(
        read_records_from_rows([{"prompt": "Q", "chosen": "a", "rejected": "b"}], tmp_path)
    )
    assert trl_ds.column_names == ["prompt", "chosen", "rejected"]


def read_records_from_rows(rows: list[dict], tmp_path: Path) -> list:
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return read_records(path)


def test_detection_is_by_content_not_extension(jsonl: Path, tmp_path: Path) -> None:
    odd = tmp_path / "data.txt"
    odd.write_bytes(jsonl.read_bytes())
    assert detect_format(odd) == "prefkit"
    gz = tmp_path / "noext"
    gz.write_bytes(
        gzip.compress(
            b'{"chosen": "\\n\\nHuman: hi\\n\\nAssistant: yo", "rejected": "\\n\\nHuman: hi\\n\\nAssistant: no"}\n'
        )
    )
    assert detect_format(gz) == "hh-rlhf"
    csvfile = tmp_path / "shorthand.dat"
    csvfile.write_text("prompt,response_a,response_b,winner\nHi,Hello,Bye,b\n")
    assert detect_format(csvfile) == "csv"
    (rec,) = read_records(csvfile)
    assert rec.preference == "b"


def test_errors_name_path_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    good = json.dumps(RECORDS[0])
    bad = json.dumps({**RECORDS[0], "id": "j-9", "preference": "r7"})
    path.write_text(f"{good}\n\n{bad}\n{{not json\n")
    with pytest.raises(RecordError) as info:
        read_records(path)
    msg = str(info.value)
    assert msg.startswith(f"{path}:3: field 'preference': 'r7' is not a response id")
    res = load_records(path, skip_invalid=True)
    assert [r.id for r in res.records] == ["j-1"]
    assert [(e.line, e.field) for e in res.invalid] == [(3, "preference"), (4, None)]
    assert "invalid JSON" in str(res.invalid[1])


def test_duplicate_ids_rejected_and_content_ids_stable(tmp_path: Path) -> None:
    path = tmp_path / "dup.jsonl"
    path.write_text(json.dumps(RECORDS[0]) + "\n" + json.dumps(RECORDS[0]) + "\n")
    with pytest.raises(RecordError, match="duplicate id 'j-1'"):
        read_records(path)
    noid = {k: v for k, v in RECORDS[0].items() if k != "id"}
    path.write_text(json.dumps(noid) + "\n" + json.dumps(noid) + "\n")
    a = read_records(path)
    assert a[0].id.startswith("j-") and a[1].id == a[0].id + "-2"
    assert [r.id for r in read_records(path)] == [r.id for r in a]


def test_explicit_format_mismatch_is_explained(jsonl: Path) -> None:
    with pytest.raises(RecordError, match="looks like 'prefkit' data, not 'trl'"):
        read_records(jsonl, "trl")
    with pytest.raises(PrefkitError, match="unknown format 'xml'"):
        read_records(jsonl, "xml")


def test_load_judgments_from_files_or_store(tmp_path: Path) -> None:
    from prefkit.data import load_judgments, open_store, sample_paths
    from prefkit.errors import PrefkitError

    path = sample_paths()[0]
    recs, where = load_judgments(path)
    assert recs and where == str(path)
    both, where2 = load_judgments([path, path])
    assert len(both) == 2 * len(recs) and where2 == f"{path}, {path}"
    db = f"sqlite:///{tmp_path / 's.db'}"
    with open_store(db) as store:
        store.add_records(recs[:5])
    stored, url = load_judgments(db=db)
    assert [r.id for r in stored] == [r.id for r in recs[:5]] and url.startswith("sqlite")
    with pytest.raises(PrefkitError, match="campaign='c' selects from the store"):
        load_judgments(path, campaign="c")


def test_parallel_is_a_parameter_and_the_env_var_only_a_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefkit.data._bulk import _use_helper

    small = tmp_path / "a.jsonl"
    small.write_text('{"prompt": "p", "response_a": "x", "response_b": "y", "winner": "a"}\n')
    monkeypatch.delenv("PREFKIT_IMPORT_PARALLEL", raising=False)
    assert _use_helper(small, "jsonl", True) and not _use_helper(small, "jsonl", False)
    assert not _use_helper(small, "jsonl", None)  # below PARALLEL_MIN_BYTES
    monkeypatch.setenv("PREFKIT_IMPORT_PARALLEL", "1")
    assert _use_helper(small, "jsonl", None) and not _use_helper(small, "jsonl", False)
    from typer.testing import CliRunner

    from prefkit.cli import app

    for flag in ("--parallel", "--no-parallel"):
        db = f"sqlite:///{tmp_path / (flag + '.db')}"
        res = CliRunner().invoke(app, ["import", str(small), "--db", db, flag, "--json"])
        assert res.exit_code == 0, res.output
        assert '"added": 1' in res.output
