"""Profile settings: name, time zone, format, discreet mode."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User


def test_person_saves_time_zone_locale_and_discreet_mode(follower, client_for):
    client = client_for(follower)
    response = client.post(
        reverse("accounts:profile"),
        {
            "display_name": "Robin B.",
            "time_zone": "America/New_York",
            "locale": "de",
            "discreet": "on",
            "lock_after_minutes": "2",
        },
    )
    assert response.status_code == HTTPStatus.SEE_OTHER
    follower.refresh_from_db()
    assert follower.display_name == "Robin B."
    assert follower.time_zone == "America/New_York"
    assert follower.locale == "de"
    assert follower.discreet is True
    assert follower.lock_after_minutes == 2


def test_a_bad_time_zone_is_refused_and_nothing_changes(follower, client_for):
    response = client_for(follower).post(
        reverse("accounts:profile"),
        {
            "display_name": "Changed",
            "time_zone": "Nowhere/Atlantis",
            "locale": "en",
            "lock_after_minutes": "5",
        },
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert b"Select a valid choice" in response.content
    follower.refresh_from_db()
    assert follower.display_name == "Robin"


def test_pages_show_times_in_the_persons_time_zone(
    user_factory, dynamic_factory, client_for
):
    traveller = user_factory("Kim", time_zone="Asia/Tokyo")
    dynamic = dynamic_factory(traveller)  # created at 09:00 UTC
    response = client_for(traveller).get(reverse("dynamics:audit", args=[dynamic.pk]))
    assert b"23 Nov, 18:00" in response.content
    assert timezone.get_current_timezone_name() == "UTC"  # reset after the request


def test_two_factor_setup_is_offered(follower, client_for):
    response = client_for(follower).get(reverse("mfa_index"))
    assert response.status_code == HTTPStatus.OK
    assert b"Authenticator App" in response.content


def test_labels_read_as_plain_text_without_a_colon(follower, client_for):
    page = client_for(follower).get(reverse("accounts:profile")).content
    assert b'<label for="id_discreet">Discreet mode</label>' in page
    assert b"Discreet mode:" not in page


@pytest.mark.parametrize(
    "name", ["Robin\r\nBcc: x@evil.test", "Ro\nbin", "Ro\u2028bin"]
)
def test_a_name_with_a_line_break_is_refused_at_every_door(
    name, follower, client_for, api_client, admin_client
):
    """Settings page, API, admin and sign-up all refuse a name over two lines."""
    page = client_for(follower).post(
        reverse("accounts:profile"),
        {
            "display_name": name,
            "time_zone": "UTC",
            "locale": "en",
            "lock_after_minutes": 5,
        },
    )
    assert page.status_code == HTTPStatus.BAD_REQUEST
    assert b"one line" in page.content
    api = api_client(follower).patch(
        "/api/v1/me", {"display_name": name}, content_type="application/json"
    )
    assert api.status_code == HTTPStatus.BAD_REQUEST
    assert "one line" in api.json()["detail"]
    admin = admin_client.post(
        reverse("admin:accounts_user_change", args=[follower.pk]),
        {
            "email": follower.email,
            "display_name": name,
            "time_zone": "UTC",
            "locale": "en",
            "is_active": "on",
            "last_login_0": "",
            "date_joined_0": "2026-11-23",
            "date_joined_1": "09:00",
        },
    )
    assert admin.status_code == HTTPStatus.OK  # the form again, with the error
    assert b"one line" in admin.content
    follower.refresh_from_db()
    assert follower.display_name == "Robin"
    signup = Client().post(
        reverse("account_signup"),
        {
            "display_name": name,
            "email": "new.person@example.org",
            "password1": "a long and private pass phrase",
            "password2": "a long and private pass phrase",
        },
    )
    assert b"one line" in signup.content
    assert not User.objects.filter(email="new.person@example.org").exists()
