"""Profile settings: name, time zone, format, discreet mode."""

from http import HTTPStatus

from django.urls import reverse
from django.utils import timezone


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
