"""The duties part of a person's export, and its import.

Included, per dynamic: every ritual and task (both partners see them), with
their occurrences, ticks, proof notes, reviews and outcomes, the planned
pauses, and the proof photos still kept (under files/duties/). Calendar feed
links are credentials, not data: make a new one after moving. People appear
by role.
"""

from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile

from accounts.models import User
from duties.models import Duty, Occurrence, ScheduledPause
from dynamics.models import Membership
from instep.archive import (
    ArchivePart,
    ImportContext,
    imported_dynamic,
    parse_at,
    register,
    shared_once,
)

DUTY_FIELDS = [
    "kind",
    "state",
    "title",
    "instructions",
    "domain",
    "needs_note",
    "needs_photo",
    "view_once",
    "reviewed",
    "rule",
    "starts_on",
    "at",
    "pending_change",
    "imposed",
    "suspended_when",
]
DUTY_TIMES = ["due_at", "opens_at", "created_at", "answered_at", "materialised_until"]
OCCURRENCE_FIELDS = ["marked_late", "proof_note", "review", "review_note", "outcome"]
OCCURRENCE_TIMES = [
    "opens_at",
    "due_at",
    "done_at",
    "marked_at",
    "photo_viewed_at",
    "photo_deleted_at",
    "reviewed_at",
    "settled_at",
]
PLAN_TIMES = ["created_at", "starts_at", "ends_at", "cancelled_at"]


def _seconds(value: timedelta | None) -> float | None:
    return value.total_seconds() if value is not None else None


def _plain(value: Any) -> Any:
    # Dates and times as ISO text, so that the import reads back the same.
    return value.isoformat() if hasattr(value, "isoformat") else value


def _photo_name(dynamic, n: int, m: int, name: str) -> str:
    # Named by when the dynamic began (ids are the instance's own).
    ext = name.rsplit(".", 1)[-1] if "." in name else "bin"
    return f"{dynamic.created_at:%Y%m%dT%H%M%S%f}/{n}-{m}.{ext}"


def occurrence_refs(dynamic_id: int) -> dict[int, str]:
    """Returns each occurrence's reference in the export ("<duty>-<n>"), by id:
    conduct's slips point at occurrences with it."""
    refs = {}
    duties = Duty.objects.filter(dynamic_id=dynamic_id).order_by("created_at", "id")
    for n, duty in enumerate(duties.prefetch_related("occurrences")):
        for m, o in enumerate(sorted(duty.occurrences.all(), key=lambda o: o.due_at)):
            refs[o.pk] = f"{n}-{m}"
    return refs


def _duties(user: User):
    for me in (
        Membership.objects.filter(user=user)
        .select_related("dynamic")
        .order_by("dynamic__created_at", "dynamic_id")
    ):
        roles = dict(me.dynamic.members.values_list("user_id", "role"))
        duties = (
            Duty.objects.filter(dynamic=me.dynamic)
            .prefetch_related("occurrences")
            .order_by("created_at", "id")
        )
        yield me.dynamic, roles, duties


def export_duties(user: User) -> dict[str, Any]:
    result = []
    for dynamic, roles, duties in _duties(user):
        rows = []
        for n, duty in enumerate(duties):
            occurrences = []
            for m, o in enumerate(
                sorted(duty.occurrences.all(), key=lambda o: o.due_at)
            ):
                kept = bool(o.proof_photo) and o.photo_deleted_at is None
                occurrences.append(
                    {
                        "ref": f"{n}-{m}",
                        "assignee": roles.get(o.assignee_id),
                        "grace_seconds": _seconds(o.grace),
                        **{f: getattr(o, f) for f in OCCURRENCE_FIELDS},
                        **{f: getattr(o, f) for f in OCCURRENCE_TIMES},
                        "photo": _photo_name(dynamic, n, m, o.proof_photo.name)
                        if kept
                        else None,
                    }
                )
            rows.append(
                {
                    **{f: _plain(getattr(duty, f)) for f in DUTY_FIELDS},
                    **{f: getattr(duty, f) for f in DUTY_TIMES},
                    "assignee": roles.get(duty.assignee_id),
                    "created_by": roles.get(duty.created_by_id),
                    "window_seconds": _seconds(duty.window),
                    "grace_seconds": _seconds(duty.grace),
                    "occurrences": occurrences,
                }
            )
        plans = [
            {
                "reason": p.reason,
                "scope": p.scope,
                "context": p.context,
                "created_by": roles.get(p.created_by_id),
                "rule": p.rule,
                "starts_on": _plain(p.starts_on),
                "at": _plain(p.at),
                "length_seconds": _seconds(p.length),
                "zone": p.zone,
                **{f: getattr(p, f) for f in PLAN_TIMES},
            }
            for p in ScheduledPause.objects.filter(dynamic=dynamic).order_by(
                "created_at", "id"
            )
        ]
        result.append({"dynamic": dynamic.pk, "duties": rows, "planned_pauses": plans})
    return {"dynamics": result}


def export_photos(user: User) -> dict[str, bytes]:
    """Returns the proof photos still kept, named as in duties.json."""
    files = {}
    for dynamic, _roles, duties in _duties(user):
        for n, duty in enumerate(duties):
            for m, o in enumerate(
                sorted(duty.occurrences.all(), key=lambda o: o.due_at)
            ):
                if o.proof_photo and o.photo_deleted_at is None:
                    with o.proof_photo.open("rb") as photo:
                        name = _photo_name(dynamic, n, m, o.proof_photo.name)
                        files[name] = photo.read()
    return files


def _delta(seconds: float | None) -> timedelta | None:
    return timedelta(seconds=seconds) if seconds is not None else None


def import_duties(context: ImportContext, parts: list[ArchivePart]) -> None:
    for part in parts:
        for d in part.data["dynamics"]:
            dynamic, users = imported_dynamic(context, part, d["dynamic"])
            if dynamic is None or not shared_once(
                context, "duties", part, d["dynamic"]
            ):
                continue
            for row in d["duties"]:
                assignee = users.get(row["assignee"])
                if assignee is None:
                    continue  # the partner's own duty stays with them
                duty = Duty.objects.create(
                    dynamic=dynamic,
                    **{f: row[f] for f in DUTY_FIELDS},
                    **{f: parse_at(row[f]) for f in DUTY_TIMES},
                    assignee=assignee,
                    created_by=users.get(row["created_by"]),
                    window=_delta(row["window_seconds"]),
                    grace=_delta(row["grace_seconds"]),
                )
                for o in row["occurrences"]:
                    occ = Occurrence(
                        duty=duty,
                        dynamic=dynamic,
                        assignee=users.get(o["assignee"]) or assignee,
                        grace=_delta(o["grace_seconds"]),
                        **{f: o[f] for f in OCCURRENCE_FIELDS},
                        **{f: parse_at(o[f]) for f in OCCURRENCE_TIMES},
                    )
                    content = part.files.get(o["photo"]) if o["photo"] else None
                    if content is not None:
                        occ.proof_photo.save(
                            o["photo"].rsplit("/", 1)[-1],
                            ContentFile(content),
                            save=False,
                        )
                    occ.save()
                    refs = context.shared.setdefault("duties:occurrences", {})
                    refs[(dynamic.pk, o["ref"])] = occ.pk
            for p in d["planned_pauses"]:
                ScheduledPause.objects.create(
                    dynamic=dynamic,
                    reason=p["reason"],
                    scope=p["scope"],
                    context=p["context"],
                    created_by=users.get(p["created_by"]),
                    rule=p["rule"],
                    starts_on=p["starts_on"],
                    at=p["at"],
                    length=_delta(p["length_seconds"]),
                    zone=p["zone"],
                    **{f: parse_at(p[f]) for f in PLAN_TIMES},
                )


register(
    "duties",
    title="Duties",
    export=export_duties,
    import_=import_duties,
    order=40,
    files=export_photos,
)
