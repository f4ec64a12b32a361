"""Crowd platforms (Prolific, MTurk): a study link signs workers in by their platform id, gives
each a fixed number of units, and ends with a completion code and/or a redirect back.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from prefkit.annotate import CampaignConfig, create_app, create_campaign, list_users

from .conftest import RATIONALE, make_workbench

KEY = "study-7f3a9c1e5b2d"
DONE_URL = "https://app.prolific.com/submissions/complete?cc=C0DE42"


def _submit_page(c: TestClient, campaign: str) -> bool:
    """Judge the pair the annotation page shows, through its form; False when it shows none."""
    page = c.get(f"/c/{campaign}", follow_redirects=False)
    if page.status_code != 200 or 'name="assignment"' not in page.text:
        return False

    def hidden(name: str) -> str:
        m = re.search(rf'name="{name}" value="([^"]*)"', page.text)
        assert m, name
        return m.group(1)

    form = {"csrf": hidden("csrf"), "assignment": hidden("assignment"), "key": hidden("key")}
    form |= {"preference": "left", "rationale": RATIONALE}
    for crit in ("helpfulness", "harmlessness", "honesty"):
        form[f"rating.{crit}.left"], form[f"rating.{crit}.right"] = "4", "2"
    r = c.post(f"/c/{campaign}/submit", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    return True


def test_a_worker_joins_by_the_study_link_does_their_units_and_gets_the_code(
    tmp_path: Path,
) -> None:
    crowd = {"key": KEY, "units": 2, "completion_code": "C0DE42", "completion_url": DONE_URL}
    wb = make_workbench(f"sqlite:///{tmp_path / 'c.db'}", crowd=crowd)
    with TestClient(create_app(wb.store)) as c:
        r = c.get(f"/join/demo/{KEY}?PROLIFIC_PID=5f0a1b2c3d&STUDY_ID=s1", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/c/demo"
        done = 0
        while _submit_page(c, "demo"):
            done += 1
            assert done <= 2, "the study link gives each worker 2 units"
        assert done == 2
        page = c.get("/c/demo")
        assert page.status_code == 200 and 'id="completion-code">C0DE42<' in page.text
        assert f'href="{DONE_URL.replace("&", "&amp;")}"' in page.text
        api = c.get("/api/campaigns/demo/assignment").json()
        assert api["finished"] and api["completion_code"] == "C0DE42"
        assert api["completion_url"] == DONE_URL
        # the worker's account sees only this study's campaign
        create_campaign(wb.store, CampaignConfig(name="other", pairs={"limit": 3}))
        assert c.get("/c/other").status_code == 404
        assert "other" not in c.get("/").text
        # coming back through the link is the same worker: no second quota
        c.cookies.clear()
        again = c.get(f"/join/demo/{KEY}?PROLIFIC_PID=5f0a1b2c3d")
        assert again.status_code == 200 and "C0DE42" in again.text
    mine = [r for r in wb.store.records(campaign="demo") if r.annotator == "prolific:5f0a1b2c3d"]
    assert len(mine) == 2
    assert all(r.metadata["worker_id"] == "5f0a1b2c3d" for r in mine)
    assert all(r.metadata["platform"] == "prolific" for r in mine)
    roles = {u["name"]: u["role"] for u in list_users(wb.store)}
    assert roles["prolific:5f0a1b2c3d"] == "crowd"
    wb.store.close()


def test_a_study_with_only_a_url_sends_finished_workers_back(tmp_path: Path) -> None:
    crowd = {"key": KEY, "platform": "mturk", "worker_param": "workerId", "units": 1,
             "completion_url": DONE_URL}  # fmt: skip
    wb = make_workbench(f"sqlite:///{tmp_path / 'c.db'}", crowd=crowd)
    with TestClient(create_app(wb.store)) as c:
        c.get(f"/join/demo/{KEY}?workerId=A1B2C3")
        assert _submit_page(c, "demo")
        r = c.get("/c/demo", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == DONE_URL
        other = TestClient(create_app(wb.store))  # a second worker gets a unit of their own
        other.get(f"/join/demo/{KEY}?workerId=Z9Y8")
        assert _submit_page(other, "demo")
    by = {r.annotator for r in wb.store.records(campaign="demo")}
    assert by == {"mturk:A1B2C3", "mturk:Z9Y8"}
    wb.store.close()


@pytest.mark.parametrize(
    ("link", "status", "says"),
    [
        ("/join/demo/not-the-key-000000?PROLIFIC_PID=abc", 404, "not valid"),
        (f"/join/nope/{KEY}?PROLIFIC_PID=abc", 404, "not valid"),
        (f"/join/demo/{KEY}", 400, "missing your prolific id (?PROLIFIC_PID="),
        (f"/join/demo/{KEY}?PROLIFIC_PID=a%20b", 403, "is not 1-100 letters"),
    ],
)
def test_bad_study_links_say_what_is_wrong(
    tmp_path: Path, link: str, status: int, says: str
) -> None:
    wb = make_workbench(f"sqlite:///{tmp_path / 'c.db'}", crowd={"key": KEY})
    with TestClient(create_app(wb.store)) as c:
        r = c.get(link, follow_redirects=False)
        assert r.status_code == status and says in r.text, r.text
        assert "prefkit_session" not in r.cookies
    wb.store.close()


def test_a_campaign_without_a_study_link_has_none(tmp_path: Path) -> None:
    wb = make_workbench(f"sqlite:///{tmp_path / 'c.db'}")
    with TestClient(create_app(wb.store)) as c:
        assert c.get(f"/join/demo/{KEY}?PROLIFIC_PID=abc").status_code == 404
    with pytest.raises(ValueError, match="at least 16 characters"):
        CampaignConfig(name="x", crowd={"key": "short"})  # type: ignore[arg-type]
    wb.store.close()
