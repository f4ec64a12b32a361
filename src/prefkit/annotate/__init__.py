"""The elicitation workbench: campaigns, assignment, the annotation pages and the JSON API.

``open_workbench(url)`` opens the store with the workbench's own tables (accounts, sessions,
campaign work; its own migrations); ``create_app(store)`` is the FastAPI app (``prefkit serve``
runs it); ``create_campaign`` turns stored judgments into a campaign; ``create_user`` makes an
account with a single-use invitation; ``create_api_token`` a bearer token for scripts.
"""

from prefkit.annotate import _schema as schema
from prefkit.annotate._app import create_app
from prefkit.annotate._auth import (
    ApiToken,
    InvitationError,
    create_api_token,
    create_user,
    find_user,
    has_admin,
    list_api_tokens,
    list_users,
    reset_token,
    revoke_api_tokens,
    set_disabled,
    sign_out_everywhere,
)
from prefkit.annotate._campaigns import (
    Campaign,
    CampaignCreated,
    create_campaign,
    gold_records,
    list_campaigns,
    load_campaign,
)
from prefkit.annotate._config import (
    DEFAULT_CRITERIA,
    CampaignConfig,
    Criterion,
    GoldItem,
    PairSelector,
    load_campaign_config,
)
from prefkit.annotate._schema import open_workbench, workbench_revision
from prefkit.annotate._server import READ_TIMEOUT, guarded_protocol
from prefkit.annotate._work import Submission, User, WorkError
from prefkit.annotate._workers import serve_workers

__all__ = [
    "DEFAULT_CRITERIA",
    "READ_TIMEOUT",
    "ApiToken",
    "Campaign",
    "CampaignConfig",
    "CampaignCreated",
    "Criterion",
    "GoldItem",
    "InvitationError",
    "PairSelector",
    "Submission",
    "User",
    "WorkError",
    "create_api_token",
    "create_app",
    "create_campaign",
    "create_user",
    "find_user",
    "gold_records",
    "guarded_protocol",
    "has_admin",
    "list_api_tokens",
    "list_campaigns",
    "list_users",
    "load_campaign",
    "load_campaign_config",
    "open_workbench",
    "reset_token",
    "revoke_api_tokens",
    "schema",
    "serve_workers",
    "set_disabled",
    "sign_out_everywhere",
    "workbench_revision",
]
