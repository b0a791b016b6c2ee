"""What is cheap to abuse is limited, on pages and in the API, with a 429 that
says why and when to try again (instep/ratelimit.py). Red is never limited."""

from datetime import timedelta
from http import HTTPStatus

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.models import User
from api.models import ApiToken
from dynamics.models import Signal
from notify import services as notify
from notify.models import Channel, Outbox

API = "/api/v1"
JSON = "application/json"


@pytest.fixture
def tight(settings):
    """Every limit at two, per hour (the API's per minute), for short tests."""
    settings.INSTEP_RATE_LIMITS = {
        "invitation_email": (2, 3600),
        "test_send": (2, 3600),
        "channel_add": (2, 3600),
        "token_create": (2, 3600),
        "api": (2, 60),
    }


def _assert_limited(response, words: str) -> None:
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert int(response["Retry-After"]) > 0
    assert words in response.content.decode()


def test_leader_sends_only_so_many_invitations_by_e_mail(
    tight, dynamic_factory, leader, client_for, api_client
):
    forming = dynamic_factory(leader, partner=None)
    page, script = client_for(leader), api_client(leader)
    invite = reverse("dynamics:invite", args=[forming.pk])
    for n in range(2):
        answer = page.post(invite, {"email": f"robin.{n}@example.org"})
        assert answer.status_code == HTTPStatus.OK
    _assert_limited(
        page.post(invite, {"email": "robin.3@example.org"}),
        "many invitations by e-mail",
    )
    _assert_limited(
        script.post(
            f"{API}/dynamics/{forming.pk}/invitations",
            {"email": "robin.4@example.org"},
            content_type=JSON,
        ),
        "many invitations by e-mail",
    )
    # A link without an e-mail sends nothing to anyone: still possible.
    assert page.post(invite, {"email": ""}).status_code == HTTPStatus.OK


def test_person_sends_only_so_many_test_messages(
    tight, follower, client_for, api_client, now
):
    channel = notify.add_email(follower, address="robin@example.org", now=now)
    page = client_for(follower)
    test = reverse("notify:test_channel", args=[channel.pk])
    assert page.post(test).status_code == HTTPStatus.SEE_OTHER
    assert page.post(test).status_code == HTTPStatus.SEE_OTHER
    _assert_limited(page.post(test), "many test messages")
    _assert_limited(
        api_client(follower).post(f"{API}/me/channels/{channel.pk}/test"),
        "many test messages",
    )
    assert Outbox.objects.filter(channel=channel).count() == 2


def test_person_adds_only_so_many_channels(tight, follower, client_for, api_client):
    page = client_for(follower)
    add = reverse("notify:add_email")
    for n in range(2):
        page.post(add, {"address": f"robin.{n}@example.org"})
    _assert_limited(page.post(add, {"address": "robin.3@example.org"}), "channels")
    _assert_limited(
        api_client(follower).post(
            f"{API}/me/channels",
            {"kind": "email", "address": "robin.4@example.org"},
            content_type=JSON,
        ),
        "many channels",
    )
    assert Channel.objects.filter(user=follower).count() == 2


def test_person_makes_only_so_many_api_tokens(tight, follower, client_for):
    page = client_for(follower)
    tokens = reverse("api:tokens")
    for n in range(2):
        page.post(tokens, {"name": f"Script {n}", "scope": "read"})
    _assert_limited(
        page.post(tokens, {"name": "One more", "scope": "read"}), "many API tokens"
    )
    assert ApiToken.objects.filter(user=follower).count() == 2


def test_a_busy_token_is_slowed_down_and_the_limit_lifts(tight, follower, api_client):
    with time_machine.travel("2026-11-23 10:00Z", tick=False) as traveller:
        script = api_client(follower)
        for _ in range(2):
            assert script.get(f"{API}/me").status_code == HTTPStatus.OK
        limited = script.get(f"{API}/me")
        _assert_limited(limited, "many requests")
        assert limited.json()["code"] == "rate_limited"
        assert limited.json()["retry_after"] == 60
        traveller.shift(timedelta(seconds=61))
        assert script.get(f"{API}/me").status_code == HTTPStatus.OK


def test_red_goes_through_past_every_limit(tight, dynamic, follower, api_client):
    """The token is over its limit, yet red answers 201 each time; yellow, which
    can wait, gets the 429."""
    script = api_client(follower, scope="write")
    signals = f"{API}/dynamics/{dynamic.pk}/signals"
    for _ in range(3):
        script.get(f"{API}/me")
    for n in range(5):
        red = script.post(
            signals, {"kind": "red", "idempotency_key": f"red-{n}"}, content_type=JSON
        )
        assert red.status_code == HTTPStatus.CREATED
    _assert_limited(
        script.post(signals, {"kind": "yellow"}, content_type=JSON), "many requests"
    )
    assert Signal.objects.filter(dynamic=dynamic, kind="red").count() >= 1
    assert not Signal.objects.filter(dynamic=dynamic, kind="yellow").exists()


def test_sign_up_is_limited_per_address(db, settings):
    settings.ACCOUNT_RATE_LIMITS = {"signup": "2/h/ip"}
    visitor = Client()
    for n in range(3):
        answer = visitor.post(
            reverse("account_signup"),
            {
                "display_name": f"Person {n}",
                "email": f"person.{n}@example.org",
                "password1": "a long and private pass phrase",
                "password2": "a long and private pass phrase",
            },
        )
    assert answer.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert User.objects.filter(email__startswith="person.").count() == 2
