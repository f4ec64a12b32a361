"""What annotators do: get the next assignment, save a draft, submit, skip.

Every function takes an open connection. Writes run on the workbench's single writer (see
``_writer.py``), inside a transaction shared with other submissions; each function checks
everything that can be refused *before* it writes, so a refusal never leaves half a change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.engine import Connection

from prefkit._json import loads
from prefkit.annotate._campaigns import GOLD_KINDS, Campaign
from prefkit.data import Judgment, Store, judgment_from_dict
from prefkit.data import schema as t
from prefkit.errors import PrefkitError

__all__ = [
    "Submission",
    "User",
    "WorkError",
    "progress",
    "save_draft",
    "serve",
    "skip",
    "submit",
]

DRAFT_MAX_CHARS = 20_000


class WorkError(PrefkitError):
    """A request the workbench refuses: an HTTP status and a message that says what to do."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class Submission(BaseModel):
    """One judgment as the annotator gives it. ``left``/``right`` are the sides shown."""

    model_config = ConfigDict(extra="forbid")
    key: str = Field(
        min_length=8,
        max_length=100,
        pattern=r"^[A-Za-z0-9_.:-]+$",
        description="Idempotency key made by the client: a retry with it stores nothing new.",
    )
    preference: Literal["left", "right", "tie"]
    strength: int | None = Field(default=None, ge=1, le=3)
    ratings: dict[str, dict[Literal["left", "right"], int]] = Field(
        description="criterion -> {left: 1-5, right: 1-5}"
    )
    rationale: str = Field(default="", max_length=10_000)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


# ------------------------------------------------------------------------------------ reading


def _member(conn: Connection, camp: Campaign, user: User) -> tuple[int, int]:
    m = t.campaign_members
    row = conn.execute(
        sa.select(m.c.cursor, m.c.next_seq).where(m.c.campaign == camp.name, m.c.user_id == user.id)
    ).first()
    if row is None:
        conn.execute(m.insert().values(campaign=camp.name, user_id=user.id, cursor=0, next_seq=0))
        return 0, 0
    return int(row.cursor), int(row.next_seq)


def _done_count(conn: Connection, camp: Campaign, user: User) -> int:
    a = t.assignments
    return int(
        conn.execute(
            sa.select(sa.func.count()).where(
                a.c.campaign == camp.name, a.c.user_id == user.id, a.c.status == "done"
            )
        ).scalar_one()
    )


def _pending(conn: Connection, camp: Campaign, user: User, *, any_repeat: bool) -> Any:
    """The assignment to show now: a due repeat first, then the oldest pending one."""
    a = t.assignments
    base = sa.select(a).where(
        a.c.campaign == camp.name, a.c.user_id == user.id, a.c.status == "pending"
    )
    done = _done_count(conn, camp, user)
    due = conn.execute(
        base.where(a.c.repeat_of.is_not(None), *(() if any_repeat else (a.c.due_after <= done,)))
        .order_by(a.c.seq)
        .limit(1)
    ).first()
    if due is not None:
        return due
    return conn.execute(base.where(a.c.repeat_of.is_(None)).order_by(a.c.seq).limit(1)).first()


def current(conn: Connection, camp: Campaign, user: User) -> Any:
    """The pending assignment to show, without claiming new work (read-only)."""
    row = _pending(conn, camp, user, any_repeat=False)
    return row


def _allowed(camp: Campaign, user: User) -> None:
    names = camp.config.annotators
    if names is not None and user.name not in names and not user.is_admin:
        raise WorkError(404, f"campaign {camp.name!r} is not open to {user.name!r}")


def serve(conn: Connection, camp: Campaign, user: User) -> Any:
    """The assignment to show now, claiming the next unit when nothing is pending (writes)."""
    _allowed(camp, user)
    row = _pending(conn, camp, user, any_repeat=False)
    if row is None:
        row = _claim(conn, camp, user)
    if row is None:  # nothing new left: outstanding repeats come now
        row = _pending(conn, camp, user, any_repeat=True)
    if row is not None and row.started_at is None:
        started = _now()
        conn.execute(
            t.assignments.update().where(t.assignments.c.id == row.id).values(started_at=started)
        )
        row = conn.execute(sa.select(t.assignments).where(t.assignments.c.id == row.id)).one()
    return row


def _claim(conn: Connection, camp: Campaign, user: User) -> Any:
    cursor, seq = _member(conn, camp, user)
    order = camp.order_for(user.name)
    u, a, it = t.campaign_units, t.assignments, t.campaign_items
    overlap = camp.config.overlap
    pos = cursor
    claimed_unit = None
    while pos < len(order):
        unit = order[pos]
        pos += 1
        if camp.unit_kind[unit] in GOLD_KINDS:
            claimed_unit = unit
            break
        res = conn.execute(
            u.update().where(u.c.id == unit, u.c.claimed < overlap).values(claimed=u.c.claimed + 1)
        )
        if res.rowcount == 1:
            claimed_unit = unit
            break
    values = {"cursor": pos}
    first = None
    if claimed_unit is not None:
        rows = []
        for item_id in camp.unit_items[claimed_unit]:
            rows.append((item_id, seq))
            seq += 1
        sides = dict(
            conn.execute(
                sa.select(it.c.id, it.c.a_id).where(it.c.id.in_([r[0] for r in rows]))
            ).all()
        )
        others = dict(
            conn.execute(
                sa.select(it.c.id, it.c.b_id).where(it.c.id.in_([r[0] for r in rows]))
            ).all()
        )
        for item_id, s in rows:
            left = sides[item_id] if camp.left_first(user.name, item_id) else others[item_id]
            conn.execute(
                a.insert().values(
                    campaign=camp.name,
                    user_id=user.id,
                    item_id=item_id,
                    seq=s,
                    left_id=left,
                    status="pending",
                )
            )
        values["next_seq"] = seq
        first = True
    m = t.campaign_members
    conn.execute(
        m.update().where(m.c.campaign == camp.name, m.c.user_id == user.id).values(**values)
    )
    if first is None:
        return None
    return _pending(conn, camp, user, any_repeat=False)


def assignment_view(conn: Connection, camp: Campaign, row: Any) -> dict[str, Any]:
    """What the annotator sees: the prompt and the two responses as left/right, nothing else."""
    it = t.campaign_items
    item = conn.execute(sa.select(it).where(it.c.id == row.item_id)).one()
    prompt = conn.execute(
        sa.select(t.prompts.c.content).where(t.prompts.c.hash == item.prompt_hash)
    ).scalar_one()
    # the JSON column type has decoded it already: a string or a list of messages
    texts = dict(
        conn.execute(
            sa.select(t.responses.c.hash, t.responses.c.text).where(
                t.responses.c.hash.in_([item.a_hash, item.b_hash])
            )
        ).all()
    )
    a_text, b_text = texts[item.a_hash], texts[item.b_hash]
    left, right = (a_text, b_text) if row.left_id == item.a_id else (b_text, a_text)
    draft = row.draft
    if isinstance(draft, str):
        draft = loads(draft)
    cfg = camp.config
    return {
        "id": row.id,
        "campaign": camp.name,
        "seq": row.seq,
        "prompt": prompt,
        "left": left,
        "right": right,
        "criteria": [c.model_dump(mode="json") for c in cfg.criteria],
        "allow_ties": cfg.allow_ties,
        "ask_strength": cfg.ask_strength,
        "min_rationale_chars": cfg.min_rationale_chars,
        "draft": draft,
    }


def progress(conn: Connection, camp: Campaign, user: User) -> dict[str, int]:
    """Done, skipped and pending assignments, and how many units are still open to this user."""
    a = t.assignments
    counts = dict(
        conn.execute(
            sa.select(a.c.status, sa.func.count())
            .where(a.c.campaign == camp.name, a.c.user_id == user.id)
            .group_by(a.c.status)
        ).all()
    )
    cursor, _ = conn.execute(
        sa.select(t.campaign_members.c.cursor, t.campaign_members.c.next_seq).where(
            t.campaign_members.c.campaign == camp.name,
            t.campaign_members.c.user_id == user.id,
        )
    ).first() or (0, 0)
    order = camp.order_for(user.name)[cursor:]
    claimed = dict(
        conn.execute(
            sa.select(t.campaign_units.c.id, t.campaign_units.c.claimed).where(
                t.campaign_units.c.campaign == camp.name
            )
        ).all()
    )
    open_items = sum(
        len(camp.unit_items[u])
        for u in order
        if camp.unit_kind[u] in GOLD_KINDS or claimed.get(u, 0) < camp.config.overlap
    )
    done = int(counts.get("done", 0))
    skipped = int(counts.get("skipped", 0))
    pending = int(counts.get("pending", 0))
    return {
        "done": done,
        "skipped": skipped,
        "pending": pending,
        "open": open_items,
        "total": done + skipped + pending + open_items,
    }


# ------------------------------------------------------------------------------------ writing


def _own(conn: Connection, user: User, assignment_id: int) -> Any:
    a = t.assignments
    row = conn.execute(sa.select(a).where(a.c.id == assignment_id)).first()
    if row is None or row.user_id != user.id:
        # The same answer whether it does not exist or belongs to someone else: no probing.
        raise WorkError(404, f"assignment {assignment_id} is not one of yours")
    return row


def save_draft(conn: Connection, user: User, assignment_id: int, draft: dict[str, Any]) -> None:
    row = _own(conn, user, assignment_id)
    if row.status != "pending":
        raise WorkError(
            409, f"assignment {assignment_id} is {row.status}; drafts are for open work"
        )
    a = t.assignments
    conn.execute(a.update().where(a.c.id == assignment_id).values(draft=draft))


def skip(conn: Connection, camp: Campaign, user: User, assignment_id: int, reason: str) -> None:
    row = _own(conn, user, assignment_id)
    reason = reason.strip()
    if not reason:
        raise WorkError(422, "say why you skip (a few words), e.g. 'I cannot judge code'")
    if row.status != "pending":
        raise WorkError(409, f"assignment {assignment_id} is {row.status} already")
    a, it, u = t.assignments, t.campaign_items, t.campaign_units
    conn.execute(
        a.update()
        .where(a.c.id == assignment_id)
        .values(status="skipped", skip_reason=reason[:500], draft=None)
    )
    unit = conn.execute(sa.select(it.c.unit_id).where(it.c.id == row.item_id)).scalar_one()
    if row.repeat_of is None and camp.unit_kind[unit] == "pair":
        # Let another annotator take the pair instead.
        conn.execute(u.update().where(u.c.id == unit).values(claimed=u.c.claimed - 1))


@dataclass(frozen=True)
class Submitted:
    judgment_id: str
    duplicate: bool


def submit(
    conn: Connection, store: Store, camp: Campaign, user: User, assignment_id: int, sub: Submission
) -> Submitted:
    """Store one judgment for an assignment, exactly once per idempotency key."""
    row = _own(conn, user, assignment_id)
    if row.status == "done":
        if row.submit_key == sub.key:
            return Submitted(row.judgment_id, True)
        raise WorkError(409, f"assignment {assignment_id} was submitted already (another key)")
    if row.status != "pending":
        raise WorkError(409, f"assignment {assignment_id} is {row.status}; it takes no judgment")
    it = t.campaign_items
    item = conn.execute(sa.select(it).where(it.c.id == row.item_id)).one()
    rec = _record(conn, camp, user, row, item, sub)
    a = t.assignments
    res = conn.execute(
        a.update()
        .where(a.c.id == assignment_id, a.c.status == "pending")
        .values(status="done", submit_key=sub.key, judgment_id=rec.id, draft=None)
    )
    if res.rowcount != 1:  # another process got there first; the caller retries
        raise WorkError(409, f"assignment {assignment_id} changed meanwhile; send it again")
    store.insert_new(conn, [rec])
    unit_kind = camp.unit_kind[
        conn.execute(sa.select(it.c.unit_id).where(it.c.id == row.item_id)).scalar_one()
    ]
    if (
        row.repeat_of is None
        and unit_kind not in GOLD_KINDS
        and camp.repeat_drawn(user.name, item.id)
    ):
        _, seq = _member(conn, camp, user)
        right = item.b_id if row.left_id == item.a_id else item.a_id
        conn.execute(
            a.insert().values(
                campaign=camp.name,
                user_id=user.id,
                item_id=item.id,
                seq=seq,
                repeat_of=row.id,
                due_after=_done_count(conn, camp, user) + camp.config.repeat_gap,
                left_id=right,  # sides swapped
                status="pending",
            )
        )
        m = t.campaign_members
        conn.execute(
            m.update()
            .where(m.c.campaign == camp.name, m.c.user_id == user.id)
            .values(next_seq=seq + 1)
        )
    return Submitted(str(rec.id), False)


def check_submission(camp: Campaign, sub: Submission) -> None:
    """Refuse what the campaign does not allow, with a message per problem (422)."""
    cfg = camp.config
    problems = []
    names = [c.name for c in cfg.criteria]
    missing = [n for n in names if set(sub.ratings.get(n, {})) != {"left", "right"}]
    if missing:
        problems.append(f"rate both responses on {missing} (1-5 each)")
    extra = sorted(set(sub.ratings) - set(names))
    if extra:
        problems.append(f"unknown criteria {extra}; this campaign asks for {names}")
    for crit, by_side in sub.ratings.items():
        for side, value in by_side.items():
            if not 1 <= value <= 5:
                problems.append(f"{crit}.{side}: rating {value} is outside 1-5")
    if sub.preference == "tie" and not cfg.allow_ties:
        problems.append("this campaign does not allow ties; pick left or right")
    if cfg.ask_strength and sub.preference != "tie" and sub.strength is None:
        problems.append("say how much better (strength 1-3)")
    if not cfg.ask_strength and sub.strength is not None:
        problems.append("this campaign does not ask for a strength; leave it out")
    if sub.preference == "tie" and sub.strength is not None:
        problems.append("a tie has no strength")
    if len(sub.rationale.strip()) < cfg.min_rationale_chars:
        problems.append(
            f"the rationale needs at least {cfg.min_rationale_chars} characters (2-3 sentences); "
            f"it has {len(sub.rationale.strip())}"
        )
    if problems:
        raise WorkError(422, "; ".join(problems))


def _record(
    conn: Connection, camp: Campaign, user: User, row: Any, item: Any, sub: Submission
) -> Judgment:
    check_submission(camp, sub)
    prompt = conn.execute(
        sa.select(t.prompts.c.content).where(t.prompts.c.hash == item.prompt_hash)
    ).scalar_one()
    # the JSON column type has decoded it already: a string or a list of messages
    texts = dict(
        conn.execute(
            sa.select(t.responses.c.hash, t.responses.c.text).where(
                t.responses.c.hash.in_([item.a_hash, item.b_hash])
            )
        ).all()
    )
    left = row.left_id
    right = item.b_id if left == item.a_id else item.a_id
    side = {"left": left, "right": right}
    submitted = _now()
    started = row.started_at or submitted
    duration = max(
        0,
        int(
            (datetime.fromisoformat(submitted) - datetime.fromisoformat(started)).total_seconds()
            * 1000
        ),
    )
    unit_kind = camp.unit_kind[
        conn.execute(
            sa.select(t.campaign_items.c.unit_id).where(t.campaign_items.c.id == item.id)
        ).scalar_one()
    ]
    meta: dict[str, Any] = {
        "campaign": camp.name,
        "assignment": row.id,
        "item": item.id,
        "unit_kind": unit_kind,
    }
    if item.source_judgment is not None:
        meta["source_judgment"] = item.source_judgment
    if row.repeat_of is not None:
        orig = conn.execute(
            sa.select(t.assignments.c.judgment_id).where(t.assignments.c.id == row.repeat_of)
        ).scalar_one()
        meta["repeat_of"] = orig
    return judgment_from_dict(
        {
            "id": f"{camp.name}-a{row.id}",
            "prompt": prompt,
            "responses": [
                {"id": item.a_id, "text": texts[item.a_hash], "model": item.a_model},
                {"id": item.b_id, "text": texts[item.b_hash], "model": item.b_model},
            ],
            "preference": "tie" if sub.preference == "tie" else side[sub.preference],
            "ranking": None,
            "strength": sub.strength,
            "ratings": {
                c.name: {
                    side["left"]: sub.ratings[c.name]["left"],
                    side["right"]: sub.ratings[c.name]["right"],
                }
                for c in camp.config.criteria
            },
            "rationale": sub.rationale.strip(),
            "annotator": user.name,
            "shown": [left, right],
            "source": "human",
            "metadata": meta,
            "timings": {"started_at": started, "submitted_at": submitted, "duration_ms": duration},
        }
    )
