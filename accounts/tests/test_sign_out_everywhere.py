"""A new password or "sign out everywhere" ends what let someone in before."""

from http import HTTPStatus

from django.contrib.auth import get_user_model
from django.urls import reverse

from api.models import ApiToken
from conftest import PASSWORD

NEW_PASSWORD = "a quite different pass phrase"


def _token_works(client) -> bool:
    return client.get("/api/v1/me").status_code == HTTPStatus.OK


def test_changing_the_password_revokes_api_tokens(follower, client_for, api_client):
    script = api_client(follower)
    assert _token_works(script)
    response = client_for(follower).post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert not _token_works(script)
    assert not ApiToken.objects.filter(user=follower, revoked_at__isnull=True).exists()


def test_a_password_reset_revokes_api_tokens(follower, api_client):
    """The reset ends in set_password and save, like every other door
    (the admin, ``changepassword``): the same signal revokes the tokens."""
    script = api_client(follower)
    person = get_user_model().objects.get(pk=follower.pk)
    person.set_password(NEW_PASSWORD)
    person.save()
    assert not _token_works(script)


def test_a_token_made_after_the_change_works(follower, api_client):
    follower.set_password(NEW_PASSWORD)
    follower.save()
    assert _token_works(api_client(follower))


def test_saving_the_profile_keeps_api_tokens(follower, client_for, api_client):
    script = api_client(follower)
    client_for(follower).post(
        reverse("accounts:profile"),
        {
            "display_name": "Robin",
            "time_zone": "Europe/Berlin",
            "locale": "en",
            "lock_after_minutes": 5,
        },
    )
    assert _token_works(script)


def test_sign_out_everywhere_ends_every_session_and_token(
    follower, client_for, api_client
):
    phone, laptop = client_for(follower), client_for(follower)
    script = api_client(follower)
    profile = reverse("accounts:profile")
    assert b"Sign out everywhere" in phone.get(profile).content
    response = phone.post(reverse("accounts:sign_out_everywhere"))
    assert response.url == reverse("account_login")
    for client in (phone, laptop):
        assert client.get(profile).status_code == HTTPStatus.FOUND
    assert not _token_works(script)
    # Signing in again works as before.
    follower.refresh_from_db()
    again = client_for(follower)
    assert again.get(profile).status_code == HTTPStatus.OK


def test_signing_out_everywhere_is_a_post(follower, client_for):
    client = client_for(follower)
    response = client.get(reverse("accounts:sign_out_everywhere"))
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert client.get(reverse("accounts:profile")).status_code == HTTPStatus.OK
