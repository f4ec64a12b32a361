"""``prefkit serve``, ``prefkit campaign …``, ``prefkit user …``: the workbench from a shell."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import sqlalchemy as sa
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
    from prefkit.annotate import create_campaign, load_campaign_config
    from prefkit.data import open_store

    cfg = load_campaign_config(config)
    with open_store(db) as store:
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
    from prefkit.data import open_store
    from prefkit.data import schema as t

    with open_store(db) as store, store.engine.connect() as conn:
        u = t.campaign_units
        rows = conn.execute(
            sa.select(u.c.campaign, sa.func.count()).group_by(u.c.campaign).order_by(u.c.campaign)
        ).all()
        out = [{"name": n, "units": int(k), "judgments": store.count(campaign=n)} for n, k in rows]
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
    as_json: JsonOption = False,
) -> None:
    """Create an account and print its invitation link (shown once)."""
    from prefkit.annotate import create_user
    from prefkit.data import open_store

    with open_store(db) as store, store.engine.begin() as conn:
        user, token = create_user(conn, name, role)
    _print_invite(user.name, user.role, token, base_url, as_json)


@user_app.command("token")
def user_token(
    name: Annotated[str, typer.Argument(help="The account name.")],
    db: DbOption = None,
    base_url: BaseUrl = "http://127.0.0.1:8000",
    as_json: JsonOption = False,
) -> None:
    """Give an account a new invitation link; the old link and its sessions stop working."""
    from prefkit.annotate import reset_token
    from prefkit.data import open_store

    with open_store(db) as store, store.engine.begin() as conn:
        token = reset_token(conn, name)
        role = conn.execute(
            sa.text("SELECT role FROM users WHERE name = :n"), {"n": name}
        ).scalar_one()
    _print_invite(name, role, token, base_url, as_json)


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
    """Enable a disabled account again (its current invitation link works again)."""
    _set_disabled(name, db, False)


def _set_disabled(name: str, db: str | None, disabled: bool) -> None:
    from prefkit.annotate import set_disabled
    from prefkit.data import open_store

    with open_store(db) as store, store.engine.begin() as conn:
        set_disabled(conn, name, disabled)
    console.print(f"{name} is {'disabled' if disabled else 'enabled'}")


@user_app.command("list")
def user_list(db: DbOption = None, as_json: JsonOption = False) -> None:
    """The accounts: name, role, disabled."""
    from prefkit.data import open_store

    with open_store(db) as store, store.engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT name, role, disabled FROM users ORDER BY name")
        ).fetchall()
    users = [{"name": r[0], "role": r[1], "disabled": bool(r[2])} for r in rows]
    if as_json:
        print_json(users)
        return
    for u in users:
        console.print(f"{u['name']} ({u['role']})" + ("  disabled" if u["disabled"] else ""))


def _print_invite(name: str, role: str, token: str, base_url: str, as_json: bool) -> None:
    link = f"{base_url.rstrip('/')}/invite/{token}"
    if as_json:
        print_json({"name": name, "role": role, "token": token, "invite_url": link})
        return
    console.print(f"{name} ({role}): {link}", highlight=False, soft_wrap=True)


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
) -> None:
    """Serve the annotation workbench (one process; every write goes through one writer)."""
    import uvicorn

    from prefkit.annotate import (
        create_app,
        create_campaign,
        create_user,
        guarded_protocol,
        load_campaign_config,
        reset_token,
    )
    from prefkit.data import import_sources, open_store, sample_paths
    from prefkit.data import schema as t

    store = open_store(db)
    base = f"http://{host}:{port}"
    links: list[tuple[str, str, str]] = []
    with store.engine.begin() as conn:
        has_admin = conn.execute(sa.select(t.users.c.id).where(t.users.c.role == "admin")).first()
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
            with store.engine.begin() as conn:
                exists = conn.execute(sa.select(t.users.c.id).where(t.users.c.name == name)).first()
                token = reset_token(conn, name) if exists else create_user(conn, name, role)[1]
            links.append((name, role, token))
    elif not has_admin:
        with store.engine.begin() as conn:
            _user, token = create_user(conn, "admin", "admin")
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
    uvicorn.run(
        create_app(store, secure_cookies=secure_cookies),
        host=host,
        port=port,
        log_level="warning",
        http=guarded_protocol(read_timeout),  # slow clients are closed (see SECURITY.md)
        limit_concurrency=limit_concurrency,
        timeout_keep_alive=5,
    )
