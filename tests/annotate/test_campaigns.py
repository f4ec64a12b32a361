"""Campaign configs, triads, gold flags, skips, the admin pages and the CLI."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from prefkit.annotate import CampaignConfig, create_app, create_campaign, load_campaign_config
from prefkit.cli import app as cli
from prefkit.errors import PrefkitError, RecordError

from .conftest import RATIONALE, Workbench, make_workbench, ratings


def test_config_errors_name_the_line_the_field_and_the_choices(tmp_path: Path) -> None:
    p = tmp_path / "c.yaml"
    p.write_text(
        "name: ok\noverlap: 2\ncriteria:\n  - name: helpfulness\n    anchors: {9: too high}\n"
    )
    with pytest.raises(RecordError) as err:
        load_campaign_config(p)
    assert err.value.line == 5 and "criteria.0.anchors" in str(err.value)
    assert "[9] are outside the 1-5 scale" in str(err.value)
    p.write_text("name: ok\noverlapp: 2\n")
    with pytest.raises(
        RecordError,
        match=r"c.yaml:2: field 'overlapp': unknown setting; expected one of \[.*'overlap'",
    ):
        load_campaign_config(p)
    p.write_text("name: [unclosed\n")
    with pytest.raises(RecordError, match="invalid YAML"):
        load_campaign_config(p)
    cfg = load_campaign_config(
        Path(__file__).parents[2] / "src/prefkit/annotate/samples/sample-campaign.yaml"
    )
    assert cfg.overlap == 2 and [c.name for c in cfg.criteria] == [
        "helpfulness",
        "harmlessness",
        "honesty",
    ]
    assert CampaignConfig(name="d").min_rationale_chars == 80  # 2-3 sentences by default


def test_triads_give_one_annotator_all_pairs_of_a_prompt(tmp_path: Path) -> None:
    wb = make_workbench(f"sqlite:///{tmp_path / 't.db'}")
    from prefkit.data import import_sources, sample_paths

    import_sources(wb.store, [p for p in sample_paths() if "squality" in p.name])
    created = create_campaign(
        wb.store,
        CampaignConfig(
            name="triads",
            pairs={"dataset": "squality", "limit": 2, "min_responses": 3},
            triads=True,
            min_rationale_chars=0,
        ),
    )
    assert created.units == 2 and created.items == 2 * 3  # 3 responses: 3 pairs per prompt
    with TestClient(create_app(wb.store)) as c:
        h = {"Authorization": f"Bearer {wb.tokens['alice']}"}
        first = c.get("/api/campaigns/triads/assignment", headers=h).json()["assignment"]
        got = [first]
        for _ in range(2):
            r = c.post(
                f"/api/assignments/{got[-1]['id']}/submit",
                json={"key": uuid.uuid4().hex, "preference": "left", "ratings": ratings()},
                headers=h,
            ).json()
            got.append(r["next"]["assignment"])
        assert (
            len(
                {
                    a["prompt"][:200]
                    if isinstance(a["prompt"], str)
                    else json.dumps(a["prompt"])[:200]
                    for a in got
                }
            )
            == 1
        )
        texts = {t for a in got for t in (a["left"], a["right"])}
        assert len(texts) == 3  # every pair of the three responses to one prompt: a triad
    wb.store.close()


def test_gold_accuracy_flags_and_skips_release_the_pair(tmp_path: Path) -> None:
    wb = make_workbench(
        f"sqlite:///{tmp_path / 'g.db'}",
        pairs={"dataset": "hh-rlhf", "limit": 2},
        gold=[
            {
                "prompt": f"Gold question {i}?",
                "responses": [
                    {"id": "r1", "text": f"right {i}"},
                    {"id": "r2", "text": f"wrong {i}"},
                ],
                "answer": "r1",
            }
            for i in range(3)
        ],
        gold_min=3,
        gold_threshold=0.7,
    )
    with TestClient(create_app(wb.store)) as c:
        h = {"Authorization": f"Bearer {wb.tokens['alice']}"}
        nxt = c.get("/api/campaigns/demo/assignment", headers=h).json()
        skipped = False
        while not nxt["finished"]:
            a = nxt["assignment"]
            if not skipped and not a["left"].startswith(("right", "wrong")):
                nxt = c.post(
                    f"/api/assignments/{a['id']}/skip",
                    json={"reason": "cannot judge this"},
                    headers=h,
                ).json()
                skipped = True
                continue
            wrong = "left" if a["left"].startswith("wrong") else "right"  # always the wrong one
            pref = wrong if a["left"].startswith(("right", "wrong")) else "left"
            r = c.post(
                f"/api/assignments/{a['id']}/submit",
                json={
                    "key": uuid.uuid4().hex,
                    "preference": pref,
                    "ratings": ratings(),
                    "rationale": RATIONALE,
                },
                headers=h,
            )
            assert r.status_code == 200, r.text
            nxt = r.json()["next"]
        boss = {"Authorization": f"Bearer {wb.tokens['boss']}"}
        figs = c.get("/api/admin/campaigns/demo/figures", headers=boss).json()
        alice = next(r for r in figs["annotators"] if r["annotator"] == "alice")
        assert alice["gold_answered"] == 3 and alice["gold_accuracy"] == 0.0 and alice["flagged"]
        assert alice["skipped"] == 1 and alice["done"] == 4
        # The skipped pair went back: bob can take it.
        hb = {"Authorization": f"Bearer {wb.tokens['bob']}"}
        bob_texts = set()
        nxt = c.get("/api/campaigns/demo/assignment", headers=hb).json()
        while not nxt["finished"]:
            a = nxt["assignment"]
            bob_texts.add(a["left"][:30])
            nxt = c.post(
                f"/api/assignments/{a['id']}/skip", json={"reason": "testing"}, headers=hb
            ).json()
        assert len(bob_texts) == 4  # the pair alice skipped, and the three gold items
        page = c.get("/admin/c/demo", headers=boss)
        assert page.status_code == 200 and "gold accuracy 0% below 70%" in page.text
    wb.store.close()


def test_admin_creates_a_campaign_and_exports_it(bench_sqlite: Workbench) -> None:
    wb = bench_sqlite
    with TestClient(create_app(wb.store), follow_redirects=False) as c:
        c.get("/login")
        c.post(
            "/login", data={"token": wb.invites["boss"], "csrf": c.cookies["prefkit_login_csrf"]}
        )
        html = c.get("/admin").text
        csrf = html.split('name="csrf-token" content="')[1].split('"')[0]
        r = c.post(
            "/admin/campaigns",
            data={"csrf": csrf, "config": "name: second\npairs: {dataset: hh-rlhf, limit: 3}\n"},
        )
        assert r.status_code == 303 and r.headers["location"] == "/admin/c/second"
        bad = c.post(
            "/admin/campaigns",
            data={"csrf": csrf, "config": "name: second\n"},
            headers={"accept": "text/html"},
        )
        assert bad.status_code == 422 and "exists already" in bad.text
        r = c.post("/admin/users", data={"csrf": csrf, "name": "carol", "role": "annotator"})
        link = r.text.split('id="invite-link">')[1].split("<")[0]
        token = link.rsplit("/", 1)[1]
        with TestClient(create_app(wb.store)) as carol:  # carol's own browser, signed in once
            session = carol.post("/api/login", json={"token": token}).json()["session"]
        h = {"Authorization": f"Bearer {session}"}
        a = c.get("/api/campaigns/second/assignment", headers=h).json()["assignment"]
        c.post(
            f"/api/assignments/{a['id']}/submit",
            json={
                "key": "k" * 10,
                "preference": "tie",
                "ratings": ratings(3, 3),
                "rationale": RATIONALE,
            },
            headers=h,
        )
        a = c.get("/api/campaigns/second/assignment", headers=h).json()["assignment"]
        c.post(
            f"/api/assignments/{a['id']}/submit",
            json={
                "key": "m" * 10,
                "preference": "right",
                "ratings": ratings(),
                "rationale": RATIONALE,
            },
            headers=h,
        )
        rows = c.get("/admin/c/second/export/prefkit.jsonl").text.splitlines()
        assert [json.loads(x)["annotator"] for x in rows] == ["carol", "carol"]
        trl = c.get(
            "/api/admin/campaigns/second/export?format=trl&ties=drop",
            headers={"Authorization": f"Bearer {wb.tokens['boss']}"},
        )
        assert trl.headers["content-disposition"].endswith('second.trl.jsonl"')
        assert len(trl.text.splitlines()) == 1 and set(json.loads(trl.text)) >= {
            "prompt",
            "chosen",
            "rejected",
        }


def test_cli_campaign_and_users(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()

    def run(*args: str) -> Any:
        return runner.invoke(cli, list(args), catch_exceptions=True)

    assert run("import", "--sample", "--db", db).exit_code == 0
    cfg = tmp_path / "c.yaml"
    cfg.write_text("name: cli\npairs: {dataset: hh-rlhf, limit: 5}\noverlap: 2\n")
    r = run("campaign", "create", "--config", str(cfg), "--db", db, "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["items"] == 5
    r = run("campaign", "create", "--config", str(cfg), "--db", db)
    assert isinstance(r.exception, PrefkitError) and "exists already" in str(r.exception)
    r = run("user", "add", "dana", "--db", db, "--json")
    first = json.loads(r.output)
    assert first["invite_url"].startswith("http://127.0.0.1:8000/invite/")
    r = run("user", "token", "dana", "--db", db, "--json")
    assert json.loads(r.output)["token"] != first["token"]
    r = run("campaign", "list", "--db", db, "--json")
    assert json.loads(r.output) == [{"name": "cli", "units": 5, "judgments": 0}]
