"""The honest clock: schedules across DST and travel, statuses, countdowns."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from duties import clock
from duties.clock import Interval, OccurrenceTimes, Recurrence, Status

H = timedelta(hours=1)
M = timedelta(minutes=1)
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _local(slots, zone):
    return [s.due_at.astimezone(ZoneInfo(zone)) for s in slots]


def _daily(at: str, starts_on=date(2026, 1, 1), window=H) -> Recurrence:
    return Recurrence(
        rule="FREQ=DAILY", starts_on=starts_on, at=time.fromisoformat(at), window=window
    )


# --- expansion across DST --------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "first", "last"),
    [
        ("Europe/London", datetime(2026, 3, 27), datetime(2026, 4, 1)),
        ("Europe/London", datetime(2026, 10, 23), datetime(2026, 10, 28)),
        ("America/New_York", datetime(2026, 3, 6), datetime(2026, 3, 11)),
        ("America/New_York", datetime(2026, 10, 30), datetime(2026, 11, 4)),
        ("Australia/Lord_Howe", datetime(2026, 4, 3), datetime(2026, 4, 8)),
        ("Australia/Lord_Howe", datetime(2026, 10, 2), datetime(2026, 10, 7)),
    ],
)
def test_seven_oclock_ritual_stays_at_seven_local_across_dst(zone, first, last):
    tz = ZoneInfo(zone)
    slots = clock.expand(
        _daily("07:00"), zone, first.replace(tzinfo=tz), last.replace(tzinfo=tz)
    )
    assert [d.time() for d in _local(slots, zone)] == [time(7, 0)] * 5
    # Across the change the UTC gap between two occurrences is not 24 h.
    gaps = {b.due_at - a.due_at for a, b in zip(slots, slots[1:], strict=False)}
    assert len(gaps) == 2


def test_ritual_in_skipped_london_hour_moves_forward_by_the_jump():
    slots = clock.expand(
        _daily("01:30"),
        "Europe/London",
        datetime(2026, 3, 28, tzinfo=UTC),
        datetime(2026, 3, 31, tzinfo=UTC),
    )
    local = _local(slots, "Europe/London")
    assert [d.strftime("%d %H:%M %Z") for d in local] == [
        "28 01:30 GMT",
        "29 02:30 BST",  # 01:30 did not exist that night
        "30 01:30 BST",
    ]


def test_ritual_in_repeated_new_york_hour_takes_the_first():
    slots = clock.expand(
        _daily("01:30"),
        "America/New_York",
        datetime(2026, 11, 1, 0, tzinfo=UTC),
        datetime(2026, 11, 2, 0, tzinfo=UTC),
    )
    assert len(slots) == 1
    assert slots[0].due_at == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # EDT, -4


def test_lord_howe_half_hour_jump_moves_a_skipped_time_forward_thirty_minutes():
    tz = ZoneInfo("Australia/Lord_Howe")
    slots = clock.expand(
        _daily("02:15"),
        "Australia/Lord_Howe",
        datetime(2026, 10, 3, tzinfo=tz),
        datetime(2026, 10, 6, tzinfo=tz),
    )
    local = _local(slots, "Australia/Lord_Howe")
    assert [d.strftime("%d %H:%M") for d in local] == [
        "03 02:15",
        "04 02:45",
        "05 02:15",
    ]
    assert slots[1].due_at - slots[0].due_at == timedelta(hours=23, minutes=60)


def test_lord_howe_repeated_half_hour_takes_the_first():
    tz = ZoneInfo("Australia/Lord_Howe")
    slots = clock.expand(
        _daily("01:45"),
        "Australia/Lord_Howe",
        datetime(2026, 4, 5, tzinfo=tz),
        datetime(2026, 4, 6, tzinfo=tz),
    )
    # +11:00: the first of the two 01:45s that night.
    assert slots[0].due_at == datetime(2026, 4, 4, 14, 45, tzinfo=UTC)


def test_window_opens_before_due_in_real_time_across_the_jump():
    slots = clock.expand(
        _daily("03:00", window=2 * H),
        "Europe/London",
        datetime(2026, 3, 29, tzinfo=UTC),
        datetime(2026, 3, 30, tzinfo=UTC),
    )
    assert slots[0].due_at - slots[0].opens_at == 2 * H


def test_leap_day_monthly_on_the_29th_and_yearly_on_feb_29():
    start = datetime(2027, 1, 1, tzinfo=UTC)
    end = datetime(2029, 1, 1, tzinfo=UTC)
    monthly = Recurrence(
        rule=clock.monthly_rule(29), starts_on=date(2027, 1, 1), at=time(8)
    )
    feb = [
        s.local.date()
        for s in clock.expand(monthly, "UTC", start, end)
        if s.local.month == 2
    ]
    assert feb == [date(2028, 2, 29)]  # 2027 has no 29 February
    yearly = Recurrence(
        rule="FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
        starts_on=date(2024, 2, 29),
        at=time(8),
    )
    got = clock.expand(yearly, "UTC", datetime(2024, 1, 1, tzinfo=UTC), end)
    assert [s.local.date() for s in got] == [date(2024, 2, 29), date(2028, 2, 29)]


def test_daily_ritual_includes_the_leap_day():
    slots = clock.expand(
        _daily("07:00"),
        "Europe/London",
        datetime(2028, 2, 28, tzinfo=UTC),
        datetime(2028, 3, 2, tzinfo=UTC),
    )
    assert [s.local.day for s in slots] == [28, 29, 1]


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=HOURLY",
        "FREQ=DAILY;BYHOUR=7",
        "nonsense",
        "",
        "FREQ=DAILY;UNTIL=20270101T000000Z",
    ],
)
def test_rules_that_set_their_own_time_or_are_invalid_are_refused(rule):
    with pytest.raises(ValueError):
        clock.check_rule(rule)


def test_rule_builders_make_valid_rules():
    for rule in (
        clock.daily_rule(),
        clock.weekdays_rule(),
        clock.weekly_rule(["SU", "MO"]),
        clock.monthly_rule(-1),
    ):
        assert clock.check_rule(rule) == rule
    assert clock.weekly_rule(["SU", "MO"]) == "FREQ=WEEKLY;BYDAY=MO,SU"


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=DAILY", "Every day"),
        ("FREQ=DAILY;INTERVAL=3", "Every 3 days"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "Weekdays"),
        ("FREQ=WEEKLY;BYDAY=TH,MO", "Every Monday and Thursday"),
        ("FREQ=WEEKLY;BYDAY=MO,WE,FR", "Every Monday, Wednesday and Friday"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=SA", "Every 2 weeks on Saturday"),
        ("FREQ=MONTHLY;BYMONTHDAY=1", "Every month on the 1st"),
        ("FREQ=MONTHLY;BYMONTHDAY=12", "Every month on the 12th"),
        ("FREQ=MONTHLY;BYMONTHDAY=22", "Every month on the 22nd"),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", "Every month on the last day"),
        ("FREQ=YEARLY", "Every year"),
        ("FREQ=DAILY;UNTIL=20271231", "Every day, until 31 Dec 2027"),
        # What it cannot say for sure it shows as written, never wrongly.
        ("FREQ=MONTHLY;BYDAY=1MO", "FREQ=MONTHLY;BYDAY=1MO"),
        ("FREQ=DAILY;COUNT=5", "FREQ=DAILY;COUNT=5"),
        ("FREQ=MONTHLY;BYMONTHDAY=1,15", "FREQ=MONTHLY;BYMONTHDAY=1,15"),
    ],
)
def test_a_rule_is_said_in_words(rule, words):
    assert clock.rule_in_words(rule) == words


def test_recurring_sunday_pause_is_ten_to_eight_local_in_summer_and_winter():
    ivs = clock.recurring_intervals(
        "FREQ=WEEKLY;BYDAY=SU",
        starts_on=date(2026, 1, 1),
        at=time(10),
        length=10 * H,
        zone="Europe/London",
        start=datetime(2026, 10, 17, tzinfo=UTC),
        end=datetime(2026, 11, 2, tzinfo=UTC),
    )
    assert [iv.start for iv in ivs] == [
        datetime(2026, 10, 18, 9, tzinfo=UTC),  # BST
        datetime(2026, 10, 25, 10, tzinfo=UTC),  # GMT from that very night
        datetime(2026, 11, 1, 10, tzinfo=UTC),
    ]


# --- statuses -------------------------------------------------------------------


def _occ(**kw) -> OccurrenceTimes:
    base = {"opens_at": T0, "due_at": T0 + 4 * H, "grace": 30 * M}
    return OccurrenceTimes(**{**base, **kw})


@pytest.mark.parametrize(
    ("at", "status"),
    [
        (-M, Status.UPCOMING),
        (timedelta(0), Status.OPEN),
        (3 * H - M, Status.OPEN),
        (3 * H, Status.DUE_SOON),
        (4 * H + 29 * M, Status.DUE_SOON),  # in the grace
        (4 * H + 30 * M, Status.LATE),
        (28 * H - M, Status.LATE),
        (28 * H, Status.MISSED),  # 24 h after due: too late to tick
    ],
)
def test_status_moves_through_the_day(at, status):
    assert clock.occurrence_status(_occ(), [], T0 + at) is status


def test_done_in_grace_is_done_and_after_it_is_done_late():
    assert (
        clock.occurrence_status(_occ(done_at=T0 + 4 * H + 30 * M), [], T0)
        is Status.DONE
    )
    late = _occ(done_at=T0 + 4 * H + 31 * M)
    assert clock.occurrence_status(late, [], T0 + 30 * H) is Status.DONE_LATE


def test_ritual_due_inside_a_pause_is_excused_but_a_task_is_not():
    pause = [Interval(T0 + 3 * H, T0 + 5 * H)]
    assert clock.occurrence_status(_occ(), pause, T0 + 6 * H) is Status.EXCUSED
    task = _occ(excusable=False)
    assert clock.occurrence_status(task, pause, T0 + 6 * H) is Status.DUE_SOON


def test_pause_overlapping_the_deadline_pushes_it_by_the_paused_part():
    # A task is not excused by the pause: its deadline moves by the paused part.
    task = _occ(excusable=False, grace=timedelta(0))
    pause = [Interval(T0 + 3 * H, T0 + 5 * H)]
    assert clock.effective_deadline(task, pause) == T0 + 6 * H
    assert clock.occurrence_status(task, pause, T0 + 5 * H + 59 * M) is Status.DUE_SOON
    assert clock.occurrence_status(task, pause, T0 + 6 * H) is Status.LATE


def test_pause_starting_in_the_grace_freezes_it():
    ritual = _occ()  # due at +4h, grace to +4h30
    pause = [Interval(T0 + 4 * H + 10 * M, T0 + 6 * H)]
    assert clock.occurrence_status(ritual, pause, T0 + 5 * H) is Status.DUE_SOON
    assert (
        clock.occurrence_status(ritual, pause, T0 + 6 * H + 19 * M) is Status.DUE_SOON
    )
    assert clock.occurrence_status(ritual, pause, T0 + 6 * H + 20 * M) is Status.LATE


def test_open_ended_pause_excuses_a_ritual_only_once_its_due_time_comes():
    ritual = _occ()
    red = [Interval(T0 + H)]
    assert clock.occurrence_status(ritual, red, T0 + 2 * H) is Status.OPEN
    assert clock.countdown(ritual, red, T0 + 2 * H).frozen
    assert clock.occurrence_status(ritual, red, T0 + 4 * H) is Status.EXCUSED


def test_open_ended_illness_pause_holds_everything():
    task = _occ(excusable=False)
    pause = [Interval(T0 + H)]
    for later in (2 * H, 30 * H, 300 * H):
        assert clock.occurrence_status(task, pause, T0 + later) is Status.OPEN
    assert clock.effective_deadline(task, pause) is None
    assert clock.countdown(task, pause, T0 + 300 * H).deadline is None


def test_task_paused_with_two_hours_left_resumes_with_two_hours_left():
    task = _occ(excusable=False)  # due in 4 h
    red = [Interval(T0 + 2 * H, T0 + 7 * H)]
    at_pause = clock.countdown(task, red, T0 + 2 * H)
    assert at_pause.left == 2 * H and at_pause.frozen
    assert clock.countdown(task, red, T0 + 5 * H).left == 2 * H
    after = clock.countdown(task, red, T0 + 7 * H)
    assert after.left == 2 * H and not after.frozen
    assert after.deadline == T0 + 9 * H
    assert clock.countdown(task, red, T0 + 8 * H).left == H


def test_forgot_to_tick_window_and_late_flag():
    ritual = _occ()
    assert clock.may_tick(ritual, [], T0 + 27 * H)
    assert not clock.may_tick(ritual, [], T0 + 28 * H)
    assert not clock.may_tick(ritual, [], T0 - M)
    assert clock.is_marked_late(ritual, [], T0 + 5 * H)
    assert not clock.is_marked_late(ritual, [], T0 + 4 * H)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        clock.occurrence_status(_occ(), [], datetime(2026, 1, 1))
    with pytest.raises(ValueError):
        Interval(datetime(2026, 1, 1))


def test_merge_joins_overlapping_and_open_ended_pauses():
    merged = clock.merge(
        [
            Interval(T0 + 2 * H, T0 + 3 * H),
            Interval(T0, T0 + 2 * H),
            Interval(T0 + 5 * H),
        ]
    )
    assert merged == [Interval(T0, T0 + 3 * H), Interval(T0 + 5 * H)]
    assert clock.paused_time(merged, T0, T0 + 6 * H) == 4 * H


# --- properties ------------------------------------------------------------

minutes = st.integers(min_value=0, max_value=60 * 24 * 4)


@st.composite
def occurrences(draw):
    opens = T0 + M * draw(st.integers(0, 60 * 24))
    due = opens + M * draw(st.integers(0, 60 * 24 * 2))
    grace = M * draw(st.integers(0, 180))
    return OccurrenceTimes(
        opens_at=opens, due_at=due, grace=grace, excusable=draw(st.booleans())
    )


@st.composite
def pause_sets(draw):
    pauses = []
    for _ in range(draw(st.integers(0, 4))):
        start = T0 + M * draw(minutes)
        if draw(st.integers(0, 5)) == 0:
            pauses.append(Interval(start))
        else:
            pauses.append(Interval(start, start + M * draw(st.integers(1, 60 * 30))))
    return pauses


BAD = {Status.LATE, Status.MISSED, Status.DONE_LATE}
RANK = {s: i for i, s in enumerate(clock.PROGRESSION)}


@settings(max_examples=300, deadline=None)
@given(occurrences(), pause_sets(), minutes)
def test_paused_time_never_makes_anything_late(occ, pauses, at):
    now = T0 + M * at
    with_pauses = clock.occurrence_status(occ, pauses, now)
    without = clock.occurrence_status(occ, [], now)
    if with_pauses in BAD:
        assert without in BAD
        assert RANK[with_pauses] <= RANK[without]
    # And the time that made it late lies outside every pause.
    if with_pauses in {Status.LATE, Status.MISSED}:
        unpaused = clock.running_time(pauses, occ.opens_at, now)
        assert unpaused >= occ.budget_with_grace


@settings(max_examples=300, deadline=None)
@given(occurrences(), pause_sets(), minutes, minutes)
def test_status_is_monotone_in_time_outside_pauses(occ, pauses, a, b):
    t1, t2 = sorted((T0 + M * a, T0 + M * b))
    s1 = clock.occurrence_status(occ, pauses, t1)
    s2 = clock.occurrence_status(occ, pauses, t2)
    if s1 is Status.EXCUSED:
        assert s2 is Status.EXCUSED
    elif s2 is not Status.EXCUSED:  # excused can follow anything not done
        assert RANK[s1] <= RANK[s2]


@settings(max_examples=200, deadline=None)
@given(occurrences(), pause_sets(), minutes, minutes)
def test_status_stands_still_inside_a_pause(occ, pauses, a, b):
    t1, t2 = sorted((T0 + M * a, T0 + M * b))
    merged = clock.merge(pauses)
    if t1 >= occ.opens_at and any(p.covers(t1) and p.covers(t2) for p in merged):
        s1 = clock.occurrence_status(occ, pauses, t1)
        s2 = clock.occurrence_status(occ, pauses, t2)
        # Only a due time passing inside a running pause changes it: excused.
        assert s1 is s2 or s2 is Status.EXCUSED
        assert (
            clock.countdown(occ, pauses, t1).left
            == clock.countdown(occ, pauses, t2).left
        )


@settings(max_examples=200, deadline=None)
@given(occurrences(), pause_sets(), minutes)
def test_countdown_deadline_is_when_time_left_reaches_zero(occ, pauses, at):
    now = T0 + M * at
    cd = clock.countdown(occ, pauses, now)
    if cd.deadline is not None and now >= occ.opens_at:
        assert clock.countdown(occ, pauses, cd.deadline).left == timedelta(0)


zones = st.sampled_from(
    ["Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"]
)


@settings(max_examples=100, deadline=None)
@given(
    zones,
    st.sampled_from(
        ["FREQ=DAILY", "FREQ=WEEKLY;BYDAY=MO,WE,SU", "FREQ=MONTHLY;BYMONTHDAY=-1"]
    ),
    st.times(),
    st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
    st.integers(1, 90),
)
def test_expansion_is_deterministic_ordered_and_local(zone, rule, at, day, days):
    rec = Recurrence(rule=rule, starts_on=day, at=at.replace(microsecond=0), window=H)
    start = datetime.combine(day, time(0), tzinfo=UTC)
    end = start + timedelta(days=days)
    first = clock.expand(rec, zone, start, end)
    assert first == clock.expand(rec, zone, start, end)
    assert [s.due_at for s in first] == sorted({s.due_at for s in first})
    # Splitting the window changes nothing.
    mid = start + (end - start) / 2
    assert (
        clock.expand(rec, zone, start, mid) + clock.expand(rec, zone, mid, end) == first
    )
    tz = ZoneInfo(zone)
    for slot in first:
        if clock.local_exists(slot.local, tz):
            assert slot.due_at.astimezone(tz).replace(tzinfo=None) == slot.local
        else:
            assert slot.due_at.astimezone(tz).replace(tzinfo=None) > slot.local


# Who a stop stops, and authority lapses over time ------------------------------


def test_context_stops_only_duties_linked_to_that_context():
    t0 = datetime(2026, 3, 1, 9, tzinfo=UTC)
    stops = clock.PauseSet(
        contexts=(
            clock.Stop(
                clock.Interval(t0, t0 + timedelta(hours=2)),
                clock.Cause.CONTEXT,
                clock.context_key("The  Children are home"),
            ),
        )
    )
    assert stops.intervals_for("the children are home") == [
        clock.Interval(t0, t0 + timedelta(hours=2))
    ]
    assert stops.intervals_for("") == [] and stops.intervals_for("at work") == []
    occ = clock.OccurrenceTimes(t0 - timedelta(hours=1), t0 + timedelta(hours=1))
    cause = stops.excuse(occ, t0, "the children are home")
    assert cause is not None and cause.cause is clock.Cause.CONTEXT


def test_lapses_stop_only_imposed_duties():
    t0 = datetime(2026, 3, 1, 9, tzinfo=UTC)
    lapse = clock.Stop(clock.Interval(t0, None), clock.Cause.LAPSE, "leader_absent")
    stops = clock.PauseSet(lapses=(lapse,))
    assert stops.intervals_for(imposed=False) == []
    assert stops.stop_at(t0, imposed=True) == lapse


def test_review_lapse_runs_from_the_local_midnight_after_until_re_signed():
    signed = datetime(2026, 1, 1, tzinfo=UTC)
    renewed = datetime(2026, 3, 10, 18, tzinfo=UTC)
    stops = clock.lapse_stops(
        [
            clock.SignedVersion(signed, date(2026, 3, 1)),
            clock.SignedVersion(renewed, date(2026, 6, 1)),
        ],
        zone="Europe/London",
        leader_last_seen=None,
        absence_days=14,
        now=datetime(2026, 4, 1, tzinfo=UTC),
    )
    assert stops == [
        clock.Stop(
            clock.Interval(datetime(2026, 3, 2, tzinfo=UTC), renewed),
            clock.Cause.LAPSE,
            "review_passed",
        )
    ]


def test_a_lapse_that_has_not_begun_is_not_there():
    stops = clock.lapse_stops(
        [clock.SignedVersion(datetime(2026, 1, 1, tzinfo=UTC), date(2026, 3, 1))],
        zone="Australia/Lord_Howe",
        leader_last_seen=date(2026, 2, 20),
        absence_days=14,
        now=datetime(2026, 2, 25, tzinfo=UTC),
    )
    assert stops == []


def test_absence_lapse_starts_the_midnight_after_the_agreed_days_open_ended():
    stops = clock.lapse_stops(
        [clock.SignedVersion(datetime(2026, 1, 1, tzinfo=UTC), date(2026, 12, 1))],
        zone="America/New_York",
        leader_last_seen=date(2026, 2, 1),
        absence_days=7,
        now=datetime(2026, 2, 20, tzinfo=UTC),
    )
    start = datetime(2026, 2, 9, 5, tzinfo=UTC)  # midnight in New York (EST)
    assert stops == [
        clock.Stop(clock.Interval(start, None), clock.Cause.LAPSE, "leader_absent")
    ]


@settings(max_examples=300, deadline=None)
@given(occurrences(), pause_sets(), pause_sets(), minutes, st.booleans())
def test_a_context_or_lapse_on_top_of_pauses_never_makes_anything_later(
    occ, common, extra, at, as_lapse
):
    """A duty linked to a context (or imposed, in a lapse) is judged with more
    stops than one that is not: it can only be as late as the other, or less."""
    now = T0 + M * at
    kind = clock.Cause.LAPSE if as_lapse else clock.Cause.CONTEXT
    stops = clock.PauseSet(
        common=tuple(clock.Stop(iv, clock.Cause.PAUSE) for iv in common),
        contexts=tuple(clock.Stop(iv, kind, "children home") for iv in extra)
        if not as_lapse
        else (),
        lapses=tuple(clock.Stop(iv, kind) for iv in extra) if as_lapse else (),
    )
    plain = clock.occurrence_status(occ, stops.intervals_for(), now)
    linked = clock.occurrence_status(
        occ, stops.intervals_for("Children  home", imposed=True), now
    )
    if linked in BAD:
        assert plain in BAD
        assert RANK[linked] <= RANK[plain]
