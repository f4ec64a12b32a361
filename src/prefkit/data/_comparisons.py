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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal, NamedTuple, overload

import numpy as np

from prefkit._arrays import distinct
from prefkit.data._records import TIE, Judgment
from prefkit.errors import PrefkitError

__all__ = [
    "UNKNOWN_ANNOTATOR",
    "Assessment",
    "AssessmentSet",
    "Comparison",
    "ComparisonSet",
    "PairColumns",
    "UnitSpec",
    "UnitSummary",
    "ValueColumns",
    "assessments",
    "comparisons",
    "prompt_key",
    "response_key",
    "views",
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
    """A short stable digest of a prompt.

    A record's, a string, or chat messages (``Message`` objects or ``{"role", "content"}`` dicts).
    Text and chat prompts never collide.
    """
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
        """The two responses in either order, independent of the unit.

        The same prompt and the same two texts give the same key (how gold answers and stored
        verdicts are matched).
        """
        lo, hi = (
            (self.first, self.second) if self.first < self.second else (self.second, self.first)
        )
        return f"{self.prompt_key}:{lo}:{hi}"

    def prompt_value(self) -> str | list[dict[str, str]]:
        """The prompt as plain JSON data.

        The string, or a list of message dicts (TRL's conversational format).
        """
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


class Assessment(NamedTuple):
    """One annotator's rating or label of one response, on one criterion.

    One annotator's rating or label of one response, on one criterion (an immutable named
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


class _Codes(dict[Any, int]):
    """Interning: ``codes[key]`` is the key's number, new keys numbered in order of arrival."""

    def __missing__(self, key: Any) -> int:
        n = self[key] = len(self)
        return n


def _arr(values: list[int]) -> np.ndarray:
    return np.asarray(values, dtype=np.int64)


@dataclass
class PairColumns:
    """The comparisons as code columns (one entry per comparison, in record order).

    ``first``/``second`` are response-key codes in the unit's orientation; ``verdict`` 0 first,
    1 second, 2 tie; ``shown_first`` 1 when the first was shown on the left, 0 when the second
    was, -1 unknown; ``content`` numbers the orientation-free pair (prompt + texts), ``item``
    the record's item (-1 none); ``ratings`` maps a criterion to (comparison index, first
    rating, second rating).
    """

    unit: np.ndarray
    unit_names: list[str]
    annotator: np.ndarray
    annotator_names: list[str]
    verdict: np.ndarray
    order: np.ndarray
    shown_first: np.ndarray
    len_first: np.ndarray
    len_second: np.ndarray
    prompt: np.ndarray
    prompt_names: list[str]
    first: np.ndarray
    second: np.ndarray
    key_names: list[str]
    content: np.ndarray
    item: np.ndarray
    item_names: list[str]
    repeat_marked: np.ndarray
    ratings: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]

    def __len__(self) -> int:
        return int(self.unit.size)

    def pair_key(self, k: int) -> str:
        """Comparison ``k``'s two responses in either order (``Comparison.pair``)."""
        a, b = self.key_names[int(self.first[k])], self.key_names[int(self.second[k])]
        lo, hi = (a, b) if a < b else (b, a)
        return f"{self.prompt_names[int(self.prompt[k])]}:{lo}:{hi}"


@dataclass
class ValueColumns:
    """One criterion's ratings or labels as columns (one entry per value, in record order)."""

    unit: np.ndarray
    unit_names: list[str]
    annotator: np.ndarray
    annotator_names: list[str]
    values: list[Any]
    order: np.ndarray
    response: np.ndarray
    content: np.ndarray
    item: np.ndarray
    item_names: list[str]
    scale: tuple[int, int] | None


def _summary(
    unit_key: str,
    unit: np.ndarray,
    annotator: np.ndarray,
    content: np.ndarray | None,
    item: np.ndarray | None,
    item_names: list[str],
) -> UnitSummary:
    n = int(unit.size)
    per_unit = np.bincount(unit) if n else np.zeros(0, dtype=np.int64)
    n_ann = int(annotator.max()) + 1 if n else 1
    repeats = n - int(distinct(unit * n_ann + annotator).size) if n else 0
    groups: list[tuple[str, ...]] = []
    if unit_key == "item" and content is not None and item is not None and n:
        has = item >= 0
        n_items = max(len(item_names), 1)
        # distinct (content, item) pairs as one integer key: 1-D unique is much faster
        joint = distinct(content[has] * n_items + item[has])
        if joint.size:
            pc, pi = joint // n_items, joint % n_items
            c_codes, counts = np.unique(pc, return_counts=True)
            shared = c_codes[counts > 1]
            if shared.size:
                sel = np.isin(pc, shared)
                for c in shared.tolist():
                    members = pi[sel & (pc == c)]
                    groups.append(tuple(sorted(item_names[int(i)] for i in members)))
                groups.sort()
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
        units=int((per_unit > 0).sum()),
        judgments=n,
        shared_units=int((per_unit > 1).sum()),
        max_per_unit=int(per_unit.max()) if n else 0,
        repeats=repeats,
        set_aside=repeats,
        identical_content_groups=len(groups),
        identical_content_items=sum(len(g) for g in groups),
        examples=tuple(groups[:5]),
        note="; ".join(notes) or None,
    )


class ComparisonSet(Sequence[Comparison]):
    """The comparisons of a set of records, with how they were grouped into units.

    Iterating gives :class:`Comparison` rows (made on demand from the records); ``columns``
    holds the same comparisons as code arrays, which is what the statistics read.

    Attributes:
        unit_key: ``"item"``, ``"content"`` or ``"custom"``.
        records: how many records were read.
        skipped: records or pairs left out, by reason (``no_preference``, ``identical_texts``).
        columns: the comparisons as :class:`PairColumns`.
    """

    def __init__(
        self,
        columns: PairColumns,
        unit_key: str,
        records: int = 0,
        skipped: Mapping[str, int] | None = None,
        *,
        source: list[Judgment] | None = None,
        refs: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
        rows: Sequence[Comparison] | None = None,
    ) -> None:
        self.columns = columns
        self.unit_key = unit_key
        self.records = records
        self.skipped: dict[str, int] = dict(skipped or {})
        self._source = source
        self._refs = refs  # (record index, position of the first, of the second response)
        self._rows: tuple[Comparison, ...] | None = tuple(rows) if rows is not None else None

    @property
    def rows(self) -> tuple[Comparison, ...]:
        """Every comparison as a :class:`Comparison`, in record order."""
        if self._rows is None:
            self._rows = tuple(self._materialize())
        return self._rows

    def _materialize(self) -> Iterator[Comparison]:
        if self._source is None or self._refs is None:
            raise PrefkitError(
                "these comparisons were counted from a stream and keep no records: call "
                "comparisons() on a list of records to get Comparison rows"
            )
        col = self.columns
        rec_ix, fpos, spos = self._refs
        names = col.unit_names
        anns = col.annotator_names
        keys = col.key_names
        verdicts = ("first", "second", "tie")
        for k in range(len(col)):
            rec = self._source[int(rec_ix[k])]
            fa, sa = rec.responses[int(fpos[k])], rec.responses[int(spos[k])]
            shown = int(col.shown_first[k])
            ratings = {}
            for crit, vals in (rec.ratings or {}).items():
                if fa.id in vals and sa.id in vals:
                    ratings[crit] = (vals[fa.id], vals[sa.id])
            labels = {}
            for crit, labs in (rec.labels or {}).items():
                if fa.id in labs or sa.id in labs:
                    labels[crit] = (labs.get(fa.id), labs.get(sa.id))
            repeat_of = rec.metadata.get("repeat_of")
            yield Comparison(
                names[int(col.unit[k])],
                anns[int(col.annotator[k])],
                rec.prompt,
                col.prompt_names[int(col.prompt[k])],
                keys[int(col.first[k])],
                keys[int(col.second[k])],
                fa.text,
                sa.text,
                fa.id,
                sa.id,
                fa.model,
                sa.model,
                verdicts[int(col.verdict[k])],  # type: ignore[arg-type]
                float(rec.strength) if rec.strength is not None else None,
                None if shown < 0 else bool(shown),
                ratings,
                labels,
                str(rec.id) if rec.id is not None else f"#{int(rec_ix[k])}",
                int(col.order[k]),
                rec.item,
                str(repeat_of) if isinstance(repeat_of, str | int) else None,
                rec.source,
                rec.metadata,
                rec.rationale,
            )

    @overload
    def __getitem__(self, i: int) -> Comparison: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Comparison]: ...
    def __getitem__(self, i: int | slice) -> Comparison | Sequence[Comparison]:
        return self.rows[i]

    def __len__(self) -> int:
        return len(self.columns)

    def __iter__(self) -> Iterator[Comparison]:
        return iter(self.rows)

    def __repr__(self) -> str:
        return (
            f"ComparisonSet({len(self)} comparisons, unit={self.unit_key!r}, "
            f"{len(self.columns.unit_names)} units)"
        )

    def first_passes(self) -> list[Comparison]:
        """Each annotator's first comparison of each unit (the independent judgments)."""
        seen: set[tuple[str, str]] = set()
        out = []
        for c in self.rows:
            k = (c.unit, c.annotator)
            if k not in seen:
                seen.add(k)
                out.append(c)
        return out

    def by_unit(self, *, first_only: bool = True) -> dict[str, dict[str, Comparison]]:
        """Unit -> annotator -> comparison (the first pass by default)."""
        out: dict[str, dict[str, Comparison]] = {}
        for c in self.first_passes() if first_only else self.rows:
            out.setdefault(c.unit, {}).setdefault(c.annotator, c)
        return out

    def summary(self) -> UnitSummary:
        """How the comparisons were grouped into units (see :class:`UnitSummary`)."""
        c = self.columns
        return _summary(self.unit_key, c.unit, c.annotator, c.content, c.item, c.item_names)


class AssessmentSet(Sequence[Assessment]):
    """The ratings and labels of a set of records, with how they were grouped into units.

    Iterating gives :class:`Assessment` rows (made on demand); :meth:`columns` gives one
    criterion's values as code arrays, which is what the statistics read.
    """

    def __init__(
        self,
        columns: Mapping[tuple[str, str], ValueColumns],
        unit_key: str,
        records: int = 0,
        *,
        source: list[Judgment] | None = None,
        refs: Mapping[tuple[str, str], tuple[np.ndarray, np.ndarray]] | None = None,
    ) -> None:
        self._columns = dict(columns)
        self.unit_key = unit_key
        self.records = records
        self._source = source
        self._refs = dict(refs or {})
        self._rows: dict[tuple[str, str], list[Assessment]] = {}

    def columns(self, criterion: str, kind: Literal["rating", "label"]) -> ValueColumns | None:
        """One criterion's values as :class:`ValueColumns`, or None if it has none."""
        return self._columns.get((criterion, kind))

    def criteria(self, kind: Literal["rating", "label"]) -> list[str]:
        return sorted(c for c, k in self._columns if k == kind)

    def of(self, criterion: str, kind: Literal["rating", "label"]) -> list[Assessment]:
        """The assessments of one criterion, in record order."""
        key = (criterion, kind)
        if key not in self._rows:
            self._rows[key] = list(self._materialize(key))
        return self._rows[key]

    def _materialize(self, key: tuple[str, str]) -> Iterator[Assessment]:
        col = self._columns.get(key)
        if col is None:
            return
        if self._source is None:
            raise PrefkitError(
                "these assessments were counted from a stream and keep no records: call "
                "assessments() on a list of records to get Assessment rows"
            )
        rec_ix, pos = self._refs[key]
        crit, kind = key
        for k in range(len(col.values)):
            rec = self._source[int(rec_ix[k])]
            resp = rec.responses[int(pos[k])]
            pk = prompt_key(rec)
            yield Assessment(
                col.unit_names[int(col.unit[k])],
                col.annotator_names[int(col.annotator[k])],
                crit,
                kind,  # type: ignore[arg-type]
                col.values[k],
                response_key(pk, resp.text),
                resp.id,
                resp.model,
                pk,
                str(rec.id) if rec.id is not None else f"#{int(rec_ix[k])}",
                int(col.order[k]),
                rec.item,
                col.scale if kind == "rating" else None,
                rec.metadata,
                rec.prompt,
                resp.text,
            )

    def table(
        self, criterion: str, kind: Literal["rating", "label"]
    ) -> dict[str, dict[str, list[Assessment]]]:
        """Unit -> annotator -> that annotator's assessments of the unit, in record order."""
        out: dict[str, dict[str, list[Assessment]]] = {}
        for a in self.of(criterion, kind):
            out.setdefault(a.unit, {}).setdefault(a.annotator, []).append(a)
        return out

    @property
    def rows(self) -> tuple[Assessment, ...]:
        return tuple(a for crit, kind in sorted(self._columns) for a in self.of(crit, kind))  # type: ignore[arg-type]

    @overload
    def __getitem__(self, i: int) -> Assessment: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Assessment]: ...
    def __getitem__(self, i: int | slice) -> Assessment | Sequence[Assessment]:
        return self.rows[i]

    def __len__(self) -> int:
        return sum(len(c.values) for c in self._columns.values())

    def __iter__(self) -> Iterator[Assessment]:
        return iter(self.rows)

    def __repr__(self) -> str:
        return f"AssessmentSet({len(self)} assessments, unit={self.unit_key!r})"

    def summary(self, criterion: str | None = None) -> UnitSummary:
        cols = [c for (crit, _), c in sorted(self._columns.items()) if criterion in (None, crit)]
        if not cols:
            e = np.zeros(0, dtype=np.int64)
            return _summary(self.unit_key, e, e, None, None, [])
        # units of different criteria are different units: offset them
        units, anns, contents, items = [], [], [], []
        base = 0
        names: list[str] = []
        ann_codes: _Codes = _Codes()
        for c in cols:
            units.append(c.unit + base)
            base += len(c.unit_names)
            remap = _arr([ann_codes[a] for a in c.annotator_names])
            anns.append(remap[c.annotator] if c.annotator.size else c.annotator)
            contents.append(c.content)
            items.append(c.item)
            names = c.item_names
        return _summary(
            self.unit_key,
            np.concatenate(units),
            np.concatenate(anns),
            np.concatenate(contents) if len(cols) == 1 else None,
            np.concatenate(items) if len(cols) == 1 else None,
            names,
        )


def _check_unit(unit: UnitSpec) -> None:
    if not callable(unit) and unit not in UNIT_CHOICES:
        raise PrefkitError(
            f"unknown unit {unit!r}; expected one of {list(UNIT_CHOICES)} or a function"
        )


class _Builder:
    """One pass over records.

    Comparisons and assessments as code columns, for every unit rule at once (the ``auto`` choice is
    only known at the end).
    """

    def __init__(
        self, unit: UnitSpec, keep: bool, *, pairs: bool = True, values: bool = True
    ) -> None:
        _check_unit(unit)
        self.unit = unit
        self.keep = keep
        self.do_pairs = pairs
        self.do_values = values
        self.source: list[Judgment] = []
        self.n = 0
        self.annotators = _Codes()
        self.prompts = _Codes()
        self.keys = _Codes()
        self.items = _Codes()
        # comparisons: raw columns, then per unit rule (item-like, content) a unit and a flip
        names = "slot win ka kb pa pb shown la lb content cflip iunit iflip"
        self.c: dict[str, list[int]] = {k: [] for k in names.split()}
        # per record that has a comparison or a value ("slot"): its order and codes
        fields = ["order", "ann", "item", "prompt", "rep", "base"]
        self.r: dict[str, list[int]] = {k: [] for k in fields}
        # the same prompt and texts come back once per annotator: hash each once (bounded, so a
        # stream never keeps every text)
        self._pk: dict[Any, str] = {}
        self._rk: dict[tuple[str, str], str] = {}
        self.bases = _Codes()
        self.c_ratings: dict[str, tuple[list[int], list[int], list[int]]] = {}
        self.content_units = _Codes()
        self.content_orient: list[tuple[int, int]] = []
        self.item_units = _Codes()
        self.item_orient: list[tuple[int, int]] = []
        self.pairwise_records = 0
        self.pairwise_without_item = 0
        self.no_preference = 0
        self.identical = 0
        # assessments, per (criterion, kind)
        # (criterion, kind) -> (slot, value, response position, response key) lists
        self.a: dict[tuple[str, str], tuple[list[int], list[Any], list[int], list[int]]] = {}
        self.a_scale: dict[tuple[str, str], tuple[int, int]] = {}
        self.rated_records = 0
        self.rated_without_item = 0

    def base(self, rec: Judgment) -> str | None:
        if callable(self.unit):
            b = self.unit(rec)
            if b is None:
                raise PrefkitError(f"the unit function returned None for record {rec.id!r}")
            return str(b)
        return rec.item

    def add(self, rec: Judgment) -> None:
        order = self.n
        self.n += 1
        if self.keep:
            self.source.append(rec)
        judged = self.do_pairs and (rec.preference is not None or rec.ranking is not None)
        rated = self.do_values and bool(rec.ratings or rec.labels)
        if self.do_pairs and not judged:
            self.no_preference += 1
        if not (judged or rated):
            return
        if len(self._rk) > 50_000:
            self._pk.clear()
            self._rk.clear()
        p = rec.prompt
        pkey = p if isinstance(p, str) else tuple((m.role, m.content) for m in p)
        pk = self._pk.get(pkey)
        if pk is None:
            pk = self._pk[pkey] = prompt_key(rec)
        rk_cache = self._rk
        rks = []
        for resp in rec.responses:
            rk = rk_cache.get((pk, resp.text))
            if rk is None:
                rk = rk_cache[(pk, resp.text)] = response_key(pk, resp.text)
            rks.append(rk)
        keys = [self.keys[k] for k in rks]
        base = self.base(rec)
        r = self.r
        slot = len(r["order"])
        r["order"].append(order)
        r["ann"].append(self.annotators[rec.annotator or UNKNOWN_ANNOTATOR])
        r["item"].append(self.items[rec.item] if rec.item is not None else -1)
        r["prompt"].append(self.prompts[pk])
        r["rep"].append(1 if rec.metadata.get("repeat_of") is not None else 0)
        r["base"].append(self.bases[base] if base is not None else -1)
        if judged:
            self._pairs(rec, slot, pk, rks, keys, base)
        if rated:
            self._values(rec, slot, keys, base)

    def _pairs(
        self,
        rec: Judgment,
        slot: int,
        pk: str,
        rks: list[str],
        keys: list[int],
        base: str | None,
    ) -> None:
        self.pairwise_records += 1
        if base is None:
            self.pairwise_without_item += 1
        ids = {r.id: i for i, r in enumerate(rec.responses)}
        several = len(rec.responses) > 2
        c = self.c
        shown0 = rec.shown[0] if rec.shown is not None and len(rec.responses) == 2 else None
        for a, b, won in _verdict_pairs(rec):
            ia, ib = ids[a], ids[b]
            ka, kb = keys[ia], keys[ib]
            if ka == kb:
                self.identical += 1
                continue
            sa, sb = rks[ia], rks[ib]
            lo, hi = (sa, sb) if sa < sb else (sb, sa)
            cu = self.content_units[(pk, lo, hi)]
            if cu == len(self.content_orient):
                self.content_orient.append((ka, kb))
            cflip = 0 if self.content_orient[cu][0] == ka else 1
            iu, iflip = -1, 0
            if base is not None:
                name = f"{base}:{lo}:{hi}" if several else base
                iu = self.item_units[name]
                if iu == len(self.item_orient):
                    self.item_orient.append((ka, kb))
                elif {ka, kb} != set(self.item_orient[iu]):
                    # one item, another pair of responses (SQuALITY: three systems per
                    # question): a unit of its own, named by the record's response ids
                    iu = self.item_units[f"{base}:{'|'.join(sorted((a, b)))}:{lo}:{hi}"]
                    if iu == len(self.item_orient):
                        self.item_orient.append((ka, kb))
                iflip = 0 if self.item_orient[iu][0] == ka else 1
            c["slot"].append(slot)
            c["win"].append(2 if won == TIE else 0 if won == a else 1)
            c["ka"].append(ka)
            c["kb"].append(kb)
            c["pa"].append(ia)
            c["pb"].append(ib)
            c["shown"].append(-1 if shown0 is None else 1 if shown0 == a else 0)
            c["la"].append(len(rec.responses[ia].text))
            c["lb"].append(len(rec.responses[ib].text))
            c["content"].append(cu)
            c["cflip"].append(cflip)
            c["iunit"].append(iu)
            c["iflip"].append(iflip)
            if rec.ratings:
                k = len(c["slot"]) - 1
                for crit, vals in rec.ratings.items():
                    if a in vals and b in vals:
                        idx, ra, rb = self.c_ratings.setdefault(crit, ([], [], []))
                        idx.append(k)
                        ra.append(vals[a])
                        rb.append(vals[b])

    def keys_list(self) -> list[str]:
        return list(self.keys)

    def _values(self, rec: Judgment, slot: int, keys: list[int], base: str | None) -> None:
        self.rated_records += 1
        if base is None:
            self.rated_without_item += 1
        pos = {r.id: i for i, r in enumerate(rec.responses)}
        for kind, table in (("rating", rec.ratings), ("label", rec.labels)):
            if not table:
                continue
            scale = rec.rating_scale if kind == "rating" else None
            for crit, by_id in table.items():
                key = (crit, kind)
                col = self.a.get(key)
                if col is None:
                    col = self.a[key] = ([], [], [], [])
                if scale is not None:
                    old = self.a_scale.get(key)
                    if old != scale:
                        self.a_scale[key] = (
                            scale if old is None else (min(old[0], scale[0]), max(old[1], scale[1]))
                        )
                c_slot, c_val, c_pos, c_resp = col
                for local, value in by_id.items():
                    i = pos[local]
                    c_slot.append(slot)
                    c_val.append(value)
                    c_pos.append(i)
                    c_resp.append(keys[i])

    # ---------------------------------------------------------------------------- results

    def _mode(self, total: int, missing: int, what: str) -> str:
        if callable(self.unit):
            return "custom"
        if self.unit == "auto":
            return "item" if total and not missing else "content"
        if self.unit == "item" and missing:
            raise PrefkitError(
                f"unit='item' but {missing} of {total} {what} have no 'item'; give every "
                "record an item, or use unit='content' (or 'auto')"
            )
        return str(self.unit)

    def comparisons(self) -> ComparisonSet:
        mode = self._mode(self.pairwise_records, self.pairwise_without_item, "records")
        c = {k: _arr(v) for k, v in self.c.items()}
        r = {k: _arr(v) for k, v in self.r.items()}
        slot = c["slot"]
        for name in ("order", "ann", "item", "prompt", "rep"):
            c[name] = r[name][slot] if slot.size else slot
        c["rec"] = c["order"]
        keys = self.keys_list()
        if mode == "content":
            unit, flip = c["content"], c["cflip"]
            unit_names = [f"{p}:{lo}:{hi}" for p, lo, hi in self.content_units]
        else:
            unit, flip = c["iunit"], c["iflip"]
            unit_names = list(self.item_units)
        f = flip.astype(bool)
        first = np.where(f, c["kb"], c["ka"])
        second = np.where(f, c["ka"], c["kb"])
        win = c["win"]
        verdict = np.where(win == 2, 2, np.where(f, 1 - win, win)) if win.size else win
        shown = c["shown"]
        shown_first = (
            np.where(shown < 0, -1, np.where(f, 1 - shown, shown)) if shown.size else shown
        )
        ratings = {}
        for crit, (idx, ra, rb) in self.c_ratings.items():
            ix, xa, xb = _arr(idx), _arr(ra), _arr(rb)
            fl = f[ix]
            ratings[crit] = (ix, np.where(fl, xb, xa), np.where(fl, xa, xb))
        cols = PairColumns(
            unit=unit,
            unit_names=unit_names,
            annotator=c["ann"],
            annotator_names=list(self.annotators),
            verdict=verdict,
            order=c["rec"],
            shown_first=shown_first,
            len_first=np.where(f, c["lb"], c["la"]),
            len_second=np.where(f, c["la"], c["lb"]),
            prompt=c["prompt"],
            prompt_names=list(self.prompts),
            first=first,
            second=second,
            key_names=keys,
            content=c["content"],
            item=c["item"],
            item_names=list(self.items),
            repeat_marked=c["rep"].astype(bool),
            ratings=ratings,
        )
        refs = (c["rec"], np.where(f, c["pb"], c["pa"]), np.where(f, c["pa"], c["pb"]))
        return ComparisonSet(
            cols,
            mode,
            self.n,
            {"no_preference": self.no_preference, "identical_texts": self.identical},
            source=self.source if self.keep else None,
            refs=refs,
        )

    def assessments(self) -> AssessmentSet:
        mode = self._mode(self.rated_records, self.rated_without_item, "rated records")
        keys = self.keys_list()
        bases = list(self.bases)
        r = {k: _arr(v) for k, v in self.r.items()}
        n_keys = max(len(keys), 1)
        out: dict[tuple[str, str], ValueColumns] = {}
        refs = {}
        for key, (c_slot, c_val, c_pos, c_resp) in self.a.items():
            slot, pos, resp = _arr(c_slot), _arr(c_pos), _arr(c_resp)
            content, content_keys = _first_seen(resp)
            if mode == "content":
                unit = content
                names = [keys[int(rk)] for rk in content_keys]
            else:
                unit, joint = _first_seen(r["base"][slot] * n_keys + resp)
                names = [f"{bases[int(x) // n_keys]}:{keys[int(x) % n_keys]}" for x in joint]
            out[key] = ValueColumns(
                unit=unit,
                unit_names=names,
                annotator=r["ann"][slot],
                annotator_names=list(self.annotators),
                values=c_val,
                order=r["order"][slot],
                response=resp,
                content=content,
                item=r["item"][slot],
                item_names=list(self.items),
                scale=self.a_scale.get(key),
            )
            refs[key] = (r["order"][slot], pos)
        return AssessmentSet(
            out, mode, self.n, source=self.source if self.keep else None, refs=refs
        )


def _first_seen(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes for the distinct values of ``x``, in order of first appearance.

    Codes 0..n-1 for the distinct values of ``x`` in order of first appearance, and those
    values.
    """
    if not x.size:
        return x, x
    uniq, first, inv = np.unique(x, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty(order.size, dtype=np.int64)
    rank[order] = np.arange(order.size)
    return rank[inv], uniq[order]


def views(
    records: Iterable[Judgment], *, unit: UnitSpec = "auto", keep_records: bool = True
) -> tuple[ComparisonSet, AssessmentSet]:
    """:func:`comparisons` and :func:`assessments` of the same records in one pass.

    ``keep_records=False`` reads a stream without holding the records: the sets then have their
    columns (everything the statistics need) but no rows.
    """
    b = _Builder(unit, keep_records)
    for rec in records:
        b.add(rec)
    return b.comparisons(), b.assessments()


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
    b = _Builder(unit, True, values=False)
    for rec in records:
        b.add(rec)
    return b.comparisons()


def assessments(records: Iterable[Judgment], *, unit: UnitSpec = "auto") -> AssessmentSet:
    """Every rating and label in ``records``, one :class:`Assessment` per response and criterion.

    Records of one response (ratings or labels only) are as welcome as pairwise ones. The unit
    of an assessment is the rated response within the record's unit (see :func:`comparisons`).
    """
    b = _Builder(unit, True, pairs=False)
    for rec in records:
        b.add(rec)
    return b.assessments()
