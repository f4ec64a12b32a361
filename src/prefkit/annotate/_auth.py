"""Accounts, invitation tokens, sessions and CSRF for the workbench.

Tokens are 256-bit random strings (``secrets.token_urlsafe(32)``); the database keeps only their
SHA-256. A slow password hash (scrypt, argon2) exists to protect low-entropy human passwords;
for random tokens SHA-256 is as strong and costs microseconds per request.

A session is a cookie (HttpOnly, SameSite=Lax) with a CSRF token of its own, which every
state-changing request that relies on the cookie must echo (form field ``csrf`` or header
``X-CSRF-Token``). Scripts send ``Authorization: Bearer <token>`` instead and need no CSRF
token, since a browser never adds that header on its own.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
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
    "token_hash",
]

ROLES = ("admin", "annotator")
SESSION_DAYS = 14
_CACHE_SECONDS = 30.0


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
    conn.execute(u.update().where(u.c.id == row.id).values(token_hash=token_hash(token)))
    conn.execute(t.sessions.delete().where(t.sessions.c.user_id == row.id))
    return token


@dataclass(frozen=True)
class Session:
    user: User
    csrf: str
    expires: float


class Auth:
    """Token and session lookups, with a short in-memory cache (sessions change rarely)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._cache: dict[str, tuple[float, Session | User | None]] = {}
        self._lock = threading.Lock()

    def _cached(self, key: str) -> tuple[bool, Session | User | None]:
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None and hit[0] > time.monotonic():
            return True, hit[1]
        return False, None

    def _remember(self, key: str, value: Session | User | None) -> None:
        with self._lock:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[key] = (time.monotonic() + _CACHE_SECONDS, value)

    def forget(self) -> None:
        with self._lock:
            self._cache.clear()

    def user_for_token(self, token: str) -> User | None:
        """The account whose invitation token this is (bearer auth, sign-in)."""
        key = "u:" + token_hash(token)
        hit, value = self._cached(key)
        if hit:
            return value if isinstance(value, User) or value is None else None
        u = t.users
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(u.c.id, u.c.name, u.c.role).where(
                    u.c.token_hash == key[2:], u.c.disabled.is_(False)
                )
            ).first()
        user = User(int(row.id), row.name, row.role) if row else None
        self._remember(key, user)
        return user

    def session(self, token: str) -> Session | None:
        key = "s:" + token_hash(token)
        hit, value = self._cached(key)
        if not hit:
            s, u = t.sessions, t.users
            with self.engine.connect() as conn:
                row = conn.execute(
                    sa.select(s.c.csrf, s.c.expires_at, u.c.id, u.c.name, u.c.role)
                    .join(u, u.c.id == s.c.user_id)
                    .where(s.c.token_hash == key[2:], u.c.disabled.is_(False))
                ).first()
            value = None
            if row is not None:
                exp = row.expires_at
                if exp.tzinfo is None:
                    exp = exp.replace(tzinfo=UTC)
                value = Session(User(int(row.id), row.name, row.role), row.csrf, exp.timestamp())
            self._remember(key, value)
        if isinstance(value, Session) and value.expires > time.time():
            return value
        return None

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
            )
        )
        return token, csrf

    def end_session(self, conn: Connection, token: str) -> None:
        conn.execute(t.sessions.delete().where(t.sessions.c.token_hash == token_hash(token)))
        with self._lock:
            self._cache.pop("s:" + token_hash(token), None)


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


def require_admin(user: User) -> None:
    if not user.is_admin:
        raise WorkError(403, "this page is for admins only")
