"""What the workbench app holds: the store, the writer, auth, campaigns; and the auth checks."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from fastapi import Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from fastapi.templating import Jinja2Templates

from prefkit.annotate import _schema as w
from prefkit.annotate._auth import (
    Auth,
    InvitationError,
    Session,
    invitation_user,
    redeem_invitation,
    same,
)
from prefkit.annotate._campaigns import Campaign, load_campaign
from prefkit.annotate._render import prompt_parts, render_markdown, render_prompt
from prefkit.annotate._throttle import Throttle
from prefkit.annotate._work import User, WorkError, open_to
from prefkit.annotate._writer import Writer
from prefkit.data import Store, Transaction
from prefkit.data import schema as t

__all__ = ["COOKIE", "State", "bearer", "client_of", "cookie", "set_cookie"]

COOKIE = "prefkit_session"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
HERE = Path(__file__).parent

bearer = HTTPBearer(
    auto_error=False,
    description=(
        "An API token (`prefkit user api-token add NAME`, or POST /api/tokens), "
        "or a session token from POST /api/login."
    ),
)
cookie = APIKeyCookie(name=COOKIE, auto_error=False, description="Browser session.")


class State:
    def __init__(self, store: Store, *, secure_cookies: bool = False) -> None:
        w.ensure(store.engine)
        self.store = store
        self.writer = Writer(store)
        self.auth = Auth(store.engine)
        self.throttle = Throttle()
        self.secure_cookies = secure_cookies
        # over HTTPS: the __Host- prefix (Secure, Path=/, no Domain: no subdomain can set or
        # shadow the cookie) and HSTS
        self.cookie_name = f"__Host-{COOKIE}" if secure_cookies else COOKIE
        self.login_csrf_name = (
            "__Host-prefkit_login_csrf" if secure_cookies else "prefkit_login_csrf"
        )
        self._campaigns: dict[str, Campaign] = {}
        self._owners: dict[int, tuple[int, str]] = {}  # assignment -> (user id, campaign)
        self._lock = threading.Lock()
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))
        self.templates.env.globals.update(
            markdown=render_markdown, prompt_turns=render_prompt, prompt_parts=prompt_parts
        )

    def campaign(self, name: str) -> Campaign:
        with self._lock:
            camp = self._campaigns.get(name)
        if camp is None:
            with self.store.engine.connect() as conn:
                camp = load_campaign(conn, name)
            if camp is None:
                raise WorkError(404, f"no campaign {name!r}")
            with self._lock:
                self._campaigns[name] = camp
        return camp

    def campaign_names(self) -> list[str]:
        c, u = t.campaigns, w.campaign_units
        with self.store.engine.connect() as conn:
            return [
                r[0]
                for r in conn.execute(
                    sa.select(c.c.name)
                    .where(sa.exists().where(u.c.campaign == c.c.name))
                    .order_by(c.c.created_at, c.c.name)
                )
            ]

    def remember_assignment(self, assignment_id: int, user_id: int, campaign: str) -> None:
        with self._lock:
            if len(self._owners) > 200_000:
                self._owners.clear()
            self._owners[assignment_id] = (user_id, campaign)

    def assignment_owner(self, assignment_id: int) -> tuple[int, str] | None:
        with self._lock:
            return self._owners.get(assignment_id)

    def campaigns_for(self, user: User) -> list[Campaign]:
        """The campaigns open to ``user`` (admins see every campaign)."""
        out = []
        for name in self.campaign_names():
            camp = self.campaign(name)
            if open_to(camp, user):
                out.append(camp)
        return out

    def forget_campaign(self, name: str) -> None:
        with self._lock:
            self._campaigns.pop(name, None)

    # ----------------------------------------------------------------------------- who asks

    async def sign_in(self, request: Request, token: str) -> tuple[User, str, str]:
        """Use an invitation (once) for a new session: (user, session token, CSRF token).

        Throttled per client (unknown, used or expired links) and per account.
        """
        client = client_of(request)
        self.throttle.check_client(client)

        def redeem(tx: Transaction) -> tuple[User, str, str]:
            conn = tx.connection
            # every refusal comes before the first write (WorkError: the writer's contract)
            try:
                user = invitation_user(conn, token)
                self.throttle.signed_in(user.name)
                redeem_invitation(conn, token)
            except InvitationError as exc:
                raise WorkError(401, str(exc)) from None
            session, csrf = self.auth.start_session(conn, user)
            return user, session, csrf

        try:
            return await self.writer.run(redeem)
        except WorkError as exc:
            if exc.status == 401:
                self.throttle.failed(client)
            raise

    def identify(
        self,
        request: Request,
        creds: HTTPAuthorizationCredentials | None,
        session_token: str | None,
        form_csrf: str | None = None,
    ) -> tuple[User, Session | None]:
        """The caller, from a bearer token or the session cookie; CSRF-checked for cookies."""
        if creds is not None and creds.credentials:
            token = creds.credentials
            client = client_of(request)
            self.throttle.check_client(client)
            user, _sess = self.auth.identify(token)
            if user is None:
                self.throttle.failed(client)
                raise WorkError(
                    401,
                    "unknown, expired or revoked token; scripts use an API token "
                    "(`prefkit user api-token add NAME`), browsers sign in with an invitation",
                )
            return user, None
        if self.secure_cookies:
            session_token = request.cookies.get(self.cookie_name)
        if session_token:
            sess = self.auth.session(session_token)
            if sess is not None:
                if request.method in UNSAFE:
                    sent = request.headers.get("x-csrf-token") or form_csrf
                    if not same(sent, sess.csrf):
                        raise WorkError(
                            403,
                            "missing or wrong CSRF token; reload the page and try again",
                        )
                return sess.user, sess
        raise WorkError(401, "sign in first: open your invitation link, or send a bearer token")


def client_of(request: Request) -> str:
    """The client's address (behind a proxy, run uvicorn with --proxy-headers)."""
    return request.client.host if request.client else "unknown"


def set_cookie(
    resp: Any, name: str, value: str, *, secure: bool, max_age: int, samesite: str = "lax"
) -> None:
    """One cookie, HttpOnly, on Path=/; Secure when served over HTTPS."""
    resp.set_cookie(
        name, value, httponly=True, samesite=samesite, secure=secure, max_age=max_age, path="/"
    )


def templates_context(
    request: Request, user: User | None, sess: Session | None, **kw: Any
) -> dict[str, Any]:
    return {"user": user, "csrf": sess.csrf if sess else "", **kw}
