"""Builds the stores in this folder with the release it names (run from that release's checkout).

``store-0007.sqlite`` and ``store-0007.postgresql.sql`` (``pg_dump --inserts``) were written by
the last release whose workbench tables lived in ``prefkit.data`` (schema revision 0007, commit
2eccfd9): 20 HH-RLHF records, a 6-pair campaign, three accounts (one disabled), two API tokens,
a signed-in session, two submitted judgments and a saved draft. ``tests/annotate/test_upgrade.py``
upgrades copies of them in place.

    python tests/annotate/golden/build_release_store.py sqlite:///tests/annotate/golden/store-0007.sqlite
    python tests/annotate/golden/build_release_store.py postgresql://postgres@127.0.0.1:55432/golden
    pg_dump --inserts --no-owner --no-privileges --no-comments golden | grep -v "^\\\\" > store-0007.postgresql.sql
"""

from __future__ import annotations

import sys
import uuid

from fastapi.testclient import TestClient

from prefkit.annotate import (
    CampaignConfig,
    create_api_token,
    create_app,
    create_campaign,
    create_user,
    set_disabled,
)
from prefkit.data import open_store, read_records, sample_paths

RATIONALE = (
    "A answers the question that was asked and stays accurate. B wanders off topic, so A is better."
)


def build(url: str) -> None:
    store = open_store(url)
    hh = next(p for p in sample_paths() if "helpful" in p.name)
    store.add_records(read_records(hh)[:20])
    create_campaign(store, CampaignConfig.model_validate({"name": "demo", "pairs": {"limit": 6}}))
    with store.engine.begin() as conn:
        create_user(conn, "boss", "admin")
        _, alice_invite = create_user(conn, "alice", "annotator")
        create_user(conn, "carol", "annotator")
        set_disabled(conn, "carol", True)
        alice = create_api_token(conn, "alice", "script")[1]
        create_api_token(conn, "boss", "ci")
    h = {"Authorization": f"Bearer {alice}"}
    ratings = {c: {"left": 4, "right": 2} for c in ("helpfulness", "harmlessness", "honesty")}
    with TestClient(create_app(store)) as c:
        for pref in ("left", "right"):
            a = c.get("/api/campaigns/demo/assignment", headers=h).json()["assignment"]
            body = {"key": uuid.uuid4().hex, "preference": pref, "ratings": ratings,
                    "rationale": RATIONALE}  # fmt: skip
            r = c.post(f"/api/assignments/{a['id']}/submit", json=body, headers=h)
            assert r.is_success, r.text
        a = c.get("/api/campaigns/demo/assignment", headers=h).json()["assignment"]
        draft = {"draft": {"rationale": "half written", "preference": "tie"}}
        assert c.put(f"/api/assignments/{a['id']}/draft", json=draft, headers=h).is_success
        page = c.post("/login", data={"token": alice_invite,
                                      "csrf": c.get("/login").cookies["prefkit_login_csrf"]})  # fmt: skip
        assert page.is_success, page.text
    store.close()


if __name__ == "__main__":
    build(sys.argv[1])
