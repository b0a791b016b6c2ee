"""Talk: check-ins, matters and decisions, the journal, weekly reviews."""

from datetime import date, datetime, time
from typing import Literal

from ninja import Schema
from pydantic import Field, StrictBool

from api.schemas import Clock, Page, Text, When

Answer = Literal["mood", "energy", "stress", "connection", "needs", "wants", "note"]
Scale = Field(ge=1, le=5)


class MyCheckInOut(Schema):
    """My own check-in: every answer, and which ones my partner sees."""

    day: date
    mood: int
    energy: int
    stress: int
    connection: int
    needs: str
    wants: str
    note: str
    shared: list[Answer]
    updated_at: datetime


class SharedCheckInOut(Schema):
    """The partner's check-in: only what they shared; the rest is null/empty."""

    day: date
    updated_at: datetime
    after_red: bool
    mood: int | None
    energy: int | None
    stress: int | None
    connection: int | None
    needs: str
    wants: str
    note: str


class DayMarkOut(Schema):
    day: date
    checked_in: bool


class CheckInsOut(Schema):
    today: date
    mine: MyCheckInOut | None
    partner_latest: SharedCheckInOut | None
    days: list[DayMarkOut]
    missed: int
    prompt_at: time | None
    prompt_enabled: bool
    after_red: bool = Field(description="A red pause is open: aftercare is asked.")


class AftercareAnswerIn(Schema):
    feeling: int = Scale
    note: Text(5000) = ""
    ready_to_resume: StrictBool


class CheckInIn(Schema):
    mood: int = Scale
    energy: int = Scale
    stress: int = Scale
    connection: int = Scale
    needs: Text(5000) = ""
    wants: Text(5000) = ""
    note: Text(5000) = ""
    shared: list[Answer] = Field(
        default_factory=lambda: [
            "mood",
            "energy",
            "stress",
            "connection",
            "needs",
            "wants",
        ],
        max_length=7,
        description="The answers my partner may see; the rest stay mine.",
    )
    aftercare: AftercareAnswerIn | None = None


class PromptIn(Schema):
    prompt_at: Clock
    enabled: StrictBool = True


class PromptOut(Schema):
    prompt_at: time
    enabled: bool


class MatterOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    state: str
    opened_by_me: bool
    opened_at: datetime
    answered_by: str
    domain: str
    decide_by: datetime | None
    decision: str
    reason: str
    closed_at: datetime | None
    replies: int


class MatterCommentOut(Schema):
    mine: bool
    body: str
    created_at: datetime


class MatterDetailOut(MatterOut):
    deadline: datetime | None = Field(description="decide_by, moved by pauses.")
    deadline_state: Literal[
        "none", "running", "frozen", "late", "on_time", "closed_late"
    ]
    comments: list[MatterCommentOut]


class MatterIn(Schema):
    kind: Literal["request", "question", "decision"]
    title: Text(160, 1)
    body: Text(10000) = ""
    decide_by: When | None = None


class LeaderRequestIn(Schema):
    title: Text(160, 1)
    body: Text(10000) = ""
    domain: Text(60) = ""
    decide_by: When | None = None


class BodyIn(Schema):
    body: Text(10000, 1)


class DecisionIn(Schema):
    decision: Text(10000, 1)
    reason: Text(10000, 1)


class MatterAnswerIn(Schema):
    accept: StrictBool
    reason: Text(10000) = ""


class DecisionPageOut(Page):
    items: list[MatterOut]


class MatterHitOut(Schema):
    id: int
    kind: str
    title: str
    state: str
    decision: str
    reason: str
    closed_at: datetime | None


class ReviewNoteHitOut(Schema):
    id: int
    review_id: int
    week_start: date
    kind: Literal["went_well", "hard", "change"]
    body: str


class EntryOut(Schema):
    id: int
    mine: bool
    visibility: Literal["private", "shared"]
    prompt: str
    title: str
    body: str
    created_at: datetime
    updated_at: datetime
    shared_at: datetime | None


class EntryCommentOut(Schema):
    mine: bool
    body: str
    created_at: datetime


class EntryDetailOut(EntryOut):
    comments: list[EntryCommentOut]


class JournalOut(Page):
    items: list[EntryOut] = Field(description="My entries, newest first.")
    partner_shared: list[EntryOut] = Field(
        description="The partner's shared entries (never their private ones)."
    )
    partner_shared_count: int


class EntryIn(Schema):
    body: Text(50000, 1)
    title: Text(160) = ""
    prompt: Text(120) = ""
    visibility: Literal["private", "shared"] = "private"


class EntryChangesIn(Schema):
    body: Text(50000, 1)
    title: Text(160) = ""
    visibility: Literal["private", "shared"]


class ReviewOut(Schema):
    id: int
    week_start: date
    started_at: datetime
    held_by_leader_at: datetime | None
    held_by_follower_at: datetime | None


class ReviewNoteOut(Schema):
    id: int
    kind: Literal["went_well", "hard", "change"]
    mine: bool
    body: str
    created_at: datetime
    matter_id: int | None


class ReviewDetailOut(ReviewOut):
    snapshot: dict = Field(description="The week as it was when the review began.")
    notes: list[ReviewNoteOut]
    shared_entries: list[EntryOut]
    held_by_me: bool
    held_by_partner: bool


class ReviewNoteIn(Schema):
    kind: Literal["went_well", "hard", "change"]
    body: Text(10000, 1)


class SearchOut(Schema):
    query: str
    full_text: bool = Field(description="Ranked full-text search (PostgreSQL).")
    open_matters: list[MatterHitOut]
    decisions: list[MatterHitOut]
    entries: list[EntryOut] = Field(description="Only entries I may read.")
    review_notes: list[ReviewNoteHitOut]


class NoteProposedOut(Schema):
    version: int = Field(description="The draft the change is proposed in.")
    comment: str = Field(description="The comment on the draft the note became.")
