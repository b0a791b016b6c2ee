"""Duties: Today, the plan, rituals and tasks, ticking, review, planned pauses.

Reads go through duties.queries after dynamics.access.require (the acts the
pages ask); writes through duties.services, which ask access themselves.
"""

import mimetypes
from datetime import timedelta
from typing import Literal

from django.http import HttpResponse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import BaseModel, Field

from accounts.models import User
from api.routers.common import (
    ERRORS,
    id_param,
    now,
    only_known_query,
    person,
    responses,
)
from api.schemas import PauseOut, Text, When
from api.schemas.duties import (
    ContextOut,
    ContextSwitchIn,
    DutyHistoryOut,
    DutyIn,
    DutyOut,
    OccurrenceOut,
    PlannedPauseIn,
    PlannedPauseOut,
    PlanOut,
    ReviewIn,
    ReviewQueueOut,
    TodayOut,
)
from duties import queries, services
from duties.models import Duty, Occurrence, ScheduledPause
from dynamics.access import Act, require
from dynamics.models import Pause

router = Router(tags=["duties"])
DynamicId = id_param("The dynamic's id.")
DutyId = id_param("The duty's id.")
OccurrenceId = id_param("The occurrence's id.")
PlanId = id_param("The planned pause's id.")


class PlanQuery(BaseModel):
    who: Literal["leader", "follower"] | None = Field(
        None, description="Whose plan (mine without)."
    )


class CompleteIn(Schema):
    # A form's empty field is "not given", as a browser sends it.
    done_at: When | Literal[""] | None = Field(
        None, description="Done earlier? When (up to 24 hours back)."
    )
    note: Text(5000) = ""


def duty_out(duty: Duty, user: User) -> dict:
    return {
        "id": duty.pk,
        "kind": duty.kind,
        "state": duty.state,
        "title": duty.title,
        "instructions": duty.instructions,
        "domain": duty.domain,
        "mine": duty.assignee_id == user.pk,
        "needs_note": duty.needs_note,
        "needs_photo": duty.needs_photo,
        "view_once": duty.view_once,
        "reviewed": duty.reviewed,
        "rule": duty.rule,
        "at": duty.at,
        "starts_on": duty.starts_on,
        "window_minutes": int(duty.window.total_seconds() // 60),
        "grace_minutes": int(duty.grace.total_seconds() // 60),
        "due_at": duty.due_at,
        "opens_at": duty.opens_at,
        "change_requested": duty.pending_change is not None,
        "request_matter_id": duty.request_id,
        "suspended_when": duty.suspended_when,
        "suspended_reason": duty.suspended_reason,
    }


def row_out(row: queries.Row) -> dict:
    occ = row.occ
    return {
        "id": occ.pk,
        "duty_id": occ.duty_id,
        "title": occ.duty.title,
        "status": row.status.value,
        "opens_at": occ.opens_at,
        "due_at": occ.due_at,
        "deadline": row.deadline,
        "seconds_left": row.countdown.seconds_left,
        "frozen": row.countdown.frozen,
        "done_at": occ.done_at,
        "marked_late": occ.marked_late,
        "may_tick": row.may_tick,
        "mine": row.mine,
        "review": occ.review,
    }


def done_out(occ: Occurrence, title: str) -> dict:
    return {
        "id": occ.pk,
        "duty_id": occ.duty_id,
        "title": title,
        "due_at": occ.due_at,
        "done_at": occ.done_at,
        "marked_late": occ.marked_late,
        "proof_note": occ.proof_note,
        "has_photo": bool(occ.proof_photo) and occ.photo_deleted_at is None,
        "review": occ.review,
        "review_note": occ.review_note,
        "outcome": occ.outcome,
    }


def plan_out(plan: ScheduledPause) -> dict:
    return {
        "id": plan.pk,
        "reason": plan.reason,
        "starts_at": plan.starts_at,
        "ends_at": plan.ends_at,
        "rule": plan.rule,
        "starts_on": plan.starts_on,
        "at": plan.at,
        "length_minutes": int(plan.length.total_seconds() // 60)
        if plan.length
        else None,
        "context": plan.context,
    }


def _spec(body: DutyIn) -> services.DutySpec:
    data = body.model_dump()
    window = timedelta(minutes=data.pop("window_minutes"))
    grace = timedelta(minutes=data.pop("grace_minutes"))
    return services.DutySpec(**data, window=window, grace=grace)


@router.get("/dynamics/{dynamic_id}/today", response=responses({200: TodayOut}))
def read_today(request, dynamic_id: int = DynamicId):
    """What is open, due and done for both partners, most urgent first."""
    me = require(person(request), dynamic_id, Act.VIEW)
    today = queries.today(me, now())
    return {
        "paused": today.paused,
        "days": [
            {
                "role": day.membership.role,
                "title": day.membership.title,
                "now": [row_out(r) for r in day.now_rows],
                "later": [row_out(r) for r in day.later_rows],
                "done": [row_out(r) for r in day.done_rows],
            }
            for day in today.days
        ],
        "requests": [duty_out(d, me.user) for d in today.requests],
        "review_count": today.review_count,
    }


@router.get("/dynamics/{dynamic_id}/plan", response=responses({200: PlanOut}))
def read_plan(request, query: Query[PlanQuery], dynamic_id: int = DynamicId):
    """The week ahead for me (or ``who``), and the planned pauses."""
    only_known_query(request, PlanQuery)
    me = require(person(request), dynamic_id, Act.VIEW)
    members = {m.role: m for m in me.couple}
    who = members.get(query.who or me.role) or me
    plan = queries.plan(me, who, now())
    return {
        "role": who.role,
        "week": [
            {
                "day": day.day,
                "paused": day.paused,
                "occurrences": [row_out(r) for r in day.rows],
            }
            for day in plan.week
        ],
        "planned_pauses": [plan_out(p) for p in plan.planned_pauses],
    }


@router.get("/dynamics/{dynamic_id}/duties", response=responses({200: list[DutyOut]}))
def list_duties(request, dynamic_id: int = DynamicId):
    """The dynamic's rituals and tasks (not retired or declined)."""
    me = require(person(request), dynamic_id, Act.VIEW)
    return [duty_out(d, me.user) for d in queries.duties_of(me)]


@router.post("/dynamics/{dynamic_id}/duties", response=responses({201: DutyOut}))
def create_duty(request, body: DutyIn, dynamic_id: int = DynamicId):
    """Assigns a ritual or task; outside the delegated areas it is a request
    the follower may accept or decline (``state``: requested)."""
    user = person(request)
    duty = services.create_duty(user, dynamic_id, spec=_spec(body), now=now())
    return Status(201, duty_out(duty, user))


@router.get(
    "/dynamics/{dynamic_id}/duties/{duty_id}", response=responses({200: DutyHistoryOut})
)
def read_duty(request, dynamic_id: int = DynamicId, duty_id: int = DutyId):
    """One duty with its past occurrences, on-time rate and streak."""
    me = require(person(request), dynamic_id, Act.VIEW)
    history = queries.history(queries.duty_of(me, duty_id), now())
    return {
        "duty": duty_out(history.duty, me.user),
        "occurrences": [done_out(o, history.duty.title) for o in history.rows],
        "counts": history.counts,
        "on_time_rate": history.on_time_rate,
        "streak": history.streak,
    }


@router.put(
    "/dynamics/{dynamic_id}/duties/{duty_id}", response=responses({200: DutyOut})
)
def change_duty(
    request, body: DutyIn, dynamic_id: int = DynamicId, duty_id: int = DutyId
):
    """Changes a duty (outside the delegated areas, a change is a request)."""
    user = person(request)
    duty = services.change_duty(user, dynamic_id, duty_id, spec=_spec(body), now=now())
    return duty_out(duty, user)


@router.post(
    "/dynamics/{dynamic_id}/duties/{duty_id}/retire", response=responses({200: DutyOut})
)
def retire_duty(request, dynamic_id: int = DynamicId, duty_id: int = DutyId):
    """Retires a duty: no new occurrences, its history stays."""
    user = person(request)
    duty = services.retire_duty(user, dynamic_id, duty_id, now=now())
    return duty_out(duty, user)


@router.post(
    "/dynamics/{dynamic_id}/occurrences/{occurrence_id}/complete",
    response=responses({200: OccurrenceOut}),
    # Every field is optional: an empty form is the one-tap tick.
    openapi_extra={"requestBody": {"required": False}},
)
def complete_occurrence(
    request,
    body: Form[CompleteIn],
    photo: File[UploadedFile] = None,
    dynamic_id: int = DynamicId,
    occurrence_id: int = OccurrenceId,
):
    """Ticks an occurrence, with a note and a photo as proof when the duty
    asks for them (multipart/form-data)."""
    user = person(request)
    at = now()
    occ = services.complete(
        user,
        dynamic_id,
        occurrence_id,
        done_at=body.done_at or None,
        note=body.note,
        photo=photo,
        now=at,
    )
    stops = services.clock_pauses(dynamic_id, occ.opens_at, at)
    return row_out(queries._row(occ, stops, at, user.pk))


@router.get(
    "/dynamics/{dynamic_id}/occurrences/{occurrence_id}/photo",
    response=ERRORS,
    openapi_extra={
        "responses": {
            "200": {
                "description": "The proof photo (a view-once photo is deleted "
                "once the partner has opened it).",
                "content": {
                    "image/*": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
)
def read_proof_photo(
    request, dynamic_id: int = DynamicId, occurrence_id: int = OccurrenceId
):
    """The proof photo, to the two partners only; never cached."""
    data, name = services.view_photo(
        person(request), dynamic_id, occurrence_id, now=now()
    )
    response = HttpResponse(
        data, content_type=mimetypes.guess_type(name)[0] or "application/octet-stream"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get(
    "/dynamics/{dynamic_id}/review-queue", response=responses({200: ReviewQueueOut})
)
def read_review_queue(request, dynamic_id: int = DynamicId):
    """What waits for the leader's review, and the last week's late ticks."""
    me = require(person(request), dynamic_id, Act.REVIEW_DUTY)
    queue = queries.review_queue(me, now())
    return {
        "pending": [done_out(o, o.duty.title) for o in queue.pending],
        "marked_late": [done_out(o, o.duty.title) for o in queue.marked_late],
    }


@router.post(
    "/dynamics/{dynamic_id}/occurrences/{occurrence_id}/review",
    response=responses({200: OccurrenceOut}),
)
def review_occurrence(
    request,
    body: ReviewIn,
    dynamic_id: int = DynamicId,
    occurrence_id: int = OccurrenceId,
):
    """The leader approves a ticked occurrence, or returns it with a note."""
    user = person(request)
    at = now()
    occ = services.review(
        user,
        dynamic_id,
        occurrence_id,
        approve=body.approve,
        note=body.note,
        now=at,
    )
    stops = services.clock_pauses(dynamic_id, occ.opens_at, at)
    return row_out(queries._row(occ, stops, at, user.pk))


@router.post(
    "/dynamics/{dynamic_id}/planned-pauses", response=responses({201: PlannedPauseOut})
)
def schedule_pause(request, body: PlannedPauseIn, dynamic_id: int = DynamicId):
    """Plans a pause once (``starts_at``–``ends_at``) or repeating (``rule``,
    ``starts_on``, ``at``, ``length_minutes``)."""
    data = body.model_dump()
    minutes = data.pop("length_minutes")
    plan = services.schedule_pause(
        person(request),
        dynamic_id,
        **data,
        length=timedelta(minutes=minutes) if minutes else None,
        now=now(),
    )
    return Status(201, plan_out(plan))


@router.delete(
    "/dynamics/{dynamic_id}/planned-pauses/{plan_id}", response=responses({204: None})
)
def cancel_planned_pause(request, dynamic_id: int = DynamicId, plan_id: int = PlanId):
    """Cancels a planned pause (one already under way ends now)."""
    services.cancel_scheduled_pause(person(request), dynamic_id, plan_id, now=now())
    return Status(204, None)


@router.post("/dynamics/{dynamic_id}/illness", response=responses({201: PauseOut}))
def start_illness_pause(request, dynamic_id: int = DynamicId):
    """The follower stops every clock for illness, open-ended."""
    user = person(request)
    pause: Pause = services.start_illness_pause(user, dynamic_id, now=now())
    return Status(
        201,
        {
            "id": pause.pk,
            "reason": pause.reason,
            "started_at": pause.started_at,
            "ended_at": pause.ended_at,
            "started_by_me": pause.started_by_id == user.pk,
            "needs_both_to_resume": pause.needs_both_to_resume,
        },
    )


@router.get(
    "/dynamics/{dynamic_id}/contexts", response=responses({200: list[ContextOut]})
)
def list_contexts(request, dynamic_id: int = DynamicId):
    """The contexts the agreement's rules name ("the children are home"), and
    whether each is in effect now."""
    me = require(person(request), dynamic_id, Act.PAUSE)
    return [
        {"text": s.context.text, "areas": list(s.context.domains), "on": s.on}
        for s in queries.context_states(me, now())
    ]


@router.post(
    "/dynamics/{dynamic_id}/contexts", response=responses({200: list[ContextOut]})
)
def switch_context(request, body: ContextSwitchIn, dynamic_id: int = DynamicId):
    """Says a context is in effect from now, or no longer; either partner may.
    While it is on, the duties linked to it are off the clock."""
    services.switch_context(
        person(request), dynamic_id, context=body.context, on=body.on, now=now()
    )
    return list_contexts(request, dynamic_id)
