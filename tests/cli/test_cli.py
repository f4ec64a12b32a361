"""The prefkit command, through typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from prefkit.cli import app
from prefkit.data import read_records

from ..data.test_io import RECORDS

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    res = runner.invoke(app, list(args), catch_exceptions=True)
    if res.exception is not None and not isinstance(res.exception, SystemExit):
        from prefkit.errors import PrefkitError

        assert isinstance(res.exception, PrefkitError), repr(res.exception)
        return 1, str(res.exception)
    return res.exit_code, res.output


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def test_init_import_stats_export(db: str, tmp_path: Path) -> None:
    code, out = run("init", "--db", db, "--json")
    from prefkit.data._engine import MIGRATIONS as _MIGRATIONS

    head = max(p.name.split("_")[0] for p in (_MIGRATIONS / "versions").glob("0*.py"))
    info = json.loads(out)
    assert code == 0 and info["revision"] == head and info["workbench_revision"] == "w0001"
    code, out = run("import", "--sample", "--db", db, "--json")
    assert code == 0, out
    info = json.loads(out)
    assert (info["records"], info["added"], info["skipped"]) == (1500, 1500, 0)
    assert [s["format"] for s in info["sources"]] == ["hh-rlhf", "hh-rlhf", "squality"]
    code, out = run("import", "--sample", "--db", db, "--json")
    assert json.loads(out)["skipped"] == 1500  # importing twice changes nothing
    code, out = run("stats", "--db", db, "--json")
    stats = json.loads(out)
    assert stats["judgments"] == 1500 and stats["by_kind"] == {"pairwise": 1200, "rating": 300}
    code, out = run("stats", "--db", db)
    assert code == 0 and "1500 judgments" in out
    dest = tmp_path / "pairs.jsonl"
    code, out = run("export", "--db", db, "--format", "trl", "--out", str(dest), "--json")
    rep = json.loads(out)
    assert rep["rows_out"] == 1200 and rep["dropped"] == {"no preference": 300}
    assert len(dest.read_text().splitlines()) == 1200
    full = tmp_path / "all.jsonl"
    run("export", "--db", db, "--out", str(full))
    assert len(read_records(full)) == 1500


def test_all_or_nothing_and_skip_invalid(db: str, tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    bad = {**RECORDS[0], "id": "bad", "ratings": {"helpfulness": {"r1": 9}}}
    path.write_text("\n".join(json.dumps(r) for r in [RECORDS[0], bad, RECORDS[1]]) + "\n")
    code, out = run("import", str(path), "--db", db)
    assert code == 1 and f"{path}:2: field 'ratings.helpfulness.r1'" in out
    assert json.loads(run("stats", "--db", db, "--json")[1])["judgments"] == 0
    report = tmp_path / "bad.jsonl"
    code, out = run(
        "import", str(path), "--db", db, "--skip-invalid", "--report", str(report), "--json"
    )
    assert code == 0 and json.loads(out)["added"] == 2
    (line,) = [json.loads(x) for x in report.read_text().splitlines()]
    assert line["line"] == 2 and line["field"] == "ratings.helpfulness.r1"


def test_bad_options_list_the_choices(db: str, tmp_path: Path) -> None:
    code, out = run("export", "--db", db, "--format", "xml", "--out", str(tmp_path / "x"))
    assert code == 1 and "'xml' is not one of ['prefkit', 'trl'" in out
    code, out = run(
        "export", "--db", db, "--format", "trl", "--ties", "maybe", "--out", str(tmp_path / "x")
    )
    assert code == 1 and "['drop', 'split', 'error']" in out
    code, out = run("import", "--db", db)
    assert code == 1 and "--sample" in out


def test_tie_policy_is_explicit(db: str, tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in RECORDS) + "\n")
    run("import", str(path), "--db", db)
    code, out = run("export", "--db", db, "--format", "trl", "--out", str(tmp_path / "o.jsonl"))
    assert code == 1 and "ties='drop' or ties='split'" in out
    code, out = run(
        "export",
        "--db",
        db,
        "--format",
        "trl",
        "--ties",
        "split",
        "--from-ranking",
        "all-pairs",
        "--out",
        str(tmp_path / "o.jsonl"),
        "--json",
    )
    assert json.loads(out)["rows_out"] == 6
