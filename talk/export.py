"""The talk part of a person's data export.

Returns what the person wrote or may read: their own check-ins (every answer,
private ones included: they are theirs), their own journal entries, the
partner's SHARED entries and the comments on them, and the dynamic's matters
and reviews. The partner's private check-in answers and private journal
entries are never read, so no export of one partner can carry the other's.
"""

from django.db.models import Prefetch

from accounts.models import User
from dynamics.models import Membership
from talk.models import ANSWER_FIELDS, JournalComment, JournalEntry, MatterComment


def talk_export(user: User) -> list[dict]:
    """Returns one dict per dynamic of the person, JSON-ready."""
    result = []
    memberships = Membership.objects.filter(user=user).select_related("dynamic")
    for membership in memberships:
        dynamic = membership.dynamic
        checkins = [
            {
                "day": c.day.isoformat(),
                **{name: getattr(c, name) for name in ANSWER_FIELDS},
                "shared": [n for n in ANSWER_FIELDS if getattr(c, f"{n}_shared")],
            }
            for c in dynamic.checkins.filter(user=user).order_by("day")
        ]
        entries = [
            {
                "mine": e.author_id == user.pk,
                "visibility": e.visibility,
                "created_at": e.created_at.isoformat(),
                "prompt": e.prompt,
                "title": e.title,
                "body": e.body,
                "comments": [
                    {"mine": c.author_id == user.pk, "body": c.body}
                    for c in e.comments.all()
                ],
            }
            for e in JournalEntry.objects.visible_to(user)
            .filter(dynamic=dynamic)
            .prefetch_related(
                Prefetch("comments", queryset=JournalComment.objects.order_by("id"))
            )
            .order_by("created_at")
        ]
        matters = [
            {
                "kind": m.kind,
                "title": m.title,
                "body": m.body,
                "state": m.state,
                "decision": m.decision,
                "reason": m.reason,
                "opened_at": m.opened_at.isoformat(),
                "closed_at": m.closed_at.isoformat() if m.closed_at else None,
                "discussion": [
                    {"mine": c.author_id == user.pk, "body": c.body}
                    for c in m.comments.all()
                ],
            }
            for m in dynamic.matters.prefetch_related(
                Prefetch("comments", queryset=MatterComment.objects.order_by("id"))
            ).order_by("opened_at")
        ]
        reviews = [
            {
                "week_start": r.week_start.isoformat(),
                "notes": [
                    {"kind": n.kind, "mine": n.author_id == user.pk, "body": n.body}
                    for n in r.notes.all()
                ],
            }
            for r in dynamic.reviews.prefetch_related("notes").order_by("week_start")
        ]
        result.append(
            {
                "dynamic": dynamic.pk,
                "checkins": checkins,
                "journal": entries,
                "matters": matters,
                "reviews": reviews,
            }
        )
    return result
