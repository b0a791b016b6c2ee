"""Agreements: versions in force and drafts, their contents, signing, comparing.

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
    ComparisonOut,
    DraftChangesIn,
    DraftIn,
    ItemIn,
    ItemOut,
    Section,
    VersionOut,
    VersionSummaryOut,
)
from dynamics.access import Act, require

router = Router(tags=["agreements"])
DynamicId = id_param("The dynamic's id.")
Number = id_param("The version's number (1, 2, …).")
ItemId = id_param("The item's id.")
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
