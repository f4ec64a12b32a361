"""``analyze(records)``: every figure in one JSON-ready dict, and an offline HTML report."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import Any

from prefkit.analysis._bias import length_bias, position_bias, ratings_vs_preference
from prefkit.analysis._consistency import self_consistency, transitivity
from prefkit.analysis._pairwise import preference_agreement, rating_agreement
from prefkit.analysis._reliability import annotator_reliability
from prefkit.analysis._votes import rating_units, votes_from_records
from prefkit.data import Judgment
from prefkit.reports import html_page, svg_image

__all__ = ["SCHEMA_VERSION", "analyze", "gold_from_records", "report_html"]

SCHEMA_VERSION = 1


def gold_from_records(records: Iterable[Judgment]) -> dict[str, str]:
    """Gold answers from records whose preference is the known answer (pair -> winner)."""
    return {v.unit: v.winner for v in votes_from_records(records)}


def analyze(
    records: Iterable[Judgment],
    *,
    gold: Mapping[str, str] | None = None,
    threshold: float = 0.6,
    bootstrap: int = 1000,
    seed: int = 0,
) -> dict[str, Any]:
    """Every trust figure for a set of records (schema: ``prefkit analyze --help``)."""
    recs = list(records)
    votes = votes_from_records(recs)
    return {
        "schema": SCHEMA_VERSION,
        "records": len(recs),
        "votes": len(votes),
        "annotators": sorted(
            {v.annotator for v in votes} | {r.annotator or "(unknown)" for r in recs if r.ratings}
        ),
        "agreement": {
            "preference": preference_agreement(votes, bootstrap=bootstrap, seed=seed),
            "ratings": rating_agreement(rating_units(recs), bootstrap=bootstrap, seed=seed),
        },
        "self_consistency": self_consistency(votes),
        "transitivity": transitivity(votes),
        "bias": {
            "position": position_bias(votes),
            "length": length_bias(votes),
            "ratings_vs_preference": ratings_vs_preference(votes),
        },
        "reliability": annotator_reliability(votes, gold=gold, threshold=threshold),
    }


# ------------------------------------------------------------------------------------ HTML


def _plots(rep: dict[str, Any]) -> dict[str, str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    out: dict[str, str] = {}
    pref = rep["agreement"]["preference"]
    names = pref["annotators"]
    if len(names) >= 2:
        idx = {a: i for i, a in enumerate(names)}
        grid = np.full((len(names), len(names)), np.nan)
        for row in pref["cohen"]:
            if row["kappa"] is not None:
                grid[idx[row["a"]], idx[row["b"]]] = grid[idx[row["b"]], idx[row["a"]]] = row[
                    "kappa"
                ]
        np.fill_diagonal(grid, 1.0)
        fig, ax = plt.subplots(figsize=(1.2 + 0.5 * len(names), 1 + 0.5 * len(names)))
        im = ax.imshow(grid, vmin=-1, vmax=1, cmap="RdBu")
        ax.set_xticks(range(len(names)), names, rotation=90)
        ax.set_yticks(range(len(names)), names)
        ax.set_title("Cohen's kappa on preferences")
        fig.colorbar(im, ax=ax)
        out["agreement"] = svg_image(fig)
    rel = [r for r in rep["reliability"]["annotators"] if r["dawid_skene_reliability"] is not None]
    if rel:
        fig, ax = plt.subplots(figsize=(6, 0.4 + 0.3 * len(rel)))
        ax.barh(
            [r["annotator"] for r in rel],
            [r["dawid_skene_reliability"] for r in rel],
            color=["#a4262c" if r["flagged"] else "#2c5cc5" for r in rel],
        )
        ax.axvline(rep["reliability"]["threshold"], color="k", ls="--", lw=1)
        ax.set_xlim(0, 1)
        ax.set_xlabel("Dawid-Skene reliability (expected accuracy)")
        out["reliability"] = svg_image(fig)
    pos = rep["bias"]["position"]
    if pos.get("annotators"):
        rows = pos["annotators"]
        fig, ax = plt.subplots(figsize=(6, 0.4 + 0.3 * len(rows)))
        ax.errorbar(
            [r["p_left"] for r in rows],
            range(len(rows)),
            xerr=[
                [r["p_left"] - r["ci"][0] for r in rows],
                [r["ci"][1] - r["p_left"] for r in rows],
            ],
            fmt="o",
        )
        ax.set_yticks(range(len(rows)), [r["annotator"] for r in rows])
        ax.axvline(0.5, color="k", ls="--", lw=1)
        ax.set_xlim(0, 1)
        ax.set_xlabel("P(left response wins), 95 % CI")
        out["position"] = svg_image(fig)
    bins = rep["bias"]["length"].get("bins") or []
    if bins:
        fig, ax = plt.subplots(figsize=(6, 2.6))
        mids = [(b["from"] + b["to"]) / 2 for b in bins]
        ax.plot(mids, [b["longer_wins"] for b in bins], "o-")
        ax.axhline(0.5, color="k", ls="--", lw=1)
        ax.set_ylim(0, 1)
        ax.set_xlabel("length difference (characters, decile midpoints)")
        ax.set_ylabel("P(longer wins)")
        out["length"] = svg_image(fig)
    return out


def _fmt(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.3f}"
    return html.escape(str(v))


def _table(rows: list[dict[str, Any]], cols: list[str]) -> str:
    if not rows:
        return "<p>–</p>"
    head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
    body = "".join(
        "<tr>" + "".join(f"<td>{_fmt(r.get(c))}</td>" for c in cols) + "</tr>" for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _note(d: Mapping[str, Any]) -> str:
    return f'<p class="note">{html.escape(d["note"])}</p>' if d.get("note") else ""


def report_html(
    rep: dict[str, Any], *, title: str = "prefkit analysis", standalone: bool = True
) -> str:
    """The report as HTML: tables and plots (SVG images inline, nothing loaded from outside)."""
    plots = _plots(rep)
    pref = rep["agreement"]["preference"]
    alpha = pref["alpha_nominal"]
    parts = [
        f"<h1>{html.escape(title)}</h1>",
        f"<p>{rep['records']} records, {rep['votes']} pairwise votes, "
        f"{len(rep['annotators'])} annotators.</p>",
        "<h2>Agreement on preferences</h2>",
        f"<p>Raw agreement {_fmt(pref['raw']['value'])} over "
        f"{pref['raw'].get('pairs', 0)} annotator pairs; "
        f"Fleiss' kappa {_fmt(pref['fleiss']['value'])}; "
        f"Krippendorff's alpha (nominal) {_fmt(alpha['value'])}"
        + (f" [{_fmt(alpha['ci'][0])}, {_fmt(alpha['ci'][1])}]" if alpha.get("ci") else "")
        + ".</p>",
        _note(pref["raw"]),
        _note(pref["fleiss"]),
        _note(alpha),
        plots.get("agreement", ""),
        _table(pref["cohen"], ["a", "b", "items", "raw", "kappa", "note"]),
    ]
    if rep["agreement"]["ratings"]:
        parts.append("<h2>Agreement on ratings</h2>")
        rows = [
            {
                "criterion": c,
                "responses": e["responses"],
                "alpha_interval": e["alpha_interval"]["value"],
                "alpha_ordinal": e["alpha_ordinal"]["value"],
                "note": e["alpha_interval"]["note"],
            }
            for c, e in rep["agreement"]["ratings"].items()
        ]
        parts.append(
            _table(rows, ["criterion", "responses", "alpha_interval", "alpha_ordinal", "note"])
        )
    sc = rep["self_consistency"]
    parts += ["<h2>Self-consistency</h2>", _note(sc)]
    if sc["repeats"]:
        parts.append(
            f"<p>{sc['repeats']} repeated pairs: flip rate {_fmt(sc['flip_rate'])} (reversals "
            f"{_fmt(sc['reversal_rate'])}, tie flips {_fmt(sc['tie_flip_rate'])}); "
            "kappa between passes "
            f"{_fmt(sc['kappa_between_passes'])}.</p>"
        )
        parts.append(
            _table(
                sc["annotators"], ["annotator", "repeats", "reversals", "tie_flips", "flip_rate"]
            )
        )
    tr = rep["transitivity"]
    parts += ["<h2>Transitivity</h2>", f"<p>{html.escape(tr['rule'])}</p>", _note(tr)]
    if tr["triads"]:
        parts.append(
            f"<p>{tr['cyclic']} of {tr['triads']} triads cyclic; "
            f"Kendall's zeta {_fmt(tr['kendall_zeta'])}.</p>"
        )
        parts.append(
            _table(
                tr["annotators"], ["annotator", "triads", "cyclic", "cyclic_rate", "kendall_zeta"]
            )
        )
    b = rep["bias"]
    parts += ["<h2>Bias</h2>", "<h3>Position (screen side)</h3>", _note(b["position"])]
    if b["position"].get("votes"):
        p = b["position"]
        parts.append(
            f"<p>The left response won {p['left_wins']} of {p['votes']} non-tie votes "
            f"(P = {_fmt(p['p_left'])}, binomial p-value {_fmt(p['p_value'])}).</p>"
        )
        parts.append(plots.get("position", ""))
    parts += ["<h3>Length</h3>", _note(b["length"])]
    if b["length"].get("log_odds_per_sd") is not None:
        ln = b["length"]
        parts.append(
            f"<p>Log-odds of winning per SD ({ln['sd_chars']:.0f} characters) of extra length: "
            f"{_fmt(ln['log_odds_per_sd'])} [{_fmt(ln['ci'][0])}, {_fmt(ln['ci'][1])}]; the longer "
            f"response won {_fmt(ln['longer_wins'])} of the time.</p>"
        )
        parts.append(plots.get("length", ""))
    rv = b["ratings_vs_preference"]
    parts += ["<h3>Ratings against the stated preference</h3>", _note(rv)]
    if rv["criteria"]:
        parts.append(
            _table(
                [{"criterion": c, **v} for c, v in rv["criteria"].items()],
                ["criterion", "votes", "agree", "equal", "contradict", "agreement"],
            )
        )
    rel = rep["reliability"]
    parts += [
        "<h2>Annotator reliability</h2>",
        _note(rel["dawid_skene"]),
        plots.get("reliability", ""),
        _table(
            rel["annotators"],
            [
                "annotator",
                "votes",
                "loo_majority_agreement",
                "gold_accuracy",
                "dawid_skene_reliability",
                "flagged",
            ],
        ),
    ]
    body = "\n".join(x for x in parts if x)
    if not standalone:
        return body
    return html_page(title, body)
