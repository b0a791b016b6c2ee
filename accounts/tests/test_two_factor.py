"""TOTP two-factor sign-in through allauth, with Instep's templates."""

from datetime import UTC, datetime, timedelta
from http import HTTPStatus

import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.urls import reverse

from conftest import PASSWORD

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _code(secret: str, at: datetime) -> str:
    return format_hotp_value(hotp_value(secret, int(at.timestamp()) // 30))


def test_person_turns_on_totp_and_then_needs_a_code_to_sign_in(client, follower):
    login = reverse("account_login")
    with time_machine.travel(START, tick=False) as traveller:
        signed_in = client.post(login, {"login": follower.email, "password": PASSWORD})
        assert signed_in.status_code == HTTPStatus.FOUND, signed_in.content[-2000:]
        # Turning on two-factor asks for the password again first.
        asked = client.get(reverse("mfa_activate_totp"))
        assert asked.url.startswith(reverse("account_reauthenticate"))
        client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        page = client.get(reverse("mfa_activate_totp"))
        assert page.status_code == HTTPStatus.OK
        assert b"data:image/svg+xml" in page.content  # the QR code
        secret = page.context["form"].secret
        client.post(reverse("mfa_activate_totp"), {"code": _code(secret, START)})
        assert Authenticator.objects.filter(user=follower, type="totp").exists()

        client.post(reverse("account_logout"))
        traveller.shift(60)
        response = client.post(login, {"login": follower.email, "password": PASSWORD})
        assert response.url == reverse("mfa_authenticate")
        assert client.get(reverse("dynamics:list")).status_code == HTTPStatus.FOUND
        wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
        assert wrong.status_code == HTTPStatus.OK
        later = START + timedelta(seconds=60)
        client.post(reverse("mfa_authenticate"), {"code": _code(secret, later)})
        assert client.get(reverse("dynamics:list")).status_code == HTTPStatus.OK
