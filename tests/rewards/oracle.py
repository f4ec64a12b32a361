"""The per-text oracle for rule kinds: one text at a time, plain Python over ``TextStats``, the
numbers the rule docs describe. The library has one implementation per kind (the batched one,
``prefkit/rewards/_rules.py``); ``test_fast_rules.py`` holds it equal to this."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from prefkit.rewards import RuleSet
from prefkit.rewards._rules import (
    _FORMATS,
    _alternation,
    _import,
    _phrase_rx,
    _plain,
    _salient,
)
from prefkit.rewards._text import TextStats, as_text, last_user_turn, phrase_count


def _length(rule: Any, p: TextStats, c: TextStats, cols: dict[str, Any]) -> float:
    n = (
        len(c.split)
        if rule.unit == "words"
        else len(c.words)
        if rule.unit == "tokens"
        else len(c.text)
    )
    out = 1.0
    if rule.max is not None and n > rule.max:
        out = max(-1.0, 1.0 - (n - rule.max) / rule.max)
    if rule.min and n < rule.min:
        out = n / rule.min
    if rule.limit is not None and n > rule.limit:
        out = -1.0
    return out


def _entities(rule: Any, p: TextStats, c: TextStats, cols: dict[str, Any]) -> float:
    if rule.source == "prompt":
        src = p.last_user
    elif rule.source == "conversation":
        src = p.text
    else:
        src = as_text(cols.get(rule.source, ""))
    wanted = _salient(src, tuple(rule.kinds), rule.top_terms)
    cov = sum(1 for e in wanted if f" {e} " in c.padded) / len(wanted) if wanted else 0.0
    if rule.hallucination_penalty:
        own = _salient(c.text, ("entities", "numbers"), 0)
        if own:
            padded = TextStats(src).padded
            cov -= (
                rule.hallucination_penalty
                * sum(1 for e in own if f" {e} " not in padded)
                / len(own)
            )
    return cov


def _keywords(rule: Any, p: TextStats, c: TextStats, cols: dict[str, Any]) -> float:
    if rule.whole_words and not rule.case_sensitive:
        inc = sum(1 for x in _plain(rule.include) if x and f" {x} " in c.padded)
        s = inc / len(rule.include) if rule.include else 0.0
        bad = any(x and f" {x} " in c.padded for x in _plain(rule.exclude))
        return s - (1.0 if bad else 0.0)
    rx = _alternation(rule.include + rule.exclude, rule.case_sensitive, rule.whole_words)
    found = set(rx.findall(c.text if rule.case_sensitive else c.lower))
    if not rule.case_sensitive:
        found = {f.lower() for f in found}
    key = (lambda x: x) if rule.case_sensitive else str.lower
    s = sum(1 for x in rule.include if key(x) in found) / len(rule.include) if rule.include else 0.0
    return s - (1.0 if any(key(x) in found for x in rule.exclude) else 0.0)


def _regex(rule: Any, p: TextStats, c: TextStats, cols: dict[str, Any]) -> float:
    hit = _phrase_rx(rule.pattern, rule.ignore_case).search(c.text)
    return rule.match_score if hit else rule.miss_score


def _refusal(rule: Any, p: TextStats, c: TextStats, cols: dict[str, Any]) -> float:
    for x in _plain(rule.phrases):
        _, first = phrase_count(c.words, tuple(x.split()))
        if first >= 0 and c.word_starts[first] < rule.window:
            return 1.0
    return 0.0


def _hedging(rule: Any, p: TextStats, c: TextStats, cols: dict[str, Any]) -> float:
    n = len(c.split)
    if not n:
        return 0.0
    hits = sum(phrase_count(c.words, tuple(x.split()))[0] for x in _plain(rule.phrases))
    return min(1.0, hits * 100 / n / rule.saturation)


def _repetition(rule: Any, p: TextStats, c: TextStats, cols: dict[str, Any]) -> float:
    w = c.words
    total = len(w) - rule.n + 1
    if total <= 1:
        return 0.0
    return 1.0 - len(set(zip(*(w[k:] for k in range(rule.n)), strict=False))) / total


def _readability(rule: Any, p: TextStats, c: TextStats, cols: dict[str, Any]) -> float:
    words = len(c.words)
    if not words:
        return 0.0
    fre = 206.835 - 1.015 * words / c.n_sentences - 84.6 * c.syllables / words
    return min(1.0, max(0.0, fre / 100))


def _format(rule: Any, p: TextStats, c: TextStats, cols: dict[str, Any]) -> float:
    return 1.0 if _FORMATS[rule.feature].search(c.text) else 0.0


def _python(rule: Any, p: TextStats, c: TextStats, cols: dict[str, Any]) -> float:
    return float(_import(rule.function)(p.text, c.text, **cols))


ORACLE = {
    "length": _length,
    "entities": _entities,
    "keywords": _keywords,
    "regex": _regex,
    "refusal": _refusal,
    "hedging": _hedging,
    "repetition": _repetition,
    "readability": _readability,
    "format": _format,
    "python": _python,
}


def reference_features(
    rules: RuleSet, prompts: Sequence[Any], completions: Sequence[Any], **columns: Any
) -> np.ndarray:
    """What ``rules.features`` must return, computed text by text."""
    out = np.empty((len(completions), len(rules.rules)))
    for k, (p, c) in enumerate(zip(prompts, completions, strict=True)):
        ps = TextStats(as_text(p), last_user_turn(p))
        cs = TextStats(c if isinstance(c, str) else as_text(c, roles=("assistant",)))
        row = {key: v[k] for key, v in columns.items()}
        for j, rule in enumerate(rules.rules):
            out[k, j] = ORACLE[rule.kind](rule, ps, cs, row)
    return out
