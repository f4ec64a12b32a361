"""Markdown for untrusted text: model outputs and prompts are rendered, never trusted.

markdown-it-py in CommonMark mode with raw HTML off: ``<script>`` or ``<img onerror=...>`` in a
response comes out as visible text. Its link validator refuses ``javascript:``, ``vbscript:``,
``file:`` and ``data:`` (except images) URLs, and every link gets ``rel="nofollow noopener
noreferrer"``. The pages also send a Content-Security-Policy that allows no inline script,
so even a rendering bug could not run code.
"""

from __future__ import annotations

from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

__all__ = ["render_markdown", "render_prompt"]

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


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


def render_markdown(text: str) -> str:
    """Safe HTML for a response or prompt text."""
    return _md.render(text)


def render_prompt(prompt: Any) -> list[tuple[str, str]]:
    """A prompt as (role, safe HTML) turns; a text prompt is one user turn."""
    if isinstance(prompt, str):
        return [("user", render_markdown(prompt))]
    return [
        (str(m.get("role", "user")), render_markdown(str(m.get("content", "")))) for m in prompt
    ]
