"""``prefkit analyze``: how far to trust the labels.

``--json`` prints one object (``schema`` 1)::

    {"schema": 1, "source": str, "campaign": str|null, "records": int, "votes": int,
     "annotators": [str],
     "agreement": {
        "preference": {"units": int, "units_with_two_or_more": int, "annotators": [str],
                       "raw": {"value": float|null, "pairs": int, "note": str|null},
                       "cohen": [{"a", "b", "items", "raw", "kappa", "note"}],
                       "fleiss": {"value", "note"},
                       "alpha_nominal": {"value", "alpha", "level", "units", "values", "ci",
                                         "confidence", "bootstrap", "note"}},
        "ratings": {criterion: {"responses", "annotators", "alpha_interval": {...},
                                "alpha_ordinal": {...},
                                "cohen_quadratic": [{"a", "b", "items", "kappa_quadratic",
                                                     "note"}]}}},
     "self_consistency": {"repeats", "flip_rate", "reversal_rate", "tie_flip_rate",
                          "kappa_between_passes", "note",
                          "annotators": [{"annotator", "repeats", "reversals", "tie_flips",
                                          "flip_rate", "reversal_rate"}]},
     "transitivity": {"rule", "triads", "cyclic", "cyclic_rate", "kendall_zeta", "note",
                      "annotators": [{"annotator", "triads", "cyclic", "cyclic_rate",
                                      "kendall_zeta", "complete_blocks"}],
                      "cycles": [{"annotator", "prompt", "responses": [key, key, key]}]},
     "bias": {"position": {"votes", "left_wins", "p_left", "ci", "p_value", "test", "note",
                           "annotators": [...]},
              "length": {"votes", "longer_wins", "sd_chars", "log_odds_per_sd", "ci",
                         "odds_ratio_per_sd", "p_value", "note"},
              "ratings_vs_preference": {"note", "criteria": {criterion: {"agree", "equal",
                                         "contradict", "votes", "agreement"}}}},
     "reliability": {"threshold", "dawid_skene": {"iterations", "note"},
                     "annotators": [{"annotator", "votes", "loo_majority_agreement",
                                     "loo_items", "gold_accuracy", "gold_items",
                                     "dawid_skene_reliability", "flagged"}]}}

A figure that is undefined for the data is null with a ``note`` that says why.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from prefkit.cli._common import DbOption, JsonOption, console, load_judgments, print_json
from prefkit.errors import PrefkitError

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    app.command("analyze")(analyze)


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
    threshold: Annotated[
        float, typer.Option("--threshold", help="Flag annotators below this reliability.")
    ] = 0.6,
    bootstrap: Annotated[int, typer.Option("--bootstrap", help="Resamples for α's CI.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the bootstrap.")] = 0,
    html_out: Annotated[
        Path | None, typer.Option("--html", help="Write the HTML report (plots inline) here.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Agreement, self-consistency, transitivity, bias and annotator reliability."""
    from prefkit.analysis import analyze as run
    from prefkit.analysis import gold_from_records, report_html
    from prefkit.data import open_store, read_records

    gold_map: dict[str, str] = {}
    records, source = load_judgments(path, db, campaign)
    if path is None and campaign is not None:
        from prefkit.annotate import gold_records

        with open_store(db) as store:
            gold_map.update(gold_from_records(gold_records(store, campaign)))
    if not records:
        raise PrefkitError(
            f"no judgments in {source}" + (f" for campaign {campaign!r}" if campaign else "")
        )
    if gold is not None:
        gold_map.update(gold_from_records(read_records(gold)))
    rep = run(records, gold=gold_map or None, threshold=threshold, bootstrap=bootstrap, seed=seed)
    rep = {"schema": rep["schema"], "source": source, "campaign": campaign, **rep}
    if html_out is not None:
        html_out.parent.mkdir(parents=True, exist_ok=True)
        html_out.write_text(
            report_html(rep, title=f"prefkit analysis: {campaign or source}"), "utf-8"
        )
    if as_json:
        print_json(rep)
        return
    pref = rep["agreement"]["preference"]
    console.print(
        f"{rep['records']} records, {rep['votes']} pairwise votes, "
        f"{len(rep['annotators'])} annotators",
        highlight=False,
    )
    for name, fig in (
        ("raw agreement", pref["raw"]),
        ("Fleiss' kappa", pref["fleiss"]),
        ("Krippendorff's alpha", pref["alpha_nominal"]),
    ):
        value = "–" if fig["value"] is None else f"{fig['value']:.3f}"
        console.print(
            f"  {name}: {value}" + (f"  ({fig['note']})" if fig.get("note") else ""),
            highlight=False,
        )
    for crit, e in rep["agreement"]["ratings"].items():
        a = e["alpha_interval"]
        value = "–" if a["value"] is None else f"{a['value']:.3f}"
        console.print(f"  {crit}: interval alpha {value}", highlight=False)
    flagged = [r["annotator"] for r in rep["reliability"]["annotators"] if r["flagged"]]
    console.print(f"  flagged annotators: {', '.join(flagged) or 'none'}", highlight=False)
    if html_out is not None:
        console.print(f"report: {html_out}", highlight=False)
