"""Talk: check-ins, matters and the decisions log, the journal, weekly reviews.

Private by construction: a partner's check-in comes only as its shared
answers (talk.queries.SharedCheckIn), and journal entries are read only
through JournalEntry.objects.visible_to, so no call returns the partner's
private entries. Writes go through talk.services.
"""

from ninja import Query, Router, Status
from pydantic import BaseModel, Field

from accounts.models import User
from api.routers.common import (
    PageNumber,
    id_param,
    now,
    only_known_query,
    person,
    responses,
)
from api.schemas.talk import (
    BodyIn,
    CheckInIn,
    CheckInsOut,
    DecisionIn,
    DecisionPageOut,
    EntryChangesIn,
    EntryDetailOut,
    EntryIn,
    EntryOut,
    JournalOut,
    LeaderRequestIn,
    MatterAnswerIn,
    MatterDetailOut,
    MatterIn,
    MatterOut,
    MyCheckInOut,
    NoteProposedOut,
    PromptIn,
    PromptOut,
    ReviewDetailOut,
    ReviewNoteIn,
    ReviewNoteOut,
    ReviewOut,
    SearchOut,
)
from dynamics.access import Act, require
from talk import queries, services
from talk import search as talk_search
from talk.models import ANSWER_FIELDS, CheckIn, JournalEntry, Matter

router = Router(tags=["talk"])
DynamicId = id_param("The dynamic's id.")
MatterId = id_param("The matter's id.")
EntryId = id_param("The journal entry's id.")
ReviewId = id_param("The weekly review's id.")
NoteId = id_param("The review note's id.")


class PageQuery(BaseModel):
    page: int = PageNumber


class SearchQuery(BaseModel):
    q: str = Field("", max_length=200, description="Words to look for.")


def mine_out(checkin: CheckIn) -> dict:
    return {
        "day": checkin.day,
        **{name: getattr(checkin, name) for name in ANSWER_FIELDS},
        "shared": [n for n in ANSWER_FIELDS if getattr(checkin, f"{n}_shared")],
        "updated_at": checkin.updated_at,
    }


def matter_out(matter: Matter, user: User, replies: int) -> dict:
    return {
        "id": matter.pk,
        "kind": matter.kind,
        "title": matter.title,
        "body": matter.body,
        "state": matter.state,
        "opened_by_me": matter.opened_by_id == user.pk,
        "opened_at": matter.opened_at,
        "answered_by": matter.answered_by,
        "domain": matter.domain,
        "decide_by": matter.decide_by,
        "decision": matter.decision,
        "reason": matter.reason,
        "closed_at": matter.closed_at,
        "replies": replies,
    }


def entry_out(entry: JournalEntry, user: User) -> dict:
    return {
        "id": entry.pk,
        "mine": entry.author_id == user.pk,
        "visibility": entry.visibility,
        "prompt": entry.prompt,
        "title": entry.title,
        "body": entry.body,
        "created_at": entry.created_at,
        "updated_at": entry.updated_at,
        "shared_at": entry.shared_at,
    }


def review_out(review) -> dict:
    return {
        "id": review.pk,
        "week_start": review.week_start,
        "started_at": review.started_at,
        "held_by_leader_at": review.held_by_leader_at,
        "held_by_follower_at": review.held_by_follower_at,
    }


def _matter_detail(user: User, dynamic_id: int, matter_id: int) -> dict:
    me = require(user, dynamic_id, Act.VIEW)
    detail = queries.matter_detail(me.dynamic, matter_id, now())
    return {
        **matter_out(detail.matter, user, len(detail.comments)),
        "deadline": detail.deadline.due,
        "deadline_state": detail.deadline.state.value,
        "comments": [
            {"mine": c.author_id == user.pk, "body": c.body, "created_at": c.created_at}
            for c in detail.comments
        ],
    }


# ---------------------------------------------------------------- check-ins


@router.get("/dynamics/{dynamic_id}/checkins", response=responses({200: CheckInsOut}))
def read_checkins(request, dynamic_id: int = DynamicId):
    """My check-in today (all of it), my partner's latest (only what they
    shared) and the last two weeks' marks."""
    me = require(person(request), dynamic_id, Act.CHECK_IN)
    page = queries.checkin_page(me, now())
    latest = page.partner_latest
    return {
        "today": page.today,
        "mine": mine_out(page.mine) if page.mine else None,
        "partner_latest": latest.__dict__ if latest else None,
        "days": [{"day": d.day, "checked_in": d.checked_in} for d in page.days],
        "missed": page.missed,
        "prompt_at": page.prompt.prompt_at if page.prompt else None,
        "prompt_enabled": bool(page.prompt and page.prompt.enabled),
        "after_red": page.red is not None,
    }


@router.post("/dynamics/{dynamic_id}/checkins", response=responses({200: MyCheckInOut}))
def check_in(request, body: CheckInIn, dynamic_id: int = DynamicId):
    """Today's check-in (a second one today replaces the first). During a red
    pause, ``aftercare`` answers the aftercare questions too."""
    data = body.model_dump()
    aftercare = data.pop("aftercare")
    checkin = services.check_in(
        person(request),
        dynamic_id,
        **data,
        aftercare=services.AftercareAnswer(**aftercare) if aftercare else None,
        now=now(),
    )
    return mine_out(checkin)


@router.put(
    "/dynamics/{dynamic_id}/checkins/prompt", response=responses({200: PromptOut})
)
def set_checkin_prompt(request, body: PromptIn, dynamic_id: int = DynamicId):
    """When to remind me to check in, every day."""
    prompt = services.set_checkin_prompt(
        person(request),
        dynamic_id,
        prompt_at=body.prompt_at,
        enabled=body.enabled,
        now=now(),
    )
    return {"prompt_at": prompt.prompt_at, "enabled": prompt.enabled}


# ---------------------------------------------------------------- matters


@router.get(
    "/dynamics/{dynamic_id}/matters", response=responses({200: list[MatterOut]})
)
def list_matters(request, dynamic_id: int = DynamicId):
    """The open matters, newest first."""
    user = person(request)
    me = require(user, dynamic_id, Act.VIEW)
    return [
        matter_out(row.matter, user, row.replies)
        for row in queries.open_matters(me.dynamic, now())
    ]


@router.post(
    "/dynamics/{dynamic_id}/matters", response=responses({201: MatterDetailOut})
)
def open_matter(request, body: MatterIn, dynamic_id: int = DynamicId):
    """Raises a request, question or decision; the leader decides after talking."""
    user = person(request)
    matter = services.open_matter(user, dynamic_id, **body.model_dump(), now=now())
    return Status(201, _matter_detail(user, dynamic_id, matter.pk))


@router.post(
    "/dynamics/{dynamic_id}/requests", response=responses({201: MatterDetailOut})
)
def ask_request(request, body: LeaderRequestIn, dynamic_id: int = DynamicId):
    """The leader asks something outside the delegated areas: the follower
    accepts or declines."""
    user = person(request)
    matter = services.open_request_from_leader(
        user, dynamic_id, **body.model_dump(), now=now()
    )
    return Status(201, _matter_detail(user, dynamic_id, matter.pk))


@router.get(
    "/dynamics/{dynamic_id}/matters/{matter_id}",
    response=responses({200: MatterDetailOut}),
)
def read_matter(request, dynamic_id: int = DynamicId, matter_id: int = MatterId):
    """A matter with its whole discussion and its decide-by clock."""
    return _matter_detail(person(request), dynamic_id, matter_id)


@router.post(
    "/dynamics/{dynamic_id}/matters/{matter_id}/comments",
    response=responses({201: MatterDetailOut}),
)
def comment_on_matter(
    request, body: BodyIn, dynamic_id: int = DynamicId, matter_id: int = MatterId
):
    """Adds to the discussion."""
    user = person(request)
    services.comment_on_matter(user, dynamic_id, matter_id, body=body.body, now=now())
    return Status(201, _matter_detail(user, dynamic_id, matter_id))


@router.post(
    "/dynamics/{dynamic_id}/matters/{matter_id}/decide",
    response=responses({200: MatterDetailOut}),
)
def decide_matter(
    request, body: DecisionIn, dynamic_id: int = DynamicId, matter_id: int = MatterId
):
    """The leader decides, with a reason; it goes into the decisions log."""
    user = person(request)
    services.decide_matter(user, dynamic_id, matter_id, **body.model_dump(), now=now())
    return _matter_detail(user, dynamic_id, matter_id)


@router.post(
    "/dynamics/{dynamic_id}/matters/{matter_id}/answer",
    response=responses({200: MatterDetailOut}),
)
def answer_matter_request(
    request,
    body: MatterAnswerIn,
    dynamic_id: int = DynamicId,
    matter_id: int = MatterId,
):
    """The follower accepts or declines the leader's request."""
    user = person(request)
    services.answer_request(user, dynamic_id, matter_id, **body.model_dump(), now=now())
    return _matter_detail(user, dynamic_id, matter_id)


@router.post(
    "/dynamics/{dynamic_id}/matters/{matter_id}/withdraw",
    response=responses({200: MatterDetailOut}),
)
def withdraw_matter(request, dynamic_id: int = DynamicId, matter_id: int = MatterId):
    """Who raised a matter may withdraw it while it is open."""
    user = person(request)
    services.withdraw_matter(user, dynamic_id, matter_id, now=now())
    return _matter_detail(user, dynamic_id, matter_id)


@router.get(
    "/dynamics/{dynamic_id}/decisions", response=responses({200: DecisionPageOut})
)
def list_decisions(request, query: Query[PageQuery], dynamic_id: int = DynamicId):
    """The decisions log, newest first, 20 a page (``search`` finds words)."""
    only_known_query(request, PageQuery)
    user = person(request)
    me = require(user, dynamic_id, Act.VIEW)
    page = queries.decisions_log(me.dynamic, query.page)
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "items": [matter_out(m, user, m.replies) for m in page],
    }


@router.get("/dynamics/{dynamic_id}/search", response=responses({200: SearchOut}))
def search(request, query: Query[SearchQuery], dynamic_id: int = DynamicId):
    """Matters, decisions, journal entries I may read and review notes that
    hold every word of ``q`` (ranked full-text search on PostgreSQL)."""
    only_known_query(request, SearchQuery)
    user = person(request)
    me = require(user, dynamic_id, Act.VIEW)
    found = talk_search.search(me, query.q)
    return {
        "query": found.query,
        "full_text": found.full_text,
        "open_matters": [_hit(m) for m in found.open_matters],
        "decisions": [_hit(m) for m in found.decisions],
        "entries": [entry_out(e, user) for e in found.entries],
        "review_notes": [
            {
                "id": n.pk,
                "review_id": hit.review_id,
                "week_start": hit.week_start,
                "kind": n.kind,
                "body": n.body,
            }
            for hit in found.reviews
            for n in hit.notes
        ],
    }


def _hit(matter: Matter) -> dict:
    return {
        "id": matter.pk,
        "kind": matter.kind,
        "title": matter.title,
        "state": matter.state,
        "decision": matter.decision,
        "reason": matter.reason,
        "closed_at": matter.closed_at,
    }


# ---------------------------------------------------------------- journal


@router.get("/dynamics/{dynamic_id}/journal", response=responses({200: JournalOut}))
def read_journal(request, query: Query[PageQuery], dynamic_id: int = DynamicId):
    """My entries (20 a page) and my partner's shared ones (``search`` finds words)."""
    only_known_query(request, PageQuery)
    user = person(request)
    me = require(user, dynamic_id, Act.VIEW)
    journal = queries.journal_page(me, query.page)
    return {
        "count": journal.mine.paginator.count,
        "page": journal.mine.number,
        "pages": journal.mine.paginator.num_pages,
        "items": [entry_out(e, user) for e in journal.mine],
        "partner_shared": [entry_out(e, user) for e in journal.partner_shared],
        "partner_shared_count": journal.partner_shared_count,
    }


@router.post("/dynamics/{dynamic_id}/journal", response=responses({201: EntryOut}))
def write_entry(request, body: EntryIn, dynamic_id: int = DynamicId):
    """A new entry: private (only me, ever) unless shared."""
    user = person(request)
    entry = services.write_entry(user, dynamic_id, **body.model_dump(), now=now())
    return Status(201, entry_out(entry, user))


@router.get(
    "/dynamics/{dynamic_id}/journal/{entry_id}",
    response=responses({200: EntryDetailOut}),
)
def read_entry(request, dynamic_id: int = DynamicId, entry_id: int = EntryId):
    """An entry I may read, with its comments. A private entry of my partner's
    answers 404, as if it did not exist."""
    user = person(request)
    me = require(user, dynamic_id, Act.VIEW)
    entry = queries.journal_entry(me, entry_id)
    return {
        **entry_out(entry, user),
        "comments": [
            {"mine": c.author_id == user.pk, "body": c.body, "created_at": c.created_at}
            for c in entry.comments.all()
        ],
    }


@router.put(
    "/dynamics/{dynamic_id}/journal/{entry_id}", response=responses({200: EntryOut})
)
def edit_entry(
    request, body: EntryChangesIn, dynamic_id: int = DynamicId, entry_id: int = EntryId
):
    """Changes my own entry (or who may read it)."""
    user = person(request)
    entry = services.edit_entry(
        user, dynamic_id, entry_id, **body.model_dump(), now=now()
    )
    return entry_out(entry, user)


@router.delete(
    "/dynamics/{dynamic_id}/journal/{entry_id}", response=responses({204: None})
)
def delete_entry(request, dynamic_id: int = DynamicId, entry_id: int = EntryId):
    """Deletes my own entry and the comments on it."""
    services.delete_entry(person(request), dynamic_id, entry_id)
    return Status(204, None)


@router.post(
    "/dynamics/{dynamic_id}/journal/{entry_id}/comments",
    response=responses({201: EntryDetailOut}),
)
def comment_on_entry(
    request, body: BodyIn, dynamic_id: int = DynamicId, entry_id: int = EntryId
):
    """A comment on a shared entry (or on my own)."""
    user = person(request)
    services.comment_on_entry(user, dynamic_id, entry_id, body=body.body, now=now())
    return Status(201, read_entry(request, dynamic_id, entry_id))


# ---------------------------------------------------------------- weekly review


@router.get(
    "/dynamics/{dynamic_id}/weekly-reviews", response=responses({200: list[ReviewOut]})
)
def list_weekly_reviews(request, dynamic_id: int = DynamicId):
    """Every weekly review, newest week first."""
    me = require(person(request), dynamic_id, Act.VIEW)
    return [review_out(r) for r in queries.review_list(me.dynamic)]


@router.post(
    "/dynamics/{dynamic_id}/weekly-reviews", response=responses({201: ReviewDetailOut})
)
def start_weekly_review(request, dynamic_id: int = DynamicId):
    """Starts this week's review with a snapshot of the week (or returns it)."""
    user = person(request)
    review = services.start_review(user, dynamic_id, now=now())
    return Status(201, read_weekly_review(request, dynamic_id, review.pk))


@router.get(
    "/dynamics/{dynamic_id}/weekly-reviews/{review_id}",
    response=responses({200: ReviewDetailOut}),
)
def read_weekly_review(request, dynamic_id: int = DynamicId, review_id: int = ReviewId):
    """A review: the week's snapshot, both partners' notes, shared entries."""
    user = person(request)
    me = require(user, dynamic_id, Act.VIEW)
    detail = queries.review_detail(me, review_id)
    return {
        **review_out(detail.review),
        "snapshot": detail.review.snapshot,
        "notes": [
            {
                "id": n.pk,
                "kind": n.kind,
                "mine": n.author_id == user.pk,
                "body": n.body,
                "created_at": n.created_at,
                "matter_id": n.matter_id,
            }
            for notes in detail.notes.values()
            for n in notes
        ],
        "shared_entries": [entry_out(e, user) for e in detail.shared_entries],
        "held_by_me": detail.held_by_me,
        "held_by_partner": detail.held_by_partner,
    }


@router.post(
    "/dynamics/{dynamic_id}/weekly-reviews/{review_id}/notes",
    response=responses({201: ReviewNoteOut}),
)
def add_review_note(
    request, body: ReviewNoteIn, dynamic_id: int = DynamicId, review_id: int = ReviewId
):
    """What went well, what was hard, what to change."""
    user = person(request)
    note = services.add_review_note(
        user, dynamic_id, review_id, kind=body.kind, body=body.body, now=now()
    )
    return Status(
        201,
        {
            "id": note.pk,
            "kind": note.kind,
            "mine": True,
            "body": note.body,
            "created_at": note.created_at,
            "matter_id": note.matter_id,
        },
    )


@router.post(
    "/dynamics/{dynamic_id}/weekly-reviews/{review_id}/held",
    response=responses({200: ReviewOut}),
)
def mark_review_held(request, dynamic_id: int = DynamicId, review_id: int = ReviewId):
    """Says that I held the review (both do, each for themselves)."""
    review = services.mark_review_held(
        person(request), dynamic_id, review_id, now=now()
    )
    return review_out(review)


@router.post(
    "/dynamics/{dynamic_id}/review-notes/{note_id}/matter",
    response=responses({201: MatterDetailOut}),
)
def note_to_matter(request, dynamic_id: int = DynamicId, note_id: int = NoteId):
    """Turns a "what to change" note into a matter to settle."""
    user = person(request)
    matter = services.note_to_matter(user, dynamic_id, note_id, now=now())
    return Status(201, _matter_detail(user, dynamic_id, matter.pk))


@router.post(
    "/dynamics/{dynamic_id}/review-notes/{note_id}/agreement",
    response=responses({201: NoteProposedOut}),
)
def note_to_agreement(request, dynamic_id: int = DynamicId, note_id: int = NoteId):
    """Turns a "what to change" note into a proposed change of the agreement: a
    comment on the open draft (proposed from the one in force if there is none).
    The two then change the draft together and sign it."""
    comment = services.note_to_agreement_change(
        person(request), dynamic_id, note_id, now=now()
    )
    return Status(201, {"version": comment.version.number, "comment": comment.text})
