"""Signing up, confirming the e-mail, signing in: allauth with Instep's fields."""

import re
import socket
from http import HTTPStatus

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.urls import reverse

from accounts.models import User
from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _sign_up(client, **fields):
    data = {
        "display_name": "Robin",
        "email": "robin@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "time_zone": "Europe/Amsterdam",
        **fields,
    }
    return client.post(reverse("account_signup"), data)


def _confirmation_link(body: str) -> str:
    return re.search(r"https?://\S+/accounts/confirm-email/\S+/", body).group(0)


def test_sign_up_keeps_name_and_device_time_zone_and_asks_to_confirm(client):
    response = _sign_up(client)
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get(email="robin@example.org")
    assert (user.display_name, user.time_zone) == ("Robin", "Europe/Amsterdam")
    assert len(mail.outbox) == 1


def test_an_unknown_time_zone_from_the_device_falls_back_to_utc(client):
    _sign_up(client, time_zone="Mars/Olympus_Mons")
    assert User.objects.get().time_zone == "UTC"


def test_sign_in_waits_for_the_confirmed_address(client):
    _sign_up(client)
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "robin@example.org", "password": PASSWORD}
    )
    assert response.url == reverse("account_email_verification_sent")
    link = _confirmation_link(mail.outbox[-1].body)
    client.post(link)
    assert client.get(reverse("dynamics:list")).status_code == HTTPStatus.OK


def test_a_taken_address_makes_no_account_and_reveals_nothing(client, follower):
    response = _sign_up(client, email=follower.email)
    # Same answer as for a new address, so nobody learns who has an account;
    # the owner of the address gets a note instead.
    assert response.url == reverse("account_email_verification_sent")
    assert User.objects.filter(email=follower.email).count() == 1
    assert mail.outbox[0].to == [follower.email]
    assert "already" in mail.outbox[0].body


def test_after_five_wrong_passwords_even_the_right_one_waits(client, follower):
    login = reverse("account_login")
    for _ in range(5):
        client.post(login, {"login": follower.email, "password": "wrong"})
    response = client.post(login, {"login": follower.email, "password": PASSWORD})
    assert response.status_code == HTTPStatus.OK
    assert b"Too many failed login attempts" in response.content
    assert client.get(reverse("dynamics:list")).status_code == HTTPStatus.FOUND


class _Inbox:
    def __init__(self):
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        return "250 OK"


@pytest.fixture
def smtp_receiver():
    """A real SMTP server on a free local port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, inbox
    controller.stop()


def test_confirmation_mail_goes_out_over_smtp(client, settings, smtp_receiver):
    port, inbox = smtp_receiver
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = False
    _sign_up(client)
    assert len(inbox.messages) == 1
    assert b"robin@example.org" in inbox.messages[0]
    assert b"/accounts/confirm-email/" in inbox.messages[0]
