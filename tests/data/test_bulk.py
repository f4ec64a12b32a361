"""``import_sources``: the helper-process path gives exactly what the in-process path gives.

The helper path is forced with ``parallel=True`` on small files; both run on SQLite and on a real
PostgreSQL (see conftest.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from prefkit.data import Store, import_sources, judgment_from_dict, open_store
from prefkit.errors import PrefkitError, RecordError, StoreError

from .test_io import RECORDS


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def _many(n: int) -> list[dict]:
    out = []
    for i in range(n):
        rec = dict(RECORDS[i % len(RECORDS)])
        rec["id"] = f"bulk-{i}"
        out.append(rec)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("parallel", [True, False])
def test_both_paths_store_the_same_records(store: Store, tmp_path: Path, parallel: bool) -> None:
    rows = _many(12_001)  # more than two helper batches of 5,000
    src = _write(tmp_path / "many.jsonl", rows)
    seen: list[int] = []
    results, added = import_sources(store, [src], parallel=parallel, progress=seen.append)
    assert (added.added, added.skipped) == (12_001, 0)
    assert results[0].n_records == 12_001 and results[0].rows == 12_001
    assert seen[-1] == 12_001
    assert [r.to_dict() for r in store.records()] == rows
    # Importing again finds every record already there.
    _, again = import_sources(store, [src], parallel=parallel)
    assert (again.added, again.skipped) == (0, 12_001)


def test_helper_assigns_content_ids_like_the_in_process_path(tmp_path: Path) -> None:
    no_ids = [{k: v for k, v in r.items() if k != "id"} for r in RECORDS] * 2  # duplicates too
    src = _write(tmp_path / "noid.jsonl", no_ids)
    stores = []
    for parallel in (True, False):
        s = open_store(f"sqlite:///{tmp_path / f'p{parallel}.db'}")
        import_sources(s, [src], parallel=parallel)
        stores.append([r.to_dict() for r in s.records()])
        s.close()
    assert stores[0] == stores[1]
    ids = [r["id"] for r in stores[0]]
    assert len(set(ids)) == 6 and sum(i.endswith("-2") for i in ids) == 3


def test_a_bad_row_late_in_the_file_writes_nothing(store: Store, tmp_path: Path) -> None:
    rows = _many(7_000)
    rows[6_500] = {**rows[6_500], "preference": "r9"}  # after the first batch went in
    src = _write(tmp_path / "bad.jsonl", rows)
    with pytest.raises(RecordError) as err:
        import_sources(store, [src], parallel=True)
    assert err.value.line == 6_501 and err.value.field == "preference"
    assert str(err.value).startswith(f"{src}:6501: field 'preference': 'r9' is not a response id")
    assert store.count() == 0


def test_skip_invalid_reports_bad_rows_with_their_lines(store: Store, tmp_path: Path) -> None:
    rows = _many(20)
    rows[3] = {**rows[3], "ratings": {"helpfulness": {"r1": 9}}}
    src = tmp_path / "some-bad.jsonl"
    _write(src, rows)
    with src.open("a", encoding="utf-8") as fh:
        fh.write("{not json\n")
    results, added = import_sources(store, [src], parallel=True, skip_invalid=True)
    assert added.added == 19 and store.count() == 19
    assert [(e.line, e.field) for e in results[0].invalid] == [
        (4, "ratings.helpfulness.r1"),
        (21, None),
    ]


def test_conflicting_and_duplicate_ids_roll_back(store: Store, tmp_path: Path) -> None:
    store.add_records([judgment_from_dict(RECORDS[0])])
    changed = {**RECORDS[0], "rationale": "another reason entirely"}
    src = _write(tmp_path / "conflict.jsonl", [*_many(10), changed])
    with pytest.raises(StoreError, match="'j-1' is already stored with different content"):
        import_sources(store, [src], parallel=True)
    assert store.count() == 1
    dup = _write(tmp_path / "dup.jsonl", [RECORDS[1], RECORDS[2], RECORDS[1]])
    with pytest.raises(RecordError, match="duplicate id 'j-2'"):
        import_sources(store, [dup], parallel=True)
    a = _write(tmp_path / "a.jsonl", _many(3))
    with pytest.raises(StoreError, match="'bulk-0' appears twice in one import"):
        import_sources(store, [a, a], parallel=True)
    assert store.count() == 1


def test_helper_failure_is_reported_not_hidden(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = _write(tmp_path / "ok.jsonl", _many(3))
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    (tmp_path / "prefkit").mkdir()  # a broken package shadows the real one in the helper...
    (tmp_path / "prefkit" / "__init__.py").write_text("raise SystemExit(3)\n")
    monkeypatch.setattr("prefkit.data._bulk.prefkit.__file__", str(tmp_path / "x" / "y.py"))
    with pytest.raises(PrefkitError, match=r"reader process stopped .*exit code 3"):
        import_sources(store, [src], parallel=True)
    assert store.count() == 0
