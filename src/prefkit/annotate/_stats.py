"""Live figures for a campaign's dashboard: how far, who is unreliable, how much they agree.

Progress against the campaign's target (every unit × its overlap, gold items for everyone, the
repeats expected), what is left per annotator, the pace of the last hour and an ETA; raw and
chance-corrected agreement (Krippendorff's α on the preferred response) between annotators of
the same pair; per annotator gold accuracy, self-consistency on repeats (sides swapped),
agreement with the others' majority, leniency (ratings above or below the others') and time per
item, each flagged with its reason.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from prefkit.annotate import _schema as w
from prefkit.annotate._campaigns import Campaign
from prefkit.annotate._work import User, open_to, progress
from prefkit.data import schema as t

__all__ = ["FLAGS", "campaign_figures"]

FLAGS = {  # what flags an annotator, and how much evidence that needs
    "self_consistency": (0.6, 3),  # below 0.6 over at least 3 repeats
    "agreement": (0.5, 5),  # agrees with the others' majority on under half of 5+ pairs
    "fast_ms": (3000, 5),  # a median under 3 s per pair over 5+ judgments
    "leniency": (1.0, 5),  # rates 1+ point above or below the others on 5+ shared ratings
}


def campaign_figures(conn: Connection, camp: Campaign) -> dict[str, Any]:
    a, it, u, users, j = (
        w.assignments,
        w.campaign_items,
        w.campaign_units,
        w.users,
        t.judgments,
    )
    rows = conn.execute(
        sa.select(
            users.c.name,
            a.c.status,
            a.c.item_id,
            a.c.repeat_of,
            a.c.id,
            u.c.kind,
            it.c.answer,
            j.c.preference,
        )
        .join(users, users.c.id == a.c.user_id)
        .join(it, it.c.id == a.c.item_id)
        .join(u, u.c.id == it.c.unit_id)
        .outerjoin(j, j.c.id == a.c.judgment_id)
        .where(a.c.campaign == camp.name)
    ).all()
    per: dict[str, dict[str, Any]] = defaultdict(
        lambda: {
            "done": 0,
            "skipped": 0,
            "pending": 0,
            "gold_total": 0,
            "gold_correct": 0,
            "attention_total": 0,
            "attention_correct": 0,
            "repeats": 0,
            "consistent": 0,
        }
    )
    prefs_by_item: dict[int, dict[str, str]] = defaultdict(dict)
    by_assignment: dict[int, str | None] = {}
    for name, status, item_id, repeat_of, aid, kind, answer, pref in rows:
        p = per[name]
        p[status] += 1
        if status != "done":
            continue
        by_assignment[aid] = pref
        if kind in ("gold", "attention"):
            p[f"{kind}_total"] += 1
            p[f"{kind}_correct"] += int(pref == answer)
        elif repeat_of is None:
            prefs_by_item[item_id][name] = pref
    # everyone the campaign is open to has a row from the start, not only once they began
    for uid, name, role in conn.execute(
        sa.select(users.c.id, users.c.name, users.c.role).where(
            users.c.role == "annotator", users.c.disabled.is_(False)
        )
    ):
        if open_to(camp, User(int(uid), name, role)):
            per[name]
    for name, _status, _item, repeat_of, aid, _kind, _ans, pref in rows:
        if repeat_of is not None and aid in by_assignment and repeat_of in by_assignment:
            per[name]["repeats"] += 1
            per[name]["consistent"] += int(by_assignment[repeat_of] == pref)
    pairs = agree = 0
    for prefs in prefs_by_item.values():
        for x, y in itertools.combinations(prefs.values(), 2):
            pairs += 1
            agree += int(x == y)
    cfg = camp.config
    accounts = {
        name: User(int(uid), name, role)
        for uid, name, role in conn.execute(sa.select(users.c.id, users.c.name, users.c.role))
    }
    times: dict[str, list[float]] = defaultdict(list)
    recent: list[str] = []
    for name, ms, submitted in conn.execute(
        sa.select(j.c.annotator, j.c.duration_ms, j.c.submitted_at).where(
            j.c.campaign == camp.name, t.visible(j)
        )
    ):
        if ms is not None:
            times[str(name)].append(float(ms))
        if submitted:
            recent.append(str(submitted))
    majority_agree = _agreement_with_others(prefs_by_item)
    leniency = _leniency(conn, camp.name)
    annotators = []
    for name in sorted(per):
        p = per[name]
        gold_n = p["gold_total"] + p["attention_total"]
        gold_ok = p["gold_correct"] + p["attention_correct"]
        acc = gold_ok / gold_n if gold_n else None
        consistency = p["consistent"] / p["repeats"] if p["repeats"] else None
        with_others, shared = majority_agree.get(name, (None, 0))
        median_ms = float(np.median(times[name])) if times.get(name) else None
        reasons = []
        if acc is not None and gold_n >= cfg.gold_min and acc < cfg.gold_threshold:
            reasons.append(f"gold accuracy {acc:.0%} below {cfg.gold_threshold:.0%}")
        low, need = FLAGS["self_consistency"]
        if consistency is not None and p["repeats"] >= need and consistency < low:
            reasons.append(f"self-consistency {consistency:.0%} on {p['repeats']} repeats")
        low, need = FLAGS["agreement"]
        if with_others is not None and shared >= need and with_others < low:
            reasons.append(f"agrees with the others on {with_others:.0%} of {shared} pairs")
        fast, need = FLAGS["fast_ms"]
        if median_ms is not None and len(times[name]) >= need and median_ms < fast:
            reasons.append(f"{median_ms / 1000:.1f} s per pair (median)")
        offset, rated = leniency.get(name, (None, 0))
        far, need = FLAGS["leniency"]
        if offset is not None and rated >= need and abs(offset) >= far:
            side = "above" if offset > 0 else "below"
            reasons.append(f"rates {abs(offset):.1f} points {side} the others ({rated} ratings)")
        user = accounts.get(name)
        left = progress(conn, camp, user)["left"] if user and open_to(camp, user) else 0
        annotators.append(
            {
                "annotator": name,
                **{k: p[k] for k in ("done", "skipped", "pending")},
                "left": left,
                "gold_answered": gold_n,
                "gold_accuracy": acc,
                "repeats": p["repeats"],
                "self_consistency": consistency,
                "agreement_with_others": with_others,
                "median_seconds": None if median_ms is None else median_ms / 1000,
                "leniency": offset,
                "flagged": bool(reasons),
                "reasons": reasons,
            }
        )
    unit_rows = conn.execute(
        sa.select(u.c.id, u.c.kind, sa.func.count(it.c.id))
        .join(it, it.c.unit_id == u.c.id)
        .where(u.c.campaign == camp.name)
        .group_by(u.c.id, u.c.kind)
    ).all()
    members = max(1, len(annotators))
    work = sum(int(n) for _id, kind, n in unit_rows if kind not in ("gold", "attention"))
    gold = sum(int(n) for _id, kind, n in unit_rows if kind in ("gold", "attention"))
    base = work * cfg.overlap
    target = base + gold * members + round(cfg.repeats * base)
    done = sum(p["done"] for p in per.values())
    pace = _pace(recent)
    remaining = max(0, target - done)
    with_models = conn.execute(
        sa.select(sa.func.count())
        .select_from(it)
        .where(it.c.campaign == camp.name, it.c.a_model.is_not(None), it.c.b_model.is_not(None))
    ).scalar_one()
    return {
        "campaign": camp.name,
        "units": len(unit_rows),
        "judgments": done,
        "target": target,
        "target_parts": {"units": work, "overlap": cfg.overlap, "gold": gold,
                         "annotators": members, "repeats": round(cfg.repeats * base)},
        "remaining": remaining,
        "pace_per_hour": pace,
        "eta_hours": remaining / pace if pace else None,
        "pairs_with_two_or_more": sum(1 for v in prefs_by_item.values() if len(v) >= 2),
        "agreement": {
            "annotator_pairs": pairs,
            "agreeing": agree,
            "raw_agreement": agree / pairs if pairs else None,
            "alpha": _alpha(prefs_by_item),
        },
        "annotators": annotators,
        "leaderboard": bool(with_models),
    }  # fmt: skip


def _leniency(conn: Connection, campaign: str) -> dict[str, tuple[float | None, int]]:
    """Per annotator: how far their ratings sit from the others', and on how many ratings.

    The mean of (own rating − the others' mean) over the ratings they share with someone (the
    same pair, response and criterion).
    """
    j, rt = t.judgments, t.ratings
    cells: dict[tuple[Any, ...], dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for name, item, criterion, local, value in conn.execute(
        sa.select(j.c.annotator, j.c.item, rt.c.criterion, rt.c.local_id, rt.c.value)
        .join(rt, rt.c.judgment_id == j.c.id)
        .where(j.c.campaign == campaign, t.visible(j), j.c.item.is_not(None))
    ):
        cells[(item, criterion, local)][str(name)].append(int(value))
    diffs: dict[str, list[float]] = defaultdict(list)
    for by in cells.values():
        if len(by) < 2:
            continue
        means = {n: sum(v) / len(v) for n, v in by.items()}
        for n, m in means.items():
            others = [x for k, x in means.items() if k != n]
            diffs[n].append(m - sum(others) / len(others))
    return {n: (sum(d) / len(d), len(d)) for n, d in diffs.items()}


def _agreement_with_others(
    prefs_by_item: dict[int, dict[str, str]],
) -> dict[str, tuple[float | None, int]]:
    """Per annotator: how often their choice is the others' majority, and on how many pairs."""
    hits: dict[str, list[int]] = defaultdict(list)
    for prefs in prefs_by_item.values():
        if len(prefs) < 2:
            continue
        for name, pref in prefs.items():
            others = [v for k, v in prefs.items() if k != name]
            top = max(set(others), key=others.count)
            if others.count(top) * 2 > len(others):  # a strict majority (no tie among them)
                hits[name].append(int(pref == top))
    return {n: (sum(v) / len(v) if v else None, len(v)) for n, v in hits.items()}


def _alpha(prefs_by_item: dict[int, dict[str, str]]) -> float | None:
    """Krippendorff's α (nominal) on the preferred response, over pairs judged twice or more."""
    from prefkit.analysis import krippendorff_alpha
    from prefkit.errors import AnalysisError

    items = [p for p in prefs_by_item.values() if len(p) >= 2]
    if not items:
        return None
    names = sorted({n for p in items for n in p})
    data = [[p.get(n) for p in items] for n in names]
    try:
        value = krippendorff_alpha(data, "nominal").alpha
    except AnalysisError:
        return None
    return None if value is None or value != value else float(value)


def _pace(submitted: list[str]) -> float | None:
    """Judgments per hour over the last hour of work (since the first, if that is sooner)."""
    from datetime import UTC, datetime

    if not submitted:
        return None
    stamps = []
    for x in submitted:
        try:
            d = datetime.fromisoformat(x)
        except ValueError:
            continue
        stamps.append(d.astimezone(UTC).replace(tzinfo=None) if d.tzinfo else d)
    if not stamps:
        return None
    stamps.sort()
    last = stamps[-1]
    window = [x for x in stamps if (last - x).total_seconds() <= 3600]
    span = (last - window[0]).total_seconds()
    if len(window) < 2 or span <= 0:
        return None
    return (len(window) - 1) / span * 3600
