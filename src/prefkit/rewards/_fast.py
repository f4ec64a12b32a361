"""Batch text statistics for rule sets, compiled with numba.

One pass over the UTF-8 bytes of every completion at once.

``TextStats`` (``_text.py``) is the reference: one text at a time, plain Python, what the
rule docs describe. This module computes the same numbers for a whole batch in compiled loops,
so a 10-rule set costs a few ``len(text.split())`` passes rather than dozens (measured in
``bench/rule_rewards.py``). ``tests/rewards/test_fast_rules.py`` checks that both agree on real
and adversarial text.

Words are compared by 64-bit FNV-1a hashes of their normalized bytes; two different words or
n-grams collide with probability ~n²/2⁶⁴ per text, which we accept.

Byte classes (what ``TextStats`` gets from ``str.split`` and its punctuation table):
whitespace is exactly ``str.isspace`` (ASCII and the Unicode spaces, decoded from UTF-8 here);
punctuation is ASCII punctuation but the apostrophe, plus “”‘«»…—–; ’ is an apostrophe; every
other byte belongs to a word.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numba import njit

__all__ = ["Corpus", "PhraseTable", "tokenize_phrases"]

WORD, SPACE, PUNCT, APOS = 0, 1, 2, 3
VOWEL, TERMINAL = 4, 8  # flags beside the class in the ASCII table
_ASCII = np.zeros(128, dtype=np.uint8)
for _c in "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f ":
    _ASCII[ord(_c)] = SPACE
for _c in '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~':
    _ASCII[ord(_c)] = PUNCT
_ASCII[ord("'")] = APOS
for _c in "aeiouy":
    _ASCII[ord(_c)] |= VOWEL
for _c in ".!?":
    _ASCII[ord(_c)] |= TERMINAL
_SOUNDED = np.zeros(256, dtype=np.uint8)  # a final e after these is sounded ("free", "table")
for _c in "aeiouyl":
    _SOUNDED[ord(_c)] = 1

_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)
_MIX = np.uint64(0x9E3779B97F4A7C15)


@njit(cache=True)
def _wide(buf: np.ndarray, i: int, end: int) -> tuple[int, int]:
    """(class, byte length) of the non-ASCII character starting at ``buf[i]``."""
    b = buf[i]
    n1 = buf[i + 1] if i + 1 < end else 0
    n2 = buf[i + 2] if i + 2 < end else 0
    if b == 0xC2:
        if n1 == 0x85 or n1 == 0xA0:
            return SPACE, 2
        if n1 == 0xAB or n1 == 0xBB:
            return PUNCT, 2
        return WORD, min(2, end - i)
    if b == 0xE2:
        if n1 == 0x80:
            if (0x80 <= n2 <= 0x8A) or n2 == 0xA8 or n2 == 0xA9 or n2 == 0xAF:
                return SPACE, 3
            if n2 == 0x93 or n2 == 0x94 or n2 == 0x98 or n2 == 0x9C or n2 == 0x9D or n2 == 0xA6:
                return PUNCT, 3
            if n2 == 0x99:
                return APOS, 3
        elif n1 == 0x81 and n2 == 0x9F:
            return SPACE, 3
        return WORD, min(3, end - i)
    if b == 0xE1 and n1 == 0x9A and n2 == 0x80:
        return SPACE, 3
    if b == 0xE3 and n1 == 0x80 and n2 == 0x80:
        return SPACE, 3
    if b >= 0xF0:
        return WORD, min(4, end - i)
    if b >= 0xE0:
        return WORD, min(3, end - i)
    if b >= 0xC0:
        return WORD, min(2, end - i)
    return WORD, 1  # a stray continuation byte (lone surrogates encode to three of these)


@njit(cache=True)
def _tokenize(
    buf: np.ndarray, offs: np.ndarray, table: np.ndarray, sounded: np.ndarray
) -> tuple[np.ndarray, ...]:
    n = len(offs) - 1
    cap = (len(buf) + 1) // 2 + n + 1
    wh = np.empty(cap, dtype=np.uint64)
    wpos = np.empty(cap, dtype=np.int32)
    wofs = np.empty(n + 1, dtype=np.int64)
    n_split = np.zeros(n, dtype=np.int64)
    n_sent = np.zeros(n, dtype=np.int64)
    n_groups = np.zeros(n, dtype=np.int64)
    n_silent = np.zeros(n, dtype=np.int64)
    w = 0
    for t in range(n):
        wofs[t] = w
        i = offs[t]
        end = offs[t + 1]
        chars = 0
        splits = 0
        sentences = 0
        groups = 0
        silent = 0
        in_split = False
        in_word = False
        h = _FNV_OFFSET
        wchars = 0
        last = np.int64(0)  # first bytes of the word's last and second-to-last characters
        prev = np.int64(0)
        run_term = False  # inside a run of . ! ?
        prev_vowel = False
        while i < end:
            b = np.int64(buf[i])
            if b < 0x80:
                flags = np.int64(table[b])
                cls = int(flags) & 3
                ln = 1
            else:
                cls, ln = _wide(buf, i, end)
                flags = np.int64(cls)
            # sentences: a run of . ! ? followed by whitespace or the end
            if flags & TERMINAL:
                run_term = True
            elif run_term:
                if cls == SPACE:
                    sentences += 1
                run_term = False
            # vowel groups
            v = (flags & VOWEL) != 0
            if v and not prev_vowel:
                groups += 1
            prev_vowel = v
            # split words (str.split) and words (punctuation removed)
            if cls == SPACE:
                in_split = False
            elif not in_split:
                in_split = True
                splits += 1
            if cls == WORD or cls == APOS:  # noqa: SIM109 (numba)
                if not in_word:
                    in_word = True
                    h = _FNV_OFFSET
                    wchars = 0
                    last = np.int64(0)
                    wpos[w] = chars
                if ln == 1:
                    h = (h ^ np.uint64(b)) * _FNV_PRIME
                    first = b
                elif cls == APOS:
                    h = (h ^ np.uint64(0x27)) * _FNV_PRIME
                    first = np.int64(0x27)
                else:
                    for k in range(ln):
                        h = (h ^ np.uint64(buf[i + k])) * _FNV_PRIME
                    first = b
                prev = last
                last = first
                wchars += 1
            elif in_word:
                in_word = False
                wh[w] = h
                w += 1
                if wchars > 3 and last == 0x65 and sounded[prev] == 0:
                    silent += 1
            i += ln
            chars += 1
        if run_term:
            sentences += 1
        if in_word:
            wh[w] = h
            w += 1
            if wchars > 3 and last == 0x65 and sounded[prev] == 0:
                silent += 1
        n_split[t] = splits
        n_sent[t] = sentences
        n_groups[t] = groups
        n_silent[t] = silent
    wofs[n] = w
    return wh[:w], wpos[:w], wofs, n_split, n_sent, n_groups, n_silent


@njit(cache=True)
def _mix(h: np.uint64) -> np.uint64:
    return (h ^ (h >> np.uint64(29))) * _MIX


@njit(cache=True, inline="always")
def _matches(wh: np.ndarray, i: int, pw: np.ndarray, s: int, ln: int) -> bool:
    """Do the words from ``i`` on start with the phrase ``pw[s:s + ln]``?"""
    for j in range(ln):  # noqa: SIM110 (a loop numba compiles)
        if wh[i + j] != pw[s + j]:
            return False
    return True


@njit(cache=True)
def _count_phrases(
    wh: np.ndarray,
    wpos: np.ndarray,
    wofs: np.ndarray,
    heads: np.ndarray,
    chain: np.ndarray,
    pw: np.ndarray,
    pstart: np.ndarray,
    plen: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Occurrences (overlapping) of every phrase in every text, and the first's start.

    Occurrences (overlapping) of every phrase in every text, and where the first starts (in
    characters; -1 when absent). Phrases are found through a small hash table on their first
    word (``heads`` -> first phrase, ``chain`` -> next phrase with the same slot).
    """
    n = len(wofs) - 1
    p = len(plen)
    counts = np.zeros((n, p), dtype=np.int32)
    first = np.full((n, p), -1, dtype=np.int32)
    mask = np.uint64(len(heads) - 1)
    for t in range(n):
        b = wofs[t + 1]
        for i in range(wofs[t], b):
            k = heads[np.intp(_mix(wh[i]) & mask)]
            while k >= 0:
                if i + plen[k] <= b and _matches(wh, i, pw, pstart[k], plen[k]):
                    counts[t, k] += 1
                    if first[t, k] < 0:
                        first[t, k] = wpos[i]
                k = chain[k]
    return counts, first


@njit(cache=True)
def _distinct_ngrams(wh: np.ndarray, wofs: np.ndarray, n: int) -> np.ndarray:
    """The number of distinct word ``n``-grams of every text.

    The number of distinct word ``n``-grams of every text (an open-addressing set per text,
    reused across texts through a stamp instead of clearing).
    """
    m = len(wofs) - 1
    out = np.zeros(m, dtype=np.int64)
    longest = 1
    for t in range(m):
        longest = max(longest, wofs[t + 1] - wofs[t])
    size = 16
    while size < 2 * longest:
        size *= 2
    keys = np.zeros(size, dtype=np.uint64)
    stamp = np.zeros(size, dtype=np.int64)
    mask = np.uint64(size - 1)
    for t in range(m):
        a = wofs[t]
        total = wofs[t + 1] - a - n + 1
        distinct = 0
        for i in range(a, a + max(total, 0)):
            g = _FNV_OFFSET
            for j in range(n):
                g = (g ^ wh[i + j]) * _FNV_PRIME
            slot = np.intp(_mix(g) & mask)
            while True:
                if stamp[slot] != t + 1:
                    stamp[slot] = t + 1
                    keys[slot] = g
                    distinct += 1
                    break
                if keys[slot] == g:
                    break
                slot = (slot + 1) & (size - 1)
        out[t] = distinct
    return out


@njit(cache=True)
def _coverage(
    wh: np.ndarray,
    wofs: np.ndarray,
    group: np.ndarray,
    gstart: np.ndarray,
    pw: np.ndarray,
    pstart: np.ndarray,
    plen: np.ndarray,
) -> np.ndarray:
    """For each text, how many of its group's phrases occur in it as whole words.

    For text t, how many of its group's phrases (``gstart[group[t]]`` to
    ``gstart[group[t] + 1]``) occur in it as whole words.
    """
    n = len(wofs) - 1
    found = np.zeros(n, dtype=np.int64)
    for t in range(n):
        g = group[t]
        a = wofs[t]
        b = wofs[t + 1]
        for k in range(gstart[g], gstart[g + 1]):
            if plen[k] == 0:
                continue  # an empty phrase is never found
            for i in range(a, b - plen[k] + 1):
                if _matches(wh, i, pw, pstart[k], plen[k]):
                    found[t] += 1
                    break
    return found


def _encode(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The lowercased UTF-8 bytes of all texts, end to end, and each text's byte offsets."""
    low = list(map(str.lower, texts))
    joined = "".join(low)
    data = joined.encode("utf-8", "surrogatepass")
    if len(data) == len(joined):
        lens = np.fromiter(map(len, low), dtype=np.int64, count=len(low))
    else:  # str.isascii is a flag lookup: only the others are encoded again to count bytes
        lens = np.fromiter(
            (len(s) if s.isascii() else len(s.encode("utf-8", "surrogatepass")) for s in low),
            dtype=np.int64,
            count=len(low),
        )
    offs = np.zeros(len(low) + 1, dtype=np.int64)
    np.cumsum(lens, out=offs[1:])
    return np.frombuffer(data, dtype=np.uint8), offs


@dataclass
class Corpus:
    """Per-text statistics of a batch of texts, and the hashed words behind them."""

    words: np.ndarray  # uint64 hashes, all texts end to end
    starts: np.ndarray  # character offset of every word in its (lowercased) text
    offsets: np.ndarray  # text t's words are words[offsets[t]:offsets[t + 1]]
    n_split: np.ndarray  # len(text.split())
    n_sentences: np.ndarray  # runs of . ! ? followed by whitespace or the end, at least 1
    n_groups: np.ndarray  # vowel groups
    n_silent: np.ndarray  # words of 4+ characters ending in a silent e

    @classmethod
    def of(cls, texts: Sequence[str]) -> Corpus:
        buf, offs = _encode(texts)
        wh, wpos, wofs, n_split, n_sent, n_groups, n_silent = _tokenize(buf, offs, _ASCII, _SOUNDED)
        return cls(wh, wpos, wofs, n_split, np.maximum(n_sent, 1), n_groups, n_silent)

    @property
    def n_words(self) -> np.ndarray:
        return np.diff(self.offsets)

    @property
    def syllables(self) -> np.ndarray:
        return np.maximum(self.n_words, self.n_groups - self.n_silent)

    def distinct_ngrams(self, n: int) -> np.ndarray:
        return _distinct_ngrams(self.words, self.offsets, n)

    def count(self, table: PhraseTable) -> tuple[np.ndarray, np.ndarray]:
        """Occurrences of each phrase per text (texts × phrases) and the first's position."""
        if not len(table.lengths):
            n = len(self.offsets) - 1
            return np.zeros((n, 0), np.int32), np.zeros((n, 0), np.int32)
        return _count_phrases(
            self.words,
            self.starts,
            self.offsets,
            table.heads,
            table.chain,
            table.words,
            table.starts,
            table.lengths,
        )

    def coverage(self, group: np.ndarray, gstart: np.ndarray, table: PhraseTable) -> np.ndarray:
        """How many of the phrases of each text's group occur in it."""
        return _coverage(
            self.words, self.offsets, group, gstart, table.words, table.starts, table.lengths
        )


@dataclass
class PhraseTable:
    words: np.ndarray
    starts: np.ndarray
    lengths: np.ndarray
    heads: np.ndarray
    chain: np.ndarray


def tokenize_phrases(phrases: Sequence[str], *, index: bool = True) -> PhraseTable:
    """Phrases as hashed word sequences (empty ones have length 0 and never match).

    With ``index``, a hash table on first words for ``Corpus.count``.
    """
    c = Corpus.of(phrases)
    lengths = c.n_words.astype(np.int64)
    if not index:
        empty = np.zeros(0, dtype=np.int64)
        return PhraseTable(c.words, c.offsets[:-1].copy(), lengths, empty, empty)
    size = 16
    while size < 4 * max(1, len(phrases)):
        size *= 2
    heads = np.full(size, -1, dtype=np.int64)
    chain = np.full(len(phrases), -1, dtype=np.int64)
    if len(c.words):
        firsts = c.words[np.minimum(c.offsets[:-1], len(c.words) - 1)]
        slots = _slots(firsts, np.uint64(size - 1))
        for k in range(len(phrases) - 1, -1, -1):
            if lengths[k]:
                chain[k] = heads[slots[k]]
                heads[slots[k]] = k
    return PhraseTable(c.words, c.offsets[:-1].copy(), lengths, heads, chain)


@njit(cache=True)
def _slots(h: np.ndarray, mask: np.uint64) -> np.ndarray:
    out = np.empty(len(h), dtype=np.int64)
    for i in range(len(h)):
        out[i] = np.intp(_mix(h[i]) & mask)
    return out
