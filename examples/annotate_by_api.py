"""Make a campaign from the bundled sample and submit one judgment through the JSON API."""

import sys

from fastapi.testclient import TestClient  # or any HTTP client against `prefkit serve`

from prefkit.annotate import (
    CampaignConfig,
    create_api_token,
    create_app,
    create_campaign,
    create_user,
)
from prefkit.data import import_sources, open_store, sample_paths

store = open_store(f"sqlite:///{sys.argv[1]}/workbench.db")
import_sources(store, sample_paths())
create_campaign(store, CampaignConfig(name="demo", pairs={"dataset": "hh-rlhf", "limit": 20}))
with store.engine.begin() as conn:
    create_user(conn, "alice")  # returns the invitation link's token, for a browser
    token = create_api_token(conn, "alice", "example script")[1]  # for scripts
api = TestClient(create_app(store), headers={"Authorization": f"Bearer {token}"})
a = api.get("/api/campaigns/demo/assignment").json()["assignment"]
scores = {c["name"]: {"left": 4, "right": 2} for c in a["criteria"]}
sub = dict(key="example-1", preference="left", ratings=scores, rationale="A is right. " * 8)
r = api.post(f"/api/assignments/{a['id']}/submit", json=sub).json()
print(r["judgment_id"], "stored;", store.count(campaign="demo"), "judgments in campaign 'demo'")
