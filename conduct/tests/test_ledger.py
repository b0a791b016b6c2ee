"""The ledger: open and resolved, rewards, streaks, and the weekly review."""

from datetime import timedelta

from conduct import queries, services
from dynamics.models import Membership


def _me(user, dynamic) -> Membership:
    return Membership.objects.select_related("dynamic").get(user=user, dynamic=dynamic)


def test_incident_open_for_7_days_is_raised_in_the_weekly_review(
    dynamic, slip_factory, leader, now
):
    old = slip_factory(at=now - timedelta(days=7))
    slip_factory(at=now - timedelta(days=6, hours=23))
    forgiven = slip_factory(at=now - timedelta(days=9))
    services.forgive(leader, dynamic.pk, forgiven.pk, word="ok", now=now)
    assert queries.incidents_for_weekly_review(dynamic, now) == [old]


def test_leaders_old_slip_is_raised_in_the_weekly_review_too(
    dynamic, slip_factory, leader, now
):
    old = slip_factory(leader, at=now - timedelta(days=8))
    assert queries.incidents_for_weekly_review(dynamic, now) == [old]


def test_ledger_counts_rewards_and_resolutions(
    dynamic, leader, follower, menu, slip_factory, now
):
    praise = services.report_incident(
        leader, dynamic.pk, source="praise", about="partner", title="Kind", now=now
    )
    services.give_reward(
        leader,
        dynamic.pk,
        praise.pk,
        consequence_id=menu["Breakfast in bed"].pk,
        now=now,
    )
    services.forgive(leader, dynamic.pk, slip_factory().pk, word="ok", now=now)
    slip_factory(leader)
    ledger = queries.ledger(_me(leader, dynamic), now)
    assert (ledger.resolved, ledger.rewards, ledger.forgiven) == (2, 1, 1)
    assert len(ledger.open) == 1 and ledger.open[0].subject_id == leader.pk


def test_streaks_count_days_since_the_last_miss_for_each_partner(
    dynamic, leader, follower, slip_factory, now
):
    # Joined at ``now``; the ledger is read ten days later.
    later = now + timedelta(days=10)
    slip_factory(follower, kind="missed", at=now + timedelta(days=4, hours=2))
    slip_factory(follower, kind="late", at=now + timedelta(days=8, hours=2))
    ledger = queries.ledger(_me(leader, dynamic), later)
    mine, theirs = (
        next(p for p in ledger.people if p.membership.user_id == u.pk)
        for u in (leader, follower)
    )
    assert mine.days_without_missed == 10 and mine.on_time_rate == 100
    assert theirs.days_without_missed == 6
    assert theirs.days_without_slip == 2
    assert theirs.counted_days == 11 and theirs.on_time_days == 9
    assert theirs.on_time_rate == 82


# For the weekly review's snapshot (talk) -------------------------------------


def test_weekly_review_raises_old_incidents_in_one_query_however_long_the_history(
    dynamic, slip_factory, now, django_assert_num_queries
):
    for days in range(8, 40):
        slip_factory(at=now - timedelta(days=days))
    slip_factory(at=now - timedelta(days=3))  # open, but not yet for a week
    with django_assert_num_queries(1):
        assert len(queries.incidents_for_weekly_review(dynamic, now)) == 32
