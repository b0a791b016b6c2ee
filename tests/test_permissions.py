"""Every URL of the project, checked against the four kinds of visitor.

The table below must name every URL pattern: a new page that is not in it
fails ``test_every_url_is_in_the_table``, so no page can forget its check.
Visitors: anonymous; a stranger (signed in, not in the dynamic); the partner
(the follower, who joined by invitation); the owner (the leader, who made the
dynamic and acts here). A stranger must get 404 for anything of a dynamic.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from http import HTTPStatus

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import (
    NoReverseMatch,
    URLPattern,
    URLResolver,
    get_resolver,
    reverse,
)

from accounts.models import User
from agreements.tests.world import (
    idea_kwargs,
    item_kwargs,
    section_kwargs,
    version_kwargs,
)
from api import services as api_services
from conftest import NOW, make_dynamic, make_person
from duties import services as duty_services
from duties.tests.factories import task_spec
from dynamics import services
from talk.tests import factories as talk

ANON, STRANGER, PARTNER, OWNER = "anonymous", "stranger", "partner", "owner"
VISITORS = (ANON, STRANGER, PARTNER, OWNER)
LOGIN = HTTPStatus.FOUND  # login_required sends anonymous visitors to sign in
OK, SEE_OTHER, NOT_FOUND = HTTPStatus.OK, HTTPStatus.SEE_OTHER, HTTPStatus.NOT_FOUND
FORBIDDEN = HTTPStatus.FORBIDDEN


@dataclass
class World:
    """What a URL may need: the active dynamic, a signal in it, an open invitation."""

    dynamic_id: int
    signal_id: int
    token: str
    # Duties: the leader's own task, its occurrence, a planned pause, a feed.
    duty_id: int = 0
    occurrence_id: int = 0
    plan_id: int = 0
    feed_token: str = ""
    token_id: int = 0


@dataclass(frozen=True)
class Case:
    kwargs: Callable[[World], dict] = lambda w: {}
    method: str = "get"
    expect: dict[str, int] = field(default_factory=dict)
    data: dict = field(default_factory=dict)


def member_page(method: str = "get", partner: int = OK, owner: int = OK, **kw) -> Case:
    """A page of the dynamic: members only, strangers learn nothing."""
    kwargs = kw.pop("kwargs", lambda w: {"dynamic_id": w.dynamic_id})
    return Case(
        kwargs=kwargs,
        method=method,
        expect={ANON: LOGIN, STRANGER: NOT_FOUND, PARTNER: partner, OWNER: owner},
        **kw,
    )


def own_page(method: str = "get", status: int = OK, **kw) -> Case:
    """A page about the signed-in person themself."""
    return Case(
        method=method,
        expect={ANON: LOGIN, STRANGER: status, PARTNER: status, OWNER: status},
        **kw,
    )


def public(status: int = OK, signed_in: int | None = None, **kw) -> Case:
    signed_in = status if signed_in is None else signed_in
    return Case(
        expect={
            ANON: status,
            STRANGER: signed_in,
            PARTNER: signed_in,
            OWNER: signed_in,
        },
        **kw,
    )


def dynamic_and(**extra: Callable[[World], object]) -> Callable[[World], dict]:
    return lambda w: {"dynamic_id": w.dynamic_id, **{k: f(w) for k, f in extra.items()}}


def made(maker: Callable[[int], int]) -> Callable[[World], int]:
    """Makes an object in the world's dynamic and returns its id."""
    return lambda w: maker(w.dynamic_id)


# Third-party pages (allauth, admin) are checked for not failing; their own
# projects test their access rules.
THIRD_PARTY_PREFIXES = ("account_", "mfa_", "admin:")
# The API's operations have their own table, built from its OpenAPI schema:
# api/tests/test_permissions.py.
API_PREFIX = "api:v1:"

TABLE: dict[str, Case] = {
    "landing": public(OK, signed_in=HTTPStatus.FOUND),
    "health": public(OK),
    "dynamics:list": own_page(),
    "dynamics:create": own_page(),
    "dynamics:home": member_page(),
    "dynamics:now_blocks": member_page(),
    # Both partners are in, so the invite page sends them back home.
    "dynamics:invite": member_page(partner=SEE_OTHER, owner=SEE_OTHER),
    "dynamics:signal": member_page(
        "post",
        partner=SEE_OTHER,
        owner=SEE_OTHER,
        kwargs=dynamic_and(kind=lambda w: "yellow"),
    ),
    "dynamics:acknowledge": member_page(
        "post",
        partner=SEE_OTHER,
        owner=SEE_OTHER,
        kwargs=dynamic_and(signal_id=lambda w: w.signal_id),
    ),
    "dynamics:pause": member_page(),
    "dynamics:resume": member_page("post", partner=SEE_OTHER, owner=SEE_OTHER),
    "dynamics:aftercare": member_page(),
    "dynamics:end": member_page(),
    "dynamics:audit": member_page(),
    # The invitation link is a capability: whoever holds it may see the offer.
    "dynamics:invitation": public(OK, kwargs=lambda w: {"token": w.token}),
    "dynamics:red_everywhere": own_page("post", SEE_OTHER),
    "dynamics:alerts": own_page(),
    "accounts:profile": own_page(),
    "accounts:pin": own_page(),
    # Without a PIN there is nothing to lock: the page explains where to set one.
    "accounts:lock": own_page(status=SEE_OTHER),
    "accounts:lock_now": own_page("post", SEE_OTHER),
    "accounts:sign_out_everywhere": own_page("post", SEE_OTHER),
    "accounts:delete": own_page(),
    "duties:today": member_page(),
    "duties:plan": member_page(),
    "duties:duties": member_page(),
    "duties:new_duty": member_page(partner=FORBIDDEN),
    "duties:history": member_page(kwargs=dynamic_and(duty_id=lambda w: w.duty_id)),
    "duties:edit_duty": member_page(
        partner=FORBIDDEN, kwargs=dynamic_and(duty_id=lambda w: w.duty_id)
    ),
    "duties:retire": member_page(
        partner=FORBIDDEN, kwargs=dynamic_and(duty_id=lambda w: w.duty_id)
    ),
    "duties:review_queue": member_page(partner=FORBIDDEN),
    "duties:complete": member_page(
        kwargs=dynamic_and(occurrence_id=lambda w: w.occurrence_id)
    ),
    "duties:review": member_page(
        "post",
        partner=SEE_OTHER,
        owner=SEE_OTHER,
        kwargs=dynamic_and(occurrence_id=lambda w: w.occurrence_id),
    ),
    # No photo was sent: both partners are told so on Today.
    "duties:proof_photo": member_page(
        partner=SEE_OTHER,
        owner=SEE_OTHER,
        kwargs=dynamic_and(occurrence_id=lambda w: w.occurrence_id),
    ),
    "duties:pauses": member_page(),
    "duties:cancel_pause": member_page(
        "post",
        partner=SEE_OTHER,
        owner=SEE_OTHER,
        kwargs=dynamic_and(plan_id=lambda w: w.plan_id),
    ),
    # No context named: the refusal comes back as a message on Pauses.
    "duties:switch_context": member_page("post", partner=SEE_OTHER, owner=SEE_OTHER),
    "duties:illness": member_page("post", partner=SEE_OTHER, owner=SEE_OTHER),
    "duties:calendar": member_page(),
    # The calendar feed URL is a capability: whoever holds the token may read it.
    "duties:feed": public(OK, kwargs=lambda w: {"token": w.feed_token}),
    # The agreement: version pages name the dynamic's draft (made by the leader).
    "agreements:show_agreement": member_page(),
    "agreements:propose_draft": member_page("post", partner=SEE_OTHER, owner=SEE_OTHER),
    "agreements:show_history": member_page(),
    "agreements:compare_versions": member_page(),
    "agreements:edit_safewords": member_page(),
    "agreements:show_version": member_page(kwargs=version_kwargs),
    "agreements:edit_version": member_page(kwargs=version_kwargs),
    "agreements:print_version": member_page(kwargs=version_kwargs),
    "agreements:sign_version": member_page(
        "post", partner=SEE_OTHER, owner=SEE_OTHER, kwargs=version_kwargs
    ),
    "agreements:discard_draft": member_page(
        "post", partner=SEE_OTHER, owner=SEE_OTHER, kwargs=version_kwargs
    ),
    "agreements:add_comment": member_page(
        "post", partner=SEE_OTHER, owner=SEE_OTHER, kwargs=version_kwargs
    ),
    "agreements:add_item": member_page(kwargs=section_kwargs),
    "agreements:change_item": member_page(kwargs=item_kwargs),
    "agreements:remove_item": member_page(
        "post", partner=SEE_OTHER, owner=SEE_OTHER, kwargs=item_kwargs
    ),
    # The exploration list: each partner's own answers, the shared matches.
    "agreements:show_exploration": member_page(),
    "agreements:show_matches": member_page(),
    "agreements:add_idea": member_page(),
    "agreements:answer_idea": member_page(kwargs=idea_kwargs),
    # Nobody answered "hard limit" here: the refusal comes back as a message.
    "agreements:propose_limit": member_page(
        "post", partner=SEE_OTHER, owner=SEE_OTHER, kwargs=idea_kwargs
    ),
    # talk: the follower opened the matter; the leader wrote the shared entry.
    "talk:checkin": member_page(),
    "talk:checkin_prompt": member_page(),
    "talk:matter_list": member_page(),
    "talk:matter_new": member_page(),
    "talk:request_new": member_page(partner=FORBIDDEN),
    "talk:matter_detail": member_page(kwargs=dynamic_and(matter_id=made(talk.matter))),
    "talk:matter_comment": member_page(
        "post",
        partner=SEE_OTHER,
        owner=SEE_OTHER,
        kwargs=dynamic_and(matter_id=made(talk.matter)),
        data={"body": "I think so"},
    ),
    "talk:matter_decide": member_page(
        "post",
        partner=FORBIDDEN,
        owner=SEE_OTHER,
        kwargs=dynamic_and(matter_id=made(talk.matter)),
        data={"decision": "Yes", "reason": "You asked kindly"},
    ),
    "talk:matter_answer": member_page(
        "post",
        partner=SEE_OTHER,
        owner=FORBIDDEN,
        kwargs=dynamic_and(matter_id=made(talk.leader_request)),
        data={"answer": "accept"},
    ),
    "talk:matter_withdraw": member_page(
        kwargs=dynamic_and(matter_id=made(talk.matter))
    ),
    "talk:decision_log": member_page(),
    "talk:journal": member_page(),
    "talk:journal_new": member_page(),
    "talk:journal_entry": member_page(kwargs=dynamic_and(entry_id=made(talk.entry))),
    # Only the author edits or deletes; to the partner the page does not exist.
    "talk:journal_edit": member_page(
        partner=NOT_FOUND, kwargs=dynamic_and(entry_id=made(talk.entry))
    ),
    "talk:journal_delete": member_page(
        partner=NOT_FOUND, kwargs=dynamic_and(entry_id=made(talk.entry))
    ),
    "talk:journal_comment": member_page(
        "post",
        partner=SEE_OTHER,
        owner=SEE_OTHER,
        kwargs=dynamic_and(entry_id=made(talk.entry)),
        data={"body": "Thank you for this"},
    ),
    "talk:review_list": member_page(),
    "talk:review_start": member_page("post", partner=SEE_OTHER, owner=SEE_OTHER),
    "talk:review_detail": member_page(kwargs=dynamic_and(review_id=made(talk.review))),
    "talk:review_note": member_page(
        "post",
        partner=SEE_OTHER,
        owner=SEE_OTHER,
        kwargs=dynamic_and(review_id=made(talk.review)),
        data={"kind": "went_well", "body": "We talked every evening"},
    ),
    "talk:review_held": member_page(
        "post",
        partner=SEE_OTHER,
        owner=SEE_OTHER,
        kwargs=dynamic_and(review_id=made(talk.review)),
    ),
    "talk:review_note_matter": member_page(
        "post",
        partner=SEE_OTHER,
        owner=SEE_OTHER,
        kwargs=dynamic_and(note_id=made(talk.change_note)),
    ),
    "talk:review_note_agreement": member_page(
        "post",
        partner=SEE_OTHER,
        owner=SEE_OTHER,
        kwargs=dynamic_and(note_id=made(talk.change_note)),
    ),
    "talk:search": member_page(),
    # Conduct: the follower's missed duty, recorded as the clock records it.
    # Empty forms answer 400; a role that may not act, 403.
    "conduct:list_incidents": member_page(),
    "conduct:report_incident": member_page(),
    "conduct:incident": member_page(kwargs=lambda w: _incident(w)),
    "conduct:reflect": member_page("post", 400, 400, kwargs=lambda w: _incident(w)),
    "conduct:apologise": member_page("post", 400, 400, kwargs=lambda w: _incident(w)),
    "conduct:give_consequence": member_page(
        "post", 403, 400, kwargs=lambda w: _incident(w)
    ),
    "conduct:give_reward": member_page("post", 403, 400, kwargs=lambda w: _incident(w)),
    "conduct:schedule_correction": member_page(
        "post", 403, 400, kwargs=lambda w: _incident(w)
    ),
    "conduct:make_it_right": member_page(
        "post", 400, 400, kwargs=lambda w: _incident(w)
    ),
    "conduct:forgive": member_page("post", 400, 400, kwargs=lambda w: _incident(w)),
    # The follower may not excuse their own slip; the leader may.
    "conduct:excuse": member_page(
        "post", 403, SEE_OTHER, kwargs=lambda w: _incident(w)
    ),
    "conduct:celebrate": member_page("post", 400, 400, kwargs=lambda w: _incident(w)),
    "conduct:complete_repair": member_page(
        "post", 400, 400, kwargs=lambda w: _incident(w)
    ),
    "conduct:ledger": member_page(),
    "conduct:make_it_right_items": member_page(),
    "conduct:agree_item": member_page(
        "post", SEE_OTHER, SEE_OTHER, kwargs=dynamic_and(item_id=lambda w: 999_999)
    ),
    "conduct:withdraw_item": member_page(
        "post", SEE_OTHER, SEE_OTHER, kwargs=dynamic_and(item_id=lambda w: 999_999)
    ),
    # Insights: both partners see the same charts (each with their own privacy).
    "insights:overview": member_page(),
    "api:tokens": own_page(),
    # A token id that is not the visitor's own is a 404 for them.
    "api:revoke_token": Case(
        kwargs=lambda w: {"token_id": w.token_id},
        expect={ANON: LOGIN, STRANGER: NOT_FOUND, PARTNER: NOT_FOUND, OWNER: OK},
    ),
    "api:export": own_page(),
}


def _owner_channel(w: World) -> int:
    """Returns a new channel of the owner: only they may test or remove it."""
    from dynamics.models import Membership
    from notify import services as notify_services

    owner = Membership.objects.get(dynamic_id=w.dynamic_id, role="leader").user
    return notify_services.add_email(
        owner, address="owner@example.org", now=owner.date_joined
    ).pk


def _own_channel_page(method: str = "get", owner: int = OK) -> Case:
    """A person's own channel: everyone else is told it does not exist."""
    return Case(
        kwargs=lambda w: {"channel_id": _owner_channel(w)},
        method=method,
        expect={ANON: LOGIN, STRANGER: NOT_FOUND, PARTNER: NOT_FOUND, OWNER: owner},
    )


TABLE.update(
    {
        "notify:settings": own_page(),
        "notify:add_email": own_page(),
        "notify:add_apprise": own_page(),
        # Without a subscription the page explains and returns to settings.
        "notify:add_push": own_page("post", SEE_OTHER),
        "notify:dismiss_push_offer": own_page("post", SEE_OTHER),
        "notify:test_channel": _own_channel_page("post", SEE_OTHER),
        "notify:switch_channel": _own_channel_page("post", SEE_OTHER),
        "notify:remove_channel": _own_channel_page(),
        "notify:centre": own_page(),
        # The browser fetches these for anyone: they hold nothing personal.
        "notify:manifest": public(OK),
        "notify:service_worker": public(OK),
    }
)


def _incident(w: World) -> dict:
    """Returns the kwargs of the follower's missed duty in the world's dynamic."""
    from datetime import UTC, datetime

    from conduct.services import record_slip_from_occurrence
    from dynamics.models import Membership

    follower = Membership.objects.get(dynamic_id=w.dynamic_id, role="follower")
    incident = record_slip_from_occurrence(
        dynamic_id=w.dynamic_id,
        occurrence_key="permissions",
        assignee_id=follower.user_id,
        title="Evening walk",
        due_at=datetime(2026, 11, 23, 8, tzinfo=UTC),
        kind="missed",
        now=datetime(2026, 11, 23, 9, tzinfo=UTC),
    )
    return {"dynamic_id": w.dynamic_id, "incident_id": incident.pk}


def _url_names(patterns=None, namespace: str | None = None):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            ns = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from _url_names(pattern.url_patterns, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def _ours(name: str) -> bool:
    return not name.startswith((*THIRD_PARTY_PREFIXES, API_PREFIX))


def _third_party(name: str) -> bool:
    return name.startswith(THIRD_PARTY_PREFIXES)


def test_every_url_is_in_the_table():
    names = {name for name in _url_names() if _ours(name)}
    assert names - TABLE.keys() == set(), "add these URLs to the permission table"
    assert TABLE.keys() - names == set(), "these table rows name no URL"


def test_every_url_of_ours_has_a_name():
    def unnamed(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "admin":
                    yield from unnamed(pattern.url_patterns)
            elif not pattern.name:
                yield str(pattern.pattern)

    assert list(unnamed(get_resolver().url_patterns)) == []


# The world is built once for the module (``module_transaction``); each case
# runs in its own savepoint, so what one case changes no other case sees.
pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class People:
    leader: User
    follower: User
    stranger: User
    # Each one's signed-in session, made with the world: a case sends its
    # cookie instead of signing in again (the session row is in the world).
    sessions: dict[str, str] = field(default_factory=dict)

    def client(self, visitor: str) -> Client:
        client = Client()
        if visitor != ANON:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[visitor]
        return client


def _session(person: User) -> str:
    client = Client()
    client.force_login(person)
    # The first request of a day notes the person's presence (see
    # agreements.middleware); every case makes the requests after it.
    client.get(reverse("health"))
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def make_world(leader: User, follower: User, now) -> World:
    """Returns the table's world: the couple's active dynamic with a yellow
    signal, a duty and a planned pause in it, an open invitation to a second
    dynamic of the leader's, an API token and a calendar feed."""
    dynamic = make_dynamic(leader, follower, now=now)
    signal = services.send_signal(leader, dynamic.pk, "yellow", now=now)
    forming = make_dynamic(leader, None, now=now)
    _invitation, token = services.create_invitation(leader, forming.pk, now=now)
    duty = duty_services.create_duty(
        leader,
        dynamic.pk,
        spec=task_spec(now + timedelta(hours=3), assignee_role="leader"),
        now=now,
    )
    plan = duty_services.schedule_pause(
        follower,
        dynamic.pk,
        reason="family",
        starts_at=now + timedelta(days=2),
        ends_at=now + timedelta(days=3),
        now=now,
    )
    api_token, _secret = api_services.create_token(
        leader, name="Shortcut", scope="write", now=now
    )
    return World(
        dynamic_id=dynamic.pk,
        signal_id=signal.pk,
        token=token,
        duty_id=duty.pk,
        occurrence_id=duty.occurrences.get().pk,
        plan_id=plan.pk,
        feed_token=duty_services.new_feed_token(follower, dynamic.pk, now=now),
        token_id=api_token.pk,
    )


@pytest.fixture(scope="module")
def built(module_transaction, django_db_blocker) -> tuple[People, World]:
    now = NOW
    with django_db_blocker.unblock(), time_machine.travel(now, tick=False):
        leader = make_person("Alex", "alex.world@example.org")
        follower = make_person("Robin", "robin.world@example.org")
        stranger = make_person("Sam", "sam.world@example.org")
        world = make_world(leader, follower, now)
        sessions = {
            STRANGER: _session(stranger),
            PARTNER: _session(follower),
            OWNER: _session(leader),
        }
    return People(leader, follower, stranger, sessions), world


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize("name", sorted(TABLE))
def test_url_answers_each_visitor_as_the_table_says(name, visitor, built):
    people, world = built
    case = TABLE[name]
    client = people.client(visitor)
    url = reverse(name, kwargs=case.kwargs(world))
    response = getattr(client, case.method)(url, case.data)
    assert response.status_code == case.expect[visitor], (
        f"{case.method.upper()} {url} as {visitor}"
    )
    if response.status_code == NOT_FOUND:
        assert b"Sir" not in response.content and b"pet" not in response.content


def _third_party_urls() -> list[str]:
    """Returns the third-party URLs that take no arguments."""
    urls = []
    for name in sorted(set(_url_names())):
        if _third_party(name):
            try:
                urls.append(reverse(name))
            except NoReverseMatch:
                continue  # pages with keys that only their own flow hands out
    return urls


@pytest.mark.parametrize("url", _third_party_urls())
def test_third_party_pages_do_not_fail_for_anyone(url, client_for, stranger):
    for person in (None, stranger):
        response = client_for(person).get(url)
        assert response.status_code < 500, f"GET {url}"
