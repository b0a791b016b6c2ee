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
