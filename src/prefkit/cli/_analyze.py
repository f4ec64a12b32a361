"""``prefkit analyze``: how far to trust the labels.

``--json`` prints :class:`prefkit.analysis.AnalysisReport` ``.to_dict()``; its JSON Schema is
``prefkit.analysis.report_schema()`` (docs/schemas/analysis.json). A figure that is undefined
for the data is null with a ``note`` that says why.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any

import typer

from prefkit.analysis import AnalysisConfig
from prefkit.cli._common import (
    DbOption,
    JsonOption,
    console,
    print_json,
    styled,
)
from prefkit.cli._config import config_options
from prefkit.errors import PrefkitError

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    app.command("analyze")(analyze)


@config_options(AnalysisConfig)
def analyze(
    path: Annotated[
        Path | None, typer.Argument(help="A judgment file (any import format); else the store.")
    ] = None,
    db: DbOption = None,
    campaign: Annotated[
        str | None, typer.Option("--campaign", help="Only this campaign's judgments (store).")
    ] = None,
    gold: Annotated[
        Path | None,
        typer.Option("--gold", help="Records whose preference is the right answer (any format)."),
    ] = None,
    html_out: Annotated[
        Path | None, typer.Option("--html", help="Write the HTML report (plots inline) here.")
    ] = None,
    as_json: JsonOption = False,
    config: AnalysisConfig = AnalysisConfig(),
) -> None:
    """Agreement, self-consistency, transitivity, bias and annotator reliability."""
    from prefkit.analysis import analyze as run
    from prefkit.analysis import gold_from_records, report_html
    from prefkit.data import iter_records, open_store, read_records

    gold_map: dict[str, str] = {}
    if gold is not None:
        gold_map.update(gold_from_records(read_records(gold)))
    if path is not None and campaign is not None:
        raise PrefkitError("--campaign selects from the store; drop PATH or --campaign")

    def report(records: Iterable[Any], source: str) -> Any:
        return run(
            records,  # streamed: a big file is never held in memory
            config,
            gold=gold_map or None,
            source=source,
            campaign=campaign,
        )

    if path is not None:
        source = str(path)
        rep = report(iter_records(path), source)
    else:
        with open_store(db) as store:
            source = store.safe_url
            if campaign is not None:
                from prefkit.annotate import gold_records

                gold_map.update(gold_from_records(gold_records(store, campaign)))
            rep = report(store.iter_records(campaign=campaign), source)
    if not rep.records:
        raise PrefkitError(
            f"no judgments in {source}" + (f" for campaign {campaign!r}" if campaign else "")
        )
    if html_out is not None:
        html_out.parent.mkdir(parents=True, exist_ok=True)
        html_out.write_text(
            report_html(rep, title=f"prefkit analysis: {campaign or source}"), "utf-8"
        )
    if as_json:
        print_json(rep.to_dict())
        return
    pref = rep.preferences
    u = rep.units
    console.print(
        f"{rep.records} records, {rep.comparisons} pairwise comparisons, {rep.assessments} "
        f"ratings and labels, {len(rep.annotators)} annotators"
    )
    console.print(
        f"unit: {u.unit_key} ({u.units} units, {u.shared_units} judged more than once, "
        f"{u.repeats} repeats set aside from agreement)"
    )
    if u.note:
        console.print(f"  {u.note}")
    if rep.comparisons:
        for name, value, note in (
            ("raw agreement", pref.raw.value, pref.raw.note),
            ("Fleiss' kappa", pref.fleiss.value, pref.fleiss.note),
            ("Krippendorff's alpha", pref.alpha.value, pref.alpha.note),
        ):
            shown = "–" if value is None else f"{value:.3f}"
            console.print(f"  preferences, {name}: {shown}" + (f"  ({note})" if note else ""))
    for c in rep.ratings:
        a = c.alpha_interval
        shown = "–" if a is None or a.value is None else f"{a.value:.3f}"
        console.print(
            f"  rating {c.criterion}: interval alpha {shown}, Fleiss {_f(c.fleiss.value)}"
        )
    for c in rep.labels:
        console.print(
            f"  label {c.criterion}: nominal alpha {_f(c.alpha_nominal.value)}, "
            f"Fleiss {_f(c.fleiss.value)}"
        )
    flagged = [r.annotator for r in rep.reliability.annotators if r.flagged]
    console.print(f"  flagged annotators (preferences): {', '.join(flagged) or 'none'}")
    for w in rep.warnings:
        console.print(styled(("warning:", "yellow"), " ", w.message))
    if html_out is not None:
        console.print(f"report: {html_out}")


def _f(v: float | None) -> str:
    return "–" if v is None else f"{v:.3f}"
