"""Evaluations as HTML.

Rule sets (accuracy beside its baselines, ablation, failure cases) and reward-model diagnostics
(calibration with a reliability diagram, agreement ceiling, slices, stakeholder ranking changes,
confidently wrong pairs).
"""

from __future__ import annotations

import html
from typing import Any

from prefkit.reports import html_page, svg_image

__all__ = ["rm_html", "rules_html"]


def _pct(v: Any) -> str:
    return "–" if v is None else f"{100 * v:.1f} %"


def _ci(v: Any) -> str:
    return "" if not v else f" [{100 * v[0]:.1f}, {100 * v[1]:.1f}]"


def _num(v: Any, fmt: str = ".3f") -> str:
    return "–" if v is None else format(v, fmt)


def _esc(text: Any, n: int = 400) -> str:
    s = str(text)
    return html.escape(s if len(s) <= n else s[: n - 1] + "…")


def _row(cells: list[str], tag: str = "td") -> str:
    return "<tr>" + "".join(f"<{tag}>{c}</{tag}>" for c in cells) + "</tr>"


def _table(head: list[str], rows: list[list[str]]) -> str:
    body = "".join(_row(r) for r in rows)
    return f"<table><thead>{_row(head, 'th')}</thead><tbody>{body}</tbody></table>"


def _summary(results: dict[str, Any]) -> str:
    head = [
        "data",
        "pairs",
        "rules",
        "rules (ties ½)",
        "κ",
        "fitted weights",
        "longer wins",
        "longer (ties ½)",
        "position",
        "random",
    ]
    rows = []
    for name, r in results["splits"].items():
        b = r["baselines"]
        fitted = (r.get("fitted") or {}).get("accuracy")
        rows.append([
            _esc(name, 80), str(r["pairs"]), _pct(r["accuracy"]) + _ci(r.get("ci")),
            _pct(r.get("accuracy_ties_half")), _num(r.get("kappa")), _pct(fitted),
            _pct(b["longer"]["accuracy"]), _pct(b["longer"].get("accuracy_ties_half")),
            _pct(b["position"].get("accuracy")), _pct(b["random"]["accuracy"]),
        ])  # fmt: skip
    return _table(head, rows)


def _failure(f: dict[str, Any]) -> str:
    contrib = ""
    if f.get("contributions"):
        rows = [
            [_esc(c["rule"], 60), _num(c["chosen"], "+.3f"), _num(c["rejected"], "+.3f")]
            for c in f["contributions"]
            if c["chosen"] or c["rejected"]
        ]
        contrib = _table(["rule", "chosen", "rejected"], rows)
    return (
        f"<details><summary>{_esc(f['id'], 60)}: margin {f['margin']:.3f}</summary>"
        f"<p><b>Prompt</b>: {_esc(f['prompt'])}</p><p><b>People chose</b>: {_esc(f['chosen'])}</p>"
        f"<p><b>Over</b>: {_esc(f['rejected'])}</p>{contrib}</details>"
    )


def rules_html(
    results: dict[str, Any],
    *,
    title: str = "Rule rewards against human preferences",
    standalone: bool = True,
) -> str:
    """``results``: {"splits": {name: RewardEvaluation or its dict (+ "fitted")}, "fit": report}."""
    results = {
        **results,
        "splits": {
            k: v.to_dict() if hasattr(v, "to_dict") else v
            for k, v in results.get("splits", {}).items()
        },
    }
    parts = [f"<h1>{html.escape(title)}</h1>", _summary(results)]
    fit = results.get("fit")
    if fit:
        parts.append(
            f"<h2>Learned weights</h2><p>{fit['folds']}-fold cross-validated accuracy "
            f"{_pct(fit['heldout_accuracy'])} on {fit['pairs']} pairs (L2 {fit['l2']}).</p>"
        )
        parts.append(
            _table(
                ["rule", "weight"],
                [[_esc(k, 60), _num(v, "+.3f")] for k, v in fit["weights"].items()],
            )
        )
    for name, r in results["splits"].items():
        parts.append(f"<h2>{_esc(name, 80)}</h2>")
        parts.extend(_slice_tables(r))
        if r.get("ablation"):
            rows = [
                [_esc(a["rule"], 60), _pct(a["accuracy_without"]),
                 "–" if a["change"] is None else f"{100 * a['change']:+.1f}"]
                for a in r["ablation"]
            ]  # fmt: skip
            parts.append("<h3>Ablation: accuracy without each rule</h3>")
            parts.append(_table(["rule", "accuracy without", "change (points)"], rows))
        if r.get("failures"):
            parts.append(
                "<h3>Failure cases: the rules preferred the other response (worst first)</h3>"
            )
            parts.extend(_failure(f) for f in r["failures"])
    body = "\n".join(parts)
    if not standalone:
        return body
    return html_page(title, body)


def _slice_tables(r: dict[str, Any]) -> list[str]:
    out = []
    for key, groups in (r.get("slices") or {}).items():
        if len(groups) > 1 or key == "criterion":
            rows = [
                [_esc(v, 60), str(g["pairs"]), _pct(g["accuracy"]) + _ci(g.get("ci"))]
                for v, g in groups.items()
            ]
            what = "criterion (the side its ratings favour)" if key == "criterion" else key
            out.append(
                f"<h3>By {html.escape(what)}</h3>" + _table([key, "pairs", "accuracy"], rows)
            )
    return out


def _reliability(cal: dict[str, Any]) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 4))
    ax.plot([0, 1], [0, 1], color="#999", linewidth=1, label="perfect calibration")
    xs = [b["predicted"] for b in cal["bins"]]
    ys = [b["observed"] for b in cal["bins"]]
    sizes = [12 + 60 * b["pairs"] / max(x["pairs"] for x in cal["bins"]) for b in cal["bins"]]
    ax.plot(xs, ys, color="#2a5db0", linewidth=1)
    ax.scatter(xs, ys, s=sizes, color="#2a5db0", label="bins (size: pairs)")
    ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="predicted P(first wins)", ylabel="observed")
    ax.legend(loc="upper left", fontsize=8)
    return svg_image(fig, "reliability diagram")


def rm_html(name: str, result: Any, *, standalone: bool = True) -> str:
    """A :class:`RewardDiagnostics` (``diagnose_reward``'s result) as a page."""
    r: dict[str, Any] = result.to_dict() if hasattr(result, "to_dict") else result
    b, cal, ceil = r["baselines"], r["calibration"], r["agreement_ceiling"]
    bok = r.get("best_of_k") or {}
    parts = [
        f"<h1>Reward model {_esc(name, 120)}</h1>",
        _table(
            ["", "value"],
            [
                ["pairs", str(r["pairs"])],
                ["accuracy", _pct(r["accuracy"]) + _ci(r.get("ci"))],
                ["accuracy (reward ties ½)", _pct(r.get("accuracy_ties_half"))],
                ["κ with the human choice", _num(r.get("kappa"))],
                ["human agreement ceiling", f"{_pct(ceil['raw'])} ({ceil['pairs']} pairs)"],
                ["longer wins", _pct(b["longer"]["accuracy"])],
                ["position only", _pct(b["position"].get("accuracy"))],
                ["random", _pct(b["random"]["accuracy"])],
                ["expected calibration error", _num(cal["ece"])],
                ["length correlation of the reward", _num(r.get("length_correlation"), ".2f")],
                [
                    "best-of-k (top pick is the human's)",
                    f"{_pct(bok.get('accuracy'))} ({bok.get('records', 0)} records)",
                ],
            ],
        ),
    ]
    if cal.get("bins"):
        parts.append("<h2>Calibration</h2>" + _reliability(cal))
        parts.append(f'<p class="note">{_esc(cal.get("note") or "")}</p>')
    parts.extend(_slice_tables(r))
    if r.get("by_condition"):
        conds = sorted({c for row in r["by_condition"] for c in row["prefers"]})
        rows = [
            [_esc(row["id"], 40), *(row["prefers"][c] for c in conds),
             "yes" if row["changes"] else "no"]
            for row in r["by_condition"]
        ]  # fmt: skip
        parts.append("<h2>The same pair under each condition</h2>")
        parts.append(_table(["pair", *(_esc(c, 60) for c in conds), "ranking changes"], rows))
    if r.get("failures"):
        parts.append("<h2>Most confidently wrong pairs</h2>")
        parts.extend(_failure(f) for f in r["failures"])
    body = "\n".join(parts)
    return html_page(f"Reward model {name}", body) if standalone else body
