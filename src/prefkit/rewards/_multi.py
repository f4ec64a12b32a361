"""Multi-objective reward model: one head per criterion, combined per request.

Each head regresses the per-criterion Likert rating (rescaled to [0, 1]) of a response on the
same frozen embedding features as ``EmbeddingRewardModel``. At serving time a weight vector
combines the heads (a ``weights`` column: one dict for all completions or one per completion),
and an optional safety floor caps the reward of any response whose safety head falls below
it, so one model serves engineers (helpfulness), legal (harmlessness) and support differently.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from prefkit.data import Judgment, assessments
from prefkit.errors import PrefkitError
from prefkit.rewards._embed import Embedder
from prefkit.rewards._embedding_rm import FORMAT, _prompt_text
from prefkit.rewards._text import as_text

__all__ = ["MultiObjectiveRewardModel"]


class MultiObjectiveRewardModel:
    """Per-criterion heads on frozen embeddings; ``weights`` and ``safety`` decide the reward.

    Args:
        weights: default criterion weights (missing criteria weigh 0; None: equal weights).
        safety: (criterion, floor): a response whose predicted rating for that criterion is
            below ``floor`` (0..1) gets at most ``floor - 1`` (below any safe response).
    """

    def __init__(
        self,
        *,
        weights: Mapping[str, float] | None = None,
        safety: tuple[str, float] | None = None,
        ridge: float = 1.0,
        embedder: Embedder | None = None,
    ) -> None:
        self.weights = dict(weights) if weights is not None else None
        self.safety = safety
        self.ridge = ridge
        self.embedder = embedder or Embedder()

    @property
    def __name__(self) -> str:
        return "multi-objective-rm"

    def _features(self, prompts: Sequence[Any], responses: Sequence[str]) -> np.ndarray:
        e_p = self.embedder([_prompt_text(p) for p in prompts])
        e_r = self.embedder(list(responses))
        x = np.concatenate([e_r, e_p * e_r], axis=1)
        return np.concatenate([x, np.ones((len(x), 1), dtype=x.dtype)], axis=1)

    def fit(self, records: Iterable[Judgment]) -> MultiObjectiveRewardModel:
        """Ridge regression of each criterion's rescaled rating on the features."""
        rows: dict[str, list[tuple[Any, str, float]]] = {}
        for a in assessments(records, unit="content"):
            if a.kind != "rating" or a.scale is None:
                continue
            lo, hi = a.scale
            rows.setdefault(a.criterion, []).append(
                (a.prompt_value(), a.text, (float(a.value) - lo) / (hi - lo))
            )
        if not rows:
            raise PrefkitError(
                "a multi-objective model needs per-criterion ratings (Judgment.ratings); none found"
            )
        self.heads_: dict[str, np.ndarray] = {}
        self.rows_ = {c: len(r) for c, r in rows.items()}
        for crit, data in sorted(rows.items()):
            x = self._features([d[0] for d in data], [d[1] for d in data]).astype(np.float64)
            y = np.array([d[2] for d in data])
            reg = self.ridge * np.eye(x.shape[1])
            reg[-1, -1] = 0.0  # no penalty on the intercept
            self.heads_[crit] = np.linalg.solve(x.T @ x + reg, x.T @ y)
        return self

    def predict(self, prompts: Sequence[Any], completions: Sequence[Any]) -> dict[str, np.ndarray]:
        """Each criterion's predicted rating in [0, 1] (clipped) for every completion."""
        if not hasattr(self, "heads_"):
            raise PrefkitError("the reward model is not trained; call fit() or load one")
        texts = [c if isinstance(c, str) else as_text(c, roles=("assistant",)) for c in completions]
        x = self._features(prompts, texts).astype(np.float64)
        return {c: np.clip(x @ w, 0.0, 1.0) for c, w in self.heads_.items()}

    def __call__(
        self, prompts: Sequence[Any], completions: Sequence[Any], **columns: Any
    ) -> list[float]:
        preds = self.predict(prompts, completions)
        n = len(completions)
        raw = columns.get("weights", self.weights)
        per = [raw] * n if raw is None or isinstance(raw, Mapping) else list(raw)
        out = []
        for k in range(n):
            w = per[k] or {c: 1.0 for c in preds}
            unknown = sorted(set(w) - set(preds))
            if unknown:
                raise PrefkitError(
                    f"unknown criteria {unknown} in weights; the model has {sorted(preds)}"
                )
            total = sum(abs(v) for v in w.values()) or 1.0
            score = sum(v * float(preds[c][k]) for c, v in w.items()) / total
            if self.safety is not None:
                crit, floor = self.safety
                if float(preds[crit][k]) < floor:
                    score = min(score, floor - 1.0)
            out.append(score)
        return out

    def save(self, folder: str | Path) -> Path:
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        np.save(out / "heads.npy", np.stack([self.heads_[c] for c in sorted(self.heads_)]))
        cfg = {
            "format": FORMAT,
            "kind": "multi-objective",
            "encoder": self.embedder.name,
            "criteria": sorted(self.heads_),
            "weights": self.weights,
            "safety": list(self.safety) if self.safety else None,
            "ridge": self.ridge,
            "rows": self.rows_,
        }
        (out / "config.json").write_text(json.dumps(cfg, indent=2), "utf-8")
        return out

    @classmethod
    def load(
        cls, folder: str | Path, *, embedder: Embedder | None = None
    ) -> MultiObjectiveRewardModel:
        path = Path(folder)
        cfg = json.loads((path / "config.json").read_text("utf-8"))
        if cfg.get("kind") != "multi-objective":
            raise PrefkitError(f"{path}: not a saved multi-objective reward model")
        safety = cfg["safety"]
        m = cls(
            weights=cfg["weights"],
            safety=(str(safety[0]), float(safety[1])) if safety else None,
            ridge=cfg["ridge"],
            embedder=embedder or Embedder(cfg["encoder"]),
        )
        heads = np.load(path / "heads.npy")
        m.heads_ = dict(zip(cfg["criteria"], heads, strict=True))
        m.rows_ = cfg["rows"]
        return m
