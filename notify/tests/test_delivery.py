"""Outbox delivery through real local receivers: once, retried, never lost."""

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from dynamics import services as dynamics_services
from notify import delivery, events, services
from notify.models import Channel, Notification, Outbox, Preferences
from notify.tasks import deliver, deliver_urgent

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _red(leader, dynamic, django_capture_on_commit_callbacks, *, now=NOW):
    with django_capture_on_commit_callbacks(execute=True):
        return dynamics_services.send_signal(leader, dynamic.pk, "red", now=now)


def test_partner_receives_red_on_apprise_channel_once_even_when_task_runs_twice(
    dynamic, leader, follower, json_receiver, django_capture_on_commit_callbacks
):
    channel = services.add_apprise(follower, url=json_receiver.apprise_url, now=NOW)
    _red(leader, dynamic, django_capture_on_commit_callbacks)
    row = Outbox.objects.get(channel=channel)
    assert row.urgent is True

    with time_machine.travel(NOW, tick=False):
        assert deliver_urgent.call(row.pk) == "sent"
        assert deliver_urgent.call(row.pk) == "skipped"
        assert deliver.call(row.pk) == "skipped"

    received = json_receiver.wait_for(1)
    assert len(received) == 1
    assert received[0].json["title"] == "Red signal from Alex"
    assert "pulled red" in received[0].json["message"]
    row.refresh_from_db()
    assert (row.state, row.attempts, row.sent_at) == ("sent", 1, NOW)
    channel.refresh_from_db()
    assert channel.last_ok is True


def test_red_signal_enqueues_one_urgent_task_per_partner_channel_on_commit(
    dynamic, leader, follower, json_receiver, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    services.add_apprise(follower, url=json_receiver.apprise_url, now=NOW)
    services.add_email(follower, address="robin@example.org", now=NOW)
    services.add_email(leader, address="alex@example.org", now=NOW)
    _red(leader, dynamic, django_capture_on_commit_callbacks)
    tasks = DBTaskResult.objects.filter(task_path="notify.tasks.deliver_urgent")
    assert tasks.count() == 2
    assert set(tasks.values_list("priority", flat=True)) == {100}
    assert Outbox.objects.filter(channel__user=leader).count() == 0


def test_partner_gets_red_by_email_through_instance_mail_server(
    dynamic, leader, follower, smtp_receiver, django_capture_on_commit_callbacks
):
    services.add_email(follower, address="robin@example.org", now=NOW)
    _red(leader, dynamic, django_capture_on_commit_callbacks)
    row = Outbox.objects.get()
    assert delivery.deliver_one(row.pk, now=NOW) == "sent"
    [mail] = smtp_receiver.wait_for(1)
    assert mail.rcpt_tos == ["robin@example.org"]
    assert b"Subject: Red signal from Alex" in mail.content


def test_apprise_mailto_url_reaches_a_real_smtp_server(
    follower, smtp_receiver, allow_private_outbound, django_capture_on_commit_callbacks
):
    url = (
        f"mailto://127.0.0.1:{smtp_receiver.port}"
        "?from=instep@example.org&to=robin@example.org&mode=insecure"
    )
    channel = services.add_apprise(follower, url=url, now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        row = services.send_test(follower, channel.pk, now=NOW)
    assert delivery.deliver_one(row.pk, now=NOW) == "sent"
    [mail] = smtp_receiver.wait_for(1)
    assert mail.rcpt_tos == ["robin@example.org"]
    assert b"Test from Instep" in mail.content


def test_temporary_failure_is_retried_later_and_then_sent(
    follower, json_receiver, django_capture_on_commit_callbacks
):
    channel = services.add_apprise(follower, url=json_receiver.apprise_url, now=NOW)
    json_receiver.fail_with = [503]
    events.notify(follower, "checkin_prompt", dedupe_key="checkin:1", now=NOW)
    row = Outbox.objects.get(channel=channel)

    assert delivery.deliver_one(row.pk, now=NOW) == "retry"
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("pending", 1)
    assert row.due_at == NOW + timedelta(seconds=30)
    channel.refresh_from_db()
    assert channel.last_ok is False and channel.last_error

    # Too early: the backoff holds it back.
    assert delivery.deliver_one(row.pk, now=NOW + timedelta(seconds=10)) == "skipped"
    assert delivery.deliver_one(row.pk, now=NOW + timedelta(seconds=31)) == "sent"
    assert len(json_receiver.wait_for(1)) == 1
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("sent", 2)


def test_channel_that_cannot_work_fails_for_good_without_retry(follower):
    channel = services.add_email(follower, address="robin@example.org", now=NOW)
    Channel.objects.filter(pk=channel.pk).update(secret_token="not-a-fernet-token")
    events.notify(follower, "weekly_review", dedupe_key="week:1", now=NOW)
    row = Outbox.objects.get()
    assert delivery.deliver_one(row.pk, now=NOW) == "failed"
    row.refresh_from_db()
    assert row.state == "failed"
    assert "another key" in row.last_error


def test_row_left_sending_by_a_dead_worker_is_reclaimed_after_its_lease(
    follower, json_receiver, django_capture_on_commit_callbacks
):
    services.add_apprise(follower, url=json_receiver.apprise_url, now=NOW)
    events.notify(follower, "weekly_review", dedupe_key="week:1", now=NOW)
    row = Outbox.objects.get()
    # A worker claims the row and dies before sending anything.
    assert delivery.claim(row.pk, now=NOW) is not None

    assert delivery.deliver_one(row.pk, now=NOW + timedelta(seconds=30)) == "skipped"
    later = NOW + delivery.LEASE + timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery.sweep(now=later) == 1
    assert delivery.deliver_one(row.pk, now=later) == "sent"
    assert len(json_receiver.wait_for(1)) == 1


def test_pending_row_whose_task_was_lost_is_enqueued_again_by_the_sweep(follower):
    from django_tasks_db.models import DBTaskResult

    services.add_email(follower, address="robin@example.org", now=NOW)
    # No on-commit capture: the process "died" before the task was enqueued.
    events.notify(follower, "weekly_review", dedupe_key="week:1", now=NOW)
    assert DBTaskResult.objects.count() == 0
    assert delivery.sweep(now=NOW + timedelta(minutes=1)) == 0
    assert delivery.sweep(now=NOW + timedelta(minutes=6)) == 1
    assert DBTaskResult.objects.filter(task_path="notify.tasks.deliver").count() == 1


def test_same_event_twice_creates_one_notification(follower):
    services.add_email(follower, address="robin@example.org", now=NOW)
    first = events.notify(follower, "late", {"title": "x"}, dedupe_key="k", now=NOW)
    again = events.notify(follower, "late", {"title": "x"}, dedupe_key="k", now=NOW)
    assert first is not None and again is None
    assert Notification.objects.count() == 1
    assert Outbox.objects.count() == 1


def test_red_goes_out_in_quiet_hours_while_yellow_waits_for_their_end(
    dynamic, leader, follower, json_receiver, django_capture_on_commit_callbacks
):
    follower.time_zone = "Europe/Berlin"
    follower.save()
    Preferences.objects.create(
        user=follower, quiet_from=time(22, 0), quiet_until=time(7, 0)
    )
    services.add_apprise(follower, url=json_receiver.apprise_url, now=NOW)
    night = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)  # 00:30 in Berlin
    with django_capture_on_commit_callbacks(execute=True):
        yellow = dynamics_services.send_signal(leader, dynamic.pk, "yellow", now=night)
    red = _red(leader, dynamic, django_capture_on_commit_callbacks, now=night)

    red_row = Outbox.objects.get(notification__dedupe_key=f"signal:{red.pk}")
    yellow_row = Outbox.objects.get(notification__dedupe_key=f"signal:{yellow.pk}")
    assert red_row.due_at == night
    assert yellow_row.due_at == datetime(2026, 11, 24, 6, 0, tzinfo=UTC)  # 07:00

    assert delivery.deliver_one(red_row.pk, now=night) == "sent"
    assert delivery.deliver_one(yellow_row.pk, now=night) == "skipped"
    assert len(json_receiver.wait_for(1)) == 1
    assert delivery.deliver_one(yellow_row.pk, now=yellow_row.due_at) == "sent"
    assert [r.json["title"] for r in json_receiver.wait_for(2)] == [
        "Red signal from Alex",
        "Yellow signal from Alex",
    ]


@pytest.mark.django_db(transaction=True)
def test_real_db_worker_delivers_red_once_and_a_second_run_sends_nothing(
    dynamic_factory, leader, follower, json_receiver
):
    dynamic = dynamic_factory(leader, follower)
    services.add_apprise(follower, url=json_receiver.apprise_url, now=NOW)
    dynamics_services.send_signal(leader, dynamic.pk, "red", now=NOW)
    # A duplicated task for the same row, as a retry or a second enqueue would make.
    row = Outbox.objects.get()
    deliver.enqueue(row.pk)

    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0
    )

    received = json_receiver.wait_for(1)
    assert len(received) == 1
    assert received[0].json["title"] == "Red signal from Alex"
    assert Outbox.objects.get().state == "sent"
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0
    )
    assert len(json_receiver.received) == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_workers_racing_for_the_same_rows_send_each_once(
    user_factory, json_receiver
):
    """Several threads (each its own database connection) deliver the same rows."""
    import threading

    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race is a PostgreSQL matter")
    person = user_factory("Robin")
    services.add_apprise(person, url=json_receiver.apprise_url, now=NOW)
    for n in range(30):
        events.notify(person, "checkin_prompt", dedupe_key=f"c{n}", now=NOW)
    ids = list(Outbox.objects.values_list("pk", flat=True))
    start = threading.Barrier(4)
    outcomes: list[str] = []

    def worker() -> None:
        from django.db import connection as own

        start.wait()
        try:
            for pk in ids:
                outcomes.append(delivery.deliver_one(pk))
        finally:
            own.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("sent") == 30
    assert outcomes.count("skipped") == 90
    assert len(json_receiver.wait_for(30)) == 30
    assert set(Outbox.objects.values_list("state", flat=True)) == {"sent"}
