"""Leaderboards: rows for the CLI and JSON, and an HTML table with a rating plot."""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any, Literal

from prefkit.data import Judgment
from prefkit.ranking._data import Comparisons
from prefkit.ranking._estimator import BradleyTerry
from prefkit.reports import html_page, svg_image

__all__ = ["leaderboard", "leaderboard_html"]


def leaderboard(
    data: Comparisons | Iterable[Judgment] | BradleyTerry,
    *,
    by: Literal["model", "prompt"] = "model",
    **params: Any,
) -> list[dict[str, Any]]:
    """Leaderboard rows (best first) from data, or from a fitted :class:`BradleyTerry`."""
    model = data if isinstance(data, BradleyTerry) else BradleyTerry(**params).fit(data, by=by)
    return model.leaderboard()


def _plot(rows: list[dict[str, Any]]) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = rows[:40]
    fig, ax = plt.subplots(figsize=(7, 0.5 + 0.28 * len(shown)))
    y = list(range(len(shown)))[::-1]
    r = [x["rating"] for x in shown]
    if all(x["ci"] for x in shown):
        err = [[x["rating"] - x["ci"][0] for x in shown], [x["ci"][1] - x["rating"] for x in shown]]
        ax.errorbar(r, y, xerr=err, fmt="o", capsize=2)
    else:
        ax.plot(r, y, "o")
    ax.set_yticks(y, [x["item"][:40] for x in shown])
    ax.set_xlabel("rating (Elo scale), with the bootstrap interval")
    return svg_image(fig, "ratings")


def leaderboard_html(
    summary: dict[str, Any], *, title: str = "prefkit leaderboard", standalone: bool = True
) -> str:
    """``BradleyTerry.to_dict()`` as an HTML table and plot (nothing loaded from outside)."""
    rows = summary["leaderboard"]
    cols = ("rank", "item", "rating", "interval", "W", "L", "T", "games")
    head = "<tr>" + "".join(f"<th>{c}</th>" for c in cols) + "</tr>"

    def interval(r: dict[str, Any]) -> str:
        return "–" if not r["ci"] else f"{r['ci'][0]:.0f} – {r['ci'][1]:.0f}"

    body = "".join(
        f"<tr><td>{r['rank']}</td><td>{html.escape(r['item'])}</td><td>{r['rating']:.0f}</td>"
        f"<td>{interval(r)}</td><td>{r['wins']}</td><td>{r['losses']}</td><td>{r['ties']}</td>"
        f"<td>{r['games']}</td></tr>"
        for r in rows
    )
    warn = "".join(f'<p class="note">{html.escape(w)}</p>' for w in summary["warnings"])
    info = (
        f"<p>{summary['comparisons']} comparisons, {summary['rankings']} rankings, "
        f"{summary['items']} items; "
        f"ties: {html.escape(summary['ties'])}; bootstrap: {summary['bootstrap']} rounds by "
        f"{html.escape(summary['cluster'])}; rank = 1 + items whose lower bound exceeds this "
        "item's upper bound.</p>"
    )
    plot = _plot(rows) if rows else ""
    table = f"<table><thead>{head}</thead><tbody>{body}</tbody></table>"
    parts = f"<h1>{html.escape(title)}</h1>{info}{warn}{plot}{table}"
    if not standalone:
        return parts
    return html_page(title, parts)
