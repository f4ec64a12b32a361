"""Import files into the store: ``prefkit import`` and :func:`import_sources`.

Big JSON-lines files are read, validated and turned into table rows by a helper process while
this process writes the rows, so the two CPU-bound halves of an import run on two cores. Python
threads cannot do this: the validator holds the GIL, and a writer thread would wait for it after
every row. Everything still goes into one transaction in this process: any bad row, conflicting
id or helper failure rolls back the whole import, as on the in-process path.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import prefkit
from prefkit.data._io import IMPORT_FORMATS, ReadResult, detect_format, line_rows, load_records
from prefkit.data._store import Store
from prefkit.data._write import _WRITE_CHUNK, AddResult, _Batch, _chunks, _Planner
from prefkit.errors import PrefkitError, RecordError

__all__ = ["PARALLEL_MIN_BYTES", "import_sources"]

# Below this a helper process costs more (about 0.3 s to start) than it saves.
PARALLEL_MIN_BYTES = 8 * 2**20


def _use_helper(path: Path, fmt: str, parallel: bool | None) -> bool:
    if parallel is False or line_rows(path, fmt) is None:
        return False
    if parallel is None:
        env = os.environ.get("PREFKIT_IMPORT_PARALLEL", "auto")
        if env in ("0", "1"):
            return env == "1"
        return (os.cpu_count() or 1) > 1 and path.stat().st_size >= PARALLEL_MIN_BYTES
    return True


def import_sources(
    store: Store,
    sources: Sequence[str | Path],
    format: str = "auto",
    *,
    skip_invalid: bool = False,
    split: str | None = None,
    squality_mode: str = "pairwise",
    parallel: bool | None = None,
    progress: Callable[[int], None] | None = None,
    mapping: Any = None,
) -> tuple[list[ReadResult], AddResult]:
    """Read every source and store its records, all in one transaction.

    Args:
        store: the store to write to.
        sources: files or dataset folders.
        format: one of ``IMPORT_FORMATS`` for every source (``auto``: detected per source).
        skip_invalid: store the good records and report the bad ones instead of refusing all.
        split: the split of a saved ``DatasetDict`` (default ``train``).
        squality_mode: SQuALITY as ``pairwise`` judgments or one ``ranking``.
        parallel: read big JSON-lines files in a helper process (None: when the file is at least
            ``PARALLEL_MIN_BYTES`` and there is more than one CPU; ``PREFKIT_IMPORT_PARALLEL=0|1``
            overrides that).
        progress: called with the number of records written so far.
        mapping: a column map for wide files (see :func:`prefkit.data.load_records`).

    Returns the per-source read results (``n_records``, ``rows``, ``invalid``) and what was added.
    Raises ``RecordError`` (``path:line``) or ``StoreError``; then nothing is written.
    """
    if format not in IMPORT_FORMATS:
        raise PrefkitError(f"unknown format {format!r}; expected one of {list(IMPORT_FORMATS)}")
    results: list[ReadResult] = []

    def batches() -> Iterator[_Batch]:
        for src in sources:
            path = Path(src)
            if not path.exists():
                raise PrefkitError(f"{path}: no such file or folder")
            if mapping is not None:
                res = load_records(path, skip_invalid=skip_invalid, mapping=mapping)
                results.append(res)
                planner = _Planner()
                for chunk in _chunks(res.records, _WRITE_CHUNK):
                    yield planner.plan(chunk)
                continue
            fmt = detect_format(path) if format == "auto" else format
            if _use_helper(path, fmt, parallel):
                res = ReadResult(records=[], format=fmt, path=str(path), streamed=0)
                results.append(res)
                yield from _helper_batches(path, res, skip_invalid, squality_mode)
            else:
                res = load_records(
                    path, fmt, skip_invalid=skip_invalid, split=split, squality_mode=squality_mode
                )
                results.append(res)
                planner = _Planner()
                for chunk in _chunks(res.records, _WRITE_CHUNK):
                    yield planner.plan(chunk)

    added = store._writes.add_batches(batches(), progress=progress)
    return results, added


# ------------------------------------------------------------------------------ helper process


def unpack_error(t: tuple[str, str | None, int | None, str | None]) -> RecordError:
    return RecordError(t[0], path=t[1], line=t[2], field=t[3])


def _helper_batches(
    path: Path, res: ReadResult, skip_invalid: bool, squality_mode: str
) -> Iterator[_Batch]:
    # A plain subprocess, not multiprocessing: spawn would re-run the caller's main module (a
    # script without an ``if __name__ == "__main__"`` guard would import twice), and fork is
    # unsafe in a threaded server. Messages are pickles on the helper's stdout.
    pkg_root = str(Path(prefkit.__file__).resolve().parents[1])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (pkg_root, env.get("PYTHONPATH")) if p)
    cmd = [sys.executable, "-m", "prefkit.data._reader", str(path), res.format, squality_mode]
    if skip_invalid:
        cmd.append("--skip-invalid")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, env=env)
    assert proc.stdout is not None
    try:
        while True:
            try:
                msg = pickle.load(proc.stdout)
            except (EOFError, pickle.UnpicklingError):
                proc.wait(timeout=10)
                raise PrefkitError(
                    f"{path}: the reader process stopped without finishing (exit code "
                    f"{proc.returncode}); nothing was written. Pass parallel=False "
                    "(or set PREFKIT_IMPORT_PARALLEL=0) to read in this process"
                ) from None
            tag = msg[0]
            if tag == "batch":
                batch: _Batch = msg[1]
                res.streamed = (res.streamed or 0) + batch.n
                yield batch
            elif tag == "done":
                res.rows = msg[1]
                res.invalid = [unpack_error(e) for e in msg[2]]
                return
            elif tag == "record-error":
                raise unpack_error(msg[1])
            else:
                raise PrefkitError(msg[1])
    finally:
        proc.stdout.close()  # a helper still writing gets BrokenPipeError and stops
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
