"""Conduct: incidents, reflection, apology, resolution, make-it-right."""

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field, StrictBool

from api.schemas import MAX_ID, Page, Text, When

OptionalId = Field(None, ge=1, le=MAX_ID)


class IncidentOut(Schema):
    id: int
    source: Literal["late", "missed", "broken_rule", "missed_promise", "praise"]
    about_me: bool = Field(description="Whether the incident is about me.")
    subject_role: str
    reported_by_me: bool
    self_reported: bool
    title: str
    note: str
    rule_id: int | None
    occurred_at: datetime
    reported_at: datetime
    state: Literal["open", "repair", "resolved"]
    reflection_what: str
    reflection_next: str
    reflected_at: datetime | None
    deferred_until: datetime | None
    resolution: str
    resolution_word: str
    chosen_name: str
    task: str
    task_due_at: datetime | None
    task_done_at: datetime | None
    resolved_at: datetime | None


class ApologyOut(Schema):
    author_role: str
    text: str
    at: datetime


class MenuItemOut(Schema):
    id: int
    kind: str
    name: str
    description: str
    size: str


class MakeItRightOut(Schema):
    id: int
    name: str
    description: str
    proposed_by_role: str
    proposed_at: datetime
    agreed_at: datetime | None
    withdrawn_at: datetime | None


class IncidentDetailOut(IncidentOut):
    apologies: list[ApologyOut]
    corrections: list[MenuItemOut] = Field(
        description="The agreed corrections the leader may choose from now."
    )
    rewards: list[MenuItemOut]
    make_it_right: list[MakeItRightOut]
    care_block: str | None = Field(
        description="Why no correction can be given now (limits of care)."
    )
    may: list[str] = Field(description="What I may do here now.")


class IncidentPageOut(Page):
    open: list[IncidentOut]
    items: list[IncidentOut] = Field(description="Resolved ones, 20 a page.")


class ReportIn(Schema):
    source: Literal["broken_rule", "missed_promise", "praise"]
    about: Literal["me", "partner"]
    title: Text(200) = ""
    note: Text(5000) = ""
    rule_id: int | None = OptionalId
    occurred_at: When | None = None


class ReflectionIn(Schema):
    what_happened: Text(5000, 1)
    differently: Text(5000, 1)


class TextIn(Schema):
    text: Text(5000, 1)


class ConsequenceIn(Schema):
    consequence_id: int | None = OptionalId
    task: Text(200) = Field(
        "",
        description="Blank: the menu item's own task (with task_due_at). Other "
        "words are imposed like a duty and need task_domain.",
    )
    task_due_at: When | None = None
    task_domain: Text(60) = Field(
        "",
        description="The delegated area of life of a task in the leader's own words.",
    )
    soft_limit_checked: StrictBool = False


class DeferIn(Schema):
    until: When


class RewardIn(Schema):
    consequence_id: int | None = OptionalId
    task: Text(200) = ""
    task_due_at: When | None = None
    word: Text(5000) = ""


class WordIn(Schema):
    word: Text(5000) = ""


class MakeItRightIn(Schema):
    item_id: int | None = OptionalId
    task: Text(200) = ""
    task_due_at: When | None = None


class MakeItRightProposalIn(Schema):
    name: Text(120, 1)
    description: Text(5000) = ""


class PersonRecordOut(Schema):
    me: bool
    role: str
    name: str
    open: int = Field(description="Their incidents open now.")
    slips_30: int = Field(description="Slips in the last 30 days.")
    self_reported_30: int = Field(description="Of those, the ones they owned.")
    days_without_missed: int
    days_without_slip: int
    on_time_rate: int | None = Field(
        description="Per cent of the counted days without a late or missed duty."
    )
    counted_days: int


class LedgerOut(Schema):
    open: list[IncidentOut]
    for_review: list[IncidentOut] = Field(
        description="Open for a week or more: for the weekly review."
    )
    resolved: int
    rewards: int
    forgiven: int
    consequences: int
    made_right: int
    people: list[PersonRecordOut]
