"""Every API operation, checked against the four kinds of visitor.

The operations come from the OpenAPI schema itself: a new operation that is
not in TABLE fails ``test_every_operation_is_in_the_table``. Visitors:
anonymous (no token); a stranger, the partner (the follower) and the owner
(the leader, who made the dynamic), each with a read-and-write token.
"""

from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus

import pytest
from django.utils import timezone

from api.api import api
from dynamics import services

ANON, STRANGER, PARTNER, OWNER = "anonymous", "stranger", "partner", "owner"
VISITORS = (ANON, STRANGER, PARTNER, OWNER)
OK, CREATED, NO_CONTENT = HTTPStatus.OK, HTTPStatus.CREATED, HTTPStatus.NO_CONTENT
BAD, FORBIDDEN, NOT_FOUND = (
    HTTPStatus.BAD_REQUEST,
    HTTPStatus.FORBIDDEN,
    HTTPStatus.NOT_FOUND,
)
UNAUTHORIZED = HTTPStatus.UNAUTHORIZED
PREFIX = "/api/v1"


@dataclass
class World:
    """The active dynamic, a yellow signal the owner sent in it, and an open
    invitation to another dynamic of the owner's."""

    dynamic_id: int
    signal_id: int
    token: str


@dataclass(frozen=True)
class Case:
    expect: dict[str, int]
    body: Callable[[World], dict] = lambda w: {}


def member(partner: int = OK, owner: int | None = None, **kw) -> Case:
    """An operation on the dynamic: strangers learn nothing (404)."""
    owner = partner if owner is None else owner
    return Case(
        {ANON: UNAUTHORIZED, STRANGER: NOT_FOUND, PARTNER: partner, OWNER: owner},
        **kw,
    )


def own(status: int = OK, **kw) -> Case:
    """An operation on the caller's own account or list."""
    return Case(
        {ANON: UNAUTHORIZED, STRANGER: status, PARTNER: status, OWNER: status}, **kw
    )


TABLE: dict[str, Case] = {
    "read_me": own(),
    "export_me": own(),
    "update_me": own(body=lambda w: {"display_name": "New name"}),
    "list_dynamics": own(),
    "create_dynamic": own(
        CREATED,
        body=lambda w: {"role": "follower", "my_title": "pet", "partner_title": "Sir"},
    ),
    "read_dynamic": member(),
    # Both partners are in: there is nobody left to invite.
    "create_invitation": member(BAD),
    # The link is a capability: whoever holds it may join, except its maker.
    "accept_invitation": Case(
        {ANON: UNAUTHORIZED, STRANGER: OK, PARTNER: OK, OWNER: BAD},
        body=lambda w: {"token": w.token},
    ),
    "decline_invitation": Case(
        {ANON: UNAUTHORIZED, STRANGER: NO_CONTENT, PARTNER: NO_CONTENT, OWNER: BAD},
        body=lambda w: {"token": w.token},
    ),
    "pause_dynamic": member(CREATED, body=lambda w: {"reason": "break"}),
    "resume_dynamic": member(BAD),  # not paused
    "end_dynamic": member(),
    "send_signal": member(CREATED, body=lambda w: {"kind": "yellow"}),
    "list_signals": member(),
    # Only the other partner's signal can be acknowledged.
    "acknowledge_signal": member(OK, BAD),
    "give_aftercare": member(  # no red signal to check in after
        BAD, body=lambda w: {"feeling": 3, "ready_to_resume": True}
    ),
    "read_audit": member(),
}


def _operations() -> dict[str, tuple[str, str]]:
    schema = api.get_openapi_schema(path_prefix=PREFIX)
    return {
        operation["operationId"]: (method, path)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    }


OPERATIONS = _operations()


def test_every_operation_is_in_the_table():
    assert OPERATIONS.keys() - TABLE.keys() == set(), "add these to the table"
    assert TABLE.keys() - OPERATIONS.keys() == set(), "these rows name nothing"


@pytest.fixture
def world(dynamic_factory, leader, follower, now) -> World:
    dynamic = dynamic_factory(leader, follower)
    signal = services.send_signal(leader, dynamic.pk, "yellow", now=now)
    forming = dynamic_factory(leader, partner=None)
    # The API reads the real clock: an invitation made at the fixed test time
    # would have expired by now.
    _invitation, token = services.create_invitation(
        leader, forming.pk, now=timezone.now()
    )
    return World(dynamic_id=dynamic.pk, signal_id=signal.pk, token=token)


def _url(path: str, world: World) -> str:
    return path.format(dynamic_id=world.dynamic_id, signal_id=world.signal_id)


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize("operation", sorted(TABLE))
def test_operation_answers_each_visitor_as_the_table_says(
    operation, visitor, world, leader, follower, stranger, api_client
):
    case = TABLE[operation]
    method, path = OPERATIONS[operation]
    person = {ANON: None, STRANGER: stranger, PARTNER: follower, OWNER: leader}[visitor]
    response = getattr(api_client(person), method)(
        _url(path, world), case.body(world), content_type="application/json"
    )
    assert response.status_code == case.expect[visitor], (
        f"{method.upper()} {path} as {visitor}: {response.content[:200]!r}"
    )
    if response.status_code >= 400:
        assert set(response.json()) >= {"code", "detail"}
    if response.status_code == NOT_FOUND:
        assert b"Sir" not in response.content and b"pet" not in response.content


@pytest.mark.parametrize("operation", sorted(TABLE))
def test_read_only_token_may_read_but_never_write(
    operation, world, follower, api_client
):
    method, path = OPERATIONS[operation]
    case = TABLE[operation]
    response = getattr(api_client(follower, "read"), method)(
        _url(path, world), case.body(world), content_type="application/json"
    )
    if method == "get":
        assert response.status_code == case.expect[PARTNER]
    else:
        assert response.status_code == FORBIDDEN
        assert response.json()["code"] == "token_read_only"
