"""Matters, check-ins, weekly reviews, agreement reviews and an absent leader:
each reaches the right person once, however often the tick runs."""

from datetime import UTC, datetime, time, timedelta

from agreements import services as agreements
from agreements.reminders import remind_agreement_reviews, tell_follower_leader_absent
from notify.models import Notification
from talk import services as talk
from talk.models import Matter
from talk.reminders import remind_checkins, remind_matters, remind_weekly_review

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday
SUNDAY = datetime(2026, 11, 29, tzinfo=UTC)


# What the tick tells; the partner's acts (a draft to sign, a duty given)
# have their own tests in test_partner_events.py.
TICK_KINDS = (
    "matter_awaiting",
    "checkin_prompt",
    "weekly_review",
    "agreement_review",
    "leader_absent",
)


def _kinds(person) -> list[str]:
    return list(
        Notification.objects.filter(user=person, kind__in=TICK_KINDS)
        .order_by("created_at", "pk")
        .values_list("kind", flat=True)
    )


def _twice(job, at: datetime) -> None:
    job(at)
    job(at)


def _agreement(dynamic, leader, follower, *, review_in_days=90, absence_days=14):
    version = agreements.propose_draft(leader, dynamic.pk, now=NOW)
    agreements.update_draft(
        leader,
        dynamic.pk,
        number=version.number,
        review_on=(NOW + timedelta(days=review_in_days)).date(),
        absence_days=absence_days,
        titles_and_protocols="",
        now=NOW,
    )
    agreements.sign(leader, dynamic.pk, number=version.number, now=NOW)
    return agreements.sign(follower, dynamic.pk, number=version.number, now=NOW)


def test_leader_hears_once_of_a_matter_awaiting_their_decision(
    dynamic, leader, follower
):
    matter = talk.open_matter(
        follower, dynamic.pk, kind=Matter.Kind.QUESTION, title="Weekend plans", now=NOW
    )
    talk.open_matter(
        leader, dynamic.pk, kind=Matter.Kind.DECISION, title="Own idea", now=NOW
    )
    # Opening told the leader already, under the same key (see
    # test_partner_events.py); the tick catches matters opened before that.
    Notification.objects.all().delete()
    _twice(remind_matters, NOW + timedelta(minutes=1))
    _twice(remind_matters, NOW + timedelta(minutes=2))
    [note] = Notification.objects.filter(user=leader)
    assert note.kind == "matter_awaiting"
    assert note.context["title"] == "Weekend plans"
    assert note.dedupe_key == f"matter:{matter.pk}:awaiting"
    assert _kinds(follower) == []


def test_checkin_prompt_comes_at_the_chosen_local_time_once_a_day(dynamic, follower):
    follower.time_zone = "Europe/Berlin"
    follower.save()
    talk.set_checkin_prompt(
        follower, dynamic.pk, prompt_at=time(20, 0), enabled=True, now=NOW
    )
    _twice(remind_checkins, datetime(2026, 11, 23, 18, 59, tzinfo=UTC))
    assert _kinds(follower) == []
    _twice(remind_checkins, datetime(2026, 11, 23, 19, 0, tzinfo=UTC))
    _twice(remind_checkins, datetime(2026, 11, 23, 21, 0, tzinfo=UTC))
    assert _kinds(follower) == ["checkin_prompt"]
    _twice(remind_checkins, datetime(2026, 11, 24, 19, 1, tzinfo=UTC))
    assert _kinds(follower) == ["checkin_prompt", "checkin_prompt"]


def test_weekly_review_reminds_on_sunday_evening_who_has_not_held_it(
    dynamic, leader, follower
):
    review = talk.start_review(leader, dynamic.pk, now=SUNDAY + timedelta(hours=10))
    talk.mark_review_held(
        leader, dynamic.pk, review.pk, now=SUNDAY + timedelta(hours=11)
    )
    _twice(remind_weekly_review, SUNDAY + timedelta(hours=17, minutes=59))
    assert _kinds(follower) == []
    _twice(remind_weekly_review, SUNDAY + timedelta(hours=18))
    _twice(remind_weekly_review, SUNDAY + timedelta(hours=22))
    assert _kinds(follower) == ["weekly_review"]
    assert _kinds(leader) == []  # already held it
    # The next Sunday is a new week.
    _twice(remind_weekly_review, SUNDAY + timedelta(days=7, hours=19))
    assert _kinds(follower) == ["weekly_review", "weekly_review"]
    assert _kinds(leader) == ["weekly_review"]


def test_both_hear_14_and_3_days_before_the_agreement_review(dynamic, leader, follower):
    version = _agreement(dynamic, leader, follower, review_in_days=30)
    review = datetime.combine(version.review_on, time(8, 0), tzinfo=UTC)
    _twice(remind_agreement_reviews, review - timedelta(days=15))
    assert _kinds(leader) == _kinds(follower) == []
    _twice(remind_agreement_reviews, review - timedelta(days=14))
    _twice(
        remind_agreement_reviews,
        review - timedelta(days=14, hours=-1),
    )
    assert _kinds(leader) == _kinds(follower) == ["agreement_review"]
    _twice(remind_agreement_reviews, review - timedelta(days=3))
    assert _kinds(leader) == _kinds(follower) == ["agreement_review"] * 2
    note = Notification.objects.filter(user=follower, kind="agreement_review").first()
    assert datetime.fromisoformat(note.context["review_at"]).date() == version.review_on


def test_follower_hears_once_that_the_leader_is_absent(dynamic, leader, follower):
    _agreement(dynamic, leader, follower, absence_days=5)
    agreements.mark_seen(leader, now=NOW)
    _twice(tell_follower_leader_absent, NOW + timedelta(days=5))
    assert _kinds(follower) == []
    _twice(tell_follower_leader_absent, NOW + timedelta(days=6))
    _twice(tell_follower_leader_absent, NOW + timedelta(days=7))
    assert _kinds(follower) == ["leader_absent"]
    assert _kinds(leader) == []
