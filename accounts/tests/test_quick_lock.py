"""The quick-lock PIN: a neutral lock screen, and red still works from it."""

from http import HTTPStatus

import pytest
import time_machine
from django.urls import reverse

from accounts import services
from accounts.middleware import LOCKED
from dynamics.models import Dynamic
from instep.errors import Refused


@pytest.fixture
def locked_client(dynamic, follower, client_for):
    services.set_pin(follower, pin="2468")
    client = client_for(follower)
    client.post(reverse("accounts:lock_now"))
    return client


def test_pin_must_be_four_to_eight_digits(follower):
    for bad in ("123", "123456789", "12a4"):
        with pytest.raises(Refused, match="4 to 8 digits"):
            services.set_pin(follower, pin=bad)
    follower.refresh_from_db()
    assert follower.lock_pin == ""


def test_the_pin_is_stored_hashed(follower):
    services.set_pin(follower, pin="2468")
    assert "2468" not in follower.lock_pin
    assert services.pin_matches(follower, "2468")


def test_pin_page_refuses_two_different_pins(follower, client_for):
    response = client_for(follower).post(
        reverse("accounts:pin"), {"pin": "2468", "pin_again": "8642"}
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert b"The two PINs differ" in response.content
    follower.refresh_from_db()
    assert not follower.has_quick_lock


def test_locked_session_shows_only_a_neutral_lock_screen(locked_client, dynamic):
    response = locked_client.get(reverse("dynamics:home", args=[dynamic.pk]))
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("accounts:lock")
    lock = locked_client.get(reverse("accounts:lock"))
    for secret in (b"Sir", b"pet", b"Dynamics", b"Red"):
        assert secret not in lock.content
    assert b">Stop<" in lock.content


def test_red_works_from_the_lock_screen(locked_client, dynamic):
    response = locked_client.post(
        reverse("dynamics:red_everywhere"), {"next": reverse("accounts:lock")}
    )
    assert response.url == reverse("accounts:lock")
    dynamic.refresh_from_db()
    assert dynamic.state == Dynamic.State.PAUSED
    assert locked_client.session[LOCKED] is True


def test_the_right_pin_unlocks(locked_client, dynamic):
    locked_client.post(reverse("accounts:lock"), {"pin": "2468"})
    response = locked_client.get(reverse("dynamics:home", args=[dynamic.pk]))
    assert response.status_code == HTTPStatus.OK


def test_a_wrong_pin_is_refused_and_five_sign_out(locked_client):
    lock = reverse("accounts:lock")
    response = locked_client.post(lock, {"pin": "0000"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert b"That PIN is not right" in response.content
    for _ in range(4):
        response = locked_client.post(lock, {"pin": "0000"})
    assert response.url == reverse("account_login")
    assert locked_client.get(reverse("dynamics:list")).status_code == HTTPStatus.FOUND


def test_the_app_locks_itself_after_the_idle_minutes(dynamic, follower, client_for):
    services.set_pin(follower, pin="2468")  # lock_after_minutes defaults to 5
    with time_machine.travel("2026-11-23 09:00Z", tick=False) as traveller:
        client = client_for(follower)
        home = reverse("dynamics:home", args=[dynamic.pk])
        assert client.get(home).status_code == HTTPStatus.OK
        traveller.shift(4 * 60)
        assert client.get(home).status_code == HTTPStatus.OK
        traveller.shift(4 * 60)  # four minutes after the last activity: still fine
        assert client.get(home).status_code == HTTPStatus.OK
        traveller.shift(5 * 60 + 30)
        assert client.get(home).url == reverse("accounts:lock")


def test_alert_polling_does_not_keep_the_app_awake(dynamic, follower, client_for):
    services.set_pin(follower, pin="2468")
    with time_machine.travel("2026-11-23 09:00Z", tick=False) as traveller:
        client = client_for(follower)
        client.get(reverse("dynamics:list"))
        for _ in range(4):
            traveller.shift(90)
            client.get(reverse("dynamics:alerts"), HTTP_HX_REQUEST="true")
        traveller.shift(90)
        response = client.get(reverse("dynamics:alerts"), HTTP_HX_REQUEST="true")
    assert response.status_code == HTTPStatus.NO_CONTENT
    assert response["HX-Redirect"] == reverse("accounts:lock")


def test_without_a_pin_lock_now_asks_for_one(follower, client_for):
    response = client_for(follower).post(reverse("accounts:lock_now"))
    assert response.url == reverse("accounts:pin")


def test_red_from_the_lock_screen_confirms_in_neutral_words(locked_client):
    response = locked_client.post(
        reverse("dynamics:red_everywhere"),
        {"next": reverse("accounts:lock")},
        follow=True,
    )
    assert b"Stopped. The other person has been told." in response.content
    assert b"Red signal sent" not in response.content


def test_a_plain_link_to_the_lock_screen_does_not_lock_the_session(
    dynamic, follower, client_for
):
    """Locking is a POST: a link on another site cannot lock anyone out."""
    services.set_pin(follower, pin="2468")
    client = client_for(follower)
    response = client.get(reverse("accounts:lock"))
    assert response.status_code == HTTPStatus.SEE_OTHER
    assert client.session.get(LOCKED) is None
    home = client.get(reverse("dynamics:home", args=[dynamic.pk]))
    assert home.status_code == HTTPStatus.OK


def test_the_lock_button_and_the_idle_timer_lock_with_a_post(follower, client_for):
    services.set_pin(follower, pin="2468")
    page = client_for(follower).get(reverse("accounts:profile"))
    lock_now = reverse("accounts:lock_now")
    assert f'action="{lock_now}"'.encode() in page.content
    assert f'data-lock-url="{lock_now}"'.encode() in page.content


def test_wrong_pins_count_for_the_person_across_sessions(dynamic, follower, client_for):
    """Each session may guess five times; all of a person's sessions together
    ten, after which the PIN opens nothing until they sign in again."""
    services.set_pin(follower, pin="2468")
    lock = reverse("accounts:lock")
    clients = [client_for(follower) for _ in range(3)]
    for client in clients:
        client.post(reverse("accounts:lock_now"))
    for client, guesses in zip(clients, (4, 4, 1), strict=True):
        for _ in range(guesses):
            assert client.post(lock, {"pin": "0000"}).status_code == 400
    last = clients[2].post(lock, {"pin": "0000"})
    assert last.url == reverse("account_login")
    # The right PIN no longer opens the sessions that are still locked.
    assert clients[0].post(lock, {"pin": "2468"}).url == reverse("account_login")
    # Signing in with the password makes the PIN work again.
    fresh = client_for(follower)
    fresh.post(reverse("accounts:lock_now"))
    assert fresh.post(lock, {"pin": "2468"}).url == reverse("landing")


def test_the_right_pin_in_one_session_does_not_clear_another_sessions_guesses(
    follower, client_for
):
    services.set_pin(follower, pin="2468")
    lock = reverse("accounts:lock")
    thief, owner = client_for(follower), client_for(follower)
    for client in (thief, owner):
        client.post(reverse("accounts:lock_now"))
    for _ in range(4):
        thief.post(lock, {"pin": "0000"})
    assert owner.post(lock, {"pin": "2468"}).url == reverse("landing")
    assert thief.post(lock, {"pin": "1111"}).url == reverse("account_login")
