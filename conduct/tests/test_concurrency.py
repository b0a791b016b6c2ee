"""Slips from the clock are recorded exactly once, also when workers race.

These tests need real concurrency, so they run on PostgreSQL (the production
database, where several workers share the queue); on SQLite writes are
serialised by the database itself and they are skipped.
"""

import os
import subprocess
import sys
import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection, connections

from conduct import services
from conduct.models import Incident

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent workers are a PostgreSQL matter")


def test_threads_racing_on_the_same_occurrence_record_one_incident(
    dynamic, follower, now
):
    threads_count, keys = 8, [f"duty-7:2026-11-{day:02}" for day in range(1, 11)]
    barrier = threading.Barrier(threads_count)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            for key in keys:
                services.record_slip_from_occurrence(
                    dynamic_id=dynamic.pk,
                    occurrence_key=key,
                    assignee_id=follower.pk,
                    title="Evening tidy-up",
                    due_at=now - timedelta(hours=3),
                    kind="missed",
                    now=now,
                )
        except BaseException as error:  # reported to the test below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Incident.objects.filter(dynamic=dynamic).count() == len(keys)
    assert set(Incident.objects.values_list("source_key", flat=True)) == {
        f"occurrence:{key}" for key in keys
    }


WORKER = """
import django, sys
from datetime import datetime, timedelta
django.setup()
from conduct.services import record_slip_from_occurrence
dynamic_id, assignee_id, count = map(int, sys.argv[1:4])
now = datetime.fromisoformat(sys.argv[4])
for n in range(count):
    for kind in ("late", "missed"):
        record_slip_from_occurrence(
            dynamic_id=dynamic_id, occurrence_key=f"duty-9:{n}",
            assignee_id=assignee_id, title="Walk", due_at=now - timedelta(hours=1),
            kind=kind, now=now)
"""


def test_two_worker_processes_record_each_slip_once(dynamic, follower, now):
    db = connection.settings_dict
    url = (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "instep.settings",
    }
    count = 60
    args = [str(dynamic.pk), str(follower.pk), str(count), now.isoformat()]
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, *args],
            cwd=settings.BASE_DIR,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for worker in workers:
        _out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
    incidents = Incident.objects.filter(dynamic=dynamic)
    assert incidents.count() == count
    assert set(incidents.values_list("source", flat=True)) == {"missed"}


DUTIES_WORKER = """
import django, sys
from datetime import datetime
django.setup()
from duties.services import materialise
now = datetime.fromisoformat(sys.argv[1])
for _run in range(3):  # and each worker runs the hourly job more than once
    materialise(now=now)
"""


def _run_workers(script: str, *args: str, count: int = 2) -> None:
    db = connection.settings_dict
    url = (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "instep.settings",
    }
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", script, *args],
            cwd=settings.BASE_DIR,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    for worker in workers:
        _out, err = worker.communicate(timeout=180)
        assert worker.returncode == 0, err


def test_two_duties_workers_turn_each_miss_into_one_incident(
    dynamic, leader, follower, now, menu
):
    """The real hourly job (materialise and settle) in two processes at once:
    each missed ritual occurrence is one incident, and the missed consequence
    task raises its incident again once, never a new one."""
    from duties import services as duties
    from duties.models import Occurrence
    from duties.tests.factories import ritual_spec

    # The leader's own ritual: a promise, on the clock without any delegation.
    ritual = duties.create_duty(
        leader, dynamic.pk, spec=ritual_spec(assignee_role="leader"), now=now
    )
    slip = services.record_slip_from_occurrence(
        dynamic_id=dynamic.pk,
        occurrence_key="before",
        assignee_id=follower.pk,
        title="Evening tidy-up",
        due_at=now - timedelta(hours=2),
        kind="missed",
        now=now,
    )
    services.reflect(
        follower, dynamic.pk, slip.pk, what_happened="x", differently="y", now=now
    )
    repair = services.give_consequence(
        leader,
        dynamic.pk,
        slip.pk,
        consequence_id=menu["Lines"].pk,
        task="Ten lines",
        task_domain="household",
        task_due_at=now + timedelta(hours=2),
        now=now,
    )
    later = now + timedelta(days=8)
    _run_workers(DUTIES_WORKER, later.isoformat())

    missed = Occurrence.objects.filter(duty=ritual, outcome="missed")
    assert missed.count() >= 6
    slips = Incident.objects.filter(dynamic=dynamic, subject=leader)
    assert slips.count() == missed.count()
    assert set(slips.values_list("source_key", flat=True)) == {
        f"occurrence:{pk}" for pk in missed.values_list("pk", flat=True)
    }
    repair.refresh_from_db()
    assert repair.state == Incident.State.OPEN and repair.repair_missed
    assert Incident.objects.filter(dynamic=dynamic, subject=follower).count() == 1
