"""The leader's last day in Instep, noted at most once a day."""

from datetime import timedelta

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements import services
from agreements.models import Presence
from conftest import NOW


def test_opening_any_page_notes_the_day_once(dynamic, leader, client_for):
    client = client_for(leader)
    with time_machine.travel(NOW, tick=False):
        client.get(reverse("dynamics:list"))
        assert Presence.objects.get(user=leader).last_seen_on == NOW.date()
        # The session remembers the day: no further write.
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("dynamics:list"))
        assert not any("presence" in q["sql"] for q in queries.captured_queries)
    with time_machine.travel(NOW + timedelta(days=2), tick=False):
        client.get(reverse("dynamics:list"))
    assert (
        Presence.objects.get(user=leader).last_seen_on
        == (NOW + timedelta(days=2)).date()
    )


def test_anonymous_visitors_leave_no_trace(db, client_for):
    client_for(None).get(reverse("landing"))
    assert not Presence.objects.exists()


def test_mark_seen_never_moves_the_day_backwards(leader, now):
    services.mark_seen(leader, now=now)
    services.mark_seen(leader, now=now - timedelta(days=3))
    assert Presence.objects.get(user=leader).last_seen_on == now.date()
