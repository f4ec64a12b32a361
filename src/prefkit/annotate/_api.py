"""The JSON API: everything the pages do, for scripts (documented at /api/docs)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.engine import Connection

from prefkit._json import dumps
from prefkit.analysis import AnalysisConfig
from prefkit.annotate._auth import (
    INVITE_DAYS,
    ApiToken,
    create_api_token,
    create_user,
    list_api_tokens,
    list_users,
    require_admin,
    reset_token,
    revoke_api_tokens,
    set_disabled,
)
from prefkit.annotate._campaigns import create_campaign
from prefkit.annotate._config import CampaignConfig
from prefkit.annotate._state import State, bearer, cookie, set_cookie
from prefkit.annotate._stats import campaign_figures
from prefkit.annotate._work import (
    DRAFT_MAX_CHARS,
    Submission,
    User,
    WorkError,
    assignment_view,
    campaign_of,
    check_submission,
    progress,
    save_draft,
    serve,
    skip,
    submit,
)
from prefkit.data import Transaction, to_trl_pairs
from prefkit.errors import PrefkitError, PrefkitWarning
from prefkit.ranking import BradleyTerryConfig

__all__ = ["router"]

router = APIRouter(prefix="/api")

CampaignName = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")]
AssignmentId = Annotated[int, Path(ge=1, le=2**53)]


def state(request: Request) -> State:
    st: State = request.app.state.prefkit
    return st


def who(
    request: Request,
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    session_token: Annotated[str | None, Depends(cookie)],
) -> User:
    return state(request).identify(request, creds, session_token)[0]


def admin(user: Annotated[User, Depends(who)]) -> User:
    require_admin(user)
    return user


Who = Annotated[User, Depends(who)]
Admin = Annotated[User, Depends(admin)]


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: str = Field(min_length=1, max_length=200)


class LoginOut(BaseModel):
    user: str
    role: str
    session: str = Field(description="Send as 'Authorization: Bearer <session>' (or the cookie).")
    csrf: str = Field(description="Send as X-CSRF-Token with cookie-authenticated writes.")


class Assignment(BaseModel):
    id: int
    campaign: str
    seq: int
    prompt: str | list[dict[str, Any]]
    left: str
    right: str
    criteria: list[dict[str, Any]]
    allow_ties: bool
    ask_strength: bool
    min_rationale_chars: int
    draft: dict[str, Any] | None


class Progress(BaseModel):
    done: int
    skipped: int
    pending: int
    open: int = Field(description="Items not yet claimed that are still open to this annotator.")
    repeats_planned: int = Field(description="Repeats still to come (drawn when made).")
    left: int = Field(description="pending + open + repeats_planned: what remains.")
    total: int = Field(description="done + skipped + left: fixed as repeats are added.")


class Next(BaseModel):
    finished: bool
    assignment: Assignment | None
    progress: Progress | None = None
    completion_code: str | None = Field(
        default=None, description="A crowd study's code, once a crowd worker is finished."
    )
    completion_url: str | None = Field(
        default=None, description="Where a finished crowd worker goes back to the platform."
    )


class Submitted(BaseModel):
    judgment_id: str
    duplicate: bool = Field(description="True when this key was submitted before.")
    next: Next


class SkipIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=500)


class DraftIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    draft: dict[str, Any]


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    role: Literal["admin", "annotator"] = "annotator"


class UserOut(BaseModel):
    name: str
    role: str
    token: str = Field(description="The invitation token: it signs in once, before it expires.")
    invite_path: str
    invite_days: float


class InviteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    days: float = Field(INVITE_DAYS, gt=0, le=365, description="Days before the link expires.")
    keep_sessions: bool = Field(
        False, description="Keep the user's sessions (a second device); else they end."
    )


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: str = Field("script", min_length=1, max_length=200)
    days: float | None = Field(None, gt=0, le=3650, description="Expiry; none: until revoked.")


class TokenInfo(BaseModel):
    id: int
    user: str
    label: str
    created_at: str
    expires_at: str | None
    last_used_at: str | None

    @classmethod
    def of(cls, tok: ApiToken) -> TokenInfo:
        return cls(**tok.to_dict())


class TokenOut(TokenInfo):
    token: str = Field(description="Send as 'Authorization: Bearer <token>'; shown only now.")


def _next(conn: Connection, st: State, camp_name: str, user: User) -> Next:
    camp = st.campaign(camp_name)
    row = serve(conn, camp, user)
    if row is None:
        crowd = camp.config.crowd if user.role == "crowd" else None
        return Next(
            finished=True,
            assignment=None,
            completion_code=crowd.completion_code if crowd else None,
            completion_url=crowd.completion_url if crowd else None,
        )
    st.remember_assignment(row.id, user.id, camp_name)
    return Next(finished=False, assignment=Assignment(**assignment_view(conn, camp, row)))


@router.post("/login", response_model=LoginOut, tags=["auth"])
async def login(body: LoginIn, request: Request, response: Response) -> LoginOut:
    """Use an invitation token (once) for a session, also set as a cookie.

    Scripts that run for longer use an API token instead (POST /api/tokens).
    """
    st = state(request)
    user, token, csrf = await st.sign_in(request, body.token)
    set_cookie(response, st.cookie_name, token, secure=st.secure_cookies, max_age=14 * 86400)
    return LoginOut(user=user.name, role=user.role, session=token, csrf=csrf)


@router.get("/me", tags=["auth"])
def me(user: Who) -> dict[str, str]:
    return {"name": user.name, "role": user.role}


async def _new_token(st: State, name: str, body: TokenIn) -> TokenOut:
    def job(tx: Transaction) -> TokenOut:
        conn = tx.connection
        try:
            tok, secret = create_api_token(conn, name, body.label, days=body.days)
        except PrefkitError as exc:
            raise WorkError(422, str(exc)) from None
        return TokenOut(**TokenInfo.of(tok).model_dump(), token=secret)

    return await st.writer.run(job)


@router.post("/tokens", response_model=TokenOut, status_code=201, tags=["auth"])
async def new_api_token(body: TokenIn, request: Request, user: Who) -> TokenOut:
    """A new API token for yourself, for scripts (shown once; revoke it with DELETE)."""
    return await _new_token(state(request), user.name, body)


@router.get("/tokens", response_model=list[TokenInfo], tags=["auth"])
def my_api_tokens(request: Request, user: Who) -> list[TokenInfo]:
    """Your API tokens (never the secrets)."""
    with state(request).store.engine.connect() as conn:
        return [TokenInfo.of(tok) for tok in list_api_tokens(conn, user.name)]


@router.delete("/tokens/{token_id}", status_code=204, tags=["auth"])
async def revoke_api_token(
    token_id: Annotated[int, Path(ge=1, le=2**53)], request: Request, user: Who
) -> Response:
    """Revoke one of your API tokens: refused from the very next request."""

    def job(tx: Transaction) -> None:
        conn = tx.connection
        try:
            revoke_api_tokens(conn, user.name, token_id)
        except PrefkitError as exc:
            raise WorkError(404, str(exc)) from None

    await state(request).writer.run(job)
    return Response(status_code=204)


@router.get("/campaigns", tags=["annotate"])
def campaigns(request: Request, user: Who) -> list[dict[str, Any]]:
    """The campaigns open to you, with your progress."""
    st = state(request)
    with st.store.engine.connect() as conn:
        return [
            {"name": c.name, "title": c.config.title or c.name, "progress": progress(conn, c, user)}
            for c in st.campaigns_for(user)
        ]


@router.get("/campaigns/{campaign}/assignment", response_model=Next, tags=["annotate"])
async def assignment(campaign: CampaignName, request: Request, user: Who) -> Next:
    """Your current assignment (the same one until you submit or skip it)."""
    st = state(request)
    st.campaign(campaign)
    return await st.writer.run(lambda tx: _next(tx.connection, st, campaign, user))


@router.get("/campaigns/{campaign}/progress", response_model=Progress, tags=["annotate"])
def my_progress(campaign: CampaignName, request: Request, user: Who) -> Progress:
    st = state(request)
    camp = st.campaign(campaign)
    with st.store.engine.connect() as conn:
        return Progress(**progress(conn, camp, user))


@router.post(
    "/assignments/{assignment_id}/submit",
    response_model=Submitted,
    tags=["annotate"],
    responses={
        409: {"description": "submitted already with another key"},
        422: {"description": "invalid"},
    },
)
async def submit_(
    assignment_id: AssignmentId, body: Submission, request: Request, user: Who
) -> Submitted:
    """Store your judgment; retrying with the same ``key`` stores nothing twice."""
    st = state(request)
    camp_name = await _campaign_of(st, user, assignment_id)
    camp = st.campaign(camp_name)
    check_submission(camp, body)  # refused here, before it waits for the writer

    def job(tx: Transaction) -> Submitted:
        conn = tx.connection
        res = submit(tx, camp, user, assignment_id, body)
        return Submitted(
            judgment_id=res.judgment_id,
            duplicate=res.duplicate,
            next=_next(conn, st, camp_name, user),
        )

    return await st.writer.run(job)


async def _campaign_of(st: State, user: User, assignment_id: int) -> str:
    """The campaign of one of ``user``'s assignments (404 for anyone else's)."""
    known = st.assignment_owner(assignment_id)
    if known is not None:
        if known[0] != user.id:
            raise WorkError(404, f"assignment {assignment_id} is not one of yours")
        return known[1]

    def read() -> str:
        with st.store.engine.connect() as conn:
            return campaign_of(conn, user, assignment_id)

    name = await run_in_threadpool(read)
    st.remember_assignment(assignment_id, user.id, name)
    return name


@router.post("/assignments/{assignment_id}/skip", response_model=Next, tags=["annotate"])
async def skip_(assignment_id: AssignmentId, body: SkipIn, request: Request, user: Who) -> Next:
    """Skip an assignment, saying why; you get the next one."""
    st = state(request)
    camp_name = await _campaign_of(st, user, assignment_id)
    camp = st.campaign(camp_name)

    def job(tx: Transaction) -> Next:
        conn = tx.connection
        skip(conn, camp, user, assignment_id, body.reason)
        return _next(conn, st, camp_name, user)

    return await st.writer.run(job)


@router.put("/assignments/{assignment_id}/draft", tags=["annotate"])
async def draft_(
    assignment_id: AssignmentId, body: DraftIn, request: Request, user: Who
) -> dict[str, bool]:
    """Keep unfinished work (any JSON object up to 20,000 characters) across reloads."""
    if len(dumps(body.draft)) > DRAFT_MAX_CHARS:
        raise WorkError(413, f"a draft holds at most {DRAFT_MAX_CHARS} characters of JSON")
    st = state(request)
    await st.writer.run(lambda tx: save_draft(tx.connection, user, assignment_id, body.draft))
    return {"saved": True}


# ---------------------------------------------------------------------------------- admin


@router.post("/admin/users", response_model=UserOut, tags=["admin"])
async def add_user(body: UserIn, request: Request, _admin: Admin) -> UserOut:
    """Create an account; the token (and its invite link) is shown only now."""
    st = state(request)

    def job(tx: Transaction) -> UserOut:
        conn = tx.connection
        try:
            user, token = create_user(conn, body.name, body.role)
        except PrefkitError as exc:
            raise WorkError(409, str(exc)) from None
        return UserOut(
            name=user.name,
            role=user.role,
            token=token,
            invite_path=f"/invite/{token}",
            invite_days=INVITE_DAYS,
        )

    return await st.writer.run(job)


UserName = Annotated[str, Path(min_length=1, max_length=200)]


@router.get("/admin/users", tags=["admin"])
def users(request: Request, _admin: Admin) -> list[dict[str, Any]]:
    """Every account: role, disabled, invitation state (pending, used, expired), API tokens."""
    with state(request).store.engine.connect() as conn:
        return list_users(conn)


def _refused(exc: PrefkitError) -> WorkError:
    return WorkError(404 if str(exc).startswith("no user") else 422, str(exc))


@router.post("/admin/users/{name}/invitation", response_model=UserOut, tags=["admin"])
async def new_invitation(name: UserName, body: InviteIn, request: Request, _a: Admin) -> UserOut:
    """A new sign-in link for ``name`` (the old one stops working)."""

    def job(tx: Transaction) -> UserOut:
        conn = tx.connection
        try:
            token = reset_token(conn, name, invite_days=body.days, keep_sessions=body.keep_sessions)
        except PrefkitError as exc:
            raise _refused(exc) from None
        role = next(u["role"] for u in list_users(conn) if u["name"] == name)
        return UserOut(
            name=name,
            role=role,
            token=token,
            invite_path=f"/invite/{token}",
            invite_days=body.days,
        )

    return await state(request).writer.run(job)


@router.post("/admin/users/{name}/disable", status_code=204, tags=["admin"])
async def disable_user(name: UserName, request: Request, admin_user: Admin) -> Response:
    """Disable an account: its sessions end, its API tokens and invitation are refused."""
    if name == admin_user.name:
        raise WorkError(422, "you cannot disable your own account; ask another admin")
    await _set_disabled(request, name, True)
    return Response(status_code=204)


@router.post("/admin/users/{name}/enable", status_code=204, tags=["admin"])
async def enable_user(name: UserName, request: Request, _a: Admin) -> Response:
    await _set_disabled(request, name, False)
    return Response(status_code=204)


async def _set_disabled(request: Request, name: str, disabled: bool) -> None:
    def job(tx: Transaction) -> None:
        conn = tx.connection
        try:
            set_disabled(conn, name, disabled)
        except PrefkitError as exc:
            raise _refused(exc) from None

    await state(request).writer.run(job)


@router.post("/admin/users/{name}/tokens", response_model=TokenOut, status_code=201, tags=["admin"])
async def new_user_token(name: UserName, body: TokenIn, request: Request, _a: Admin) -> TokenOut:
    """An API token for ``name`` (e.g. a bot account that submits model judgments)."""
    return await _new_token(state(request), name, body)


@router.post("/admin/campaigns", tags=["admin"])
async def add_campaign(config: CampaignConfig, request: Request, _admin: Admin) -> dict[str, Any]:
    """Create a campaign from stored judgments (the same settings as the YAML file)."""
    st = state(request)
    try:  # building a big campaign takes seconds: off the event loop, others keep going
        created = await run_in_threadpool(create_campaign, st.store, config)
    except PrefkitError as exc:
        raise WorkError(409 if "exists" in str(exc) else 422, str(exc)) from None
    st.forget_campaign(config.name)
    return created.to_dict()


@router.get("/admin/campaigns/{campaign}/figures", tags=["admin"])
def figures(campaign: CampaignName, request: Request, _admin: Admin) -> dict[str, Any]:
    """Progress per annotator, agreement, self-consistency and gold accuracy."""
    st = state(request)
    camp = st.campaign(campaign)
    with st.store.engine.connect() as conn:
        return campaign_figures(conn, camp)


@router.get("/admin/campaigns/{campaign}/analysis", tags=["admin"])
def analysis(
    campaign: CampaignName,
    request: Request,
    _admin: Admin,
    bootstrap: Annotated[int, Query(ge=0, le=5000)] = AnalysisConfig.bootstrap,
) -> dict[str, Any]:
    """Every trust figure of ``prefkit analyze`` for the campaign (the same JSON schema)."""
    st = state(request)
    st.campaign(campaign)
    return campaign_analysis(st.store, campaign, bootstrap=bootstrap).to_dict()


@router.get("/admin/campaigns/{campaign}/leaderboard", tags=["admin"])
def leaderboard_(
    campaign: CampaignName,
    request: Request,
    _admin: Admin,
    bootstrap: Annotated[int, Query(ge=0, le=5000)] = BradleyTerryConfig.bootstrap,
    cluster: Annotated[
        Literal["auto", "none", "prompt", "annotator"], Query()
    ] = BradleyTerryConfig.cluster,
) -> dict[str, Any]:
    """The Bradley-Terry leaderboard of the models in the campaign (``prefkit rank --json``)."""
    st = state(request)
    st.campaign(campaign)
    return campaign_leaderboard(st.store, campaign, bootstrap=bootstrap, cluster=cluster).to_dict()


def campaign_leaderboard(
    store: Any,
    campaign: str,
    *,
    bootstrap: int = BradleyTerryConfig.bootstrap,
    cluster: str = BradleyTerryConfig.cluster,
) -> Any:
    """The campaign's :class:`prefkit.ranking.Leaderboard` of models."""
    from prefkit.ranking import BradleyTerry, RankingError

    records = store.records(campaign=campaign)
    try:
        with warnings.catch_warnings():  # the page shows the leaderboard's own warnings
            warnings.simplefilter("ignore", PrefkitWarning)
            model = BradleyTerry(bootstrap=bootstrap, cluster=cluster).fit(records, by="model")
    except RankingError as exc:
        raise WorkError(422, str(exc)) from None
    return model.leaderboard(by="model", source=store.safe_url, campaign=campaign)


def campaign_analysis(
    store: Any, campaign: str, *, bootstrap: int = AnalysisConfig.bootstrap
) -> Any:
    """The campaign's :class:`prefkit.analysis.AnalysisReport` (gold units from the campaign)."""
    from prefkit.analysis import analyze, gold_from_records
    from prefkit.annotate._campaigns import gold_records

    records = store.records(campaign=campaign)
    gold = gold_from_records(gold_records(store, campaign))
    return analyze(
        records, gold=gold or None, bootstrap=bootstrap, source=store.safe_url, campaign=campaign
    )


@router.get(
    "/admin/campaigns/{campaign}/export",
    tags=["admin"],
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-ndjson": {}}}},
)
def export(
    campaign: CampaignName,
    request: Request,
    _admin: Admin,
    format: Annotated[Literal["prefkit", "trl"], Query()] = "prefkit",
    ties: Annotated[Literal["drop", "split"], Query()] = "drop",
) -> StreamingResponse:
    """The campaign's judgments as JSON lines, streamed (prefkit records or TRL pairs)."""
    st = state(request)
    st.campaign(campaign)
    return stream_export(st, campaign, format, ties)


def stream_export(st: State, campaign: str, format: str, ties: str) -> StreamingResponse:
    def lines() -> Iterator[bytes]:
        batch: list[Any] = []
        for rec in st.store.iter_records(campaign=campaign):
            if format == "prefkit":
                yield (dumps(rec.to_dict()) + "\n").encode("utf-8")
                continue
            batch.append(rec)
            if len(batch) >= 500:
                yield from _trl(batch, ties)
                batch = []
        if batch:
            yield from _trl(batch, ties)

    name = f"{campaign}.{'trl.' if format == 'trl' else ''}jsonl"
    return StreamingResponse(
        lines(),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _trl(batch: list[Any], ties: str) -> Iterator[bytes]:
    for row in to_trl_pairs(batch, ties=ties):  # type: ignore[arg-type]
        yield (dumps(row) + "\n").encode("utf-8")
