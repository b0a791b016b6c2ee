"""Building a signed agreement and duties through the real services.

Shared by the duties tests and the browser journey.
"""

from datetime import date, datetime, time, timedelta

from accounts.models import User
from agreements import services as agreements
from agreements.models import AgreementVersion
from duties import services
from duties.models import Duty
from dynamics.models import Dynamic


def sign_agreement(
    dynamic: Dynamic,
    leader: User,
    follower: User,
    *,
    depths: dict[str, str],
    limits: list[tuple[str, str, str, str]] = (),
    rules: list[tuple[str, str, str]] = (),
    proof_retention_days: int | None = None,
    review_on: date | None = None,
    now: datetime,
) -> AgreementVersion:
    """Proposes the starter agreement with ``depths``, ``limits``, ``rules``
    (domain key, text, suspended when) and the general settings; both sign."""
    version = agreements.propose_draft(
        leader, dynamic.pk, start_from="starter", now=now
    )
    if proof_retention_days is not None or review_on is not None:
        agreements.update_draft(
            leader,
            dynamic.pk,
            number=version.number,
            review_on=review_on or version.review_on,
            absence_days=version.absence_days,
            titles_and_protocols="",
            proof_retention_days=proof_retention_days,
            now=now,
        )
    for domain in version.domain_set.all():
        if domain.key in depths:
            agreements.change_item(
                leader,
                dynamic.pk,
                number=version.number,
                section="domains",
                item_id=domain.pk,
                values={"depth": depths[domain.key]},
                now=now,
            )
    people = {"leader": leader, "follower": follower}
    for role, kind, text, tags in limits:
        agreements.add_item(
            people[role],
            dynamic.pk,
            number=version.number,
            section="limits",
            values={"kind": kind, "text": text, "tags": tags},
            now=now,
        )
    domain_ids = {d.key: d.pk for d in version.domain_set.all()}
    for key, text, suspended_when in rules:
        agreements.add_item(
            leader,
            dynamic.pk,
            number=version.number,
            section="rules",
            values={
                "domain": domain_ids[key],
                "text": text,
                "suspended_when": suspended_when,
            },
            now=now,
        )
    agreements.sign(leader, dynamic.pk, number=version.number, now=now)
    return agreements.sign(follower, dynamic.pk, number=version.number, now=now)


def ritual_spec(**kw) -> services.DutySpec:
    base = {
        "kind": Duty.Kind.RITUAL,
        "title": "Morning greeting",
        "domain": "household",
        "assignee_role": "follower",
        "rule": "FREQ=DAILY",
        "at": time(7, 0),
        "starts_on": datetime(2026, 1, 1).date(),
        "window": timedelta(hours=2),
        "grace": timedelta(minutes=15),
    }
    return services.DutySpec(**{**base, **kw})


def task_spec(due_at: datetime, **kw) -> services.DutySpec:
    base = {
        "kind": Duty.Kind.TASK,
        "title": "Book the dentist",
        "domain": "household",
        "assignee_role": "follower",
        "due_at": due_at,
    }
    return services.DutySpec(**{**base, **kw})


def task_form(title: str) -> dict[str, str]:
    """Returns the new-duty page's fields for a task due 24 Nov 10:00 for the
    follower, in the household."""
    return {
        "kind": "task",
        "title": title,
        "domain": "household",
        "assignee_role": "follower",
        "due_at": "2026-11-24T10:00",
        "window_minutes": "60",
        "grace_minutes": "0",
    }


def sunday_family_time(dynamic: Dynamic, follower: User, now: datetime):
    """The follower's weekly family time: Sundays 06:00 to 20:00 UTC."""
    return services.schedule_pause(
        follower,
        dynamic.pk,
        reason="family",
        rule="FREQ=WEEKLY;BYDAY=SU",
        starts_on=now.date(),
        at=time(6),
        length=timedelta(hours=14),
        now=now,
    )
