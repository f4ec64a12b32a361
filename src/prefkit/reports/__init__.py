"""Offline HTML reports shared by every command: a standalone page and inline SVG plots."""

from __future__ import annotations

import base64
import html
import io
from typing import Any

__all__ = ["STYLE", "html_page", "plain", "svg_image"]

STYLE = (
    "body{font:14px/1.45 system-ui,sans-serif;max-width:1100px;margin:2rem auto;color:#1d2330}"
    "table{border-collapse:collapse;margin:.5rem 0}"
    "td,th{border-bottom:1px solid #ddd;padding:.2rem .6rem;text-align:left}"
    ".note{color:#8a5a00}img{max-width:100%}.warnings li{color:#8a1c1c}"
)


def plain(text: Any) -> str:
    r"""A label drawn from data, as plain text for matplotlib.

    A label drawn from data, as plain text for matplotlib (which reads ``$…$`` as math and
    would fail or restyle on names like ``$\\badmath$``).
    """
    return str(text).replace("$", r"\$")


def html_page(title: str, body: str) -> str:
    """A complete HTML document around ``body``; nothing is loaded from outside."""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
        f"<body>{body}</body></html>"
    )


def svg_image(fig: Any, alt: str = "") -> str:
    """A matplotlib figure as an inline ``<img>`` (an SVG data URI), and the figure closed.

    A data URI rather than inline ``<svg>``: the workbench's Content-Security-Policy forbids
    inline styles in the page, but not inside an image document.
    """
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/svg+xml;base64,{data}">'
