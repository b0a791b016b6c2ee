"""The talk part of a person's export, and its import.

Included, per dynamic: the person's own check-ins (every answer, private
ones too: they are theirs) and check-in reminder, their own journal entries
with the comments on them, the partner's SHARED entries (to read; they are
imported from their author's own archive), and the matters, decisions and
weekly reviews both partners see. The partner's private check-in answers and
private entries are never read (talk/tests/test_journal.py proves it).

People appear by role. Matters and entries are referred to by their place
(matters in the order they were opened, entries by author and time), so the
weekly reviews' snapshots point at the right ones after an import.
"""

from typing import Any

from django.db.models import Prefetch

from accounts.models import User
from dynamics.models import Membership, Pause
from instep.archive import (
    ArchivePart,
    ImportContext,
    imported_dynamic,
    parse_at,
    register,
    shared_once,
)
from talk.models import (
    ANSWER_FIELDS,
    CheckIn,
    CheckInPrompt,
    JournalComment,
    JournalEntry,
    Matter,
    MatterComment,
    ReviewNote,
    WeeklyReview,
)

MATTER_FIELDS = ["kind", "title", "body", "answered_by", "domain", "state"]
MATTER_TEXT = ["decision", "reason"]
MATTER_TIMES = ["opened_at", "decide_by", "closed_at"]
ENTRY_FIELDS = ["visibility", "prompt", "title", "body"]
ENTRY_TIMES = ["created_at", "updated_at", "shared_at"]
REVIEW_TIMES = ["started_at", "snapshot_at", "held_by_leader_at", "held_by_follower_at"]


def _entry_key(role: str | None, created_at) -> str:
    return f"{role}@{created_at.isoformat()}"


def _snapshot(snapshot: dict, matter_key: dict, entry_key: dict) -> dict:
    """The snapshot with database ids swapped for the export's references
    (``to`` does the reverse on import)."""
    out = dict(snapshot)
    for name in ("decisions", "open_matters"):
        out[name] = [
            {**m, "id": matter_key.get(m.get("id"))} for m in snapshot.get(name, [])
        ]
    out["shared_entries"] = [
        entry_key[i] for i in snapshot.get("shared_entries", []) if i in entry_key
    ]
    return out


def export_talk(user: User) -> dict[str, Any]:
    result = []
    for me in (
        Membership.objects.filter(user=user)
        .select_related("dynamic")
        .order_by("dynamic__created_at", "dynamic_id")
    ):
        dynamic = me.dynamic
        roles = dict(dynamic.members.values_list("user_id", "role"))
        red_pauses = {p.pk: p.started_at for p in dynamic.pauses.all()}
        checkins = [
            {
                "day": c.day.isoformat(),
                **{n: getattr(c, n) for n in ANSWER_FIELDS},
                "shared": [n for n in ANSWER_FIELDS if getattr(c, f"{n}_shared")],
                "after_red": red_pauses.get(c.after_red_id),
                "created_at": c.created_at,
                "updated_at": c.updated_at,
                "shared_updated_at": c.shared_updated_at,
            }
            for c in dynamic.checkins.filter(user=user).order_by("day")
        ]
        prompt = CheckInPrompt.objects.filter(dynamic=dynamic, user=user).first()
        matters = list(
            dynamic.matters.prefetch_related(
                Prefetch("comments", queryset=MatterComment.objects.order_by("id"))
            ).order_by("opened_at", "id")
        )
        matter_key = {m.pk: n for n, m in enumerate(matters)}
        # By time, then author: each author's entries are imported from their
        # own archive, so ids only keep their order within one author.
        entries = sorted(
            JournalEntry.objects.visible_to(user)
            .filter(dynamic=dynamic)
            .prefetch_related(
                Prefetch("comments", queryset=JournalComment.objects.order_by("id"))
            ),
            key=lambda e: (e.created_at, roles.get(e.author_id) or "", e.pk),
        )
        every_shared = JournalEntry.objects.filter(
            dynamic=dynamic, visibility=JournalEntry.Visibility.SHARED
        ).values_list("id", "author_id", "created_at")
        entry_key = {
            i: _entry_key(roles.get(author), at) for i, author, at in every_shared
        }
        result.append(
            {
                "dynamic": dynamic.pk,
                "checkins": checkins,
                "checkin_prompt": {
                    "prompt_at": prompt.prompt_at.isoformat(),
                    "enabled": prompt.enabled,
                }
                if prompt
                else None,
                "matters": [
                    {
                        **{f: getattr(m, f) for f in MATTER_FIELDS + MATTER_TEXT},
                        **{f: getattr(m, f) for f in MATTER_TIMES},
                        "opened_by": roles.get(m.opened_by_id),
                        "closed_by": roles.get(m.closed_by_id),
                        "discussion": [
                            {
                                "by": roles.get(c.author_id),
                                "body": c.body,
                                "created_at": c.created_at,
                            }
                            for c in m.comments.all()
                        ],
                    }
                    for m in matters
                ],
                "journal": [
                    {
                        "by": roles.get(e.author_id),
                        "mine": e.author_id == user.pk,
                        **{f: getattr(e, f) for f in ENTRY_FIELDS + ENTRY_TIMES},
                        "comments": [
                            {
                                "by": roles.get(c.author_id),
                                "body": c.body,
                                "created_at": c.created_at,
                            }
                            for c in e.comments.all()
                        ],
                    }
                    for e in entries
                ],
                "weekly_reviews": [
                    {
                        "week_start": r.week_start.isoformat(),
                        "started_by": roles.get(r.started_by_id),
                        **{f: getattr(r, f) for f in REVIEW_TIMES},
                        "snapshot": _snapshot(r.snapshot, matter_key, entry_key),
                        "notes": [
                            {
                                "kind": n.kind,
                                "by": roles.get(n.author_id),
                                "body": n.body,
                                "created_at": n.created_at,
                                "matter": matter_key.get(n.matter_id),
                            }
                            for n in sorted(r.notes.all(), key=lambda n: n.pk)
                        ],
                    }
                    for r in dynamic.reviews.prefetch_related("notes").order_by(
                        "week_start"
                    )
                ],
            }
        )
    return {"dynamics": result}


def import_talk(context: ImportContext, parts: list[ArchivePart]) -> None:
    # Entries first (from their authors' archives), then what refers to them.
    pending = []
    for part in parts:
        for d in part.data["dynamics"]:
            dynamic, users = imported_dynamic(context, part, d["dynamic"])
            if dynamic is None or part.person is None:
                continue
            entries = context.shared.setdefault("talk:entries", {})
            _import_own(context, dynamic, users, part.person, d, entries)
            if shared_once(context, "talk", part, d["dynamic"]):
                pending.append((dynamic, users, d))
    for dynamic, users, d in pending:
        _import_shared(context, dynamic, users, d)


def _import_own(context, dynamic, users, person: User, d: dict, entries: dict):
    pauses = {p.started_at: p for p in Pause.objects.filter(dynamic=dynamic)}
    for c in d["checkins"]:
        CheckIn.objects.create(
            dynamic=dynamic,
            user=person,
            day=c["day"],
            **{n: c[n] for n in ANSWER_FIELDS},
            **{f"{n}_shared": n in c["shared"] for n in ANSWER_FIELDS},
            after_red=pauses.get(parse_at(c["after_red"])),
            created_at=parse_at(c["created_at"]),
            updated_at=parse_at(c["updated_at"]),
            # Archives from before this time was kept: the last change then.
            shared_updated_at=parse_at(c.get("shared_updated_at") or c["updated_at"]),
        )
    if p := d["checkin_prompt"]:
        CheckInPrompt.objects.create(
            dynamic=dynamic, user=person, prompt_at=p["prompt_at"], enabled=p["enabled"]
        )
    for e in d["journal"]:
        if not e["mine"]:
            continue  # the partner's entries come from their own archive
        entry = JournalEntry.objects.create(
            dynamic=dynamic,
            author=person,
            **{f: e[f] for f in ENTRY_FIELDS},
            **{f: parse_at(e[f]) for f in ENTRY_TIMES},
        )
        for c in e["comments"]:
            JournalComment.objects.create(
                entry=entry,
                author=users.get(c["by"]),
                body=c["body"],
                created_at=parse_at(c["created_at"]),
            )
        entries[(dynamic.pk, _entry_key(e["by"], entry.created_at))] = entry.pk


def _import_shared(context, dynamic, users, d: dict) -> None:
    entries = context.shared.get("talk:entries", {})
    matters = []
    for m in d["matters"]:
        matter = Matter.objects.create(
            dynamic=dynamic,
            **{f: m[f] for f in MATTER_FIELDS + MATTER_TEXT},
            **{f: parse_at(m[f]) for f in MATTER_TIMES},
            opened_by=users.get(m["opened_by"]),
            closed_by=users.get(m["closed_by"]),
        )
        MatterComment.objects.bulk_create(
            MatterComment(
                matter=matter,
                author=users.get(c["by"]),
                body=c["body"],
                created_at=parse_at(c["created_at"]),
            )
            for c in m["discussion"]
        )
        matters.append(matter)
    for r in d["weekly_reviews"]:
        snapshot = dict(r["snapshot"])
        for name in ("decisions", "open_matters"):
            snapshot[name] = [
                {**m, "id": matters[m["id"]].pk if m["id"] is not None else None}
                for m in snapshot.get(name, [])
            ]
        snapshot["shared_entries"] = [
            entries[(dynamic.pk, key)]
            for key in snapshot.get("shared_entries", [])
            if (dynamic.pk, key) in entries
        ]
        review = WeeklyReview.objects.create(
            dynamic=dynamic,
            week_start=r["week_start"],
            started_by=users.get(r["started_by"]),
            snapshot=snapshot,
            **{f: parse_at(r[f]) for f in REVIEW_TIMES},
        )
        for n in r["notes"]:
            ReviewNote.objects.create(
                review=review,
                kind=n["kind"],
                author=users.get(n["by"]),
                body=n["body"],
                created_at=parse_at(n["created_at"]),
                matter=matters[n["matter"]] if n["matter"] is not None else None,
            )


register("talk", title="Talk", export=export_talk, import_=import_talk, order=50)
