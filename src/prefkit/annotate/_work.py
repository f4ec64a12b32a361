"""What annotators do: get the next assignment, save a draft, submit, skip.

Every function takes an open connection. Writes run on the workbench's single writer (see
``_writer.py``), inside a transaction shared with other submissions; each function checks
everything that can be refused *before* it writes, so a refusal never leaves half a change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator
from sqlalchemy.engine import Connection

from prefkit.annotate._campaigns import GOLD_KINDS, Campaign, Item
from prefkit.annotate._sql import Raw
from prefkit.data import Judgment, Transaction, judgment_from_dict, storable_text_problem
from prefkit.errors import WorkError

__all__ = [
    "Submission",
    "User",
    "WorkError",
    "open_assignment",
    "open_to",
    "progress",
    "save_draft",
    "serve",
    "skip",
    "submit",
]

DRAFT_MAX_CHARS = 20_000
_ASSIGNMENT_COLS = (
    "id, campaign, user_id, item_id, seq, repeat_of, due_after, left_id, status, draft, "
    "submit_key, judgment_id, started_at"
)


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass
class Row:
    """One assignment row."""

    id: int
    campaign: str
    user_id: int
    item_id: int
    seq: int
    repeat_of: int | None
    due_after: int | None
    left_id: str
    status: str
    draft: Any
    submit_key: str | None
    judgment_id: str | None
    started_at: str | None


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
    strength: StrictInt | None = Field(default=None, ge=1, le=3)
    ratings: dict[str, dict[Literal["left", "right"], StrictInt]] = Field(
        description="criterion -> {left: 1-5, right: 1-5}; integers (not strings)"
    )
    rationale: str = Field(default="", max_length=10_000)

    @field_validator("rationale")
    @classmethod
    def _storable(cls, value: str) -> str:
        problem = storable_text_problem(value, "rationale")
        if problem:
            raise ValueError(problem)
        return value


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _row(raw: Raw, values: Any) -> Row | None:
    if values is None:
        return None
    r = Row(*values)
    r.draft = raw.json_out(r.draft)
    return r


# ------------------------------------------------------------------------------------ reading


def _member(raw: Raw, camp: Campaign, user: User) -> tuple[int, int, int]:
    """(cursor, next_seq, done) of the user in the campaign; the row is made on first use."""
    row = raw.one(
        "SELECT cursor, next_seq, done FROM campaign_members WHERE campaign = ? AND user_id = ?",
        (camp.name, user.id),
    )
    if row is None:
        raw.run(
            "INSERT INTO campaign_members (campaign, user_id, cursor, next_seq, done) "
            "VALUES (?, ?, 0, 0, 0)",
            (camp.name, user.id),
        )
        # Judgments name their annotator; make sure that row exists before any is written.
        raw.run(
            "INSERT INTO annotators (name, kind) VALUES (?, 'human') ON CONFLICT DO NOTHING",
            (user.name,),
        )
        return 0, 0, 0
    return int(row[0]), int(row[1]), int(row[2])


def _pending(raw: Raw, camp: Campaign, user: User, done: int, *, any_repeat: bool) -> Row | None:
    """The assignment to show now: a due repeat first, then the oldest pending one."""
    rows = raw.all(
        f"SELECT {_ASSIGNMENT_COLS} FROM assignments "
        "WHERE campaign = ? AND user_id = ? AND status = 'pending' ORDER BY seq",
        (camp.name, user.id),
    )
    first = None
    for values in rows:
        repeat_of, due_after = values[5], values[6]
        if repeat_of is not None:
            if any_repeat or (due_after is not None and due_after <= done):
                return _row(raw, values)
        elif first is None:
            first = values
    return _row(raw, first)


def open_to(camp: Campaign, user: User) -> bool:
    """Whether ``user`` may work on ``camp``: crowd workers only on their study's campaigns."""
    if user.role == "crowd":
        crowd = camp.config.crowd
        return crowd is not None and user.name.startswith(crowd.platform + ":")
    names = camp.config.annotators
    return names is None or user.name in names or user.is_admin


def _allowed(camp: Campaign, user: User) -> None:
    if not open_to(camp, user):
        raise WorkError(404, f"campaign {camp.name!r} is not open to {user.name!r}")


def _units_left(raw: Raw, camp: Campaign, user: User) -> int | None:
    """Units a crowd worker may still claim under the study link's quota (None: no quota)."""
    crowd = camp.config.crowd
    if user.role != "crowd" or crowd is None or crowd.units is None:
        return None
    (claimed,) = raw.one(
        "SELECT COUNT(DISTINCT ci.unit_id) FROM assignments a "
        "JOIN campaign_items ci ON ci.id = a.item_id "
        "WHERE a.campaign = ? AND a.user_id = ? AND a.repeat_of IS NULL",
        (camp.name, user.id),
    )
    return max(0, crowd.units - int(claimed))


def serve(conn: Connection, camp: Campaign, user: User) -> Row | None:
    """The assignment to show now, claiming the next unit when nothing is pending (writes)."""
    _allowed(camp, user)
    raw = Raw(conn)
    cursor, seq, done = _member(raw, camp, user)
    row = _pending(raw, camp, user, done, any_repeat=False)
    if row is None and _units_left(raw, camp, user) != 0:
        row = _claim(raw, conn, camp, user, cursor, seq)
    if row is None:  # nothing new left: outstanding repeats come now
        row = _pending(raw, camp, user, done, any_repeat=True)
    if row is not None and row.started_at is None:
        row.started_at = _now()
        raw.run("UPDATE assignments SET started_at = ? WHERE id = ?", (row.started_at, row.id))
    return row


def _claim(
    raw: Raw, conn: Connection, camp: Campaign, user: User, cursor: int, seq: int
) -> Row | None:
    order = camp.order_for(user.name)
    overlap = camp.config.overlap
    pos = cursor
    claimed_unit = None
    while pos < len(order):
        unit = order[pos]
        pos += 1
        if camp.unit_kind[unit] in GOLD_KINDS:
            claimed_unit = unit
            break
        if raw.count(
            "UPDATE campaign_units SET claimed = claimed + 1 WHERE id = ? AND claimed < ?",
            (unit, overlap),
        ):
            claimed_unit = unit
            break
    first: Row | None = None
    if claimed_unit is not None:
        for item_id in camp.unit_items[claimed_unit]:
            item = camp.item(conn, item_id)
            left = item.a_id if camp.left_first(user.name, item_id) else item.b_id
            new_id = raw.one(
                "INSERT INTO assignments (campaign, user_id, item_id, seq, left_id, status) "
                "VALUES (?, ?, ?, ?, ?, 'pending') RETURNING id",
                (camp.name, user.id, item_id, seq, left),
            )[0]
            if first is None:
                first = Row(
                    int(new_id),
                    camp.name,
                    user.id,
                    item_id,
                    seq,
                    None,
                    None,
                    left,
                    "pending",
                    None,
                    None,
                    None,
                    None,
                )
            seq += 1
    raw.run(
        "UPDATE campaign_members SET cursor = ?, next_seq = ? WHERE campaign = ? AND user_id = ?",
        (pos, seq, camp.name, user.id),
    )
    return first


def assignment_view(conn: Connection, camp: Campaign, row: Row) -> dict[str, Any]:
    """What the annotator sees: the prompt and the two responses as left/right, nothing else."""
    item = camp.item(conn, row.item_id)
    left, right = (
        (item.a_text, item.b_text) if row.left_id == item.a_id else (item.b_text, item.a_text)
    )
    cfg = camp.config
    return {
        "id": row.id,
        "campaign": camp.name,
        "seq": row.seq,
        "prompt": item.prompt,
        "left": left,
        "right": right,
        "criteria": camp.criteria_json,
        "allow_ties": cfg.allow_ties,
        "ask_strength": cfg.ask_strength,
        "min_rationale_chars": cfg.min_rationale_chars,
        "draft": row.draft if isinstance(row.draft, dict) else None,
    }


def progress(conn: Connection, camp: Campaign, user: User) -> dict[str, int]:
    """Done, skipped and pending assignments, what is still open to this user, and the total.

    The total counts the repeats still to come (whether an item is repeated is drawn from a
    seed when the campaign is made), so it does not grow as they are added; ``left`` is what
    remains. A crowd worker's open work stops at the study link's units.
    """
    _allowed(camp, user)  # a campaign one is not in answers 404, like its assignments
    raw = Raw(conn)
    counts = dict(
        raw.all(
            "SELECT status, COUNT(*) FROM assignments WHERE campaign = ? AND user_id = ? "
            "GROUP BY status",
            (camp.name, user.id),
        )
    )
    member = raw.one(
        "SELECT cursor FROM campaign_members WHERE campaign = ? AND user_id = ?",
        (camp.name, user.id),
    )
    cursor = int(member[0]) if member else 0
    claimed = dict(
        raw.all("SELECT id, claimed FROM campaign_units WHERE campaign = ?", (camp.name,))
    )
    units = [
        u
        for u in camp.order_for(user.name)[cursor:]
        if camp.unit_kind[u] in GOLD_KINDS or claimed.get(u, 0) < camp.config.overlap
    ]
    quota = _units_left(raw, camp, user)
    if quota is not None:
        units = units[:quota]
    open_ids = [i for u in units for i in camp.unit_items[u] if camp.unit_kind[u] not in GOLD_KINDS]
    open_items = sum(len(camp.unit_items[u]) for u in units)
    waiting = [  # claimed originals not yet judged: their repeat comes when they are submitted
        int(r[0])
        for r in raw.all(
            "SELECT a.item_id FROM assignments a JOIN campaign_items ci ON ci.id = a.item_id "
            "JOIN campaign_units cu ON cu.id = ci.unit_id "
            "WHERE a.campaign = ? AND a.user_id = ? AND a.status = 'pending' "
            "AND a.repeat_of IS NULL AND cu.kind NOT IN ('gold', 'attention')",
            (camp.name, user.id),
        )
    ]
    repeated = camp.repeated_items(user.name)
    planned = sum(1 for i in (*open_ids, *waiting) if i in repeated)
    done = int(counts.get("done", 0))
    skipped = int(counts.get("skipped", 0))
    pending = int(counts.get("pending", 0))
    left = pending + open_items + planned
    return {
        "done": done,
        "skipped": skipped,
        "pending": pending,
        "open": open_items,
        "repeats_planned": planned,
        "left": left,
        "total": done + skipped + left,
    }


# ------------------------------------------------------------------------------------ writing


def _own(raw: Raw, user: User, assignment_id: int, campaign: str | None = None) -> Row:
    """The user's assignment (in ``campaign`` if given); 404 for anything else."""
    row = _row(
        raw, raw.one(f"SELECT {_ASSIGNMENT_COLS} FROM assignments WHERE id = ?", (assignment_id,))
    )
    if row is None or row.user_id != user.id or campaign not in (None, row.campaign):
        # The same answer whether it does not exist or belongs to someone else: no probing.
        raise WorkError(404, f"assignment {assignment_id} is not one of yours")
    return row


def open_assignment(conn: Connection, user: User, assignment_id: int, campaign: str) -> Row:
    """The user's pending assignment in ``campaign`` (404 if not theirs, 409 if not open)."""
    row = _own(Raw(conn), user, assignment_id, campaign)
    if row.status != "pending":
        raise WorkError(409, f"assignment {assignment_id} is {row.status} already")
    return row


def campaign_of(conn: Connection, user: User, assignment_id: int) -> str:
    return _own(Raw(conn), user, assignment_id).campaign


def save_draft(conn: Connection, user: User, assignment_id: int, draft: dict[str, Any]) -> None:
    problem = storable_text_problem(draft, "draft")
    if problem:
        raise WorkError(422, problem)
    raw = Raw(conn)
    row = _own(raw, user, assignment_id)
    if row.status != "pending":
        raise WorkError(
            409, f"assignment {assignment_id} is {row.status}; drafts are for open work"
        )
    # the last edit wins: a save that arrives after a newer one (a page's save on leaving,
    # racing the next page's) is dropped; drafts without ``edited_at`` keep arrival order
    old = row.draft if isinstance(row.draft, dict) else {}
    new_at, old_at = draft.get("edited_at"), old.get("edited_at")
    if (
        isinstance(new_at, int | float)
        and isinstance(old_at, int | float)
        and not isinstance(new_at, bool)
        and new_at < old_at
    ):
        return
    raw.run("UPDATE assignments SET draft = ? WHERE id = ?", (raw.json_in(draft), assignment_id))


def skip(conn: Connection, camp: Campaign, user: User, assignment_id: int, reason: str) -> None:
    raw = Raw(conn)
    row = _own(raw, user, assignment_id, camp.name)
    reason = reason.strip()
    if not reason:
        raise WorkError(422, "say why you skip (a few words), e.g. 'I cannot judge code'")
    if row.status != "pending":
        raise WorkError(409, f"assignment {assignment_id} is {row.status} already")
    raw.run(
        "UPDATE assignments SET status = 'skipped', skip_reason = ?, draft = NULL WHERE id = ?",
        (reason[:500], assignment_id),
    )
    item = camp.item(conn, row.item_id)
    if row.repeat_of is None and item.unit_kind == "pair":
        # Let another annotator take the pair instead.
        raw.run("UPDATE campaign_units SET claimed = claimed - 1 WHERE id = ?", (item.unit_id,))


@dataclass(frozen=True)
class Submitted:
    judgment_id: str
    duplicate: bool


def submit(
    tx: Transaction, camp: Campaign, user: User, assignment_id: int, sub: Submission
) -> Submitted:
    """Store one judgment for an assignment, exactly once per idempotency key."""
    conn = tx.connection
    raw = Raw(conn)
    row = _own(raw, user, assignment_id, camp.name)
    if row.status == "done":
        if row.submit_key == sub.key:
            return Submitted(str(row.judgment_id), True)
        raise WorkError(409, f"assignment {assignment_id} was submitted already (another key)")
    if row.status != "pending":
        raise WorkError(409, f"assignment {assignment_id} is {row.status}; it takes no judgment")
    item = camp.item(conn, row.item_id)
    orig = None
    if row.repeat_of is not None:
        orig = raw.one("SELECT judgment_id FROM assignments WHERE id = ?", (row.repeat_of,))[0]
    rec = _record(camp, user, row, item, sub, orig)
    changed = raw.count(
        "UPDATE assignments SET status = 'done', submit_key = ?, judgment_id = ?, draft = NULL "
        "WHERE id = ? AND status = 'pending'",
        (sub.key, rec.id, assignment_id),
    )
    if changed != 1:  # another process got there first; the caller retries
        raise WorkError(409, f"assignment {assignment_id} changed meanwhile; send it again")
    tx.add_new([rec], parents=False)
    raw.run(
        "UPDATE campaign_members SET done = done + 1 WHERE campaign = ? AND user_id = ?",
        (camp.name, user.id),
    )
    if (
        row.repeat_of is None
        and item.unit_kind not in GOLD_KINDS
        and camp.repeat_drawn(user.name, item.id)
    ):
        _cursor, seq, done = _member(raw, camp, user)
        right = item.b_id if row.left_id == item.a_id else item.a_id
        raw.run(
            "INSERT INTO assignments (campaign, user_id, item_id, seq, repeat_of, due_after, "
            "left_id, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')",
            (camp.name, user.id, item.id, seq, row.id, done + camp.config.repeat_gap, right),
        )  # sides swapped
        raw.run(
            "UPDATE campaign_members SET next_seq = ? WHERE campaign = ? AND user_id = ?",
            (seq + 1, camp.name, user.id),
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
    camp: Campaign, user: User, row: Row, item: Item, sub: Submission, repeat_of: str | None
) -> Judgment:
    check_submission(camp, sub)
    left = row.left_id
    right = item.b_id if left == item.a_id else item.a_id
    side = {"left": left, "right": right}
    submitted = _now()
    started = row.started_at or submitted
    ms = (datetime.fromisoformat(submitted) - datetime.fromisoformat(started)).total_seconds()
    meta: dict[str, Any] = {
        "campaign": camp.name,
        "assignment": row.id,
        "item": item.id,
        "unit_kind": item.unit_kind,
    }
    if item.source_judgment is not None:
        meta["source_judgment"] = item.source_judgment
    if repeat_of is not None:
        meta["repeat_of"] = repeat_of
    if user.role == "crowd" and camp.config.crowd is not None:
        meta["platform"] = camp.config.crowd.platform
        meta["worker_id"] = user.name.split(":", 1)[1]
    return judgment_from_dict(
        {
            "id": f"{camp.name}-a{row.id}",
            # the annotation unit: every annotator's judgment of this pair, repeats included
            "item": f"{camp.name}:{item.id}",
            "prompt": item.prompt,
            "responses": [
                {"id": item.a_id, "text": item.a_text, "model": item.a_model},
                {"id": item.b_id, "text": item.b_text, "model": item.b_model},
            ],
            "preference": "tie" if sub.preference == "tie" else side[sub.preference],
            "ranking": None,
            "strength": sub.strength,
            "ratings": {
                c.name: {left: sub.ratings[c.name]["left"], right: sub.ratings[c.name]["right"]}
                for c in camp.config.criteria
            },
            "rationale": sub.rationale.strip(),
            "annotator": user.name,
            "shown": [left, right],
            "source": "human",
            "metadata": meta,
            "timings": {
                "started_at": started,
                "submitted_at": submitted,
                "duration_ms": max(0, int(ms * 1000)),
            },
        }
    )
