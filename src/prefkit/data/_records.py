"""The canonical judgment record (prefkit JSONL, version 1), as typed, validated models.

The format is documented once, in DESIGN.md: one JSON object per line with ``prompt`` and
``responses`` required and ``id``, ``item``, ``preference``, ``ranking``, ``strength``,
``ratings``, ``labels``, ``rationale``, ``annotator``, ``shown``, ``source`` and ``metadata``
optional. ``item`` (the annotation unit), ``labels`` (nominal categories per response) and
``timings`` (written by the workbench) are written only when set, so a record without them is
byte-for-byte the v1 record it was, with the same content hash.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from prefkit._json import canonical
from prefkit.errors import RecordError

_V = TypeVar("_V")

__all__ = [
    "DEFAULT_RATING_SCALE",
    "RECORD_FIELDS",
    "ROLES",
    "SOURCES",
    "Judgment",
    "Message",
    "Response",
    "Timings",
    "judgment_from_dict",
    "render_prompt",
    "storable_text_problem",
]

SOURCES = ("human", "ai", "rule", "model")
ROLES = ("system", "user", "assistant", "tool", "developer")
DEFAULT_RATING_SCALE = (1, 5)
TIE = "tie"

# Field order of the canonical record, as in DESIGN.md; ``timings`` is written only when set.
RECORD_FIELDS = (
    "id",
    "item",
    "prompt",
    "responses",
    "preference",
    "ranking",
    "strength",
    "ratings",
    "labels",
    "rationale",
    "annotator",
    "shown",
    "source",
    "metadata",
    "timings",
)
SHORTHAND_FIELDS = ("prompt", "response_a", "response_b", "winner")

_STRICT = ConfigDict(extra="forbid", frozen=True, strict=False)


class Message(BaseModel):
    """One chat message of a prompt."""

    model_config = _STRICT
    role: Literal["system", "user", "assistant", "tool", "developer"]
    content: StrictStr


class Response(BaseModel):
    """One candidate response; ``id`` is unique within its record."""

    model_config = _STRICT
    id: StrictStr = Field(min_length=1, max_length=200)
    text: StrictStr
    model: StrictStr | None = None


class Timings(BaseModel):
    """When an annotator opened and submitted the item (ISO 8601), and the time spent."""

    model_config = _STRICT
    started_at: StrictStr | None = None
    submitted_at: StrictStr | None = None
    duration_ms: StrictInt | StrictFloat | None = Field(default=None, ge=0)

    @field_validator("started_at", "submitted_at")
    @classmethod
    def _iso(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                datetime.fromisoformat(value)
            except ValueError:
                raise ValueError(
                    f"{value!r} is not an ISO 8601 time; write e.g. '2026-01-31T12:00:00+00:00'"
                ) from None
        return value


class Judgment(BaseModel):
    """What a human, an AI labeler or a rule said about the responses to one prompt."""

    model_config = _STRICT
    id: StrictStr | None = Field(default=None, min_length=1, max_length=200)
    item: StrictStr | None = Field(default=None, min_length=1, max_length=200)
    prompt: StrictStr | list[Message]
    responses: list[Response] = Field(min_length=1)
    preference: StrictStr | None = None
    ranking: list[StrictStr] | None = None
    strength: StrictInt | StrictFloat | None = None
    ratings: dict[StrictStr, dict[StrictStr, StrictInt]] | None = None
    labels: dict[StrictStr, dict[StrictStr, StrictStr]] | None = None
    rationale: StrictStr | None = None
    annotator: StrictStr | None = Field(default=None, max_length=200)
    shown: list[StrictStr] | None = None
    source: Literal["human", "ai", "rule", "model"] | None = None
    metadata: dict[StrictStr, Any] = Field(default_factory=dict)
    timings: Timings | None = None

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> Judgment:
        # The JSON-lines reader checks the raw line for NUL and surrogate escapes (a C-speed
        # substring test) and says so in the context; walking every string costs more.
        if not (info.context or {}).get("clean_text"):
            _check_texts(self)
        ids = [r.id for r in self.responses]
        known = set(ids)
        if len(known) != len(ids):
            dup = next(i for i in ids if ids.count(i) > 1)
            raise _field_error(
                "responses", f"response id {dup!r} is used twice; ids must be unique"
            )
        if TIE in known:
            raise _field_error("responses", f"{TIE!r} cannot be a response id (it means a tie)")
        if self.preference is not None:
            if self.preference != TIE and self.preference not in known:
                raise _field_error(
                    "preference",
                    f"{self.preference!r} is not a response id; expected one of "
                    f"{[*ids, TIE]} or null",
                )
            if len(ids) < 2:
                raise _field_error("preference", "a preference needs at least two responses")
        if self.ranking is not None:
            _check_permutation("ranking", self.ranking, ids)
            if self.preference not in (None, TIE) and self.preference != self.ranking[0]:
                raise _field_error(
                    "preference",
                    f"{self.preference!r} disagrees with the ranking, which puts "
                    f"{self.ranking[0]!r} first",
                )
        if self.shown is not None:
            _check_permutation("shown", self.shown, ids)
        if self.strength is not None:
            if not math.isfinite(self.strength) or self.strength < 0:
                raise _field_error(
                    "strength", f"{self.strength!r} must be a finite number >= 0 (or null)"
                )
            if self.preference is None:
                raise _field_error("strength", "a strength needs a preference")
        if self.ratings:
            lo, hi = self.rating_scale
            for where, _, value in _per_response("ratings", self.ratings, ids):
                if not lo <= value <= hi:
                    raise _field_error(
                        where,
                        f"rating {value} is outside the scale {lo}..{hi}; set "
                        "metadata.rating_scale to [low, high] for another scale",
                    )
        if self.labels:
            allowed = self.label_set
            for where, criterion, label in _per_response("labels", self.labels, ids):
                if not label or len(label) > 200:
                    raise _field_error(where, "a label must be 1 to 200 characters")
                choices = allowed.get(criterion) if allowed is not None else None
                if choices is not None and label not in choices:
                    raise _field_error(
                        where,
                        f"label {label!r} is not in the label set of {criterion!r}; "
                        f"expected one of {list(choices)} (metadata.label_set)",
                    )
        return self

    @property
    def label_set(self) -> dict[str, tuple[str, ...]] | None:
        """The allowed categories per label criterion, from ``metadata.label_set``.

        ``metadata.label_set`` is either a list of categories (for every criterion) or a mapping
        ``{criterion: [categories]}``; criteria it does not name are unrestricted.
        """
        raw = self.metadata.get("label_set")
        if raw is None:
            return None
        if isinstance(raw, list) and all(isinstance(v, str) for v in raw) and raw:
            return {c: tuple(raw) for c in (self.labels or {})}
        if isinstance(raw, dict) and all(
            isinstance(v, list) and v and all(isinstance(x, str) for x in v) for v in raw.values()
        ):
            return {str(k): tuple(v) for k, v in raw.items()}
        raise _field_error(
            "metadata.label_set",
            f"{raw!r} is not a label set; expected a list of categories or "
            "{criterion: [categories]}",
        )

    @property
    def rating_scale(self) -> tuple[int, int]:
        """The Likert scale of ``ratings``: ``metadata.rating_scale`` or 1..5."""
        scale = self.metadata.get("rating_scale")
        if scale is None:
            return DEFAULT_RATING_SCALE
        if (
            not isinstance(scale, list | tuple)
            or len(scale) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in scale)
            or scale[0] >= scale[1]
        ):
            raise _field_error(
                "metadata.rating_scale",
                f"{scale!r} is not a scale; expected [low, high] with integers low < high",
            )
        return int(scale[0]), int(scale[1])

    @property
    def response_ids(self) -> list[str]:
        return [r.id for r in self.responses]

    @property
    def degenerate(self) -> bool:
        """True when two responses have identical text (nothing to prefer between them)."""
        texts = [r.text for r in self.responses]
        return len(set(texts)) < len(texts)

    @property
    def is_tie(self) -> bool:
        return self.preference == TIE

    def prompt_messages(self) -> list[dict[str, str]]:
        """The prompt as chat messages (a text prompt is one user message)."""
        if isinstance(self.prompt, str):
            return [{"role": "user", "content": self.prompt}]
        return [{"role": m.role, "content": m.content} for m in self.prompt]

    def prompt_value(self) -> str | list[dict[str, str]]:
        """The prompt as plain JSON data: the string, or the list of message dicts."""
        if isinstance(self.prompt, str):
            return self.prompt
        return [{"role": m.role, "content": m.content} for m in self.prompt]

    def prompt_text(self) -> str:
        """The prompt as one readable text.

        A text prompt as it is, a chat as ``Role: content`` turns separated by blank lines (the form
        judges and reports show).
        """
        return render_prompt(self.prompt)

    def response(self, rid: str) -> Response:
        for r in self.responses:
            if r.id == rid:
                return r
        raise KeyError(f"no response {rid!r}; expected one of {self.response_ids}")

    def to_dict(self) -> dict[str, Any]:
        """The canonical JSON object, keys in DESIGN.md order (``timings`` only when set)."""
        prompt: Any = (
            self.prompt
            if isinstance(self.prompt, str)
            else [{"role": m.role, "content": m.content} for m in self.prompt]
        )
        out: dict[str, Any] = {"id": self.id}
        if self.item is not None:
            out["item"] = self.item
        out |= {
            "prompt": prompt,
            "responses": [{"id": r.id, "text": r.text, "model": r.model} for r in self.responses],
            "preference": self.preference,
            "ranking": list(self.ranking) if self.ranking is not None else None,
            "strength": self.strength,
            "ratings": (
                {c: dict(v) for c, v in self.ratings.items()} if self.ratings is not None else None
            ),
        }
        if self.labels is not None:
            out["labels"] = {c: dict(v) for c, v in self.labels.items()}
        out |= {
            "rationale": self.rationale,
            "annotator": self.annotator,
            "shown": list(self.shown) if self.shown is not None else None,
            "source": self.source,
            "metadata": self.metadata,
        }
        if self.timings is not None:
            out["timings"] = self.timings.model_dump()
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(", ", ": "))

    def content_hash(self) -> str:
        """A stable digest of everything but ``id``: same content, same hash."""
        body = self.to_dict()
        body.pop("id")
        return hashlib.sha256(canonical(body)).hexdigest()

    def with_id(self, new_id: str) -> Judgment:
        return self.model_copy(update={"id": new_id})


def _bad_char(text: str) -> str | None:
    """Why ``text`` cannot be stored: a NUL or a lone surrogate (at which character), or None."""
    if "\x00" in text:
        return (
            f"contains a NUL character (U+0000) at character {text.index(chr(0)) + 1}, which "
            "PostgreSQL cannot store; prefkit refuses it on every database: remove it"
        )
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            code = ord(text[exc.start])
            return (
                f"contains a lone surrogate (U+{code:04X}) at character {exc.start + 1}, which "
                "is not valid Unicode (the text was probably decoded wrongly): fix or drop it"
            )
    return None


def storable_text_problem(value: Any, where: str = "value") -> str | None:
    """Why a string (or the strings in a JSON-like value) cannot be stored, naming where.

    A NUL or a lone surrogate; None when it is fine. The workbench checks drafts with it.
    """
    found = _walk(value, where)
    return f"{found[0]}: {found[1]}" if found else None


def _walk(value: Any, where: str) -> tuple[str, str] | None:
    if isinstance(value, str):
        why = _bad_char(value)
        return (where, why) if why else None
    if isinstance(value, dict):
        for k, v in value.items():
            found = _walk(k, where) or _walk(v, f"{where}.{k}")
            if found:
                return found
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            found = _walk(v, f"{where}.{i}")
            if found:
                return found
    return None


def _check_texts(rec: Judgment) -> None:
    """Every string of a record must be storable text (no NUL, no lone surrogate)."""
    prompt = rec.prompt if isinstance(rec.prompt, str) else [m.content for m in rec.prompt]
    for where, value in (
        ("prompt", prompt),
        ("responses", [{"id": r.id, "text": r.text, "model": r.model} for r in rec.responses]),
        ("id", rec.id),
        ("item", rec.item),
        ("rationale", rec.rationale),
        ("annotator", rec.annotator),
        ("preference", rec.preference),
        ("labels", rec.labels),
        ("ratings", list(rec.ratings) if rec.ratings else None),
        ("metadata", rec.metadata),
    ):
        if value is None:
            continue
        found = _walk(value, where)
        if found:
            raise _field_error(*found)


def render_prompt(prompt: Any, *, sep: str = "\n\n") -> str:
    """A prompt (a string, ``Message`` objects or message dicts) as one readable text.

    A string as it is, a chat as ``Role: content`` turns joined by ``sep``. The one place prompts
    are rendered as text (judges, reports, reward-model inputs, template-less generators).
    """
    if isinstance(prompt, str):
        return prompt
    parts = []
    for m in prompt:
        role = m.role if isinstance(m, Message) else str(m.get("role", "user"))
        content = m.content if isinstance(m, Message) else str(m.get("content", ""))
        parts.append(f"{role.capitalize()}: {content}")
    return sep.join(parts)


def _per_response(
    field: str, table: Mapping[str, Mapping[str, _V]], ids: list[str]
) -> Iterator[tuple[str, str, _V]]:
    """``(field.criterion.id, criterion, value)`` per ratings/labels cell, names checked."""
    for criterion, by_id in table.items():
        if not criterion or len(criterion) > 200:
            raise _field_error(field, "criterion names must be 1 to 200 characters")
        for rid, value in by_id.items():
            where = f"{field}.{criterion}.{rid}"
            if rid not in ids:
                raise _field_error(where, f"{rid!r} is not a response id; expected one of {ids}")
            yield where, criterion, value


def _field_error(field: str, reason: str) -> ValueError:
    # pydantic wraps ValueErrors raised in validators; the field travels in the message and is
    # split back out by ``_record_error``.
    return ValueError(f"@{field}@ {reason}")


def _check_permutation(field: str, order: list[str], ids: list[str]) -> None:
    if sorted(order) != sorted(ids):
        raise _field_error(
            field, f"{order!r} must list every response id exactly once: a permutation of {ids}"
        )


_UNION_TAGS = {"str", "list[Message]", "int", "float"}


def _clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    # pydantic names the member of a union (``prompt.str``, ``strength.int``); drop those tags.
    unions = {("prompt",), ("strength",), ("timings", "duration_ms")}
    for n in (1, 2):
        if tuple(loc[:n]) in unions and len(loc) > n and loc[n] in _UNION_TAGS:
            return (*loc[:n], *loc[n + 1 :])
    return loc


def _record_error(exc: ValidationError) -> RecordError:
    errors = exc.errors(include_url=False)
    # For a union (text or chat prompt) report the member that got furthest.
    err = max(errors, key=lambda e: len(e["loc"]))
    err = {**err, "loc": _clean_loc(tuple(err["loc"]))}
    loc = ".".join(str(p) for p in err["loc"])
    msg = str(err.get("msg", ""))
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if msg.startswith("@"):
        field, _, msg = msg[1:].partition("@ ")
        return RecordError(msg, field=field)
    kind = err.get("type", "")
    value = err.get("input")
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    if kind == "extra_forbidden":
        top = err["loc"][0] if err["loc"] else loc
        allowed = RECORD_FIELDS if len(err["loc"]) == 1 else None
        hint = (
            f"; allowed fields: {list(allowed)} (put anything else under 'metadata')"
            if allowed
            else ""
        )
        return RecordError(f"unknown field {top!r}{hint}", field=loc)
    if kind == "missing":
        return RecordError("is required but missing", field=loc)
    extra = f" (got {shown})" if kind != "model_type" or value is not None else ""
    return RecordError(f"{msg}{extra}", field=loc or None)


def judgment_from_dict(obj: Any) -> Judgment:
    """Validate one canonical record (or the ``response_a/response_b/winner`` shorthand).

    Raises:
        RecordError: the object is not a valid record; the message names the field.
    """
    if not isinstance(obj, dict):
        raise RecordError(f"expected a JSON object, got {type(obj).__name__}")
    if "response_a" in obj or "winner" in obj:
        obj = _from_shorthand(obj)
    try:
        return Judgment.model_validate(obj)
    except ValidationError as exc:
        raise _record_error(exc) from None
    except RecordError:
        raise
    except (ValueError, TypeError, RecursionError) as exc:  # defensive: odd inputs
        raise RecordError(f"invalid record: {exc}") from None


_WINNERS = {"a": "a", "b": "b", "tie": TIE, "model_a": "a", "model_b": "b"}


def _from_shorthand(obj: dict[str, Any]) -> dict[str, Any]:
    missing = [k for k in SHORTHAND_FIELDS if k not in obj]
    if missing:
        raise RecordError(
            f"shorthand record lacks {missing}; it needs {list(SHORTHAND_FIELDS)}",
            field=missing[0],
        )
    winner = obj["winner"]
    if not isinstance(winner, str) or winner.lower() not in _WINNERS:
        raise RecordError(
            f"{winner!r} is not a winner; expected one of ['a', 'b', 'tie']", field="winner"
        )
    allowed_extra = set(RECORD_FIELDS) - {"responses", "preference"} | {"model_a", "model_b"}
    unknown = sorted(set(obj) - set(SHORTHAND_FIELDS) - allowed_extra)
    if unknown:
        raise RecordError(
            f"unknown field {unknown[0]!r} in a shorthand record; allowed besides "
            f"{list(SHORTHAND_FIELDS)}: {sorted(allowed_extra)}",
            field=unknown[0],
        )
    out = {k: v for k, v in obj.items() if k in RECORD_FIELDS and k != "prompt"}
    out["prompt"] = obj["prompt"]
    out["responses"] = [
        {"id": "a", "text": obj["response_a"], "model": obj.get("model_a")},
        {"id": "b", "text": obj["response_b"], "model": obj.get("model_b")},
    ]
    out["preference"] = _WINNERS[winner.lower()]
    return out
