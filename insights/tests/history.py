"""A grown history for the charts' query-count and screenshot tests.

Not the demo generator (``manage.py generate_demo``, from the bench work):
this grows one dynamic's history with bulk inserts so that a test can ask
"does the page still answer in the same queries after three years?" and
take screenshots of charts with something in them. The couple gets better
over time ("the longer you dance, the better you will get"), with rough
patches where it breaks down, pauses, signals and decisions.
"""

import math
import random
from datetime import datetime, time, timedelta

from accounts.models import User
from conduct.models import Incident
from duties.models import Occurrence
from dynamics.models import Dynamic, Pause, Signal
from insights.tests import factories
from talk.models import CheckIn, Matter


def _clamp(v: float) -> int:
    return max(1, min(5, round(v)))


def grow(
    dynamic: Dynamic,
    leader: User,
    follower: User,
    *,
    days: int,
    now: datetime,
    seed: int = 7,
) -> None:
    """Writes ``days`` of history ending yesterday, deterministic for ``seed``."""
    rnd = random.Random(seed)
    start = now - timedelta(days=days)
    Dynamic.objects.filter(pk=dynamic.pk).update(created_at=start)
    duties = [
        (factories.duty(dynamic, follower, title="Morning greeting"), time(7, 30)),
        (factories.duty(dynamic, follower, title="Evening tidy"), time(20, 0)),
        (factories.duty(dynamic, leader, title="Goodnight call"), time(22, 0)),
    ]
    # Rough patches: a few weeks where things break down (work, illness).
    rough = {rnd.randrange(20, max(days - 10, 21)) for _ in range(max(1, days // 120))}
    occs, checkins, incidents, signals, matters = [], [], [], [], []
    pauses = []
    for i in range(days):
        day = (start + timedelta(days=i)).date()
        progress = i / max(days, 1)
        in_rough = any(0 <= i - r < 12 for r in rough)
        if in_rough and i - min(r for r in rough if 0 <= i - r < 12) == 5:
            p_start = datetime.combine(day, time(9), tzinfo=now.tzinfo)
            pauses.append((p_start, p_start + timedelta(days=3)))
        paused = any(a.date() <= day <= b.date() for a, b in pauses)
        for d, at in duties:
            due = datetime.combine(day, at, tzinfo=now.tzinfo)
            if due >= now:
                continue
            skill = 0.62 + 0.3 * progress - (0.3 if in_rough else 0)
            if d.assignee_id == leader.pk:
                skill += 0.04
            skill = min(skill, 0.93)
            roll = rnd.random()
            outcome = (
                "excused"
                if paused
                else "on_time"
                if roll < skill
                else "late"
                if roll < skill + (1 - skill) / 2
                else "missed"
            )
            done = {
                "on_time": due - timedelta(minutes=5),
                "late": due + timedelta(hours=1),
            }
            occs.append(
                Occurrence(
                    duty=d,
                    dynamic=dynamic,
                    assignee_id=d.assignee_id,
                    opens_at=due - timedelta(hours=1),
                    due_at=due,
                    done_at=done.get(outcome),
                    marked_at=done.get(outcome),
                    outcome=outcome,
                    settled_at=due + timedelta(hours=2),
                )  # fmt: skip
            )
            if outcome in ("late", "missed"):
                resolution = rnd.choice(
                    ["forgiven", "made_right", "consequence", "forgiven", ""]
                    if d.assignee_id == follower.pk
                    else ["made_right", "forgiven", ""]
                )
                if day > (now - timedelta(days=10)).date():
                    resolution = ""
                incidents.append(
                    _incident(dynamic, d.assignee_id, leader, due, outcome, resolution)
                )
        if rnd.random() < 0.05:
            at = datetime.combine(day, time(19), tzinfo=now.tzinfo)
            incidents.append(
                _incident(dynamic, follower.pk, leader, at, "praise", "celebrated")
            )
        wave = math.sin(i / 9)
        for person, base in ((follower, 3.0), (leader, 3.3)):
            if rnd.random() < 0.2 or day >= now.date():
                continue
            lift = 0.9 * progress - (1.2 if in_rough else 0)
            at = datetime.combine(day, time(21), tzinfo=now.tzinfo)
            checkins.append(
                CheckIn(
                    dynamic=dynamic,
                    user=person,
                    day=day,
                    mood=_clamp(base + lift + wave + rnd.gauss(0, 0.5)),
                    energy=_clamp(base + lift * 0.5 + rnd.gauss(0, 0.7)),
                    stress=_clamp(3.2 - lift + rnd.gauss(0, 0.6)),
                    connection=_clamp(base + 0.3 + lift + rnd.gauss(0, 0.4)),
                    # Now and then the follower keeps the stress answer private.
                    stress_shared=not (person == follower and rnd.random() < 0.3),
                    created_at=at,
                    updated_at=at,
                )  # fmt: skip
            )
        if in_rough and rnd.random() < 0.15 or rnd.random() < 0.01:
            at = datetime.combine(day, time(18), tzinfo=now.tzinfo)
            kind = rnd.choice(["yellow", "yellow", "take_lead", "red"])
            signals.append(
                Signal(dynamic=dynamic, kind=kind, sent_by=follower, sent_at=at)
            )
        if rnd.random() < 0.09:
            at = datetime.combine(day, time(20, 30), tzinfo=now.tzinfo)
            state = rnd.choice(["decided", "decided", "accepted", "declined"])
            matters.append(
                Matter(
                    dynamic=dynamic,
                    kind="request",
                    title="Saturday plans",
                    opened_by=follower,
                    opened_at=at - timedelta(days=2),
                    state=state,
                    decision="We go.",
                    reason="It matters to both of us.",
                    closed_by=leader,
                    closed_at=at,
                )  # fmt: skip
            )
    Occurrence.objects.bulk_create(occs, batch_size=500)
    CheckIn.objects.bulk_create(checkins, batch_size=500)
    Incident.objects.bulk_create(incidents, batch_size=500)
    Signal.objects.bulk_create(signals, batch_size=500)
    Matter.objects.bulk_create(matters, batch_size=500)
    Pause.objects.bulk_create(
        [
            Pause(
                dynamic=dynamic,
                reason="illness",
                started_by=follower,
                started_at=a,
                ended_at=b,
            )  # fmt: skip
            for a, b in pauses
        ]
    )


def _incident(dynamic, subject_id, leader, at, source, resolution) -> Incident:
    role = "leader" if subject_id == leader.pk else "follower"
    return Incident(
        dynamic=dynamic, source=source, subject_id=subject_id, subject_role=role,
        title="Evening tidy", occurred_at=at, reported_at=at,
        state="resolved" if resolution else "open", resolution=resolution,
        resolved_at=at + timedelta(days=1) if resolution else None,
    )  # fmt: skip
