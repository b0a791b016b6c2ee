"""Per-kind levels on the preferences page and in the API."""

import json
from http import HTTPStatus

from notify import messages
from notify.models import Preferences

URL = "/api/v1/me/notification-preferences"


def test_person_reads_every_kinds_default_level_through_the_api(follower, api_client):
    body = api_client(follower).get(URL).json()
    assert body["kinds"] == {k: messages.DEFAULT_LEVELS[k] for k in messages.LABELS}
    assert body["kinds"]["entry_shared"] == "inbox"
    assert "signal_red" not in body["kinds"]


def test_person_sets_one_kind_through_the_api_and_the_others_keep_theirs(
    follower, api_client
):
    response = api_client(follower).put(
        URL,
        json.dumps({"lead_minutes": 30, "kinds": {"matter_reply": "all"}}),
        content_type="application/json",
    )
    assert response.status_code == HTTPStatus.OK
    assert response.json()["kinds"]["matter_reply"] == "all"
    assert response.json()["kinds"]["duty_changed"] == "inbox"
    assert Preferences.objects.get(user=follower).kinds == {"matter_reply": "all"}


def test_red_cannot_be_turned_off_through_the_api(follower, api_client):
    response = api_client(follower).put(
        URL,
        json.dumps({"lead_minutes": 30, "kinds": {"signal_red": "off"}}),
        content_type="application/json",
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not Preferences.objects.filter(user=follower).exists()


def test_person_turns_a_kind_off_on_the_settings_page(follower, client_for):
    client = client_for(follower)
    page = client.get("/me/notifications/").content.decode()
    assert "A journal entry shared with you" in page
    response = client.post(
        "/me/notifications/",
        {"lead_minutes": 30, "level_checkin_low": "off", "level_entry_shared": "all"},
    )
    assert response.status_code == HTTPStatus.SEE_OTHER
    assert Preferences.objects.get(user=follower).kinds == {
        "checkin_low": "off",
        "entry_shared": "all",
    }
