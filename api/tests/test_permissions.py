"""Every API operation, checked against the four kinds of visitor.

The operations come from the OpenAPI schema itself: a new operation that is
not in TABLE fails ``test_every_operation_is_in_the_table``. Visitors:
anonymous (no token); a stranger, the partner (the follower) and the owner
(the leader, who made the dynamic), each with a read-and-write token.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from http import HTTPStatus

import pytest
import time_machine
from django.utils import timezone

from accounts.models import User
from api.api import api
from api.tests.world import everything
from conftest import NOW, make_dynamic, make_person
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
    invitation to another dynamic of the owner's; and in the dynamic one of
    everything the other apps keep (see the ``built`` fixture)."""

    dynamic_id: int
    signal_id: int
    token: str
    ids: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    expect: dict[str, int]
    body: Callable[[World], dict] = lambda w: {}
    # Path parameters that differ from the world's defaults (``item_id``).
    path: Callable[[World], dict] = lambda w: {}
    multipart: bool = False


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


def owners(status: int = OK, **kw) -> Case:
    """An operation on something of the owner's alone (their channel, their
    private journal entry): anyone else learns nothing."""
    return Case(
        {ANON: UNAUTHORIZED, STRANGER: NOT_FOUND, PARTNER: NOT_FOUND, OWNER: status},
        **kw,
    )


def _rule(w: World) -> dict:
    return {"section": "rules", "item_id": w.ids["rule_id"]}


def _in(days: int) -> str:
    return (timezone.now() + timedelta(days=days)).isoformat()


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
    "read_now": member(),
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
    # agreements: version 1 is in force, the owner proposed draft 2.
    "read_agreement": member(),
    "list_agreement_versions": member(),
    "read_agreement_version": member(),
    "propose_draft": member(BAD),  # there is a draft already
    "update_draft": member(
        body=lambda w: {"review_on": _in(200)[:10], "absence_days": 10}
    ),
    "discard_draft": member(NO_CONTENT),
    "sign_agreement": member(),
    "comment_on_agreement": member(CREATED, body=lambda w: {"text": "Agreed?"}),
    "add_agreement_item": member(
        CREATED,
        path=lambda w: {"section": "rules"},
        body=lambda w: {"domain": w.ids["domain_id"], "text": "Lights out at 11"},
    ),
    "change_agreement_item": member(
        path=_rule, body=lambda w: {"domain": w.ids["domain_id"], "text": "At 10"}
    ),
    "remove_agreement_item": member(NO_CONTENT, path=_rule),
    "compare_agreement_versions": member(),
    "read_safewords": member(),
    # The leader may change their own aftercare wishes, the follower anything.
    "update_safewords": member(body=lambda w: {"leader_aftercare": "Tea, quiet"}),
    "read_exploration": member(),
    "read_exploration_matches": member(),
    "add_idea": member(CREATED, body=lambda w: {"text": "A picnic at dawn"}),
    "answer_idea": member(
        path=lambda w: {"item_id": w.ids["idea_id"]},
        body=lambda w: {"answers": {"together": "yes"}},
    ),
    # Both called it a hard limit; each may put theirs in the draft.
    "propose_limit": member(
        CREATED, path=lambda w: {"item_id": w.ids["limit_idea_id"]}
    ),
    # duties: the owner gave the partner a task, on the clock.
    "read_today": member(),
    "read_plan": member(),
    "list_duties": member(),
    "read_duty": member(),
    "create_duty": member(
        FORBIDDEN,
        CREATED,
        body=lambda w: {
            "kind": "task",
            "title": "Water the plants",
            "domain": "household",
            "assignee_role": "follower",
            "due_at": _in(1),
        },
    ),
    "change_duty": member(
        FORBIDDEN,
        OK,
        body=lambda w: {
            "kind": "task",
            "title": "Book the dentist, soon",
            "domain": "household",
            "assignee_role": "follower",
            "due_at": _in(2),
        },
    ),
    "retire_duty": member(FORBIDDEN, OK),
    "complete_occurrence": member(OK, BAD, multipart=True),  # the partner's task
    "read_proof_photo": member(BAD),  # no photo was taken
    "read_review_queue": member(FORBIDDEN, OK),
    "review_occurrence": member(FORBIDDEN, BAD, body=lambda w: {"approve": True}),
    "schedule_pause": member(
        CREATED,
        body=lambda w: {"reason": "family", "starts_at": _in(3), "ends_at": _in(4)},
    ),
    # The owner planned it: theirs alone to cancel.
    "cancel_planned_pause": member(FORBIDDEN, NO_CONTENT),
    "start_illness_pause": member(CREATED),  # either may fall ill
    "list_contexts": member(),
    "switch_context": member(
        body=lambda w: {"context": "the children are home", "on": True}
    ),
    # talk: the owner asked a question, wrote a private entry, started a review.
    "read_checkins": member(),
    "check_in": member(
        body=lambda w: {"mood": 4, "energy": 3, "stress": 2, "connection": 5}
    ),
    "set_checkin_prompt": member(body=lambda w: {"prompt_at": "20:00"}),
    "list_matters": member(),
    "open_matter": member(
        CREATED, body=lambda w: {"kind": "question", "title": "Holidays?"}
    ),
    "ask_request": member(FORBIDDEN, CREATED, body=lambda w: {"title": "Call me"}),
    "read_matter": member(),
    "comment_on_matter": member(CREATED, body=lambda w: {"body": "Yes, let's."}),
    "decide_matter": member(
        FORBIDDEN,
        OK,
        body=lambda w: {"decision": "The sea", "reason": "We both like it"},
    ),
    # A question is the leader's to decide, not the follower's to answer.
    "answer_matter_request": member(FORBIDDEN, body=lambda w: {"accept": True}),
    "withdraw_matter": member(FORBIDDEN, OK),  # who raised it may withdraw it
    "list_decisions": member(),
    "read_journal": member(),
    "search": member(),
    "write_entry": member(CREATED, body=lambda w: {"body": "Today was good."}),
    # The owner's private entry: to the partner it does not exist.
    "read_entry": owners(),
    "edit_entry": owners(body=lambda w: {"body": "Edited.", "visibility": "private"}),
    "delete_entry": owners(NO_CONTENT),
    # Private entries take no comments, not even their author's.
    "comment_on_entry": owners(BAD, body=lambda w: {"body": "A note to self."}),
    "list_weekly_reviews": member(),
    "start_weekly_review": member(CREATED),  # this week's, as it is
    "read_weekly_review": member(),
    "add_review_note": member(
        CREATED, body=lambda w: {"kind": "went_well", "body": "Bedtimes."}
    ),
    "mark_review_held": member(),
    "note_to_matter": member(CREATED),
    "note_to_agreement": member(CREATED),
    # conduct: the owner reported the partner's broken rule.
    "list_incidents": member(),
    "report_incident": member(
        CREATED,
        body=lambda w: {"source": "praise", "about": "partner", "title": "Kind"},
    ),
    "read_incident": member(),
    "reflect_on_incident": member(
        OK,
        FORBIDDEN,
        body=lambda w: {"what_happened": "I forgot.", "differently": "A note."},
    ),
    "apologise": member(body=lambda w: {"text": "I am sorry."}),
    # Hear them out first: a correction follows the reflection.
    "give_consequence": member(
        FORBIDDEN, BAD, body=lambda w: {"consequence_id": w.ids["correction_id"]}
    ),
    "defer_correction": member(FORBIDDEN, OK, body=lambda w: {"until": _in(1)}),
    "give_reward": member(FORBIDDEN, BAD, body=lambda w: {"word": "Well done"}),
    "celebrate": member(BAD, body=lambda w: {"word": "Yes!"}),
    "forgive_incident": member(FORBIDDEN, OK, body=lambda w: {"word": "It's fine."}),
    "excuse_incident": member(FORBIDDEN, OK, body=lambda w: {"word": "You were ill."}),
    "make_it_right": member(BAD, body=lambda w: {"task": "Flowers"}),
    "complete_repair": member(BAD),  # nothing to repair yet
    "list_make_it_right": member(),
    "read_ledger": member(),
    "read_insights": member(),
    "propose_make_it_right": member(CREATED, body=lambda w: {"name": "A walk"}),
    "agree_make_it_right": member(
        OK, FORBIDDEN, path=lambda w: {"item_id": w.ids["mir_id"]}
    ),
    "withdraw_make_it_right": member(path=lambda w: {"item_id": w.ids["mir_id"]}),
    # notify: the owner's e-mail channel.
    "list_notifications": own(),
    "mark_notifications_read": own(),
    "list_channels": own(),
    "add_channel": own(
        CREATED, body=lambda w: {"kind": "email", "address": "me@example.org"}
    ),
    "remove_channel": owners(NO_CONTENT),
    "send_test": owners(HTTPStatus.ACCEPTED),
    "read_notification_preferences": own(),
    "save_notification_preferences": own(body=lambda w: {"lead_minutes": 30}),
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


# The world is built once for the module (``module_transaction``); each case
# runs in its own savepoint, so what one case changes no other case sees.
pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class People:
    leader: User
    follower: User
    stranger: User

    def of(self, visitor: str) -> User | None:
        return {
            ANON: None,
            STRANGER: self.stranger,
            PARTNER: self.follower,
            OWNER: self.leader,
        }[visitor]


def make_world(leader: User, follower: User, now) -> World:
    """Returns the table's world: the couple's active dynamic with a yellow
    signal and one of everything in it, and an open invitation to a second
    dynamic of the leader's."""
    dynamic = make_dynamic(leader, follower, now=now)
    signal = services.send_signal(leader, dynamic.pk, "yellow", now=now)
    forming = make_dynamic(leader, None, now=now)
    _invitation, token = services.create_invitation(leader, forming.pk, now=now)
    return World(
        dynamic_id=dynamic.pk,
        signal_id=signal.pk,
        token=token,
        ids=everything(dynamic.pk, leader, follower, at=now),
    )


@pytest.fixture(scope="module")
def built(module_transaction, django_db_blocker) -> tuple[People, World]:
    # The API reads the clock: the world is made at the time the cases run at.
    with django_db_blocker.unblock(), time_machine.travel(NOW, tick=False):
        leader = make_person("Alex", "alex.api-world@example.org")
        follower = make_person("Robin", "robin.api-world@example.org")
        stranger = make_person("Sam", "sam.api-world@example.org")
        world = make_world(leader, follower, NOW)
    return People(leader, follower, stranger), world


def _url(path: str, world: World, case: Case) -> str:
    return path.format(
        dynamic_id=world.dynamic_id,
        signal_id=world.signal_id,
        **{**world.ids, **case.path(world)},
    )


def _call(client, method: str, path: str, world: World, case: Case):
    url = _url(path, world, case)
    if case.multipart:
        return client.post(url, case.body(world))
    return getattr(client, method)(
        url, case.body(world), content_type="application/json"
    )


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize("operation", sorted(TABLE))
def test_operation_answers_each_visitor_as_the_table_says(
    operation, visitor, built, api_client
):
    people, world = built
    case = TABLE[operation]
    method, path = OPERATIONS[operation]
    response = _call(api_client(people.of(visitor)), method, path, world, case)
    assert response.status_code == case.expect[visitor], (
        f"{method.upper()} {path} as {visitor}: {response.content[:200]!r}"
    )
    if response.status_code >= 400:
        assert set(response.json()) >= {"code", "detail"}
    if response.status_code == NOT_FOUND:
        assert b"Sir" not in response.content and b"pet" not in response.content


@pytest.mark.parametrize("operation", sorted(TABLE))
def test_read_only_token_may_read_but_never_write(operation, built, api_client):
    people, world = built
    method, path = OPERATIONS[operation]
    case = TABLE[operation]
    response = _call(api_client(people.follower, "read"), method, path, world, case)
    if method == "get":
        assert response.status_code == case.expect[PARTNER]
    else:
        assert response.status_code == FORBIDDEN
        assert response.json()["code"] == "token_read_only"
