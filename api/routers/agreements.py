"""Agreements: versions in force and drafts, their contents, signing, comparing;
the safeword settings beside them and the private exploration list.

Reads go through agreements.queries after dynamics.access.require (the same
act the pages ask); writes through agreements.services.
"""

from django.http import Http404
from ninja import Query, Router, Status
from pydantic import BaseModel, Field

from agreements import queries, services
from agreements.queries import SECTION_MODELS
from api.routers.common import id_param, now, only_known_query, person, responses
from api.schemas import MAX_ID
from api.schemas.agreements import (
    AgreementCommentIn,
    AgreementOut,
    AnswersIn,
    ComparisonOut,
    DraftChangesIn,
    DraftIn,
    ExplorationOut,
    IdeaIn,
    IdeaOut,
    ItemIn,
    ItemOut,
    MatchOut,
    ProposedLimitOut,
    SafewordsIn,
    SafewordsOut,
    Section,
    VersionOut,
    VersionSummaryOut,
)
from dynamics.access import Act, require

router = Router(tags=["agreements"])
DynamicId = id_param("The dynamic's id.")
Number = id_param("The version's number (1, 2, …).")
ItemId = id_param("The item's id.")
IdeaId = id_param("The idea's id on the exploration list.")
SECTION_OF = {model: name for name, model in SECTION_MODELS.items()}


class CompareQuery(BaseModel):
    a: int | None = Field(None, ge=1, le=MAX_ID, description="One version number.")
    b: int | None = Field(None, ge=1, le=MAX_ID, description="The other.")


def _signatures(signatures) -> list[dict]:
    return [
        {"role": s.role, "title": s.title, "name": s.name, "signed_at": s.signed_at}
        for s in signatures
    ]


@router.get("/dynamics/{dynamic_id}/agreement", response=responses({200: AgreementOut}))
def read_agreement(request, dynamic_id: int = DynamicId):
    """Which version is in force, the open draft, and whether authority holds."""
    me = require(person(request), dynamic_id, Act.VIEW_AGREEMENT)
    overview = queries.overview(me, now())
    return {
        "in_force": overview.in_force.number if overview.in_force else None,
        "draft": overview.draft.number if overview.draft else None,
        "authority": overview.standing.in_force,
        "paused": overview.standing.paused,
        "standing": str(overview.standing.message),
        "review_in_days": overview.review_in_days,
        "version_count": overview.version_count,
        "hard_limits": overview.hard_limits,
    }


@router.get(
    "/dynamics/{dynamic_id}/agreement/versions",
    response=responses({200: list[VersionSummaryOut]}),
)
def list_agreement_versions(request, dynamic_id: int = DynamicId):
    """Every version, newest first, with who signed when."""
    me = require(person(request), dynamic_id, Act.VIEW_AGREEMENT)
    return [
        {
            "number": row.version.number,
            "status": row.status,
            "created_at": row.version.created_at,
            "review_on": row.version.review_on,
            "in_force_from": row.version.in_force_from,
            "superseded_at": row.superseded_at,
            "signatures": _signatures(row.signatures),
        }
        for row in queries.history(me.dynamic)
    ]


@router.get(
    "/dynamics/{dynamic_id}/agreement/versions/{number}",
    response=responses({200: VersionOut}),
)
def read_agreement_version(request, dynamic_id: int = DynamicId, number: int = Number):
    """One version with its areas of life, rules, both partners' limits, the
    consequence menu, signatures and comments."""
    me = require(person(request), dynamic_id, Act.VIEW_AGREEMENT)
    page = queries.version_page(me, number)
    if page is None:
        raise Http404
    version = page.version
    comments = [*page.general_comments]
    for items in (
        page.domains,
        *(rules for _d, rules in page.rules_by_domain),
        page.my_limits,
        page.partner_limits,
        page.rewards,
        page.corrections,
    ):
        for item in items:
            comments.extend(item.comments)
    return {
        "number": version.number,
        "status": page.status,
        "created_at": version.created_at,
        "review_on": version.review_on,
        "absence_days": version.absence_days,
        "titles_and_protocols": version.titles_and_protocols,
        "in_force_from": version.in_force_from,
        "signatures": _signatures(page.signatures),
        "i_signed": page.i_signed,
        "partner_signed": page.partner_signed,
        "domains": [i.obj for i in page.domains],
        "rules": [i.obj for _d, rules in page.rules_by_domain for i in rules],
        "limits": [i.obj for i in (*page.my_limits, *page.partner_limits)],
        "consequences": [i.obj for i in (*page.rewards, *page.corrections)],
        "comments": sorted(comments, key=lambda c: (c.created_at, c.pk)),
    }


@router.post(
    "/dynamics/{dynamic_id}/agreement/versions",
    response=responses({201: VersionSummaryOut}),
)
def propose_draft(request, body: DraftIn, dynamic_id: int = DynamicId):
    """Starts a draft from the agreement in force, or from the starter template."""
    version = services.propose_draft(
        person(request), dynamic_id, start_from=body.start_from, now=now()
    )
    return Status(
        201,
        {
            "number": version.number,
            "status": "draft",
            "created_at": version.created_at,
            "review_on": version.review_on,
            "in_force_from": None,
            "superseded_at": None,
            "signatures": [],
        },
    )


@router.put(
    "/dynamics/{dynamic_id}/agreement/versions/{number}",
    response=responses({200: VersionSummaryOut}),
)
def update_draft(
    request, body: DraftChangesIn, dynamic_id: int = DynamicId, number: int = Number
):
    """Sets the draft's review date, absence days and titles; clears signatures."""
    services.update_draft(
        person(request), dynamic_id, number=number, **body.model_dump(), now=now()
    )
    return _summary(request, dynamic_id, number)


@router.delete(
    "/dynamics/{dynamic_id}/agreement/versions/{number}",
    response=responses({204: None}),
)
def discard_draft(request, dynamic_id: int = DynamicId, number: int = Number):
    """Throws the draft away (a signed version is never deleted)."""
    services.discard_draft(person(request), dynamic_id, number=number, now=now())
    return Status(204, None)


# Before the {section} routes, which would otherwise match these paths.
@router.post(
    "/dynamics/{dynamic_id}/agreement/versions/{number}/sign",
    response=responses({200: VersionSummaryOut}),
)
def sign_agreement(request, dynamic_id: int = DynamicId, number: int = Number):
    """Signs the draft; once both have signed, it is in force and immutable."""
    services.sign(person(request), dynamic_id, number=number, now=now())
    return _summary(request, dynamic_id, number)


@router.post(
    "/dynamics/{dynamic_id}/agreement/versions/{number}/comments",
    response=responses({201: None}),
)
def comment_on_agreement(
    request, body: AgreementCommentIn, dynamic_id: int = DynamicId, number: int = Number
):
    """A comment on the version, or on one thing in it."""
    services.add_comment(
        person(request),
        dynamic_id,
        number=number,
        section=body.section,
        item_id=body.item_id,
        text=body.text,
        now=now(),
    )
    return Status(201, None)


@router.post(
    "/dynamics/{dynamic_id}/agreement/versions/{number}/{section}",
    response=responses({201: ItemOut}),
)
def add_agreement_item(
    request,
    body: ItemIn,
    section: Section,
    dynamic_id: int = DynamicId,
    number: int = Number,
):
    """Adds an area of life, rule, limit (always your own) or consequence."""
    item = services.add_item(
        person(request),
        dynamic_id,
        number=number,
        section=section,
        values=body.model_dump(exclude_none=True),
        now=now(),
    )
    return Status(201, {"id": item.pk, "section": section})


@router.patch(
    "/dynamics/{dynamic_id}/agreement/versions/{number}/{section}/{item_id}",
    response=responses({200: ItemOut}),
)
def change_agreement_item(
    request,
    body: ItemIn,
    section: Section,
    dynamic_id: int = DynamicId,
    number: int = Number,
    item_id: int = ItemId,
):
    """Changes one thing in the draft; the partner's limits stay theirs."""
    item = services.change_item(
        person(request),
        dynamic_id,
        number=number,
        section=section,
        item_id=item_id,
        values=body.model_dump(exclude_none=True),
        now=now(),
    )
    return {"id": item.pk, "section": section}


@router.delete(
    "/dynamics/{dynamic_id}/agreement/versions/{number}/{section}/{item_id}",
    response=responses({204: None}),
)
def remove_agreement_item(
    request,
    section: Section,
    dynamic_id: int = DynamicId,
    number: int = Number,
    item_id: int = ItemId,
):
    """Takes one thing out of the draft."""
    services.remove_item(
        person(request),
        dynamic_id,
        number=number,
        section=section,
        item_id=item_id,
        now=now(),
    )
    return Status(204, None)


@router.get(
    "/dynamics/{dynamic_id}/agreement/compare",
    response=responses({200: ComparisonOut}),
)
def compare_agreement_versions(
    request, query: Query[CompareQuery], dynamic_id: int = DynamicId
):
    """What changed between versions ``a`` and ``b`` (the latest two without)."""
    only_known_query(request, CompareQuery)
    me = require(person(request), dynamic_id, Act.VIEW_AGREEMENT)
    a, b = query.a, query.b
    if a is None or b is None:
        a, b = queries.default_pair(me.dynamic) or (None, None)
    comparison = queries.compare(me.dynamic, a, b) if a and b else None
    if comparison is None:
        raise Http404
    return {
        "older": comparison.older.number,
        "newer": comparison.newer.number,
        "sections": [
            {
                "key": s.key,
                "title": str(s.title),
                "differences": [
                    {
                        "change": d.change,
                        "title": str(d.title),
                        "lines": [
                            {
                                "label": str(line.label),
                                "before": line.before,
                                "after": line.after,
                            }
                            for line in d.lines
                        ],
                    }
                    for d in s.differences
                ],
            }
            for s in comparison.sections
        ],
    }


def _summary(request, dynamic_id: int, number: int) -> dict:
    me = require(person(request), dynamic_id, Act.VIEW_AGREEMENT)
    row = next(r for r in queries.history(me.dynamic) if r.version.number == number)
    return {
        "number": row.version.number,
        "status": row.status,
        "created_at": row.version.created_at,
        "review_on": row.version.review_on,
        "in_force_from": row.version.in_force_from,
        "superseded_at": row.superseded_at,
        "signatures": _signatures(row.signatures),
    }


# Safewords: outside the signed versions, changed without a signature ---------------


def _safewords(me, settings) -> dict:
    editable = services.FOLLOWER_FIELDS if me.is_follower else services.LEADER_FIELDS
    return {
        **{name: getattr(settings, name) for name in services.FOLLOWER_FIELDS},
        "updated_at": settings.updated_at,
        "may_change": list(editable),
    }


@router.get(
    "/dynamics/{dynamic_id}/agreement/safewords",
    response=responses({200: SafewordsOut}),
)
def read_safewords(request, dynamic_id: int = DynamicId):
    """The signals' words and gestures and both partners' aftercare wishes."""
    me = require(person(request), dynamic_id, Act.VIEW_AGREEMENT)
    return _safewords(me, services.safeword_settings(me.dynamic))


@router.patch(
    "/dynamics/{dynamic_id}/agreement/safewords",
    response=responses({200: SafewordsOut}),
)
def update_safewords(request, body: SafewordsIn, dynamic_id: int = DynamicId):
    """Changes the fields sent, at once and without a new signature. The
    follower may change all of them; the leader only their aftercare wishes
    (``403 safewords_follower_only`` otherwise)."""
    user = person(request)
    settings = services.update_safewords(
        user, dynamic_id, values=body.model_dump(exclude_none=True), now=now()
    )
    me = require(user, dynamic_id, Act.VIEW_AGREEMENT)
    return _safewords(me, settings)


# The exploration list: each partner's answers are their own -----------------------


def _idea(item, answers: dict[str, str]) -> dict:
    return {
        "id": item.pk,
        "group": item.group,
        "text": item.text,
        "directions": [str(d) for d in item.directions],
        "my_answers": answers,
    }


@router.get(
    "/dynamics/{dynamic_id}/exploration", response=responses({200: ExplorationOut})
)
def read_exploration(request, dynamic_id: int = DynamicId):
    """Every idea on the list with your own answers; your partner's are never
    shown here (only the mutual matches are)."""
    me = require(person(request), dynamic_id, Act.EXPLORE)
    exploration = queries.my_exploration(me)
    return {
        "ideas": [
            _idea(row.item, row.answers)
            for group in exploration.groups
            for row in group.rows
        ],
        "answered": exploration.answered,
        "total": exploration.total,
    }


@router.get(
    "/dynamics/{dynamic_id}/exploration/matches",
    response=responses({200: list[MatchOut]}),
)
def read_exploration_matches(request, dynamic_id: int = DynamicId):
    """The ideas you both said yes or maybe to, in directions that fit
    (your "I do it" with their "done to me"); both-yes first."""
    me = require(person(request), dynamic_id, Act.EXPLORE)
    return [
        {
            "idea_id": m.item.pk,
            "text": m.item.text,
            "my_direction": m.my_direction,
            "my_answer": m.my_answer,
            "partner_direction": m.partner_direction,
            "partner_answer": m.partner_answer,
            "both_yes": m.both_yes,
        }
        for m in queries.exploration_matches(me)
    ]


@router.post("/dynamics/{dynamic_id}/exploration", response=responses({201: IdeaOut}))
def add_idea(request, body: IdeaIn, dynamic_id: int = DynamicId):
    """Adds an idea of your own to the couple's list, unanswered."""
    item = services.add_idea(
        person(request),
        dynamic_id,
        text=body.text,
        directional=body.directional,
        now=now(),
    )
    return Status(201, _idea(item, {}))


@router.put(
    "/dynamics/{dynamic_id}/exploration/{item_id}/answers",
    response=responses({200: IdeaOut}),
)
def answer_idea(
    request, body: AnswersIn, dynamic_id: int = DynamicId, item_id: int = IdeaId
):
    """Saves your answers to one idea, per direction; directions left out stay
    as they were, and "" clears one."""
    user = person(request)
    answers = services.answer_idea(
        user, dynamic_id, item_id=item_id, answers=dict(body.answers), now=now()
    )
    me = require(user, dynamic_id, Act.EXPLORE)
    item = queries.exploration_items(me.dynamic).get(pk=item_id)
    return _idea(item, {a.direction: a.answer for a in answers})


@router.post(
    "/dynamics/{dynamic_id}/exploration/{item_id}/to-draft",
    response=responses({201: ProposedLimitOut}),
)
def propose_limit(request, dynamic_id: int = DynamicId, item_id: int = IdeaId):
    """Adds your "hard limit" answer to the open draft as your own hard limit.
    Only this shows that answer to your partner."""
    limit = services.propose_hard_limit(
        person(request), dynamic_id, item_id=item_id, now=now()
    )
    return Status(
        201, {"id": limit.pk, "version": limit.version.number, "text": limit.text}
    )
