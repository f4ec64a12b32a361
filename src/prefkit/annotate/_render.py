"""Markdown for untrusted text: model outputs and prompts are rendered, never trusted.

markdown-it-py in CommonMark mode with raw HTML off: ``<script>`` or ``<img onerror=...>`` in a
response comes out as visible text. Its link validator refuses ``javascript:``, ``vbscript:``,
``file:`` and ``data:`` (except images) URLs, and every link gets ``rel="nofollow noopener
noreferrer"``. The pages also send a Content-Security-Policy that allows no inline script,
so even a rendering bug could not run code.
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

__all__ = ["prompt_parts", "render_markdown", "render_prompt"]

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_md.enable("table")  # GitHub-style pipe tables, as chat models write them


def _table_open(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    # a wide table scrolls inside its own box instead of widening the page
    return '<div class="table-wrap">' + str(self.renderToken(tokens, idx, options, env))


def _table_close(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    return str(self.renderToken(tokens, idx, options, env)) + "</div>"


_md.add_render_rule("table_open", _table_open)
_md.add_render_rule("table_close", _table_close)


def _link_open(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    tokens[idx].attrSet("rel", "nofollow noopener noreferrer")
    return str(self.renderToken(tokens, idx, options, env))


_md.add_render_rule("link_open", _link_open)


def _image(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    # An image in model output is shown as a link with its text, never fetched: a remote
    # <img> would tell its host who reads the page (the CSP blocks it anyway).
    tok = tokens[idx]
    src = str(tok.attrGet("src") or "")
    alt = self.renderInlineAsText(tok.children or [], options, env)
    label = escapeHtml(f"image: {alt}" if alt else "image")
    if src.startswith(("http://", "https://")):
        return (
            f'<a class="image-link" href="{escapeHtml(src)}" '
            f'rel="nofollow noopener noreferrer">[{label}]</a>'
        )
    return f'<span class="image-link">[{label}]</span>'


_md.add_render_rule("image", _image)

_LONG_RUN = re.compile(r"\S{80,}")


def _text(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    # A 100 kB word (minified code, base64) took Chromium 4.8 s to lay out with
    # overflow-wrap: anywhere; break opportunities every 40 characters make it instant, and
    # <wbr> adds nothing to copied text.
    html = escapeHtml(tokens[idx].content)
    if len(html) < 80:
        return html
    return _LONG_RUN.sub(lambda m: "<wbr>".join(_chunks(m.group(0), 40)), html)


def _chunks(s: str, n: int) -> list[str]:
    out = []
    i = 0
    while i < len(s):
        j = min(i + n, len(s))
        # never cut an HTML entity (&amp;) in two
        amp = s.rfind("&", i, j)
        if amp != -1 and ";" not in s[amp:j] and j < len(s):
            j = amp if amp > i else s.index(";", amp) + 1
        out.append(s[i:j])
        i = j
    return out


_md.add_render_rule("text", _text)


def render_markdown(text: str) -> str:
    """Safe HTML for a response or prompt text."""
    return _md.render(text)


def prompt_parts(prompt: Any) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """A prompt as (earlier turns, the final user turn and anything after it), rendered.

    The final user turn is the question both replies answer: the page always shows it and
    folds the conversation before it.
    """
    turns = render_prompt(prompt)
    last = max((i for i, (role, _html) in enumerate(turns) if role == "user"), default=0)
    return turns[:last], turns[last:]


def render_prompt(prompt: Any) -> list[tuple[str, str]]:
    """A prompt as (role, safe HTML) turns; a text prompt is one user turn."""
    if isinstance(prompt, str):
        return [("user", render_markdown(prompt))]
    return [
        (str(m.get("role", "user")), render_markdown(str(m.get("content", "")))) for m in prompt
    ]
