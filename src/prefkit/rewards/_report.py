"""The rule evaluation as HTML: accuracy beside its baselines, ablation, failure cases."""

from __future__ import annotations

import html
from typing import Any

from prefkit.reports import html_page

__all__ = ["rules_html"]


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
    """``results``: {"splits": {name: evaluate_reward output (+ "fitted")}, "fit": report}."""
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
        for key, groups in (r.get("slices") or {}).items():
            if len(groups) > 1:
                rows = [
                    [_esc(v, 60), str(g["pairs"]), _pct(g["accuracy"])] for v, g in groups.items()
                ]
                parts.append(
                    f"<h3>By {html.escape(key)}</h3>" + _table([key, "pairs", "accuracy"], rows)
                )
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
