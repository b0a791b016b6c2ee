"""Duties' hourly work runs from notify's tick: once an hour, however often ticked."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from duties import services
from duties.tests.factories import ritual_spec, sign_agreement
from notify import periodic

NOW = datetime(2026, 11, 23, 9, 0, 20, tzinfo=UTC)


def _duty(dynamic, leader, follower, now):
    sign_agreement(dynamic, leader, follower, depths={"household": "full"}, now=now)
    duty = services.create_duty(leader, dynamic.pk, spec=ritual_spec(), now=now)
    duty.occurrences.all().delete()
    return duty


def test_tick_materialises_duties_once_per_hour(db, dynamic, leader, follower):
    duty = _duty(dynamic, leader, follower, NOW)
    periodic.run_all(now=NOW)
    assert duty.occurrences.count() == 14
    duty.occurrences.all().delete()
    # Later minutes of the same hour do not run it again ...
    periodic.run_all(now=NOW + timedelta(minutes=1))
    periodic.run_all(now=NOW + timedelta(minutes=59))
    assert duty.occurrences.count() == 0
    # ... the first tick of the next hour does, even if it comes late.
    periodic.run_all(now=NOW + timedelta(hours=1, minutes=3))
    assert duty.occurrences.count() == 14


@pytest.mark.django_db(transaction=True)
def test_real_worker_materialises_duties_from_the_tick(dynamic, leader, follower):
    with time_machine.travel(NOW, tick=True):
        duty = _duty(dynamic, leader, follower, NOW)
        # Started twice (a deploy and a cron safety net): still one run.
        call_command("schedule_periodic", stdout=StringIO())
        call_command("schedule_periodic", stdout=StringIO())
        call_command(
            "db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0
        )
    assert duty.occurrences.count() == 14
