"""Server-rendered pages: sign-in, the annotation page, admin pages."""

from __future__ import annotations

import html
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import ValidationError

from prefkit._yaml import parse_yaml
from prefkit.annotate._api import campaign_analysis, campaign_leaderboard, stream_export
from prefkit.annotate._auth import (
    INVITE_DAYS,
    InvitationError,
    Session,
    create_user,
    crowd_user,
    invitation_user,
    list_users,
    new_token,
    require_admin,
    reset_token,
    same,
    set_disabled,
    sign_out_everywhere,
)
from prefkit.annotate._campaigns import create_campaign
from prefkit.annotate._config import campaign_config_from_text
from prefkit.annotate._state import (
    State,
    bearer,
    client_of,
    cookie,
    set_cookie,
    templates_context,
)
from prefkit.annotate._stats import campaign_figures
from prefkit.annotate._work import (
    Submission,
    User,
    WorkError,
    assignment_view,
    check_submission,
    open_assignment,
    progress,
    serve,
    skip,
    submit,
)
from prefkit.data import Transaction
from prefkit.errors import PrefkitError, RecordError

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
CampaignName = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")]


def state(request: Request) -> State:
    st: State = request.app.state.prefkit
    return st


async def page_who(
    request: Request,
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    session_token: Annotated[str | None, Depends(cookie)],
) -> tuple[User, Session | None]:
    form_csrf = None
    if request.method == "POST":
        form = await request.form()
        value = form.get("csrf")
        form_csrf = value if isinstance(value, str) else None
    st = state(request)  # the database lookups run off the event loop
    return await run_in_threadpool(st.identify, request, creds, session_token, form_csrf)


Who = Annotated[tuple[User, Session | None], Depends(page_who)]


def render(request: Request, template: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    return state(request).templates.TemplateResponse(request, template, ctx, status_code=status)


@router.get("/login")
def login_page(request: Request, error: str | None = None) -> HTMLResponse:
    csrf = new_token()
    resp = render(request, "login.html", user=None, csrf=csrf, error=error, name=None, token="")
    st = state(request)
    set_cookie(
        resp, st.login_csrf_name, csrf, secure=st.secure_cookies, max_age=3600, samesite="strict"
    )
    return resp


@router.get("/invite/{token}")
def invite(request: Request, token: Annotated[str, Path(max_length=200)]) -> HTMLResponse:
    st = state(request)
    st.throttle.check_client(client_of(request))
    try:
        with st.store.engine.connect() as conn:
            user = invitation_user(conn, token)  # shown, not used: link previews cannot spend it
    except InvitationError as exc:
        st.throttle.failed(client_of(request))
        return render(request, "error.html", 404, user=None, csrf="", message=str(exc))
    csrf = new_token()
    resp = render(
        request, "login.html", user=None, csrf=csrf, error=None, name=user.name, token=token
    )
    st = state(request)
    set_cookie(
        resp, st.login_csrf_name, csrf, secure=st.secure_cookies, max_age=3600, samesite="strict"
    )
    return resp


@router.post("/login")
async def login(
    request: Request,
    token: Annotated[str, Form(max_length=200)],
    csrf: Annotated[str, Form(max_length=200)],
) -> Response:
    st = state(request)
    if not same(csrf, request.cookies.get(st.login_csrf_name)):
        return render(
            request,
            "error.html",
            403,
            user=None,
            csrf="",
            message="The sign-in form expired; open the sign-in page again.",
        )
    try:
        user, session, _csrf = await st.sign_in(request, token.strip())
    except WorkError as exc:
        if exc.status != 401:
            raise
        fresh = new_token()
        page = render(
            request,
            "login.html",
            401,
            user=None,
            csrf=fresh,
            message=exc.message,
            name=None,
            token="",
            error=None,
        )
        set_cookie(
            page,
            st.login_csrf_name,
            fresh,
            secure=st.secure_cookies,
            max_age=3600,
            samesite="strict",
        )
        return page
    resp = RedirectResponse("/admin" if user.is_admin else "/", status_code=303)
    set_cookie(resp, st.cookie_name, session, secure=st.secure_cookies, max_age=14 * 86400)
    resp.delete_cookie(st.login_csrf_name, path="/", secure=st.secure_cookies, httponly=True)
    return resp


@router.get("/join/{campaign}/{key}")
async def join(
    request: Request, campaign: CampaignName, key: Annotated[str, Path(max_length=200)]
) -> Response:
    """A crowd platform's study link: sign the worker in by their platform id and start."""
    st = state(request)
    client = client_of(request)
    st.throttle.check_client(client)
    try:
        camp = st.campaign(campaign)
    except WorkError:
        camp = None
    crowd = camp.config.crowd if camp is not None else None
    if camp is None or crowd is None or not same(key, crowd.key):
        st.throttle.failed(client)
        message = "This study link is not valid. Open the study again from where you found it."
        return render(request, "error.html", 404, user=None, csrf="", message=message)
    worker = request.query_params.get(crowd.worker_param, "")
    if not worker:
        message = (
            f"This link is missing your {crowd.platform} id (?{crowd.worker_param}=…). Open "
            f"the study again from {crowd.platform.capitalize()}, which adds it."
        )
        return render(request, "error.html", 400, user=None, csrf="", message=message)

    def job(tx: Transaction) -> str:
        try:
            user = crowd_user(tx.connection, crowd.platform, worker)
        except InvitationError as exc:
            raise WorkError(403, str(exc)) from None
        return st.auth.start_session(tx.connection, user)[0]

    try:
        session = await st.writer.run(job)
    except WorkError as exc:
        return render(request, "error.html", exc.status, user=None, csrf="", message=exc.message)
    resp = RedirectResponse(f"/c/{campaign}", status_code=303)
    set_cookie(resp, st.cookie_name, session, secure=st.secure_cookies, max_age=14 * 86400)
    return resp


@router.post("/logout")
async def logout(request: Request, who: Who) -> Response:
    st = state(request)
    token = request.cookies.get(st.cookie_name)
    if token:
        await st.writer.run(lambda tx: st.auth.end_session(tx.connection, token))
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(st.cookie_name, path="/", secure=st.secure_cookies, httponly=True)
    return resp


@router.post("/logout-everywhere")
async def logout_everywhere(request: Request, who: Who) -> Response:
    """End every session of the signed-in user (other browsers and devices too)."""
    st = state(request)
    user, _sess = who
    await st.writer.run(lambda tx: sign_out_everywhere(tx.connection, user.id))
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(st.cookie_name, path="/", secure=st.secure_cookies, httponly=True)
    return resp


@router.get("/")
def home(request: Request, who: Who) -> HTMLResponse:
    user, sess = who
    st = state(request)
    with st.store.engine.connect() as conn:
        rows = [(camp, progress(conn, camp, user)) for camp in st.campaigns_for(user)]
    return render(request, "home.html", **templates_context(request, user, sess, campaigns=rows))


@router.get("/c/{campaign}")
async def annotate(request: Request, campaign: CampaignName, who: Who) -> Response:
    user, sess = who
    st = state(request)
    camp = st.campaign(campaign)

    def job(tx: Transaction) -> tuple[Any, dict[str, int]]:
        conn = tx.connection
        row = serve(conn, camp, user)
        view = assignment_view(conn, camp, row) if row is not None else None
        return view, progress(conn, camp, user)

    view, prog = await st.writer.run(job)
    crowd = camp.config.crowd if user.role == "crowd" else None
    ctx = templates_context(
        request, user, sess, camp=camp, a=view, progress=prog, key=new_token()[:24], crowd=crowd
    )
    if view is None:
        if crowd is not None and crowd.completion_url and not crowd.completion_code:
            return RedirectResponse(crowd.completion_url, status_code=303)
        return render(request, "done.html", **ctx)
    return render(request, "annotate.html", **ctx)


@router.post("/c/{campaign}/submit")
async def submit_form(request: Request, campaign: CampaignName, who: Who) -> Response:
    """The same as the JSON API, for a browser without JavaScript."""
    user, _sess = who
    st = state(request)
    camp = st.campaign(campaign)
    form = await request.form()
    ratings: dict[str, dict[str, int]] = {}
    for c in camp.config.criteria:
        for side in ("left", "right"):
            raw = form.get(f"rating.{c.name}.{side}")
            if isinstance(raw, str) and raw.isdigit():
                ratings.setdefault(c.name, {})[side] = int(raw)
    strength = form.get("strength")
    aid = _assignment_id(form)
    entered = {
        "key": str(form.get("key", "")),
        "preference": form.get("preference") or None,
        "strength": int(strength) if isinstance(strength, str) and strength.isdigit() else None,
        "ratings": ratings,
        "rationale": str(form.get("rationale", "")),
    }
    try:
        try:
            sub = Submission.model_validate(entered)
        except ValidationError as exc:
            fields = ", ".join(dict.fromkeys(str(e["loc"][0]) for e in exc.errors()))
            raise WorkError(422, f"incomplete judgment: {fields} missing or invalid") from None
        check_submission(camp, sub)
    except WorkError as exc:  # the same page again, with what was entered and what is missing
        return await _form_again(request, who, camp, aid, entered, exc.message)
    await st.writer.run(lambda tx: submit(tx, camp, user, aid, sub))
    return RedirectResponse(f"/c/{campaign}", status_code=303)


async def _form_again(
    request: Request, who: Any, camp: Any, aid: int, entered: dict[str, Any], message: str
) -> Response:
    user, sess = who
    st = state(request)

    def job(tx: Transaction) -> tuple[Any, dict[str, int]]:
        conn = tx.connection
        row = open_assignment(conn, user, aid, camp.name)
        view = assignment_view(conn, camp, row)
        return view, progress(conn, camp, user)

    view, prog = await st.writer.run(job)
    view["draft"] = entered
    ctx = templates_context(
        request, user, sess, camp=camp, a=view, progress=prog, key=entered["key"], crowd=None,
        error=message,
    )  # fmt: skip
    return render(request, "annotate.html", 422, **ctx)


def _assignment_id(form: Any) -> int:
    raw = form.get("assignment")
    if not isinstance(raw, str) or not raw.isdigit() or len(raw) > 15:
        raise WorkError(422, "the form lost its assignment id; reload the page")
    return int(raw)


@router.post("/c/{campaign}/skip")
async def skip_form(request: Request, campaign: CampaignName, who: Who) -> Response:
    user, _sess = who
    st = state(request)
    camp = st.campaign(campaign)
    form = await request.form()
    aid, reason = _assignment_id(form), str(form.get("reason") or "")
    await st.writer.run(lambda tx: skip(tx.connection, camp, user, aid, reason))
    return RedirectResponse(f"/c/{campaign}", status_code=303)


# ------------------------------------------------------------------------------------ admin


@router.get("/admin")
def admin_home(request: Request, who: Who, created: str | None = None) -> HTMLResponse:
    return _admin_page(request, who)


def _admin_page(request: Request, who: Any, status: int = 200, **extra: Any) -> HTMLResponse:
    user, sess = who
    require_admin(user)
    st = state(request)
    with st.store.engine.connect() as conn:
        users = list_users(conn)
        figs = [campaign_figures(conn, st.campaign(n)) for n in st.campaign_names()]
    ctx = {"users": users, "figures": figs, "new_user": None, "error": None, **extra}
    return render(request, "admin.html", status, **templates_context(request, user, sess, **ctx))


def _excerpt(text: str, line: int | None) -> list[tuple[int, str, bool]]:
    """The lines around ``line`` (1-based) as (number, text, is it the line)."""
    if line is None:
        return []
    lines = text.splitlines()
    lo, hi = max(1, line - 2), min(len(lines), line + 2)
    return [(n, lines[n - 1], n == line) for n in range(lo, hi + 1)]


@router.post("/admin/users")
async def admin_add_user(request: Request, who: Who) -> HTMLResponse:
    user, sess = who
    require_admin(user)
    st = state(request)
    form = await request.form()
    name, role = str(form.get("name", "")), str(form.get("role", "annotator"))
    try:
        new_user, token = await st.writer.run(lambda tx: create_user(tx.connection, name, role))
    except PrefkitError as exc:
        raise WorkError(422, str(exc)) from None
    link = str(request.base_url).rstrip("/") + f"/invite/{token}"
    return render(
        request,
        "user_created.html",
        **templates_context(
            request, user, sess, new_user=new_user, link=link, days=INVITE_DAYS, renewed=False
        ),
    )


@router.post("/admin/users/{action}")
async def admin_user_action(
    request: Request,
    action: Annotated[str, Path(pattern="^(disable|enable|invitation)$")],
    who: Who,
) -> Response:
    """Disable or enable an account, or make a new sign-in link for it (name in the form)."""
    user, sess = who
    require_admin(user)
    st = state(request)
    form = await request.form()
    name = str(form.get("name", ""))
    if action == "disable" and name == user.name:
        raise WorkError(422, "you cannot disable your own account; ask another admin")

    def job(tx: Transaction) -> str | None:
        conn = tx.connection
        try:
            if action == "invitation":
                keep = form.get("keep_sessions") == "on"
                return reset_token(conn, name, keep_sessions=keep)
            set_disabled(conn, name, action == "disable")
            return None
        except PrefkitError as exc:
            raise WorkError(404, str(exc)) from None

    token = await st.writer.run(job)
    if token is None:
        return RedirectResponse("/admin#people", status_code=303)
    role = next(u["role"] for u in await run_in_threadpool(_users, st) if u["name"] == name)
    link = str(request.base_url).rstrip("/") + f"/invite/{token}"
    return render(
        request,
        "user_created.html",
        **templates_context(
            request,
            user,
            sess,
            new_user=User(0, name, role),
            link=link,
            days=INVITE_DAYS,
            renewed=True,
        ),
    )


def _users(st: State) -> list[dict[str, Any]]:
    with st.store.engine.connect() as conn:
        return list_users(conn)


@router.post("/admin/campaigns")
async def admin_add_campaign(request: Request, who: Who) -> Response:
    user, _sess = who
    require_admin(user)
    st = state(request)
    form = await request.form()
    text = str(form.get("config", ""))[:200_000]
    try:
        cfg = campaign_config_from_text(text)
        created = await run_in_threadpool(create_campaign, st.store, cfg)  # off the event loop
    except PrefkitError as exc:  # the form again, the text kept and the line marked
        line = exc.line if isinstance(exc, RecordError) else None
        return await run_in_threadpool(
            _admin_page,
            request,
            who,
            422,
            config_text=text,
            config_error=str(exc),
            config_excerpt=_excerpt(text, line),
        )
    st.forget_campaign(created.name)
    return RedirectResponse(f"/admin/c/{created.name}", status_code=303)


@router.get("/admin/c/{campaign}")
def admin_campaign(request: Request, campaign: CampaignName, who: Who) -> HTMLResponse:
    user, sess = who
    require_admin(user)
    st = state(request)
    camp = st.campaign(campaign)
    with st.store.engine.connect() as conn:
        figs = campaign_figures(conn, camp)
    return render(
        request, "admin_campaign.html", **templates_context(request, user, sess, camp=camp, f=figs)
    )


@router.get("/admin/c/{campaign}/analysis")
def admin_analysis(request: Request, campaign: CampaignName, who: Who) -> HTMLResponse:
    """The full ``prefkit analyze`` report for the campaign."""
    from prefkit.analysis import report_html

    user, sess = who
    require_admin(user)
    st = state(request)
    camp = st.campaign(campaign)
    rep = campaign_analysis(st.store, campaign)
    body = report_html(rep, title=f"Analysis of {camp.config.title or campaign}", standalone=False)
    return render(
        request, "analysis.html", **templates_context(request, user, sess, camp=camp, body=body)
    )


@router.get("/admin/c/{campaign}/leaderboard")
def admin_leaderboard(request: Request, campaign: CampaignName, who: Who) -> HTMLResponse:
    """The models of the campaign ranked by Bradley-Terry, with bootstrap intervals."""
    from prefkit.ranking import leaderboard_html

    user, sess = who
    require_admin(user)
    st = state(request)
    camp = st.campaign(campaign)
    json_path = f"/api/admin/campaigns/{campaign}/leaderboard"
    try:
        summary = campaign_leaderboard(st.store, campaign)
    except WorkError as exc:  # nothing to rank yet, or no model names: say so on the page
        body = f'<p class="note" id="no-leaderboard">{html.escape(exc.message)}</p>'
        return render(
            request,
            "analysis.html",
            exc.status,
            **templates_context(request, user, sess, camp=camp, body=body, json_path=json_path),
        )
    title = f"Leaderboard of {camp.config.title or campaign}"
    body = leaderboard_html(summary, title=title, standalone=False)
    return render(
        request,
        "analysis.html",
        **templates_context(request, user, sess, camp=camp, body=body, json_path=json_path),
    )


@router.api_route("/admin/c/{campaign}/rules", methods=["GET", "POST"])
async def admin_rule_lab(request: Request, campaign: CampaignName, who: Who) -> HTMLResponse:
    """Edit a rule set and see its accuracy, baselines and failure cases on this campaign."""
    from prefkit.rewards import DEFAULT_RULES, evaluate_reward, load_rules, rules_html

    user, sess = who
    require_admin(user)
    st = state(request)
    camp = st.campaign(campaign)
    text = DEFAULT_RULES.read_text(encoding="utf-8")
    body, error = "", None
    if request.method == "POST":
        form = await request.form()
        text = str(form.get("rules", ""))[:100_000]
        try:
            data, _node = parse_yaml(text, "rule set")
            if not isinstance(data, dict):
                raise PrefkitError("a rule set is a YAML mapping with a 'rules' list")
            rules = load_rules(data)
            records = st.store.records(campaign=campaign)
            res = await run_in_threadpool(evaluate_reward, rules, records)
            body = rules_html(
                {"splits": {campaign: res}, "fit": None}, title="Results", standalone=False
            )
        except PrefkitError as exc:
            error = str(exc)
    ctx = templates_context(request, user, sess, camp=camp, rules=text, body=body, error=error)
    return render(request, "rule_lab.html", **ctx)


@router.get("/admin/c/{campaign}/export/{kind}")
def admin_export(request: Request, campaign: CampaignName, kind: str, who: Who) -> Response:
    user, _sess = who
    require_admin(user)
    st = state(request)
    st.campaign(campaign)
    if kind not in ("prefkit.jsonl", "trl.jsonl"):
        raise WorkError(404, f"unknown export {kind!r}; expected prefkit.jsonl or trl.jsonl")
    return stream_export(st, campaign, kind.split(".")[0], "drop")
