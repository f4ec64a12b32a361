"""Each rule kind's one (batched, compiled) implementation gives the same scores as the per-text
oracle (``oracle.py`` over ``TextStats``), on real replies and on text built from the characters
where byte-level and str-level handling could part."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prefkit.data import read_records, sample_paths
from prefkit.rewards import load_rules
from prefkit.rewards._fast import Corpus
from prefkit.rewards._text import TextStats

from .oracle import reference_features

EVERY_KIND = {
    "rules": [
        {"name": "words", "kind": "length", "unit": "words", "min": 5, "max": 40, "limit": 80},
        {"name": "tokens", "kind": "length", "unit": "tokens", "min": 3, "max": 30},
        {"name": "chars", "kind": "length", "unit": "characters", "max": 200},
        {"name": "covers", "kind": "entities", "top_terms": 5},
        {"name": "covers-chat", "kind": "entities", "source": "conversation"},
        {
            "name": "doc",
            "kind": "entities",
            "source": "document",
            "kinds": ["entities", "numbers"],
            "hallucination_penalty": 0.5,
        },
        {"name": "refuses", "kind": "refusal", "window": 40},
        {"name": "repeats2", "kind": "repetition", "n": 2},
        {"name": "repeats3", "kind": "repetition", "n": 3},
        {"name": "hedges", "kind": "hedging", "saturation": 2},
        {"name": "readable", "kind": "readability"},
        {"name": "lists", "kind": "format", "feature": "lists"},
        {"name": "headers", "kind": "format", "feature": "headers"},
        {"name": "code", "kind": "format", "feature": "code_blocks"},
        {"name": "bold", "kind": "format", "feature": "bold"},
        {
            "name": "kw",
            "kind": "keywords",
            "include": ["because", "it's", "don’t"],
            "exclude": ["é"],
        },
        {"name": "kw-case", "kind": "keywords", "include": ["Paris"], "case_sensitive": True},
        {"name": "kw-sub", "kind": "keywords", "include": ["ing"], "whole_words": False},
        {"name": "asks", "kind": "regex", "pattern": r"\?\s*$"},
    ]
}
# characters where byte-level and str-level text handling could disagree
ALPHABET = [
    *"aeiouyle AEIOU bcdtrsmpnLTxz 0123456789 .!?,;:'\"-*+#`_()%\n\t\r\x0b\x0c\x1c\x1f",
"\xa0", "\x85", "\u2003", "\u2028", "\u3000", "\u1680", "\u202f", "\u205f", "’", "‘", "“",
     "”", "—", "–", "…", "«", "»", "é", "É", "ß", "İ", "Σ", "ж", "Ж", "漢", "😀", "\ud800", "\u2019e"]  # fmt: skip
WORDS = ["because", "maybe", "might", "i think", "i can't", "i’m sorry", "as an ai", "Paris",
         "Marie Curie", "3.5", "10%", "make", "table", "free", "it's", "don’t", "- ", "1. ", "## ",
         "```", "**bold**", "__u__", "\n", "the cat sat.", "may may may"]  # fmt: skip


def both(rules: Any, prompts: list[Any], texts: list[str], **cols: Any) -> Any:
    return rules.features(prompts, texts, **cols), reference_features(rules, prompts, texts, **cols)


def assert_same(rules: Any, fast: np.ndarray, ref: np.ndarray, texts: list[str]) -> None:
    bad = ~np.isclose(fast, ref, rtol=1e-12, atol=1e-12)
    if bad.any():
        k, j = map(int, np.argwhere(bad)[0])
        pytest.fail(
            f"rule {rules.rules[j].name!r} on {texts[k]!r}: fast {fast[k, j]} vs reference {ref[k, j]}"
        )


def hh_texts(limit: int) -> tuple[list[Any], list[str], list[str]]:
    shared = Path(__file__).resolve().parents[3] / "shared" / "data" / "hh-rlhf"
    files = sorted(shared.glob("*/test.jsonl.gz")) or [
        p for p in sample_paths() if "hh-rlhf" in p.name
    ]
    prompts: list[Any] = []
    texts: list[str] = []
    for rec in itertools.islice(itertools.chain.from_iterable(map(read_records, files)), limit):
        chat = [{"role": m.role, "content": m.content} for m in rec.prompt]
        for r in rec.responses:
            prompts.append(chat)
            texts.append(r.text)
    return prompts, texts, [str(c[-1]["content"]) for c in prompts]


def test_fast_path_equals_reference_on_real_replies() -> None:
    rules = load_rules(EVERY_KIND)
    prompts, texts, docs = hh_texts(1500)
    fast, ref = both(rules, prompts, texts, document=docs)
    assert_same(rules, fast, ref, texts)
    assert (fast != 0).any(axis=0).sum() >= 14  # most rules fire somewhere: the test has teeth


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.lists(st.one_of(st.sampled_from(ALPHABET), st.sampled_from(WORDS)), max_size=40).map(
            "".join
        ),
        min_size=1,
        max_size=6,
    )
)
def test_fast_path_equals_reference_on_adversarial_text(texts: list[str]) -> None:
    rules = load_rules(EVERY_KIND)
    prompts = ["Tell me about Marie Curie and Paris in 1903, maybe 3.5%?"] * len(texts)
    docs = [texts[-1]] * len(texts)
    fast, ref = both(rules, prompts, texts, document=docs)
    assert_same(rules, fast, ref, texts)
    c = Corpus.of(texts)
    for k, t in enumerate(texts):
        ts = TextStats(t)
        assert c.n_split[k] == len(t.split())
        assert c.n_words[k] == len(ts.words)
        assert c.n_sentences[k] == ts.n_sentences and c.syllables[k] == ts.syllables
        assert list(c.starts[c.offsets[k] : c.offsets[k + 1]]) == ts.word_starts


def test_phrases_are_whole_words_and_overlapping_counts() -> None:
    rules = load_rules({"rules": [{"name": "h", "kind": "hedging", "saturation": 100}]})
    # "may may may": three hedges in three words (100 per 100 words -> 1.0 at saturation 100)
    assert rules(["q"], ["may may may"]) == [1.0]
    assert rules(["q"], ["mayday dismay"]) == [0.0]  # no whole-word "may"
    ref = load_rules({"rules": [{"name": "r", "kind": "refusal", "window": 10}]})
    assert ref(["q", "q"], ["I can’t.", "Well, well, well... I can't."]) == [1.0, 0.0]
