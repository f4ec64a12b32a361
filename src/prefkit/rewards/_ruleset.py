"""Rule sets: named, weighted rules composed by a weighted sum; the TRL reward signature."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from prefkit._yaml import line_of, load_yaml
from prefkit.errors import RecordError
from prefkit.rewards._batch import Batch
from prefkit.rewards._rules import RULE_KINDS, Rule

__all__ = ["DEFAULT_RULES", "RuleSet", "load_rules"]

DEFAULT_RULES = Path(__file__).with_name("rulesets") / "default.yaml"


class RuleSet(BaseModel):
    """Weighted rules. ``reward = clip(Σ weight·score / (Σ|weight| if normalize else 1))``.

    A rule set is a reward function with TRL's signature: ``rules(prompts, completions,
    **columns) -> list[float]``; ``explain`` gives the per-rule contributions of one response.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = "rules"
    rules: list[Rule] = Field(min_length=1)
    normalize: bool = False
    clip: tuple[float, float] | None = None

    @model_validator(mode="after")
    def _unique(self) -> RuleSet:
        names = [r.name for r in self.rules]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"rule names {dup} are used twice; names must be unique")
        if self.clip is not None and self.clip[0] >= self.clip[1]:
            raise ValueError(f"clip {list(self.clip)} must be [low, high] with low < high")
        return self

    @property
    def __name__(self) -> str:  # TRL logs reward functions by __name__
        return self.name

    @property
    def weights(self) -> np.ndarray:
        return np.array([r.weight for r in self.rules])

    def features(
        self, prompts: Sequence[Any], completions: Sequence[Any], **columns: Any
    ) -> np.ndarray:
        """The raw score of every rule for every completion: completions × rules.

        Rules score the whole batch at once from statistics compiled for it (``_fast``).
        """
        batch = Batch(prompts, completions, columns, self._phrases)
        out = np.empty((batch.n, len(self.rules)))
        for j, rule in enumerate(self.rules):
            out[:, j] = rule.score_batch(batch)
        return out

    @property
    def _phrases(self) -> list[str]:
        """Every phrase any rule counts, once: the batch finds them all in one pass."""
        return list(dict.fromkeys(p for r in self.rules for p in r.counted_phrases()))

    def combine(self, feats: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        w = self.weights if weights is None else weights
        total = feats @ w if feats.size else np.zeros(len(feats))
        if self.normalize:
            scale = float(np.abs(w).sum())
            if scale:
                total = total / scale
        if self.clip is not None:
            total = np.clip(total, *self.clip)
        return np.asarray(total)

    def __call__(
        self, prompts: Sequence[Any], completions: Sequence[Any], **columns: Any
    ) -> list[float]:
        return [float(x) for x in self.combine(self.features(prompts, completions, **columns))]

    def explain(self, prompt: Any, completion: Any, **columns: Any) -> dict[str, float]:
        """Each rule's contribution (weight × score, after normalization) to the reward."""
        f = self.features([prompt], [completion], **{k: [v] for k, v in columns.items()})[0]
        scale = float(np.abs(self.weights).sum()) if self.normalize else 1.0
        return {r.name: float(r.weight * f[j] / (scale or 1.0)) for j, r in enumerate(self.rules)}

    def with_weights(self, weights: Sequence[float], name: str | None = None) -> RuleSet:
        rules = [
            r.model_copy(update={"weight": float(w)})
            for r, w in zip(self.rules, weights, strict=True)
        ]
        return self.model_copy(update={"rules": rules, "name": name or self.name})

    def without(self, rule: str) -> RuleSet:
        return self.model_copy(update={"rules": [r for r in self.rules if r.name != rule]})

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_defaults=False)


def load_rules(source: str | Path | dict[str, Any] | None = None) -> RuleSet:
    """A rule set from YAML (default: the bundled ``default.yaml``) or a dict.

    Errors name ``path:line``, the rule, the field, what is allowed and the likely fix.
    """
    if isinstance(source, dict):
        return _validate(source, None, None)
    path = Path(source) if source is not None else DEFAULT_RULES
    data, node = load_yaml(path, "rule set")
    if not isinstance(data, dict):
        raise RecordError("a rule set is a mapping with a 'rules' list", path=str(path))
    return _validate(data, node, str(path))


def _validate(data: dict[str, Any], node: Any, path: str | None) -> RuleSet:
    try:
        return RuleSet.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        raise RecordError(
            _explain(data, err, loc),
            path=path,
            line=line_of(node, _yaml_loc(loc)),
            field=_field(loc),
        ) from None


def _yaml_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    # pydantic puts the discriminator's value in the path (rules.0.length.unit): drop it
    if len(loc) >= 3 and loc[0] == "rules" and loc[2] in RULE_KINDS:
        return (loc[0], loc[1], *loc[3:])
    return loc


def _field(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in _yaml_loc(loc))


def _explain(data: dict[str, Any], err: Any, loc: tuple[Any, ...]) -> str:
    kind_of = None
    rule_name = None
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        rules = data.get("rules") or []
        if loc[1] < len(rules) and isinstance(rules[loc[1]], dict):
            rule_name = rules[loc[1]].get("name")
            kind_of = rules[loc[1]].get("kind")
    prefix = f"rule {rule_name!r} ({kind_of}): " if rule_name else ""
    etype = err["type"]
    if etype in ("union_tag_invalid", "union_tag_not_found"):
        got = kind_of if etype == "union_tag_invalid" else None
        hint = difflib.get_close_matches(str(got), list(RULE_KINDS), n=1)
        return f"{prefix}unknown kind {got!r}; expected one of {sorted(RULE_KINDS)}" + (
            f"; did you mean {hint[0]!r}?" if hint else ""
        )
    if etype == "extra_forbidden":
        field = str(loc[-1])
        model: type[BaseModel] = RULE_KINDS.get(str(kind_of), RuleSet)
        fields = model.model_fields
        allowed = sorted(set(fields) - {"kind"})
        hint = difflib.get_close_matches(field, allowed, n=1)
        return f"{prefix}unknown field {field!r}; expected one of {allowed}" + (
            f"; did you mean {hint[0]!r}?" if hint else ""
        )
    value = f"{err['input']!r}: " if "input" in err and etype != "missing" else ""
    return f"{prefix}{value}{err['msg']}"
