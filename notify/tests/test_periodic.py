"""The periodic tick: once per minute, however often it is started."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from notify import periodic, tasks
from notify.models import PeriodicSlot

NOW = datetime(2026, 11, 23, 9, 0, 20, tzinfo=UTC)
SLOT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def ran(monkeypatch):
    """Records each run of the periodic jobs (a real job, registered like any app's)."""
    runs: list[datetime] = []

    def record(now: datetime) -> None:
        runs.append(now)

    monkeypatch.setattr(periodic, "JOBS", [*periodic.JOBS, record])
    return runs


def _ticks() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path="notify.tasks.tick"))


@time_machine.travel(NOW, tick=False)
def test_tick_runs_jobs_once_and_schedules_the_next_minute(db, ran):
    assert tasks.tick.call(SLOT.isoformat()) == "ran"
    assert ran == [NOW]
    [following] = _ticks()
    assert following.run_after == SLOT + timedelta(minutes=1)
    assert following.args_kwargs["args"] == [(SLOT + timedelta(minutes=1)).isoformat()]


@time_machine.travel(NOW, tick=False)
def test_second_tick_for_the_same_minute_does_nothing(db, ran):
    tasks.tick.call(SLOT.isoformat())
    assert tasks.tick.call(SLOT.isoformat()) == "already ran"
    assert ran == [NOW]
    assert len(_ticks()) == 1  # the chain did not fork
    assert PeriodicSlot.objects.count() == 1


def test_after_an_outage_the_chain_skips_to_the_present(db, ran):
    with time_machine.travel(SLOT + timedelta(hours=3, seconds=5), tick=False):
        tasks.tick.call(SLOT.isoformat())
    [following] = _ticks()
    assert following.run_after == SLOT + timedelta(hours=3, minutes=1)


@time_machine.travel(NOW, tick=False)
def test_schedule_periodic_starts_a_chain_that_a_second_start_joins(db, ran):
    call_command("schedule_periodic", stdout=StringIO())
    call_command("schedule_periodic", stdout=StringIO())
    first, second = _ticks()
    assert tasks.tick.call(*first.args_kwargs["args"]) == "ran"
    assert tasks.tick.call(*second.args_kwargs["args"]) == "already ran"
    assert ran == [NOW]


@time_machine.travel(NOW, tick=False)
def test_a_failing_job_does_not_stop_the_others(db, monkeypatch):
    runs = []

    def broken(now):
        raise RuntimeError("boom")

    monkeypatch.setattr(periodic, "JOBS", [broken, runs.append])
    periodic.run_all(now=NOW)
    assert runs == [NOW]


@pytest.mark.django_db(transaction=True)
@time_machine.travel(NOW, tick=True)  # far from a minute's end: one tick is due
def test_real_worker_runs_the_tick_and_leaves_the_next_one_waiting(ran):
    call_command("schedule_periodic", stdout=StringIO())
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0
    )
    assert len(ran) == 1
    waiting = DBTaskResult.objects.filter(task_path="notify.tasks.tick", status="READY")
    assert waiting.count() == 1


def test_finished_task_results_older_than_a_week_are_pruned_hourly(db):
    old = tasks.deliver.enqueue(1)
    fresh = tasks.deliver.enqueue(2)
    DBTaskResult.objects.filter(pk__in=[old.id, fresh.id]).update(
        status="SUCCESSFUL", finished_at=timezone.now() - timedelta(days=8)
    )
    DBTaskResult.objects.filter(pk=fresh.id).update(finished_at=timezone.now())
    periodic.prune_finished_tasks(datetime(2026, 11, 23, 9, 6, tzinfo=UTC))
    assert DBTaskResult.objects.count() == 2
    periodic.prune_finished_tasks(datetime(2026, 11, 23, 9, 7, tzinfo=UTC))
    assert list(DBTaskResult.objects.values_list("pk", flat=True)) == [
        fresh.db_result.pk
    ]
