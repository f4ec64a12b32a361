"""Leaderboards: rows for the CLI and JSON, and an HTML table with a rating plot."""

from __future__ import annotations

import html
from collections.abc import Sequence

from prefkit.ranking._results import Leaderboard, LeaderboardRow
from prefkit.reports import html_page, plain, svg_image

__all__ = ["leaderboard_html"]


def _plot(rows: Sequence[LeaderboardRow]) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = rows[:40]
    fig, ax = plt.subplots(figsize=(7, 0.5 + 0.28 * len(shown)))
    y = list(range(len(shown)))[::-1]
    r = [x.rating for x in shown]
    cis = [x.ci for x in shown]
    if all(c is not None for c in cis):
        err = [
            [x.rating - c[0] for x, c in zip(shown, cis, strict=True) if c is not None],
            [c[1] - x.rating for x, c in zip(shown, cis, strict=True) if c is not None],
        ]
        ax.errorbar(r, y, xerr=err, fmt="o", capsize=2)
    else:
        ax.plot(r, y, "o")
    ax.set_yticks(y, [plain(x.item[:40]) for x in shown])
    ax.set_xlabel("rating (Elo scale), with the bootstrap interval")
    return svg_image(fig, "ratings")


def leaderboard_html(
    board: Leaderboard, *, title: str = "prefkit leaderboard", standalone: bool = True
) -> str:
    """A :class:`Leaderboard` as an HTML table and plot (nothing loaded from outside)."""
    rows = board.rows
    cols = ("rank", "item", "rating", "interval", "wins", "losses", "ties", "comparisons")
    head = "<tr>" + "".join(f"<th>{c}</th>" for c in cols) + "</tr>"

    def interval(r: LeaderboardRow) -> str:
        return "–" if not r.ci else f"{r.ci[0]:.0f} – {r.ci[1]:.0f}"

    body = "".join(
        f"<tr><td>{r.rank}</td><td>{html.escape(r.item)}</td><td>{r.rating:.0f}</td>"
        f"<td>{interval(r)}</td><td>{r.wins}</td><td>{r.losses}</td><td>{r.ties}</td>"
        f"<td>{r.games}</td></tr>"
        for r in rows
    )
    warn = "".join(f'<p class="note">{html.escape(w)}</p>' for w in board.warnings)
    info = (
        f"<p>{board.comparisons} comparisons, {board.rankings} rankings, {board.items} items; "
        f"ties: {html.escape(board.ties)}; bootstrap: {board.bootstrap} rounds by "
        f"{html.escape(board.cluster)}; rank = 1 + items whose lower bound exceeds this "
        "item's upper bound.</p>"
    )
    plot = _plot(rows) if rows else ""
    table = f"<table><thead>{head}</thead><tbody>{body}</tbody></table>"
    heading = f"<h1>{html.escape(title)}</h1>" if standalone else ""
    parts = f"{heading}{info}{warn}{plot}{table}"
    if not standalone:
        return parts
    return html_page(title, parts)
