"""The e-mails on the way in speak in Instep's words, with links to this instance."""

import re
from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import reverse

from conftest import PASSWORD

pytestmark = pytest.mark.django_db

BASE = "http://127.0.0.1:8123"  # as `make run PORT=8123` sets INSTEP_BASE_URL


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.BASE_URL = BASE


def _sign_up(client, **fields):
    data = {
        "display_name": "Robin",
        "email": "robin@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **fields,
    }
    return client.post(reverse("account_signup"), data)


def _links(body: str) -> list[str]:
    return re.findall(r"https?://\S+", body)


def test_newcomer_gets_a_welcome_in_instep_words_with_a_link_to_this_instance(
    client,
):
    _sign_up(client)
    [message] = mail.outbox
    assert message.subject == "Instep: confirm your e-mail address"
    assert message.body.startswith("Welcome to Instep, Robin.")
    assert "invite your partner" in message.body
    assert "Hello from" not in message.body and "Thank you for using" not in (
        message.body
    )
    confirm, home = _links(message.body)
    assert confirm.startswith(f"{BASE}/accounts/confirm-email/")
    assert home == f"{BASE}/"
    # The link works on this instance.
    assert client.post(confirm.removeprefix(BASE)).status_code == HTTPStatus.FOUND


def test_discreet_newcomer_gets_neutral_words(client):
    _sign_up(client, discreet="on")
    [message] = mail.outbox
    assert message.subject == "Instep: confirm your e-mail address"
    body = message.body.lower()
    for word in ("robin", "partner", "agreement", "lead", "limits"):
        assert word not in body, word
    assert "please confirm that this address is yours" in body


def test_forgotten_password_mail_links_to_this_instance(client, follower):
    client.post(reverse("account_reset_password"), {"email": follower.email})
    [message] = mail.outbox
    assert message.subject == "Instep: a link to choose a new password"
    assert message.body.startswith("Hello Robin,")
    [link, _home] = _links(message.body)
    assert link.startswith(f"{BASE}/accounts/password/reset/key/")


def test_discreet_person_forgot_password_and_is_not_named(client, follower):
    follower.discreet = True
    follower.save()
    client.post(reverse("account_reset_password"), {"email": follower.email})
    [message] = mail.outbox
    assert message.body.startswith("Hello,")
    assert "Robin" not in message.body


def test_changed_password_is_told_in_instep_words(client, follower):
    client.force_login(follower)
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "another quiet long evening",
            "password2": "another quiet long evening",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    [message] = mail.outbox
    assert message.subject == "Instep: your password was changed"
    assert message.body.startswith("Your password was changed.")
    assert f"{BASE}/accounts/password/change/" in message.body
