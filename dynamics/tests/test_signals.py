"""Red, yellow and take-the-lead: what each does and who sees it."""

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
import time_machine
from django.urls import reverse

from dynamics import services
from dynamics.models import Aftercare, Dynamic, Pause, Signal
from instep.errors import Refused

State = Dynamic.State


def test_red_from_the_follower_pauses_the_dynamic_at_once(dynamic, follower, now):
    services.send_signal(follower, dynamic.pk, "red", now=now)
    dynamic.refresh_from_db()
    assert dynamic.state == State.PAUSED
    pause = Pause.objects.get(dynamic=dynamic)
    assert (pause.reason, pause.started_at, pause.started_by) == ("red", now, follower)
    signal = Signal.objects.get()
    assert (signal.kind, signal.sent_by, signal.sent_at) == ("red", follower, now)


def test_red_during_an_ordinary_pause_turns_it_into_a_red_pause(
    dynamic, leader, follower, now
):
    services.pause_dynamic(leader, dynamic.pk, reason="travel", now=now)
    services.send_signal(follower, dynamic.pk, "red", now=now + timedelta(minutes=1))
    open_pause = Pause.objects.get(dynamic=dynamic, ended_at__isnull=True)
    assert open_pause.reason == "red"
    with pytest.raises(Refused, match="both of you"):
        services.resume_dynamic(leader, dynamic.pk, now=now)


def test_red_twice_keeps_one_red_pause(dynamic, leader, follower, now):
    services.send_signal(follower, dynamic.pk, "red", now=now)
    services.send_signal(leader, dynamic.pk, "red", now=now + timedelta(seconds=5))
    assert Pause.objects.filter(dynamic=dynamic).count() == 1
    assert Signal.objects.filter(kind="red").count() == 2


def test_red_works_while_the_partner_has_not_joined(dynamic_factory, leader, now):
    forming = dynamic_factory(leader, partner=None)
    services.send_signal(leader, forming.pk, "red", now=now)
    assert Signal.objects.filter(dynamic=forming, kind="red").exists()


def test_red_after_the_end_is_refused_with_a_reason(dynamic, follower, now):
    services.end_dynamic(follower, dynamic.pk, now=now)
    with pytest.raises(Refused, match="ended"):
        services.send_signal(follower, dynamic.pk, "red", now=now)


def test_unknown_signal_kind_is_refused(dynamic, follower, now):
    with pytest.raises(Refused, match="Unknown"):
        services.send_signal(follower, dynamic.pk, "purple", now=now)
    assert not Signal.objects.exists()


@pytest.mark.parametrize("kind", ["yellow", "take_lead"])
def test_yellow_and_take_the_lead_are_recorded_and_do_not_pause(
    dynamic, follower, now, kind
):
    services.send_signal(follower, dynamic.pk, kind, now=now)
    dynamic.refresh_from_db()
    assert dynamic.state == State.ACTIVE
    assert dynamic.audit.filter(act=f"signal_{kind}").exists()


def test_after_red_the_dynamic_resumes_only_when_both_are_ready(
    dynamic, leader, follower, now
):
    services.send_signal(follower, dynamic.pk, "red", now=now)
    services.give_aftercare(
        leader, dynamic.pk, feeling=4, ready_to_resume=True, now=now
    )
    services.give_aftercare(
        follower, dynamic.pk, feeling=2, ready_to_resume=False, now=now
    )
    dynamic.refresh_from_db()
    assert dynamic.state == State.PAUSED
    later = now + timedelta(hours=2)
    services.give_aftercare(
        follower,
        dynamic.pk,
        feeling=4,
        note="Better now.",
        ready_to_resume=True,
        now=later,
    )
    dynamic.refresh_from_db()
    assert dynamic.state == State.ACTIVE
    assert Pause.objects.get().ended_at == later
    assert Aftercare.objects.get(user=follower).note == "Better now."


def test_aftercare_refuses_a_feeling_outside_one_to_five(dynamic, follower, now):
    services.send_signal(follower, dynamic.pk, "red", now=now)
    with pytest.raises(Refused, match="1 to 5"):
        services.give_aftercare(
            follower, dynamic.pk, feeling=0, ready_to_resume=True, now=now
        )
    assert not Aftercare.objects.exists()


def test_aftercare_without_red_is_refused(dynamic, follower, now):
    with pytest.raises(Refused, match="no red signal"):
        services.give_aftercare(
            follower, dynamic.pk, feeling=3, ready_to_resume=True, now=now
        )


def test_partner_sees_the_red_alert_on_any_page_and_can_mark_it_seen(
    dynamic, leader, follower, client_for, now
):
    signal = services.send_signal(follower, dynamic.pk, "red", now=now)
    client = client_for(leader)
    page = client.get(reverse("accounts:profile"))
    assert b'class="alert alert-red"' in page.content
    assert b"pulled red" in page.content
    sender_page = client_for(follower).get(reverse("accounts:profile"))
    assert b'class="alert alert-red"' not in sender_page.content
    client.post(reverse("dynamics:acknowledge", args=[dynamic.pk, signal.pk]))
    assert (
        b'class="alert alert-red"'
        not in client.get(reverse("accounts:profile")).content
    )


def test_the_sender_cannot_acknowledge_their_own_signal(dynamic, follower, now):
    signal = services.send_signal(follower, dynamic.pk, "yellow", now=now)
    with pytest.raises(Refused):
        services.acknowledge_signal(follower, dynamic.pk, signal.pk, now=now)


def test_one_tap_red_button_pauses_and_confirms(dynamic, follower, client_for):
    client = client_for(follower)
    response = client.post(
        reverse("dynamics:signal", args=[dynamic.pk, "red"]), follow=True
    )
    assert response.status_code == HTTPStatus.OK
    assert b"Red signal sent" in response.content
    assert b"Red: everything has stopped" in response.content
    dynamic.refresh_from_db()
    assert dynamic.state == State.PAUSED


def test_discreet_mode_uses_neutral_words_for_signals(
    dynamic_factory, user_factory, client_for, now
):
    quiet = user_factory("Kim", discreet=True)
    dynamic = dynamic_factory(user_factory(), quiet)
    page = client_for(quiet).get(reverse("dynamics:home", args=[dynamic.pk])).content
    assert b">Stop<" in page
    assert b">Red<" not in page
    assert b"Sir" not in page
    response = client_for(quiet).post(
        reverse("dynamics:signal", args=[dynamic.pk, "red"]), follow=True
    )
    assert b"Stopped. The other person has been told." in response.content


def test_red_everywhere_stops_each_open_dynamic(dynamic_factory, follower, client_for):
    first = dynamic_factory(partner=follower)
    second = dynamic_factory(partner=follower)
    client_for(follower).post(
        reverse("dynamics:red_everywhere"), {"next": "//evil.example"}
    )
    states = set(
        Dynamic.objects.filter(pk__in=[first.pk, second.pk]).values_list(
            "state", flat=True
        )
    )
    assert states == {State.PAUSED}


def test_alerts_partial_polls_without_the_page_frame(
    dynamic, leader, follower, client_for, now
):
    services.send_signal(follower, dynamic.pk, "take_lead", now=now)
    response = client_for(leader).get(
        reverse("dynamics:alerts"), HTTP_HX_REQUEST="true"
    )
    assert b"asks you to take the lead" in response.content
    assert b"<html" not in response.content


def _page_key(page: bytes) -> str:
    """Returns the idempotency key the page's signal forms carry."""
    match = re.search(rb'name="idempotency_key" value="([^"]+)"', page)
    assert match, "the page's signal forms carry an idempotency key"
    return match.group(1).decode()


def test_double_tap_on_the_red_button_records_one_red_signal(
    dynamic, follower, client_for
):
    client = client_for(follower)
    home = reverse("dynamics:home", args=[dynamic.pk])
    key = _page_key(client.get(home).content)
    red = reverse("dynamics:signal", args=[dynamic.pk, "red"])
    for _tap in range(2):
        response = client.post(red, {"next": home, "idempotency_key": key})
        assert response.status_code == HTTPStatus.SEE_OTHER
    assert Signal.objects.filter(dynamic=dynamic, kind="red").count() == 1
    assert Pause.objects.filter(dynamic=dynamic).count() == 1


def test_each_page_render_carries_a_new_signal_key(dynamic, follower, client_for):
    client = client_for(follower)
    home = reverse("dynamics:home", args=[dynamic.pk])
    assert _page_key(client.get(home).content) != _page_key(client.get(home).content)


def test_yellow_then_red_from_the_same_page_both_go_out(dynamic, follower, client_for):
    client = client_for(follower)
    key = _page_key(client.get(reverse("dynamics:home", args=[dynamic.pk])).content)
    for kind in ("yellow", "red"):
        client.post(
            reverse("dynamics:signal", args=[dynamic.pk, kind]),
            {"idempotency_key": key},
        )
    assert set(Signal.objects.values_list("kind", flat=True)) == {"yellow", "red"}
    dynamic.refresh_from_db()
    assert dynamic.state == State.PAUSED


def test_red_from_a_page_kept_open_past_the_double_tap_is_sent_again(
    dynamic, leader, follower, client_for, now
):
    client = client_for(follower)
    key = _page_key(client.get(reverse("dynamics:home", args=[dynamic.pk])).content)
    red = reverse("dynamics:signal", args=[dynamic.pk, "red"])
    with time_machine.travel(now, tick=False):
        client.post(red, {"idempotency_key": key})
    for person in (follower, leader):
        services.give_aftercare(
            person,
            dynamic.pk,
            feeling=4,
            ready_to_resume=True,
            now=now + timedelta(minutes=1),
        )
    # The same page, back from the browser's history an hour later.
    with time_machine.travel(now + timedelta(hours=1), tick=False):
        client.post(red, {"idempotency_key": key})
    assert Signal.objects.filter(dynamic=dynamic, kind="red").count() == 2
    dynamic.refresh_from_db()
    assert dynamic.state == State.PAUSED


def test_a_malformed_page_key_never_stops_red(dynamic, follower, client_for):
    client_for(follower).post(
        reverse("dynamics:signal", args=[dynamic.pk, "red"]),
        {"idempotency_key": "\x00" + "k" * 200},
    )
    dynamic.refresh_from_db()
    assert dynamic.state == State.PAUSED


def test_double_tap_on_red_everywhere_records_one_red_per_dynamic(
    dynamic_factory, follower, client_for
):
    first = dynamic_factory(partner=follower)
    second = dynamic_factory(partner=follower)
    client = client_for(follower)
    key = _page_key(client.get(reverse("dynamics:list")).content)
    for _tap in range(2):
        client.post(reverse("dynamics:red_everywhere"), {"idempotency_key": key})
    assert Signal.objects.filter(dynamic=first, kind="red").count() == 1
    assert Signal.objects.filter(dynamic=second, kind="red").count() == 1
