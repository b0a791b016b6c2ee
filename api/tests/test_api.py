"""The API as a script sees it: tokens, errors, signals, pairing, aftercare."""

from http import HTTPStatus

import pytest
from django.middleware.csrf import get_token
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken
from dynamics.models import AuditEntry, Dynamic, Pause, Signal
from instep.tokens import hash_token

API = "/api/v1"
JSON = "application/json"


def post(client: Client, path: str, body: dict | None = None, **headers):
    return client.post(
        f"{API}{path}", body or {}, content_type=JSON, headers=headers or None
    )


def test_anonymous_caller_gets_401_with_the_error_format(client):
    response = client.get(f"{API}/me")
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json()["code"] == "unauthenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_member_with_a_token_reads_their_profile(api_client, follower):
    response = api_client(follower).get(f"{API}/me")
    assert response.status_code == HTTPStatus.OK
    assert response.json()["email"] == follower.email


def test_token_is_stored_only_as_a_hash_and_marks_its_use(follower, now):
    from api import services

    token, secret = services.create_token(follower, name="Watch", scope="read", now=now)
    assert ApiToken.objects.get().token_hash == hash_token(secret)
    assert secret not in str(ApiToken.objects.values_list().get())
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    assert client.get(f"{API}/me").status_code == HTTPStatus.OK
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_revoked_token_no_longer_works(follower, now):
    from api import services

    token, secret = services.create_token(follower, name="Old", scope="write", now=now)
    services.revoke_token(follower, token.pk, now=now)
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    assert client.get(f"{API}/me").status_code == HTTPStatus.UNAUTHORIZED


def test_read_only_token_cannot_send_a_signal(api_client, dynamic, follower):
    response = post(
        api_client(follower, "read"), f"/dynamics/{dynamic.pk}/signals", {"kind": "red"}
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response.json()["code"] == "token_read_only"
    assert not Signal.objects.exists()


def test_follower_sends_red_and_the_dynamic_stops(api_client, dynamic, follower):
    response = post(
        api_client(follower), f"/dynamics/{dynamic.pk}/signals", {"kind": "red"}
    )
    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["kind"] == "red"
    assert response.json()["sent_by_me"] is True
    dynamic.refresh_from_db()
    assert dynamic.state == Dynamic.State.PAUSED


def test_retried_red_with_the_same_key_creates_one_signal(
    api_client, dynamic, follower
):
    client = api_client(follower)
    url = f"/dynamics/{dynamic.pk}/signals"
    first = post(client, url, {"kind": "red"}, **{"Idempotency-Key": "tap-1"})
    again = post(client, url, {"kind": "red"}, **{"Idempotency-Key": "tap-1"})
    assert first.status_code == again.status_code == HTTPStatus.CREATED
    assert first.json() == again.json()
    assert Signal.objects.count() == 1
    assert Pause.objects.count() == 1
    assert AuditEntry.objects.filter(act="signal_red").count() == 1


def test_idempotency_key_in_the_body_works_like_the_header(
    api_client, dynamic, follower
):
    client = api_client(follower)
    url = f"/dynamics/{dynamic.pk}/signals"
    for _ in range(2):
        post(client, url, {"kind": "yellow", "idempotency_key": "k"})
    assert Signal.objects.count() == 1


def test_a_key_reused_for_another_signal_is_refused(api_client, dynamic, follower):
    client = api_client(follower)
    url = f"/dynamics/{dynamic.pk}/signals"
    post(client, url, {"kind": "yellow"}, **{"Idempotency-Key": "k"})
    response = post(client, url, {"kind": "red"}, **{"Idempotency-Key": "k"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["code"] == "idempotency_key_reused"
    assert Signal.objects.count() == 1


def test_partners_may_use_the_same_key_for_their_own_signals(
    api_client, dynamic, leader, follower
):
    url = f"/dynamics/{dynamic.pk}/signals"
    post(api_client(follower), url, {"kind": "yellow"}, **{"Idempotency-Key": "k"})
    post(api_client(leader), url, {"kind": "yellow"}, **{"Idempotency-Key": "k"})
    assert Signal.objects.count() == 2


def test_signals_without_a_key_are_each_recorded(api_client, dynamic, follower):
    client = api_client(follower)
    for _ in range(2):
        post(client, f"/dynamics/{dynamic.pk}/signals", {"kind": "yellow"})
    assert Signal.objects.count() == 2


def test_stranger_learns_nothing_about_a_dynamic(api_client, dynamic, stranger):
    response = api_client(stranger).get(f"{API}/dynamics/{dynamic.pk}")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json() == {"code": "not_found", "detail": "There is nothing here."}
    missing = api_client(stranger).get(f"{API}/dynamics/{dynamic.pk + 1000}")
    assert missing.json() == response.json()


def test_bad_input_gets_400_with_the_field(api_client, dynamic, follower):
    response = post(
        api_client(follower), f"/dynamics/{dynamic.pk}/signals", {"kind": "purple"}
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    body = response.json()
    assert body["code"] == "invalid"
    assert body["field"] == "kind"
    assert "kind" in body["detail"]


def test_a_refusal_gets_400_with_its_message_and_changes_nothing(
    api_client, dynamic, leader
):
    response = post(api_client(leader), f"/dynamics/{dynamic.pk}/resume")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["detail"] == "The dynamic is not paused."
    assert not AuditEntry.objects.filter(act="dynamic_resumed").exists()


def test_session_script_needs_the_csrf_token_to_write(client_for, dynamic, follower):
    client = client_for(follower)
    client.handler.enforce_csrf_checks = True
    url = f"/dynamics/{dynamic.pk}/signals"
    assert client.get(f"{API}/dynamics/{dynamic.pk}").status_code == HTTPStatus.OK
    refused = post(client, url, {"kind": "yellow"})
    assert refused.status_code == HTTPStatus.FORBIDDEN
    assert refused.json()["code"] == "csrf_failed"
    page = client.get("/me/api-tokens/")
    token = get_token(page.wsgi_request)
    client.cookies["csrftoken"] = token
    accepted = post(client, url, {"kind": "yellow"}, **{"X-CSRFToken": token})
    assert accepted.status_code == HTTPStatus.CREATED


def test_partners_pair_up_by_invitation_through_the_api(api_client, leader, follower):
    owner = api_client(leader)
    created = post(
        owner,
        "/dynamics",
        {"role": "leader", "my_title": "Sir", "partner_title": "pet"},
    )
    assert created.status_code == HTTPStatus.CREATED
    dynamic_id = created.json()["id"]
    invitation = post(owner, f"/dynamics/{dynamic_id}/invitations")
    assert invitation.status_code == HTTPStatus.CREATED
    token = invitation.json()["token"]
    assert token in invitation.json()["link"]
    joined = post(api_client(follower), "/invitations/accept", {"token": token})
    assert joined.status_code == HTTPStatus.OK
    assert joined.json() | {"id": 0} == joined.json() | {
        "id": 0,
        "state": "active",
        "my_role": "follower",
        "my_title": "pet",
    }
    again = post(api_client(follower), "/invitations/accept", {"token": token})
    assert again.json()["code"] == "invitation_used"


def test_invitee_declines_and_the_link_stops_working(
    api_client, dynamic_factory, leader, stranger, now
):
    from dynamics import services

    forming = dynamic_factory(leader, partner=None)
    # The API reads the real clock: an invitation made at the fixed test time
    # would have expired by now.
    _invitation, token = services.create_invitation(
        leader, forming.pk, now=timezone.now()
    )
    declined = post(api_client(stranger), "/invitations/decline", {"token": token})
    assert declined.status_code == HTTPStatus.NO_CONTENT
    again = post(api_client(stranger), "/invitations/accept", {"token": token})
    assert again.status_code == HTTPStatus.BAD_REQUEST


def test_after_red_both_aftercare_check_ins_resume_the_dynamic(
    api_client, client_for, dynamic, leader, follower
):
    lead, follow = api_client(leader), api_client(follower)
    post(follow, f"/dynamics/{dynamic.pk}/signals", {"kind": "red"})
    resume = post(lead, f"/dynamics/{dynamic.pk}/resume")
    assert resume.json()["code"] == "red_needs_both"
    body = {"feeling": 3, "note": "need tea", "ready_to_resume": True}
    mine = post(follow, f"/dynamics/{dynamic.pk}/aftercare", body)
    assert mine.json()["dynamic_state"] == "paused"
    detail = lead.get(f"{API}/dynamics/{dynamic.pk}").json()
    assert detail["partner_ready_to_resume"] is True
    # The API shows the partner what the aftercare page shows them.
    partner = detail["partner_aftercare"]
    assert (partner["feeling"], partner["note"]) == (3, "need tea")
    page = client_for(leader).get(reverse("dynamics:aftercare", args=[dynamic.pk]))
    assert b"Feeling 3/5" in page.content and b"need tea" in page.content
    theirs = post(lead, f"/dynamics/{dynamic.pk}/aftercare", body)
    assert theirs.json()["dynamic_state"] == "active"


def test_partner_acknowledges_a_signal(api_client, dynamic, leader, follower):
    sent = post(
        api_client(leader), f"/dynamics/{dynamic.pk}/signals", {"kind": "yellow"}
    )
    signal_id = sent.json()["id"]
    seen = post(
        api_client(follower), f"/dynamics/{dynamic.pk}/signals/{signal_id}/acknowledge"
    )
    assert seen.status_code == HTTPStatus.OK
    assert seen.json()["acknowledged_at"] is not None


def test_pause_and_end_through_the_api(api_client, dynamic, follower):
    client = api_client(follower)
    paused = post(client, f"/dynamics/{dynamic.pk}/pause", {"reason": "illness"})
    assert paused.status_code == HTTPStatus.CREATED
    assert post(client, f"/dynamics/{dynamic.pk}/resume").json()["state"] == "active"
    ended = post(client, f"/dynamics/{dynamic.pk}/end")
    assert ended.json()["state"] == "ended"


def test_audit_trail_is_paginated_newest_first(
    api_client, dynamic, follower, django_assert_max_num_queries, now
):
    from dynamics import services

    for _ in range(30):
        services.send_signal(follower, dynamic.pk, "yellow", now=now)
    client = api_client(follower)
    # Nine: the token's first call also opens its rate-limit window.
    with django_assert_max_num_queries(9):
        first = client.get(f"{API}/dynamics/{dynamic.pk}/audit").json()
    assert first["count"] == AuditEntry.objects.filter(dynamic=dynamic).count()
    assert len(first["items"]) == 25
    assert first["pages"] == 2
    second = client.get(f"{API}/dynamics/{dynamic.pk}/audit?page=2").json()
    assert second["page"] == 2
    assert second["items"][-1]["act"] == "dynamic_created"


def test_member_changes_their_settings_with_the_pages_rules(api_client, follower):
    client = api_client(follower)
    response = client.patch(
        f"{API}/me", {"discreet": True, "time_zone": "Europe/Berlin"}, content_type=JSON
    )
    assert response.status_code == HTTPStatus.OK
    follower.refresh_from_db()
    assert (follower.discreet, follower.time_zone) == (True, "Europe/Berlin")
    bad = client.patch(f"{API}/me", {"time_zone": "Mars/Base"}, content_type=JSON)
    assert bad.status_code == HTTPStatus.BAD_REQUEST
    assert bad.json()["field"] == "time_zone"
    follower.refresh_from_db()
    assert follower.time_zone == "Europe/Berlin"


@pytest.mark.parametrize("text", ["\x00", "x" * 41])
def test_text_the_database_cannot_hold_is_a_400(api_client, follower, text):
    response = post(
        api_client(follower),
        "/dynamics",
        {"role": "leader", "my_title": text, "partner_title": "pet"},
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST


def test_schema_and_docs_are_served_without_a_cdn(client):
    schema = client.get(f"{API}/openapi.json")
    assert schema.status_code == HTTPStatus.OK
    assert "send_signal" in schema.content.decode()
    docs = client.get(f"{API}/docs")
    assert docs.status_code == HTTPStatus.OK
    assert b"cdn" not in docs.content.lower()
    assert b"/static/ninja/swagger-ui-bundle" in docs.content


def test_red_through_the_api_answers_in_a_fixed_number_of_queries(
    api_client, dynamic, follower, now, django_assert_max_num_queries
):
    """Signals must answer fast: the count does not grow with history."""
    from dynamics import services

    for _ in range(20):
        services.send_signal(follower, dynamic.pk, "yellow", now=now)
    client = api_client(follower)
    client.get(f"{API}/me")  # the token's first use marks it used once
    # The red itself, its pause and audit entry, and the partner alerted on
    # every channel (notify) — none of it grows with the signals before.
    with django_assert_max_num_queries(16):
        response = post(
            client, f"/dynamics/{dynamic.pk}/signals", {"kind": "red"},
            **{"Idempotency-Key": "tap"},
        )  # fmt: skip
    assert response.status_code == HTTPStatus.CREATED


def test_locked_session_calling_the_api_gets_json_401_not_a_redirect(
    client_for, dynamic, follower, api_client
):
    from accounts import services as account_services

    account_services.set_pin(follower, pin="2468")
    client = client_for(follower)
    client.post(reverse("accounts:lock_now"))
    response = client.get(f"{API}/dynamics/{dynamic.pk}")
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response["Content-Type"].startswith(JSON)
    assert response.json()["code"] == "session_locked"
    assert "Sir" not in response.content.decode()
    # A token is not the session: the person's phone shortcut still works.
    assert api_client(follower).get(f"{API}/me").status_code == HTTPStatus.OK
    # The lock screen still works for the pages.
    assert client.get("/").status_code == HTTPStatus.FOUND
    # Red is never locked away, not even from the app's own scripts; the rest
    # of the signals stay behind the lock.
    yellow = post(client, f"/dynamics/{dynamic.pk}/signals", {"kind": "yellow"})
    assert yellow.status_code == HTTPStatus.UNAUTHORIZED
    red = post(client, f"/dynamics/{dynamic.pk}/signals", {"kind": "red"})
    assert red.status_code == HTTPStatus.CREATED
    assert Signal.objects.get(dynamic=dynamic).kind == "red"


@pytest.mark.parametrize("value", [1, 0, "true", "yes", None])
def test_a_yes_or_no_must_be_sent_as_true_or_false(
    api_client, dynamic, follower, value
):
    # 1 or "yes" from a script is a bug to hear about, not a guess to act on.
    response = api_client(follower).put(
        f"{API}/dynamics/{dynamic.pk}/checkins/prompt",
        {"prompt_at": "20:00", "enabled": value},
        content_type=JSON,
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["code"] == "invalid"
    ok = api_client(follower).put(
        f"{API}/dynamics/{dynamic.pk}/checkins/prompt",
        {"prompt_at": "20:00", "enabled": False},
        content_type=JSON,
    )
    assert ok.status_code == HTTPStatus.OK
