"""Rule kinds: each scores one (prompt, completion) pair, documented with its parameters.

Scores are small numbers with a fixed meaning per kind (most lie in [-1, 1] or [0, 1]); a rule
set multiplies each by its weight and sums them. A negative weight turns a detector (refusal,
repetition...) into a penalty.
"""

from __future__ import annotations

import importlib
import re
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from prefkit.rewards._batch import Batch
from prefkit.rewards._text import TextStats, as_text, normalize_phrase

__all__ = ["RULE_KINDS", "Rule"]

_STRICT = ConfigDict(extra="forbid", frozen=True)

REFUSALS = (
    "i can't",
    "i cannot",
    "i can not",
    "i won't",
    "i will not",
    "i'm sorry",
    "i am sorry",
    "i apologize",
    "as an ai",
    "i'm not able to",
    "i am not able to",
    "i'm unable to",
    "i am unable to",
    "it is not appropriate",
    "it's not appropriate",
    "against my",
)
HEDGES = (
    "might",
    "may",
    "perhaps",
    "possibly",
    "probably",
    "maybe",
    "i think",
    "i believe",
    "it depends",
    "it seems",
    "likely",
    "unclear",
    "not sure",
    "could be",
)
_STOPWORDS = """
a an the and or but if of to in on at by for with from as is are was were be been being
it its this that these those i you he she we they them his her their our your my me
not no yes do does did so than then there here what which who whom how why when where
can could would should will shall may might must have has had about into over under
also just very more most some any all each other such only own same too
"""
STOPWORDS = frozenset(_STOPWORDS.split())


class _Base(BaseModel):
    model_config = _STRICT
    name: str = Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.-]+$")
    weight: float = 1.0
    description: str = ""

    def counted_phrases(self) -> tuple[str, ...]:
        """Normalized phrases that ``score_batch`` counts through the batch's shared pass."""
        return ()

    def score_batch(self, batch: Batch) -> np.ndarray:
        """The score of every completion in ``batch``.

        The kind's one implementation (the per-text oracle it must equal lives in
        ``tests/rewards/oracle.py``).
        """
        raise NotImplementedError


class LengthRule(_Base):
    """Length of the completion in ``unit``s.

    1 inside [min, max]; below ``min`` it falls to 0 at zero length; above ``max`` it falls by the
    relative excess, down to -1; above ``limit`` (if set) it is -1.
    """

    kind: Literal["length"]
    unit: Literal["words", "tokens", "characters"] = "words"
    min: int = Field(default=0, ge=0)
    max: int | None = Field(default=None, ge=1)
    limit: int | None = Field(default=None, ge=1)

    def score_batch(self, batch: Batch) -> np.ndarray:
        if self.unit == "characters":
            n = np.fromiter(map(len, batch.texts), dtype=np.float64, count=batch.n)
        else:
            c = batch.corpus
            n = (c.n_split if self.unit == "words" else c.n_words).astype(np.float64)
        return self._curve(n)

    def _curve(self, n: np.ndarray) -> np.ndarray:
        out = np.ones_like(n)
        if self.max is not None:
            over = n > self.max
            out[over] = np.maximum(-1.0, 1.0 - (n[over] - self.max) / self.max)
        if self.min:
            under = n < self.min
            out[under] = n[under] / self.min
        if self.limit is not None:
            out[n > self.limit] = -1.0
        return out


_CAPS = re.compile(r"\b[A-Z][a-zA-Z]+(?:\s+[A-Z][a-zA-Z]+)*")
_NUMS = re.compile(r"\b\d+(?:[.,]\d+)*%?")


def clear_caches() -> None:
    """Forget the salient items remembered per source text (benchmarks start cold)."""
    _salient.cache_clear()


_TERMS = re.compile(r"[a-z]{4,}")
_NUM_PUNCT = str.maketrans(".,%", "   ")


@lru_cache(maxsize=65536)
def _salient(source: str, kinds: tuple[str, ...], top_terms: int) -> tuple[str, ...]:
    """The source's salient items as normalized phrases, sorted, unique.

    The source's salient items as normalized phrases (lowercase words, as ``TextStats``
    splits them), sorted, unique. Every item is ASCII letters, digits, '.', ',' or '%' and
    whitespace, so normalizing is lowercasing and dropping the punctuation.
    """
    found: set[str] = set()
    if "entities" in kinds:
        for m in _CAPS.findall(source):
            words = [w for w in m.lower().split() if w not in STOPWORDS]
            if words:
                found.add(" ".join(words))
    if "numbers" in kinds:
        found.update(" ".join(n.translate(_NUM_PUNCT).split()) for n in _NUMS.findall(source))
    if "terms" in kinds and top_terms:
        counts = Counter(w for w in _TERMS.findall(source.lower()) if w not in STOPWORDS)
        found.update(w for w, _ in counts.most_common(top_terms))
    found.discard("")
    return tuple(sorted(found))


class EntitiesRule(_Base):
    """Coverage of the source's key entities, numbers and salient terms, in [0, 1].

    Coverage of the source's key entities (capitalized names), numbers and salient terms
    (most frequent content words): the share found in the completion as whole words, in
    [0, 1]. The source
    is the prompt (for a chat, its last user turn: what the reply answers), the whole
    ``conversation``, or a column (``source: document``). With ``hallucination_penalty``, the
    share of the completion's own capitalized names and numbers absent from the source is
    subtracted, times the penalty.
    """

    kind: Literal["entities"]
    source: str = "prompt"
    kinds: tuple[Literal["entities", "numbers", "terms"], ...] = ("entities", "numbers", "terms")
    top_terms: int = Field(default=10, ge=0, le=200)
    hallucination_penalty: float = Field(default=0.0, ge=0.0)

    def _source(self, prompt: TextStats, columns: dict[str, Any]) -> str:
        if self.source == "prompt":
            return prompt.last_user
        if self.source == "conversation":
            return prompt.text
        return as_text(columns.get(self.source, ""))

    def _hallucinated(self, src: str, completion: TextStats) -> float:
        if not self.hallucination_penalty:
            return 0.0
        own = _salient(completion.text, ("entities", "numbers"), 0)
        if not own:
            return 0.0
        padded = TextStats(src).padded
        return self.hallucination_penalty * sum(1 for e in own if f" {e} " not in padded) / len(own)

    def score_batch(self, batch: Batch) -> np.ndarray:
        from prefkit.rewards._fast import tokenize_phrases

        if self.source in ("prompt", "conversation"):
            key = batch.prompt_of
            texts = [self._source(p, {}) for p in batch.prompts]
        else:
            col = batch.columns.get(self.source) or [""] * batch.n
            key = np.arange(batch.n)
            texts = [as_text(v) for v in col]
        sources = list(dict.fromkeys(texts))  # distinct sources, in order
        at = {t: g for g, t in enumerate(sources)}
        group = np.fromiter((at[texts[k]] for k in key), dtype=np.int64, count=batch.n)
        wanted = [_salient(t, tuple(self.kinds), self.top_terms) for t in sources]
        gstart = np.zeros(len(sources) + 1, dtype=np.int64)
        np.cumsum([len(w) for w in wanted], out=gstart[1:])
        table = tokenize_phrases([p for w in wanted for p in w], index=False)
        found = batch.corpus.coverage(group, gstart, table)
        size = np.diff(gstart)[group]
        cov = np.where(size > 0, found / np.maximum(size, 1), 0.0)
        if self.hallucination_penalty:
            stats = batch.stats
            cov -= [self._hallucinated(texts[key[k]], stats[k]) for k in range(batch.n)]
        return cov


class KeywordsRule(_Base):
    """``include`` phrases.

    The share present (0..1); ``exclude`` phrases: minus one if any is present. Case-insensitive
    unless ``case_sensitive``; whole words when ``whole_words``.
    """

    kind: Literal["keywords"]
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    case_sensitive: bool = False
    whole_words: bool = True

    def counted_phrases(self) -> tuple[str, ...]:
        if self.whole_words and not self.case_sensitive:
            return _plain(self.include) + _plain(self.exclude)
        return ()

    def score_batch(self, batch: Batch) -> np.ndarray:
        if not self.counted_phrases():
            return self._searched(batch.texts)
        out = np.zeros(batch.n)
        if self.include:
            inc, _ = batch.phrase_counts(_plain(self.include))
            out += (inc > 0).sum(axis=1) / len(self.include)
        if self.exclude:
            exc, _ = batch.phrase_counts(_plain(self.exclude))
            out -= (exc > 0).any(axis=1)
        return out

    def _searched(self, texts: list[str]) -> np.ndarray:
        """Case-sensitive or substring matching.

        One pass of one alternation over each text finds every listed phrase.
        """
        case = self.case_sensitive
        rx = _alternation(self.include + self.exclude, case, self.whole_words)
        key = (lambda p: p) if case else str.lower
        include = [key(p) for p in self.include]
        exclude = [key(p) for p in self.exclude]
        out = np.zeros(len(texts))
        for k, text in enumerate(texts):
            found = set(rx.findall(text)) if case else {f.lower() for f in rx.findall(text)}
            if include:
                out[k] = sum(1 for p in include if p in found) / len(include)
            if any(p in found for p in exclude):
                out[k] -= 1.0
        return out


@lru_cache(maxsize=1024)
def _plain(phrases: tuple[str, ...]) -> tuple[str, ...]:
    """Each phrase normalized (lowercase words joined by one space; "" if none is left)."""
    return tuple(normalize_phrase(x).strip() for x in phrases)


def _searched(rx: re.Pattern[str], texts: list[str]) -> np.ndarray:
    return np.fromiter((m is not None for m in map(rx.search, texts)), dtype=bool, count=len(texts))


@lru_cache(maxsize=1024)
def _alternation(phrases: tuple[str, ...], case: bool, whole: bool) -> re.Pattern[str]:
    body = "|".join(
        re.escape(p if case else p.lower()) for p in sorted(phrases, key=len, reverse=True)
    )
    return re.compile(rf"\b(?:{body})\b" if whole else f"(?:{body})", 0 if case else re.IGNORECASE)


class RegexRule(_Base):
    """1 if ``pattern`` matches the completion (``match_score``), else ``miss_score`` (0)."""

    kind: Literal["regex"]
    pattern: str
    ignore_case: bool = True
    match_score: float = 1.0
    miss_score: float = 0.0

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, v: str) -> str:
        try:
            re.compile(v)
        except re.error as exc:
            raise ValueError(f"{v!r} is not a regular expression: {exc}") from None
        return v

    def score_batch(self, batch: Batch) -> np.ndarray:
        hit = _searched(_phrase_rx(self.pattern, self.ignore_case), batch.texts)
        return np.where(hit, self.match_score, self.miss_score)


@lru_cache(maxsize=1024)
def _phrase_rx(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE if ignore_case else 0)


class RefusalRule(_Base):
    """1 if the completion refuses near its start, else 0.

    1 if the completion refuses (a refusal phrase, as whole words, starting within its first
    ``window`` characters), else 0. Give it a negative weight to penalize refusals, a positive
    one to reward them.
    """

    kind: Literal["refusal"]
    phrases: tuple[str, ...] = REFUSALS
    window: int = Field(default=200, ge=1)

    def counted_phrases(self) -> tuple[str, ...]:
        return _plain(self.phrases)

    def score_batch(self, batch: Batch) -> np.ndarray:
        _, first = batch.phrase_counts(self.counted_phrases())
        return np.asarray(((first >= 0) & (first < self.window)).any(axis=1), dtype=np.float64)


class HedgingRule(_Base):
    """Hedges per 100 words, scaled and capped at 1.

    Hedges per 100 words (might, perhaps, I think...), scaled so ``saturation`` per 100
    words gives 1 (capped).
    """

    kind: Literal["hedging"]
    phrases: tuple[str, ...] = HEDGES
    saturation: float = Field(default=5.0, gt=0)

    def counted_phrases(self) -> tuple[str, ...]:
        return _plain(self.phrases)

    def score_batch(self, batch: Batch) -> np.ndarray:
        counts, _ = batch.phrase_counts(self.counted_phrases())
        n = batch.corpus.n_split
        hits = counts.sum(axis=1)
        rate = hits * 100 / np.maximum(n, 1) / self.saturation
        return np.where(n > 0, np.minimum(1.0, rate), 0.0)


class RepetitionRule(_Base):
    """The share of repeated word ``n``-grams, 1 - distinct / total, in [0, 1)."""

    kind: Literal["repetition"]
    n: int = Field(default=3, ge=1, le=10)

    def score_batch(self, batch: Batch) -> np.ndarray:
        c = batch.corpus
        total = c.n_words - self.n + 1
        distinct = c.distinct_ngrams(self.n)
        return np.where(total > 1, 1.0 - distinct / np.maximum(total, 1), 0.0)


class ReadabilityRule(_Base):
    """Flesch reading ease divided by 100 and clipped to [0, 1]: higher is easier.

    Flesch reading ease (Flesch 1948: 206.835 - 1.015·words/sentence - 84.6·syllables/word)
    divided by 100 and clipped to [0, 1]: higher is easier to read.
    """

    kind: Literal["readability"]

    def score_batch(self, batch: Batch) -> np.ndarray:
        c = batch.corpus
        words = c.n_words
        w = np.maximum(words, 1)
        fre = 206.835 - 1.015 * words / c.n_sentences - 84.6 * c.syllables / w
        return np.where(words > 0, np.clip(fre / 100, 0.0, 1.0), 0.0)


_FORMATS = {
    "lists": re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\S", re.MULTILINE),
    "headers": re.compile(r"^\s{0,3}#{1,6}\s+\S", re.MULTILINE),
    "code_blocks": re.compile(r"^\s*```", re.MULTILINE),
    "bold": re.compile(r"\*\*[^*\n]+\*\*|__[^_\n]+__"),
}
_LEADING_MARKER = re.compile(r"\s*[-*+\d]")


def _may_have(feature: str, text: str) -> bool:
    """A cheap necessary condition for ``_FORMATS[feature]`` to match (one-character scans).

    Only the texts that pass it are searched.
    """
    if feature == "lists":  # a marker at a line start: the first line, or after a newline
        return "\n" in text or _LEADING_MARKER.match(text) is not None
    if feature == "headers":
        return "#" in text
    if feature == "code_blocks":
        return "`" in text
    return "*" in text or "_" in text


class FormatRule(_Base):
    """1 if the completion uses the markdown ``feature`` (lists, headers, code_blocks, bold)."""

    kind: Literal["format"]
    feature: Literal["lists", "headers", "code_blocks", "bold"]

    def score_batch(self, batch: Batch) -> np.ndarray:
        f, rx = self.feature, _FORMATS[self.feature]
        return np.fromiter(
            (_may_have(f, t) and rx.search(t) is not None for t in batch.texts),
            dtype=np.float64,
            count=batch.n,
        )


class PythonRule(_Base):
    """A custom rule: an importable Python function.

    A custom rule: ``function`` is "module:name" of ``f(prompt, completion, **columns) ->
    float`` (plain strings), importable from the Python path.
    """

    kind: Literal["python"]
    function: str = Field(pattern=r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")

    @property
    def fn(self) -> Callable[..., float]:
        return _import(self.function)

    def score_batch(self, batch: Batch) -> np.ndarray:
        fn, prompts, of = self.fn, batch.prompts, batch.prompt_of
        return np.array(
            [float(fn(prompts[of[k]].text, t, **batch.row(k))) for k, t in enumerate(batch.texts)]
        )


@lru_cache(maxsize=256)
def _import(spec: str) -> Callable[..., float]:
    mod, _, name = spec.partition(":")
    try:
        fn = getattr(importlib.import_module(mod), name)
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"cannot import {spec!r}: {exc}") from None
    if not callable(fn):
        raise ValueError(f"{spec!r} is not callable")
    return fn


Rule = Annotated[
    LengthRule
    | EntitiesRule
    | KeywordsRule
    | RegexRule
    | RefusalRule
    | HedgingRule
    | RepetitionRule
    | ReadabilityRule
    | FormatRule
    | PythonRule,
    Field(discriminator="kind"),
]
RULE_KINDS: dict[str, type[_Base]] = {
    "length": LengthRule,
    "entities": EntitiesRule,
    "keywords": KeywordsRule,
    "regex": RegexRule,
    "refusal": RefusalRule,
    "hedging": HedgingRule,
    "repetition": RepetitionRule,
    "readability": ReadabilityRule,
    "format": FormatRule,
    "python": PythonRule,
}
