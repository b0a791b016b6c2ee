"""The same due occurrence is one e-mail, whatever runs the minute.

Issue 18: two identical "1 item due" e-mails arrived in the same minute. A
window that opens inside the person's lead time made the tick tell both
"now open" and "due soon" in the same scan, two facts with two keys, and
in discreet wording the same words. It is one fact now ("due soon"), and
two chains of the tick, run by two workers at once, still send it once.
"""

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django_tasks_db.management.commands.db_worker import Worker

from duties import services as duties
from duties.reminders import remind_duties
from duties.tests.factories import sign_agreement, task_spec
from notify import services, tasks
from notify.models import Notification, Outbox

DUE = datetime(2026, 11, 23, 21, 0, tzinfo=UTC)
# The task's window opens 20 minutes before it is due: inside the default
# 30-minute lead time for "due soon".
OPENS = DUE - timedelta(minutes=20)
SEEN = OPENS + timedelta(seconds=10)


def _workers(count: int) -> None:
    """Runs ``count`` db_workers until the queue is empty, each in its own
    thread (so its own database connection): at once on PostgreSQL, where
    workers share the queue with SKIP LOCKED; one after the other on SQLite,
    whose in-memory test database refuses a second writer outright ("table
    is locked") instead of waiting as the file database does."""
    together = connection.vendor == "postgresql"
    start = threading.Barrier(count if together else 1)
    failures: list[BaseException] = []

    def work(worker_id: str) -> None:
        start.wait()
        try:
            Worker(
                queue_names=["default"],
                interval=0.01,
                batch=True,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id=worker_id,
                excluded_queue_names=[],
            ).run()
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(f"w{n}",)) for n in range(count)]
    for thread in threads:
        thread.start()
        if not together:
            thread.join()
    for thread in threads:
        thread.join()
    assert not failures, failures


@pytest.fixture
def due_task(dynamic, leader, follower):
    signed = OPENS - timedelta(hours=2)
    sign_agreement(dynamic, leader, follower, depths={"household": "full"}, now=signed)
    duties.create_duty(
        leader,
        dynamic.pk,
        spec=task_spec(DUE, opens_at=OPENS, title="Kneel in the hall"),
        now=OPENS - timedelta(hours=1),
    )
    Notification.objects.all().delete()
    Outbox.objects.all().delete()
    return dynamic


@pytest.mark.django_db(transaction=True)
def test_follower_gets_one_due_email_when_two_workers_run_two_tick_chains(
    due_task, follower, smtp_receiver
):
    follower.discreet = True
    follower.save()
    services.follow_account_email(follower, follower.email, create=True, now=SEEN)
    with time_machine.travel(SEEN, tick=False):
        # Two chains for the same minute (make run started twice, a retry).
        tasks.start_ticking(now=SEEN)
        tasks.start_ticking(now=SEEN)
        _workers(2)
        # The next minute's scan sees the same occurrence again.
        remind_duties(SEEN + timedelta(minutes=1))
        _workers(2)

    mails = smtp_receiver.wait_for(1)
    assert len(mails) == 1
    assert mails[0].rcpt_tos == [follower.email]
    assert b"Subject: Instep" in mails[0].content
    assert b"Reminder from Instep: 1 item due at 21:00." in mails[0].content
    assert list(Notification.objects.values_list("kind", flat=True)) == ["due_soon"]


def test_window_opening_before_the_lead_time_is_told_as_open_then_due_soon(
    due_task, follower
):
    services.save_preferences(
        follower, quiet_from=None, quiet_until=None, lead_minutes=15
    )
    remind_duties(SEEN)
    remind_duties(DUE - timedelta(minutes=15))
    kinds = list(Notification.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["opening", "due_soon"]
