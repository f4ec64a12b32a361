"""The one pairwise view of judgment records, and the one per-response view of ratings and labels.

Every capability reads judgments through :func:`comparisons` (two responses and a verdict) and
:func:`assessments` (a rating or a label of one response); none re-derives pairs from records.

**The unit.** Judgments that share a unit are judgments of the same task: by different annotators
(agreement) or repeats by one (self-consistency). ``unit="item"`` takes the record's ``item``;
``unit="content"`` takes the prompt and the two response texts (so distinct items with identical
text become one unit, and the summary says so); ``unit="auto"`` (the default) uses ``item`` when
every record has one and content otherwise; a callable ``f(record) -> str`` names the unit itself.

**The orientation.** A unit's two responses are put in one fixed order, ``first`` and ``second``:
the order of the first record that judged the unit (a source file's A/B). Later records of the
unit are mapped onto it by response content, so screen sides and record-local ids never matter.
"""

from __future__ import annotations

import hashlib
import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal, NamedTuple, overload

from prefkit.data._records import TIE, Judgment
from prefkit.errors import PrefkitError

__all__ = [
    "UNKNOWN_ANNOTATOR",
    "Assessment",
    "AssessmentSet",
    "Comparison",
    "ComparisonSet",
    "UnitSummary",
    "assessments",
    "comparisons",
    "prompt_key",
    "response_key",
]

UNKNOWN_ANNOTATOR = "(unknown)"
_EMPTY: Mapping[str, Any] = MappingProxyType({})
Verdict = Literal["first", "second", "tie"]
UnitSpec = Literal["auto", "item", "content"] | Callable[[Judgment], str]
UNIT_CHOICES = ("auto", "item", "content")


def _key(*parts: str) -> str:
    h = hashlib.blake2b(digest_size=8)
    for p in parts:
        h.update(p.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


def prompt_key(prompt: Judgment | Any) -> str:
    """A short stable digest of a prompt: a record's, a string, or chat messages (``Message``
    objects or ``{"role", "content"}`` dicts). Text and chat prompts never collide."""
    if isinstance(prompt, Judgment):
        prompt = prompt.prompt
    if isinstance(prompt, str):
        return _key("t", prompt)
    parts = []
    for m in prompt:
        if isinstance(m, dict):
            parts.append(f"{m.get('role', 'user')}:{m.get('content', '')}")
        else:
            parts.append(f"{m.role}:{m.content}")
    return _key("c", *parts)


def response_key(pkey: str, text: str) -> str:
    """A response's identity: its prompt and its text."""
    return hashlib.blake2b(
        f"{pkey}\x00{text}\x00".encode("utf-8", "surrogatepass"), digest_size=8
    ).hexdigest()


class Comparison(NamedTuple):
    """One annotator's verdict on two responses of one unit, in the unit's orientation.

    An immutable named tuple rather than a frozen dataclass: a report over 300k judgments
    builds hundreds of thousands of them, and a frozen dataclass costs ten times as much to make.

    Attributes:
        unit: the unit's key (the item id, or a content key).
        annotator: who judged (``"(unknown)"`` when the record has no annotator).
        prompt: the record's prompt (a string or chat messages).
        prompt_key: a digest of the prompt.
        first: the first response's key (prompt + text digest); ``second`` likewise.
        first_text: the first response's text; ``second_text`` likewise.
        first_id: the first response's record-local id; ``second_id`` likewise.
        first_model: the first response's model, if known; ``second_model`` likewise.
        verdict: ``"first"``, ``"second"`` or ``"tie"``.
        strength: the record's strength of preference, if any.
        shown_first: True when the first response was shown on the left, None if unknown.
        ratings: per criterion, the (first, second) ratings when the record rated both.
        labels: per criterion, the (first, second) labels, None where one was not labelled.
        record: the record's id (``#N`` for the N-th record when it has none).
        order: the record's position in the input.
        item: the record's ``item``, if any.
        repeat_of: ``metadata.repeat_of``, if any.
        source: the record's source (human, ai, rule, model).
        metadata: the record's metadata.
        rationale: the record's rationale, if any.
    """

    unit: str
    annotator: str
    prompt: Any
    prompt_key: str
    first: str
    second: str
    first_text: str
    second_text: str
    first_id: str
    second_id: str
    first_model: str | None
    second_model: str | None
    verdict: Verdict
    strength: float | None
    shown_first: bool | None
    ratings: Mapping[str, tuple[int, int]]
    labels: Mapping[str, tuple[str | None, str | None]]
    record: str
    order: int
    item: str | None = None
    repeat_of: str | None = None
    source: str | None = None
    metadata: Mapping[str, Any] = _EMPTY
    rationale: str | None = None

    @property
    def label(self) -> int:
        """0: the first response won, 1: the second, 2: a tie (nominal categories)."""
        return 0 if self.verdict == "first" else 1 if self.verdict == "second" else 2

    @property
    def winner(self) -> str:
        """The winning response's key, or ``"tie"``."""
        return (
            self.first
            if self.verdict == "first"
            else self.second
            if self.verdict == "second"
            else TIE
        )

    @property
    def left(self) -> str | None:
        """The key of the response shown on the left, when known."""
        if self.shown_first is None:
            return None
        return self.first if self.shown_first else self.second

    @property
    def lengths(self) -> tuple[int, int]:
        """Characters of the first and the second response."""
        return len(self.first_text), len(self.second_text)

    @property
    def pair(self) -> str:
        """The two responses in either order, independent of the unit: the same prompt and the
        same two texts give the same key (how gold answers and stored verdicts are matched)."""
        lo, hi = (
            (self.first, self.second) if self.first < self.second else (self.second, self.first)
        )
        return f"{self.prompt_key}:{lo}:{hi}"

    def prompt_value(self) -> str | list[dict[str, str]]:
        """The prompt as plain JSON data: the string, or a list of message dicts (TRL's
        conversational format)."""
        if isinstance(self.prompt, str):
            return self.prompt
        return [{"role": m.role, "content": m.content} for m in self.prompt]

    @property
    def criteria(self) -> dict[str, Verdict]:
        """Per rating criterion, the side the ratings favour (``"tie"`` when equal)."""
        return {
            c: "first" if a > b else "second" if b > a else "tie"
            for c, (a, b) in self.ratings.items()
        }


@dataclass(frozen=True)
class UnitSummary:
    """How records were grouped into units; stated in every report.

    Attributes:
        unit_key: ``"item"``, ``"content"`` or ``"custom"``.
        units: the number of units.
        judgments: the number of comparisons or assessments grouped.
        shared_units: units judged more than once (by anyone).
        max_per_unit: the most judgments one unit has.
        repeats: later judgments of a unit by an annotator who judged it already.
        set_aside: later passes left out of agreement (each annotator's first judgment counts).
        identical_content_groups: when items are known, groups of distinct items with identical
            content (prompt and texts), and ``identical_content_items`` the items in them.
        examples: up to five such groups, as lists of item ids.
        note: a sentence for people, or None.
    """

    unit_key: str
    units: int
    judgments: int
    shared_units: int
    max_per_unit: int
    repeats: int
    set_aside: int
    identical_content_groups: int = 0
    identical_content_items: int = 0
    examples: tuple[tuple[str, ...], ...] = ()
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit_key": self.unit_key,
            "units": self.units,
            "judgments": self.judgments,
            "shared_units": self.shared_units,
            "max_per_unit": self.max_per_unit,
            "repeats": self.repeats,
            "set_aside": self.set_aside,
            "identical_content_groups": self.identical_content_groups,
            "identical_content_items": self.identical_content_items,
            "examples": [list(g) for g in self.examples],
            "note": self.note,
        }


def _summary(
    unit_key: str,
    rows: Sequence[Any],
    content_of: Callable[[Any], str] | None,
) -> UnitSummary:
    per_unit = Counter(r.unit for r in rows)
    # rows come in record order; (unit, annotator[, criterion]) seen before is a repeat
    keys = [(r.unit, r.annotator, *_sub(r)) for r in rows]
    repeats = len(keys) - len(set(keys))
    groups: list[tuple[str, ...]] = []
    if content_of is not None and unit_key == "item":
        by_content: dict[str, set[str]] = defaultdict(set)
        for r in rows:
            if r.item is not None:
                by_content[content_of(r)].add(r.item)
        groups = sorted(tuple(sorted(g)) for g in by_content.values() if len(g) > 1)
    notes = []
    if repeats:
        notes.append(
            f"{repeats} later judgment(s) of a unit by the same annotator are repeats: "
            "self-consistency compares every pass; agreement uses each annotator's first"
        )
    if groups:
        n_items = sum(len(g) for g in groups)
        notes.append(
            f"{n_items} distinct items in {len(groups)} groups have identical content; they "
            "are kept apart as different units (unit='content' would merge them)"
        )
    return UnitSummary(
        unit_key=unit_key,
        units=len(per_unit),
        judgments=len(rows),
        shared_units=sum(1 for n in per_unit.values() if n > 1),
        max_per_unit=max(per_unit.values(), default=0),
        repeats=repeats,
        set_aside=repeats,
        identical_content_groups=len(groups),
        identical_content_items=sum(len(g) for g in groups),
        examples=tuple(groups[:5]),
        note="; ".join(notes) or None,
    )


def _sub(r: Any) -> tuple[str, ...]:
    # an assessment's unit is per criterion as well
    crit = getattr(r, "criterion", None)
    return (crit,) if crit is not None else ()


class ComparisonSet(Sequence[Comparison]):
    """The comparisons of a set of records, with how they were grouped into units.

    Attributes:
        rows: the comparisons, in record order.
        unit_key: ``"item"``, ``"content"`` or ``"custom"``.
        records: how many records were read.
        skipped: records or pairs left out, by reason (``no_preference``, ``identical_texts``).
    """

    def __init__(
        self,
        rows: Sequence[Comparison],
        unit_key: str,
        records: int = 0,
        skipped: Mapping[str, int] | None = None,
    ) -> None:
        self.rows: tuple[Comparison, ...] = tuple(rows)
        self.unit_key = unit_key
        self.records = records
        self.skipped: dict[str, int] = dict(skipped or {})

    @overload
    def __getitem__(self, i: int) -> Comparison: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Comparison]: ...
    def __getitem__(self, i: int | slice) -> Comparison | Sequence[Comparison]:
        return self.rows[i]

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[Comparison]:
        return iter(self.rows)

    def __repr__(self) -> str:
        return (
            f"ComparisonSet({len(self.rows)} comparisons, unit={self.unit_key!r}, "
            f"{len({c.unit for c in self.rows})} units)"
        )

    def first_passes(self) -> list[Comparison]:
        """Each annotator's first comparison of each unit (the independent judgments)."""
        seen: set[tuple[str, str]] = set()
        out = []
        for c in sorted(self.rows, key=lambda c: c.order):
            k = (c.unit, c.annotator)
            if k not in seen:
                seen.add(k)
                out.append(c)
        return out

    def by_unit(self, *, first_only: bool = True) -> dict[str, dict[str, Comparison]]:
        """unit -> annotator -> comparison (the first pass by default)."""
        out: dict[str, dict[str, Comparison]] = {}
        rows = self.first_passes() if first_only else sorted(self.rows, key=lambda c: c.order)
        for c in rows:
            out.setdefault(c.unit, {}).setdefault(c.annotator, c)
        return out

    def summary(self) -> UnitSummary:
        """How the comparisons were grouped into units (see :class:`UnitSummary`)."""
        return _summary(self.unit_key, self.rows, lambda c: c.pair)

    @classmethod
    def of(cls, data: Iterable[Judgment] | ComparisonSet, unit: UnitSpec = "auto") -> ComparisonSet:
        """``data`` itself when it is a ComparisonSet already, else ``comparisons(data, unit)``."""
        if isinstance(data, ComparisonSet):
            return data
        return comparisons(data, unit=unit)


def _unit_mode(
    records: Sequence[Judgment], unit: UnitSpec
) -> tuple[str, Callable[[Judgment], str | None]]:
    if callable(unit):
        return "custom", unit
    if unit not in UNIT_CHOICES:
        raise PrefkitError(
            f"unknown unit {unit!r}; expected one of {list(UNIT_CHOICES)} or a function"
        )
    if unit == "auto":
        unit = "item" if records and all(r.item is not None for r in records) else "content"
    if unit == "item":
        missing = sum(1 for r in records if r.item is None)
        if missing:
            raise PrefkitError(
                f"unit='item' but {missing} of {len(records)} records have no 'item'; give every "
                "record an item, or use unit='content' (or 'auto')"
            )
        return "item", lambda r: r.item
    return "content", lambda r: None


def _verdict_pairs(rec: Judgment) -> list[tuple[str, str, str]]:
    """(response a, response b, winner id or "tie") for every pair the record decides."""
    ids = [r.id for r in rec.responses]
    if rec.ranking is not None:
        pos = {rid: i for i, rid in enumerate(rec.ranking)}
        return [(a, b, a if pos[a] < pos[b] else b) for a, b in itertools.combinations(ids, 2)]
    pref = rec.preference
    if pref is None:
        return []
    if len(ids) == 2:
        return [(ids[0], ids[1], str(pref))]
    if pref == TIE:
        return [(a, b, TIE) for a, b in itertools.combinations(ids, 2)]
    return [(str(pref), other, str(pref)) for other in ids if other != pref]


def comparisons(records: Iterable[Judgment], *, unit: UnitSpec = "auto") -> ComparisonSet:
    """Every pairwise verdict in ``records``, as :class:`Comparison` rows.

    A two-response record with a preference gives one comparison; a ranking gives every pair; a
    preference over three or more responses gives the winner against each other one (a tie:
    every pair tied). Pairs of identical texts are skipped and counted.

    Args:
        records: canonical records.
        unit: ``"auto"``, ``"item"``, ``"content"`` or a function of the record (see the module
            docstring).

    Raises:
        PrefkitError: ``unit`` is unknown, or ``"item"`` while some records have no item.
    """
    recs = list(records)
    pairwise = [r for r in recs if r.preference is not None or r.ranking is not None]
    mode, item_of = _unit_mode(pairwise, unit)
    skipped = {"no_preference": len(recs) - len(pairwise), "identical_texts": 0}
    orient: dict[str, tuple[str, str]] = {}
    rows: list[Comparison] = []
    for order, rec in enumerate(recs):
        if rec.preference is None and rec.ranking is None:
            continue
        pk = prompt_key(rec)
        keys = {r.id: response_key(pk, r.text) for r in rec.responses}
        by_id = {r.id: r for r in rec.responses}
        rid = str(rec.id) if rec.id is not None else f"#{order}"
        annotator = rec.annotator or UNKNOWN_ANNOTATOR
        repeat_of = rec.metadata.get("repeat_of")
        base = item_of(rec) if mode != "content" else None
        if mode != "content" and base is None:
            raise PrefkitError(f"the unit function returned None for record {rid!r}")
        several = len(rec.responses) > 2
        for a, b, won in _verdict_pairs(rec):
            ka, kb = keys[a], keys[b]
            if ka == kb:
                skipped["identical_texts"] += 1
                continue
            lo, hi = (ka, kb) if ka < kb else (kb, ka)
            if base is None:
                u = f"{pk}:{lo}:{hi}"
            elif several:
                u = f"{base}:{lo}:{hi}"
            else:
                u = str(base)
            o = orient.get(u)
            if o is None:
                o = orient[u] = (ka, kb)
            elif {ka, kb} != set(o):
                # one item, another pair of responses (SQuALITY: three systems per question):
                # a unit of its own, named by the record's response ids
                u = f"{base}:{'|'.join(sorted((a, b)))}:{lo}:{hi}"
                o = orient.setdefault(u, (ka, kb))
            fa, sa = (a, b) if o[0] == ka else (b, a)
            verdict: Verdict = "tie" if won == TIE else "first" if won == fa else "second"
            shown_first = None
            if rec.shown is not None and len(rec.responses) == 2:
                shown_first = rec.shown[0] == fa
            ratings = {}
            for crit, vals in (rec.ratings or {}).items():
                if fa in vals and sa in vals:
                    ratings[crit] = (vals[fa], vals[sa])
            labels = {}
            for crit, labs in (rec.labels or {}).items():
                if fa in labs or sa in labs:
                    labels[crit] = (labs.get(fa), labs.get(sa))
            rows.append(
                Comparison(
                    unit=u,
                    annotator=annotator,
                    prompt=rec.prompt,
                    prompt_key=pk,
                    first=keys[fa],
                    second=keys[sa],
                    first_text=by_id[fa].text,
                    second_text=by_id[sa].text,
                    first_id=fa,
                    second_id=sa,
                    first_model=by_id[fa].model,
                    second_model=by_id[sa].model,
                    verdict=verdict,
                    strength=float(rec.strength) if rec.strength is not None else None,
                    shown_first=shown_first,
                    ratings=ratings,
                    labels=labels,
                    record=rid,
                    order=order,
                    item=rec.item,
                    repeat_of=str(repeat_of) if isinstance(repeat_of, str | int) else None,
                    source=rec.source,
                    metadata=rec.metadata,
                    rationale=rec.rationale,
                )
            )
    return ComparisonSet(rows, mode, len(recs), skipped)


class Assessment(NamedTuple):
    """One annotator's rating or label of one response, on one criterion (an immutable named
    tuple, like :class:`Comparison`).

    Attributes:
        unit: the rated thing's key: the item and the response (or, without items, the
            response's content).
        annotator: who rated.
        criterion: the rating or label criterion.
        kind: ``"rating"`` (an integer on the record's scale) or ``"label"`` (a category).
        value: the rating (int) or the label (str).
        response: the response's key (prompt + text digest).
        response_id: the record-local response id.
        model: the response's model, if known.
        prompt_key: a digest of the prompt.
        record: the record's id (``#N`` when it has none).
        order: the record's position in the input.
        item: the record's ``item``, if any.
        scale: the rating scale (low, high), for ratings.
        metadata: the record's metadata.
        prompt: the record's prompt.
        text: the rated response's text.
    """

    unit: str
    annotator: str
    criterion: str
    kind: Literal["rating", "label"]
    value: int | str
    response: str
    response_id: str
    model: str | None
    prompt_key: str
    record: str
    order: int
    item: str | None = None
    scale: tuple[int, int] | None = None
    metadata: Mapping[str, Any] = _EMPTY
    prompt: Any = None
    text: str = ""

    def prompt_value(self) -> str | list[dict[str, str]]:
        """The prompt as plain JSON data (a string or message dicts)."""
        if isinstance(self.prompt, str) or self.prompt is None:
            return self.prompt or ""
        return [{"role": m.role, "content": m.content} for m in self.prompt]


class AssessmentSet(Sequence[Assessment]):
    """The ratings and labels of a set of records, with how they were grouped into units."""

    def __init__(self, rows: Sequence[Assessment], unit_key: str, records: int = 0) -> None:
        self.rows: tuple[Assessment, ...] = tuple(rows)
        self.unit_key = unit_key
        self.records = records
        self._groups: dict[tuple[str, str], list[Assessment]] | None = None

    @overload
    def __getitem__(self, i: int) -> Assessment: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Assessment]: ...
    def __getitem__(self, i: int | slice) -> Assessment | Sequence[Assessment]:
        return self.rows[i]

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[Assessment]:
        return iter(self.rows)

    def __repr__(self) -> str:
        return f"AssessmentSet({len(self.rows)} assessments, unit={self.unit_key!r})"

    def criteria(self, kind: Literal["rating", "label"]) -> list[str]:
        return sorted({a.criterion for a in self.rows if a.kind == kind})

    def table(
        self, criterion: str, kind: Literal["rating", "label"]
    ) -> dict[str, dict[str, list[Assessment]]]:
        """unit -> annotator -> that annotator's assessments of the unit, in record order."""
        out: dict[str, dict[str, list[Assessment]]] = {}
        for a in self.of(criterion, kind):
            out.setdefault(a.unit, {}).setdefault(a.annotator, []).append(a)
        return out

    def of(self, criterion: str, kind: Literal["rating", "label"]) -> list[Assessment]:
        """The assessments of one criterion, in record order (grouped once, then kept)."""
        if self._groups is None:
            groups: dict[tuple[str, str], list[Assessment]] = {}
            for a in self.rows:  # built in record order
                groups.setdefault((a.criterion, a.kind), []).append(a)
            self._groups = groups
        return self._groups.get((criterion, kind), [])

    def summary(self, criterion: str | None = None) -> UnitSummary:
        rows = (
            list(self.rows)
            if criterion is None
            else self.of(criterion, "rating") + self.of(criterion, "label")
        )
        return _summary(self.unit_key, rows, lambda a: f"{a.response}")


def assessments(records: Iterable[Judgment], *, unit: UnitSpec = "auto") -> AssessmentSet:
    """Every rating and label in ``records``, one :class:`Assessment` per response and criterion.

    Records of one response (ratings or labels only) are as welcome as pairwise ones. The unit
    of an assessment is the rated response within the record's unit (see :func:`comparisons`).
    """
    recs = [r for r in records if r.ratings or r.labels]
    mode, item_of = _unit_mode(recs, unit)
    rows: list[Assessment] = []
    for order, rec in enumerate(recs):
        pk = prompt_key(rec)
        keys = {r.id: response_key(pk, r.text) for r in rec.responses}
        models = {r.id: r.model for r in rec.responses}
        texts = {r.id: r.text for r in rec.responses}
        rid = str(rec.id) if rec.id is not None else f"#{order}"
        annotator = rec.annotator or UNKNOWN_ANNOTATOR
        base = item_of(rec) if mode != "content" else None
        scale = rec.rating_scale if rec.ratings else None
        for kind, table in (("rating", rec.ratings or {}), ("label", rec.labels or {})):
            for crit, by_id in table.items():
                for local, value in by_id.items():
                    key = keys[local]
                    u = key if base is None else f"{base}:{key}"
                    rows.append(
                        Assessment(
                            unit=u,
                            annotator=annotator,
                            criterion=crit,
                            kind=kind,  # type: ignore[arg-type]
                            value=value,
                            response=key,
                            response_id=local,
                            model=models[local],
                            prompt_key=pk,
                            record=rid,
                            order=order,
                            item=rec.item,
                            scale=scale if kind == "rating" else None,
                            metadata=rec.metadata,
                            prompt=rec.prompt,
                            text=texts[local],
                        )
                    )
    return AssessmentSet(rows, mode, len(recs))
