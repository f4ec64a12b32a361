"""A batch of (prompt, completion) pairs as rules see it.

The texts, per-text ``TextStats`` on demand, and the compiled batch statistics (``_fast.Corpus``).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Any

import numpy as np

from prefkit.rewards._text import TextStats, as_text, last_user_turn

__all__ = ["Batch"]


class Batch:
    def __init__(
        self,
        prompts: Sequence[Any],
        completions: Sequence[Any],
        columns: dict[str, Any],
        phrases: Sequence[str] = (),
    ) -> None:
        if len(prompts) != len(completions):
            raise ValueError(f"{len(prompts)} prompts but {len(completions)} completions")
        self.n = len(completions)
        self.texts = [
            c if isinstance(c, str) else as_text(c, roles=("assistant",)) for c in completions
        ]
        # prompts repeat (TRL passes each prompt once per generation): one entry per object
        index: dict[int, int] = {}
        self.prompt_of = np.empty(self.n, dtype=np.int64)
        self.prompts: list[TextStats] = []
        for k, p in enumerate(prompts):
            j = index.get(id(p))
            if j is None:
                j = index[id(p)] = len(self.prompts)
                self.prompts.append(TextStats(as_text(p), last_user_turn(p)))
            self.prompt_of[k] = j
        self.columns = {
            key: v for key, v in columns.items() if isinstance(v, list | tuple) and len(v) == self.n
        }
        self.phrases = list(phrases)
        self.phrase_index = {p: k for k, p in enumerate(self.phrases)}

    def row(self, k: int) -> dict[str, Any]:
        return {key: v[k] for key, v in self.columns.items()}

    @cached_property
    def stats(self) -> list[TextStats]:
        return [TextStats(t) for t in self.texts]

    @cached_property
    def corpus(self) -> Any:
        from prefkit.rewards._fast import Corpus

        return Corpus.of(self.texts)

    @cached_property
    def _counts(self) -> tuple[np.ndarray, np.ndarray]:
        from prefkit.rewards._fast import tokenize_phrases

        return self.corpus.count(tokenize_phrases(self.phrases))

    def phrase_counts(self, phrases: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Occurrences of each normalized phrase per text, and where the first starts.

        Occurrences of each normalized phrase per text (texts × phrases), and the character
        where the first starts (-1 when absent).
        """
        cols = [self.phrase_index[p] for p in phrases]
        counts, first = self._counts
        return counts[:, cols], first[:, cols]
