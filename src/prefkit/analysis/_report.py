"""``analyze(records)``: every trust figure as one AnalysisReport, and an offline HTML report."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from prefkit._arrays import distinct
from prefkit._config import resolve
from prefkit._perf import paused_gc
from prefkit._result import json_schema
from prefkit.analysis._bias import length_bias, position_bias, ratings_vs_preference
from prefkit.analysis._config import AnalysisConfig
from prefkit.analysis._consistency import self_consistency, transitivity
from prefkit.analysis._pairwise import (
    criterion_agreement,
    preference_agreement,
    preference_table,
)
from prefkit.analysis._results import (
    AlphaFigure,
    AnalysisReport,
    Bias,
    CriterionAgreement,
    Reliability,
    Warning,
)
from prefkit.data import ComparisonSet, Judgment, UnitSpec, comparisons, views
from prefkit.errors import AnalysisError
from prefkit.reports import html_page, plain, svg_image

__all__ = [
    "SCHEMA_VERSION",
    "analyze",
    "annotator_reliability",
    "gold_from_records",
    "report_html",
    "report_schema",
]

SCHEMA_VERSION = 2
# Krippendorff (2004, p. 241): rely on data with α ≥ .800; draw tentative conclusions only from
# .667 ≤ α < .800; below .667, do not.
ALPHA_RELIABLE = 0.8
ALPHA_TENTATIVE = 0.667


def gold_from_records(records: Iterable[Judgment]) -> dict[str, str]:
    """Gold answers from records whose preference is the known answer.

    Returns a mapping from a pair of responses (``Comparison.pair``: prompt and texts) to the
    winning response's key or ``"tie"``; analysis matches gold to units by content.
    """
    return {c.pair: c.winner for c in comparisons(records, unit="content")}


def annotator_reliability(
    comps: ComparisonSet,
    *,
    gold: Mapping[str, str] | None = None,
    threshold: float = 0.6,
) -> Reliability:
    """Per annotator on preferences.

    Agreement with the leave-one-out majority, gold accuracy and Dawid–Skene reliability; annotators
    below ``threshold`` are flagged with the reason.

    ``gold`` maps ``Comparison.pair`` to the winning response key or ``"tie"``
    (:func:`gold_from_records`).
    """
    table = preference_table(comps)
    unit_gold: dict[int, Any] = {}
    if gold:
        col = comps.columns
        for k in range(len(col)):
            i = int(col.unit[k])
            if i in unit_gold:
                continue
            g = gold.get(col.pair_key(k))
            if g is not None:
                first, second = col.key_names[int(col.first[k])], col.key_names[int(col.second[k])]
                unit_gold[i] = 0 if g == first else 1 if g == second else 2
    return table.reliability(gold=unit_gold or None, threshold=threshold)


def _meaning(alpha: float) -> str:
    if alpha < 0:
        return (
            "below chance: the annotators disagree systematically (different readings of the "
            "guidelines, or the scale used in different ways)"
        )
    if alpha < 0.2:
        return "about chance level: the judgments share almost no signal"
    if alpha < ALPHA_TENTATIVE:
        return (
            f"too low to draw conclusions from (Krippendorff's minimum for tentative "
            f"conclusions is {ALPHA_TENTATIVE})"
        )
    return f"enough for tentative conclusions only (reliable data have α ≥ {ALPHA_RELIABLE})"


def _alpha_warning(subject: str, fig: AlphaFigure | None) -> list[Warning]:
    if fig is None or fig.value is None or fig.value >= ALPHA_RELIABLE:
        return []
    ci = f" [{fig.ci[0]:.2f}, {fig.ci[1]:.2f}]" if fig.ci else ""
    return [
        Warning(
            "low_agreement",
            subject,
            f"Krippendorff's α ({fig.level}) on {subject} is {fig.value:.2f}{ci} over "
            f"{fig.units} units: {_meaning(fig.value)}",
        )
    ]


def _warnings(
    comps: ComparisonSet,
    pref_alpha: AlphaFigure,
    crits: Sequence[CriterionAgreement],
    rel: Reliability,
) -> tuple[Warning, ...]:
    out = _alpha_warning("preferences", pref_alpha)
    for c in crits:
        fig = c.alpha_interval if c.kind == "rating" else c.alpha_nominal
        out += _alpha_warning(f"{c.kind} {c.criterion!r}", fig)
        for le in c.leniency:
            if le.flagged and le.offset is not None and le.ci is not None:
                word = "higher" if le.offset > 0 else "lower"
                out.append(
                    Warning(
                        "leniency",
                        le.annotator,
                        f"{le.annotator} rates {c.criterion!r} {abs(le.offset):.2f} points "
                        f"{word} than the other raters of the same units (95 % CI "
                        f"{le.ci[0]:+.2f} to {le.ci[1]:+.2f}, {le.units} units; own mean "
                        f"{le.mean:.2f}): a systematic "
                        f"{'leniency' if le.offset > 0 else 'severity'}, not noise",
                    )
                )
        out += _unreliable(c.reliability, repr(c.criterion))
    out += _unreliable(rel, "preferences")
    if comps.unit_key == "content":
        silent = _silent_repeats(comps)
        if silent:
            out.append(
                Warning(
                    "merged_units",
                    "units",
                    f"{silent} judgment(s) have the same prompt and responses as an earlier "
                    "judgment by the same annotator but no metadata.repeat_of: they may be "
                    "distinct items with identical text, merged here because records carry no "
                    "'item'. Give records an item (or use unit='item') to keep them apart",
                )
            )
    return tuple(out)


def _unreliable(rel: Reliability, subject: str) -> list[Warning]:
    return [
        Warning("unreliable", r.annotator, f"{r.annotator} on {subject}: " + "; ".join(r.reasons))
        for r in rel.annotators
        if r.flagged
    ]


def _silent_repeats(comps: ComparisonSet) -> int:
    """Later passes of a unit by the same annotator that carry no ``metadata.repeat_of``."""
    c = comps.columns
    if not len(c):
        return 0
    key = c.unit * (len(c.annotator_names) or 1) + c.annotator
    _, first = np.unique(key, return_index=True)
    later = np.ones(len(c), dtype=bool)
    later[first] = False
    return int((later & ~c.repeat_marked).sum())


def analyze(
    records: Iterable[Judgment],
    config: AnalysisConfig | None = None,
    /,
    *,
    gold: Mapping[str, str] | None = None,
    source: str | None = None,
    campaign: str | None = None,
    **overrides: Any,
) -> AnalysisReport:
    """Every trust figure for a set of records.

    Args:
        records: canonical records (pairwise, rankings, ratings, labels, single responses); a
            list, or any iterable (a stream is read once and not kept).
        config: the settings (:class:`AnalysisConfig`: unit, thresholds, bootstrap, seed).
        gold: known answers, from :func:`gold_from_records`.
        source: where the records came from, for the report.
        campaign: the campaign, for the report.
        **overrides: any field of the config, e.g. ``analyze(records, bootstrap=0)``.

    Returns:
        An :class:`AnalysisReport`; ``to_dict()`` is the ``prefkit analyze --json`` output.
    """
    cfg = resolve(AnalysisConfig, config, overrides, what="analyze", error=AnalysisError)
    unit, threshold, leniency_threshold = cfg.unit, cfg.threshold, cfg.leniency_threshold
    bootstrap, seed = cfg.bootstrap, cfg.seed
    with paused_gc():  # hundreds of thousands of small, acyclic objects: see prefkit._perf
        return _analyze(
            records, unit, gold, threshold, leniency_threshold, bootstrap, seed, source,
            campaign,
        )  # fmt: skip


def _analyze(
    recs: Iterable[Judgment],
    unit: UnitSpec,
    gold: Mapping[str, str] | None,
    threshold: float,
    leniency_threshold: float,
    bootstrap: int,
    seed: int,
    source: str | None,
    campaign: str | None,
) -> AnalysisReport:
    # one pass; a stream (a generator of records) is never held in memory
    comps, assess = views(recs, unit=unit, keep_records=False)
    crits = [
        criterion_agreement(
            assess,
            c,
            kind,
            bootstrap=bootstrap,
            seed=seed,
            threshold=threshold,
            leniency_threshold=leniency_threshold,
        )
        for kind in ("rating", "label")
        for c in assess.criteria(kind)
    ]
    pref = preference_agreement(comps, bootstrap=bootstrap, seed=seed)
    rel = annotator_reliability(comps, gold=gold, threshold=threshold)
    annotators = sorted(
        {comps.columns.annotator_names[i] for i in distinct(comps.columns.annotator)}
        | {
            col.annotator_names[i]
            for kind in ("rating", "label")
            for crit in assess.criteria(kind)
            if (col := assess.columns(crit, kind)) is not None
            for i in distinct(col.annotator)
        }
    )
    return AnalysisReport(
        schema=SCHEMA_VERSION,
        records=comps.records,
        comparisons=len(comps),
        assessments=len(assess),
        annotators=tuple(annotators),
        units=comps.summary(),
        preferences=pref,
        ratings=tuple(c for c in crits if c.kind == "rating"),
        labels=tuple(c for c in crits if c.kind == "label"),
        self_consistency=self_consistency(comps),
        transitivity=transitivity(comps),
        bias=Bias(position_bias(comps), length_bias(comps), ratings_vs_preference(comps)),
        reliability=rel,
        warnings=_warnings(comps, pref.alpha, crits, rel),
        source=source,
        campaign=campaign,
    )


def report_schema() -> dict[str, Any]:
    """The JSON Schema of ``AnalysisReport.to_dict()`` (the ``prefkit analyze --json`` output)."""
    return json_schema(AnalysisReport)


# ------------------------------------------------------------------------------------ HTML


def _plots(rep: AnalysisReport) -> dict[str, str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    out: dict[str, str] = {}
    pref = rep.preferences
    names = list(pref.annotators)
    if 2 <= len(names) <= 40 and pref.cohen:
        idx = {a: i for i, a in enumerate(names)}
        grid = np.full((len(names), len(names)), np.nan)
        for row in pref.cohen:
            if row.kappa is not None:
                grid[idx[row.a], idx[row.b]] = grid[idx[row.b], idx[row.a]] = row.kappa
        np.fill_diagonal(grid, 1.0)
        size = 2.2 + 0.55 * len(names)
        fig, ax = plt.subplots(figsize=(size + 1.2, size), layout="constrained")
        im = ax.imshow(grid, vmin=-1, vmax=1, cmap="RdBu")
        shown = [plain(n) for n in names]
        ax.set_xticks(range(len(names)), shown, rotation=90)
        ax.set_yticks(range(len(names)), shown)
        if len(names) <= 12:
            for i in range(len(names)):
                for j in range(len(names)):
                    if not np.isnan(grid[i, j]):
                        ax.text(j, i, f"{grid[i, j]:.2f}", ha="center", va="center", fontsize=8)
        ax.set_title("Cohen's κ on preferences", fontsize=10)
        fig.colorbar(im, ax=ax, shrink=0.8)
        out["agreement"] = svg_image(fig)
    rel = [r for r in rep.reliability.annotators if r.dawid_skene_reliability is not None]
    if rel:
        fig, ax = plt.subplots(figsize=(6, 0.6 + 0.3 * len(rel)), layout="constrained")
        ax.barh(
            [plain(r.annotator) for r in rel],
            [r.dawid_skene_reliability or 0.0 for r in rel],
            color=["#a4262c" if r.flagged else "#2c5cc5" for r in rel],
        )
        ax.axvline(rep.reliability.threshold, color="k", ls="--", lw=1)
        ax.set_xlim(0, 1)
        ax.set_xlabel("Dawid-Skene reliability (expected accuracy)")
        out["reliability"] = svg_image(fig)
    pos = rep.bias.position
    if pos.annotators:
        rows = pos.annotators
        fig, ax = plt.subplots(figsize=(6, 0.6 + 0.3 * len(rows)), layout="constrained")
        ax.errorbar(
            [r.p_left for r in rows],
            range(len(rows)),
            xerr=[[r.p_left - r.ci[0] for r in rows], [r.ci[1] - r.p_left for r in rows]],
            fmt="o",
        )
        ax.set_yticks(range(len(rows)), [plain(r.annotator or "") for r in rows])
        ax.axvline(0.5, color="k", ls="--", lw=1)
        ax.set_xlim(0, 1)
        ax.set_xlabel("P(left response wins), 95 % CI")
        out["position"] = svg_image(fig)
    bins = rep.bias.length.bins
    if bins:
        fig, ax = plt.subplots(figsize=(6, 2.6), layout="constrained")
        mids = [(b.lo + b.hi) / 2 for b in bins]
        ax.plot(mids, [b.longer_wins for b in bins], "o-")
        ax.axhline(0.5, color="k", ls="--", lw=1)
        ax.set_ylim(0, 1)
        ax.set_xlabel("length difference (characters, decile midpoints)")
        ax.set_ylabel("P(longer wins)")
        out["length"] = svg_image(fig)
    return out


def _fmt(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:.3f}"
    if isinstance(v, tuple) and len(v) == 2 and all(isinstance(x, float) for x in v):
        return f"[{v[0]:.3f}, {v[1]:.3f}]"
    return html.escape(str(v))


def _table(rows: Sequence[Any], cols: Sequence[tuple[str, str]]) -> str:
    """Rows of result objects as a table; ``cols`` are (attribute, heading in words)."""
    if not rows:
        return "<p>–</p>"
    head = "".join(f"<th>{html.escape(h)}</th>" for _, h in cols)
    body = "".join(
        "<tr>" + "".join(f"<td>{_fmt(getattr(r, c))}</td>" for c, _ in cols) + "</tr>" for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _note(note: str | None) -> str:
    return f'<p class="note">{html.escape(note)}</p>' if note else ""


def _alpha_text(fig: AlphaFigure | None) -> str:
    if fig is None:
        return "–"
    ci = f" [{_fmt(fig.ci[0])}, {_fmt(fig.ci[1])}]" if fig.ci else ""
    return _fmt(fig.value) + ci


_PAIR_COLS = [
    ("a", "annotator"),
    ("b", "with"),
    ("items", "shared units"),
    ("raw", "raw agreement"),
    ("kappa", "Cohen's κ"),
    ("note", "note"),
]
_REL_COLS = [
    ("annotator", "annotator"),
    ("judgments", "judgments"),
    ("loo_majority_agreement", "agrees with the others' majority"),
    ("gold_accuracy", "gold accuracy"),
    ("dawid_skene_reliability", "estimated accuracy (Dawid-Skene)"),
    ("flagged", "flagged"),
    ("reasons", "why"),
]


def _criterion_html(c: CriterionAgreement) -> list[str]:
    parts = [f"<h3>{html.escape(c.kind)}: {html.escape(c.criterion)}</h3>"]
    if c.kind == "rating":
        parts.append(
            f"<p>{c.units} rated responses, {c.units_with_two_or_more} rated by two or more. "
            f"Krippendorff's α interval {_alpha_text(c.alpha_interval)}, ordinal "
            f"{_alpha_text(c.alpha_ordinal)}; Fleiss' κ {_fmt(c.fleiss.value)}.</p>"
        )
    else:
        parts.append(
            f"<p>{c.units} labelled responses, {c.units_with_two_or_more} labelled by two or "
            f"more; categories {html.escape(', '.join(map(str, c.categories)))}. Krippendorff's "
            f"α nominal {_alpha_text(c.alpha_nominal)}; Fleiss' κ {_fmt(c.fleiss.value)}.</p>"
        )
    parts += [_note(c.fleiss.note), _note(c.summary.note)]
    cols = list(_PAIR_COLS)
    if c.kind == "rating":
        cols[4:4] = [("kappa_linear", "linear κ"), ("kappa_quadratic", "quadratic κ")]
    parts.append(_table(c.cohen, cols))
    if c.pairs_without_overlap:
        parts.append(
            f"<p>{c.pairs_without_overlap} annotator pairs share no unit (not listed).</p>"
        )
    if c.leniency:
        parts.append(
            _table(
                c.leniency,
                [
                    ("annotator", "annotator"),
                    ("units", "units shared"),
                    ("mean", "own mean"),
                    ("offset", "offset from the others"),
                    ("ci", "95 % CI"),
                    ("flagged", "flagged"),
                ],
            )
        )
    for m in c.confusion[:10]:
        head = "".join(f"<th>{html.escape(x)}</th>" for x in m.categories)
        rows = "".join(
            f"<tr><th>{html.escape(cat)}</th>" + "".join(f"<td>{v}</td>" for v in row) + "</tr>"
            for cat, row in zip(m.categories, m.counts, strict=True)
        )
        parts.append(
            f"<p>{html.escape(m.a)} (rows) against {html.escape(m.b)} (columns)</p>"
            f"<table><thead><tr><th></th>{head}</tr></thead><tbody>{rows}</tbody></table>"
        )
    parts.append(_note(c.reliability.note))
    return parts


def report_html(
    rep: AnalysisReport, *, title: str = "prefkit analysis", standalone: bool = True
) -> str:
    """The report as HTML: tables and plots (SVG images inline, nothing loaded from outside)."""
    plots = _plots(rep)
    pref = rep.preferences
    u = rep.units
    parts = [
        f"<h1>{html.escape(title)}</h1>" if standalone else "",
        f"<p>{rep.records} records, {rep.comparisons} pairwise comparisons, {rep.assessments} "
        f"ratings and labels, {len(rep.annotators)} annotators.</p>",
        f"<p>Unit: <b>{html.escape(u.unit_key)}</b> — {u.units} units, {u.shared_units} judged "
        f"more than once (at most {u.max_per_unit}); {u.repeats} repeats by the same annotator "
        "set aside from agreement (self-consistency uses them).</p>",
        _note(u.note),
    ]
    if rep.warnings:
        items = "".join(f"<li>{html.escape(w.message)}</li>" for w in rep.warnings)
        parts.append(f'<h2>Read this first</h2><ul class="warnings">{items}</ul>')
    parts += [
        "<h2>Agreement on preferences</h2>",
        f"<p>Raw agreement {_fmt(pref.raw.value)} over {pref.raw_pairs} annotator pairs; "
        f"Fleiss' κ {_fmt(pref.fleiss.value)}; Krippendorff's α (nominal) "
        f"{_alpha_text(pref.alpha)}.</p>",
        _note(pref.raw.note),
        _note(pref.fleiss.note),
        _note(pref.alpha.note),
        plots.get("agreement", ""),
        _table(pref.cohen, _PAIR_COLS),
    ]
    if pref.pairs_without_overlap:
        parts.append(
            f"<p>{pref.pairs_without_overlap} annotator pairs share no unit (not listed).</p>"
        )
    if rep.ratings or rep.labels:
        parts.append("<h2>Agreement on ratings and labels</h2>")
        for c in (*rep.ratings, *rep.labels):
            parts += _criterion_html(c)
    sc = rep.self_consistency
    parts += ["<h2>Self-consistency</h2>", _note(sc.note)]
    if sc.pass_pairs:
        parts.append(
            f"<p>{sc.repeated_units} units judged more than once by one annotator, "
            f"{sc.pass_pairs} pairs of passes: flip rate {_fmt(sc.flip_rate)} (reversals "
            f"{_fmt(sc.reversal_rate)}, tie flips {_fmt(sc.tie_flip_rate)}); κ between passes "
            f"{_fmt(sc.kappa_between_passes)}.</p>"
        )
        parts.append(
            _table(
                sc.annotators,
                [
                    ("annotator", "annotator"),
                    ("repeated_units", "repeated units"),
                    ("pass_pairs", "pairs of passes"),
                    ("reversals", "reversals"),
                    ("tie_flips", "tie flips"),
                    ("flip_rate", "flip rate"),
                ],
            )
        )
    tr = rep.transitivity
    parts += ["<h2>Transitivity</h2>", f"<p>{html.escape(tr.rule)}</p>", _note(tr.note)]
    if tr.triads:
        parts.append(
            f"<p>{tr.cyclic} of {tr.triads} triads cyclic; Kendall's ζ {_fmt(tr.kendall_zeta)}.</p>"
        )
        parts.append(
            _table(
                tr.annotators,
                [
                    ("annotator", "annotator"),
                    ("triads", "triads"),
                    ("cyclic", "cyclic"),
                    ("cyclic_rate", "cyclic share"),
                    ("kendall_zeta", "Kendall's ζ"),
                ],
            )
        )
    b = rep.bias
    parts += ["<h2>Bias</h2>", "<h3>Position (screen side)</h3>", _note(b.position.note)]
    if b.position.overall is not None:
        p = b.position.overall
        parts.append(
            f"<p>The left response won {p.left_wins} of {p.votes} non-tie comparisons "
            f"(P = {_fmt(p.p_left)}, binomial p-value {_fmt(p.p_value)}).</p>"
        )
        parts.append(plots.get("position", ""))
    ln = b.length
    parts += ["<h3>Length</h3>", _note(ln.note)]
    if ln.log_odds_per_sd is not None and ln.ci is not None and ln.sd_chars is not None:
        parts.append(
            f"<p>Log-odds of winning per SD ({ln.sd_chars:.0f} characters) of extra length: "
            f"{_fmt(ln.log_odds_per_sd)} [{_fmt(ln.ci[0])}, {_fmt(ln.ci[1])}]; the longer "
            f"response won {_fmt(ln.longer_wins)} of the time.</p>"
        )
        parts.append(plots.get("length", ""))
    rv = b.ratings_vs_preference
    parts += ["<h3>Ratings against the stated preference</h3>", _note(rv.note)]
    if rv.criteria:
        parts.append(
            _table(
                rv.criteria,
                [
                    ("criterion", "criterion"),
                    ("votes", "comparisons"),
                    ("agree", "agree"),
                    ("equal", "equal ratings"),
                    ("contradict", "contradict"),
                    ("agreement", "share agreeing"),
                ],
            )
        )
    rel = rep.reliability
    parts += [
        "<h2>Annotator reliability</h2>",
        _note(rel.note),
        plots.get("reliability", ""),
        _table(rel.annotators, _REL_COLS),
    ]
    body = "\n".join(x for x in parts if x)
    if not standalone:
        return body
    return html_page(title, body)
