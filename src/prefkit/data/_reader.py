"""The helper process of a parallel import: ``python -m prefkit.data._reader PATH FORMAT MODE``.

It reads and validates a JSON-lines file, assigns ids, turns records into table rows and writes
them as pickled ``("batch", _Batch)`` messages to stdout, then ``("done", rows, bad_rows)``, or
one ``("record-error", ...)`` / ``("error", message)``. See ``prefkit.data._bulk``.
"""

from __future__ import annotations

import os
import pickle
import queue
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from prefkit._perf import paused_gc
from prefkit.data._io import ReadResult, StreamIds, convert_iter, line_rows
from prefkit.data._write import _WRITE_CHUNK, _Planner
from prefkit.errors import PrefkitError, RecordError

ErrorTuple = tuple[str, str | None, int | None, str | None]


def pack_error(exc: RecordError) -> ErrorTuple:
    return (exc.reason, exc.path, exc.line, exc.field)


def stream(out: IO[bytes], path: Path, fmt: str, squality_mode: str, skip_invalid: bool) -> None:
    # A writer thread moves finished batches into the pipe (the write releases the GIL), so
    # this thread goes on reading while the importer is still busy with the previous batch.
    pending: queue.Queue[bytes | None] = queue.Queue(maxsize=4)
    failed: list[BaseException] = []

    def writer() -> None:
        try:
            while (data := pending.get()) is not None:
                out.write(data)
            out.flush()
        except BaseException as exc:  # BrokenPipeError: the importer has stopped
            failed.append(exc)
            while pending.get() is not None:  # drain so that the producer never blocks
                pass

    thread = threading.Thread(target=writer, name="prefkit-reader-writer", daemon=True)
    thread.start()

    def send(msg: tuple[Any, ...]) -> None:
        if failed:
            raise failed[0]
        pending.put(pickle.dumps(msg, protocol=pickle.HIGHEST_PROTOCOL))

    try:
        _stream(send, path, fmt, squality_mode, skip_invalid)
    except (RecordError, PrefkitError) as exc:
        send(_error_msg(exc))
    except BrokenPipeError:
        raise
    except Exception as exc:  # reported, never swallowed: the import fails with it
        send(("error", f"{path}: reading failed: {type(exc).__name__}: {exc}"))
    finally:
        pending.put(None)
        thread.join()
    if failed:
        raise failed[0]


def _error_msg(exc: PrefkitError) -> tuple[Any, ...]:
    if isinstance(exc, RecordError):
        return ("record-error", pack_error(exc))
    return ("error", str(exc))


def _stream(
    send: Callable[[tuple[Any, ...]], None],
    path: Path,
    fmt: str,
    squality_mode: str,
    skip_invalid: bool,
) -> None:
    res = ReadResult(records=[], format=fmt, path=str(path))
    rows = line_rows(path, fmt)
    if rows is None:
        raise PrefkitError(f"{path}: format {fmt!r} is not read line by line")
    ids = StreamIds(str(path))
    planner = _Planner()
    buf: list[Any] = []
    for rec in convert_iter(
        rows, fmt, path, res, skip_invalid=skip_invalid, squality_mode=squality_mode
    ):
        try:
            buf.append(ids(rec))
        except RecordError as exc:
            if not skip_invalid:
                raise
            res.invalid.append(exc)
            continue
        if len(buf) >= _WRITE_CHUNK:
            send(("batch", planner.plan(buf)))
            buf = []
    if buf:
        send(("batch", planner.plan(buf)))
    send(("done", res.rows, [pack_error(e) for e in res.invalid]))


def main(argv: list[str]) -> int:
    path, fmt, squality_mode = argv[:3]
    skip_invalid = "--skip-invalid" in argv[3:]
    # The pickles own stdout; anything else printed goes to stderr.
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout = sys.stderr
    try:
        with paused_gc():
            stream(out, Path(path), fmt, squality_mode, skip_invalid)
        out.close()
    except BrokenPipeError:  # the importer stopped reading: it has failed already
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
