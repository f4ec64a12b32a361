"""Fuzz the JSON API from its own OpenAPI schema (schemathesis): no 5xx, no unhandled error."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

from prefkit.annotate import create_app  # noqa: E402

from .conftest import make_workbench  # noqa: E402

_TMP = Path(tempfile.mkdtemp(prefix="prefkit-fuzz-"))
_WB = make_workbench(f"sqlite:///{_TMP / 'fuzz.db'}", overlap=3, repeats=0.5)
app = create_app(_WB.store)
schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@pytest.mark.parametrize("who", ["boss", "alice"])
def test_api_never_fails_on_any_input(case: object, who: str) -> None:
    case.call_and_validate(  # type: ignore[attr-defined]
        headers={"Authorization": f"Bearer {_WB.tokens[who]}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
