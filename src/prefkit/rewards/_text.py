"""Plain text out of TRL-style prompts and completions, and per-text statistics shared by rules.

TRL hands reward functions either strings (standard format) or lists of chat messages
(conversational). Rules read the text of the completion (its assistant messages) and of the
prompt (every message). ``TextStats`` computes the word list and friends once per text: it is
the reference, one text at a time; ``_fast.Corpus`` computes the same for a whole batch.

Words are the lowercase text with punctuation turned into spaces (ASCII punctuation but the
apostrophe, and “”‘«»…—–), ’ read as ', split on whitespace. Phrases match whole words.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Any

__all__ = ["TextStats", "as_text", "last_user_turn", "normalize_phrase", "phrase_count"]

# Punctuation becomes a space (apostrophes stay inside words: "don't").
_ASCII_PUNCT = b'!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~'
_PUNCT_BYTES = bytes.maketrans(_ASCII_PUNCT, b" " * len(_ASCII_PUNCT))
_VOWEL_BYTES = bytes(ord("a") if chr(b) in "aeiouy" else ord(" ") for b in range(256))
_SENTENCE = re.compile(r"[.!?]+(?:\s|$)")
_NONSPACE = re.compile(r"\S+")


def phrase_count(words: list[str], phrase: tuple[str, ...]) -> tuple[int, int]:
    """Occurrences of the word sequence ``phrase`` in ``words``, and the first's index.

    Occurrences of the word sequence ``phrase`` in ``words`` (overlapping ones too), and the
    index of the first (-1 when absent).
    """
    k = len(phrase)
    if not k:
        return 0, -1
    hits, first, head = 0, -1, phrase[0]
    for i, w in enumerate(words):
        if w == head and tuple(words[i : i + k]) == phrase:
            hits += 1
            if first < 0:
                first = i
    return hits, first


def normalize_phrase(phrase: str) -> str:
    """A phrase as it appears in ``TextStats.padded`` (lowercase words, punctuation gone)."""
    return " " + " ".join(TextStats(phrase).words) + " "


def last_user_turn(value: Any) -> str:
    """The last user message of a chat prompt (the prompt itself when it is a string)."""
    if isinstance(value, list | tuple):
        for m in reversed(value):
            if isinstance(m, dict) and m.get("role") == "user":
                return str(m.get("content", ""))
    return as_text(value)


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

    __slots__ = ("__dict__", "last_user", "text")

    def __init__(self, text: str, last_user: str | None = None) -> None:
        self.text = text
        self.last_user = text if last_user is None else last_user

    @cached_property
    def lower(self) -> str:
        return self.text.lower()

    @cached_property
    def split(self) -> list[str]:
        return self.text.split()

    @cached_property
    def normalized(self) -> str:
        """The lowercase text with punctuation as spaces, character for character.

        The lowercase text with punctuation as spaces, character for character (same length
        as ``lower``), through ``bytes.translate`` (a table lookup per byte; ``str.translate``
        on non-ASCII text is ~10x slower). UTF-8 keeps every non-ASCII byte >= 0x80, which the
        ASCII table leaves alone; typographic quotes and dashes are replaced first.
        """
        low = self.lower
        if not low.isascii():
            for ch in "“”‘«»…—–":
                if ch in low:
                    low = low.replace(ch, " ")
            low = low.replace("’", "'")
        return (
            low.encode("utf-8", "surrogatepass")
            .translate(_PUNCT_BYTES)
            .decode("utf-8", "surrogatepass")
        )

    @cached_property
    def words(self) -> list[str]:
        return self.normalized.split()

    @cached_property
    def word_starts(self) -> list[int]:
        """Where each word starts, in characters of ``lower``."""
        return [m.start() for m in _NONSPACE.finditer(self.normalized)]

    @cached_property
    def padded(self) -> str:
        """The words between single spaces, padded: a whole-word search is ``" p " in padded``."""
        return " " + " ".join(self.words) + " "

    @cached_property
    def word_set(self) -> frozenset[str]:
        return frozenset(self.words)

    @cached_property
    def n_sentences(self) -> int:
        return max(1, len(_SENTENCE.findall(self.text)))

    @cached_property
    def syllables(self) -> int:
        """Vowel groups less silent final e's ("make"), at least one per word.

        The usual heuristic, counted over the whole text at once rather than word by word.
        """
        # vowels -> "a", every other byte -> " ": the vowel groups are what .split() returns
        groups = len(self.lower.encode("utf-8", "surrogatepass").translate(_VOWEL_BYTES).split())
        silent = sum(
            1 for w in self.words if len(w) > 3 and w[-1] == "e" and w[-2] not in "aeiouyl"
        )
        return max(len(self.words), groups - silent)

    @cached_property
    def lines(self) -> list[str]:
        return self.text.splitlines()
