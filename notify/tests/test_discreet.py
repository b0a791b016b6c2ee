"""Discreet mode: no notification of any kind says what Instep is for."""

import re
from datetime import UTC, datetime, time

import pytest

from notify import delivery, events, messages, services
from notify.models import Outbox, Preferences
from notify.quiet import quiet_until

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

# What the couple wrote and who they are: none of it may leave in discreet mode.
INTIMATE = {
    "who": "Mistress Alex",
    "title": "Kneel and wait in the collar",
    "due_at": "2026-11-23T20:00:00+00:00",
    "review_at": "2026-12-01T00:00:00+00:00",
    "path": "/d/4/rules/9/",
}
FORBIDDEN = re.compile(
    r"Alex|Mistress|Kneel|collar|red|yellow|signal|lead|agreement|rule|duty|task|"
    r"ritual|review|check-in|dynamic|/d/",
    re.IGNORECASE,
)


@pytest.mark.parametrize("kind", sorted(messages.KINDS))
def test_every_kind_in_discreet_mode_is_neutral(kind):
    message = messages.render(
        kind, INTIMATE, discreet=True, zone_name="UTC", urgent=False, tag="n1"
    )
    text = " ".join([message.title, message.body, message.url, message.tag])
    assert not FORBIDDEN.search(text), text
    assert message.title == "Instep"


@pytest.mark.parametrize("kind", sorted(messages.KINDS))
def test_every_kind_in_plain_mode_renders_a_title_and_a_body(kind):
    message = messages.render(
        kind, INTIMATE, discreet=False, zone_name="UTC", urgent=False, tag="n1"
    )
    assert message.title and message.body
    assert "{{" not in message.title + message.body


def test_discreet_person_gets_every_kind_on_the_wire_without_a_telling_word(
    follower, json_receiver
):
    follower.discreet = True
    follower.save()
    Preferences.objects.create(
        user=follower, kinds=dict.fromkeys(messages.KINDS, messages.Level.ALL)
    )
    services.add_apprise(follower, url=json_receiver.apprise_url, now=NOW)
    for kind in messages.KINDS:
        events.notify(follower, kind, INTIMATE, dedupe_key=f"k:{kind}", now=NOW)
    for row in Outbox.objects.all():
        assert delivery.deliver_one(row.pk, now=NOW) == "sent"
    received = json_receiver.wait_for(len(messages.KINDS))
    assert len(received) == len(messages.KINDS)
    for post in received:
        assert not FORBIDDEN.search(post.body.decode()), post.body


def test_due_time_is_shown_in_the_person_s_time_zone():
    message = messages.render(
        "due_soon",
        {"title": "x", "due_at": "2026-07-01T19:00:00+00:00"},
        discreet=True,
        zone_name="Europe/Berlin",
        urgent=False,
        tag="t",
    )
    assert message.body == "Reminder from Instep: 1 item due at 21:00."


@pytest.mark.parametrize(
    ("now", "start", "end", "expected"),
    [
        # 22:00–07:00 Berlin, crossing midnight.
        ("2026-11-23T22:30+00:00", "22:00", "07:00", "2026-11-24T06:00+00:00"),
        ("2026-11-24T05:00+00:00", "22:00", "07:00", "2026-11-24T06:00+00:00"),
        ("2026-11-23T12:00+00:00", "22:00", "07:00", None),
        # 13:00–15:00 the same day.
        ("2026-11-23T12:30+00:00", "13:00", "15:00", "2026-11-23T14:00+00:00"),
        ("2026-11-23T14:00+00:00", "13:00", "15:00", None),
        # The night DST ends in Berlin (25 h night): 07:00 is still 06:00 UTC.
        ("2026-10-24T23:00+00:00", "22:00", "07:00", "2026-10-25T06:00+00:00"),
        # The night DST starts: 07:00 CEST is 05:00 UTC.
        ("2026-03-28T23:00+00:00", "22:00", "07:00", "2026-03-29T05:00+00:00"),
    ],
)
def test_quiet_hours_end_at_the_person_s_wall_clock_time(now, start, end, expected):
    result = quiet_until(
        datetime.fromisoformat(now),
        time.fromisoformat(start),
        time.fromisoformat(end),
        "Europe/Berlin",
    )
    assert result == (datetime.fromisoformat(expected) if expected else None)
