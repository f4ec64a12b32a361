"""Plain text out of TRL-style prompts and completions, and per-text statistics shared by rules.

TRL hands reward functions either strings (standard format) or lists of chat messages
(conversational). Rules read the text of the completion (its assistant messages) and of the
prompt (every message). ``TextStats`` computes the word list and friends once per text, so ten
rules cost little more than one.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Any

__all__ = ["TextStats", "as_text"]

_WORD = re.compile(r"\w+(?:['’]\w+)?")
# Punctuation becomes a space (apostrophes stay inside words: "don't").
_PUNCT = str.maketrans({c: " " for c in '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~“”‘«»…—–'})
_SENTENCE = re.compile(r"[.!?]+(?:\s|$)")
_VOWELS = re.compile(r"[aeiouy]+")
_SILENT_E = re.compile(r"(?<=[a-z])[aeiouy][^aeiouy\W]+e\b")  # "make": the e adds none


def as_text(value: Any, *, roles: tuple[str, ...] | None = None) -> str:
    """A string, or the contents of chat messages (optionally only some roles), joined."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return str(value.get("content", ""))
    if isinstance(value, list | tuple):
        parts = []
        for m in value:
            if isinstance(m, dict):
                if roles is None or m.get("role") in roles:
                    parts.append(str(m.get("content", "")))
            else:
                parts.append(str(getattr(m, "content", m)))
        return "\n".join(parts)
    return "" if value is None else str(value)


class TextStats:
    """Lazily computed statistics of one text; each is computed at most once."""

    __slots__ = ("__dict__", "text")

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def lower(self) -> str:
        return self.text.lower()

    @cached_property
    def split(self) -> list[str]:
        return self.text.split()

    @cached_property
    def words(self) -> list[str]:
        """Lowercase words without punctuation (one C-level translate and split)."""
        return self.lower.translate(_PUNCT).split()

    @cached_property
    def word_set(self) -> frozenset[str]:
        return frozenset(self.words)

    @cached_property
    def n_sentences(self) -> int:
        return max(1, len(_SENTENCE.findall(self.text)))

    @cached_property
    def syllables(self) -> int:
        """Vowel groups less silent final e's ("make"), at least one per word: the usual
        heuristic, counted over the whole text in two regex passes, not one per word."""
        low = self.lower
        groups = len(_VOWELS.findall(low))
        silent = len(_SILENT_E.findall(low))
        return max(len(self.words), groups - silent)

    @cached_property
    def lines(self) -> list[str]:
        return self.text.splitlines()
