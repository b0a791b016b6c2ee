"""Duties: rituals and tasks, occurrences, review, planned pauses."""

from datetime import date, datetime, time
from typing import Literal

from ninja import Schema
from pydantic import Field, StrictBool

from api.schemas import Clock, Day, Text, When

OccurrenceStatus = Literal[
    "upcoming", "open", "due_soon", "late", "done", "done_late", "missed", "excused"
]


class DutyIn(Schema):
    kind: Literal["ritual", "task"]
    title: Text(120, 1)
    domain: Text(60, 1) = Field(description="The area of life's key, e.g. household.")
    assignee_role: Literal["leader", "follower"]
    instructions: Text(5000) = ""
    needs_note: StrictBool = False
    needs_photo: StrictBool = False
    view_once: StrictBool = False
    reviewed: StrictBool = False
    rule: Text(200) = Field("", description="Rituals: an RFC 5545 rule, FREQ=DAILY.")
    at: Clock | None = Field(None, description="Rituals: the local time of day.")
    starts_on: Day | None = Field(None, description="Rituals: the first day.")
    window_minutes: int = Field(60, ge=0, le=60 * 24 * 30)
    grace_minutes: int = Field(0, ge=0, le=60 * 24 * 30)
    due_at: When | None = Field(None, description="Tasks: the deadline.")
    opens_at: When | None = Field(None, description="Tasks: not before.")
    suspended_when: Text(200) = Field(
        "",
        description="A context of the agreement's rules that takes it off the clock.",
    )


class DutyOut(Schema):
    id: int
    kind: str
    state: str = Field(
        description="requested, active, declined, retired or suspended (it "
        "touches a hard limit declared after it was imposed)."
    )
    suspended_reason: str = Field(
        description="Why it is off the clock, when suspended; its open "
        "occurrences are excused."
    )
    title: str
    instructions: str
    domain: str
    mine: bool = Field(description="Whether I am the one who does it.")
    needs_note: bool
    needs_photo: bool
    view_once: bool
    reviewed: bool
    rule: str
    at: time | None
    starts_on: date | None
    window_minutes: int
    grace_minutes: int
    due_at: datetime | None
    opens_at: datetime | None
    change_requested: bool = Field(
        description="A change waits for the follower's answer."
    )
    request_matter_id: int | None = Field(
        description="The talk matter in which the follower answers the request "
        "(POST .../matters/{id}/answer)."
    )
    suspended_when: str


class OccurrenceOut(Schema):
    id: int
    duty_id: int
    title: str
    status: OccurrenceStatus
    opens_at: datetime
    due_at: datetime
    deadline: datetime | None = Field(description="The due time, moved by pauses.")
    seconds_left: int
    frozen: bool
    done_at: datetime | None
    marked_late: bool
    may_tick: bool
    mine: bool
    review: str


class PartnerDayOut(Schema):
    role: str
    title: str
    now: list[OccurrenceOut]
    later: list[OccurrenceOut]
    done: list[OccurrenceOut]


class TodayOut(Schema):
    paused: bool
    days: list[PartnerDayOut] = Field(description="Mine first, then my partner's.")
    requests: list[DutyOut] = Field(description="Requests and changes to answer.")
    review_count: int


class PlannedPauseOut(Schema):
    id: int
    reason: str
    starts_at: datetime | None
    ends_at: datetime | None
    rule: str
    starts_on: date | None
    at: time | None
    length_minutes: int | None
    context: str = Field(description="A context window's context; else empty.")


class PlanDayOut(Schema):
    day: date
    paused: bool
    occurrences: list[OccurrenceOut]


class PlanOut(Schema):
    role: str
    week: list[PlanDayOut]
    planned_pauses: list[PlannedPauseOut]


class DoneOccurrenceOut(Schema):
    id: int
    duty_id: int
    title: str
    due_at: datetime
    done_at: datetime | None
    marked_late: bool
    proof_note: str
    has_photo: bool
    review: str
    review_note: str
    outcome: str


class ReviewQueueOut(Schema):
    pending: list[DoneOccurrenceOut]
    marked_late: list[DoneOccurrenceOut]


class DutyHistoryOut(Schema):
    duty: DutyOut
    occurrences: list[DoneOccurrenceOut]
    counts: dict[str, int]
    on_time_rate: int | None
    streak: int


class ReviewIn(Schema):
    approve: StrictBool
    note: Text(2000) = ""


class PlannedPauseIn(Schema):
    """Once (starts_at and ends_at), or repeating (rule, starts_on, at, length)."""

    reason: Literal["family", "travel", "break", "illness"]
    starts_at: When | None = None
    ends_at: When | None = None
    rule: Text(200) = Field("", description="e.g. FREQ=WEEKLY;BYDAY=SA,SU")
    starts_on: Day | None = None
    at: Clock | None = None
    length_minutes: int | None = Field(None, ge=1, le=60 * 24 * 60)
    context: Text(200) = Field(
        "",
        description="One of the agreement's contexts: a window in which only "
        "the duties linked to it are off the clock.",
    )


class ContextOut(Schema):
    text: str = Field(description="As the agreement's first rule naming it says it.")
    areas: list[str] = Field(description="The areas of life whose rules name it.")
    on: bool = Field(description="In effect now: its duties are off the clock.")


class ContextSwitchIn(Schema):
    context: Text(200, 1) = Field(description="One of the agreement's contexts.")
    on: StrictBool = Field(description="true: in effect from now; false: no longer.")
