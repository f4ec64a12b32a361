"""``prefkit init``, ``import``, ``export`` and ``stats``.

JSON output (``--json``), one object per command:

- ``init``: ``{"database": url, "revision": str}``
- ``import``: ``{"database", "sources": [{"path", "format", "rows", "records", "invalid"}],
  "records", "added", "skipped", "invalid": [{"path", "line", "field", "reason"}]}``
- ``export``: ``{"database", "out", "format", "records_in", "rows_out", "dropped": {reason: n},
  "dropped_total", "expanded"}``
- ``stats``: ``{"database", "campaign", "judgments", "prompts", "responses", "ties",
  "degenerate", "by_kind", "by_source", "by_annotator", "by_campaign", "by_criterion"}``
  (each ``by_*`` maps a value, ``"(none)"`` for missing, to a count of judgments)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from prefkit.cli._common import (
    DbOption,
    JsonOption,
    console,
    console_err,
    print_json,
    styled,
)
from prefkit.data import (
    EXPORT_FORMATS,
    IMPORT_FORMATS,
    RANKING_POLICIES,
    TIE_POLICIES,
    import_sources,
    open_store,
    sample_paths,
    write_records,
)
from prefkit.errors import PrefkitError, RecordError

__all__ = ["register"]


def _progress(enabled: bool) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console_err,
        transient=True,
        disable=not enabled,
    )


def _advance(bar: Progress, task: TaskID, done: int) -> None:
    bar.update(task, completed=done)


def _choice(value: str, allowed: tuple[str, ...], option: str) -> str:
    if value not in allowed:
        raise PrefkitError(f"{option} {value!r} is not one of {list(allowed)}")
    return value


def init(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Create the store and the workbench's tables (or upgrade them) and print where it is."""
    from prefkit.annotate import open_workbench, workbench_revision

    with open_workbench(db) as store:
        rev, wb = store.revision, workbench_revision(store)
    if as_json:
        print_json({"database": store.safe_url, "revision": rev, "workbench_revision": wb})
    else:
        console.print(
            f"store ready at {store.safe_url} (schema revision {rev}, workbench {wb})",
            highlight=False,
        )


def _error_dict(err: RecordError) -> dict[str, Any]:
    return {"path": err.path, "line": err.line, "field": err.field, "reason": err.reason}


def import_(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files or dataset folders to import.")
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help=f"One of {', '.join(IMPORT_FORMATS)}.")
    ] = "auto",
    db: DbOption = None,
    sample: Annotated[
        bool, typer.Option("--sample", help="Import the bundled sample (HH-RLHF and SQuALITY).")
    ] = False,
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid",
            help="Write the good records and report the bad ones (default: all-or-nothing).",
        ),
    ] = False,
    report: Annotated[
        Path | None,
        typer.Option("--report", help="With --skip-invalid: write the bad rows here (JSON lines)."),
    ] = None,
    split: Annotated[
        str | None, typer.Option("--split", help="Split of a saved DatasetDict (default train).")
    ] = None,
    squality_mode: Annotated[
        str, typer.Option("--squality-mode", help="SQuALITY: pairwise (default) or ranking.")
    ] = "pairwise",
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--map",
            help="A column map (YAML) for a wide file with one column per annotator: CSV, "
            "JSON lines or a JSON array (see prefkit.data.ColumnMap).",
        ),
    ] = None,
    parallel: Annotated[
        bool | None,
        typer.Option(
            "--parallel/--no-parallel",
            help="Read big JSON-lines files in a helper process (default: when a file is at "
            "least 8 MiB and there is more than one CPU; $PREFKIT_IMPORT_PARALLEL=0|1 "
            "overrides the default).",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Import judgments into the store, all-or-nothing (others keep writing meanwhile)."""
    _choice(fmt, IMPORT_FORMATS, "--format")
    sources = list(paths or [])
    if sample:
        sources += sample_paths()
    if not sources:
        raise PrefkitError("nothing to import: give a PATH or --sample")
    with _progress(not as_json) as bar, open_store(db) as store:
        task = bar.add_task("importing", total=None)
        results, added = import_sources(
            store,
            sources,
            fmt,
            skip_invalid=skip_invalid,
            split=split,
            squality_mode=squality_mode,
            progress=lambda n: bar.update(task, completed=n),
            mapping=mapping,
            parallel=parallel,
        )
        where = store.safe_url
    n_records = sum(res.n_records for res in results)
    invalid = [e for res in results for e in res.invalid]
    if report is not None and invalid:
        with report.open("w", encoding="utf-8") as fh:
            for err in invalid:
                fh.write(json.dumps(_error_dict(err), ensure_ascii=False) + "\n")
    if as_json:
        print_json(
            {
                "database": where,
                "sources": [
                    {
                        "path": res.path,
                        "format": res.format,
                        "rows": res.rows,
                        "records": res.n_records,
                        "invalid": len(res.invalid),
                    }
                    for res in results
                ],
                "records": n_records,
                **added.to_dict(),
                "invalid": [_error_dict(e) for e in invalid],
            }
        )
        return
    for res in results:
        console.print(
            f"{res.path}: {res.format}, {res.rows} rows → {res.n_records} records"
            + (f", {len(res.invalid)} invalid rows skipped" if res.invalid else ""),
            highlight=False,
        )
    console.print(
        f"imported {added.added} judgments into {where}"
        + (f" ({added.skipped} already present)" if added.skipped else ""),
        highlight=False,
    )
    if invalid:
        for err in invalid[:10]:
            console_err.print(f"  skipped {err}", highlight=False, markup=False)
        if len(invalid) > 10:
            console_err.print(f"  … and {len(invalid) - 10} more", highlight=False)
        if report is not None:
            console_err.print(f"  all {len(invalid)} listed in {report}", highlight=False)


def export(
    out: Annotated[Path, typer.Option("--out", "-o", help="Output file (or folder for hf).")],
    fmt: Annotated[
        str, typer.Option("--format", "-f", help=f"One of {', '.join(EXPORT_FORMATS)}.")
    ] = "prefkit",
    db: DbOption = None,
    ties: Annotated[
        str,
        typer.Option("--ties", help="TRL formats: drop, split (both orders) or error on a tie."),
    ] = "error",
    from_ranking: Annotated[
        str,
        typer.Option("--from-ranking", help="TRL formats: adjacent or all-pairs from rankings."),
    ] = "adjacent",
    campaign: Annotated[str | None, typer.Option("--campaign", help="Only this campaign.")] = None,
    hf_layout: Annotated[
        str, typer.Option("--hf-layout", help="hf: trl (default), trl-unpaired or prefkit.")
    ] = "trl",
    tokenizer: Annotated[
        str | None,
        typer.Option(
            "--tokenizer",
            help="trl formats: check every row against this model's chat template and token "
            "lengths (smollm2, hf:DIR or a folder); repairs and drops are reported.",
        ),
    ] = None,
    max_length: Annotated[
        int, typer.Option("--max-length", help="With --tokenizer: the trainer's token limit.")
    ] = 1024,
    too_long: Annotated[
        str,
        typer.Option("--too-long", help="With --tokenizer: rows over it: keep, drop or error."),
    ] = "keep",
    as_json: JsonOption = False,
) -> None:
    """Export the store's judgments; conversions to TRL report what was dropped or expanded."""
    _choice(fmt, EXPORT_FORMATS, "--format")
    _choice(ties, TIE_POLICIES, "--ties")
    _choice(from_ranking, RANKING_POLICIES, "--from-ranking")
    _choice(too_long, ("keep", "drop", "error"), "--too-long")
    if tokenizer is not None:
        if fmt not in ("trl", "trl-unpaired"):
            raise PrefkitError("--tokenizer checks TRL rows: use it with --format trl|trl-unpaired")
        _export_checked(out, fmt, db, campaign, ties, from_ranking, tokenizer, max_length,
                        too_long, as_json)  # fmt: skip
        return
    with open_store(db) as store:
        total = store.count(campaign=campaign)
        with _progress(not as_json) as bar:
            task = bar.add_task("exporting", total=total)

            def records() -> Any:
                for i, rec in enumerate(store.iter_records(campaign=campaign), start=1):
                    if i % 1000 == 0:
                        bar.update(task, completed=i)
                    yield rec

            rep = write_records(
                records(), out, fmt, ties=ties, from_ranking=from_ranking, hf_layout=hf_layout
            )
        where = store.safe_url
    info = rep.to_dict()
    if as_json:
        print_json({"database": where, "out": str(out), "format": fmt, **info})
        return
    console.print(
        f"wrote {info['rows_out']} rows ({fmt}) from {info['records_in']} judgments to {out}",
        highlight=False,
    )
    if info["dropped_total"] or info["expanded"]:
        dropped = ", ".join(f"{n} {why}" for why, n in info["dropped"].items()) or "none"
        console.print(
            f"dropped: {dropped}; expanded into several rows: {info['expanded']}", highlight=False
        )
    if info["lost_fields"] and fmt.startswith("trl"):
        console.print("not carried by TRL rows: " + ", ".join(info["lost_fields"]), highlight=False)


def _export_checked(
    out: Path, fmt: str, db: str | None, campaign: str | None, ties: str, from_ranking: str,
    tokenizer: str, max_length: int, too_long: str, as_json: bool,
) -> None:  # fmt: skip
    """TRL rows checked against a tokenizer before they are written (``--tokenizer``)."""
    import gzip

    from prefkit.data import ConversionReport, to_trl_pairs, to_trl_unpaired
    from prefkit.optimize import check_rows, load_tokenizer

    rep = ConversionReport()
    with open_store(db) as store:
        recs = store.iter_records(campaign=campaign)
        convert = to_trl_pairs if fmt == "trl" else to_trl_unpaired
        rows = convert(recs, ties=ties, from_ranking=from_ranking, report=rep)  # type: ignore[arg-type]
        where = store.safe_url
    policy = "truncate" if too_long == "keep" else too_long
    kept, dropped, repaired, lengths = check_rows(
        rows,
        load_tokenizer(tokenizer),
        max_length=max_length,
        too_long=policy,  # type: ignore[arg-type]
    )
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in kept)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.name.endswith(".gz"):
        with gzip.open(out, "wt", encoding="utf-8") as fh:
            fh.write(text)
    else:
        out.write_text(text, "utf-8")
    info = {
        **rep.to_dict(),
        "rows_out": len(kept),
        "template_dropped": dropped,
        "template_repaired": repaired,
        "lengths": lengths.to_dict() if lengths else None,
    }
    if as_json:
        print_json({"database": where, "out": str(out), "format": fmt, **info})
        return
    console.print(
        f"wrote {len(kept)} rows ({fmt}) from {rep.records_in} judgments to {out}", highlight=False
    )
    for label, counts in (("dropped", {**rep.dropped, **dropped}), ("repaired", repaired)):
        if counts:
            console.print(f"{label}: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
    if lengths is not None:
        console.print(
            f"tokens p50 {lengths.p50:.0f}, p90 {lengths.p90:.0f}, p99 {lengths.p99:.0f}, longest "
            f"{lengths.longest}; {lengths.over} rows over max_length={max_length}"
            + (" (kept: TRL truncates them)" if too_long == "keep" else ""),
            highlight=False,
        )
    if rep.lost:
        console.print("not carried by TRL rows: " + ", ".join(sorted(rep.lost)), highlight=False)


def stats(
    db: DbOption = None,
    campaign: Annotated[str | None, typer.Option("--campaign", help="Only this campaign.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Counts of judgments by source, annotator, kind and criterion; ties and degenerate pairs."""
    with open_store(db) as store:
        s = store.stats(campaign=campaign)
    if as_json:
        print_json(s)
        return
    console.print(
        styled(
            (str(s["judgments"]), "bold"),
            f" judgments over {s['prompts']} prompts and {s['responses']} distinct responses "
            f"in {s['database']}",
        )
    )
    console.print(f"ties: {s['ties']}   degenerate pairs (identical responses): {s['degenerate']}")
    for key in ("by_kind", "by_source", "by_annotator", "by_campaign", "by_criterion"):
        if not s[key]:
            continue
        table = Table(title=key.replace("_", " "), title_justify="left", show_edge=False)
        table.add_column("value")
        table.add_column("judgments", justify="right")
        items = sorted(s[key].items(), key=lambda kv: -kv[1])
        for name, n in items[:15]:
            table.add_row(name, str(n))
        if len(items) > 15:
            table.add_row(f"… {len(items) - 15} more", "")
        console.print(table)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("import")(import_)
    app.command("export")(export)
    app.command("stats")(stats)
