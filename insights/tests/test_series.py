"""The pure part: windows, buckets, streaks, geometry and the summaries."""

from datetime import UTC, date, datetime, timedelta

from insights import series
from insights.series import DayOutcomes, Person

MONDAY = date(2026, 11, 23)
YOU = Person(1, "You", "you", "a")
PET = Person(2, "pet", "pet", "b")


def test_four_weeks_end_with_the_current_week_and_start_on_a_monday():
    w = series.window_for("4w", date(2026, 11, 25), date(2020, 1, 1))
    assert (w.start, w.end, w.grain) == (date(2026, 11, 2), date(2026, 11, 30), "week")
    assert series.buckets(w.start, w.end, w.grain) == [
        date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23)
    ]  # fmt: skip


def test_unknown_range_falls_back_to_three_months():
    w = series.window_for("forever", MONDAY, date(2020, 1, 1))
    assert w.key == "3m" and (w.end - w.start).days == 13 * 7


def test_all_of_three_years_is_drawn_month_by_month():
    w = series.window_for("all", MONDAY, date(2023, 11, 20))
    assert (w.start, w.end, w.grain) == (date(2023, 11, 1), date(2026, 12, 1), "month")
    assert len(series.buckets(w.start, w.end, w.grain)) == 37


def test_all_of_a_few_months_stays_week_by_week():
    w = series.window_for("all", MONDAY, date(2026, 9, 3))
    assert (w.start, w.grain) == (date(2026, 8, 31), "week")


def test_streak_resets_on_a_slip_and_ignores_days_with_nothing_counted():
    days = [MONDAY + timedelta(i) for i in range(6)]
    by_day = {
        days[0]: DayOutcomes(days[0], 1, on_time=1),
        days[1]: DayOutcomes(days[1], 1, on_time=2, late=1),
        days[2]: DayOutcomes(days[2], 1, on_time=1),
        days[3]: DayOutcomes(days[3], 1, excused=1),
        days[5]: DayOutcomes(days[5], 1, on_time=1),
    }
    assert series.running_streak(days, by_day, seed=4) == [5, 0, 1, 1, 1, 2]


def test_on_time_rate_per_week_compares_the_last_two_weeks():
    w = series.window_for("4w", MONDAY, date(2020, 1, 1))
    rows = [
        DayOutcomes(date(2026, 11, 10), 1, on_time=7, late=2),  # 78%
        DayOutcomes(date(2026, 11, 17), 1, on_time=11, missed=1),  # 92%
        DayOutcomes(date(2026, 11, 18), 2, on_time=3, excused=4),  # 100%
    ]
    chart = series.on_time_chart(w, [YOU, PET], rows, [])
    assert (
        chart.summary == "Week of 16 Nov 2026: you 92% on time, up from 78%; pet 100%."
    )
    assert [r.cells for r in chart.table] == [
        ["–", "78% (7 of 9)", "92% (11 of 12)", "–"],
        ["–", "–", "100% (3 of 3)", "–"],
    ]
    # A line with a gap where nothing was due: two dots, one segment.
    assert len(chart.lines[0].dots) == 2 and len(chart.lines[0].paths) == 1


def test_this_week_is_named_as_such():
    w = series.window_for("4w", MONDAY, date(2020, 1, 1))
    rows = [
        DayOutcomes(date(2026, 11, 17), 1, on_time=1, late=1),
        DayOutcomes(MONDAY, 1, on_time=1),
    ]
    chart = series.on_time_chart(w, [YOU], rows, [])
    assert chart.summary == "This week: you 100% on time, up from 50%."


def test_nothing_due_says_so():
    w = series.window_for("4w", MONDAY, date(2020, 1, 1))
    chart = series.on_time_chart(w, [YOU, PET], [], [])
    assert chart.empty and chart.summary == "Nothing was due in these 4 weeks."


def test_a_percentage_is_drawn_from_the_bottom_to_the_top_of_the_plot():
    w = series.window_for("4w", MONDAY, date(2020, 1, 1))
    rows = [
        DayOutcomes(date(2026, 11, 3), 1, on_time=1),
        DayOutcomes(date(2026, 11, 10), 1, missed=1),
    ]
    (line,) = series.on_time_chart(w, [YOU], rows, []).lines
    (x100, y100), (x0, y0) = line.dots
    assert y100 == series.TOP and y0 == series.TOP + series.PLOT_H
    assert abs((x0 - x100) - series.PLOT_W / 4) < 0.2  # one week apart


def test_a_pause_is_shaded_over_the_days_it_lasted():
    w = series.week_window(MONDAY, MONDAY)
    bs = series.buckets(w.start, w.end, "day")
    start, end = datetime(2026, 11, 24, tzinfo=UTC), datetime(2026, 11, 26, tzinfo=UTC)
    (band,) = series.pause_bands(
        [(start, end, "illness")], bs, "day", UTC, datetime(2026, 11, 30, tzinfo=UTC)
    )
    day = series.PLOT_W / 7
    assert band.x == round(series.LEFT + day, 1) and band.width == round(2 * day, 1)
    assert band.title == "Paused (illness) from 24 Nov to 26 Nov"


def test_incidents_stack_by_kind_and_the_summary_says_how_they_ended():
    w = series.window_for("4w", MONDAY, date(2020, 1, 1))
    rows = [
        series.IncidentRow(date(2026, 11, 2), "late", "forgiven", 2),
        series.IncidentRow(date(2026, 11, 2), "missed", "", 1),
        series.IncidentRow(date(2026, 11, 9), "praise", "celebrated", 1),
        series.IncidentRow(date(2026, 11, 9), "missed", "made_right", 1),
    ]
    chart = series.incident_chart(w, rows, [])
    assert chart.summary == (
        "4 slips and 1 moment of praise in these 4 weeks; "
        "3 of the slips resolved, most often forgiven (2)."
    )
    first_week = [r for r in chart.rects if r.x < series.LEFT + series.PLOT_W / 4]
    assert [r.css for r in first_week] == ["f-late", "f-missed"]
    assert first_week[0].height == 2 * first_week[1].height
    assert series.resolution_rows(rows) == [
        ("forgiven", 2, 50), ("made right", 1, 25), ("still open", 1, 25)
    ]  # fmt: skip


def test_decisions_are_counted_per_month():
    w = series.window_for("3m", MONDAY, date(2020, 1, 1))
    rows = [
        series.DecisionRow(date(2026, 10, 1), "decided", 2),
        series.DecisionRow(date(2026, 11, 1), "declined", 1),
        series.DecisionRow(date(2026, 11, 1), "accepted", 2),
    ]
    chart = series.decision_chart(w, rows)
    assert chart.table_head == ["Aug", "Sep", "Oct", "Nov"]
    assert chart.summary == (
        "5 matters settled in these 3 months; 3 this month, 2 the month before."
    )
