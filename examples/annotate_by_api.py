"""Make a campaign from the bundled sample and submit one judgment through the JSON API."""

import sys

from fastapi.testclient import TestClient  # or any HTTP client against `prefkit serve`

from prefkit import annotate as wb
from prefkit.data import import_sources, open_store, sample_paths

store = open_store(f"sqlite:///{sys.argv[1]}/workbench.db")
import_sources(store, sample_paths())
wb.create_campaign(store, wb.CampaignConfig(name="demo", pairs={"dataset": "hh-rlhf", "limit": 20}))
with store.engine.begin() as conn:  # a browser signs in with alice's single-use invitation,
    token = wb.create_api_token(conn, wb.create_user(conn, "alice")[0].name)[1]  # a script so
api = TestClient(wb.create_app(store), headers={"Authorization": f"Bearer {token}"})
a = api.get("/api/campaigns/demo/assignment").json()["assignment"]
sub = dict(key="example-1", preference="left", rationale="A is right. " * 8,
           ratings={c["name"]: {"left": 4, "right": 2} for c in a["criteria"]})  # fmt: skip
r = api.post(f"/api/assignments/{a['id']}/submit", json=sub).json()
print(r["judgment_id"], "stored;", store.count(campaign="demo"), "judgments in campaign 'demo'")
