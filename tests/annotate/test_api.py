"""The JSON API and the pages through FastAPI's client, on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from prefkit.annotate import create_app

from .conftest import RATIONALE, Workbench, ratings


def bearer(wb: Workbench, name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {wb.tokens[name]}"}


def body(**kw: Any) -> dict[str, Any]:
    return {
        "key": uuid.uuid4().hex,
        "preference": "left",
        "ratings": ratings(),
        "rationale": RATIONALE,
        **kw,
    }


def test_submit_is_exactly_once_and_writes_the_canonical_record(workbench: Workbench) -> None:
    with TestClient(create_app(workbench.store)) as c:
        h = bearer(workbench, "alice")
        nxt = c.get("/api/campaigns/demo/assignment", headers=h).json()
        a = nxt["assignment"]
        # Reloading gives the same assignment, same sides.
        assert c.get("/api/campaigns/demo/assignment", headers=h).json()["assignment"] == a
        b = body(preference="right", rationale="  " + RATIONALE + "  ")
        first = c.post(f"/api/assignments/{a['id']}/submit", json=b, headers=h)
        assert first.status_code == 200, first.text
        again = c.post(f"/api/assignments/{a['id']}/submit", json=b, headers=h)  # a retry
        assert again.status_code == 200 and again.json()["duplicate"] is True
        assert again.json()["judgment_id"] == first.json()["judgment_id"]
        other = c.post(f"/api/assignments/{a['id']}/submit", json=body(), headers=h)
        assert other.status_code == 409
        assert first.json()["next"]["assignment"]["id"] != a["id"]
    recs = workbench.store.records(campaign="demo")
    assert len(recs) == 1
    rec = recs[0]
    left, right = rec.shown  # type: ignore[misc]
    texts = {r.id: r.text for r in rec.responses}
    assert (texts[left], texts[right]) == (a["left"], a["right"])
    assert rec.preference == right and rec.annotator == "alice" and rec.source == "human"
    assert rec.ratings == {
        c: {left: 4, right: 2} for c in ("helpfulness", "harmlessness", "honesty")
    }
    assert rec.rationale == RATIONALE
    assert rec.metadata["campaign"] == "demo" and rec.metadata["assignment"] == a["id"]
    assert rec.timings is not None and rec.timings.duration_ms is not None
    # blinded: the annotator sees the texts and the form, never ids, sources or models
    assert set(a) == {"id", "campaign", "seq", "prompt", "left", "right", "criteria",
                      "allow_ties", "ask_strength", "min_rationale_chars", "draft"}  # fmt: skip
    hidden = {r.id for r in rec.responses} | {r.model for r in rec.responses if r.model}
    shown_values = [a["id"], a["campaign"], a["seq"], a["draft"]]
    assert not hidden & {str(v) for v in shown_values}


@pytest.mark.parametrize(
    ("change", "status", "words"),
    [
        ({"ratings": {"helpfulness": {"left": 4, "right": 2}}}, 422, "rate both responses on"),
        ({"ratings": ratings(left=6)}, 422, "outside 1-5"),
        ({"ratings": ratings(left=0)}, 422, "outside 1-5"),
        ({"rationale": "Too short."}, 422, "at least 80 characters"),
        ({"preference": "A"}, 422, "preference"),
        ({"strength": 2}, 422, "does not ask for a strength"),
        ({"key": "x"}, 422, "key"),
        ({"extra": 1}, 422, "extra"),
    ],
)
def test_invalid_submissions_store_nothing(
    bench_sqlite: Workbench, change: dict[str, Any], status: int, words: str
) -> None:
    wb = bench_sqlite
    with TestClient(create_app(wb.store)) as c:
        h = bearer(wb, "alice")
        aid = c.get("/api/campaigns/demo/assignment", headers=h).json()["assignment"]["id"]
        r = c.post(f"/api/assignments/{aid}/submit", json={**body(), **change}, headers=h)
        assert r.status_code == status, r.text
        assert words in r.text
    assert wb.store.count(campaign="demo") == 0


def test_an_annotator_cannot_touch_another_annotators_work(workbench: Workbench) -> None:
    with TestClient(create_app(workbench.store)) as c:
        alice, bob = bearer(workbench, "alice"), bearer(workbench, "bob")
        aid = c.get("/api/campaigns/demo/assignment", headers=alice).json()["assignment"]["id"]
        for method, path, payload in (
            ("post", f"/api/assignments/{aid}/submit", body()),
            ("post", f"/api/assignments/{aid}/skip", {"reason": "not mine"}),
            ("put", f"/api/assignments/{aid}/draft", {"draft": {"x": 1}}),
        ):
            r = getattr(c, method)(path, json=payload, headers=bob)
            assert r.status_code == 404 and "not one of yours" in r.text
        c.post(f"/api/assignments/{aid}/submit", json=body(), headers=alice)
        for path in (
            "/api/admin/campaigns/demo/export",
            "/api/admin/campaigns/demo/figures",
            "/admin",
            "/admin/c/demo",
            "/admin/c/demo/export/prefkit.jsonl",
        ):
            r = c.get(path, headers=bob)
            assert r.status_code == 403, path
            assert RATIONALE not in r.text
    assert workbench.store.count(campaign="demo") == 1


def routes(app: Any) -> list[Any]:
    """Every route, including those of included routers (FastAPI includes them lazily)."""
    out = []
    for r in app.routes:
        inner = getattr(r, "original_router", None)
        out.extend(inner.routes if inner is not None else [r])
    return out


def test_every_route_needs_a_sign_in(bench_sqlite: Workbench) -> None:
    app = create_app(bench_sqlite.store)
    public = {"/login", "/invite/{token}", "/join/{campaign}/{key}", "/healthz", "/favicon.ico"}
    public.add("/api/login")  # sign-in: an invitation, or a crowd study link (test_crowd.py)
    public |= {"/api/openapi.json", "/api/docs", "/api/docs-assets"}  # docs: public files
    with TestClient(app, follow_redirects=False) as c:
        checked = 0
        for route in routes(app):
            path = getattr(route, "path", "")
            if path in public or path.startswith("/static"):
                continue
            methods = route.methods if isinstance(route, APIRoute) else {"GET"}
            url = (
                path.replace("{campaign}", "demo")
                .replace("{assignment_id}", "1")
                .replace("{kind}", "prefkit.jsonl")
            )
            for method in methods - {"HEAD"}:
                r = c.request(method, url, json={})
                if path.startswith("/api/"):
                    assert r.status_code == 401, (method, path, r.status_code)
                else:
                    assert r.status_code in (303, 401), (method, path, r.status_code)
                checked += 1
        assert checked >= 15


def test_admin_routes_refuse_annotators(bench_sqlite: Workbench) -> None:
    app = create_app(bench_sqlite.store)
    with TestClient(app, follow_redirects=False) as c:
        h = bearer(bench_sqlite, "alice")
        admin_routes = [r for r in routes(app) if "/admin" in getattr(r, "path", "")]
        assert len(admin_routes) >= 8
        for route in admin_routes:
            assert isinstance(route, APIRoute)
            url = (
                route.path.replace("{campaign}", "demo")
                .replace("{kind}", "prefkit.jsonl")
                .replace("{action}", "disable")
                .replace("{name}", "bob")
            )
            for method in route.methods - {"HEAD"}:
                r = c.request(method, url, json={"name": "x"}, headers=h)
                assert r.status_code == 403, (method, route.path, r.status_code)


def test_cookie_sessions_need_the_csrf_token(bench_sqlite: Workbench) -> None:
    wb = bench_sqlite
    with TestClient(create_app(wb.store), follow_redirects=False) as c:
        page = c.get("/login")
        assert page.status_code == 200
        bad = c.post("/login", data={"token": wb.invites["alice"], "csrf": "forged"})
        assert bad.status_code == 403
        ok = c.post(
            "/login", data={"token": wb.invites["alice"], "csrf": c.cookies["prefkit_login_csrf"]}
        )
        assert ok.status_code == 303 and "prefkit_session" in c.cookies
        aid = c.get("/api/campaigns/demo/assignment").json()["assignment"]["id"]
        r = c.put(f"/api/assignments/{aid}/draft", json={"draft": {"rationale": "x"}})
        assert r.status_code == 403 and "CSRF" in r.text
        html = c.get("/c/demo").text
        csrf = html.split('name="csrf-token" content="')[1].split('"')[0]
        r = c.put(
            f"/api/assignments/{aid}/draft",
            json={"draft": {"rationale": "x"}},
            headers={"X-CSRF-Token": csrf},
        )
        assert r.status_code == 200
        assert c.post("/logout", data={}).status_code == 403  # forms need it too
        assert c.post("/logout", data={"csrf": csrf}).status_code == 303


def test_overlap_repeats_and_gold(tmp_path: Any) -> None:
    from .conftest import make_workbench

    wb = make_workbench(
        f"sqlite:///{tmp_path / 'q.db'}",
        pairs={"dataset": "hh-rlhf", "limit": 4},
        overlap=2,
        repeats=1.0,
        repeat_gap=1,
        attention_checks=[
            {
                "prompt": "Attention check: pick the reply that says 'pick me'.",
                "responses": [{"id": "r1", "text": "pick me"}, {"id": "r2", "text": "not me"}],
                "answer": "r1",
            }
        ],
        gold_min=1,
    )
    with TestClient(create_app(wb.store)) as c:
        seen: dict[str, list[dict[str, Any]]] = {}
        for name in ("alice", "bob", "boss"):
            h = bearer(wb, name)
            seen[name] = []
            nxt = c.get("/api/campaigns/demo/assignment", headers=h).json()
            while not nxt["finished"]:
                a = nxt["assignment"]
                seen[name].append(a)
                # Always "left": on a repeat (sides swapped) that is the other response.
                r = c.post(f"/api/assignments/{a['id']}/submit", json=body(), headers=h)
                assert r.status_code == 200, r.text
                nxt = r.json()["next"]
        figs = c.get("/api/admin/campaigns/demo/figures", headers=bearer(wb, "boss")).json()
    # overlap 2: alice and bob take the 4 pairs; the admin gets only the attention check.
    assert (
        len({a["prompt"] and a["id"] for a in seen["alice"]}) == 4 + 1 + 4
    )  # pairs, check, repeats
    assert len(seen["boss"]) == 1
    by = {r["annotator"]: r for r in figs["annotators"]}
    assert by["alice"]["repeats"] == 4 and by["alice"]["self_consistency"] == 0.0
    recs = [r for r in wb.store.records(campaign="demo") if r.annotator == "alice"]
    repeats = [r for r in recs if "repeat_of" in r.metadata]
    originals = {r.id: r for r in recs}
    for rep in repeats:
        orig = originals[rep.metadata["repeat_of"]]
        assert rep.shown == list(reversed(orig.shown))  # type: ignore[arg-type]
    assert figs["agreement"]["annotator_pairs"] == 4
    wb.store.close()


def test_a_form_cannot_file_an_assignment_under_another_campaign(bench_sqlite: Workbench) -> None:
    wb = bench_sqlite
    from prefkit.annotate import CampaignConfig, create_campaign

    create_campaign(
        wb.store, CampaignConfig(name="other", pairs={"dataset": "hh-rlhf", "limit": 2})
    )
    with TestClient(create_app(wb.store), follow_redirects=False) as c:
        h = bearer(wb, "alice")
        aid = c.get("/api/campaigns/demo/assignment", headers=h).json()["assignment"]["id"]
        form = {f"rating.{k}.{s}": "3" for k in ratings() for s in ("left", "right")}
        form |= {"assignment": str(aid), "key": "formkey-123", "preference": "tie"}
        form["rationale"] = RATIONALE
        r = c.post("/c/other/submit", data=form, headers=h)
        assert r.status_code == 404
        r = c.post("/c/demo/submit", data={**form, "assignment": "9" * 40}, headers=h)
        assert r.status_code == 422
        r = c.post("/c/demo/submit", data=form, headers=h)  # the no-JavaScript path works
        assert r.status_code == 303
    recs = wb.store.records(campaign="demo")
    assert len(recs) == 1 and recs[0].preference == "tie"
    assert wb.store.count(campaign="other") == 0


def test_progress_has_a_fixed_total_with_the_repeats_to_come(tmp_path: Path) -> None:
    from .conftest import make_workbench

    wb = make_workbench(f"sqlite:///{tmp_path / 'p.db'}", repeats=0.5, repeat_gap=1)
    with TestClient(create_app(wb.store)) as c:
        h = bearer(wb, "alice")
        first = c.get("/api/campaigns/demo/progress", headers=h).json()
        assert first["repeats_planned"] > 0  # 12 pairs, about half of them come again
        assert first["total"] == 12 + first["repeats_planned"] == first["left"]
        seen = []
        while True:
            nxt = c.get("/api/campaigns/demo/assignment", headers=h).json()
            if nxt["finished"]:
                break
            a = nxt["assignment"]
            assert c.post(f"/api/assignments/{a['id']}/submit", json=body(), headers=h).is_success
            p = c.get("/api/campaigns/demo/progress", headers=h).json()
            seen.append((p["total"], p["left"], p["done"]))
    assert {t for t, _l, _d in seen} == {first["total"]}  # the total never grows
    assert [left for _t, left, _d in seen] == list(range(first["total"] - 1, -1, -1))
    assert seen[-1][2] == first["total"]  # every planned repeat came, and nothing else
    wb.store.close()


def test_a_new_campaign_lists_its_members_before_anyone_starts(bench_sqlite: Workbench) -> None:
    with TestClient(create_app(bench_sqlite.store)) as c:
        boss = bearer(bench_sqlite, "boss")
        figs = c.get("/api/admin/campaigns/demo/figures", headers=boss).json()
        rows = {r["annotator"]: r for r in figs["annotators"]}
        assert sorted(rows) == ["alice", "bob"]  # the annotators, before any work; not the admin
        assert all((r["done"], r["pending"], r["skipped"]) == (0, 0, 0) for r in rows.values())
        page = c.get("/admin/c/demo", headers=boss)
        assert page.status_code == 200 and ">alice<" in page.text and ">bob<" in page.text


def _page_form(c: TestClient, wb: Workbench, name: str) -> dict[str, str]:
    """Sign ``name`` in with the browser flow; the hidden fields of the annotation form."""
    import re

    c.get("/login")
    c.post("/login", data={"token": wb.invites[name], "csrf": c.cookies["prefkit_login_csrf"]})
    page = c.get("/c/demo").text
    found = {
        k: re.search(rf'name="{k}" value="([^"]*)"', page) for k in ("csrf", "assignment", "key")
    }
    return {k: m.group(1) for k, m in found.items() if m}


def test_a_stale_form_offers_the_next_pair(bench_sqlite: Workbench) -> None:
    with TestClient(create_app(bench_sqlite.store)) as c:
        form = _page_form(c, bench_sqlite, "alice")
        form |= {"preference": "left", "rationale": RATIONALE}
        for crit, sides in ratings().items():
            for side, v in sides.items():
                form[f"rating.{crit}.{side}"] = str(v)
        html = {"Accept": "text/html"}
        assert (
            c.post("/c/demo/submit", data=form, headers=html, follow_redirects=False).status_code
            == 303
        )
        stale = c.post("/c/demo/submit", data={**form, "key": "another-tab"}, headers=html)
        assert stale.status_code == 409 and "submitted already" in stale.text
        assert 'id="onward" href="/c/demo"' in stale.text  # the way on, not a dead end


def test_a_late_older_draft_does_not_overwrite_a_newer_one(bench_sqlite: Workbench) -> None:
    with TestClient(create_app(bench_sqlite.store)) as c:
        h = bearer(bench_sqlite, "alice")
        aid = c.get("/api/campaigns/demo/assignment", headers=h).json()["assignment"]["id"]
        for at, text in ((2000, "newer"), (1000, "older, arriving late"), (3000, "newest")):
            draft = {"draft": {"rationale": text, "edited_at": at}}
            assert c.put(f"/api/assignments/{aid}/draft", json=draft, headers=h).is_success
            shown = c.get("/api/campaigns/demo/assignment", headers=h).json()["assignment"]
            assert shown["draft"]["rationale"] == ("newer" if at <= 2000 else "newest")


def test_an_incomplete_form_comes_back_with_what_was_entered(bench_sqlite: Workbench) -> None:
    import re

    with TestClient(create_app(bench_sqlite.store)) as c:
        form = _page_form(c, bench_sqlite, "alice")
        form |= {"rating.helpfulness.left": "5", "rationale": "Too short, and no verdict."}
        r = c.post("/c/demo/submit", data=form, headers={"Accept": "text/html"})
    assert r.status_code == 422
    assert "incomplete judgment: preference missing" in r.text  # the error, on the form itself
    assert "Too short, and no verdict.</textarea>" in r.text  # nothing typed is lost
    assert re.search(r'name="rating.helpfulness.left" value="5"\s+checked', r.text)
    assert '<fieldset id="preference" class="missing">' in r.text
    assert r.text.count('class="rating missing"') == 5  # the five boxes still empty
    assert f'name="assignment" value="{form["assignment"]}"' in r.text


def test_the_dashboard_answers_how_far_who_and_how_much_they_agree(tmp_path: Path) -> None:
    from .conftest import make_workbench

    wb = make_workbench(f"sqlite:///{tmp_path / 'd.db'}", overlap=2, repeats=0.5)
    boss = bearer(wb, "boss")
    with TestClient(create_app(wb.store)) as c:
        before = c.get("/api/admin/campaigns/demo/figures", headers=boss).json()
        assert before["target"] == 12 * 2 + 12 and before["judgments"] == 0  # pairs × 2 + repeats
        assert {r["annotator"]: r["left"] > 0 for r in before["annotators"]} == {
            "alice": True,
            "bob": True,
        }
        for name in ("alice", "bob"):
            h = bearer(wb, name)
            nxt = c.get("/api/campaigns/demo/assignment", headers=h).json()
            while not nxt["finished"]:
                r = c.post(
                    f"/api/assignments/{nxt['assignment']['id']}/submit", json=body(), headers=h
                )
                nxt = r.json()["next"]
        figs = c.get("/api/admin/campaigns/demo/figures", headers=boss).json()
        page = c.get("/admin/c/demo", headers=boss).text
    done = figs["judgments"]
    assert done == sum(r["done"] for r in figs["annotators"]) and done >= 24
    assert figs["remaining"] == max(0, figs["target"] - done)
    assert all(r["left"] == 0 for r in figs["annotators"])  # both finished
    assert figs["pairs_with_two_or_more"] == 12 and -1 <= figs["agreement"]["alpha"] <= 1
    assert figs["pace_per_hour"] > 0 and figs["eta_hours"] is not None
    for r in figs["annotators"]:  # judging in milliseconds is flagged, with the reason
        assert any("per pair (median)" in why for why in r["reasons"]) and r["flagged"]
        assert r["agreement_with_others"] is not None
    assert f"{done} of {figs['target']} judgments" in page and "α = " in page
    assert "no leaderboard: the responses carry no model names" in page
    wb.store.close()


def test_the_leaderboard_page_says_why_when_there_is_nothing_to_rank(
    bench_sqlite: Workbench,
) -> None:
    with TestClient(create_app(bench_sqlite.store)) as c:
        page = c.get("/admin/c/demo/leaderboard", headers=bearer(bench_sqlite, "boss"))
    assert page.status_code == 422 and 'id="no-leaderboard"' in page.text
    assert 'href="/admin/c/demo"' in page.text  # the way back, on the page itself
    assert "/api/admin/campaigns/demo/leaderboard</code>" in page.text


def test_a_bad_campaign_config_comes_back_in_place_with_its_line(bench_sqlite: Workbench) -> None:
    boss = bearer(bench_sqlite, "boss")
    text = "name: second\npairs: {limit: 3}\noverlap: many\n"
    with TestClient(create_app(bench_sqlite.store)) as c:
        r = c.post(
            "/admin/campaigns", data={"config": text}, headers={**boss, "Accept": "text/html"}
        )
        broken = c.post(
            "/admin/campaigns", data={"config": "name: x\npairs: [unclosed\n"}, headers=boss
        )
        lab = c.post(
            "/admin/c/demo/rules", data={"rules": "rules: [\n  {kind: length\n"}, headers=boss
        )
    assert r.status_code == 422 and "config:3" in r.text and "overlap" in r.text
    assert "overlap: many\n</textarea>" in r.text  # the text is kept
    assert '<span class="bad">→   3  overlap: many</span>' in r.text  # and the line marked
    assert 'href="/admin/c/demo"' in r.text  # the page, with its navigation
    assert broken.status_code == 422 and "config:" in broken.text and "invalid YAML" in broken.text
    assert lab.status_code == 200 and "rule set:" in lab.text and "invalid YAML" in lab.text
    assert "while parsing" not in lab.text  # prefkit's message, not PyYAML's


def test_a_lenient_annotator_is_flagged_with_how_far_off(tmp_path: Path) -> None:
    from .conftest import make_workbench

    wb = make_workbench(f"sqlite:///{tmp_path / 'l.db'}", overlap=2)
    boss = bearer(wb, "boss")
    with TestClient(create_app(wb.store)) as c:
        for name, (left, right) in (("alice", (5, 5)), ("bob", (2, 2))):
            h = bearer(wb, name)
            nxt = c.get("/api/campaigns/demo/assignment", headers=h).json()
            while not nxt["finished"]:
                b = body(ratings=ratings(left, right))
                nxt = c.post(
                    f"/api/assignments/{nxt['assignment']['id']}/submit", json=b, headers=h
                ).json()["next"]
        figs = c.get("/api/admin/campaigns/demo/figures", headers=boss).json()
    by = {r["annotator"]: r for r in figs["annotators"]}
    assert by["alice"]["leniency"] == 3.0 and by["bob"]["leniency"] == -3.0
    assert any(
        "rates 3.0 points above the others (72 ratings)" in w for w in by["alice"]["reasons"]
    )
    assert any("points below the others" in w for w in by["bob"]["reasons"])
