"""``prefkit analyze`` on a file and on a workbench campaign; the admin page shows the same."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from prefkit.annotate import create_app
from prefkit.cli import app as cli
from prefkit.data import sample_paths

from ..annotate.conftest import RATIONALE, make_workbench, ratings


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=True)


def test_analyze_a_file_to_json_and_html(tmp_path: Path) -> None:
    squality = next(p for p in sample_paths() if "squality" in p.name)
    out = tmp_path / "report.html"
    r = run("analyze", str(squality), "--json", "--bootstrap", "50", "--html", str(out))
    assert r.exit_code == 0, r.output
    rep = json.loads(r.output)
    assert rep["schema"] == 2 and rep["records"] == 1200 and rep["comparisons"] == 900
    overall = next(c for c in rep["ratings"] if c["criterion"] == "overall")
    assert round(overall["alpha_interval"]["value"], 3) == 0.798
    assert len(overall["alpha_interval"]["ci"]) == 2
    assert rep["units"]["unit_key"] == "item"  # SQuALITY records carry passage + question
    page = out.read_text()
    assert "data:image/svg+xml;base64," in page and "<script" not in page
    r = run("analyze", str(squality), "--campaign", "x")
    assert r.exit_code != 0 and "--campaign selects from the store" in str(r.exception)


def test_analyze_a_campaign_uses_its_gold_and_flags(tmp_path: Path) -> None:
    gold = [
        {
            "prompt": f"Gold {i}?",
            "responses": [{"id": "r1", "text": f"right {i}"}, {"id": "r2", "text": f"wrong {i}"}],
            "answer": "r1",
        }
        for i in range(3)
    ]
    wb = make_workbench(
        f"sqlite:///{tmp_path / 'a.db'}",
        pairs={"dataset": "hh-rlhf", "limit": 6},
        overlap=2,
        gold=gold,
    )
    with TestClient(create_app(wb.store)) as c:
        for name in ("alice", "bob"):
            h = {"Authorization": f"Bearer {wb.tokens[name]}"}
            nxt = c.get("/api/campaigns/demo/assignment", headers=h).json()
            while not nxt["finished"]:
                a = nxt["assignment"]
                is_gold = a["left"].startswith(("right", "wrong"))
                right_side = "left" if a["left"].startswith("right") else "right"
                wrong_side = "right" if right_side == "left" else "left"
                pref = (wrong_side if name == "alice" else right_side) if is_gold else "left"
                body = {
                    "key": uuid.uuid4().hex,
                    "preference": pref,
                    "ratings": ratings(),
                    "rationale": RATIONALE,
                }
                nxt = c.post(f"/api/assignments/{a['id']}/submit", json=body, headers=h).json()[
                    "next"
                ]
        boss = {"Authorization": f"Bearer {wb.tokens['boss']}"}
        api = c.get("/api/admin/campaigns/demo/analysis?bootstrap=20", headers=boss)
        assert api.status_code == 200
        page = c.get("/admin/c/demo/analysis", headers=boss)
        assert page.status_code == 200 and "Annotator reliability" in page.text
        assert (
            c.get(
                "/admin/c/demo/analysis", headers={"Authorization": f"Bearer {wb.tokens['alice']}"}
            ).status_code
            == 403
        )
    r = run("analyze", "--db", wb.url, "--campaign", "demo", "--json", "--bootstrap", "20")
    assert r.exit_code == 0, r.output
    rep = json.loads(r.output)
    by = {x["annotator"]: x for x in rep["reliability"]["annotators"]}
    assert (
        by["alice"]["gold_items"] == 3
        and by["alice"]["gold_accuracy"] == 0.0
        and by["alice"]["flagged"]
    )
    assert by["bob"]["gold_accuracy"] == 1.0
    assert api.json()["reliability"] == rep["reliability"]
    pos = rep["bias"]["position"]["overall"]
    assert pos["votes"] > 0 and 0 <= pos["p_left"] <= 1  # the workbench records shown
    assert rep["units"]["unit_key"] == "item"  # workbench judgments carry their campaign item
    wb.store.close()
