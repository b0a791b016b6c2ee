"""What goes in and out of the API. Field limits match the models, so that bad
input is a 400 with a message, never a database error."""

from datetime import date, datetime, time
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    Field,
    StrictBool,
    StringConstraints,
)

MAX_ID = 2**63 - 1  # the largest id the database can hold
IdempotencyKey = Annotated[str, StringConstraints(pattern=r"^[\x21-\x7e]{1,64}$")]


def _no_nul(value: str) -> str:
    # PostgreSQL cannot store NUL characters; Django's forms refuse them too.
    if "\x00" in value:
        raise ValueError("Null characters are not allowed.")
    return value


def _iso_text(value: Any) -> Any:
    # Pydantic would read a number as seconds since 1970; a client that sends
    # one has a bug, and should hear so rather than get a date in 1970.
    if not isinstance(value, str):
        raise ValueError("Send dates and times as ISO 8601 text.")
    return value


def _no_zone(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError("Give the local time of day, without a time zone.")
    return value


# Inputs: ISO 8601 text only; a moment needs its offset, a time of day has none.
When = Annotated[AwareDatetime, BeforeValidator(_iso_text)]
Day = Annotated[date, BeforeValidator(_iso_text)]
Clock = Annotated[time, BeforeValidator(_iso_text), AfterValidator(_no_zone)]


def Text(max_length: int, min_length: int = 0):  # noqa: N802 - reads as a type
    return Annotated[
        str,
        StringConstraints(min_length=min_length, max_length=max_length),
        AfterValidator(_no_nul),
    ]


class ErrorOut(Schema):
    code: str = Field(description="A stable machine code, e.g. not_found.")
    detail: str = Field(description="A message for the person, in plain words.")
    field: str | None = Field(None, description="The input field it concerns.")
    errors: list[dict] | None = Field(None, description="Validation details.")


class ProfileOut(Schema):
    email: str
    display_name: str
    time_zone: str
    locale: str
    discreet: bool
    lock_after_minutes: int
    has_quick_lock: bool


class ProfileIn(Schema):
    display_name: Text(60, 1) | None = None
    time_zone: Text(64, 1) | None = None
    locale: Text(10) | None = Field(
        None, description='A date format such as "en-gb"; "" follows the browser.'
    )
    discreet: StrictBool | None = None
    lock_after_minutes: Literal[1, 2, 5, 15, 60] | None = None


class PartnerOut(Schema):
    display_name: str
    role: str
    title: str


class DynamicOut(Schema):
    id: int
    name: str
    state: Literal["forming", "active", "paused", "ended"]
    my_role: Literal["leader", "follower"]
    my_title: str
    partner_title: str
    created_at: datetime
    ended_at: datetime | None


class PauseOut(Schema):
    id: int
    reason: str
    started_at: datetime
    ended_at: datetime | None
    started_by_me: bool
    needs_both_to_resume: bool


class SignalOut(Schema):
    id: int
    kind: Literal["red", "yellow", "take_lead"]
    sent_at: datetime
    sent_by_me: bool
    acknowledged_at: datetime | None


class AftercareOut(Schema):
    feeling: int
    note: str
    ready_to_resume: bool
    updated_at: datetime
    dynamic_state: str


class PartnerAftercareOut(Schema):
    feeling: int
    note: str
    ready_to_resume: bool
    updated_at: datetime


class DynamicDetailOut(DynamicOut):
    partner: PartnerOut | None
    pause: PauseOut | None
    partner_signals: list[SignalOut] = Field(
        description="The partner's signals not yet acknowledged, newest first."
    )
    my_aftercare: AftercareOut | None
    partner_aftercare: PartnerAftercareOut | None = Field(
        description="After red, while the red pause lasts: the partner's "
        "aftercare as the aftercare page shows it (how they are, their note to "
        "you, whether they are ready)."
    )
    partner_ready_to_resume: bool | None = Field(
        description="After red: whether the partner said they are ready "
        "(the same as partner_aftercare.ready_to_resume)."
    )
    open_invitation: bool


class DynamicIn(Schema):
    role: Literal["leader", "follower"]
    my_title: Text(40, 1)
    partner_title: Text(40, 1)
    name: Text(80) = ""


class InvitationIn(Schema):
    email: Annotated[
        str, StringConstraints(max_length=254, pattern=r"^$|^[^@\s\x00]+@[^@\s\x00]+$")
    ] = ""


class InvitationOut(Schema):
    token: str = Field(description="Shown once: only a hash is kept.")
    link: str
    expires_at: datetime
    email_sent: bool | None = Field(
        description="Whether the link went out by e-mail (null: no address given)."
    )


class InvitationTokenIn(Schema):
    token: Text(200, 1)


class PauseIn(Schema):
    reason: Literal["break", "illness", "family", "travel"] = "break"


class SignalIn(Schema):
    kind: Literal["red", "yellow", "take_lead"]
    idempotency_key: IdempotencyKey | None = Field(
        None,
        description="Same as the Idempotency-Key header; the header wins if both "
        "are sent.",
    )


class AftercareIn(Schema):
    feeling: int = Field(ge=1, le=5)
    note: Text(5000) = ""
    ready_to_resume: StrictBool


class AuditEntryOut(Schema):
    at: datetime
    act: str
    actor_role: str
    summary: str


class Page(Schema):
    count: int
    page: int
    pages: int


class AuditPageOut(Page):
    items: list[AuditEntryOut]


class SignalPageOut(Page):
    items: list[SignalOut]
