"""Turning aggregated rows into chart geometry and plain-language summaries.

Pure functions: no Django, no database. ``insights.queries`` hands them rows
that the database already grouped (per local day, week or month) and gets
back frozen dataclasses that a template draws as SVG without any logic:
every coordinate is computed here, in a fixed viewBox of ``W`` x ``H``.
"""

from __future__ import annotations

import calendar
import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

W, H = 340, 176
LEFT, RIGHT, TOP, BOTTOM = 30, 8, 10, 26
PLOT_W, PLOT_H = W - LEFT - RIGHT, H - TOP - BOTTOM
MAX_LABELS = 6

DAY, WEEK, MONTH = "day", "week", "month"


# Windows and buckets ---------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """The days a page looks at, [start, end), and how they are grouped."""

    key: str
    label: str
    start: date
    end: date
    grain: str  # DAY, WEEK or MONTH
    today: date

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def fine_grain(self) -> str:
        """Check-ins read best per day over a month or less."""
        return DAY if (self.end - self.start).days <= 35 else self.grain


RANGES = {"4w": "4 weeks", "3m": "3 months", "1y": "a year", "all": "all"}
DEFAULT_RANGE = "3m"


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def window_for(key: str, today: date, first_day: date) -> Window:
    """Returns the window of a range key ("4w", "3m", "1y", "all"), ending with
    the current week (or month) and starting on a Monday (or the 1st)."""
    if key not in RANGES:
        key = DEFAULT_RANGE
    end = monday(today) + timedelta(days=7)
    weeks = {"4w": 4, "3m": 13, "1y": 52}
    if key in weeks:
        return Window(
            key, RANGES[key], end - timedelta(weeks=weeks[key]), end, WEEK, today
        )
    start = monday(min(first_day, today))
    if (end - start).days > 7 * 60:
        # Over years a bar per week is thinner than a hairline on a phone.
        start = start.replace(day=1)
        end = add_months(today.replace(day=1), 1)
        return Window(key, RANGES[key], start, end, MONTH, today)
    return Window(key, RANGES[key], start, end, WEEK, today)


def week_window(week_start: date, today: date) -> Window:
    """Returns one Monday-to-Sunday week, day by day (the weekly review)."""
    return Window(
        "week", "this week", week_start, week_start + timedelta(7), DAY, today
    )


def add_months(day: date, n: int) -> date:
    month = day.month - 1 + n
    return date(day.year + month // 12, month % 12 + 1, 1)


def bucket_of(day: date, grain: str) -> date:
    if grain == DAY:
        return day
    if grain == WEEK:
        return monday(day)
    return day.replace(day=1)


def buckets(start: date, end: date, grain: str) -> list[date]:
    """Returns the first day of every bucket in [start, end)."""
    out, b = [], bucket_of(start, grain)
    while b < end:
        out.append(b)
        b = next_bucket(b, grain)
    return out


def next_bucket(b: date, grain: str) -> date:
    if grain == DAY:
        return b + timedelta(days=1)
    if grain == WEEK:
        return b + timedelta(days=7)
    return add_months(b, 1)


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=zone)


# Geometry ---------------------------------------------------------------------


@dataclass(frozen=True)
class Tick:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class Band:
    """A shaded stretch of the time axis (a pause)."""

    x: float
    width: float
    title: str


@dataclass(frozen=True)
class Marker:
    """A signal on the time axis: a small triangle at ``x``."""

    x: float
    kind: str
    title: str
    points: str


@dataclass(frozen=True)
class Line:
    label: str
    css: str
    paths: list[str]  # polylines, broken where there is nothing to draw
    dots: list[tuple[float, float]]


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str


@dataclass(frozen=True)
class LegendItem:
    label: str
    css: str


@dataclass(frozen=True)
class TableRow:
    label: str
    cells: list[str]


@dataclass(frozen=True)
class Chart:
    """Everything a template needs to draw one chart and describe it."""

    slug: str
    title: str
    summary: str
    description: str
    kind: str  # "line" or "bars"
    x_labels: list[Tick]
    y_ticks: list[Tick]
    grid: list[float]
    lines: list[Line] = field(default_factory=list)
    rects: list[Rect] = field(default_factory=list)
    bands: list[Band] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    legend: list[LegendItem] = field(default_factory=list)
    table_head: list[str] = field(default_factory=list)
    table: list[TableRow] = field(default_factory=list)
    empty: bool = False
    width: int = W
    height: int = H
    plot_left: int = LEFT
    plot_right: int = W - RIGHT
    plot_top: int = TOP
    plot_bottom: int = H - BOTTOM
    plot_height: int = PLOT_H
    dot_r: float = 2.4

    def shapes(self) -> Markup:
        """Returns the SVG's drawing (bands, grid, ticks, bars, lines, markers).

        Written here rather than in the template: a year of weekly buckets is
        hundreds of elements, and the template language paid a lookup for each
        attribute of each (most of the insights page's rendering time)."""
        e = _escape
        out: list[str] = []
        top, height = self.plot_top, self.plot_height
        for b in self.bands:
            out.append(
                f'<rect class="band" x="{b.x}" y="{top}" width="{b.width}" '
                f'height="{height}"><title>{e(b.title)}</title></rect>'
            )
        for i, y in enumerate(self.grid):
            base = " base" if i == 0 else ""
            out.append(
                f'<line class="grid{base}" x1="{self.plot_left}" '
                f'x2="{self.plot_right}" y1="{y}" y2="{y}"/>'
            )
        for t in self.y_ticks:
            out.append(
                f'<text class="tick" x="{t.x}" y="{t.y}" text-anchor="end">'
                f"{e(t.text)}</text>"
            )
        for t in self.x_labels:
            out.append(
                f'<text class="tick" x="{t.x}" y="{t.y}" text-anchor="middle">'
                f"{e(t.text)}</text>"
            )
        for r in self.rects:
            out.append(
                f'<rect class="bar {e(r.css)}" x="{r.x}" y="{r.y}" '
                f'width="{r.width}" height="{r.height}" rx="1.5">'
                f"<title>{e(r.title)}</title></rect>"
            )
        for line in self.lines:
            out.append(f'<g class="series {e(line.css)}">')
            out += [f'<polyline class="line" points="{p}"/>' for p in line.paths]
            out += [
                f'<circle class="dot" cx="{x}" cy="{y}" r="{self.dot_r}"/>'
                for x, y in line.dots
            ]
            out.append("</g>")
        for m in self.markers:
            out.append(
                f'<polygon class="marker m-{e(m.kind)}" points="{m.points}">'
                f"<title>{e(m.title)}</title></polygon>"
            )
        return Markup("".join(out))

    def table_body(self) -> Markup:
        """Returns the rows of "The numbers" table (see ``shapes`` for why)."""
        e = _escape
        return Markup(
            "".join(
                f'<tr><th scope="row">{e(row.label)}</th>'
                + "".join(f"<td>{e(c)}</td>" for c in row.cells)
                + "</tr>"
                for row in self.table
            )
        )


class Markup(str):
    """Markup already escaped: templates print it as it is (``__html__`` is
    the protocol Django's escaping honours), without this module importing
    Django."""

    def __html__(self) -> str:
        return self


def _escape(text: object) -> str:
    return html.escape(str(text), quote=True)


def dot_radius(n: int) -> float:
    """Smaller dots when there are many buckets, so lines stay readable."""
    return 2.4 if n <= 31 else 1.7 if n <= 60 else 1.2


def _x(i: float, n: int) -> float:
    return round(LEFT + (i + 0.5) * PLOT_W / max(n, 1), 1)


def _y(value: float, top: float) -> float:
    return round(TOP + PLOT_H - value / top * PLOT_H, 1) if top else TOP + PLOT_H


def short_date(day: date, grain: str) -> str:
    if grain == MONTH:
        return calendar.month_abbr[day.month] + (
            f" {day.year}" if day.month == 1 else ""
        )
    if grain == DAY:
        return f"{calendar.day_abbr[day.weekday()][:2]} {day.day}"
    return f"{day.day} {calendar.month_abbr[day.month]}"


def long_date(day: date, grain: str) -> str:
    if grain == MONTH:
        return f"{calendar.month_name[day.month]} {day.year}"
    if grain == DAY:
        name = calendar.day_name[day.weekday()]
        return f"{name} {day.day} {calendar.month_abbr[day.month]}"
    return f"week of {day.day} {calendar.month_abbr[day.month]} {day.year}"


def x_labels(bs: Sequence[date], grain: str) -> list[Tick]:
    n = len(bs)
    if not n:
        return []
    step = max(1, -(-n // MAX_LABELS))
    return [
        Tick(_x(i, n), H - BOTTOM + 16, short_date(b, grain))
        for i, b in enumerate(bs)
        if i % step == 0
    ]


def nice_top(value: float) -> int:
    """Returns a round axis maximum at or above ``value`` (at least 2)."""
    # Even numbers only: the middle grid line is labelled top // 2.
    for top in (2, 4, 6, 8, 10, 20, 30, 40, 50, 60, 80, 100):
        if value <= top:
            return top
    return int(-(-value // 100) * 100)


def _count_ticks(top: int) -> list[Tick]:
    return [Tick(LEFT - 6, _y(v, top) + 4, str(v)) for v in (0, top // 2, top)]


def time_x(moment: date | datetime, bs: Sequence[date], grain: str) -> float:
    """Returns where a moment falls on the bucket axis (clamped to the plot)."""
    day = moment.date() if isinstance(moment, datetime) else moment
    n = len(bs)
    if not n:
        return LEFT
    if day < bs[0]:
        return LEFT
    end = next_bucket(bs[-1], grain)
    if day >= end:
        return LEFT + PLOT_W
    # Binary search would be quicker; a few hundred buckets at most.
    for i, b in enumerate(bs):
        nb = next_bucket(b, grain)
        if b <= day < nb:
            span = (nb - b).days * 86400
            seconds = (day - b).days * 86400
            if isinstance(moment, datetime):
                seconds += moment.hour * 3600 + moment.minute * 60
            return round(LEFT + (i + seconds / span) * PLOT_W / n, 1)
    return LEFT + PLOT_W


def pause_bands(
    pauses: Iterable[tuple[datetime, datetime | None, str]],
    bs: Sequence[date],
    grain: str,
    zone: ZoneInfo,
    now: datetime,
) -> list[Band]:
    """Returns the shaded stretches for pauses (started, ended or None, reason)."""
    out = []
    for started, ended, reason in pauses:
        a = time_x(started.astimezone(zone), bs, grain)
        b = time_x((ended or now).astimezone(zone), bs, grain)
        # A pause of an hour still shows as a sliver.
        width = max(b - a, 1.5)
        until = f" to {ended.astimezone(zone):%-d %b}" if ended else ", still on"
        out.append(
            Band(round(a, 1), round(width, 1), f"Paused ({reason}) from "
                 f"{started.astimezone(zone):%-d %b}{until}")
        )  # fmt: skip
    return out


def signal_markers(
    signals: Iterable[tuple[date, str, int]],
    bs: Sequence[date],
    grain: str,
    names: Mapping[str, str],
) -> list[Marker]:
    """Returns a triangle under the plot for each day with signals of a kind."""
    out = []
    base = H - BOTTOM
    for day, kind, n in sorted(signals):
        x = time_x(day, bs, grain) + 0.0
        points = f"{x - 4:.1f},{base + 1} {x + 4:.1f},{base + 1} {x:.1f},{base - 6}"
        label = names.get(kind, kind)
        times = f"{n} × " if n > 1 else ""
        out.append(Marker(round(x, 1), kind, f"{times}{label} on {day:%-d %b}", points))
    return out


def _polylines(values: Sequence[float | None], n: int, top: float):
    paths, current, dots = [], [], []
    for i, v in enumerate(values):
        if v is None:
            if current:
                paths.append(current)
            current = []
            continue
        point = (_x(i, n), _y(v, top))
        current.append(point)
        dots.append(point)
    if current:
        paths.append(current)
    return [" ".join(f"{x},{y}" for x, y in p) for p in paths], dots


def pct(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


# People -----------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """One partner as the charts name them: "You" for the viewer."""

    user_id: int
    label: str  # "You", or the partner's title or name
    subject: str  # the label inside a sentence: "you", "pet"
    css: str  # "a" for the viewer, "b" for the partner


# On time ------------------------------------------------------------------------

BREAKS = ("late", "missed")


@dataclass(frozen=True)
class DayOutcomes:
    """How one person's occurrences due on one local day turned out."""

    day: date
    user_id: int
    on_time: int = 0
    late: int = 0
    missed: int = 0
    excused: int = 0

    @property
    def counted(self) -> int:
        # Excused occurrences count neither for nor against (duties.queries).
        return self.on_time + self.late + self.missed


def _period_words(b: date, w: Window, grain: str) -> str:
    """Returns "This week" for the current bucket, else "Week of 3 Nov 2026"."""
    if b == bucket_of(w.today, grain):
        return {DAY: "Today", WEEK: "This week", MONTH: "This month"}[grain]
    words = long_date(b, grain)
    return words[0].upper() + words[1:]


def _trend(now: float, before: float | None, close: float = 0) -> str:
    if before is None:
        return ""
    if now == before:
        return ", the same as"
    if abs(now - before) <= close:
        return ", about the same as"
    return ", up from" if now > before else ", down from"


def _compare(
    values: Sequence[float | None], bs: Sequence[date]
) -> tuple[int | None, int | None]:
    """Returns the indexes of the last two buckets that have a value."""
    have = [i for i, v in enumerate(values) if v is not None]
    last = have[-1] if have else None
    before = have[-2] if len(have) > 1 else None
    return last, before


def on_time_chart(
    w: Window,
    people: Sequence[Person],
    rows: Iterable[DayOutcomes],
    bands: list[Band],
    grain: str | None = None,
) -> Chart:
    """On-time rate per bucket for each partner, on the same axis."""
    grain = grain or w.grain
    bs = buckets(w.start, w.end, grain)
    index = {b: i for i, b in enumerate(bs)}
    n = len(bs)
    tallies = {p.user_id: [[0, 0] for _ in bs] for p in people}  # on time, counted
    for r in rows:
        i = index.get(bucket_of(r.day, grain))
        if i is None or r.user_id not in tallies:
            continue
        tallies[r.user_id][i][0] += r.on_time
        tallies[r.user_id][i][1] += r.counted
    lines, parts, table = [], [], []
    anything = False
    for p in people:
        rates = [pct(t[0], t[1]) for t in tallies[p.user_id]]
        paths, dots = _polylines(rates, n, 100)
        lines.append(Line(p.label, f"s-{p.css}", paths, dots))
        total = sum(t[1] for t in tallies[p.user_id])
        anything = anything or total > 0
        table.append(
            TableRow(
                p.label,
                [
                    f"{r}% ({t[0]} of {t[1]})" if r is not None else "–"
                    for r, t in zip(rates, tallies[p.user_id], strict=True)
                ],
            )
        )
        last, before = _compare(rates, bs)
        if last is None:
            parts.append((None, f"nothing was due for {p.subject}"))
            continue
        if w.key == "week":
            # One week, day by day: the week's total says more than two days.
            on = sum(t[0] for t in tallies[p.user_id])
            word = " on time" if not parts else ""
            parts.append(("In this week", f"{p.subject} {on} of {total}{word} "
                          f"({pct(on, total)}%)"))  # fmt: skip
            continue
        text = f"{p.subject} {rates[last]}%" + (" on time" if not parts else "")
        if before is not None:
            text += f"{_trend(rates[last], rates[before], close=2)} {rates[before]}%"
        parts.append((_period_words(bs[last], w, grain), text))
    summary = _sentence(parts)
    return Chart(
        slug="on-time",
        title="On time",
        summary=summary if anything else f"Nothing was due in {_range_words(w)}.",
        description=(
            "Line chart of the share of duties done on time per "
            f"{grain}, one line per partner, from 0 to 100%. "
            "Shaded stretches are pauses."
        ),
        kind="line",
        dot_r=dot_radius(n),
        x_labels=x_labels(bs, grain),
        y_ticks=[Tick(LEFT - 6, _y(v, 100) + 4, f"{v}%") for v in (0, 50, 100)],
        grid=[_y(v, 100) for v in (0, 50, 100)],
        lines=lines,
        bands=bands,
        legend=[LegendItem(p.label, f"k-{p.css}") for p in people],
        table_head=[short_date(b, grain) for b in bs],
        table=table,
        empty=not anything,
    )


def _range_words(w: Window) -> str:
    return (
        "this week"
        if w.key == "week"
        else f"these {w.label}"
        if w.key != "all"
        else "all this time"
    )


def _lower(words: str) -> str:
    """Lower-cases "This week" or "Week of …" inside a sentence, not "Friday"."""
    if words.startswith(("This", "Today", "Week", "In this")):
        return words[0].lower() + words[1:]
    return words


def _sentence(parts: Sequence[tuple[str | None, str]]) -> str:
    """Joins "(when, text)" parts into one line: "This week: you 92% on time,
    up from 78%; pet 85%, about the same as 86%." A part about another
    period than the first says which."""
    when = next((p[0] for p in parts if p[0]), None)
    texts = [
        text if w in (None, when) else f"{text} ({_lower(w)})" for w, text in parts
    ]
    line = "; ".join(texts)
    line = f"{when}: {line}" if when else line[0].upper() + line[1:]
    return line + "."


# Streaks ----------------------------------------------------------------------


def running_streak(
    days: Sequence[date], by_day: Mapping[date, DayOutcomes], seed: int
) -> list[int]:
    """Returns the streak at the end of each day: days in a row on which
    everything due was on time. A late or missed occurrence resets it; a day
    with nothing counted (nothing due, or excused) neither breaks nor adds."""
    out, streak = [], seed
    for d in days:
        r = by_day.get(d)
        if r is not None and (r.late or r.missed):
            streak = 0
        elif r is not None and r.on_time:
            streak += 1
        out.append(streak)
    return out


def streak_chart(
    w: Window,
    people: Sequence[Person],
    rows: Iterable[DayOutcomes],
    seeds: Mapping[int, int],
    bands: list[Band],
) -> Chart:
    """The running streak of each partner, read at the end of every bucket."""
    grain = w.grain
    bs = buckets(w.start, w.end, grain)
    n = len(bs)
    end = min(w.end, w.today + timedelta(days=1))
    days = [w.start + timedelta(i) for i in range((end - w.start).days)]
    by_person: dict[int, dict[date, DayOutcomes]] = {p.user_id: {} for p in people}
    for r in rows:
        if r.user_id in by_person:
            by_person[r.user_id][r.day] = r
    series, lines, table, parts = {}, [], [], []
    for p in people:
        daily = running_streak(days, by_person[p.user_id], seeds.get(p.user_id, 0))
        at_end: list[float | None] = []
        for b in bs:
            last_day = min(next_bucket(b, grain), end) - timedelta(days=1)
            i = (last_day - w.start).days
            at_end.append(daily[i] if 0 <= i < len(daily) and last_day >= b else None)
        series[p.user_id] = at_end
        current = daily[-1] if daily else seeds.get(p.user_id, 0)
        best = max([seeds.get(p.user_id, 0), *daily])
        table.append(TableRow(p.label, ["–" if v is None else str(v) for v in at_end]))
        text = f"{p.subject} {current}"
        if best > current:
            text += f" (longest in {_range_words(w)}: {best})"
        elif current:
            text += ", the longest in " + _range_words(w)
        parts.append(text)
    top = nice_top(max([v or 0 for s in series.values() for v in s] + [1]))
    for p in people:
        paths, dots = _polylines(series[p.user_id], n, top)
        lines.append(Line(p.label, f"s-{p.css}", paths, dots))
    return Chart(
        slug="streaks",
        title="Streaks",
        summary="Days in a row with everything on time: " + "; ".join(parts) + ".",
        description=(
            "Line chart of each partner's streak: the days in a row with "
            f"everything on time, read at the end of each {grain}. A late or missed "
            "duty brings it back to zero."
        ),
        kind="line",
        dot_r=dot_radius(n),
        x_labels=x_labels(bs, grain),
        y_ticks=_count_ticks(top),
        grid=[_y(v, top) for v in (0, top // 2, top)],
        lines=lines,
        bands=bands,
        legend=[LegendItem(p.label, f"k-{p.css}") for p in people],
        table_head=[short_date(b, grain) for b in bs],
        table=table,
    )


# Check-ins ---------------------------------------------------------------------

MEASURES = {
    "mood": "Mood",
    "energy": "Energy",
    "stress": "Stress",
    "connection": "Connection",
}


@dataclass(frozen=True)
class CheckInRow:
    """One person's averages for one bucket: measure -> (average, answers)."""

    bucket: date
    user_id: int
    values: Mapping[str, tuple[float | None, int]]


def checkin_charts(
    w: Window,
    people: Sequence[Person],
    rows: Iterable[CheckInRow],
    bands: list[Band],
    markers: list[Marker],
) -> list[Chart]:
    """One small chart per measure (1–5), a line per partner, signals marked."""
    grain = w.fine_grain
    bs = buckets(w.start, w.end, grain)
    index = {b: i for i, b in enumerate(bs)}
    n = len(bs)
    grid: dict[tuple[int, str], list[float | None]] = {}
    counts: dict[tuple[int, str], list[int]] = {}
    for p in people:
        for m in MEASURES:
            grid[p.user_id, m] = [None] * n
            counts[p.user_id, m] = [0] * n
    for r in rows:
        i = index.get(bucket_of(r.bucket, grain))
        if i is None or (r.user_id, "mood") not in grid:
            continue
        for m in MEASURES:
            avg, k = r.values.get(m, (None, 0))
            if avg is not None and k:
                grid[r.user_id, m][i] = round(avg, 2)
                counts[r.user_id, m][i] = k
    charts = []
    for m, name in MEASURES.items():
        lines, table, parts, anything = [], [], [], False
        for p in people:
            values = grid[p.user_id, m]
            # The 1–5 scale is drawn from 1 at the bottom to 5 at the top.
            shifted = [None if v is None else v - 1 for v in values]
            paths, dots = _polylines(shifted, n, 4)
            lines.append(Line(p.label, f"s-{p.css}", paths, dots))
            table.append(
                TableRow(p.label, ["–" if v is None else f"{v:.1f}" for v in values])
            )
            last, before = _compare(values, bs)
            if last is None:
                continue
            anything = True
            text = f"{p.subject} {values[last]:.1f}"
            if before is not None:
                text += _trend(values[last], values[before], close=0.2)
                text += f" {values[before]:.1f}"
            parts.append((_period_words(bs[last], w, grain), text))
        summary = (
            f"{_sentence(parts)[:-1]} (out of 5)."
            if anything
            else f"No {name.lower()} answers to show for {_range_words(w)}."
        )
        charts.append(
            Chart(
                slug=f"checkin-{m}",
                title=name,
                summary=summary,
                description=(
                    f"Line chart of the average {name.lower()} per {grain} on a scale "
                    "of 1 to 5, one line per partner (a partner's private answers "
                    "are left out). Triangles under the axis mark signals; shaded "
                    "stretches are pauses."
                ),
                kind="line",
                dot_r=dot_radius(n),
                x_labels=x_labels(bs, grain),
                y_ticks=[Tick(LEFT - 6, _y(v - 1, 4) + 4, str(v)) for v in (1, 3, 5)],
                grid=[_y(v - 1, 4) for v in (1, 3, 5)],
                lines=lines,
                bands=bands,
                markers=markers,
                legend=[LegendItem(p.label, f"k-{p.css}") for p in people],
                table_head=[short_date(b, grain) for b in bs],
                table=table,
                empty=not anything,
            )
        )
    return charts


# Incidents ---------------------------------------------------------------------

KINDS = {
    "late": "Late",
    "missed": "Missed",
    "broken_rule": "Broken rule",
    "missed_promise": "Missed promise",
    "praise": "Praise",
}
RESOLUTIONS = {
    "consequence": "a consequence",
    "made_right": "made right",
    "reward": "a reward",
    "celebrated": "celebrated",
    "forgiven": "forgiven",
    "excused": "excused",
    "": "still open",
}


@dataclass(frozen=True)
class IncidentRow:
    bucket: date
    source: str
    resolution: str
    n: int


def _stacked(
    bs: Sequence[date],
    stacks: Sequence[Mapping[str, int]],
    order: Mapping[str, str],
    grain: str,
) -> tuple[list[Rect], int]:
    n = len(bs)
    top = nice_top(max([sum(s.values()) for s in stacks] + [1]))
    slot = PLOT_W / max(n, 1)
    width = round(max(min(slot * 0.7, 24), 1.2), 1)
    rects = []
    for i, stack in enumerate(stacks):
        base = 0
        for key, label in order.items():
            k = stack.get(key, 0)
            if not k:
                continue
            y0, y1 = _y(base, top), _y(base + k, top)
            rects.append(
                Rect(
                    round(_x(i, n) - width / 2, 1),
                    y1,
                    width,
                    round(y0 - y1, 1),
                    f"f-{key}",
                    f"{long_date(bs[i], grain)}: {k} {label.lower()}",
                )
            )
            base += k
    return rects, top


def incident_chart(
    w: Window, rows: Iterable[IncidentRow], bands: list[Band], grain: str | None = None
) -> Chart:
    """Incidents per bucket, stacked by kind; the summary says how they ended."""
    grain = grain or w.grain
    bs = buckets(w.start, w.end, grain)
    index = {b: i for i, b in enumerate(bs)}
    stacks: list[dict[str, int]] = [{} for _ in bs]
    resolved: dict[str, int] = {}
    for r in rows:
        i = index.get(bucket_of(r.bucket, grain))
        if i is None:
            continue
        stacks[i][r.source] = stacks[i].get(r.source, 0) + r.n
        if r.source != "praise":
            resolved[r.resolution] = resolved.get(r.resolution, 0) + r.n
    rects, top = _stacked(bs, stacks, KINDS, grain)
    slips = sum(v for s in stacks for k, v in s.items() if k != "praise")
    praise = sum(s.get("praise", 0) for s in stacks)
    if slips or praise:
        summary = (
            f"{slips} slip{'s' if slips != 1 else ''} and {praise} "
            f"moment{'s' if praise != 1 else ''} of praise in {_range_words(w)}"
        )
        done = {k: v for k, v in resolved.items() if k}
        if slips:
            summary += f"; {sum(done.values())} of the slips resolved"
            ranked = sorted(done.items(), key=lambda kv: -kv[1])
            # "Most often" only when one way stands out.
            if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
                way, k = ranked[0]
                summary += f", most often {RESOLUTIONS[way]} ({k})"
        summary += "."
    else:
        summary = f"No incidents in {_range_words(w)}."
    return Chart(
        slug="incidents",
        title="Incidents",
        summary=summary,
        description=(
            f"Stacked bar chart of incidents per {grain} by kind: late, missed, "
            "broken rule, missed promise, and praise. Shaded stretches are pauses."
        ),
        kind="bars",
        x_labels=x_labels(bs, grain),
        y_ticks=_count_ticks(top),
        grid=[_y(v, top) for v in (0, top // 2, top)],
        rects=rects,
        bands=bands,
        legend=[
            LegendItem(label, f"k-{key}")
            for key, label in KINDS.items()
            if any(s.get(key) for s in stacks)
        ],
        table_head=[short_date(b, grain) for b in bs],
        table=[
            TableRow(label, [str(s.get(key, 0)) for s in stacks])
            for key, label in KINDS.items()
        ],
        empty=not (slips or praise),
    )


def resolution_rows(rows: Iterable[IncidentRow]) -> list[tuple[str, int, int]]:
    """Returns (how it ended, count, percent) for the slips, most common first."""
    totals: dict[str, int] = {}
    for r in rows:
        if r.source != "praise":
            totals[r.resolution] = totals.get(r.resolution, 0) + r.n
    whole = sum(totals.values())
    named = [(RESOLUTIONS.get(k, k), v) for k, v in totals.items()]
    return [
        (label, v, pct(v, whole) or 0)
        for label, v in sorted(named, key=lambda lv: (-lv[1], lv[0]))
    ]


# Decisions ---------------------------------------------------------------------

DECISION_STATES = {"decided": "Decided", "accepted": "Accepted", "declined": "Declined"}


@dataclass(frozen=True)
class DecisionRow:
    month: date
    state: str
    n: int


def decision_chart(w: Window, rows: Iterable[DecisionRow]) -> Chart:
    """Matters settled per month, stacked by how they were settled."""
    start = w.start.replace(day=1)
    bs = buckets(start, w.end, MONTH)
    index = {b: i for i, b in enumerate(bs)}
    stacks: list[dict[str, int]] = [{} for _ in bs]
    for r in rows:
        i = index.get(r.month.replace(day=1))
        if i is not None:
            stacks[i][r.state] = stacks[i].get(r.state, 0) + r.n
    rects, top = _stacked(bs, stacks, DECISION_STATES, MONTH)
    totals = [sum(s.values()) for s in stacks]
    total = sum(totals)
    if total:
        summary = (
            f"{total} matter{'s' if total != 1 else ''} settled in {_range_words(w)}"
        )
        if len(totals) > 1:
            now_n, before_n = totals[-1], totals[-2]
            summary += f"; {now_n} this month, {before_n} the month before"
        summary += "."
    else:
        summary = f"No matters settled in {_range_words(w)}."
    return Chart(
        slug="decisions",
        title="Decisions",
        summary=summary,
        description=(
            "Bar chart of the matters settled per month: decided by the leader, "
            "or accepted or declined by the follower."
        ),
        kind="bars",
        x_labels=x_labels(bs, MONTH),
        y_ticks=_count_ticks(top),
        grid=[_y(v, top) for v in (0, top // 2, top)],
        rects=rects,
        legend=[
            LegendItem(label, f"k-{key}")
            for key, label in DECISION_STATES.items()
            if any(s.get(key) for s in stacks)
        ],
        table_head=[short_date(b, MONTH) for b in bs],
        table=[
            TableRow(label, [str(s.get(key, 0)) for s in stacks])
            for key, label in DECISION_STATES.items()
        ],
        empty=not total,
    )
