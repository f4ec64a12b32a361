"""``prefkit serve``, ``prefkit campaign …``, ``prefkit user …``: the workbench from a shell."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from prefkit.cli._common import DbOption, JsonOption, console, print_json
from prefkit.errors import PrefkitError

__all__ = ["register"]

SAMPLE_CAMPAIGN = (
    Path(__file__).resolve().parents[1] / "annotate" / "samples" / "sample-campaign.yaml"
)

campaign_app = typer.Typer(help="Create and list annotation campaigns.", no_args_is_help=True)
user_app = typer.Typer(
    help="Workbench accounts: invite annotators and admins.", no_args_is_help=True
)
BaseUrl = Annotated[
    str, typer.Option("--base-url", help="Where the workbench is served (for invite links).")
]
ExpiresDays = Annotated[
    float,
    typer.Option(
        "--expires-days", help="Days before the invitation link expires (it signs in once)."
    ),
]
api_token_app = typer.Typer(
    help="API tokens for scripts (Authorization: Bearer …), revocable one by one.",
    no_args_is_help=True,
)
user_app.add_typer(api_token_app, name="api-token")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.add_typer(campaign_app, name="campaign")
    app.add_typer(user_app, name="user")


@campaign_app.command("create")
def campaign_create(
    config: Annotated[Path, typer.Option("--config", "-c", help="Campaign YAML (see the README).")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create a campaign from judgments in the store (one transaction)."""
    from prefkit.annotate import create_campaign, load_campaign_config, open_workbench

    cfg = load_campaign_config(config)
    with open_workbench(db) as store:
        created = create_campaign(store, cfg)
    if as_json:
        print_json(created.to_dict())
        return
    console.print(
        f"campaign {created.name!r}: {created.units} units, {created.items} pairs "
        f"({created.gold} gold, {created.attention} attention checks)",
        highlight=False,
    )


@campaign_app.command("list")
def campaign_list(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Campaigns with their number of units and judgments."""
    from prefkit.annotate import list_campaigns, open_workbench

    with open_workbench(db) as store:
        out = list_campaigns(store)
    if as_json:
        print_json(out)
        return
    for r in out:
        console.print(
            f"{r['name']}: {r['units']} units, {r['judgments']} judgments", highlight=False
        )


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="The account name (shown as the annotator).")],
    role: Annotated[str, typer.Option("--role", help="annotator or admin.")] = "annotator",
    db: DbOption = None,
    base_url: BaseUrl = "http://127.0.0.1:8000",
    expires_days: ExpiresDays = 7,
    as_json: JsonOption = False,
) -> None:
    """Create an account and print its invitation link (shown once; it signs in once)."""
    from prefkit.annotate import create_user, open_workbench

    with open_workbench(db) as store:
        user, token = create_user(store, name, role, invite_days=expires_days)
    _print_invite(user.name, user.role, token, base_url, as_json, expires_days)


@user_app.command("token")
def user_token(
    name: Annotated[str, typer.Argument(help="The account name.")],
    db: DbOption = None,
    base_url: BaseUrl = "http://127.0.0.1:8000",
    expires_days: ExpiresDays = 7,
    keep_sessions: Annotated[
        bool,
        typer.Option(
            "--keep-sessions",
            help="Keep the account signed in where it is (a link for a second device).",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Give an account a new invitation link.

    The old link stops working, and so do its sessions unless --keep-sessions (API tokens are kept:
    `prefkit user api-token revoke`).
    """
    from prefkit.annotate import find_user, open_workbench, reset_token

    with open_workbench(db) as store:
        token = reset_token(store, name, invite_days=expires_days, keep_sessions=keep_sessions)
        user = find_user(store, name)
    assert user is not None  # reset_token refused an unknown name
    _print_invite(name, user.role, token, base_url, as_json, expires_days)


@user_app.command("disable")
def user_disable(
    name: Annotated[str, typer.Argument(help="The account name.")],
    db: DbOption = None,
) -> None:
    """Disable an account: its links and sessions are refused from the next request on."""
    _set_disabled(name, db, True)


@user_app.command("enable")
def user_enable(
    name: Annotated[str, typer.Argument(help="The account name.")],
    db: DbOption = None,
) -> None:
    """Enable a disabled account again (its API tokens and unused invitation work again)."""
    _set_disabled(name, db, False)


def _set_disabled(name: str, db: str | None, disabled: bool) -> None:
    from prefkit.annotate import open_workbench, set_disabled

    with open_workbench(db) as store:
        set_disabled(store, name, disabled)
    console.print(f"{name} is {'disabled' if disabled else 'enabled'}")


@user_app.command("list")
def user_list(db: DbOption = None, as_json: JsonOption = False) -> None:
    """The accounts: name, role, disabled, invitation (pending/used/expired), API tokens."""
    from prefkit.annotate import list_users, open_workbench

    with open_workbench(db) as store:
        users = list_users(store)
    if as_json:
        print_json(users)
        return
    for u in users:
        invite = u["invitation"]
        if invite == "pending" and u["invitation_expires"]:
            invite += f" until {u['invitation_expires']} UTC"
        console.print(
            f"{u['name']} ({u['role']})"
            + ("  disabled" if u["disabled"] else "")
            + f"  invitation {invite}  {u['api_tokens']} API token(s)",
            highlight=False,
        )


def _print_invite(
    name: str, role: str, token: str, base_url: str, as_json: bool, days: float
) -> None:
    link = f"{base_url.rstrip('/')}/invite/{token}"
    if as_json:
        print_json(
            {"name": name, "role": role, "token": token, "invite_url": link, "expires_days": days}
        )
        return
    console.print(
        f"{name} ({role}): {link}  (signs in once, within {days:g} days)",
        highlight=False,
        soft_wrap=True,
    )


@api_token_app.command("add")
def api_token_add(
    name: Annotated[str, typer.Argument(help="The account the token acts as.")],
    label: Annotated[str, typer.Option("--label", help="What the token is for.")] = "script",
    days: Annotated[
        float | None, typer.Option("--days", help="Expire after this many days (default: never).")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Make an API token and print it (shown once): send it as `Authorization: Bearer …`."""
    from prefkit.annotate import create_api_token, open_workbench

    with open_workbench(db) as store:
        tok, secret = create_api_token(store, name, label, days=days)
    if as_json:
        print_json({**tok.to_dict(), "token": secret})
        return
    console.print(f"API token {tok.id} for {name} ({label}): {secret}", highlight=False)


@api_token_app.command("list")
def api_token_list(
    name: Annotated[str | None, typer.Argument(help="One account (default: all).")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """API tokens: id, account, label, created, expires, last used (never the secrets)."""
    from prefkit.annotate import list_api_tokens, open_workbench

    with open_workbench(db) as store:
        toks = [tok.to_dict() for tok in list_api_tokens(store, name)]
    if as_json:
        print_json(toks)
        return
    for d in toks:
        console.print(
            f"{d['id']}  {d['user']}  {d['label']}  created {d['created_at']}  "
            f"expires {d['expires_at'] or 'never'}  last used {d['last_used_at'] or 'never'}",
            highlight=False,
        )


@api_token_app.command("revoke")
def api_token_revoke(
    name: Annotated[str, typer.Argument(help="The account.")],
    token_id: Annotated[
        int | None, typer.Argument(help="The token's id (`prefkit user api-token list`).")
    ] = None,
    all_tokens: Annotated[bool, typer.Option("--all", help="Revoke every token of NAME.")] = False,
    db: DbOption = None,
) -> None:
    """Revoke an API token (or --all of them): refused from the very next request."""
    from prefkit.annotate import open_workbench, revoke_api_tokens

    if (token_id is None) == (not all_tokens):
        raise PrefkitError("give a token id or --all (ids: `prefkit user api-token list NAME`)")
    with open_workbench(db) as store:
        n = revoke_api_tokens(store, name, token_id)
    console.print(f"revoked {n} API token(s) of {name}", highlight=False)


def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="Load the bundled sample and campaign if the store is empty, and print fresh "
            "sign-in links for an admin and two annotators.",
        ),
    ] = False,
    secure_cookies: Annotated[
        bool, typer.Option("--secure-cookies", help="Mark cookies Secure (behind HTTPS).")
    ] = False,
    read_timeout: Annotated[
        float,
        typer.Option(
            "--read-timeout",
            help="Seconds a client has to send a whole request (headers and body); slower "
            "ones are disconnected.",
        ),
    ] = 10.0,
    limit_concurrency: Annotated[
        int,
        typer.Option(
            "--limit-concurrency",
            help="Open connections and tasks at most; beyond it new requests get 503.",
        ),
    ] = 1000,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            help="Worker processes (PostgreSQL only; SQLite is served by one).",
        ),
    ] = 1,
) -> None:
    """Serve the annotation workbench (one process; every write goes through one writer)."""
    import uvicorn

    from prefkit.annotate import (
        create_app,
        create_campaign,
        create_user,
        find_user,
        guarded_protocol,
        has_admin,
        load_campaign_config,
        open_workbench,
        reset_token,
        serve_workers,
    )
    from prefkit.data import import_sources, sample_paths

    store = open_workbench(db)  # migrations run here, once, before any worker starts
    if workers > 1 and store.dialect != "postgresql":
        store.close()
        raise PrefkitError(
            f"--workers {workers} needs PostgreSQL: on SQLite every write goes through one "
            "process's writer (one write lock per file). Serve SQLite with one worker (the "
            "default), or use --db postgresql://…"
        )
    base = f"http://{host}:{port}"
    links: list[tuple[str, str, str]] = []
    if demo:
        if store.count() == 0:
            import_sources(store, sample_paths())
        cfg = load_campaign_config(SAMPLE_CAMPAIGN)
        try:
            create_campaign(store, cfg)
        except PrefkitError as exc:
            if "exists" not in str(exc):
                raise
        for name, role in (("admin", "admin"), ("alice", "annotator"), ("bob", "annotator")):
            exists = find_user(store, name) is not None
            token = reset_token(store, name) if exists else create_user(store, name, role)[1]
            links.append((name, role, token))
    elif not has_admin(store):
        _user, token = create_user(store, "admin", "admin")
        links.append(("admin", "admin", token))
    console.print(f"prefkit workbench on {base}  (store: {store.safe_url})", highlight=False)
    for name, role, token in links:
        console.print(
            f"  sign in as {role} {name}: {base}/invite/{token}", highlight=False, soft_wrap=True
        )
    if not links:
        console.print(
            "  sign-in links: `prefkit user token NAME` (new link) or `prefkit user add NAME`"
        )
    console.print("  API: " + base + "/api/docs   (stop with Ctrl+C)", highlight=False)
    if workers > 1:
        store.close()
        console.print(f"  {workers} worker processes on PostgreSQL", highlight=False)
        serve_workers(
            db or store.url,
            workers,
            host=host,
            port=port,
            secure_cookies=secure_cookies,
            read_timeout=read_timeout,
            limit_concurrency=limit_concurrency,
        )
        return
    uvicorn.run(
        create_app(store, secure_cookies=secure_cookies),
        host=host,
        port=port,
        log_level="warning",
        http=guarded_protocol(read_timeout),  # slow clients are closed (see SECURITY.md)
        limit_concurrency=limit_concurrency,
        timeout_keep_alive=5,
    )
