"""Settings → API tokens: made with a name and scope, shown once, revocable."""

from http import HTTPStatus

from api.models import ApiToken
from instep.tokens import hash_token


def test_new_token_is_shown_once_and_kept_hashed(client_for, follower):
    client = client_for(follower)
    made = client.post("/me/api-tokens/", {"name": "Phone", "scope": "read"})
    assert made.status_code == HTTPStatus.SEE_OTHER
    page = client.get("/me/api-tokens/")
    secret = page.context["secret"]
    assert secret.startswith("instep_")
    assert ApiToken.objects.get().token_hash == hash_token(secret)
    assert page["Cache-Control"].startswith("max-age=0")
    again = client.get("/me/api-tokens/")
    assert secret.encode() not in again.content
    assert ApiToken.objects.count() == 1


def test_a_token_needs_a_name(client_for, follower):
    response = client_for(follower).post(
        "/me/api-tokens/", {"name": "  ", "scope": "write"}
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not ApiToken.objects.exists()


def test_revoking_asks_first_then_stops_the_token(client_for, follower, now):
    from api import services

    token, _secret = services.create_token(follower, name="Old", scope="read", now=now)
    client = client_for(follower)
    url = f"/me/api-tokens/{token.pk}/revoke/"
    assert b"Yes, revoke it" in client.get(url).content
    assert client.post(url).status_code == HTTPStatus.SEE_OTHER
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_nobody_revokes_someone_elses_token(client_for, follower, stranger, now):
    from api import services

    token, _secret = services.create_token(follower, name="Mine", scope="read", now=now)
    response = client_for(stranger).post(f"/me/api-tokens/{token.pk}/revoke/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    token.refresh_from_db()
    assert token.revoked_at is None
