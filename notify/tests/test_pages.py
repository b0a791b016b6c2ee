"""Settings → Notifications, the inbox, the manifest and the service worker."""

import json
from datetime import UTC, datetime
from http import HTTPStatus

from django.urls import reverse

from notify import events, services
from notify.models import Channel, Notification, Outbox, Preferences

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SETTINGS = reverse("notify:settings")


def test_person_adds_an_apprise_url_and_sees_it_masked(follower, client_for):
    client = client_for(follower)
    url = "ntfy://secret-topic-9f3a1c7e"
    response = client.post(
        reverse("notify:add_apprise"), {"url": url, "label": "ntfy on my phone"}
    )
    assert response.status_code == HTTPStatus.SEE_OTHER
    channel = Channel.objects.get(user=follower)
    assert channel.secret == url
    assert url not in channel.secret_token  # encrypted at rest
    page = client.get(SETTINGS).content.decode()
    assert "ntfy on my phone" in page
    assert "secret-topic" not in page
    assert channel.masked in page


def test_person_gets_a_clear_error_for_a_url_apprise_does_not_know(
    follower, client_for
):
    response = client_for(follower).post(
        reverse("notify:add_apprise"), {"url": "nonsense://what"}
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Apprise does not recognise this URL" in response.content.decode()
    assert not Channel.objects.exists()


def test_person_adds_an_email_channel(follower, client_for):
    client = client_for(follower)
    response = client.post(
        reverse("notify:add_email"), {"address": "robin@example.org"}
    )
    assert response.status_code == HTTPStatus.SEE_OTHER
    page = client.get(SETTINGS).content.decode()
    assert "r•••@example.org" in page
    assert "robin@example.org" not in page


def test_send_test_queues_one_urgent_delivery_to_that_channel_only(
    follower, client_for, django_capture_on_commit_callbacks
):
    first = services.add_email(follower, address="a@example.org", now=NOW)
    services.add_email(follower, address="b@example.org", now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(follower).post(
            reverse("notify:test_channel", args=[first.pk])
        )
    assert response.status_code == HTTPStatus.SEE_OTHER
    row = Outbox.objects.get()
    assert (row.channel_id, row.urgent, row.notification.kind) == (
        first.pk,
        True,
        "test",
    )


def test_removing_a_channel_asks_first_and_then_removes_it(follower, client_for):
    channel = services.add_email(follower, address="a@example.org", now=NOW)
    client = client_for(follower)
    url = reverse("notify:remove_channel", args=[channel.pk])
    page = client.get(url)
    assert "Yes, remove it" in page.content.decode()
    assert Channel.objects.filter(pk=channel.pk).exists()
    assert client.post(url).status_code == HTTPStatus.SEE_OTHER
    assert not Channel.objects.filter(pk=channel.pk).exists()


def test_partner_cannot_test_or_remove_my_channel(
    dynamic, leader, follower, client_for
):
    channel = services.add_email(leader, address="a@example.org", now=NOW)
    client = client_for(follower)
    for name in ("notify:test_channel", "notify:remove_channel"):
        response = client.post(reverse(name, args=[channel.pk]))
        assert response.status_code == HTTPStatus.NOT_FOUND
    assert Channel.objects.filter(pk=channel.pk).exists()


def test_person_sets_quiet_hours_and_lead_time(follower, client_for):
    response = client_for(follower).post(
        SETTINGS, {"quiet_from": "22:00", "quiet_until": "07:00", "lead_minutes": 60}
    )
    assert response.status_code == HTTPStatus.SEE_OTHER
    prefs = Preferences.objects.get(user=follower)
    assert (str(prefs.quiet_from), str(prefs.quiet_until), prefs.lead_minutes) == (
        "22:00:00",
        "07:00:00",
        60,
    )


def test_quiet_hours_with_only_a_start_are_refused_and_nothing_changes(
    follower, client_for
):
    response = client_for(follower).post(
        SETTINGS, {"quiet_from": "22:00", "quiet_until": "", "lead_minutes": 30}
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "both the start and the end" in response.content.decode()
    assert not Preferences.objects.exists()


def test_push_subscription_from_this_device_becomes_a_channel(
    follower, client_for, push_subscriber
):
    response = client_for(follower).post(
        reverse("notify:add_push"),
        {"subscription": json.dumps(push_subscriber.subscription), "label": "Phone"},
    )
    assert response.status_code == HTTPStatus.SEE_OTHER
    channel = Channel.objects.get(user=follower)
    assert channel.kind == "webpush"
    assert json.loads(channel.secret)["endpoint"] == push_subscriber.endpoint


def test_settings_page_reads_a_fixed_number_of_queries(
    follower, client_for, django_assert_max_num_queries
):
    client = client_for(follower)
    client.get(SETTINGS)  # the VAPID key is made on the first visit
    for n in range(15):
        services.add_email(follower, address=f"p{n}@example.org", now=NOW)
    with django_assert_max_num_queries(8):
        response = client.get(SETTINGS)
    assert response.content.decode().count("Send test") == 15


def test_inbox_shows_recent_notifications_and_marks_them_read(
    follower, client_for, django_assert_max_num_queries
):
    for n in range(120):
        events.notify(follower, "checkin_prompt", dedupe_key=f"c{n}", now=NOW)
    client = client_for(follower)
    client.get(SETTINGS)  # the day's first visit writes presence (agreements)
    with django_assert_max_num_queries(9):
        page = client.get(reverse("notify:centre")).content.decode()
    assert page.count("Time for your check-in") == 100
    # Counted on the bell, the header's one count; Settings carries no badge.
    assert 'aria-label="120 unread notifications"' in page
    assert 'href="/me/inbox/" aria-label="120 unread notifications"' in page
    assert "Settings, " not in page
    client.post(reverse("notify:centre"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert "unread" not in client.get(reverse("notify:centre")).content.decode()


def test_inbox_speaks_neutrally_in_discreet_mode(follower, client_for):
    follower.discreet = True
    follower.save()
    events.notify(
        follower, "signal_red", {"who": "Alex"}, urgent=True, dedupe_key="s1", now=NOW
    )
    page = client_for(follower).get(reverse("notify:centre")).content.decode()
    assert "Urgent: please open the app now." in page
    assert "Alex" not in page.split("<main", 1)[1]


def test_service_worker_is_served_from_the_root_scope(client):
    response = client.get("/sw.js")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "showNotification" in response.content.decode()


def test_manifest_makes_instep_installable(client):
    data = client.get("/manifest.webmanifest").json()
    assert (data["name"], data["start_url"], data["display"]) == (
        "Instep",
        "/",
        "standalone",
    )
    assert data["icons"]
