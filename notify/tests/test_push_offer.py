"""Now offers to turn on push on this device, once, through settings' own flow."""

import json
from http import HTTPStatus

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dynamics import now as now_read
from dynamics.access import require
from notify import services, vapid
from notify.models import Channel, Preferences
from notify.tests.test_pages import NOW

OFFER = "data-push-offer"


def _now_page(client, dynamic) -> str:
    return client.get(reverse("dynamics:home", args=[dynamic.pk])).content.decode()


def _read_count(user, dynamic) -> tuple[int, list]:
    me = require(user, dynamic.pk, "view")
    with CaptureQueriesContext(connection) as queries:
        offers = now_read.read(me, NOW).offers
    return len(queries), offers


def test_person_without_push_is_offered_it_on_now_with_the_settings_form(
    dynamic, follower, client_for
):
    key = vapid.instance_key().public_key
    page = _now_page(client_for(follower), dynamic)
    assert OFFER in page
    assert f'data-vapid-key="{key}"' in page
    # The one subscribe path: the settings' endpoint and script, back to Now.
    assert f'action="{reverse("notify:add_push")}"' in page
    assert "/notify/push." in page
    assert f'name="next" value="{reverse("dynamics:home", args=[dynamic.pk])}"' in page


def test_person_who_says_not_now_is_not_offered_push_again(
    dynamic, follower, client_for
):
    client = client_for(follower)
    home = reverse("dynamics:home", args=[dynamic.pk])
    response = client.post(reverse("notify:dismiss_push_offer"), {"next": home})
    assert response.status_code == HTTPStatus.SEE_OTHER
    assert response["Location"] == home
    assert Preferences.objects.get(user=follower).push_offer_dismissed_at is not None
    assert OFFER not in _now_page(client, dynamic)


def test_not_now_from_now_answers_htmx_with_nothing_and_elsewhere_goes_home(
    dynamic, follower, client_for
):
    client = client_for(follower)
    response = client.post(reverse("notify:dismiss_push_offer"), HTTP_HX_REQUEST="true")
    assert response.status_code == HTTPStatus.OK
    assert response.content == b""
    response = client.post(
        reverse("notify:dismiss_push_offer"), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("notify:settings")


def test_person_with_a_push_device_is_not_offered_push(
    dynamic, leader, follower, client_for, push_subscriber
):
    services.add_push(
        follower, subscription=json.dumps(push_subscriber.subscription), now=NOW
    )
    assert OFFER not in _now_page(client_for(follower), dynamic)
    # The partner has no device: the offer is the person's own.
    assert _read_count(leader, dynamic)[1]


def test_push_subscribed_from_nows_offer_returns_to_now(
    dynamic, follower, client_for, push_subscriber
):
    home = reverse("dynamics:home", args=[dynamic.pk])
    response = client_for(follower).post(
        reverse("notify:add_push"),
        {
            "subscription": json.dumps(push_subscriber.subscription),
            "label": "This device",
            "next": home,
        },
    )
    assert response["Location"] == home
    assert Channel.objects.filter(user=follower, kind="webpush").exists()


def test_push_offer_adds_no_query_to_now(dynamic, follower):
    vapid.instance_key()
    offered, offers = _read_count(follower, dynamic)
    assert [o.key for o in offers] == ["push"]
    services.dismiss_push_offer(follower, now=NOW)
    declined, offers = _read_count(follower, dynamic)
    assert offers == []
    assert offered == declined
