"""Regressions for the workbench and importer hardening (each failed on the code before it):
revocation that holds, hostile text, markup in data, limits."""

from __future__ import annotations

import gzip
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from prefkit.annotate import create_app, create_user, reset_token, set_disabled
from prefkit.cli import app as cli
from prefkit.data import judgment_from_dict, read_records, write_records
from prefkit.errors import PrefkitError, RecordError

from .conftest import RATIONALE, Workbench, ratings


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def sign_in(c: TestClient, wb: Workbench, name: str) -> dict[str, Any]:
    """A session for ``name`` from a fresh single-use link (earlier sessions are kept)."""
    with wb.store.engine.begin() as conn:
        link = reset_token(conn, name, keep_sessions=True)
    r = c.post("/api/login", json={"token": link})
    assert r.status_code == 200, r.text
    out: dict[str, Any] = r.json()
    return out


def submit_body(**kw: Any) -> dict[str, Any]:
    return {"key": uuid.uuid4().hex, "preference": "left", "ratings": ratings(),
            "rationale": RATIONALE, **kw}  # fmt: skip


# ---------------------------------------------------------------------------- revocation


def test_a_revoked_token_is_refused_on_the_very_next_request(workbench: Workbench) -> None:
    old = workbench.invites["alice"]
    with TestClient(create_app(workbench.store)) as c:
        session = c.post("/api/login", json={"token": old}).json()["session"]
        assert c.get("/api/me", headers=bearer(session)).status_code == 200
        with workbench.store.engine.begin() as conn:
            new = reset_token(conn, "alice")
        # no grace period: the old link cannot sign in, nor is it a bearer token, and the
        # session it made has ended
        assert c.post("/api/login", json={"token": old}).status_code == 401
        assert c.get("/api/me", headers=bearer(old)).status_code == 401
        assert c.get("/api/me", headers=bearer(session)).status_code == 401
        assert c.post("/api/login", json={"token": new}).status_code == 200


def test_an_invitation_signs_in_once_and_is_not_an_api_credential(workbench: Workbench) -> None:
    link = workbench.invites["bob"]
    with TestClient(create_app(workbench.store)) as c:
        assert c.get(f"/invite/{link}").status_code == 200  # shown: a link preview spends nothing
        assert c.get("/api/me", headers=bearer(link)).status_code == 401
        first = c.post("/api/login", json={"token": link})
        assert first.status_code == 200
        again = c.post("/api/login", json={"token": link})
        assert again.status_code == 401 and "used already" in again.json()["detail"]
        page = c.get(f"/invite/{link}")
        assert page.status_code == 404 and "used already" in page.text
        # a second device: a new link that keeps the first session alive
        with workbench.store.engine.begin() as conn:
            second = reset_token(conn, "bob", keep_sessions=True)
        assert c.get("/api/me", headers=bearer(first.json()["session"])).status_code == 200
        assert c.post("/api/login", json={"token": second}).status_code == 200


def test_an_expired_invitation_is_refused_with_its_date(workbench: Workbench) -> None:
    with workbench.store.engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE users SET invite_expires_at = :t WHERE name = 'alice'"),
            {"t": "2020-01-02 03:04:00"},
        )
    with TestClient(create_app(workbench.store)) as c:
        r = c.post("/api/login", json={"token": workbench.invites["alice"]})
        assert r.status_code == 401 and "expired on 2020-01-02 03:04" in r.json()["detail"]
    listed = CliRunner().invoke(cli, ["user", "list", "--db", workbench.url, "--json"])
    states = {u["name"]: u["invitation"] for u in json.loads(listed.output)}
    assert states == {"boss": "pending", "alice": "expired", "bob": "pending"}
    with workbench.store.engine.begin() as conn, pytest.raises(PrefkitError, match="0-365 days"):
        reset_token(conn, "alice", invite_days=0)


def test_two_sign_ins_racing_with_one_link_give_one_session(workbench: Workbench) -> None:
    import concurrent.futures

    import httpx

    from .conftest import server

    with server(workbench.url) as (base, _proc):
        link = workbench.invites["alice"]
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            codes = list(
                pool.map(
                    lambda _: httpx.post(base + "/api/login", json={"token": link}).status_code,
                    range(8),
                )
            )
    assert sorted(codes) == [200] + [401] * 7
    with workbench.store.engine.connect() as conn:
        n = conn.execute(
            sa.text(
                "SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id "
                "WHERE u.name = 'alice'"
            )
        ).scalar()
    assert n == 1


def test_api_tokens_are_made_listed_and_revoked_one_by_one(workbench: Workbench) -> None:
    with TestClient(create_app(workbench.store)) as c:
        mine = bearer(workbench.tokens["alice"])
        made = c.post("/api/tokens", json={"label": "nightly export", "days": 30}, headers=mine)
        assert made.status_code == 201, made.text
        tok = made.json()
        assert tok["token"].startswith("prefkit_") and tok["expires_at"] is not None
        h = bearer(tok["token"])
        assert c.get("/api/me", headers=h).json()["name"] == "alice"
        listed = c.get("/api/tokens", headers=mine).json()
        assert [t["label"] for t in listed] == ["tests", "nightly export"]
        assert all("token" not in t for t in listed)
        assert listed[1]["last_used_at"] is not None  # the request above
        # bob cannot revoke alice's token
        r = c.delete(f"/api/tokens/{tok['id']}", headers=bearer(workbench.tokens["bob"]))
        assert r.status_code == 404
        assert c.delete(f"/api/tokens/{tok['id']}", headers=mine).status_code == 204
        assert c.get("/api/me", headers=h).status_code == 401  # the very next request
        assert c.get("/api/me", headers=mine).status_code == 200  # the other one still works
        # an expired token is refused
        with workbench.store.engine.begin() as conn:
            conn.execute(sa.text("UPDATE api_tokens SET expires_at = '2020-01-01 00:00:00'"))
        assert c.get("/api/me", headers=mine).status_code == 401
    # the CLI: add, list, revoke
    r = CliRunner().invoke(
        cli, ["user", "api-token", "add", "bob", "--label", "ci", "--db", workbench.url, "--json"]
    )
    assert r.exit_code == 0, r.output
    made = json.loads(r.output)
    with TestClient(create_app(workbench.store)) as c:
        assert c.get("/api/me", headers=bearer(made["token"])).json()["name"] == "bob"
        r = CliRunner().invoke(
            cli, ["user", "api-token", "revoke", "bob", str(made["id"]), "--db", workbench.url]
        )
        assert r.exit_code == 0, r.output
        assert c.get("/api/me", headers=bearer(made["token"])).status_code == 401
    r = CliRunner().invoke(cli, ["user", "api-token", "revoke", "bob", "--db", workbench.url])
    assert isinstance(r.exception, PrefkitError) and "give a token id or --all" in str(r.exception)


def test_admins_manage_people_from_the_admin_pages(workbench: Workbench) -> None:
    with TestClient(create_app(workbench.store), follow_redirects=False) as c:
        c.get("/login")
        c.post(
            "/login",
            data={"token": workbench.invites["boss"], "csrf": c.cookies["prefkit_login_csrf"]},
        )
        page = c.get("/admin").text
        csrf = page.split('name="csrf" value="')[1].split('"')[0]
        assert "pending" in page and "New sign-in link" in page
        alice = bearer(workbench.tokens["alice"])
        r = c.post("/admin/users/disable", data={"csrf": csrf, "name": "alice"})
        assert r.status_code == 303
        assert c.get("/api/me", headers=alice).status_code == 401
        assert "<strong>disabled</strong>" in c.get("/admin").text
        c.post("/admin/users/enable", data={"csrf": csrf, "name": "alice"})
        assert c.get("/api/me", headers=alice).status_code == 200
        r = c.post("/admin/users/invitation", data={"csrf": csrf, "name": "alice"})
        link = r.text.split('id="invite-link">')[1].split("<")[0]
        assert "previous link no longer works" in r.text
        assert (
            c.post("/admin/users/disable", data={"csrf": "forged", "name": "bob"}).status_code
            == 403
        )
        assert (
            c.post("/admin/users/disable", data={"csrf": csrf, "name": "boss"}).status_code == 422
        )
        assert (
            c.post("/admin/users/disable", data={"csrf": csrf, "name": "nobody"}).status_code == 404
        )
    with TestClient(create_app(workbench.store)) as c:
        assert c.post("/api/login", json={"token": workbench.invites["alice"]}).status_code == 401
        assert c.post("/api/login", json={"token": link.rsplit("/", 1)[1]}).status_code == 200


def test_no_session_older_than_the_last_credential_change(workbench: Workbench) -> None:
    with TestClient(create_app(workbench.store)) as c:
        session = c.post("/api/login", json={"token": workbench.invites["bob"]}).json()["session"]
        assert c.get("/api/me", headers=bearer(session)).status_code == 200
        with workbench.store.engine.begin() as conn:  # a change that left the session row
            conn.execute(
                sa.text("UPDATE users SET credentials_at = :t WHERE name = 'bob'"),
                {"t": "2999-01-01 00:00:00"},
            )
        assert c.get("/api/me", headers=bearer(session)).status_code == 401


def test_disable_and_enable_from_the_cli(workbench: Workbench) -> None:
    token = workbench.tokens["alice"]
    with TestClient(create_app(workbench.store)) as c:
        assert c.get("/api/me", headers=bearer(token)).status_code == 200
        r = CliRunner().invoke(cli, ["user", "disable", "alice", "--db", workbench.url])
        assert r.exit_code == 0, r.output
        assert c.get("/api/me", headers=bearer(token)).status_code == 401
        r = CliRunner().invoke(cli, ["user", "enable", "alice", "--db", workbench.url])
        assert r.exit_code == 0 and c.get("/api/me", headers=bearer(token)).status_code == 200
    listed = CliRunner().invoke(cli, ["user", "list", "--db", workbench.url, "--json"])
    assert {u["name"]: u["disabled"] for u in json.loads(listed.output)}["alice"] is False
    with workbench.store.engine.begin() as conn, pytest.raises(PrefkitError, match="no user"):
        set_disabled(conn, "nobody", True)


def test_progress_of_a_campaign_one_is_not_in_is_404(bench_sqlite: Workbench) -> None:
    from prefkit.annotate import CampaignConfig, create_campaign

    cfg = {"name": "private", "pairs": {"dataset": "hh-rlhf", "limit": 4}, "annotators": ["bob"]}
    create_campaign(bench_sqlite.store, CampaignConfig.model_validate(cfg))
    with TestClient(create_app(bench_sqlite.store)) as c:
        h = bearer(bench_sqlite.tokens["alice"])
        assert c.get("/api/campaigns/private/progress", headers=h).status_code == 404
        assert c.get("/api/campaigns/private/assignment", headers=h).status_code == 404
        ok = c.get("/api/campaigns/private/progress", headers=bearer(bench_sqlite.tokens["bob"]))
        assert ok.status_code == 200


def test_names_with_bidi_controls_are_refused(bench_sqlite: Workbench) -> None:
    with bench_sqlite.store.engine.begin() as conn, pytest.raises(PrefkitError, match=r"U\+202E"):
        create_user(conn, "ali\u202ecod")


# ---------------------------------------------------------------------------- hostile text


def test_a_dollar_in_names_does_not_break_the_reports(tmp_path: Path) -> None:
    recs = [
        judgment_from_dict(
            {
                "prompt": f"p{i}",
                "responses": [
                    {"id": "a", "text": f"A{i}", "model": r"$\badmath$"},
                    {"id": "b", "text": f"B{i}", "model": "m$2"},
                ],
                "preference": "a" if i % 3 else "b",
                "annotator": ann,
                "shown": ["a", "b"] if i % 2 else ["b", "a"],
            }
        )
        for i in range(12)
        for ann in (r"$\badmath$", "x$y")
    ]
    path = tmp_path / "d.jsonl"
    write_records(recs, path)
    for cmd in (
        ["analyze", str(path), "--bootstrap", "10"],
        ["rank", str(path), "--bootstrap", "10"],
    ):
        r = CliRunner().invoke(cli, [*cmd, "--html", str(tmp_path / "r.html")])
        assert r.exit_code == 0, (cmd, r.output, r.exception)
        assert "data:image/svg+xml" in (tmp_path / "r.html").read_text()


def test_cli_errors_are_never_read_as_markup(tmp_path: Path) -> None:
    from prefkit.cli import main

    (tmp_path / "[").mkdir()
    bad = tmp_path / "[" / "x].jsonl"  # its path holds "[/x].jsonl"
    bad.write_text(json.dumps({"prompt": "p", "responses": [{"id": "a", "text": "t"},
                   {"id": "b", "text": "u"}], "preference": "[/bold]"}) + "\n")  # fmt: skip
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", "from prefkit.cli import main; main()", "import", str(bad),
         "--db", f"sqlite:///{tmp_path / 's.db'}"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert out.returncode == 1 and "Traceback" not in out.stderr, out.stderr
    err = " ".join(out.stderr.split())
    assert "[/x].jsonl:1" in err and "'[/bold]' is not a response id" in err
    assert callable(main)


@pytest.mark.parametrize(
    ("bad", "what"), [("\ud800", "lone surrogate (U+D800)"), ("\x00", "NUL character (U+0000)")]
)
def test_surrogates_and_nul_are_clear_errors_on_both_databases(
    workbench: Workbench, tmp_path: Path, bad: str, what: str
) -> None:
    path = tmp_path / "bad.jsonl"
    good = {"prompt": "p", "responses": [{"id": "a", "text": "ok"}, {"id": "b", "text": "no"}],
            "preference": "a"}  # fmt: skip
    lines = [json.dumps(good), json.dumps({**good, "rationale": f"x{bad}y"})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["import", str(path), "--db", workbench.url])
    assert r.exit_code != 0
    assert isinstance(r.exception, RecordError)
    assert f"{path}:2: field 'rationale': contains a {what} at character 2" in str(r.exception)
    with TestClient(create_app(workbench.store)) as c:
        h = bearer(workbench.tokens["alice"])
        a = c.get("/api/campaigns/demo/assignment", headers=h).json()["assignment"]
        hj = {**h, "Content-Type": "application/json"}
        raw = json.dumps({"draft": {"rationale": f"a{bad}"}}).encode()  # \ud800 as JSON escape
        draft = c.put(f"/api/assignments/{a['id']}/draft", content=raw, headers=hj)
        assert draft.status_code == 422 and what in draft.text, draft.text
        raw = json.dumps(submit_body(rationale=RATIONALE + bad)).encode()
        sub = c.post(f"/api/assignments/{a['id']}/submit", content=raw, headers=hj)
        # a 422 that names the field (pydantic refuses a surrogate while parsing the JSON)
        assert sub.status_code == 422 and '"rationale"' in sub.text, sub.text


def test_a_rating_sent_as_a_string_is_refused(bench_sqlite: Workbench) -> None:
    with TestClient(create_app(bench_sqlite.store)) as c:
        h = bearer(bench_sqlite.tokens["alice"])
        a = c.get("/api/campaigns/demo/assignment", headers=h).json()["assignment"]
        r = ratings()
        first = next(iter(r))
        r[first]["left"] = "4"  # type: ignore[assignment]
        sub = c.post(f"/api/assignments/{a['id']}/submit", json=submit_body(ratings=r), headers=h)
        assert sub.status_code == 422


# ---------------------------------------------------------------------------- importers


def test_invalid_utf8_is_reported_on_its_own_line(tmp_path: Path) -> None:
    good = json.dumps({"prompt": "p", "responses": [{"id": "a", "text": "x" * 40}]}) + "\n"
    data = good.encode() * 2999 + b'{"prompt": "\xff"}\n' + good.encode()
    path = tmp_path / "u.jsonl"
    path.write_bytes(data)
    with pytest.raises(RecordError, match=r"u.jsonl:3000: not UTF-8 text: byte 0xff"):
        read_records(path)


def test_format_detection_says_what_is_wrong(tmp_path: Path) -> None:
    rec = {"prompt": "p", "responses": [{"id": "a", "text": "t"}]}
    bom = tmp_path / "bom.jsonl"
    bom.write_bytes(b"\xef\xbb\xbf" + json.dumps(rec).encode() + b"\n")
    assert len(read_records(bom)) == 1  # a byte-order mark is fine
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n")
    with pytest.raises(PrefkitError, match="the file is empty"):
        read_records(empty)
    deep = tmp_path / "deep.jsonl"
    deep.write_text("[" * 100_000 + "]" * 100_000 + "\n")
    with pytest.raises(PrefkitError, match="nested too deeply"):
        read_records(deep)
    gz = tmp_path / "cut.jsonl.gz"
    gz.write_bytes(gzip.compress((json.dumps(rec) + "\n").encode() * 500)[:60])
    with pytest.raises(PrefkitError, match="truncated or corrupt compressed file"):
        read_records(gz)


def test_a_line_length_cap_instead_of_memory_error(tmp_path: Path, monkeypatch: Any) -> None:
    import prefkit.data._io as io_

    monkeypatch.setattr(io_, "MAX_LINE_BYTES", 1000)
    path = tmp_path / "long.jsonl"
    path.write_text(json.dumps({"prompt": "p", "responses": [{"id": "a", "text": "x" * 5000}]}))
    with pytest.raises(RecordError, match=r"long.jsonl:1: line longer than 0 MiB"):
        read_records(path, "prefkit")


def test_hh_rlhf_without_an_assistant_turn_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "hh.jsonl"
    ok = {
        "chosen": "\n\nHuman: hi\n\nAssistant: hello",
        "rejected": "\n\nHuman: hi\n\nAssistant: no",
    }
    bad = {"chosen": "\n\nHuman: hi", "rejected": "\n\nHuman: hi"}
    path.write_text(json.dumps(ok) + "\n" + json.dumps(bad) + "\n")
    with pytest.raises(RecordError, match=r"hh.jsonl:2: field 'chosen': has no"):
        read_records(path, "hh-rlhf")
    from prefkit.data import load_records

    res = load_records(path, "hh-rlhf", skip_invalid=True)
    assert len(res.records) == 1 and len(res.invalid) == 1


def test_csv_export_neutralizes_formulas_and_reads_back(tmp_path: Path) -> None:
    rec = judgment_from_dict({"prompt": "=HYPERLINK(\"http://x\",\"click\")", "responses": [
        {"id": "a", "text": "- a list"}, {"id": "b", "text": "'=quoted"}], "preference": "a"})  # fmt: skip
    out = tmp_path / "x.csv"
    write_records([rec], out, "csv")
    text = out.read_text()
    assert "'=HYPERLINK" in text and ',"=HYPERLINK' not in text
    back = read_records(out)
    assert back[0].prompt == rec.prompt and [r.text for r in back[0].responses] == [
        "- a list",
        "'=quoted",
    ]


def test_markdown_images_render_as_links() -> None:
    from prefkit.annotate._render import render_markdown

    html = render_markdown("![cat](https://tracker.example/p.png) ![x](javascript:alert(1))")
    assert "<img" not in html and 'href="https://tracker.example/p.png"' in html
    assert "[image: cat]" in html and 'href="javascript' not in html


def test_secure_cookies_use_the_host_prefix_and_hsts(bench_sqlite: Workbench) -> None:
    app = create_app(bench_sqlite.store, secure_cookies=True)
    with TestClient(app, base_url="https://testserver") as c:
        page = c.get("/login")
        assert page.headers["strict-transport-security"].startswith("max-age=31536000")
        set = page.headers["set-cookie"]
        assert set.startswith("__Host-prefkit_login_csrf=") and "Secure" in set and "Path=/" in set
        r = c.post("/api/login", json={"token": bench_sqlite.invites["alice"]})
        cookie = r.headers["set-cookie"]
        assert cookie.startswith("__Host-prefkit_session=") and "Secure" in cookie
        assert "HttpOnly" in cookie and "Domain" not in cookie
        assert c.get("/api/me").status_code == 200  # the prefixed cookie signs in
    with TestClient(create_app(bench_sqlite.store)) as c:  # plain HTTP: no HSTS
        assert "strict-transport-security" not in c.get("/login").headers


def test_sign_out_everywhere_ends_every_session(bench_sqlite: Workbench) -> None:
    with TestClient(create_app(bench_sqlite.store)) as c:
        other = sign_in(c, bench_sqlite, "bob")["session"]
        mine = sign_in(c, bench_sqlite, "bob")
        with bench_sqlite.store.engine.begin() as conn:
            unused = reset_token(conn, "bob", keep_sessions=True)
        r = c.post("/logout-everywhere", headers={"X-CSRF-Token": mine["csrf"]},
                   follow_redirects=False)  # fmt: skip
        assert r.status_code == 303
        assert c.get("/api/me", headers=bearer(other)).status_code == 401
        assert c.get("/api/me", headers=bearer(mine["session"])).status_code == 401
        # an unused invitation still signs in
        assert c.post("/api/login", json={"token": unused}).status_code == 200


def test_sign_in_is_throttled_per_client_and_per_account(
    bench_sqlite: Workbench, caplog: Any
) -> None:
    with TestClient(create_app(bench_sqlite.store)) as c:
        codes = [c.post("/api/login", json={"token": f"wrong-{i}"}).status_code for i in range(25)]
        assert codes[:20] == [401] * 20 and set(codes[20:]) == {429}
        r = c.post("/api/login", json={"token": bench_sqlite.invites["alice"]})
        assert r.status_code == 429 and int(r.headers["retry-after"]) > 0  # the address waits
        assert c.get("/api/me", headers=bearer("another-wrong")).status_code == 429
    assert any("sign-in throttled" in m for m in caplog.messages)
    with TestClient(create_app(bench_sqlite.store)) as c:  # a fresh server: per account
        codes = []
        for _ in range(31):
            with bench_sqlite.store.engine.begin() as conn:
                link = reset_token(conn, "bob", keep_sessions=True)
            codes.append(c.post("/api/login", json={"token": link}).status_code)
        assert codes[:30] == [200] * 30 and codes[30] == 429
        # the refused sign-in did not spend the link: it works once the window has passed
        with bench_sqlite.store.engine.connect() as conn:
            used = conn.execute(
                sa.text("SELECT invite_used_at FROM users WHERE name = 'bob'")
            ).scalar()
        assert used is None


def test_creating_a_campaign_does_not_block_other_requests(
    bench_sqlite: Workbench, monkeypatch: Any
) -> None:
    """A big campaign takes seconds to build; the handler used to run it on the event loop."""
    import asyncio
    import time as time_mod

    import httpx

    import prefkit.annotate._api as api

    real = api.create_campaign

    def slow(store: Any, config: Any) -> Any:
        time_mod.sleep(1.0)  # a stand-in for a 50,000-pair campaign
        return real(store, config)

    monkeypatch.setattr(api, "create_campaign", slow)
    app = create_app(bench_sqlite.store)
    order: list[str] = []

    async def main() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            h = bearer(bench_sqlite.tokens["boss"])

            async def create() -> None:
                cfg = {"name": "big", "pairs": {"dataset": "hh-rlhf", "limit": 5}}
                r = await c.post("/api/admin/campaigns", json=cfg, headers=h)
                assert r.status_code == 200, r.text
                order.append("create")

            async def ping() -> None:
                await asyncio.sleep(0.2)  # while the campaign is being built
                assert (await c.get("/healthz")).status_code == 200
                order.append("ping")

            await asyncio.gather(create(), ping())

    asyncio.run(main())
    assert order == ["ping", "create"]


def test_a_huge_unbroken_word_gets_break_opportunities() -> None:
    """A 100 kB word took Chromium 4.8 s to lay out; <wbr> every 40 characters fixes that."""
    import re

    from prefkit.annotate._render import render_markdown

    word = "ab&c" * 25_000  # 100 kB with entities to keep whole
    html = render_markdown(f"see {word} end")
    assert html.count("<wbr>") >= 100_000 // 40 - 10
    assert re.sub("<wbr>", "", html) == f"<p>see {word.replace('&', '&amp;')} end</p>\n"
    assert "&am<wbr>" not in html and "&<wbr>amp;" not in html


def test_an_idle_session_is_refused_and_a_used_one_is_kept_alive(workbench: Workbench) -> None:
    with TestClient(create_app(workbench.store)) as c:
        s1 = c.post("/api/login", json={"token": workbench.invites["alice"]}).json()["session"]
        s2 = c.post("/api/login", json={"token": workbench.invites["bob"]}).json()["session"]
        with workbench.store.engine.begin() as conn:  # s1 last used 13 h ago, s2 10 min ago
            conn.execute(
                sa.text(
                    "UPDATE sessions SET last_seen = :t WHERE user_id = "
                    "(SELECT id FROM users WHERE name = :n)"
                ),
                [{"t": _ago(13 * 3600), "n": "alice"}, {"t": _ago(600), "n": "bob"}],
            )
        assert c.get("/api/me", headers=bearer(s1)).status_code == 401  # idle over 12 h
        assert c.get("/api/me", headers=bearer(s2)).status_code == 200
        with workbench.store.engine.connect() as conn:  # ... and that use was recorded
            seen = conn.execute(
                sa.text(
                    "SELECT last_seen FROM sessions s JOIN users u ON u.id = s.user_id "
                    "WHERE u.name = 'bob'"
                )
            ).scalar_one()
        assert _age(seen) < 60


def _ago(seconds: float) -> Any:
    from datetime import UTC, datetime, timedelta

    return (datetime.now(UTC) - timedelta(seconds=seconds)).replace(tzinfo=None)


def _age(value: Any) -> float:
    from datetime import UTC, datetime

    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return (datetime.now(UTC).replace(tzinfo=None) - value).total_seconds()
