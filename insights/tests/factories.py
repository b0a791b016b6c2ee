"""Writing history rows straight into the tables the insights page reads.

History is what the clock, conduct and talk services leave behind; a test
of the charts needs years of it in a moment, so these write the same rows
those services write (settled outcomes, check-ins with their shared flags,
incidents with their resolution) without replaying every step.
"""

from datetime import date, datetime, time, timedelta

from accounts.models import User
from conduct.models import Incident
from duties.models import Duty, Occurrence
from dynamics.models import Dynamic, Membership, Pause, Signal
from talk.models import CheckIn, Matter


def duty(dynamic: Dynamic, assignee: User, *, title: str = "Evening tidy") -> Duty:
    return Duty.objects.create(
        dynamic=dynamic,
        kind=Duty.Kind.RITUAL,
        title=title,
        domain="household",
        assignee=assignee,
        rule="FREQ=DAILY",
        at=time(20, 0),
        starts_on=date(2020, 1, 1),
        created_at=dynamic.created_at,
    )


def occurrence(d: Duty, due_at: datetime, outcome: str) -> Occurrence:
    """A settled occurrence: done on time, done late, missed or excused."""
    done = {
        "on_time": due_at - timedelta(minutes=10),
        "late": due_at + timedelta(hours=2),
    }.get(outcome)
    return Occurrence.objects.create(
        duty=d,
        dynamic_id=d.dynamic_id,
        assignee_id=d.assignee_id,
        opens_at=due_at - timedelta(hours=1),
        due_at=due_at,
        done_at=done,
        marked_at=done,
        outcome=outcome,
        settled_at=due_at + timedelta(hours=3),
    )


def checkin(
    dynamic: Dynamic, user: User, day: date, *, private: tuple[str, ...] = (), **values
) -> CheckIn:
    at = datetime.combine(day, time(21, 0)).astimezone()
    fields = {"mood": 3, "energy": 3, "stress": 3, "connection": 3, **values}
    shared = {f"{name}_shared": name not in private for name in fields}
    return CheckIn.objects.create(
        dynamic=dynamic, user=user, day=day, created_at=at, updated_at=at,
        shared_updated_at=at, **fields, **shared,
    )  # fmt: skip


def incident(
    dynamic: Dynamic,
    subject: User,
    at: datetime,
    *,
    source: str = "missed",
    resolution: str = "",
) -> Incident:
    role = Membership.objects.get(dynamic=dynamic, user=subject).role
    resolved = bool(resolution)
    return Incident.objects.create(
        dynamic=dynamic,
        source=source,
        subject=subject,
        subject_role=role,
        title="Evening tidy",
        occurred_at=at,
        reported_at=at,
        state=Incident.State.RESOLVED if resolved else Incident.State.OPEN,
        resolution=resolution,
        resolved_at=at + timedelta(days=1) if resolved else None,
    )


def signal(dynamic: Dynamic, by: User, at: datetime, kind: str = "yellow") -> Signal:
    return Signal.objects.create(dynamic=dynamic, kind=kind, sent_by=by, sent_at=at)


def pause(dynamic: Dynamic, by: User, start: datetime, end: datetime | None) -> Pause:
    return Pause.objects.create(
        dynamic=dynamic, reason=Pause.Reason.ILLNESS, started_by=by,
        started_at=start, ended_at=end,
    )  # fmt: skip


def decision(
    dynamic: Dynamic, by: User, closed_at: datetime, state: str = "decided"
) -> Matter:
    return Matter.objects.create(
        dynamic=dynamic,
        kind=Matter.Kind.REQUEST,
        title="Stay out late on Friday?",
        opened_by=by,
        opened_at=closed_at - timedelta(days=1),
        state=state,
        decision="Yes, home by one." if state != "accepted" else "",
        reason="Back by one." if state != "accepted" else "",
        closed_by=by,
        closed_at=closed_at,
    )
