"""Fault test: two real workers on PostgreSQL, one killed with SIGKILL mid-way.

2,000 due reminders go to a local HTTP receiver through Apprise, in batches of
``events.BATCH`` per task. Worker A is killed while the queue is half done and
started again; once the dead worker's lease has passed (its row in flight) and
the rest of its batch is ``delivery.STALE`` past due, the sweep hands them on.
Every reminder arrives; a duplicate is possible only for the row A was sending
when it died.
"""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from notify import delivery, events, services
from notify.models import Outbox

REMINDERS = 2000
ROOT = Path(settings.BASE_DIR)


def _database_url() -> str:
    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


def _worker(worker_id: str) -> subprocess.Popen:
    # The receiver listens on 127.0.0.1, which the outbound guard refuses
    # unless the instance allows private addresses (notify/outbound.py).
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DEBUG": "0",
        "INSTEP_ALLOW_PRIVATE_OUTBOUND": "1",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--no-startup-delay",
            "--no-reload",
            "--interval",
            "0.05",
            "--worker-id",
            worker_id,
            "--verbosity",
            "0",
        ],
        cwd=ROOT,
        env=env,
    )


def _until(predicate, *, timeout: float, what: str) -> None:
    """Polls the database while subprocesses work (they run on real time)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


@pytest.mark.django_db(transaction=True)
def test_sigkilled_worker_loses_nothing_and_duplicates_only_its_row_in_flight(
    user_factory, json_receiver
):
    if connection.vendor != "postgresql":
        pytest.skip("several workers sharing the queue is the PostgreSQL set-up")
    person = user_factory("Robin")
    services.add_apprise(person, url=json_receiver.apprise_url, now=timezone.now())
    due = (timezone.now() + timedelta(hours=1)).isoformat()
    with transaction.atomic():
        for n in range(REMINDERS):
            events.notify(
                person,
                "due_soon",
                {"title": f"R{n}", "due_at": due},
                dedupe_key=f"r{n}",
            )
    batches = -(-REMINDERS // events.BATCH)
    assert DBTaskResult.objects.filter(status="READY").count() == batches

    workers = {"a": _worker("worker-a"), "b": _worker("worker-b")}
    try:
        json_receiver.wait_for(REMINDERS // 3, timeout=300)
        workers["a"].send_signal(signal.SIGKILL)
        workers["a"].wait()
        in_flight = set(
            Outbox.objects.filter(state="sending")
            .exclude(lease_until__isnull=True)
            .values_list("pk", flat=True)
        )
        workers["a"] = _worker("worker-a2")

        def only_dead_rows_left() -> bool:
            ready = DBTaskResult.objects.filter(status="READY").exists()
            running = DBTaskResult.objects.filter(status="RUNNING").exclude(
                worker_ids__contains=["worker-a"]
            )
            return not ready and not running.exists()

        _until(only_dead_rows_left, timeout=600, what="the live workers to finish")
        stuck = list(
            Outbox.objects.filter(state="sending").values_list("pk", flat=True)
        )
        assert set(stuck) <= in_flight
        assert len(stuck) <= 1  # a worker sends one row at a time
        # The rest of the dead worker's batch, not reached yet: at most one
        # batch, the whole of it when the kill came right after its claim.
        waiting = list(
            Outbox.objects.filter(state="pending").values_list("pk", flat=True)
        )
        assert len(waiting) <= events.BATCH

        # Time passes: the dead worker's lease expires and the rows it had not
        # reached are overdue; the sweep hands them to the restarted worker.
        Outbox.objects.filter(pk__in=stuck).update(
            lease_until=timezone.now() - timedelta(seconds=1)
        )
        Outbox.objects.filter(pk__in=waiting).update(
            due_at=timezone.now() - delivery.STALE - timedelta(seconds=1)
        )
        assert delivery.sweep(now=timezone.now()) == len(stuck) + len(waiting)
        _until(
            lambda: Outbox.objects.filter(state="sent").count() == REMINDERS,
            timeout=120,
            what="every row to be sent",
        )
    finally:
        for process in workers.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=30)

    titles = Counter(post.json["title"] for post in json_receiver.received)
    assert set(titles) == {f"Due soon: R{n}" for n in range(REMINDERS)}  # none lost
    duplicates = sum(count - 1 for count in titles.values())
    print(
        f"\n{REMINDERS} reminders, killed mid-way: {duplicates} duplicate(s), "
        f"{len(stuck)} row(s) in flight at the kill"
    )
    assert duplicates <= len(stuck)
