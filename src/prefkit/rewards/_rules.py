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

from pydantic import BaseModel, ConfigDict, Field, field_validator

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

    def score(self, prompt: TextStats, completion: TextStats, columns: dict[str, Any]) -> float:
        raise NotImplementedError


class LengthRule(_Base):
    """Length of the completion in ``unit``s: 1 inside [min, max]; below ``min`` it falls to 0
    at zero length; above ``max`` it falls by the relative excess, down to -1; above ``limit``
    (if set) it is -1."""

    kind: Literal["length"]
    unit: Literal["words", "tokens", "characters"] = "words"
    min: int = Field(default=0, ge=0)
    max: int | None = Field(default=None, ge=1)
    limit: int | None = Field(default=None, ge=1)

    def score(self, prompt: TextStats, completion: TextStats, columns: dict[str, Any]) -> float:
        n = (
            len(completion.split)
            if self.unit == "words"
            else len(completion.words)
            if self.unit == "tokens"
            else len(completion.text)
        )
        if self.limit is not None and n > self.limit:
            return -1.0
        if n < self.min:
            return n / self.min
        if self.max is not None and n > self.max:
            return max(-1.0, 1.0 - (n - self.max) / self.max)
        return 1.0


_CAPS = re.compile(r"\b[A-Z][a-zA-Z]+(?:\s+[A-Z][a-zA-Z]+)*")
_NUMS = re.compile(r"\b\d+(?:[.,]\d+)*%?")


@lru_cache(maxsize=4096)
def _salient(source: str, kinds: tuple[str, ...], top_terms: int) -> frozenset[str]:
    found: set[str] = set()
    if "entities" in kinds:
        for m in _CAPS.findall(source):
            words = [w for w in m.split() if w.lower() not in STOPWORDS]
            if words:
                found.add(" ".join(words).lower())
    if "numbers" in kinds:
        found.update(_NUMS.findall(source))
    if "terms" in kinds:
        counts = Counter(w for w in re.findall(r"[a-z]{4,}", source.lower()) if w not in STOPWORDS)
        found.update(w for w, _ in counts.most_common(top_terms))
    return frozenset(found)


class EntitiesRule(_Base):
    """Coverage of the source's key entities (capitalized names), numbers and salient terms
    (most frequent content words): the share found in the completion, in [0, 1]. The source
    is the prompt (for a chat, its last user turn: what the reply answers), the whole
    ``conversation``, or a column (``source: document``). With ``hallucination_penalty``, the
    share of the completion's own capitalized names and numbers absent from the source is
    subtracted, times the penalty."""

    kind: Literal["entities"]
    source: str = "prompt"
    kinds: tuple[Literal["entities", "numbers", "terms"], ...] = ("entities", "numbers", "terms")
    top_terms: int = Field(default=10, ge=0, le=200)
    hallucination_penalty: float = Field(default=0.0, ge=0.0)

    def score(self, prompt: TextStats, completion: TextStats, columns: dict[str, Any]) -> float:
        if self.source == "prompt":
            src = prompt.last_user
        elif self.source == "conversation":
            src = prompt.text
        else:
            src = as_text(columns.get(self.source, ""))
        wanted = _salient(src, tuple(self.kinds), self.top_terms)
        low = completion.lower
        cov = sum(1 for e in wanted if e in low) / len(wanted) if wanted else 0.0
        if self.hallucination_penalty:
            own = _salient(completion.text, ("entities", "numbers"), 0)
            src_low = src.lower()
            if own:
                cov -= (
                    self.hallucination_penalty * sum(1 for e in own if e not in src_low) / len(own)
                )
        return cov


class KeywordsRule(_Base):
    """``include`` phrases: the share present (0..1); ``exclude`` phrases: minus one if any is
    present. Case-insensitive unless ``case_sensitive``; whole words when ``whole_words``."""

    kind: Literal["keywords"]
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    case_sensitive: bool = False
    whole_words: bool = True

    def score(self, prompt: TextStats, completion: TextStats, columns: dict[str, Any]) -> float:
        if self.whole_words and not self.case_sensitive:
            padded = completion.padded  # whole-word search is a C-level substring test
            inc = sum(1 for p in _normalized(self.include) if p in padded)
            s = inc / len(self.include) if self.include else 0.0
            return s - (1.0 if any(p in padded for p in _normalized(self.exclude)) else 0.0)
        # Otherwise one pass of one alternation over the text finds every listed phrase.
        rx = _alternation(self.include + self.exclude, self.case_sensitive, self.whole_words)
        text = completion.text if self.case_sensitive else completion.lower
        found = set(rx.findall(text))
        if not self.case_sensitive:
            found = {f.lower() for f in found}
        key = (lambda p: p) if self.case_sensitive else str.lower
        s = (
            sum(1 for p in self.include if key(p) in found) / len(self.include)
            if self.include
            else 0.0
        )
        if any(key(p) in found for p in self.exclude):
            s -= 1.0
        return s


@lru_cache(maxsize=1024)
def _normalized(phrases: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(p for p in (normalize_phrase(x) for x in phrases) if p.strip())


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

    def score(self, prompt: TextStats, completion: TextStats, columns: dict[str, Any]) -> float:
        rx = _phrase_rx(self.pattern, self.ignore_case)
        return self.match_score if rx.search(completion.text) else self.miss_score


@lru_cache(maxsize=1024)
def _phrase_rx(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE if ignore_case else 0)


class RefusalRule(_Base):
    """1 if the completion refuses (a refusal phrase in its first ``window`` characters), else 0.
    Give it a negative weight to penalize refusals, a positive one to reward them."""

    kind: Literal["refusal"]
    phrases: tuple[str, ...] = REFUSALS
    window: int = Field(default=200, ge=1)

    def score(self, prompt: TextStats, completion: TextStats, columns: dict[str, Any]) -> float:
        head = completion.lower[: self.window].replace("’", "'")
        return 1.0 if any(p in head for p in self.phrases) else 0.0


class HedgingRule(_Base):
    """Hedges per 100 words (might, perhaps, I think...), scaled so ``saturation`` per 100
    words gives 1 (capped)."""

    kind: Literal["hedging"]
    phrases: tuple[str, ...] = HEDGES
    saturation: float = Field(default=5.0, gt=0)

    def score(self, prompt: TextStats, completion: TextStats, columns: dict[str, Any]) -> float:
        n = len(completion.split)
        if not n:
            return 0.0
        padded = completion.padded
        hits = sum(padded.count(p) for p in _normalized(self.phrases))
        return min(1.0, hits * 100 / n / self.saturation)


class RepetitionRule(_Base):
    """The share of repeated word ``n``-grams, 1 - distinct / total, in [0, 1)."""

    kind: Literal["repetition"]
    n: int = Field(default=3, ge=1, le=10)

    def score(self, prompt: TextStats, completion: TextStats, columns: dict[str, Any]) -> float:
        w = completion.words
        total = len(w) - self.n + 1
        if total <= 1:
            return 0.0
        grams = set(zip(*(w[k:] for k in range(self.n)), strict=False))
        return 1.0 - len(grams) / total


class ReadabilityRule(_Base):
    """Flesch reading ease (Flesch 1948: 206.835 - 1.015·words/sentence - 84.6·syllables/word)
    divided by 100 and clipped to [0, 1]: higher is easier to read."""

    kind: Literal["readability"]

    def score(self, prompt: TextStats, completion: TextStats, columns: dict[str, Any]) -> float:
        words = len(completion.words)
        if not words:
            return 0.0
        fre = 206.835 - 1.015 * words / completion.n_sentences - 84.6 * completion.syllables / words
        return min(1.0, max(0.0, fre / 100))


_FORMATS = {
    "lists": re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\S", re.MULTILINE),
    "headers": re.compile(r"^\s{0,3}#{1,6}\s+\S", re.MULTILINE),
    "code_blocks": re.compile(r"^\s*```", re.MULTILINE),
    "bold": re.compile(r"\*\*[^*\n]+\*\*|__[^_\n]+__"),
}


class FormatRule(_Base):
    """1 if the completion uses the markdown ``feature`` (lists, headers, code_blocks, bold)."""

    kind: Literal["format"]
    feature: Literal["lists", "headers", "code_blocks", "bold"]

    def score(self, prompt: TextStats, completion: TextStats, columns: dict[str, Any]) -> float:
        return 1.0 if _FORMATS[self.feature].search(completion.text) else 0.0


class PythonRule(_Base):
    """A custom rule: ``function`` is "module:name" of ``f(prompt, completion, **columns) ->
    float`` (plain strings), importable from the Python path."""

    kind: Literal["python"]
    function: str = Field(pattern=r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")

    @property
    def fn(self) -> Callable[..., float]:
        return _import(self.function)

    def score(self, prompt: TextStats, completion: TextStats, columns: dict[str, Any]) -> float:
        return float(self.fn(prompt.text, completion.text, **columns))


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
