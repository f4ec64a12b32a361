"""``prefkit rank`` and the workbench leaderboard page."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import numpy as np
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from prefkit.annotate import (
    CampaignConfig,
    create_api_token,
    create_app,
    create_campaign,
    create_user,
    open_workbench,
)
from prefkit.cli import app as cli
from prefkit.data import judgment_from_dict, write_records

STRENGTH = {"big": 1.0, "mid": 0.0, "small": -1.0}


def records(n: int = 600, seed: int = 0) -> list[Any]:
    rng = np.random.default_rng(seed)
    out = []
    for k in range(n):
        x, y = rng.choice(list(STRENGTH), 2, replace=False)
        p = 1 / (1 + np.exp(-(STRENGTH[x] - STRENGTH[y])))
        pref = "tie" if rng.random() < 0.1 else ("r1" if rng.random() < p else "r2")
        out.append(
            judgment_from_dict(
                {
                    "prompt": f"question {k % 150}",
                    "responses": [
                        {"id": "r1", "text": f"answer {k} by {x}", "model": x},
                        {"id": "r2", "text": f"answer {k} by {y}", "model": y},
                    ],
                    "preference": pref,
                    "annotator": f"ann-{k % 7}",
                    "metadata": {"dataset": "synthetic"},
                }
            )
        )
    return out


def test_rank_a_file(tmp_path: Path) -> None:
    src = tmp_path / "votes.jsonl"
    write_records(records(), src)
    html = tmp_path / "board.html"
    r = CliRunner().invoke(
        cli,
        [
            "rank",
            str(src),
            "--json",
            "--bootstrap",
            "200",
            "--cluster",
            "prompt",
            "--anchor",
            "mid",
            "--html",
            str(html),
        ],
    )
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    board = out["rows"]
    assert [row["item"] for row in board] == ["big", "mid", "small"]
    assert [row["rank"] for row in board] == [1, 2, 3]
    mid = next(row for row in board if row["item"] == "mid")
    assert mid["rating"] == 1000.0 and mid["ci"][0] < 1000 < mid["ci"][1]
    assert sum(row["ties"] for row in board) > 0 and out["ties"] == "half"
    assert "data:image/svg+xml;base64," in html.read_text()
    r = CliRunner().invoke(
        cli, ["rank", str(src), "--ties", "davidson", "--bootstrap", "0", "--json"]
    )
    assert json.loads(r.output)["tie_parameter"] > 0
    r = CliRunner().invoke(cli, ["rank", str(src), "--by", "nothing"])
    assert r.exit_code != 0 and "unknown --by" in str(r.exception)


def test_workbench_leaderboard(tmp_path: Path) -> None:
    store = open_workbench(f"sqlite:///{tmp_path / 'w.db'}")
    store.add_records(records(300, seed=1))
    create_campaign(
        store,
        CampaignConfig(
            name="arena", pairs={"dataset": "synthetic", "limit": 60}, min_rationale_chars=0
        ),
    )
    with store.transaction() as tx:
        create_user(tx.connection, "boss", "admin")
        create_user(tx.connection, "ann")
        admin_token = create_api_token(tx.connection, "boss")[1]
        ann_token = create_api_token(tx.connection, "ann")[1]
    with TestClient(create_app(store)) as c:
        h = {"Authorization": f"Bearer {ann_token}"}
        nxt = c.get("/api/campaigns/arena/assignment", headers=h).json()
        while not nxt["finished"]:
            a = nxt["assignment"]
            big_left = "by big" in a["left"]
            pref = "left" if big_left or "by small" in a["right"] else "right"
            body = {
                "key": uuid.uuid4().hex,
                "preference": pref,
                "ratings": {
                    k: {"left": 3, "right": 3} for k in ("helpfulness", "harmlessness", "honesty")
                },
            }
            nxt = c.post(f"/api/assignments/{a['id']}/submit", json=body, headers=h).json()["next"]
        boss = {"Authorization": f"Bearer {admin_token}"}
        api = c.get(
            "/api/admin/campaigns/arena/leaderboard?bootstrap=100&cluster=none", headers=boss
        ).json()
        assert api["rows"][0]["item"] == "big" and api["comparisons"] == 60
        page = c.get("/admin/c/arena/leaderboard", headers=boss)
        assert page.status_code == 200 and "rank = 1 + items whose lower bound" in page.text
        assert c.get("/admin/c/arena/leaderboard", headers=h).status_code == 403
    store.close()
