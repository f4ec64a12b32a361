"""Canonical records as votes: who preferred which response of which pair, and how it was shown.

Pairwise preferences are compared in response space: a response is identified by its prompt
and text (not by a record-local id or a screen side), and a pair by its two responses. Records
with a ranking are expanded to every pair; records with a preference over three or more
responses give the winner against each other response.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from prefkit.data import Judgment

__all__ = ["TIE", "Vote", "rating_units", "votes_from_records"]

TIE = "tie"
UNKNOWN = "(unknown)"


def _key(*parts: str) -> str:
    h = hashlib.blake2b(digest_size=8)
    for p in parts:
        h.update(p.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


def prompt_key(rec: Judgment) -> str:
    if isinstance(rec.prompt, str):
        return _key("t", rec.prompt)
    return _key("c", *(f"{m.role}:{m.content}" for m in rec.prompt))


@dataclass(frozen=True)
class Vote:
    """One annotator's verdict on one pair of responses."""

    annotator: str
    prompt: str  # prompt key
    first: str  # response keys, sorted: the pair's orientation everywhere
    second: str
    winner: str  # first, second or "tie"
    record: str  # the record id (or its position)
    order: int  # position of the record in the input
    left: str | None = None  # response key shown on the left, when ``shown`` is known
    lengths: tuple[int, int] = (0, 0)  # characters of first, second
    ratings: dict[str, tuple[int, int]] = field(default_factory=dict)  # criterion: (first, second)
    repeat_of: str | None = None
    strength: float | None = None

    @property
    def unit(self) -> str:
        return f"{self.prompt}:{self.first}:{self.second}"

    @property
    def label(self) -> int:
        """0: the first response won, 1: the second, 2: a tie (nominal categories)."""
        return 0 if self.winner == self.first else 1 if self.winner == self.second else 2


def votes_from_records(records: Iterable[Judgment]) -> list[Vote]:
    out: list[Vote] = []
    for order, rec in enumerate(records):
        if rec.preference is None and rec.ranking is None:
            continue
        pk = prompt_key(rec)
        keys = {r.id: _key(pk, r.text) for r in rec.responses}
        lengths = {r.id: len(r.text) for r in rec.responses}
        rid = str(rec.id) if rec.id is not None else f"#{order}"
        annotator = rec.annotator or UNKNOWN
        repeat_of = rec.metadata.get("repeat_of")
        for a, b, winner in _pairs(rec):
            ka, kb = keys[a], keys[b]
            if ka == kb:
                continue  # identical texts: no preference to compare
            (fa, fk), (sa, sk) = sorted(((a, ka), (b, kb)), key=lambda t: t[1])
            left = None
            if rec.shown is not None and len(rec.responses) == 2:
                left = keys[rec.shown[0]]
            ratings = {}
            for crit, by_id in (rec.ratings or {}).items():
                if fa in by_id and sa in by_id:
                    ratings[crit] = (by_id[fa], by_id[sa])
            out.append(
                Vote(
                    annotator=annotator,
                    prompt=pk,
                    first=fk,
                    second=sk,
                    winner=TIE if winner == TIE else keys[winner],
                    record=rid,
                    order=order,
                    left=left,
                    lengths=(lengths[fa], lengths[sa]),
                    ratings=ratings,
                    repeat_of=str(repeat_of) if isinstance(repeat_of, str) else None,
                    strength=float(rec.strength) if rec.strength is not None else None,
                )
            )
    return out


def _pairs(rec: Judgment) -> list[tuple[str, str, str]]:
    ids = [r.id for r in rec.responses]
    if rec.ranking is not None:
        pos = {rid: i for i, rid in enumerate(rec.ranking)}
        return [(a, b, a if pos[a] < pos[b] else b) for a, b in itertools.combinations(ids, 2)]
    pref = rec.preference
    if len(ids) == 2:
        return [(ids[0], ids[1], str(pref))]
    if pref == TIE:
        return [(a, b, TIE) for a, b in itertools.combinations(ids, 2)]
    return [(str(pref), other, str(pref)) for other in ids if other != pref]


def rating_units(records: Iterable[Judgment]) -> dict[str, dict[str, dict[str, int]]]:
    """criterion -> response key -> annotator -> rating (the last one if repeated)."""
    out: dict[str, dict[str, dict[str, int]]] = {}
    for rec in records:
        if not rec.ratings:
            continue
        pk = prompt_key(rec)
        keys = {r.id: _key(pk, r.text) for r in rec.responses}
        annotator = rec.annotator or UNKNOWN
        for crit, by_id in rec.ratings.items():
            for rid, value in by_id.items():
                out.setdefault(crit, {}).setdefault(keys[rid], {})[annotator] = value
    return out


def preview(text: Any, n: int = 60) -> str:
    s = " ".join(str(text).split())
    return s if len(s) <= n else s[: n - 1] + "…"
