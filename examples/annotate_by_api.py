"""Make a campaign from the bundled sample and submit one judgment through the JSON API."""

import sys

from fastapi.testclient import TestClient  # or any HTTP client against `prefkit serve`

from prefkit import annotate as wb
from prefkit.data import import_sources, sample_paths

store = wb.open_workbench(f"sqlite:///{sys.argv[1]}/workbench.db")  # store + workbench tables
import_sources(store, sample_paths())
wb.create_campaign(store, wb.CampaignConfig(name="demo", pairs={"dataset": "hh-rlhf", "limit": 20}))
# a browser signs in with alice's single-use invitation, a script with an API token
token = wb.create_api_token(store, wb.create_user(store, "alice")[0].name)[1]
api = TestClient(wb.create_app(store), headers={"Authorization": f"Bearer {token}"})
a = api.get("/api/campaigns/demo/assignment").json()["assignment"]
sub = dict(key="example-1", preference="left", rationale="A is right. " * 8,
           ratings={c["name"]: {"left": 4, "right": 2} for c in a["criteria"]})  # fmt: skip
r = api.post(f"/api/assignments/{a['id']}/submit", json=sub).json()
print(r["judgment_id"], "stored;", store.count(campaign="demo"), "judgments in campaign 'demo'")
