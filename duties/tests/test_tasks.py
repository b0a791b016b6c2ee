"""The task worker keeps occurrences ahead, once, and schedules its next run."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from duties import services, tasks
from duties.tests.factories import ritual_spec, sign_agreement


def _waiting(job) -> int:
    return DBTaskResult.objects.filter(
        task_path=job.module_path, status=TaskResultStatus.READY
    ).count()


def test_scheduling_twice_leaves_one_waiting_run_per_task(db):
    for _ in range(2):
        call_command("materialise_occurrences", "--schedule", stdout=StringIO())
    assert _waiting(tasks.materialise_occurrences) == 1
    assert _waiting(tasks.purge_proof_photos) == 1


@pytest.mark.django_db(transaction=True)
def test_worker_materialises_and_schedules_the_next_run(dynamic, leader, follower):
    now = timezone.now()
    sign_agreement(dynamic, leader, follower, depths={"household": "full"}, now=now)
    duty = services.create_duty(leader, dynamic.pk, spec=ritual_spec(), now=now)
    duty.occurrences.all().delete()
    tasks.materialise_occurrences.enqueue()
    call_command(
        "db_worker",
        "--batch",
        "--no-startup-delay",
        "--no-reload",
        stdout=StringIO(),
        stderr=StringIO(),
    )
    assert duty.occurrences.count() == 14
    done = DBTaskResult.objects.get(status=TaskResultStatus.SUCCESSFUL)
    assert done.task_path == tasks.materialise_occurrences.module_path
    # The next run waits an hour; running the worker again does nothing twice.
    assert _waiting(tasks.materialise_occurrences) == 1
    call_command(
        "db_worker",
        "--batch",
        "--no-startup-delay",
        "--no-reload",
        stdout=StringIO(),
        stderr=StringIO(),
    )
    assert duty.occurrences.count() == 14
    assert _waiting(tasks.materialise_occurrences) == 1
