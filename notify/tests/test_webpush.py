"""Web Push to a local push service; the payload is decrypted as the browser would."""

import json
from datetime import UTC, datetime

from notify import delivery, events, services, vapid
from notify.models import Outbox, VapidKey

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_push_payload_is_encrypted_and_decrypts_to_the_message(
    follower, push_service, push_subscriber
):
    services.add_push(
        follower, subscription=json.dumps(push_subscriber.subscription), now=NOW
    )
    events.notify(
        follower,
        "due_soon",
        {"title": "Water the plants", "due_at": "2026-11-23T21:00:00+00:00"},
        dedupe_key="occ:1:due_soon",
        now=NOW,
    )
    assert delivery.deliver_one(Outbox.objects.get().pk, now=NOW) == "sent"

    [post] = push_service.wait_for(1)
    assert post.path == "/push/device-1"
    assert post.headers["content-encoding"] == "aes128gcm"
    assert post.headers["urgency"] == "normal"
    assert b"Water" not in post.body  # encrypted on the wire
    assert post.headers["authorization"].startswith("vapid t=")
    assert vapid.instance_key().public_key in post.headers["authorization"]
    payload = push_subscriber.decrypt(post.body)
    assert payload["title"] == "Due soon: Water the plants"
    assert payload["body"] == "“Water the plants” is due at 21:00."


def test_discreet_push_payload_holds_only_neutral_words(
    follower, push_service, push_subscriber
):
    follower.discreet = True
    follower.time_zone = "Europe/Amsterdam"
    follower.save()
    services.add_push(
        follower, subscription=json.dumps(push_subscriber.subscription), now=NOW
    )
    events.notify(
        follower,
        "due_soon",
        {
            "title": "Kneel at the door",
            "due_at": "2026-11-23T20:00:00+00:00",
            "path": "/d/7/duties/3/",
        },
        dedupe_key="occ:1:due_soon",
        now=NOW,
    )
    delivery.deliver_one(Outbox.objects.get().pk, now=NOW)

    payload = push_subscriber.decrypt(push_service.wait_for(1)[0].body)
    assert payload == {
        "title": "Instep",
        "body": "Reminder from Instep: 1 item due at 21:00.",
        "url": "http://127.0.0.1:8000/",
        "tag": "instep",
        "urgent": False,
    }


def test_gone_subscription_fails_for_good(follower, push_service, push_subscriber):
    channel = services.add_push(
        follower, subscription=json.dumps(push_subscriber.subscription), now=NOW
    )
    push_service.fail_with = [410]
    row = services.send_test(follower, channel.pk, now=NOW)
    assert delivery.deliver_one(row.pk, now=NOW) == "failed"
    channel.refresh_from_db()
    assert channel.last_ok is False
    assert "410" in channel.last_error


def test_vapid_key_is_made_once_per_instance_and_kept_encrypted(db):
    first = vapid.instance_key()
    assert vapid.instance_key().pk == first.pk
    assert VapidKey.objects.count() == 1
    assert "PRIVATE KEY" not in first.private_token
    assert "PRIVATE KEY" in first.private_pem
    assert len(first.public_key) == 87  # 65 bytes, base64url without padding


def test_same_device_subscribing_again_keeps_one_channel(follower, push_subscriber):
    raw = json.dumps(push_subscriber.subscription)
    first = services.add_push(follower, subscription=raw, now=NOW)
    again = services.add_push(follower, subscription=raw, now=NOW)
    assert first.pk == again.pk
    assert first.masked == "push via 127.0.0.1"
