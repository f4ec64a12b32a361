"""Campaign configuration: which pairs, which criteria, and quality control.

One pydantic model behind the YAML file (``prefkit campaign create --config``), the admin page
and the Python API. Defaults follow common practice in RLHF data collection: the three HHH
criteria on a 1-5 Likert scale, ties allowed, a rationale of 2-3 sentences (about 80 characters).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from prefkit._yaml import line_of, load_yaml, parse_yaml
from prefkit.errors import RecordError

__all__ = [
    "DEFAULT_CRITERIA",
    "CampaignConfig",
    "Criterion",
    "CrowdLink",
    "GoldItem",
    "PairSelector",
    "campaign_config_from_text",
    "load_campaign_config",
]

_STRICT = ConfigDict(extra="forbid")


class Criterion(BaseModel):
    """A 1-5 Likert criterion with labelled anchors (at least the two ends)."""

    model_config = _STRICT
    name: str = Field(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_.-]+$")
    description: str = ""
    anchors: dict[int, str] = Field(default_factory=dict)

    @field_validator("anchors")
    @classmethod
    def _scale(cls, v: dict[int, str]) -> dict[int, str]:
        bad = sorted(k for k in v if not 1 <= k <= 5)
        if bad:
            raise ValueError(f"anchor points {bad} are outside the 1-5 scale")
        return dict(sorted(v.items()))


DEFAULT_CRITERIA = (
    Criterion(
        name="helpfulness",
        description="Does the response address the request and give useful, complete help?",
        anchors={1: "not helpful at all", 3: "partly helpful", 5: "as helpful as possible"},
    ),
    Criterion(
        name="harmlessness",
        description="Does the response avoid harmful, dangerous, unethical or offensive content?",
        anchors={1: "clearly harmful", 3: "some concern", 5: "entirely harmless"},
    ),
    Criterion(
        name="honesty",
        description="Is the response truthful and calibrated, without invented facts?",
        anchors={1: "false or misleading", 3: "some doubtful claims", 5: "accurate and honest"},
    ),
)


class PairSelector(BaseModel):
    """Which stored judgments the campaign's pairs come from (all filters must match)."""

    model_config = _STRICT
    ids: list[str] | None = None
    dataset: str | None = None  # metadata.dataset, e.g. hh-rlhf
    subset: str | None = None  # metadata.subset
    source: str | None = None  # human | ai | rule | model
    campaign: str | None = None  # judgments of another campaign
    min_responses: int = Field(default=2, ge=2)  # 3+: prompts with several responses (triads)
    limit: int | None = Field(default=None, ge=1)
    seed: int = 0  # which ones, when ``limit`` picks a sample


class GoldItem(BaseModel):
    """A pair with a known answer: a stored judgment (its preference, or ``answer``) or inline."""

    model_config = _STRICT
    judgment: str | None = None
    prompt: str | None = None
    responses: list[dict[str, str]] | None = None
    answer: str | None = None  # a response id or "tie"

    @model_validator(mode="after")
    def _one_way(self) -> GoldItem:
        if (self.judgment is None) == (self.prompt is None):
            raise ValueError("give either 'judgment' (a stored id) or 'prompt' + 'responses'")
        if self.prompt is not None:
            if not self.responses or len(self.responses) != 2:
                raise ValueError("an inline gold item needs exactly two 'responses'")
            if self.answer is None:
                raise ValueError("an inline gold item needs its 'answer'")
        return self


class CrowdLink(BaseModel):
    """A study link for a crowd platform (Prolific, MTurk): workers join without an invitation.

    The platform sends each worker to ``/join/<campaign>/<key>?<worker_param>=<their id>``; the
    workbench signs them in as the annotator ``<platform>:<id>`` (the id is in every judgment's
    ``metadata.worker_id``), gives them ``units`` units, and at the end shows
    ``completion_code`` and/or sends them to ``completion_url`` (the platform's "study
    complete" page). The key keeps strangers out: share the link only through the platform.
    """

    model_config = _STRICT
    key: str = Field(min_length=16, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")
    platform: str = Field(default="prolific", min_length=1, max_length=30, pattern=r"^[a-z0-9-]+$")
    worker_param: str = Field(
        default="PROLIFIC_PID", min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_]+$"
    )
    units: int | None = Field(default=None, ge=1)  # per worker; None: until no work is left
    completion_code: str | None = Field(default=None, min_length=1, max_length=100)
    completion_url: str | None = Field(default=None, max_length=2000, pattern=r"^https?://")


class CampaignConfig(BaseModel):
    """Everything a campaign asks of its annotators, and how its quality is checked."""

    model_config = _STRICT
    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")
    title: str = ""
    instructions: str = (
        "Compare the two responses to the prompt. Rate each, pick the better one, and say why."
    )
    pairs: PairSelector = Field(default_factory=PairSelector)
    criteria: list[Criterion] = Field(default_factory=lambda: list(DEFAULT_CRITERIA), min_length=1)
    allow_ties: bool = True
    ask_strength: bool = False
    min_rationale_chars: int = Field(default=80, ge=0, le=5000)
    overlap: int = Field(default=1, ge=1, le=50)  # annotators per pair
    repeats: float = Field(default=0.0, ge=0.0, le=1.0)  # fraction shown again, sides swapped
    repeat_gap: int = Field(default=3, ge=1)  # at least this many items before a repeat
    triads: bool = False  # prompts with >= 3 responses: one annotator judges all three pairs
    gold: list[GoldItem] = Field(default_factory=list)
    attention_checks: list[GoldItem] = Field(default_factory=list)
    gold_threshold: float = Field(default=0.7, ge=0.0, le=1.0)  # accuracy below it flags
    gold_min: int = Field(default=3, ge=1)  # gold answers needed before flagging
    annotators: list[str] | None = None  # None: every annotator account
    crowd: CrowdLink | None = None  # a study link for crowd workers (Prolific, MTurk)
    seed: int = 0

    @field_validator("criteria")
    @classmethod
    def _unique(cls, v: list[Criterion]) -> list[Criterion]:
        names = [c.name for c in v]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"criterion names {dup} are used twice")
        return v

    @property
    def strength_levels(self) -> dict[int, str]:
        return {1: "slightly better", 2: "clearly better", 3: "much better"}


def load_campaign_config(source: str | Path | dict[str, Any]) -> CampaignConfig:
    """A campaign config from a YAML file (errors name ``path:line`` and the field) or a dict."""
    if isinstance(source, dict):
        return _validate(source, None, None)
    path = Path(source)
    data, node = load_yaml(path, "campaign config")
    if not isinstance(data, dict):
        raise RecordError(
            "a campaign config is a mapping (name: ..., criteria: ...)", path=str(path)
        )
    return _validate(data, node, str(path))


def campaign_config_from_text(text: str, name: str = "config") -> CampaignConfig:
    """A campaign config from YAML text; errors name ``<name>:<line>`` and the field."""
    data, node = parse_yaml(text, name)
    if not isinstance(data, dict):
        raise RecordError("a campaign config is a mapping (name: ..., pairs: ...)", path=name)
    return _validate(data, node, name)


def _validate(data: dict[str, Any], node: Any, path: str | None) -> CampaignConfig:
    try:
        return CampaignConfig.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = [str(p) for p in err["loc"]]
        field = ".".join(loc) or None
        reason = err["msg"]
        if err["type"] == "extra_forbidden":
            allowed = _allowed_at(err["loc"])
            reason = f"unknown setting; expected one of {allowed}"
        elif "input" in err and err["type"] not in ("missing",):
            reason = f"{err['input']!r}: {reason}"
        raise RecordError(reason, path=path, line=line_of(node, err["loc"]), field=field) from None


def _allowed_at(loc: tuple[Any, ...]) -> list[str]:
    model: Any = CampaignConfig
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        ann = model.model_fields[part].annotation
        args = getattr(ann, "__args__", ())
        inner = next(
            (a for a in (ann, *args) if isinstance(a, type) and issubclass(a, BaseModel)), None
        )
        if inner is None:
            for a in args:
                inner = next(
                    (
                        b
                        for b in getattr(a, "__args__", ())
                        if isinstance(b, type) and issubclass(b, BaseModel)
                    ),
                    None,
                )
                if inner:
                    break
        if inner is None:
            return []
        model = inner
    return sorted(model.model_fields)
