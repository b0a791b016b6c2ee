"""Now: what one partner should see and do next (``dynamics.now``).

Each field resolves from the objects ``dynamics.now.read`` returns, the same
the page renders; nothing is copied by hand.
"""

from datetime import date, datetime

from ninja import Schema
from pydantic import Field


class NowNoteOut(Schema):
    kind: str = Field(
        description="red, yellow, take_lead, pause, context, lapse, forming or ended."
    )
    at: datetime | None
    label: str = Field(description="A context's words, a pause's reason, a lapse's.")
    by_me: bool
    step: str = Field(description="The next step: aftercare, seen, resume, ...")
    url: str
    post: bool = Field(description="The step is a form post on the page.")


class NowStepOut(Schema):
    key: str = Field(description="invite, draft, sign or first_ritual.")
    text: str
    done: bool
    url: str
    mine: bool


class NowDueOut(Schema):
    occurrence_id: int
    duty_id: int
    title: str
    status: str
    due_at: datetime
    deadline: datetime
    seconds_left: int
    frozen: bool
    late: bool
    needs_proof: bool


class NowWaitingOut(Schema):
    kind: str = Field(
        description="sign_draft, draft_comments, reflection, apology, correction, "
        "make_it_right, praise, decide, request, reply, review, proof_to_review, "
        "aftercare; in lately: decided, notifications (the unread count, a link "
        "to the inbox)."
    )
    text: str
    url: str = Field(description="The page where it is done.")
    at: datetime | None


class NowPartnerDueOut(Schema):
    title: str
    status: str
    due_at: datetime


class NowPartnerCheckInOut(Schema):
    """Only what the partner shared."""

    day: date
    today: bool
    scales: dict[str, int]
    needs: str
    wants: str
    note: str

    @staticmethod
    def resolve_scales(obj) -> dict[str, int]:
        return {label.lower(): value for label, value in obj.scales}


class NowPartnerSignalOut(Schema):
    kind: str
    sent_at: datetime
    acknowledged_at: datetime | None


class NowPartnerOut(Schema):
    title: str | None = Field(None, alias="membership.title")
    display_name: str | None = Field(None, alias="membership.user.display_name")
    checkin: NowPartnerCheckInOut | None
    due: list[NowPartnerDueOut]
    signals: list[NowPartnerSignalOut]


class NowOut(Schema):
    dynamic_id: int = Field(alias="dynamic.pk")
    state: str = Field(alias="dynamic.state")
    in_step: bool
    notes: list[NowNoteOut]
    setup: list[NowStepOut]
    due: list[NowDueOut]
    waiting: list[NowWaitingOut]
    lately: list[NowWaitingOut] = Field(
        description="News to read, not to act on: matters the partner settled "
        "in the last three days, and the person's unread notifications."
    )
    partner: NowPartnerOut
