"""The decide-by clock: pure functions, paused time never counts."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from talk.deadline import (
    DeadlineState,
    Interval,
    deadline,
    effective_due,
    running_time,
)

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)


def test_without_pauses_the_deadline_is_the_decide_by_date():
    state = deadline(T0, T0 + 24 * H, None, [], T0 + 2 * H)
    assert state.state is DeadlineState.RUNNING
    assert state.due == T0 + 24 * H
    assert state.remaining == 22 * H


def test_a_pause_before_the_deadline_moves_it_by_the_paused_time():
    pauses = [Interval(T0 + 2 * H, T0 + 5 * H)]
    assert effective_due(T0, T0 + 24 * H, pauses, T0 + 6 * H) == T0 + 27 * H


def test_a_pause_after_the_deadline_does_not_move_it():
    pauses = [Interval(T0 + 30 * H, T0 + 31 * H)]
    assert effective_due(T0, T0 + 24 * H, pauses, T0 + 40 * H) == T0 + 24 * H


def test_an_open_pause_freezes_the_countdown_with_the_time_it_had_left():
    pauses = [Interval(T0 + 4 * H, None)]
    state = deadline(T0, T0 + 24 * H, None, pauses, T0 + 50 * H)
    assert state.state is DeadlineState.FROZEN
    assert state.due is None
    assert state.remaining == 20 * H


def test_lateness_counts_only_running_time():
    pauses = [Interval(T0 + 30 * H, T0 + 40 * H)]
    state = deadline(T0, T0 + 24 * H, None, pauses, T0 + 45 * H)
    assert state.state is DeadlineState.LATE
    assert state.late_by == 11 * H  # 21 h past, 10 of them paused


def test_decided_in_time_thanks_to_a_pause_is_on_time():
    pauses = [Interval(T0 + 10 * H, T0 + 20 * H)]
    state = deadline(T0, T0 + 24 * H, T0 + 30 * H, pauses, T0 + 50 * H)
    assert state.state is DeadlineState.ON_TIME


def test_decided_late_says_by_how_much():
    state = deadline(T0, T0 + 24 * H, T0 + 26 * H, [], T0 + 50 * H)
    assert state.state is DeadlineState.CLOSED_LATE
    assert state.late_by == 2 * H


def test_no_decide_by_means_no_clock():
    assert deadline(T0, None, None, [], T0).state is DeadlineState.NONE


def test_overlapping_pauses_are_not_subtracted_twice():
    pauses = [Interval(T0 + H, T0 + 3 * H), Interval(T0 + 2 * H, T0 + 4 * H)]
    assert running_time(T0, T0 + 10 * H, pauses, T0 + 10 * H) == 7 * H


hours = st.integers(min_value=0, max_value=200)


@given(
    budget=st.integers(min_value=1, max_value=100),
    spans=st.lists(st.tuples(hours, st.integers(1, 30)), max_size=5),
    at=hours,
)
def test_running_time_until_the_moved_deadline_equals_the_budget(budget, spans, at):
    """Property: the moved deadline leaves exactly the agreed running time."""
    pauses = [Interval(T0 + s * H, T0 + (s + n) * H) for s, n in spans]
    now = T0 + 400 * H  # every pause has ended by now
    due = effective_due(T0, T0 + budget * H, pauses, now)
    assert running_time(T0, due, pauses, now) == budget * H
    state = deadline(T0, T0 + budget * H, None, pauses, T0 + at * H)
    assert state.late_by >= timedelta(0)
    assert (state.state is DeadlineState.LATE) == (
        running_time(T0, T0 + at * H, pauses, T0 + at * H) > budget * H
    )
