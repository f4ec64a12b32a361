"""Accounts, invitations, API tokens, sessions and CSRF for the workbench.

Three kinds of secret, each a 256-bit random string (``secrets.token_urlsafe(32)``) of which the
database keeps only the SHA-256 (a slow password hash protects low-entropy human passwords; for
random tokens SHA-256 is as strong and costs microseconds per request):

- an **invitation** (``/invite/<token>``) signs in once, within ``INVITE_DAYS`` days; it is not
  an API credential. A person on a second device asks for a new one.
- a **session** is a cookie (HttpOnly, SameSite=Lax, 14 days, 12 hours idle) with a CSRF token
  of its own, which every state-changing request that relies on the cookie must echo (form
  field ``csrf`` or header ``X-CSRF-Token``).
- an **API token** (``prefkit_…``, from ``prefkit user api-token add`` or ``POST /api/tokens``)
  is for scripts: ``Authorization: Bearer <token>``, no CSRF token (a browser never adds that
  header on its own); valid until revoked or its own expiry.

Revocation holds on the very next request: every lookup goes to the database (no cache; a
primary-key lookup costs tens of microseconds), a disabled account is refused, and a session
created before the user's last credential change (``users.credentials_at``: a new invitation,
disabling, signing out everywhere) is refused, as Django and DRF do (OWASP ASVS V3.3).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import re
import secrets
import threading
import time
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from prefkit.annotate import _schema as w
from prefkit.annotate._work import User, WorkError
from prefkit.errors import InvitationError, PrefkitError

__all__ = [
    "API_TOKEN_PREFIX",
    "CROWD_ROLE",
    "INVITE_DAYS",
    "ROLES",
    "SESSION_DAYS",
    "SESSION_IDLE_HOURS",
    "ApiToken",
    "InvitationError",
    "Session",
    "create_api_token",
    "create_user",
    "crowd_user",
    "find_user",
    "has_admin",
    "invitation_user",
    "list_api_tokens",
    "list_users",
    "new_token",
    "redeem_invitation",
    "reset_token",
    "revoke_api_tokens",
    "set_disabled",
    "sign_out_everywhere",
    "token_hash",
]

ROLES = ("admin", "annotator")
CROWD_ROLE = "crowd"  # crowd workers: made by a campaign's study link, never by hand
SESSION_DAYS = 14
SESSION_IDLE_HOURS = 12  # a session unused this long is refused (sign in again)
INVITE_DAYS = 7  # an invitation not used within this many days expires
API_TOKEN_PREFIX = "prefkit_"  # recognisable in logs and by secret scanners (like ghp_)
_TOUCH_SECONDS = 300  # last_seen / last_used_at are written at most this often per token


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _invite_expiry(days: float) -> datetime:
    if not 0 < days <= 365:
        raise PrefkitError(f"an invitation lasts 0-365 days, not {days}; e.g. 7")
    return _now_naive() + timedelta(days=days)


@w.on_store
def create_user(
    conn: Connection, name: str, role: str = "annotator", *, invite_days: float = INVITE_DAYS
) -> tuple[User, str]:
    """Create an account.

    Returns it and its invitation token (shown once, stored hashed; it signs in once within
    ``invite_days`` days).
    """
    name = name.strip()
    if role not in ROLES:
        raise PrefkitError(f"unknown role {role!r}; expected one of {list(ROLES)}")
    if not name or len(name) > 200 or any(c in name for c in "\n\r\t"):
        raise PrefkitError(f"user name {name!r} must be 1-200 characters on one line")
    hidden = [c for c in name if unicodedata.category(c) in ("Cc", "Cf")]
    if hidden:
        raise PrefkitError(
            f"user name {name!r} holds the invisible control character U+{ord(hidden[0]):04X}; "
            "such characters (e.g. U+202E, right-to-left override) can make one name display "
            "as another, so names may not contain them"
        )
    u = w.users
    if conn.execute(sa.select(u.c.id).where(u.c.name == name)).first():
        raise PrefkitError(f"user {name!r} exists already; use `prefkit user token {name}`")
    token = new_token()
    pk = conn.execute(
        u.insert().values(
            name=name,
            role=role,
            token_hash=token_hash(token),
            invite_expires_at=_invite_expiry(invite_days),
        )
    ).inserted_primary_key
    assert pk is not None
    uid = pk[0]
    return User(int(uid), name, role), token


@w.on_store
def find_user(conn: Connection, name: str) -> User | None:
    """The account called ``name``, or None when there is none."""
    u = w.users
    row = conn.execute(sa.select(u.c.id, u.c.name, u.c.role).where(u.c.name == name)).first()
    return None if row is None else User(int(row.id), row.name, row.role)


def crowd_user(conn: Connection, platform: str, worker_id: str) -> User:
    """The crowd worker's account (``platform:worker_id``), made on first arrival.

    Raises:
        InvitationError: the worker id is not 1-100 letters, digits, ``_`` or ``-``; the
            account is disabled; or the name belongs to an account that is not a crowd worker.
    """
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,100}", worker_id or ""):
        raise InvitationError(
            f"the worker id {worker_id[:120]!r} is not 1-100 letters, digits, '_' or '-'"
        )
    name = f"{platform}:{worker_id}"
    u = w.users
    row = conn.execute(sa.select(u.c.id, u.c.role, u.c.disabled).where(u.c.name == name)).first()
    if row is None:
        pk = conn.execute(
            u.insert().values(
                name=name,
                role=CROWD_ROLE,
                token_hash=token_hash(new_token()),  # no invitation: the study link signs in
                invite_used_at=_now_naive(),
            )
        ).inserted_primary_key
        assert pk is not None
        return User(int(pk[0]), name, CROWD_ROLE)
    if row.role != CROWD_ROLE:
        raise InvitationError(f"the account {name!r} is not a crowd worker's; it cannot join here")
    if row.disabled:
        raise InvitationError(f"the account {name!r} is disabled")
    return User(int(row.id), name, CROWD_ROLE)


@w.on_store
def has_admin(conn: Connection) -> bool:
    """Whether any account is an admin (``prefkit serve`` makes one when none is)."""
    u = w.users
    return conn.execute(sa.select(u.c.id).where(u.c.role == "admin").limit(1)).first() is not None


@w.on_store
def reset_token(
    conn: Connection,
    name: str,
    *,
    invite_days: float = INVITE_DAYS,
    keep_sessions: bool = False,
) -> str:
    """A new invitation for ``name``.

    The old link stops working, and so (unless ``keep_sessions``, e.g. to sign in on a second
    device) do the user's sessions. API tokens are kept: they are revoked on their own
    (:func:`revoke_api_tokens`).
    """
    u = w.users
    row = conn.execute(sa.select(u.c.id).where(u.c.name == name)).first()
    if row is None:
        raise PrefkitError(f"no user {name!r}; create it with `prefkit user add {name}`")
    token = new_token()
    values: dict[str, Any] = {
        "token_hash": token_hash(token),
        "invite_expires_at": _invite_expiry(invite_days),
        "invite_used_at": None,
    }
    if not keep_sessions:
        values["credentials_at"] = _now_naive()
    conn.execute(u.update().where(u.c.id == row.id).values(**values))
    if not keep_sessions:
        conn.execute(w.sessions.delete().where(w.sessions.c.user_id == row.id))
    return token


def _invitation_row(conn: Connection, token: str) -> Any:
    u = w.users
    row = conn.execute(
        sa.select(
            u.c.id, u.c.name, u.c.role, u.c.disabled, u.c.invite_expires_at, u.c.invite_used_at
        ).where(u.c.token_hash == token_hash(token))
    ).first()
    if row is None:
        raise InvitationError("unknown or replaced invitation; ask an admin for a new link")
    if row.disabled:
        raise InvitationError(f"the account {row.name!r} is disabled; ask an admin")
    if row.invite_used_at is not None:
        raise InvitationError(
            "this invitation was used already (each link signs in once); "
            "ask an admin for a new link (`prefkit user token NAME`)"
        )
    expires = _when(row.invite_expires_at)
    if expires is not None and expires <= _now_naive():
        raise InvitationError(
            f"this invitation expired on {expires:%Y-%m-%d %H:%M} UTC; ask an admin for a new link"
        )
    return row


def invitation_user(conn: Connection, token: str) -> User:
    """The account an unused, unexpired invitation is for (it stays unused)."""
    row = _invitation_row(conn, token)
    return User(int(row.id), row.name, row.role)


def redeem_invitation(conn: Connection, token: str) -> User:
    """Use an invitation (once): the account it signs in.

    Two requests racing with one link cannot both win: the conditional UPDATE marks it used, and
    only one sees a row change.
    """
    row = _invitation_row(conn, token)
    u = w.users
    done = conn.execute(
        u.update()
        .where(u.c.id == row.id, u.c.token_hash == token_hash(token), u.c.invite_used_at.is_(None))
        .values(invite_used_at=_now_naive())
    )
    if done.rowcount != 1:
        raise InvitationError("this invitation was used already (each link signs in once)")
    return User(int(row.id), row.name, row.role)


@dataclass(frozen=True)
class ApiToken:
    id: int
    user: str
    label: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: times as ``YYYY-MM-DD HH:MM:SS`` UTC (never the secret)."""
        iso = lambda d: d.isoformat(" ", "seconds") if d else None  # noqa: E731
        return {
            "id": self.id,
            "user": self.user,
            "label": self.label,
            "created_at": iso(self.created_at) or "",
            "expires_at": iso(self.expires_at),
            "last_used_at": iso(self.last_used_at),
        }


def _user_id(conn: Connection, name: str) -> int:
    row = conn.execute(sa.select(w.users.c.id).where(w.users.c.name == name)).first()
    if row is None:
        raise PrefkitError(f"no user {name!r}; the users are listed by `prefkit user list`")
    return int(row.id)


@w.on_store
def create_api_token(
    conn: Connection, name: str, label: str = "script", *, days: float | None = None
) -> tuple[ApiToken, str]:
    """A new API token for user ``name`` (valid ``days`` days, or until revoked).

    The token is returned once and stored hashed.
    """
    label = label.strip()
    if not label or len(label) > 200 or any(unicodedata.category(c) == "Cc" for c in label):
        raise PrefkitError(f"token label {label!r} must be 1-200 characters on one line")
    if days is not None and not 0 < days <= 3650:
        raise PrefkitError(f"an API token lasts 0-3650 days, not {days}; or omit it (no expiry)")
    uid = _user_id(conn, name)
    token = API_TOKEN_PREFIX + new_token()
    now = _now_naive()
    expires = now + timedelta(days=days) if days is not None else None
    a = w.api_tokens
    pk = conn.execute(
        a.insert().values(
            user_id=uid,
            token_hash=token_hash(token),
            label=label,
            created_at=now,
            expires_at=expires,
        )
    ).inserted_primary_key
    assert pk is not None
    return ApiToken(int(pk[0]), name, label, now, expires, None), token


@w.on_store
def list_api_tokens(conn: Connection, name: str | None = None) -> list[ApiToken]:
    """The API tokens of one user (or of everyone), oldest first; never the secrets."""
    a, u = w.api_tokens, w.users
    q = sa.select(
        a.c.id, u.c.name, a.c.label, a.c.created_at, a.c.expires_at, a.c.last_used_at
    ).join(u, u.c.id == a.c.user_id)
    if name is not None:
        q = q.where(a.c.user_id == _user_id(conn, name))
    return [
        ApiToken(int(r[0]), r[1], r[2], _when(r[3]) or _now_naive(), _when(r[4]), _when(r[5]))
        for r in conn.execute(q.order_by(a.c.id))
    ]


@w.on_store
def revoke_api_tokens(conn: Connection, name: str, token_id: int | None = None) -> int:
    """Revoke one API token of ``name`` (by id), or all of them; returns how many."""
    a = w.api_tokens
    uid = _user_id(conn, name)
    q = a.delete().where(a.c.user_id == uid)
    if token_id is not None:
        q = q.where(a.c.id == token_id)
    n = int(conn.execute(q).rowcount)
    if token_id is not None and n == 0:
        ids = [tok.id for tok in list_api_tokens(conn, name)]
        raise PrefkitError(f"user {name!r} has no API token {token_id}; their tokens: {ids}")
    return n


@w.on_store
def list_users(conn: Connection) -> list[dict[str, Any]]:
    """Every account with its state: role, disabled, invitation (pending/used/expired), tokens."""
    u, a = w.users, w.api_tokens
    ntok = sa.select(sa.func.count()).where(a.c.user_id == u.c.id).correlate(u).scalar_subquery()
    now = _now_naive()
    out = []
    for r in conn.execute(
        sa.select(
            u.c.name, u.c.role, u.c.disabled, u.c.invite_expires_at, u.c.invite_used_at, ntok
        ).order_by(u.c.id)
    ):
        expires = _when(r[3])
        if r[4] is not None:
            invite = "used"
        elif expires is not None and expires <= now:
            invite = "expired"
        else:
            invite = "pending"
        out.append(
            {
                "name": r[0],
                "role": r[1],
                "disabled": bool(r[2]),
                "invitation": invite,
                "invitation_expires": expires.isoformat(" ", "minutes") if expires else None,
                "api_tokens": int(r[5]),
            }
        )
    return out


def _now_naive() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@w.on_store
def set_disabled(conn: Connection, name: str, disabled: bool) -> None:
    """Disable (or enable) an account.

    A disabled one is refused on its next request, with every session, API token and invitation of
    it (sessions end for good; API tokens work again once it is enabled).
    """
    u = w.users
    row = conn.execute(sa.select(u.c.id).where(u.c.name == name)).first()
    if row is None:
        raise PrefkitError(f"no user {name!r}; the users are listed by `prefkit user list`")
    conn.execute(
        u.update().where(u.c.id == row.id).values(disabled=disabled, credentials_at=_now_naive())
    )
    if disabled:
        conn.execute(w.sessions.delete().where(w.sessions.c.user_id == row.id))


@w.on_store
def sign_out_everywhere(conn: Connection, user_id: int) -> None:
    """End every session of a user (the invitation token stays valid)."""
    u = w.users
    conn.execute(u.update().where(u.c.id == user_id).values(credentials_at=_now_naive()))
    conn.execute(w.sessions.delete().where(w.sessions.c.user_id == user_id))


@dataclass(frozen=True)
class Session:
    user: User
    csrf: str
    expires: float


def _when(value: Any) -> datetime | None:
    """A timestamp column read by the driver: SQLite gives text, PostgreSQL a datetime."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


class Auth:
    """Token and session lookups, straight from the database on every request.

    The hot path of every request: plain driver statements (no SQL compilation) on one pooled
    connection, about 70 µs on SQLite.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._local = threading.local()  # a reading connection per worker thread
        self._opened: list[Any] = []  # all of them, closed when the app stops
        mark = "?" if engine.dialect.name == "sqlite" else "%s"
        self._session_sql = (
            "SELECT s.csrf, s.expires_at, s.created_at, u.id, u.name, u.role, u.credentials_at, "
            "s.last_seen, s.token_hash FROM sessions s JOIN users u ON u.id = s.user_id "
            f"WHERE s.token_hash = {mark} AND u.disabled = {mark}"
        )
        self._touch_sql = f"UPDATE sessions SET last_seen = {mark} WHERE token_hash = {mark}"
        self._api_touch_sql = (
            f"UPDATE api_tokens SET last_used_at = {mark} WHERE token_hash = {mark}"
        )
        # a bearer token is a session token or an API token: both lookups, one round trip
        self._either_sql = (
            "SELECT 0, s.csrf, s.expires_at, s.created_at, u.id, u.name, u.role, "
            "u.credentials_at, s.last_seen, s.token_hash FROM sessions s "
            "JOIN users u ON u.id = s.user_id "
            f"WHERE s.token_hash = {mark} AND u.disabled = {mark} "
            "UNION ALL SELECT 1, NULL, a.expires_at, a.created_at, u.id, u.name, u.role, "
            "NULL, a.last_used_at, a.token_hash FROM api_tokens a "
            "JOIN users u ON u.id = a.user_id "
            f"WHERE a.token_hash = {mark} AND u.disabled = {mark}"
        )

    def forget(self) -> None:
        """Nothing is cached; kept for callers that used to flush a cache."""

    def close(self) -> None:
        """Close every reading connection (when the app stops)."""
        opened, self._opened = self._opened, []
        for conn in opened:
            with contextlib.suppress(Exception):
                conn.close()

    def _rows(self, sql: str, params: tuple[Any, ...], *, write: bool = False) -> list[Any]:
        """Run a read on this thread's own open driver connection.

        Run a read on this thread's own driver connection, kept open (autocommit reads:
        each sees the latest commit). One statement costs ~10 µs instead of ~70 through a
        pool checkout; every request pays it, so revocation needs no cache.
        """
        conn = getattr(self._local, "conn", None)
        for attempt in (1, 2):
            if conn is None:
                cargs, cparams = self.engine.dialect.create_connect_args(self.engine.url)
                conn = self.engine.dialect.connect(*cargs, **cparams)
                if self.engine.dialect.name == "sqlite":
                    conn.execute("PRAGMA busy_timeout=30000")
                else:
                    conn.autocommit = True
                self._local.conn = conn
                self._opened.append(conn)
            try:
                cur = conn.cursor()
                try:
                    cur.execute(sql, params)
                    if write:
                        if self.engine.dialect.name == "sqlite":
                            conn.commit()
                        return []
                    return list(cur.fetchall())
                finally:
                    cur.close()
            except self.engine.dialect.loaded_dbapi.Error:
                # a dropped connection (a restarted PostgreSQL): reconnect once
                with contextlib.suppress(Exception):
                    conn.close()
                conn = self._local.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def session(self, token: str) -> Session | None:
        rows = self._rows(self._session_sql, (token_hash(token), False))
        return self._session_of(rows[0]) if rows else None

    def identify(self, token: str) -> tuple[User | None, Session | None]:
        """A bearer token: a session token, else an API token (one round trip).

        Invitations are not bearer tokens: they only sign in, once.
        """
        h = token_hash(token)
        rows = self._rows(self._either_sql, (h, False, h, False))
        for row in rows:
            if row[0] == 0:
                sess = self._session_of(row[1:])
                return (sess.user, sess) if sess else (None, None)
        for row in rows:
            _kind, _csrf, expires_at, _created, uid, name, role, _c, used, thash = row
            exp, now = _when(expires_at), _now_naive()
            if exp is not None and exp <= now:
                return None, None  # expired API token
            last = _when(used)
            if last is None or (now - last).total_seconds() > _TOUCH_SECONDS:
                with contextlib.suppress(Exception):
                    self._rows_write(self._api_touch_sql, (now, thash))
            return User(int(uid), name, role), None
        return None, None

    def _session_of(self, row: Any) -> Session | None:
        if row is None:
            return None
        csrf, expires_at, created_at, uid, name, role, credentials_at, seen, thash = row
        created, changed = _when(created_at), _when(credentials_at)
        if changed is not None and created is not None and created < changed:
            return None  # older than the last credential change
        exp = _when(expires_at)
        assert exp is not None
        if exp.tzinfo is None:
            exp = exp.replace(tzinfo=UTC)
        if exp.timestamp() <= time.time():
            return None
        now = _now_naive()
        last = _when(seen) or created
        if last is not None and (now - last).total_seconds() > SESSION_IDLE_HOURS * 3600:
            return None  # idle too long
        if last is None or (now - last).total_seconds() > _TOUCH_SECONDS:
            self._touch(thash, now)
        return Session(User(int(uid), name, role), csrf, exp.timestamp())

    def _touch(self, thash: str, now: datetime) -> None:
        """Record that a session was used (at most every few minutes: a rare write)."""
        with contextlib.suppress(Exception):  # a busy database must not fail the request
            self._rows_write(self._touch_sql, (now, thash))

    def _rows_write(self, sql: str, params: tuple[Any, ...]) -> None:
        self._rows(sql, params, write=True)

    def start_session(self, conn: Connection, user: User) -> tuple[str, str]:
        """A new session for ``user``: (cookie token, CSRF token)."""
        token, csrf = new_token(), new_token()
        expires = datetime.now(UTC) + timedelta(days=SESSION_DAYS)
        conn.execute(
            w.sessions.insert().values(
                token_hash=token_hash(token),
                user_id=user.id,
                csrf=csrf,
                expires_at=expires.replace(tzinfo=None),
                created_at=_now_naive(),
                last_seen=_now_naive(),
            )
        )
        return token, csrf

    def end_session(self, conn: Connection, token: str) -> None:
        conn.execute(w.sessions.delete().where(w.sessions.c.token_hash == token_hash(token)))


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


def require_admin(user: User) -> None:
    if not user.is_admin:
        raise WorkError(403, "this page is for admins only")
