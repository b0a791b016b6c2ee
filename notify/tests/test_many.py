"""The minute tick's bulk paths: ``notify_many`` writes a chunk of reminders in
a fixed number of queries, ``deliver_many`` sends a batch with two queries per
message; both keep ``notify``'s and ``deliver_one``'s promises."""

from datetime import UTC, datetime, time

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from notify import delivery, events, services
from notify.models import Channel, Notification, Outbox, Preferences

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DUE = {"due_at": NOW.isoformat()}


@pytest.fixture
def people(user_factory):
    """Six people with an e-mail channel each, one with two channels."""
    found = []
    for n in range(6):
        person = user_factory(f"P{n}")
        services.add_email(person, address=f"p{n}@example.org", now=NOW)
        found.append(person)
    services.add_email(found[0], address="p0-work@example.org", now=NOW)
    return found


def _tells(people, count, *, prefix="r"):
    return [
        events.Tell(people[n % len(people)], "due_soon", f"{prefix}:{n}", {"title": n})
        for n in range(count)
    ]


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def test_each_tell_becomes_a_notification_with_a_row_per_channel(people):
    made = events.notify_many(_tells(people, 12), now=NOW)
    assert made == 12
    assert Notification.objects.count() == 12
    # p0 has two channels and 2 of the 12 reminders.
    assert Outbox.objects.count() == 14
    row = Outbox.objects.filter(notification__dedupe_key="r:1").get()
    assert (row.state, row.due_at, row.urgent) == ("pending", NOW, False)
    assert row.key == f"{people[1].pk}:r:1:{row.channel_id}"


def test_a_key_already_used_or_repeated_tells_nobody_twice(people):
    events.notify(people[0], "due_soon", {"title": 0}, dedupe_key="r:0", now=NOW)
    tells = _tells(people, 6) + _tells(people, 6)  # every key twice
    assert events.notify_many(tells, now=NOW) == 5
    assert Notification.objects.count() == 6
    assert events.notify_many(_tells(people, 6), now=NOW) == 0
    assert Notification.objects.count() == 6


def test_quiet_hours_hold_back_each_persons_rows_in_their_own_zone(people):
    night = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)
    people[1].time_zone = "Europe/Berlin"
    people[1].save()
    Preferences.objects.create(
        user=people[1], quiet_from=time(22, 0), quiet_until=time(7, 0)
    )
    events.notify_many(_tells(people, 6), now=night)
    held = Outbox.objects.get(notification__user=people[1])
    assert held.due_at == datetime(2026, 11, 24, 6, 0, tzinfo=UTC)  # 07:00 Berlin
    others = Outbox.objects.exclude(notification__user=people[1])
    assert set(others.values_list("due_at", flat=True)) == {night}


def test_queries_stay_the_same_for_ten_times_as_many_reminders(people):
    few = _queries(lambda: events.notify_many(_tells(people, 6, prefix="a"), now=NOW))
    many = _queries(lambda: events.notify_many(_tells(people, 60, prefix="b"), now=NOW))
    assert few == many
    assert Notification.objects.count() == 66


def test_unknown_kind_is_refused_before_anything_is_written(people):
    tells = [*_tells(people, 3), events.Tell(people[0], "no_such_kind", "x:1")]
    with pytest.raises(ValueError, match="no_such_kind"):
        events.notify_many(tells, now=NOW)
    assert Notification.objects.count() == 0


def test_a_key_written_meanwhile_by_another_tick_falls_back_to_one_by_one(
    people, monkeypatch
):
    bulk_create = Notification.objects.bulk_create

    def after_another_tick(rows, *args, **kwargs):
        # Another process writes one of the chunk's keys after our look-up.
        monkeypatch.setattr(Notification.objects, "bulk_create", bulk_create)
        events.notify(people[2], "due_soon", {}, dedupe_key="r:2", now=NOW)
        return bulk_create(rows, *args, **kwargs)

    monkeypatch.setattr(Notification.objects, "bulk_create", after_another_tick)
    with transaction.atomic():
        made = events.notify_many(_tells(people, 6), now=NOW)
    # The chunk's savepoint took the other write with it here (one database
    # connection); what counts is that the conflict cost nothing: each key
    # once, with its rows.
    assert made == 6
    assert sorted(Notification.objects.values_list("dedupe_key", flat=True)) == [
        f"r:{n}" for n in range(6)
    ]
    assert Outbox.objects.count() == 7


def test_a_batch_is_sent_with_two_queries_per_message_and_channels_recorded(
    follower, user_factory, json_receiver
):
    robin = services.add_apprise(follower, url=json_receiver.apprise_url, now=NOW)
    sam_user = user_factory("Sam")
    sam = services.add_apprise(sam_user, url=json_receiver.apprise_url, now=NOW)
    tells = [
        events.Tell(person, "due_soon", f"d:{n}", {"title": f"Task {n}", **DUE})
        for n, person in enumerate([follower, sam_user] * 3)
    ]
    events.notify_many(tells, now=NOW)
    ids = list(Outbox.objects.order_by("pk").values_list("pk", flat=True))

    with CaptureQueriesContext(connection) as captured:
        outcomes = delivery.deliver_many(ids, now=NOW)
    assert outcomes == ["sent"] * 6
    # One read, a claim and a mark per message, one update of the channels.
    assert len(captured) == 1 + 2 * 6 + 1
    assert sorted(r.json["title"] for r in json_receiver.wait_for(6)) == sorted(
        f"Due soon: Task {n}" for n in range(6)
    )
    for channel in (robin, sam):
        channel.refresh_from_db()
        assert (channel.last_ok, channel.last_attempt_at) == (True, NOW)
    assert delivery.deliver_many(ids, now=NOW) == ["skipped"] * 6


def test_a_failure_mid_batch_is_retried_alone_and_marks_its_channel(
    follower, json_receiver
):
    channel = services.add_apprise(follower, url=json_receiver.apprise_url, now=NOW)
    events.notify_many(
        [
            events.Tell(follower, "due_soon", f"f:{n}", {"title": n, **DUE})
            for n in range(3)
        ],
        now=NOW,
    )
    ids = list(Outbox.objects.order_by("pk").values_list("pk", flat=True))
    json_receiver.fail_with = [201, 503]  # the second message fails once
    assert delivery.deliver_many(ids, now=NOW) == ["sent", "retry", "sent"]
    retried = Outbox.objects.get(pk=ids[1])
    assert (retried.state, retried.attempts) == ("pending", 1)
    channel.refresh_from_db()
    assert channel.last_ok is True  # the last message got through
    assert Channel.objects.get(pk=channel.pk).last_error == ""
