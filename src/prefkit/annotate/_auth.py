"""Accounts, invitation tokens, sessions and CSRF for the workbench.

Tokens are 256-bit random strings (``secrets.token_urlsafe(32)``); the database keeps only their
SHA-256. A slow password hash (scrypt, argon2) exists to protect low-entropy human passwords;
for random tokens SHA-256 is as strong and costs microseconds per request.

A session is a cookie (HttpOnly, SameSite=Lax) with a CSRF token of its own, which every
state-changing request that relies on the cookie must echo (form field ``csrf`` or header
``X-CSRF-Token``). Scripts send ``Authorization: Bearer <token>`` instead and need no CSRF
token, since a browser never adds that header on its own.

Revocation holds on the very next request: tokens and sessions are looked up in the database
on every request (no cache; a primary-key lookup costs tens of microseconds), and a session
created before the user's last credential change (``users.credentials_at``: a new token,
disabling, signing out everywhere) is refused, as Django and DRF do (OWASP ASVS V3.3).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from prefkit.annotate._work import User, WorkError
from prefkit.data import schema as t
from prefkit.errors import PrefkitError

__all__ = [
    "ROLES",
    "SESSION_DAYS",
    "Session",
    "create_user",
    "new_token",
    "reset_token",
    "set_disabled",
    "sign_out_everywhere",
    "token_hash",
]

ROLES = ("admin", "annotator")
SESSION_DAYS = 14


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def create_user(conn: Connection, name: str, role: str = "annotator") -> tuple[User, str]:
    """Create an account; returns it and its invitation token (shown once, stored hashed)."""
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
    u = t.users
    if conn.execute(sa.select(u.c.id).where(u.c.name == name)).first():
        raise PrefkitError(f"user {name!r} exists already; use `prefkit user token {name}`")
    token = new_token()
    pk = conn.execute(
        u.insert().values(name=name, role=role, token_hash=token_hash(token))
    ).inserted_primary_key
    assert pk is not None
    uid = pk[0]
    return User(int(uid), name, role), token


def reset_token(conn: Connection, name: str) -> str:
    """A new invitation token for ``name``; the old one and its sessions stop working."""
    u = t.users
    row = conn.execute(sa.select(u.c.id).where(u.c.name == name)).first()
    if row is None:
        raise PrefkitError(f"no user {name!r}; create it with `prefkit user add {name}`")
    token = new_token()
    conn.execute(
        u.update()
        .where(u.c.id == row.id)
        .values(token_hash=token_hash(token), credentials_at=_now_naive())
    )
    conn.execute(t.sessions.delete().where(t.sessions.c.user_id == row.id))
    return token


def _now_naive() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def set_disabled(conn: Connection, name: str, disabled: bool) -> None:
    """Disable (or enable) an account: a disabled one is refused on its next request."""
    u = t.users
    row = conn.execute(sa.select(u.c.id).where(u.c.name == name)).first()
    if row is None:
        raise PrefkitError(f"no user {name!r}; the users are listed by `prefkit user list`")
    conn.execute(
        u.update().where(u.c.id == row.id).values(disabled=disabled, credentials_at=_now_naive())
    )
    if disabled:
        conn.execute(t.sessions.delete().where(t.sessions.c.user_id == row.id))


def sign_out_everywhere(conn: Connection, user_id: int) -> None:
    """End every session of a user (the invitation token stays valid)."""
    u = t.users
    conn.execute(u.update().where(u.c.id == user_id).values(credentials_at=_now_naive()))
    conn.execute(t.sessions.delete().where(t.sessions.c.user_id == user_id))


@dataclass(frozen=True)
class Session:
    user: User
    csrf: str
    expires: float


class Auth:
    """Token and session lookups, straight from the database on every request."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def forget(self) -> None:
        """Nothing is cached; kept for callers that used to flush a cache."""

    def user_for_token(self, token: str) -> User | None:
        """The account whose invitation token this is (bearer auth, sign-in)."""
        u = t.users
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(u.c.id, u.c.name, u.c.role).where(
                    u.c.token_hash == token_hash(token), u.c.disabled.is_(False)
                )
            ).first()
        return User(int(row.id), row.name, row.role) if row else None

    def session(self, token: str) -> Session | None:
        s, u = t.sessions, t.users
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(
                    s.c.csrf, s.c.expires_at, s.c.created_at, u.c.id, u.c.name, u.c.role,
                    u.c.credentials_at,
                )
                .join(u, u.c.id == s.c.user_id)
                .where(s.c.token_hash == token_hash(token), u.c.disabled.is_(False))
            ).first()  # fmt: skip
        if row is None:
            return None
        if row.credentials_at is not None and row.created_at < row.credentials_at:
            return None  # older than the last credential change
        exp = row.expires_at
        if exp.tzinfo is None:
            exp = exp.replace(tzinfo=UTC)
        if exp.timestamp() <= time.time():
            return None
        return Session(User(int(row.id), row.name, row.role), row.csrf, exp.timestamp())

    def start_session(self, conn: Connection, user: User) -> tuple[str, str]:
        """A new session for ``user``: (cookie token, CSRF token)."""
        token, csrf = new_token(), new_token()
        expires = datetime.now(UTC) + timedelta(days=SESSION_DAYS)
        conn.execute(
            t.sessions.insert().values(
                token_hash=token_hash(token),
                user_id=user.id,
                csrf=csrf,
                expires_at=expires.replace(tzinfo=None),
                created_at=_now_naive(),
            )
        )
        return token, csrf

    def end_session(self, conn: Connection, token: str) -> None:
        conn.execute(t.sessions.delete().where(t.sessions.c.token_hash == token_hash(token)))


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


def require_admin(user: User) -> None:
    if not user.is_admin:
        raise WorkError(403, "this page is for admins only")
