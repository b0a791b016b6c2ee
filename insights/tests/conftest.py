"""A small hand-counted history: the numbers behind each chart are in the
test docstrings, worked out by hand from this table.

Now is Monday 23 November 2026, 09:00 UTC; both partners live in UTC. The
four-week window is the weeks of 2, 9, 16 and 23 November.

Robin (follower), evening tidy at 20:00:
  30 Oct missed, 31 Oct on time, 1 Nov on time            (before the window)
  week of 2 Nov:  2 on time, 3 on time, 4 late, 5 missed, 6 excused
  week of 9 Nov:  9, 10, 11, 12 on time, 13 late
  week of 16 Nov: 16 to 20 on time
Alex (leader), goodnight call at 20:00:
  20 Oct on time, 21 Oct on time twice                    (before the window)
  week of 2 Nov:  2 missed
  week of 9 Nov:  9 on time, 10 on time
  week of 16 Nov: 16 on time, 17 late, 18 on time
"""

from datetime import UTC, date, datetime, time

import pytest

from insights.tests import factories as f

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def at(day: int, month: int = 11, hour: int = 20) -> datetime:
    return datetime.combine(date(2026, month, day), time(hour), tzinfo=UTC)


@pytest.fixture
def history(dynamic, leader, follower):
    robin = f.duty(dynamic, follower, title="Evening tidy")
    alex = f.duty(dynamic, leader, title="Goodnight call")
    for when, outcome in [
        (at(30, 10), "missed"), (at(31, 10), "on_time"), (at(1), "on_time"),
        (at(2), "on_time"), (at(3), "on_time"), (at(4), "late"), (at(5), "missed"),
        (at(6), "excused"),
        (at(9), "on_time"), (at(10), "on_time"), (at(11), "on_time"),
        (at(12), "on_time"), (at(13), "late"),
        *[(at(d), "on_time") for d in range(16, 21)],
    ]:  # fmt: skip
        f.occurrence(robin, when, outcome)
    for when, outcome in [
        (at(20, 10), "on_time"), (at(21, 10), "on_time"),
        (at(21, 10, hour=8), "on_time"),
        (at(2), "missed"), (at(9), "on_time"), (at(10), "on_time"),
        (at(16), "on_time"), (at(17), "late"), (at(18), "on_time"),
    ]:  # fmt: skip
        f.occurrence(alex, when, outcome)
    # Check-ins: Robin keeps one answer private each day.
    f.checkin(dynamic, follower, date(2026, 11, 10), mood=2, stress=4,
              private=("stress",))  # fmt: skip
    f.checkin(dynamic, follower, date(2026, 11, 11), mood=4, stress=2,
              private=("mood",))  # fmt: skip
    f.checkin(dynamic, leader, date(2026, 11, 10), mood=5, stress=1)
    f.checkin(dynamic, leader, date(2026, 11, 12), mood=4, stress=2)
    # Incidents: the slips above, as conduct recorded and resolved them.
    f.incident(dynamic, follower, at(4), source="late", resolution="forgiven")
    f.incident(dynamic, follower, at(5), source="missed", resolution="consequence")
    f.incident(dynamic, follower, at(13), source="late")
    f.incident(dynamic, leader, at(17), source="late", resolution="made_right")
    f.incident(dynamic, follower, at(18), source="praise", resolution="celebrated")
    # Signals, one pause, decisions.
    f.signal(dynamic, follower, at(5, hour=21), "yellow")
    f.signal(dynamic, follower, at(5, hour=22), "red")
    f.signal(dynamic, follower, at(13, hour=21), "yellow")
    f.pause(dynamic, follower, at(6, hour=0), at(7, hour=0))
    f.decision(dynamic, leader, at(28, 10))
    f.decision(dynamic, leader, at(3))
    f.decision(dynamic, leader, at(12), "declined")
    f.decision(dynamic, follower, at(20), "accepted")
    return dynamic
