"""Duty reminders from the tick: each stage once, discreet on the wire."""

from datetime import UTC, datetime, timedelta

import pytest

from duties import reminders
from duties import services as duties
from duties.tests.factories import ritual_spec, sign_agreement, task_spec
from dynamics import services as dynamics
from notify import delivery, periodic, services
from notify.models import Notification, Outbox

NOW = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
DUE = datetime(2026, 11, 23, 21, 0, tzinfo=UTC)


@pytest.fixture
def agreed(dynamic, leader, follower):
    sign_agreement(dynamic, leader, follower, depths={"household": "full"}, now=NOW)
    return dynamic


def _task(dynamic, leader, **kw):
    spec = task_spec(DUE, opens_at=DUE - timedelta(hours=2), **kw)
    return duties.create_duty(leader, dynamic.pk, spec=spec, now=NOW)


# What the tick tells; the partner's acts (a draft to sign, a duty given)
# have their own tests in test_partner_events.py.
TICK_KINDS = ("opening", "due_soon", "late", "review_needed")


def _kinds(person) -> list[str]:
    return list(
        Notification.objects.filter(user=person, kind__in=TICK_KINDS)
        .order_by("created_at", "pk")
        .values_list("kind", flat=True)
    )


def _scan_twice(at: datetime) -> None:
    reminders.remind_duties(at)
    reminders.remind_duties(at)


def test_follower_hears_opening_due_soon_and_late_once_each(agreed, leader, follower):
    services.save_preferences(
        follower, quiet_from=None, quiet_until=None, lead_minutes=45
    )
    _task(agreed, leader)
    _scan_twice(DUE - timedelta(hours=2, minutes=1))
    assert _kinds(follower) == []
    _scan_twice(DUE - timedelta(hours=1, minutes=59))
    assert _kinds(follower) == ["opening"]
    _scan_twice(DUE - timedelta(minutes=46))
    assert _kinds(follower) == ["opening"]
    _scan_twice(DUE - timedelta(minutes=45))
    assert _kinds(follower) == ["opening", "due_soon"]
    _scan_twice(DUE + timedelta(minutes=1))
    _scan_twice(DUE + timedelta(minutes=30))
    assert _kinds(follower) == ["opening", "due_soon", "late"]
    assert _kinds(leader) == []


def test_lead_time_is_each_persons_own(agreed, leader, follower):
    _task(agreed, leader)
    reminders.remind_duties(DUE - timedelta(minutes=45))
    assert "due_soon" not in _kinds(follower)  # the default is 30 minutes
    reminders.remind_duties(DUE - timedelta(minutes=30))
    assert _kinds(follower)[-1] == "due_soon"


def test_done_on_time_is_not_late(agreed, leader, follower):
    duty = _task(agreed, leader)
    occ = duty.occurrences.get()
    duties.complete(follower, agreed.pk, occ.pk, now=DUE - timedelta(minutes=10))
    _scan_twice(DUE - timedelta(minutes=5))
    _scan_twice(DUE + timedelta(minutes=5))
    assert "due_soon" not in _kinds(follower)
    assert "late" not in _kinds(follower)


def test_leader_hears_a_reviewed_duty_is_done_once(agreed, leader, follower):
    duty = _task(agreed, leader, reviewed=True)
    occ = duty.occurrences.get()
    duties.complete(follower, agreed.pk, occ.pk, now=DUE - timedelta(minutes=50))
    _scan_twice(DUE - timedelta(minutes=49))
    assert _kinds(leader) == ["review_needed"]
    # Returned and done again: a new review, told again.
    duties.review(
        leader,
        agreed.pk,
        occ.pk,
        approve=False,
        note="Again",
        now=DUE - timedelta(minutes=40),
    )
    duties.complete(follower, agreed.pk, occ.pk, now=DUE - timedelta(minutes=30))
    _scan_twice(DUE - timedelta(minutes=29))
    assert _kinds(leader) == ["review_needed", "review_needed"]


def test_paused_dynamic_is_reminded_of_nothing(agreed, leader, follower):
    _task(agreed, leader)
    dynamics.pause_dynamic(leader, agreed.pk, now=NOW)
    _scan_twice(DUE - timedelta(minutes=20))
    _scan_twice(DUE + timedelta(minutes=5))
    assert _kinds(follower) == []


def test_ritual_opening_reaches_the_follower_in_their_time_zone(
    agreed, leader, follower
):
    follower.time_zone = "Europe/Berlin"
    follower.save()
    duty = duties.create_duty(
        leader, agreed.pk, spec=ritual_spec(title="Evening kneel"), now=NOW
    )
    occ = duty.occurrences.order_by("due_at").first()
    reminders.remind_duties(occ.opens_at + timedelta(seconds=30))
    [note] = Notification.objects.filter(user=follower, kind__in=TICK_KINDS)
    assert note.kind == "opening"
    assert note.context["title"] == "Evening kneel"


def test_discreet_follower_gets_one_reminder_without_the_title_from_repeated_ticks(
    agreed, leader, follower, json_receiver
):
    follower.discreet = True
    follower.save()
    services.add_apprise(follower, url=json_receiver.apprise_url, now=NOW)
    _task(agreed, leader, title="Kneel in the collar")
    at = DUE - timedelta(minutes=30)
    # The same minute twice (a retried tick) and the next minute: one message.
    periodic.run_all(now=at)
    periodic.run_all(now=at)
    periodic.run_all(now=at + timedelta(minutes=1))
    [row] = Outbox.objects.filter(notification__kind="due_soon")
    assert delivery.deliver_one(row.pk, now=at) == "sent"
    [post] = json_receiver.wait_for(1)
    assert post.json["title"] == "Instep"
    assert post.json["message"].startswith("Reminder from Instep: 1 item due at 21:00.")
    assert "collar" not in post.body.decode()
