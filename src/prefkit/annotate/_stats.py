"""Live figures for the admin pages: progress per annotator, agreement, consistency, gold.

Simple counts until ``prefkit.analysis`` exists: raw agreement on the preferred response between
annotators of the same pair, self-consistency on repeats (sides swapped), gold accuracy.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from prefkit.annotate import _schema as w
from prefkit.annotate._campaigns import Campaign
from prefkit.annotate._work import User, open_to
from prefkit.data import schema as t

__all__ = ["campaign_figures"]


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
    annotators = []
    for name in sorted(per):
        p = per[name]
        gold_n = p["gold_total"] + p["attention_total"]
        gold_ok = p["gold_correct"] + p["attention_correct"]
        acc = gold_ok / gold_n if gold_n else None
        annotators.append(
            {
                "annotator": name,
                **{k: p[k] for k in ("done", "skipped", "pending")},
                "gold_answered": gold_n,
                "gold_accuracy": acc,
                "repeats": p["repeats"],
                "self_consistency": p["consistent"] / p["repeats"] if p["repeats"] else None,
                "flagged": bool(
                    acc is not None and gold_n >= cfg.gold_min and acc < cfg.gold_threshold
                ),
            }
        )
    units = conn.execute(
        sa.select(sa.func.count(), sa.func.sum(u.c.claimed)).where(u.c.campaign == camp.name)
    ).one()
    return {
        "campaign": camp.name,
        "units": int(units[0]),
        "judgments": sum(p["done"] for p in per.values()),
        "pairs_with_two_or_more": sum(1 for v in prefs_by_item.values() if len(v) >= 2),
        "agreement": {
            "annotator_pairs": pairs,
            "agreeing": agree,
            "raw_agreement": agree / pairs if pairs else None,
        },
        "annotators": annotators,
    }
