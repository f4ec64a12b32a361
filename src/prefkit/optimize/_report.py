"""One HTML page per training run: the curves (loss, rewards, KL, length), data and measures."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from prefkit.reports import html_page, svg_image

__all__ = ["write_report"]

# the logged quantities worth a curve, in the order shown (TRL's names)
CURVES = (
    ("loss", "loss"),
    ("rewards/margins", "DPO reward margin (chosen − rejected)"),
    ("rewards/accuracies", "DPO reward accuracy on the batch"),
    ("logps/chosen", "log-probability of chosen"),
    ("logps/rejected", "log-probability of rejected"),
    ("reward", "reward (weighted sum)"),
    ("kl", "KL to the initial policy"),
    ("completions/mean_length", "completion length (tokens)"),
    ("entropy", "entropy"),
)


def _plot(history: tuple[dict[str, float], ...]) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [(k, t) for k, t in CURVES if any(k in h for h in history)]
    names += sorted(
        {(k, k) for h in history for k in h if k.startswith("rewards/") and k.endswith("/mean")}
    )
    if not names:
        return ""
    cols = 3
    rows = (len(names) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(11, 2.6 * rows), layout="constrained")
    flat = list(axes.flat) if hasattr(axes, "flat") else [axes]
    for ax, (key, title) in zip(flat, names, strict=False):
        pts = [(h["step"], h[key]) for h in history if key in h and "step" in h]
        ax.plot([p[0] for p in pts], [p[1] for p in pts], "o-", ms=3)
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("step", fontsize=8)
    for ax in flat[len(names) :]:
        ax.axis("off")
    return svg_image(fig, "training curves")


def _dl(pairs: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(_fmt(v))}</td></tr>"
        for k, v in pairs.items()
    )
    return f"<table>{rows}</table>" if rows else "<p>–</p>"


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, list | tuple) and v and all(isinstance(x, float) for x in v):
        return "[" + ", ".join(f"{x:.3f}" for x in v) + "]"
    return str(v)


def write_report(result: Any, path: Path, *, config: dict[str, Any]) -> None:
    """The run's report: what it trained, the curves, the data checks and the held-out measures."""
    d = result.data
    parts = [
        f"<h1>{html.escape(result.method.upper())} run: {html.escape(result.model)}</h1>",
        f"<p>From {html.escape(result.base)}: {result.steps} steps on {result.train_rows} rows "
        f"({result.heldout_rows} held out) in {result.seconds:.1f} s"
        + (f", resumed from {html.escape(result.resumed_from)}" if result.resumed_from else "")
        + ".</p>",
    ]
    if result.notes:
        items = "".join(f"<li>{html.escape(n)}</li>" for n in result.notes)
        parts.append(f"<h2>How to read it</h2><ul>{items}</ul>")
    parts += ["<h2>Training curves</h2>", _plot(result.history) or "<p>Nothing was logged.</p>"]
    parts += ["<h2>Held out</h2>", _dl(result.heldout)]
    data = {
        "records in": d.records_in,
        "rows trained or held out": d.rows,
        **{f"dropped: {k}": v for k, v in d.dropped.items()},
        **{f"repaired: {k}": v for k, v in d.repaired.items()},
        "fields TRL rows do not carry": ", ".join(d.lost_fields) or "none",
    }
    if d.lengths is not None:
        ln = d.lengths
        data |= {
            f"rows over max_length={ln.max_length}": ln.over,
            "tokens p50 / p90 / p99 / max": f"{ln.p50:.0f} / {ln.p90:.0f} / {ln.p99:.0f} / "
            f"{ln.longest}",
        }
    parts += ["<h2>Data</h2>", _dl(data), "<h2>Settings</h2>", _dl(config)]
    path.write_text(html_page(f"prefkit {result.method} run", "\n".join(parts)), "utf-8")
