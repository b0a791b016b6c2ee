"""Conduct: incidents on either side, reflection and apology, resolution from
the agreed menu, and the make-it-right list.

Reads go through conduct.queries after dynamics.access.require; each write is
one conduct.services call, which asks access and the agreement itself.
"""

from ninja import Query, Router, Status
from pydantic import BaseModel

from accounts.models import User
from api.routers.common import (
    PageNumber,
    id_param,
    now,
    only_known_query,
    person,
    responses,
)
from api.schemas.conduct import (
    ConsequenceIn,
    DeferIn,
    IncidentDetailOut,
    IncidentPageOut,
    LedgerOut,
    MakeItRightIn,
    MakeItRightOut,
    MakeItRightProposalIn,
    ReflectionIn,
    ReportIn,
    RewardIn,
    TextIn,
    WordIn,
)
from conduct import queries, services
from conduct.models import Incident
from dynamics.access import Act, require

router = Router(tags=["conduct"])
DynamicId = id_param("The dynamic's id.")
IncidentId = id_param("The incident's id.")
ItemId = id_param("The make-it-right item's id.")
MAY = (
    "reflect",
    "correct",
    "reward",
    "make_right",
    "forgive",
    "celebrate",
    "complete",
)


class PageQuery(BaseModel):
    page: int = PageNumber


def incident_out(incident: Incident, user: User) -> dict:
    return {
        "id": incident.pk,
        "source": incident.source,
        "about_me": incident.subject_id == user.pk,
        "subject_role": incident.subject_role,
        "reported_by_me": incident.reported_by_id == user.pk,
        "self_reported": incident.self_reported,
        "title": incident.title,
        "note": incident.note,
        "rule_id": incident.rule_id,
        "occurred_at": incident.occurred_at,
        "reported_at": incident.reported_at,
        "state": incident.state,
        "reflection_what": incident.reflection_what,
        "reflection_next": incident.reflection_next,
        "reflected_at": incident.reflected_at,
        "deferred_until": incident.deferred_until,
        "resolution": incident.resolution,
        "resolution_word": incident.resolution_word,
        "chosen_name": incident.chosen_name,
        "task": incident.task,
        "task_due_at": incident.task_due_at,
        "task_done_at": incident.task_done_at,
        "resolved_at": incident.resolved_at,
    }


def _menu(items) -> list[dict]:
    return [
        {
            "id": c.pk,
            "kind": c.kind,
            "name": c.name,
            "description": c.description,
            "size": c.size,
        }
        for c in items
    ]


def _detail(user: User, dynamic_id: int, incident_id: int) -> dict:
    me = require(user, dynamic_id, Act.VIEW)
    detail = queries.incident_detail(me, queries.incident_of(me, incident_id), now())
    return {
        **incident_out(detail.incident, user),
        "apologies": [
            {"author_role": a.author_role, "text": a.text, "at": a.at}
            for a in detail.apologies
        ],
        "corrections": _menu(detail.corrections),
        "rewards": _menu(detail.rewards),
        "make_it_right": detail.make_it_right,
        "care_block": str(detail.care_block.message) if detail.care_block else None,
        "may": [act for act in MAY if getattr(detail, f"may_{act}")],
    }


@router.get(
    "/dynamics/{dynamic_id}/incidents", response=responses({200: IncidentPageOut})
)
def list_incidents(request, query: Query[PageQuery], dynamic_id: int = DynamicId):
    """Open incidents of both partners, and resolved ones 20 a page."""
    only_known_query(request, PageQuery)
    user = person(request)
    me = require(user, dynamic_id, Act.VIEW)
    listing = queries.incident_list(me, query.page, now())
    return {
        "count": listing.resolved.paginator.count,
        "page": listing.resolved.number,
        "pages": listing.resolved.paginator.num_pages,
        "open": [incident_out(i, user) for i in listing.open],
        "items": [incident_out(i, user) for i in listing.resolved],
    }


@router.post(
    "/dynamics/{dynamic_id}/incidents", response=responses({201: IncidentDetailOut})
)
def report_incident(request, body: ReportIn, dynamic_id: int = DynamicId):
    """Reports a broken rule or missed promise (mine or my partner's), or a
    moment worth praise. Late and missed duties are recorded by the clock."""
    user = person(request)
    incident = services.report_incident(
        user, dynamic_id, **body.model_dump(), now=now()
    )
    return Status(201, _detail(user, dynamic_id, incident.pk))


@router.get(
    "/dynamics/{dynamic_id}/incidents/{incident_id}",
    response=responses({200: IncidentDetailOut}),
)
def read_incident(request, dynamic_id: int = DynamicId, incident_id: int = IncidentId):
    """One incident with apologies, the menu to choose from and what I may do."""
    return _detail(person(request), dynamic_id, incident_id)


def _act(path: str, body_doc: str):
    return router.post(
        f"/dynamics/{{dynamic_id}}/incidents/{{incident_id}}/{path}",
        response=responses({200: IncidentDetailOut}),
        summary=body_doc,
    )


@_act("reflection", "Reflect on my slip")
def reflect_on_incident(
    request,
    body: ReflectionIn,
    dynamic_id: int = DynamicId,
    incident_id: int = IncidentId,
):
    """The one who slipped: what happened, and what I will do differently."""
    user = person(request)
    services.reflect(user, dynamic_id, incident_id, **body.model_dump(), now=now())
    return _detail(user, dynamic_id, incident_id)


@_act("apology", "Apologise")
def apologise(
    request, body: TextIn, dynamic_id: int = DynamicId, incident_id: int = IncidentId
):
    """Either partner may apologise; a second apology replaces my first."""
    user = person(request)
    services.apologise(user, dynamic_id, incident_id, text=body.text, now=now())
    return _detail(user, dynamic_id, incident_id)


@_act("consequence", "Give a consequence")
def give_consequence(
    request,
    body: ConsequenceIn,
    dynamic_id: int = DynamicId,
    incident_id: int = IncidentId,
):
    """The leader resolves the follower's slip with a correction from the
    agreed menu (never one off it, never past a limit of care)."""
    user = person(request)
    services.give_consequence(
        user, dynamic_id, incident_id, **body.model_dump(), now=now()
    )
    return _detail(user, dynamic_id, incident_id)


@_act("defer", "Defer the correction")
def defer_correction(
    request, body: DeferIn, dynamic_id: int = DynamicId, incident_id: int = IncidentId
):
    """Puts the correction off until a better moment."""
    user = person(request)
    services.defer_correction(
        user, dynamic_id, incident_id, until=body.until, now=now()
    )
    return _detail(user, dynamic_id, incident_id)


@_act("reward", "Give a reward")
def give_reward(
    request, body: RewardIn, dynamic_id: int = DynamicId, incident_id: int = IncidentId
):
    """The leader answers praise with a reward from the menu."""
    user = person(request)
    services.give_reward(user, dynamic_id, incident_id, **body.model_dump(), now=now())
    return _detail(user, dynamic_id, incident_id)


@_act("celebrate", "Celebrate")
def celebrate(
    request, body: WordIn, dynamic_id: int = DynamicId, incident_id: int = IncidentId
):
    """Closes a moment of praise with a word."""
    user = person(request)
    services.celebrate(user, dynamic_id, incident_id, word=body.word, now=now())
    return _detail(user, dynamic_id, incident_id)


@_act("forgive", "Forgive")
def forgive_incident(
    request, body: WordIn, dynamic_id: int = DynamicId, incident_id: int = IncidentId
):
    """The other partner forgives the slip, with a word."""
    user = person(request)
    services.forgive(user, dynamic_id, incident_id, word=body.word, now=now())
    return _detail(user, dynamic_id, incident_id)


@_act("excuse", "Excuse")
def excuse_incident(
    request, body: WordIn, dynamic_id: int = DynamicId, incident_id: int = IncidentId
):
    """The partner of the one who slipped excuses it: life happened (illness,
    an emergency). The one who slipped cannot excuse themselves."""
    user = person(request)
    services.excuse(user, dynamic_id, incident_id, word=body.word, now=now())
    return _detail(user, dynamic_id, incident_id)


@_act("make-it-right", "Make it right")
def make_it_right(
    request,
    body: MakeItRightIn,
    dynamic_id: int = DynamicId,
    incident_id: int = IncidentId,
):
    """The leader's own slip: they choose how to make it right."""
    user = person(request)
    services.make_it_right(
        user, dynamic_id, incident_id, **body.model_dump(), now=now()
    )
    return _detail(user, dynamic_id, incident_id)


@_act("repair-done", "The repair is done")
def complete_repair(
    request, dynamic_id: int = DynamicId, incident_id: int = IncidentId
):
    """Who owes the task says it is done; the incident is resolved."""
    user = person(request)
    services.complete_repair(user, dynamic_id, incident_id, now=now())
    return _detail(user, dynamic_id, incident_id)


@router.get(
    "/dynamics/{dynamic_id}/make-it-right",
    response=responses({200: list[MakeItRightOut]}),
)
def list_make_it_right(request, dynamic_id: int = DynamicId):
    """The ways the leader may make their own slips right, proposed and agreed."""
    me = require(person(request), dynamic_id, Act.VIEW)
    return queries.make_it_right_items(me.dynamic)


@router.post(
    "/dynamics/{dynamic_id}/make-it-right", response=responses({201: MakeItRightOut})
)
def propose_make_it_right(
    request, body: MakeItRightProposalIn, dynamic_id: int = DynamicId
):
    """Proposes a way to make things right; the other partner agrees to it."""
    item = services.propose_make_it_right(
        person(request), dynamic_id, **body.model_dump(), now=now()
    )
    return Status(201, item)


@router.post(
    "/dynamics/{dynamic_id}/make-it-right/{item_id}/agree",
    response=responses({200: MakeItRightOut}),
)
def agree_make_it_right(request, dynamic_id: int = DynamicId, item_id: int = ItemId):
    """The partner who did not propose it agrees."""
    return services.agree_make_it_right(person(request), dynamic_id, item_id, now=now())


@router.post(
    "/dynamics/{dynamic_id}/make-it-right/{item_id}/withdraw",
    response=responses({200: MakeItRightOut}),
)
def withdraw_make_it_right(request, dynamic_id: int = DynamicId, item_id: int = ItemId):
    """Takes it off the list (past incidents keep what was chosen)."""
    return services.withdraw_make_it_right(
        person(request), dynamic_id, item_id, now=now()
    )


@router.get("/dynamics/{dynamic_id}/ledger", response=responses({200: LedgerOut}))
def read_ledger(request, dynamic_id: int = DynamicId):
    """Totals, each partner's streaks and what is open, as the ledger page
    shows them."""
    user = person(request)
    me = require(user, dynamic_id, Act.VIEW)
    ledger = queries.ledger(me, now())
    return {
        "open": [incident_out(i, user) for i in ledger.open],
        "for_review": [incident_out(i, user) for i in ledger.for_review],
        "resolved": ledger.resolved,
        "rewards": ledger.rewards,
        "forgiven": ledger.forgiven,
        "consequences": ledger.consequences,
        "made_right": ledger.made_right,
        "people": [
            {
                "me": p.membership.user_id == user.pk,
                "role": p.membership.role,
                "name": p.membership.user.display_name,
                "open": p.open,
                "slips_30": p.slips_30,
                "self_reported_30": p.self_reported_30,
                "days_without_missed": p.days_without_missed,
                "days_without_slip": p.days_without_slip,
                "on_time_rate": p.on_time_rate,
                "counted_days": p.counted_days,
            }
            for p in ledger.people
        ],
    }
