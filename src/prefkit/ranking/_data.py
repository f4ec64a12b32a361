"""Pairwise outcomes and rankings as item-index arrays, from canonical records.

``by="model"``: the items are ``Response.model`` (a model, a checkpoint, a prompt variant...);
every record compares its responses' models. ``by="prompt"``: the items are the responses
themselves, and each prompt's responses are ranked among themselves (one component each).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from prefkit.data import UNKNOWN_ANNOTATOR as UNKNOWN
from prefkit.data import ComparisonSet, Judgment, comparisons, prompt_key
from prefkit.errors import RankingError

__all__ = ["Outcomes", "RankingError", "Rankings", "outcomes_from_records"]

By = Literal["model", "prompt"]


@dataclass
class Outcomes:
    """Pairwise outcomes: ``a`` vs ``b`` with ``outcome`` 1 (a won), 0 (b won) or 0.5 (tie)."""

    items: list[str]
    a: np.ndarray
    b: np.ndarray
    outcome: np.ndarray
    clusters: dict[str, np.ndarray] = field(default_factory=dict)  # name -> cluster id per row
    features: np.ndarray | None = None  # rows × k: feature(a) - feature(b), for style control
    feature_names: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return int(self.a.size)

    @classmethod
    def from_tuples(
        cls,
        rows: Iterable[tuple[str, str, float]],
        clusters: dict[str, list[str]] | None = None,
        *,
        also: Iterable[str] = (),
    ) -> Outcomes:
        """``(item, item, outcome)`` rows; ``also`` adds items that no row compares."""
        rows = list(rows)
        items = sorted({x for a, b, _ in rows for x in (a, b)} | set(also))
        idx = {it: i for i, it in enumerate(items)}
        out = cls(
            items,
            np.array([idx[a] for a, _, _ in rows], dtype=np.int64),
            np.array([idx[b] for _, b, _ in rows], dtype=np.int64),
            np.array([o for _, _, o in rows], dtype=float),
        )
        for name, ids in (clusters or {}).items():
            out.clusters[name] = _codes(ids)
        return out


@dataclass
class Rankings:
    """Listwise outcomes: each ranking is a list of item indices, best first."""

    items: list[str]
    rankings: list[list[int]]
    clusters: dict[str, np.ndarray] = field(default_factory=dict)


def _codes(values: list[str]) -> np.ndarray:
    _, inverse = np.unique(np.asarray(values, dtype=object).astype(str), return_inverse=True)
    return inverse.astype(np.int64)


def _style(text: str) -> np.ndarray:
    """Arena's style features: length, headers, lists, bold (counts)."""
    lines = text.splitlines()
    return np.array(
        [
            len(text),
            sum(1 for ln in lines if ln.lstrip().startswith("#")),
            sum(
                1
                for ln in lines
                if ln.lstrip()[:2] in ("- ", "* ", "+ ") or ln.lstrip()[:3].rstrip(".").isdigit()
            ),
            text.count("**") // 2 + text.count("__") // 2,
        ],
        dtype=float,
    )


STYLE_FEATURES = ["length", "headers", "lists", "bold"]


def outcomes_from_records(
    records: Iterable[Judgment] | ComparisonSet,
    *,
    by: By = "model",
    ties: Literal["half", "drop"] = "half",
    rankings: Literal["pairs", "listwise"] = "pairs",
    style: bool = False,
) -> tuple[Outcomes, Rankings | None, dict[str, int]]:
    """Outcomes (and, with ``rankings="listwise"``, the rankings kept whole) from records.

    Pairs come from :func:`prefkit.data.comparisons` (the view every capability shares); with
    ``rankings="listwise"`` records that rank their responses are kept whole for Plackett-Luce.
    Returns them with a count of what was skipped and why (no model names, ties dropped, the
    same item on both sides, identical texts). Ties are kept as 0.5 (``ties="half"``; Davidson
    / Rao-Kupper read them the same way) or dropped. Style features are the differences of
    normalized length, headers, lists and bold.
    """
    if by not in ("model", "prompt"):
        raise RankingError(f"unknown by {by!r}; expected 'model' or 'prompt'")
    if ties not in ("half", "drop"):
        raise RankingError(f"unknown ties {ties!r}; expected 'half' or 'drop'")
    lists: list[tuple[list[str], str, str]] = []
    skipped = {"no_model": 0, "no_preference": 0, "ties_dropped": 0, "same_item": 0}
    if isinstance(records, ComparisonSet):
        comps = records
    else:
        recs = list(records)
        pairwise: list[Judgment] = []
        for rec in recs:
            if rec.ranking is not None and rankings == "listwise":
                names = _names(rec, by)
                if names is None:
                    skipped["no_model"] += 1
                    continue
                pk = prompt_key(rec)
                lists.append(([names[r] for r in rec.ranking], pk, rec.annotator or UNKNOWN))
            else:
                pairwise.append(rec)
        comps = comparisons(pairwise, unit="content")
    skipped["no_preference"] += comps.skipped.get("no_preference", 0)
    skipped["identical_texts"] = comps.skipped.get("identical_texts", 0)
    rows: list[tuple[str, str, float]] = []
    prompts: list[str] = []
    annotators: list[str] = []
    feats: list[np.ndarray] = []
    for c in comps:
        if by == "model":
            if c.first_model is None or c.second_model is None:
                skipped["no_model"] += 1
                continue
            x, y = c.first_model, c.second_model
        else:
            x, y = f"{c.prompt_key[:8]}:{c.first_id}", f"{c.prompt_key[:8]}:{c.second_id}"
        if c.verdict == "tie" and ties == "drop":
            skipped["ties_dropped"] += 1
            continue
        if x == y:
            skipped["same_item"] += 1
            continue
        rows.append((x, y, 1.0 if c.verdict == "first" else 0.0 if c.verdict == "second" else 0.5))
        prompts.append(c.prompt_key)
        annotators.append(c.annotator)
        if style:
            feats.append(_style(c.first_text) - _style(c.second_text))
    clusters = {"prompt": prompts, "annotator": annotators} if rows else None
    comp = Outcomes.from_tuples(rows, clusters, also=(n for r, _, _ in lists for n in r))
    items = comp.items
    idx = {it: i for i, it in enumerate(items)}
    if style and rows:
        f = np.vstack(feats)
        sd = f.std(axis=0)
        used = sd > 0  # a feature that never differs (no lists anywhere, say) cannot be fitted
        comp.features = f[:, used] / sd[used]  # normalized differences, as Arena's style control
        comp.feature_names = [n for n, u in zip(STYLE_FEATURES, used, strict=True) if u]
    ranks = None
    if lists:
        ranks = Rankings(items, [[idx[n] for n in r] for r, _, _ in lists])
        ranks.clusters = {
            "prompt": _codes([p for _, p, _ in lists]),
            "annotator": _codes([a for _, _, a in lists]),
        }
    return comp, ranks, skipped


def _names(rec: Judgment, by: By) -> dict[str, str] | None:
    if by == "model":
        names = {r.id: r.model for r in rec.responses}
        if any(v is None for v in names.values()):
            return None
        return {k: str(v) for k, v in names.items()}
    pk = prompt_key(rec)
    return {r.id: f"{pk[:8]}:{r.id}" for r in rec.responses}
