"""Agreements: versions, their contents, signatures, comparing."""

from datetime import date, datetime
from typing import Literal

from ninja import Schema
from pydantic import Field, StrictBool

from api.schemas import Clock, Day, Text

Section = Literal["domains", "rules", "limits", "consequences"]
VersionStatus = Literal["draft", "in_force", "superseded"]


class SignatureOut(Schema):
    role: str
    title: str
    name: str
    signed_at: datetime | None


class VersionSummaryOut(Schema):
    number: int
    status: VersionStatus
    created_at: datetime
    review_on: date
    in_force_from: datetime | None
    superseded_at: datetime | None
    signatures: list[SignatureOut]


class HardLimitOut(Schema):
    """A hard limit declared and not lifted: it binds whatever the drafts say."""

    owner_role: str
    text: str
    tags: str
    declared_at: datetime


class AgreementOut(Schema):
    in_force: int | None = Field(description="The number of the version in force.")
    draft: int | None = Field(description="The number of the open draft.")
    authority: bool = Field(description="Whether the leader's authority holds now.")
    paused: bool
    standing: str = Field(description="Why authority holds or lapses, in words.")
    review_in_days: int | None
    version_count: int
    hard_limits: list[HardLimitOut] = Field(
        description="Each partner's standing hard limits, declared and not lifted."
    )


class CommentOut(Schema):
    section: str
    item_id: int | None
    author_role: str
    text: str
    created_at: datetime


class DomainOut(Schema):
    id: int
    key: str
    name: str
    depth: str


class RuleOut(Schema):
    id: int
    domain_id: int
    text: str
    suspended_when: str
    tags: str


class LimitOut(Schema):
    id: int
    owner_role: str
    kind: str
    text: str
    tags: str


class ConsequenceOut(Schema):
    id: int
    kind: str
    name: str
    description: str
    size: str
    tags: str


class VersionOut(Schema):
    number: int
    status: VersionStatus
    created_at: datetime
    review_on: date
    absence_days: int
    titles_and_protocols: str
    in_force_from: datetime | None
    signatures: list[SignatureOut]
    i_signed: bool
    partner_signed: bool
    domains: list[DomainOut]
    rules: list[RuleOut]
    limits: list[LimitOut] = Field(description="Both partners' limits.")
    consequences: list[ConsequenceOut]
    comments: list[CommentOut]


class DraftIn(Schema):
    start_from: Literal["current", "starter"] = "current"


class DraftChangesIn(Schema):
    review_on: Day
    absence_days: int = Field(ge=1, le=365)
    titles_and_protocols: Text(5000) = ""
    weekly_review_day: int | None = Field(
        None, ge=0, le=6, description="0 Monday … 6 Sunday; empty: Sunday."
    )
    weekly_review_at: Clock | None = Field(None, description="Empty: 18:00.")
    proof_retention_days: int | None = Field(
        None, ge=1, le=365, description="Empty keeps the draft's (30 by default)."
    )


class ItemIn(Schema):
    """The fields of one section; each section reads its own (see docs/api.md)."""

    key: Text(60) | None = Field(None, description="domains: a starter area's key.")
    name: Text(80) | None = Field(None, description="domains, consequences")
    depth: Text(20) | None = Field(None, description="domains")
    domain: int | None = Field(
        None, ge=1, le=2**63 - 1, description="rules: the domain's id."
    )
    text: Text(2000) | None = Field(None, description="rules, limits")
    suspended_when: Text(200) | None = Field(None, description="rules")
    tags: Text(200) | None = Field(None, description="rules, limits, consequences")
    kind: Text(20) | None = Field(None, description="limits, consequences")
    description: Text(2000) | None = Field(None, description="consequences")
    size: Text(10) | None = Field(None, description="consequences")


class ItemOut(Schema):
    id: int
    section: Section


class AgreementCommentIn(Schema):
    text: Text(2000, 1)
    section: Literal["general", "domains", "rules", "limits", "consequences"] = (
        "general"
    )
    item_id: int | None = Field(None, ge=1, le=2**63 - 1)


class LineOut(Schema):
    label: str
    before: str
    after: str


class DifferenceOut(Schema):
    change: Literal["added", "removed", "changed", "same"]
    title: str
    lines: list[LineOut]


class ComparisonSectionOut(Schema):
    key: str
    title: str
    differences: list[DifferenceOut]


class ComparisonOut(Schema):
    older: int
    newer: int
    sections: list[ComparisonSectionOut]


class SafewordsOut(Schema):
    red_word: str
    red_gesture: str
    yellow_word: str
    yellow_gesture: str
    who_is_alerted: str = Field(description="Who else is told about a red signal.")
    leader_aftercare: str
    follower_aftercare: str
    updated_at: datetime | None
    may_change: list[str] = Field(
        description="The fields you may change: the follower all of them, the "
        "leader their own aftercare wishes."
    )


class SafewordsIn(Schema):
    """Only the fields sent change; the signals work whatever their words."""

    red_word: Text(60, 1) | None = None
    red_gesture: Text(200) | None = None
    yellow_word: Text(60, 1) | None = None
    yellow_gesture: Text(200) | None = None
    who_is_alerted: Text(200) | None = None
    leader_aftercare: Text(5000) | None = None
    follower_aftercare: Text(5000) | None = None


Direction = Literal["i_do", "done_to_me", "together"]
Answer = Literal["yes", "maybe", "not_for_me", "hard_limit"]


class IdeaOut(Schema):
    id: int
    group: str
    text: str
    directions: list[Direction] = Field(
        description="The directions it is answered in: all three for an idea one "
        "of you does to or for the other, else together."
    )
    my_answers: dict[Direction, Answer] = Field(
        description="Your own answers; unanswered directions are left out "
        "(never a no). Your partner never sees these."
    )


class ExplorationOut(Schema):
    ideas: list[IdeaOut]
    answered: int
    total: int


class MatchOut(Schema):
    idea_id: int
    text: str
    my_direction: Direction
    my_answer: Literal["yes", "maybe"]
    partner_direction: Direction
    partner_answer: Literal["yes", "maybe"]
    both_yes: bool


class IdeaIn(Schema):
    text: Text(200, 1)
    directional: StrictBool = Field(
        False, description="One of you does it to or for the other."
    )


class AnswersIn(Schema):
    answers: dict[Direction, Answer | Literal[""]] = Field(
        description='Per direction; "" clears an answer (unanswered again).'
    )


class ProposedLimitOut(Schema):
    id: int = Field(description="The limit's id in the draft.")
    version: int = Field(description="The draft's number.")
    text: str
