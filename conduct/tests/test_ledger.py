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


def test_weekly_review_snapshot_raises_what_was_open_a_week_at_its_end(
    dynamic, slip_factory, leader, follower, now
):
    week_end = now
    old = slip_factory(at=now - timedelta(days=8))
    slip_factory(at=now - timedelta(days=3))  # open, but not yet for a week
    # Forgiven after the week ended: it was still open when the week ended.
    late_forgiven = slip_factory(leader, at=now - timedelta(days=10))
    services.forgive(
        follower, dynamic.pk, late_forgiven.pk, word="ok", now=now + timedelta(days=1)
    )
    # Forgiven within the week: not raised.
    done = slip_factory(at=now - timedelta(days=12))
    services.forgive(
        leader, dynamic.pk, done.pk, word="ok", now=now - timedelta(days=2)
    )
    raised = queries.open_for_review(dynamic.pk, week_end)
    assert [r["id"] for r in raised] == [late_forgiven.pk, old.pk]
    first = raised[0]
    assert first["role"] == "leader" and first["days_open"] == 10
    assert first["source"] == "missed" and first["title"] == "Evening tidy-up"
    assert first["state"] == "open" and first["repair_missed"] is False
    assert first["reported_at"] == (now - timedelta(days=10)).isoformat()


def test_weekly_review_snapshot_needs_one_query_however_long_the_history(
    dynamic, slip_factory, now, django_assert_num_queries
):
    for days in range(8, 40):
        slip_factory(at=now - timedelta(days=days))
    with django_assert_num_queries(1):
        assert len(queries.open_for_review(dynamic.pk, now)) == 32


def test_week_summary_counts_by_kind_resolution_and_whose(
    dynamic, slip_factory, leader, follower, now, django_assert_num_queries
):
    start, end = now - timedelta(days=7), now
    slip_factory(at=now - timedelta(days=1))
    late = slip_factory(kind="late", at=now - timedelta(days=2))
    services.forgive(
        leader, dynamic.pk, late.pk, word="ok", now=now - timedelta(days=1)
    )
    leaders = slip_factory(leader, at=now - timedelta(days=3))
    services.excuse(follower, dynamic.pk, leaders.pk, now=now - timedelta(hours=2))
    services.report_incident(
        follower,
        dynamic.pk,
        source="praise",
        about="partner",
        title="Listened",
        now=now - timedelta(days=1),
    )
    services.report_incident(
        follower,
        dynamic.pk,
        source="broken_rule",
        about="me",
        title="Phone at dinner",
        now=now - timedelta(hours=3),
    )
    slip_factory(at=now - timedelta(days=9))  # the week before: open at its end
    slip_factory(at=now + timedelta(hours=1))  # after the week: not counted
    with django_assert_num_queries(1):
        week = queries.week_summary(dynamic.pk, start, end)
    assert week["recorded"] == {
        "late": 1,
        "missed": 2,
        "broken_rule": 1,
        "missed_promise": 0,
        "praise": 1,
    }
    assert week["resolved"] == {
        "consequence": 0,
        "made_right": 0,
        "reward": 0,
        "celebrated": 0,
        "forgiven": 1,
        "excused": 1,
    }
    assert week["by_role"] == {
        "leader": {"slips": 1, "praise": 1},
        "follower": {"slips": 3, "praise": 0},
    }
    assert week["self_reported"] == 1
    # Open at the end: this week's missed, the praise, the rule, last week's.
    assert week["open_at_end"] == 4
    assert week["from"] == start.isoformat() and week["to"] == end.isoformat()
