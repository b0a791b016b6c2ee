"""Late and missed occurrences become conduct incidents, exactly once; excused
ones never do, and the leader's misses land in the same table."""

from datetime import UTC, datetime, timedelta

import pytest

from conduct.models import Incident
from duties import services
from duties.reminders import materialise_occurrences
from duties.tests.factories import ritual_spec, sunday_family_time, task_spec
from dynamics import services as dynamics_services
from instep.errors import NotAllowed, Refused

H = timedelta(hours=1)


def _slips(dynamic) -> list[Incident]:
    return list(Incident.objects.filter(dynamic=dynamic).order_by("occurred_at"))


def test_missed_ritual_becomes_one_incident_however_often_the_worker_runs(
    agreement, dynamic, leader, follower, now
):
    duty = services.create_duty(leader, dynamic.pk, spec=ritual_spec(), now=now)
    first = duty.occurrences.order_by("due_at").first()
    services.materialise(now=first.due_at + 23 * H)
    assert _slips(dynamic) == []
    later = first.due_at + 25 * H
    services.materialise(now=later)
    services.materialise(now=later + H)
    services.settle(dynamic.pk, now=later + 2 * H)
    [incident] = _slips(dynamic)
    assert incident.source == Incident.Source.MISSED
    assert incident.subject == follower and not incident.is_leaders
    assert incident.title == "Morning greeting"
    assert incident.occurred_at == first.due_at
    assert incident.source_key == f"occurrence:{first.pk}"


def test_worker_task_run_twice_records_each_miss_once(
    agreement, dynamic, leader, follower, now
):
    duty = services.create_duty(leader, dynamic.pk, spec=ritual_spec(), now=now)
    first, second = duty.occurrences.order_by("due_at")[:2]
    # The hourly job the worker's periodic tick runs, run twice (a retried run).
    later = second.due_at + 25 * H
    materialise_occurrences(later)
    materialise_occurrences(later)
    slips = _slips(dynamic)
    assert [s.source_key for s in slips] == [
        f"occurrence:{first.pk}",
        f"occurrence:{second.pk}",
    ]
    assert {s.source for s in slips} == {Incident.Source.MISSED}


def test_tick_after_the_grace_is_a_late_incident_once(
    agreement, dynamic, leader, follower, now
):
    duty = services.create_duty(leader, dynamic.pk, spec=ritual_spec(), now=now)
    occ = duty.occurrences.order_by("due_at").first()
    services.complete(follower, dynamic.pk, occ.pk, now=occ.due_at + H)
    services.materialise(now=occ.due_at + 30 * H)  # the worker sees it done
    [incident] = _slips(dynamic)
    assert incident.source == Incident.Source.LATE
    assert incident.subject == follower


def test_tick_in_time_or_forgotten_tick_records_nothing(
    agreement, dynamic, leader, follower, now
):
    duty = services.create_duty(leader, dynamic.pk, spec=ritual_spec(), now=now)
    first, second = duty.occurrences.order_by("due_at")[:2]
    services.complete(follower, dynamic.pk, first.pk, now=first.due_at - H)
    services.complete(
        follower,
        dynamic.pk,
        second.pk,
        done_at=second.due_at - H,
        now=second.due_at + 5 * H,
    )
    assert _slips(dynamic) == []


def test_duty_due_in_a_planned_pause_is_excused_and_never_an_incident(
    agreement, dynamic, leader, follower, now
):
    sunday_family_time(dynamic, follower, now)
    duty = services.create_duty(leader, dynamic.pk, spec=ritual_spec(), now=now)
    sunday = duty.occurrences.get(due_at=datetime(2026, 11, 29, 7, tzinfo=UTC))
    services.materialise(now=sunday.due_at + 25 * H)
    services.materialise(now=sunday.due_at + 26 * H)
    keys = {s.source_key for s in _slips(dynamic)}
    assert f"occurrence:{sunday.pk}" not in keys
    assert len(keys) == 5  # Tuesday to Saturday were missed, once each


def test_ritual_due_during_an_illness_pause_is_never_an_incident(
    agreement, dynamic, leader, follower, now
):
    duty = services.create_duty(leader, dynamic.pk, spec=ritual_spec(), now=now)
    first = duty.occurrences.order_by("due_at").first()
    services.start_illness_pause(follower, dynamic.pk, now=first.opens_at - H)
    dynamics_services.resume_dynamic(follower, dynamic.pk, now=first.due_at + H)
    services.materialise(now=first.due_at + 2 * H)
    first.refresh_from_db()
    assert first.outcome == "excused"
    services.materialise(now=first.due_at + 30 * H)
    assert f"occurrence:{first.pk}" not in {s.source_key for s in _slips(dynamic)}


def test_task_frozen_by_a_pause_is_missed_only_after_its_shifted_deadline(
    agreement, dynamic, leader, follower, now
):
    duty = services.create_duty(
        leader, dynamic.pk, spec=task_spec(now + 5 * H), now=now
    )
    services.start_illness_pause(follower, dynamic.pk, now=now + H)
    dynamics_services.resume_dynamic(follower, dynamic.pk, now=now + 11 * H)
    services.materialise(now=now + 30 * H)
    assert _slips(dynamic) == []  # ten paused hours do not count
    services.materialise(now=now + 40 * H)
    [incident] = _slips(dynamic)
    assert incident.source == Incident.Source.MISSED
    assert incident.occurred_at == now + 15 * H  # the deadline, pauses counted
    assert incident.source_key == f"occurrence:{duty.occurrences.get().pk}"


def test_leaders_missed_promise_is_a_leaders_slip_in_the_same_table(
    agreement, dynamic, leader, follower, now
):
    duty = services.create_duty(
        leader,
        dynamic.pk,
        spec=task_spec(now + 5 * H, title="Plan the weekend", assignee_role="leader"),
        now=now,
    )
    services.materialise(now=now + 40 * H)
    [incident] = _slips(dynamic)
    assert incident.subject == leader and incident.is_leaders
    assert incident.source == Incident.Source.MISSED
    assert incident.source_key == f"occurrence:{duty.occurrences.get().pk}"


def test_cancelling_a_pause_under_way_keeps_the_time_already_paused(
    agreement, dynamic, leader, follower, now
):
    duty = services.create_duty(leader, dynamic.pk, spec=ritual_spec(), now=now)
    first = duty.occurrences.order_by("due_at").first()
    plan = services.schedule_pause(
        follower,
        dynamic.pk,
        reason="family",
        starts_at=first.opens_at - H,
        ends_at=first.due_at + 3 * H,
        now=now,
    )
    # The leader cannot call it off; the follower does, an hour after the
    # ritual fell due inside it.
    with pytest.raises(NotAllowed):
        services.cancel_scheduled_pause(
            leader, dynamic.pk, plan.pk, now=first.due_at + H
        )
    services.cancel_scheduled_pause(follower, dynamic.pk, plan.pk, now=first.due_at + H)
    services.materialise(now=first.due_at + 30 * H)
    first.refresh_from_db()
    assert first.outcome == "excused"
    assert f"occurrence:{first.pk}" not in {s.source_key for s in _slips(dynamic)}


def test_cancelling_a_repeating_pause_keeps_its_past_windows_only(
    agreement, dynamic, leader, follower, now
):
    plan = sunday_family_time(dynamic, follower, now)
    duty = services.create_duty(leader, dynamic.pk, spec=ritual_spec(), now=now)
    sunday = datetime(2026, 11, 29, 7, tzinfo=UTC)
    services.cancel_scheduled_pause(follower, dynamic.pk, plan.pk, now=sunday + 30 * H)
    next_sunday = duty.occurrences.get(due_at=sunday + 7 * 24 * H)
    services.materialise(now=next_sunday.due_at + 25 * H)
    keys = {s.source_key for s in _slips(dynamic)}
    assert f"occurrence:{duty.occurrences.get(due_at=sunday).pk}" not in keys
    assert f"occurrence:{next_sunday.pk}" in keys


def test_a_pause_that_is_over_cannot_be_cancelled(
    agreement, dynamic, leader, follower, now
):
    plan = services.schedule_pause(
        follower,
        dynamic.pk,
        reason="travel",
        starts_at=now + H,
        ends_at=now + 2 * H,
        now=now,
    )
    with pytest.raises(Refused) as refused:
        services.cancel_scheduled_pause(follower, dynamic.pk, plan.pk, now=now + 3 * H)
    assert refused.value.message == (
        "This pause is over; it stays in the record as it was."
    )
    plan.refresh_from_db()
    assert plan.cancelled_at is None
