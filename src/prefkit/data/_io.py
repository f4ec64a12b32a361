"""Reading and writing judgment files in every supported format.

``read_records`` / ``load_records`` read a file (or a Hugging Face dataset) into validated
canonical records; ``write_records`` writes them out. Errors name ``path:line`` and the field.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from prefkit._json import dumps
from prefkit._perf import paused_gc
from prefkit.data._records import Judgment, judgment_from_dict
from prefkit.data._sources import (
    hh_subset,
    judgments_from_hh,
    judgments_from_oasst,
    judgments_from_squality,
)
from prefkit.data._tabular import (
    TABLE_COLUMNS,
    is_table_row,
    judgment_to_row,
    neutralize_formula,
    row_to_record_dict,
)
from prefkit.data._trl import (
    ConversionReport,
    judgment_from_trl,
    judgment_from_trl_unpaired,
    to_trl_pairs,
    to_trl_unpaired,
)
from prefkit.errors import PrefkitError, RecordError

__all__ = [
    "EXPORT_FORMATS",
    "IMPORT_FORMATS",
    "ReadResult",
    "assign_ids",
    "detect_format",
    "load_records",
    "read_records",
    "records_to_dataset",
    "write_records",
]

IMPORT_FORMATS = ("auto", "prefkit", "trl", "hh-rlhf", "squality", "oasst", "csv", "parquet", "hf")
EXPORT_FORMATS = ("prefkit", "trl", "trl-unpaired", "csv", "parquet", "hf")
_LINE_FORMATS = ("prefkit", "trl", "hh-rlhf", "squality", "oasst")

csv.field_size_limit(sys.maxsize)


@dataclass
class ReadResult:
    """Records read from one source, the rows that failed (with ``skip_invalid``), the format."""

    records: list[Judgment]
    format: str
    path: str | None = None
    invalid: list[RecordError] = field(default_factory=list)
    rows: int = 0
    streamed: int | None = None  # records streamed straight to the store (not kept in ``records``)

    @property
    def n_records(self) -> int:
        return self.streamed if self.streamed is not None else len(self.records)


# --------------------------------------------------------------------------------------------
# detection


MAX_LINE_BYTES = int(os.environ.get("PREFKIT_MAX_LINE_MB", "64")) * 2**20
_BOM = b"\xef\xbb\xbf"


def _open_text(path: Path) -> IO[str]:
    with path.open("rb") as fh:
        magic = fh.read(2)
    if magic == b"\x1f\x8b":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", errors="strict")
    return path.open("r", encoding="utf-8-sig", errors="strict", newline="")


def _open_bytes(path: Path) -> IO[bytes]:
    with path.open("rb") as fh:
        magic = fh.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def _lines(path: Path, max_line: int | None = None) -> Iterator[tuple[int, str]]:
    """(line number, text) of a text file, decoded line by line.

    (line number, text) of a text file, decoded line by line so that an invalid byte is
    reported on its own line; a byte-order mark is dropped; a line over ``max_line`` bytes
    (``PREFKIT_MAX_LINE_MB``, default 64 MiB) is an error instead of filling memory.
    """
    cap = MAX_LINE_BYTES if max_line is None else max_line
    with _open_bytes(path) as fh:
        lineno = 0
        while True:
            try:
                raw = fh.readline(cap + 1)
            except (OSError, EOFError, zlib.error) as exc:
                raise RecordError(
                    f"cannot read the file after line {lineno}: {exc} (a truncated or corrupt "
                    "compressed file?)",
                    line=lineno + 1,
                ) from None
            if not raw:
                return
            lineno += 1
            if len(raw) > cap:
                raise RecordError(
                    f"line longer than {cap // 2**20} MiB; no record is that long (is this a "
                    "binary file?). Raise PREFKIT_MAX_LINE_MB for truly huge records",
                    line=lineno,
                )
            if lineno == 1 and raw.startswith(_BOM):
                raw = raw[len(_BOM) :]
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise RecordError(
                    f"not UTF-8 text: byte 0x{raw[exc.start]:02x} at column {exc.start + 1} "
                    f"({exc.reason}); save the file as UTF-8",
                    line=lineno,
                ) from None
            yield lineno, text


_CLEAN = {"clean_text": True}


def _clean(line: str) -> dict[str, bool] | None:
    """The validation context for a JSON line that can hold no NUL and no lone surrogate.

    Neither raw nor as an escape (a surrogate escape may still pair up: then the record's strings
    are walked).
    """
    if "\\u" not in line and "\x00" not in line:
        return _CLEAN
    if "\x00" in line or "\\u0000" in line or "\\ud" in line.lower():
        return None
    return _CLEAN


def _first_object(path: Path) -> dict[str, Any] | None:
    """The first JSON object of a JSON-lines file, or None when it is not one.

    A file that is broken in a way no format would accept raises with what is wrong.
    """
    for lineno, line in _lines(path):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except RecursionError:
            raise RecordError("JSON nested too deeply", line=lineno) from None
        except ValueError:
            return None
        return obj if isinstance(obj, dict) else None
    raise RecordError("the file is empty (no line with data)")


def _row_kind(row: dict[str, Any]) -> str:
    """Which layout one row follows: prefkit, table, trl, trl-unpaired, hh-rlhf, squality, oasst."""
    keys = set(row)
    if "passage-id" in keys and "questions" in keys:
        return "squality"
    if "message_tree_id" in keys or isinstance(row.get("prompt"), dict):
        return "oasst"
    if is_table_row(row):
        return "table"
    if "responses" in keys or "response_a" in keys:
        return "prefkit"
    if "chosen" in keys and "rejected" in keys:
        c = row["chosen"]
        if keys == {"chosen", "rejected"} and isinstance(c, str) and c.startswith("\n\nHuman: "):
            return "hh-rlhf"
        return "trl"
    if "completion" in keys and "label" in keys:
        return "trl-unpaired"
    raise RecordError(
        f"cannot tell the layout from the fields {sorted(keys)}; expected prefkit records "
        "('prompt', 'responses'), the shorthand ('prompt', 'response_a', 'response_b', 'winner'), "
        "TRL ('chosen', 'rejected' or 'completion', 'label'), HH-RLHF, SQuALITY or OpenAssistant"
    )


def detect_format(path: str | Path) -> str:
    """The import format of a file or folder, judged by its content (not its name alone)."""
    p = Path(path)
    if p.is_dir():
        if (p / "dataset_info.json").exists() or (p / "dataset_dict.json").exists():
            return "hf"
        raise PrefkitError(
            f"{p} is a folder but not a Hugging Face dataset saved with save_to_disk "
            "(no dataset_info.json); give a file or such a folder"
        )
    if not p.exists():
        raise PrefkitError(f"{p}: no such file")
    with p.open("rb") as fh:
        head = fh.read(4)
    if head == b"PAR1":
        return "parquet"
    try:
        obj = _first_object(p)
    except RecordError as exc:
        raise PrefkitError(f"{exc.located(str(p), exc.line)}") from None
    if obj is not None:
        try:
            kind = _row_kind(obj)
        except RecordError as exc:
            raise PrefkitError(f"{p}: {exc.reason}") from None
        return {"table": "prefkit", "trl-unpaired": "trl"}.get(kind, kind)
    if p.suffix.lower() in (".csv", ".tsv") or _looks_like_csv(p):
        return "csv"
    raise PrefkitError(
        f"{p}: cannot detect the format (not JSON lines, CSV, Parquet or a dataset folder); "
        f"name the format, one of {list(IMPORT_FORMATS[1:])}"
    )


def _looks_like_csv(path: Path) -> bool:
    try:
        with _open_text(path) as fh:
            header = fh.readline()
    except (ValueError, OSError, EOFError, zlib.error):
        return False
    cols = {c.strip() for c in header.split(",")}
    return "prompt" in cols or "responses" in cols or "chosen" in cols


# --------------------------------------------------------------------------------------------
# rows


class _Line(str):
    """A raw JSON line, parsed lazily: canonical records validate straight from the text."""

    __slots__ = ()


def _json_rows(path: Path) -> Iterator[tuple[int, Any]]:
    for lineno, line in _lines(path):
        if line.strip():
            yield lineno, _Line(line)


def _csv_rows(path: Path) -> Iterator[tuple[int, Any]]:
    with _open_text(path) as fh:
        try:
            sample = fh.read(4096)
            fh.seek(0)
            delimiter = (
                "\t"
                if path.suffix.lower() == ".tsv" or sample.count("\t") > sample.count(",")
                else ","
            )
            reader = csv.DictReader(fh, delimiter=delimiter)
            for row in reader:
                if None in row:
                    yield reader.line_num, RecordError("more cells than header columns")
                    continue
                yield reader.line_num, {k: (v if v != "" else None) for k, v in row.items()}
        except (csv.Error, UnicodeDecodeError) as exc:
            raise RecordError(f"not a readable CSV file: {exc}") from None


def _parquet_rows(path: Path) -> Iterator[tuple[int, Any]]:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises many types for a broken file
        raise RecordError(f"not a readable Parquet file: {exc}") from None
    yield from enumerate(table.to_pylist(), start=1)


def _dataset_rows(ds: Any) -> Iterator[tuple[int, Any]]:
    yield from enumerate(ds, start=1)


def _hf_rows(path: Path, split: str | None) -> Iterator[tuple[int, Any]]:
    ds = _load_hf(path, split)
    yield from _dataset_rows(ds)


def _load_hf(path: Path, split: str | None) -> Any:
    try:
        from datasets import DatasetDict, load_from_disk
    except ImportError:  # pragma: no cover - datasets is a dependency
        raise PrefkitError("reading Hugging Face datasets needs `pip install datasets`") from None
    try:
        ds = load_from_disk(str(path))
    except Exception as exc:
        raise PrefkitError(f"{path}: not a dataset saved with save_to_disk: {exc}") from None
    if isinstance(ds, DatasetDict):
        names = list(ds)
        chosen = split or ("train" if "train" in ds else names[0] if len(names) == 1 else None)
        if chosen not in ds:
            raise PrefkitError(
                f"{path} holds splits {names}; choose one with split= "
                f"{'' if split is None else f'(got {split!r})'}".strip()
            )
        ds = ds[chosen]
    return ds


# --------------------------------------------------------------------------------------------
# conversion


def _converter(kind: str, path: Path | None, squality_mode: str) -> Callable[[Any], list[Judgment]]:
    if kind == "prefkit":
        return lambda row: [judgment_from_dict(row)]
    if kind == "table":
        return lambda row: [judgment_from_dict(row_to_record_dict(row))]
    if kind == "trl":
        return lambda row: [judgment_from_trl(row)]
    if kind == "trl-unpaired":
        return lambda row: [judgment_from_trl_unpaired(row)]
    if kind == "hh-rlhf":
        subset = hh_subset(str(path)) if path else None
        return lambda row: judgments_from_hh(row, subset)
    if kind == "squality":
        return lambda row: judgments_from_squality(row, squality_mode)
    if kind == "oasst":
        return judgments_from_oasst
    raise AssertionError(kind)


_ALLOWED_KINDS = {
    "prefkit": {"prefkit", "table"},
    "trl": {"trl", "trl-unpaired"},
    "hh-rlhf": {"hh-rlhf"},
    "squality": {"squality"},
    "oasst": {"oasst"},
}


def _convert_rows(
    rows: Iterable[tuple[int, Any]],
    fmt: str,
    path: Path | None,
    *,
    skip_invalid: bool,
    squality_mode: str,
    progress: Callable[[int], None] | None = None,
) -> ReadResult:
    result = ReadResult(records=[], format=fmt, path=str(path) if path is not None else None)
    with paused_gc():
        result.records.extend(
            convert_iter(
                rows,
                fmt,
                path,
                result,
                skip_invalid=skip_invalid,
                squality_mode=squality_mode,
                progress=progress,
            )
        )
        assign_ids(result, skip_invalid=skip_invalid)
    return result


def convert_iter(
    rows: Iterable[tuple[int, Any]],
    fmt: str,
    path: Path | None,
    result: ReadResult,
    *,
    skip_invalid: bool,
    squality_mode: str,
    progress: Callable[[int], None] | None = None,
) -> Iterator[Judgment]:
    """Records from numbered rows, one at a time; counts rows and bad rows into ``result``.

    Ids are not assigned here (see ``assign_ids`` and ``StreamIds``).
    """
    where = result.path
    convert: Callable[[Any], list[Judgment]] | None = None
    kind_of_file: str | None = None
    lineno = 0
    rows_iter = iter(rows)
    while True:
        try:
            item = next(rows_iter)
        except StopIteration:
            break
        except RecordError as exc:  # the container itself is broken: fatal
            raise exc.located(where, exc.line) from None
        except (OSError, EOFError, zlib.error) as exc:  # truncated or corrupt compressed file
            raise RecordError(f"cannot read the file after line {lineno}: {exc}").located(
                where, None
            ) from None
        lineno, row = item
        result.rows += 1
        try:
            if isinstance(row, RecordError):
                raise row
            if isinstance(row, _Line):
                if kind_of_file == "prefkit":
                    # Fast path: pydantic parses and validates the JSON text in one pass; any
                    # failure goes the slow way below for the precise error message.
                    try:
                        rec = Judgment.model_validate_json(row, context=_clean(row))
                    except ValueError:
                        pass
                    else:
                        yield rec
                        if progress is not None:
                            progress(lineno)
                        continue
                try:
                    row = json.loads(row)
                except json.JSONDecodeError as exc:
                    raise RecordError(f"invalid JSON: {exc.msg} (column {exc.colno})") from None
            if not isinstance(row, dict):
                raise RecordError(f"expected a JSON object, got {type(row).__name__}")
            if convert is None:
                kind_of_file = _row_kind(row)
                # Treat the shorthand as prefkit; the explicit format must allow what we saw.
                if fmt in _ALLOWED_KINDS and kind_of_file not in _ALLOWED_KINDS[fmt]:
                    raise RecordError(
                        f"this looks like {kind_of_file!r} data, not {fmt!r}; "
                        f"use format {kind_of_file if kind_of_file != 'table' else 'prefkit'!r} "
                        "or 'auto'"
                    )
                convert = _converter(kind_of_file, path, squality_mode)
            converted = convert(row)
        except RecordError as exc:
            err = exc.located(where, lineno)
            if not skip_invalid:
                raise err from None
            result.invalid.append(err)
        except RecursionError:
            err = RecordError("nested too deeply").located(where, lineno)
            if not skip_invalid:
                raise err from None
            result.invalid.append(err)
        else:
            yield from converted
        if progress is not None:
            progress(lineno)


def assign_ids(result: ReadResult, *, skip_invalid: bool = False) -> None:
    """Give every record an id: explicit ids must be unique; others get ``j-<content hash>``.

    Content ids are stable, so importing the same file twice finds the same ids; identical records
    within one file get ``-2``, ``-3`` suffixes in file order.
    """
    seen: dict[str, int] = {}
    out = []
    for i, rec in enumerate(result.records):
        if rec.id is not None:
            if rec.id in seen:
                err = RecordError(
                    f"duplicate id {rec.id!r} (also record {seen[rec.id] + 1} of this file); "
                    "ids must be unique",
                    path=result.path,
                    field="id",
                )
                if not skip_invalid:
                    raise err
                result.invalid.append(err)
                continue
            seen[rec.id] = i
        out.append(rec)
    counts: dict[str, int] = {}
    for i, rec in enumerate(out):
        if rec.id is None:
            base = "j-" + rec.content_hash()[:16]
            n = counts.get(base, 0) + 1
            counts[base] = n
            new_id = base if n == 1 else f"{base}-{n}"
            while new_id in seen:
                n += 1
                counts[base] = n
                new_id = f"{base}-{n}"
            seen[new_id] = i
            out[i] = rec.with_id(new_id)
    result.records = out


class StreamIds:
    """``assign_ids`` for a stream, one record at a time in file order.

    The one difference from ``assign_ids``: a record without id gets its content id as soon as it
    is read, so an explicit id further down the file that equals it is reported as a duplicate
    (``assign_ids``, which sees the whole file first, would number the record without id instead).
    """

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.seen: dict[str, int] = {}
        self.counts: dict[str, int] = {}
        self.index = 0

    def __call__(self, rec: Judgment) -> Judgment:
        i = self.index
        self.index += 1
        if rec.id is not None:
            if rec.id in self.seen:
                raise RecordError(
                    f"duplicate id {rec.id!r} (also record {self.seen[rec.id] + 1} of this file); "
                    "ids must be unique",
                    path=self.path,
                    field="id",
                )
            self.seen[rec.id] = i
            return rec
        base = "j-" + rec.content_hash()[:16]
        n = self.counts.get(base, 0) + 1
        new_id = base if n == 1 else f"{base}-{n}"
        while new_id in self.seen:
            n += 1
            new_id = f"{base}-{n}"
        self.counts[base] = n
        self.seen[new_id] = i
        return rec.with_id(new_id)


def line_rows(path: Path, fmt: str) -> Iterable[tuple[int, Any]] | None:
    """The numbered rows of a JSON-lines file, or None for formats read whole (CSV, Parquet, HF)."""
    if fmt in ("csv", "parquet", "hf") or path.is_dir():
        return None
    return _json_rows(path)


def _wide_rows(path: Path) -> Iterator[tuple[int, Any]]:
    """Rows of a wide file for a column map: CSV/TSV, JSON lines, or a JSON array of objects."""
    suffixes = [s.lower() for s in path.suffixes]
    if ".csv" in suffixes or ".tsv" in suffixes:
        yield from _csv_rows(path)
        return
    with _open_text(path) as fh:
        try:
            head = fh.read(1 << 16).lstrip("\ufeff \t\r\n")[:1]
        except UnicodeDecodeError as exc:
            raise RecordError(f"not UTF-8 text ({exc.reason})", line=1) from None
    if head == "[":
        with _open_text(path) as fh:
            try:
                rows = json.load(fh)
            except json.JSONDecodeError as exc:
                raise RecordError(f"invalid JSON: {exc.msg}", line=exc.lineno) from None
        if not isinstance(rows, list):
            raise RecordError("a JSON file for a column map holds a list of row objects")
        yield from enumerate(rows, start=1)  # "line" N: the N-th row of the array
        return
    for lineno, line in _json_rows(path):
        try:
            yield lineno, json.loads(line)
        except json.JSONDecodeError as exc:
            yield lineno, RecordError(f"invalid JSON: {exc.msg} (column {exc.colno})")


def _mapped(
    path: Path, mapping: Any, *, skip_invalid: bool, progress: Callable[[int], None] | None
) -> ReadResult:
    from prefkit.data._mapping import ColumnMap, load_column_map, records_from_wide

    cmap = mapping if isinstance(mapping, ColumnMap) else load_column_map(mapping)
    result = ReadResult(records=[], format="mapped", path=str(path))
    where = str(path)

    def counted() -> Iterator[tuple[int, Any]]:
        for lineno, row in _wide_rows(path):
            result.rows += 1
            if progress is not None:
                progress(lineno)
            yield lineno, row

    with paused_gc():
        if skip_invalid:
            for lineno, row in counted():
                try:
                    result.records.extend(records_from_wide([(lineno, row)], cmap, where))
                except RecordError as exc:
                    result.invalid.append(exc)
        else:
            try:
                result.records.extend(records_from_wide(counted(), cmap, where))
            except RecordError as exc:
                raise exc.located(where, exc.line) from None
        assign_ids(result, skip_invalid=skip_invalid)
    return result


def load_records(
    source: str | Path | Any,
    format: str = "auto",
    *,
    skip_invalid: bool = False,
    split: str | None = None,
    squality_mode: str = "pairwise",
    progress: Callable[[int], None] | None = None,
    mapping: Any = None,
) -> ReadResult:
    """Read a judgment file, a dataset folder or a ``datasets.Dataset`` into canonical records.

    Args:
        source: a path, or a ``datasets.Dataset`` object.
        format: one of ``IMPORT_FORMATS``; ``auto`` looks at the content.
        skip_invalid: keep the good records and list the bad ones in ``ReadResult.invalid``
            instead of raising on the first.
        split: which split of a saved ``DatasetDict`` to read (default ``train``).
        squality_mode: ``pairwise`` (default) or ``ranking``, see ``judgments_from_squality``.
        progress: called with the number of records read so far.
        mapping: a column map (a :class:`prefkit.data.ColumnMap` or the path of its YAML) for
            a wide file with one column per annotator (CSV, JSON lines or a JSON array).

    Raises:
        RecordError: a row is invalid (``path:line``, field and the expectation in the message).
        PrefkitError: the file cannot be read or its format is unknown.
    """
    if format not in IMPORT_FORMATS:
        raise PrefkitError(f"unknown format {format!r}; expected one of {list(IMPORT_FORMATS)}")
    if not isinstance(source, str | Path):
        return _convert_rows(
            _dataset_rows(source),
            "hf",
            None,
            skip_invalid=skip_invalid,
            squality_mode=squality_mode,
        )
    path = Path(source)
    if not path.exists():
        raise PrefkitError(f"{path}: no such file or folder")
    if mapping is not None:
        return _mapped(path, mapping, skip_invalid=skip_invalid, progress=progress)
    fmt = detect_format(path) if format == "auto" else format
    rows: Iterable[tuple[int, Any]]
    if fmt == "csv":
        rows = _csv_rows(path)
    elif fmt == "parquet":
        rows = _parquet_rows(path)
    elif fmt == "hf":
        rows = _hf_rows(path, split)
    else:
        if path.is_dir():
            raise PrefkitError(f"{path} is a folder; format {fmt!r} reads a file")
        rows = _json_rows(path)
    return _convert_rows(
        rows, fmt, path, skip_invalid=skip_invalid, squality_mode=squality_mode, progress=progress
    )


def iter_records(
    source: str | Path, format: str = "auto", *, squality_mode: str = "pairwise"
) -> Iterator[Judgment]:
    """Records one at a time, validated, never all in memory.

    Records one at a time, validated, never all in memory (JSON-lines files stream; other
    formats are read whole first). Raises on the first invalid row, like :func:`read_records`;
    records keep the ids their file gives (none are assigned).
    """
    path = Path(source)
    if not path.exists():
        raise PrefkitError(f"{path}: no such file or folder")
    fmt = detect_format(path) if format == "auto" else format
    if fmt not in IMPORT_FORMATS:
        raise PrefkitError(f"unknown format {format!r}; expected one of {list(IMPORT_FORMATS)}")
    rows = line_rows(path, fmt)
    if rows is None:
        yield from load_records(path, fmt, squality_mode=squality_mode).records
        return
    result = ReadResult(records=[], format=fmt, path=str(path))
    yield from convert_iter(
        rows, fmt, path, result, skip_invalid=False, squality_mode=squality_mode
    )


def read_records(source: str | Path | Any, format: str = "auto", **kwargs: Any) -> list[Judgment]:
    """Read canonical records from a file, a dataset folder or a ``datasets.Dataset``.

    Raises on the first invalid row; :func:`load_records` also reports what it read.
    """
    return load_records(source, format, **kwargs).records


# --------------------------------------------------------------------------------------------
# writing


def _open_out(path: Path) -> IO[str]:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "wb"), encoding="utf-8")
    return path.open("w", encoding="utf-8", newline="")


def _rows_for(
    records: Iterable[Judgment], fmt: str, ties: str, from_ranking: str, report: ConversionReport
) -> list[dict[str, Any]]:
    if fmt == "trl":
        return to_trl_pairs(records, ties=ties, from_ranking=from_ranking, report=report)  # type: ignore[arg-type]
    if fmt == "trl-unpaired":
        return to_trl_unpaired(records, ties=ties, from_ranking=from_ranking, report=report)  # type: ignore[arg-type]
    rows = []
    for rec in records:
        report.records_in += 1
        if isinstance(rec, dict):  # canonical objects straight from Store.iter_dicts
            rows.append(rec if fmt == "prefkit" else judgment_to_row(judgment_from_dict(rec)))
        else:
            rows.append(judgment_to_row(rec) if fmt != "prefkit" else rec.to_dict())
    report.rows_out = len(rows)
    return rows


def records_to_dataset(
    records: Iterable[Judgment],
    layout: str = "trl",
    *,
    ties: str = "error",
    from_ranking: str = "adjacent",
    report: ConversionReport | None = None,
) -> Any:
    """A ``datasets.Dataset`` in TRL's layout or prefkit's.

    A ``datasets.Dataset`` in TRL's layout (``trl``, ``trl-unpaired``) or prefkit's (``prefkit``,
    flat with JSON text for nested fields).
    """
    from datasets import Dataset

    if layout not in ("trl", "trl-unpaired", "prefkit"):
        raise PrefkitError(
            f"unknown dataset layout {layout!r}; expected one of ['trl', 'trl-unpaired', 'prefkit']"
        )
    report = report if report is not None else ConversionReport()
    fmt = "csv" if layout == "prefkit" else layout
    rows = _rows_for(records, fmt, ties, from_ranking, report)
    if layout == "prefkit":
        return Dataset.from_dict({c: [r[c] for r in rows] for c in TABLE_COLUMNS})
    return Dataset.from_list(rows)


def write_records(
    records: Iterable[Judgment],
    path: str | Path,
    format: str = "prefkit",
    *,
    ties: str = "error",
    from_ranking: str = "adjacent",
    hf_layout: str = "trl",
) -> ConversionReport:
    """Write records as ``format`` (one of ``EXPORT_FORMATS``) and report what was converted.

    ``prefkit``, ``trl`` and ``trl-unpaired`` write JSON lines (gzip when the name ends ``.gz``);
    ``csv`` and ``parquet`` the flat table; ``hf`` a ``save_to_disk`` folder in ``hf_layout``.
    """
    if format not in EXPORT_FORMATS:
        raise PrefkitError(f"unknown format {format!r}; expected one of {list(EXPORT_FORMATS)}")
    out = Path(path)
    report = ConversionReport()
    if format == "hf":
        ds = records_to_dataset(
            records, hf_layout, ties=ties, from_ranking=from_ranking, report=report
        )
        ds.save_to_disk(str(out))
        return report
    with paused_gc():
        return _write_rows(
            _rows_for(records, format, ties, from_ranking, report), out, format, report
        )


def _write_rows(
    rows: list[dict[str, Any]], out: Path, format: str, report: ConversionReport
) -> ConversionReport:
    if format == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        out.parent.mkdir(parents=True, exist_ok=True)
        schema = pa.schema(
            [(c, pa.float64() if c == "strength" else pa.string()) for c in TABLE_COLUMNS]
        )
        table = pa.Table.from_pylist(rows, schema=schema)
        pq.write_table(table, out)
        return report
    with _open_out(out) as fh:
        if format == "csv":
            writer = csv.DictWriter(fh, fieldnames=TABLE_COLUMNS)
            writer.writeheader()
            writer.writerows({k: neutralize_formula(v) for k, v in row.items()} for row in rows)
        else:
            for row in rows:
                fh.write(dumps(row))
                fh.write("\n")
    return report
