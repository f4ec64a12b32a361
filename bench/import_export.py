"""Import/export throughput of prefkit vs the naive pandas baseline, on the same file and database.

prefkit: ``import_sources`` (what ``prefkit import`` runs: validates every record, normalized
tables, deduplicated prompts/responses, one transaction; big files are read by a helper process
while this one writes), and the one-process API ``read_records`` + ``Store.add_records`` on a
fresh database; export: ``Store.iter_dicts`` + ``write_records`` (what ``prefkit export`` runs).
Baseline: ``pandas.read_json(lines=True)`` + ``DataFrame.to_sql`` (nested columns as JSON text,
no validation); export: ``pandas.read_sql`` + ``DataFrame.to_json(lines=True)``.

Usage: python bench/import_export.py [--n 100000] [--db-url URL]
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from prefkit.data import import_sources, open_store, read_records, write_records


def synthetic(n: int, path: Path, seed: int = 0) -> None:
    rng = random.Random(seed)
    words = [
        "the",
        "a",
        "model",
        "answer",
        "explains",
        "qubits",
        "gravity",
        "poem",
        "recipe",
        "code",
        "bug",
        "fix",
        "why",
        "how",
    ]
    prompts = [" ".join(rng.choices(words, k=rng.randint(5, 30))) + "?" for _ in range(n // 4)]
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            texts = [" ".join(rng.choices(words, k=rng.randint(20, 120))) for _ in range(2)]
            pref = rng.choice(["r1", "r2", "r1", "r2", "tie"])
            rec = {
                "id": f"j-{i}",
                "prompt": rng.choice(prompts),
                "responses": [
                    {"id": "r1", "text": texts[0], "model": "m-a"},
                    {"id": "r2", "text": texts[1], "model": "m-b"},
                ],
                "preference": pref,
                "ranking": None,
                "strength": rng.choice([None, 1, 2, 3]) if pref != "tie" else None,
                "ratings": {"helpfulness": {"r1": rng.randint(1, 5), "r2": rng.randint(1, 5)}},
                "rationale": "because " + " ".join(rng.choices(words, k=12)),
                "annotator": f"ann-{rng.randint(1, 50)}",
                "shown": rng.choice([["r1", "r2"], ["r2", "r1"]]),
                "source": "human",
                "metadata": {"campaign": "bench"},
            }
            fh.write(json.dumps(rec) + "\n")


def timed(fn: object) -> float:
    t = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--db-url", default=None, help="default: a fresh SQLite file")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="prefkit-bench-"))
    src = tmp / "records.jsonl"
    synthetic(args.n, src)
    url = args.db_url or f"sqlite:///{tmp / 'bench.db'}"
    store = open_store(url)
    engine = store.engine
    if store.count():
        raise SystemExit(f"{store.safe_url} already holds judgments; give an empty database")

    def prefkit_import() -> None:
        import_sources(store, [src])

    def api_import() -> None:  # on a fresh SQLite file (only without --db-url)
        with open_store(f"sqlite:///{tmp / 'api.db'}") as other:
            other.add_records(read_records(src))

    def baseline_import() -> None:
        df = pd.read_json(src, lines=True)
        for col in ("responses", "ranking", "ratings", "shown", "metadata"):
            df[col] = df[col].map(lambda v: None if v is None else json.dumps(v))
        df.to_sql("baseline", engine, if_exists="replace", index=False, chunksize=10_000)

    def prefkit_export() -> None:
        write_records(store.iter_dicts(), tmp / "out.jsonl")  # type: ignore[arg-type]

    def baseline_export() -> None:
        pd.read_sql(sa.text("SELECT * FROM baseline"), engine).to_json(
            tmp / "baseline.jsonl", orient="records", lines=True
        )

    rows = []
    for name, ours, theirs in (
        ("import", prefkit_import, baseline_import),
        ("export", prefkit_export, baseline_export),
        *((("import*", api_import, baseline_import),) if args.db_url is None else ()),
    ):
        t_base = timed(theirs)
        t_ours = timed(ours)
        rows.append((name, args.n / t_ours, args.n / t_base, t_base / t_ours))
    assert store.count() == args.n
    print(f"{args.n} records, database {store.safe_url.split('://')[0]}")
    print(f"{'':8}{'prefkit rec/s':>15}{'pandas rec/s':>15}{'ratio':>8}")
    for name, ours, base, ratio in rows:
        print(f"{name:8}{ours:15,.0f}{base:15,.0f}{ratio:8.2f}x")
    print("ratio > 1 means prefkit is faster (it also validates and normalizes every record)")
    print("import*: read_records + Store.add_records in one process (the Python API)")
    store.close()


if __name__ == "__main__":
    main()
