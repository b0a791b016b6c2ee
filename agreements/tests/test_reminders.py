"""Which agreements are due for a review reminder, 14 and 3 days before."""

from datetime import timedelta

from agreements import queries, services
from dynamics import services as dynamic_services


def test_versions_in_force_are_due_14_and_3_days_before_review(
    agreement_factory, dynamic, now
):
    version = agreement_factory(review_in_days=30)
    review = version.review_on
    for days_before, expected in [(15, []), (14, [14]), (13, []), (3, [3]), (0, [])]:
        at = now.replace(
            year=review.year, month=review.month, day=review.day
        ) - timedelta(days=days_before)
        due = queries.reviews_due_for_reminder(at)
        assert [d for v, d in due if v == version] == expected, days_before


def test_superseded_versions_and_drafts_are_not_reminded(
    agreement_factory, dynamic, leader, follower, now, sign_both
):
    agreement_factory(review_in_days=20)
    sign_both(services.propose_draft(follower, dynamic.pk, now=now))  # review +90d
    at = now + timedelta(days=6)  # 14 days before the first one's review
    assert [v for v, _d in queries.reviews_due_for_reminder(at)] == []


def test_ended_dynamics_are_not_reminded(agreement_factory, dynamic, follower, now):
    agreement_factory(review_in_days=17)
    dynamic_services.end_dynamic(follower, dynamic.pk, now=now)
    assert queries.reviews_due_for_reminder(now + timedelta(days=3)) == []


def test_leaders_absent_lists_dynamics_whose_authority_lapsed(
    agreement_factory, dynamic, leader, now
):
    agreement_factory(absence_days=5)
    services.mark_seen(leader, now=now)
    assert queries.leaders_absent(now + timedelta(days=5)) == []
    assert queries.leaders_absent(now + timedelta(days=6)) == [(dynamic, now.date())]
