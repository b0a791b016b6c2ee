"""The numbers behind each chart against the hand-counted history in
conftest.py (four weeks: 2, 9, 16 and 23 November 2026)."""

from datetime import UTC, datetime

import pytest

from dynamics.access import membership_or_404
from dynamics.models import Membership
from insights import queries
from insights.tests.conftest import NOW

pytestmark = pytest.mark.django_db


def _insights(dynamic, user, range_key="4w", discreet=False):
    me = Membership.objects.select_related("dynamic", "user").get(
        dynamic=dynamic, user=user
    )
    return queries.overview(me, range_key, NOW, discreet=discreet)


def _cells(chart, label):
    return next(r.cells for r in chart.table if r.label == label)


def test_leader_sees_on_time_rates_per_week_for_both(history, leader):
    """Robin: 2 of 4 (the excused one does not count), 4 of 5, 5 of 5.
    Alex: 0 of 1, 2 of 2, 2 of 3. Nothing due yet this week."""
    chart = _insights(history, leader).on_time
    assert _cells(chart, "pet") == [
        "50% (2 of 4)",
        "80% (4 of 5)",
        "100% (5 of 5)",
        "–",
    ]
    assert _cells(chart, "You") == ["0% (0 of 1)", "100% (2 of 2)", "67% (2 of 3)", "–"]
    assert chart.summary == (
        "Week of 16 Nov 2026: you 67% on time, down from 100%; pet 100%, up from 80%."
    )


def test_follower_sees_the_same_rates_with_herself_first(history, follower):
    chart = _insights(history, follower).on_time
    assert [r.label for r in chart.table] == ["You", "Sir"]
    assert _cells(chart, "You") == [
        "50% (2 of 4)",
        "80% (4 of 5)",
        "100% (5 of 5)",
        "–",
    ]


def test_streaks_carry_over_from_before_the_window(history, follower):
    """Robin came in with 2 days (31 Oct, 1 Nov after the miss of 30 Oct):
    3, 4 on 2-3 Nov, reset on 4 Nov, 4 days 9-12 Nov, reset on 13 Nov, then 5
    days 16-20 Nov. Alex came in with 2 days (20 and 21 Oct; two on the 21st
    are one day), reset on 2 Nov, 2 days, then 3 on 16 Nov, reset, 1."""
    chart = _insights(history, follower).streaks
    assert _cells(chart, "You") == ["0", "0", "5", "5"]
    assert _cells(chart, "Sir") == ["0", "2", "1", "1"]
    assert chart.summary == (
        "Days in a row with everything on time: you 5, the longest in these "
        "4 weeks; Sir 1 (longest in these 4 weeks: 3)."
    )


def test_streak_seeds_count_days_since_the_last_slip(history, leader, follower):
    w = _insights(history, leader).window
    seeds = queries.streak_seeds(history.pk, [leader.pk, follower.pk], w, UTC)
    assert seeds == {leader.pk: 2, follower.pk: 2}


def test_checkins_average_only_what_each_may_see(history, leader, follower):
    """Day by day over four weeks. Robin's private stress (10 Nov) and mood
    (11 Nov) are missing from Alex's chart and present in Robin's own."""
    by_alex = {c.slug: c for c in _insights(history, leader).checkins}
    by_robin = {c.slug: c for c in _insights(history, follower).checkins}
    # 10 Nov is the 9th day of the window (index 8).
    assert _cells(by_alex["checkin-mood"], "pet")[8:11] == ["2.0", "–", "–"]
    assert _cells(by_robin["checkin-mood"], "You")[8:11] == ["2.0", "4.0", "–"]
    assert _cells(by_alex["checkin-stress"], "pet")[8:11] == ["–", "2.0", "–"]
    assert _cells(by_robin["checkin-stress"], "You")[8:11] == ["4.0", "2.0", "–"]
    assert _cells(by_alex["checkin-mood"], "You")[8:11] == ["5.0", "–", "4.0"]


def test_three_months_average_checkins_per_week(history, leader, follower):
    """The week of 9 Nov: Alex's mood (5 + 4) / 2; Robin's shared mood 2 for
    Alex, (2 + 4) / 2 for Robin herself."""
    by_alex = {c.slug: c for c in _insights(history, leader, "3m").checkins}
    by_robin = {c.slug: c for c in _insights(history, follower, "3m").checkins}
    week_of_9_nov = by_alex["checkin-mood"].table_head.index("9 Nov")
    assert _cells(by_alex["checkin-mood"], "You")[week_of_9_nov] == "4.5"
    assert _cells(by_alex["checkin-mood"], "pet")[week_of_9_nov] == "2.0"
    assert _cells(by_robin["checkin-mood"], "You")[week_of_9_nov] == "3.0"


def test_incidents_per_week_by_kind_and_how_they_ended(history, leader):
    """Week of 2 Nov: a late and a missed; 9 Nov: a late; 16 Nov: a late and
    a praise. Of the four slips, three resolved, each a different way."""
    insights = _insights(history, leader)
    chart = insights.incidents
    assert _cells(chart, "Late") == ["1", "1", "1", "0"]
    assert _cells(chart, "Missed") == ["1", "0", "0", "0"]
    assert _cells(chart, "Praise") == ["0", "0", "1", "0"]
    assert chart.summary == (
        "4 slips and 1 moment of praise in these 4 weeks; 3 of the slips resolved."
    )
    assert insights.resolutions == [
        ("a consequence", 1, 25), ("forgiven", 1, 25),
        ("made right", 1, 25), ("still open", 1, 25),
    ]  # fmt: skip


def test_decisions_per_month_count_only_the_window(history, leader):
    """28 Oct is before the window; 3, 12 and 20 Nov are in it."""
    chart = _insights(history, leader).decisions
    assert chart.table_head == ["Nov"]
    assert [r.cells for r in chart.table] == [["1"], ["1"], ["1"]]
    assert chart.summary == "3 matters settled in these 4 weeks."


def test_signals_are_marked_on_the_days_they_were_sent(history, leader):
    insights = _insights(history, leader)
    mood = insights.checkins[0]
    assert [m.title for m in mood.markers] == [
        "Red on 5 Nov", "Yellow on 5 Nov", "Yellow on 13 Nov"
    ]  # fmt: skip
    assert insights.signals_summary == (
        "Signals: 1 × red, 2 × yellow — marked ▲ under the time axis."
    )


def test_signals_use_neutral_words_in_discreet_mode(history, leader):
    insights = _insights(history, leader, discreet=True)
    assert "Stop on 5 Nov" in [m.title for m in insights.checkins[0].markers]
    assert insights.people[1].label == "Robin"


def test_the_pause_is_shaded_and_counted(history, leader):
    insights = _insights(history, leader)
    (band,) = insights.on_time.bands
    assert band.title == "Paused (illness) from 6 Nov to 7 Nov"
    assert insights.pauses_summary.startswith("1 pause (1 day in all)")


def test_weeks_follow_the_viewers_time_zone(history, leader):
    """13 Nov 20:00 UTC is Saturday 14 Nov 09:00 in Auckland; 15 Nov 20:00 UTC
    would be Monday 16 Nov there. A Sunday-evening tick in UTC lands in the
    next week for a viewer in Auckland."""
    from duties.models import Duty
    from insights.tests import factories as f

    sunday = datetime(2026, 11, 15, 20, 0, tzinfo=UTC)
    f.occurrence(Duty.objects.get(title="Goodnight call"), sunday, "missed")
    in_utc = _insights(history, leader).on_time
    assert _cells(in_utc, "You")[1:3] == ["67% (2 of 3)", "67% (2 of 3)"]
    leader.time_zone = "Pacific/Auckland"
    leader.save()
    in_auckland = _insights(history, leader).on_time
    assert _cells(in_auckland, "You")[1:3] == ["100% (2 of 2)", "50% (2 of 4)"]
    assert in_auckland.table_head[0] == "2 Nov"


def test_a_planned_pause_cancelled_midway_is_shaded_until_it_was_cancelled(
    history, leader, follower
):
    from duties.models import ScheduledPause
    from insights.tests.conftest import at

    common = {"dynamic": history, "created_by": follower, "created_at": at(10)}
    ScheduledPause.objects.create(
        **common,
        reason="travel",
        starts_at=at(12, hour=0),
        ends_at=at(15, hour=0),
        cancelled_at=at(13, hour=0),
    )
    # Cancelled before it began: it never stopped a clock.
    ScheduledPause.objects.create(
        **common,
        reason="family",
        starts_at=at(18, hour=0),
        ends_at=at(19, hour=0),
        cancelled_at=at(17, hour=0),
    )
    insights = _insights(history, leader)
    titles = [band.title for band in insights.on_time.bands]
    assert titles == [
        "Paused (illness) from 6 Nov to 7 Nov",
        "Paused (travel) from 12 Nov to 13 Nov",
    ]
    assert insights.pauses_summary.startswith("2 pauses (2 days in all)")


def test_overview_costs_nine_queries_after_the_gate(
    history, leader, django_assert_num_queries
):
    """docs/insights.md lists the nine; the partner comes with the gate."""
    me = membership_or_404(leader, history.pk)
    with django_assert_num_queries(9):
        queries.overview(me, "1y", NOW, discreet=False)


def test_week_costs_six_queries_after_the_gate(
    history, leader, django_assert_num_queries
):
    """The weekly review's small charts (docs/insights.md)."""
    me = membership_or_404(leader, history.pk)
    with django_assert_num_queries(6):
        queries.week(me, datetime(2026, 11, 16).date(), NOW, discreet=False)
