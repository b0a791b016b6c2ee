"""schemathesis against the API's own OpenAPI schema, inside the test suite.

Each operation gets a bounded, derandomized set of generated requests (valid
and invalid), sent by a member of a seeded dynamic with a read-and-write
token. Every answer must be no server error and must match the schema: its
status, content type, headers and body. Path ids point at the seeded dynamic
and one of everything in it (api/tests/world.py), so the operations act on
real data rather than only 404.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api import services as api_services
from api.api import api
from api.schemas import MAX_ID
from api.tests.world import everything
from dynamics import services
from instep.wsgi import application

# About a hundred operations: 8 examples each keeps the run near a minute.
EXAMPLES_PER_OPERATION = 8
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
schema.app = application
schema.config.generation.update(
    max_examples=EXAMPLES_PER_OPERATION,
    deterministic=True,
    # The test sends a real token itself; a generated Authorization header
    # would be replaced by it, so a "bad token" case could never be rejected.
    with_security_parameters=False,
)


@pytest.fixture
def seeded(dynamic_factory, leader, follower, now, settings):
    """A member's token and the ids the generated requests should hit."""
    # Hundreds of generated calls share one token: lift its per-minute limit
    # (instep/tests/test_rate_limits.py tests the limit itself).
    settings.INSTEP_RATE_LIMITS = {**settings.INSTEP_RATE_LIMITS, "api": (10**6, 60)}
    dynamic = dynamic_factory(leader, follower)
    signal = services.send_signal(leader, dynamic.pk, "yellow", now=now)
    services.send_signal(follower, dynamic.pk, "take_lead", now=now)
    ids = everything(dynamic.pk, leader, follower, at=timezone.now())
    _token, secret = api_services.create_token(
        follower, name="fuzz", scope="write", now=now
    )
    # Calls go straight to the WSGI application, in this test's transaction:
    # keep Django from closing the connection at the end of each request
    # (its test client does the same).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield {
        "headers": {"Authorization": f"Bearer {secret}"},
        "path": {"dynamic_id": dynamic.pk, "signal_id": signal.pk, **ids},
    }
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_every_generated_request_within_its_schema(case, seeded):
    generated = case.path_parameters or {}
    for name, value in seeded["path"].items():
        # Valid ids point at the seeded rows; invalid ones (negative cases)
        # are kept as generated.
        if isinstance(generated.get(name), int) and 1 <= generated[name] <= MAX_ID:
            generated[name] = value
    case.call_and_validate(headers=seeded["headers"], checks=CHECKS)
