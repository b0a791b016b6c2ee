"""The dynamics part of a person's export.

Included: every dynamic the person is in, both members (display name, role,
title: what each sees of the other), pauses, signals and the audit trail
(shared, visible to both), the invitations the person made (never a token or
its hash), and the person's own aftercare. Of the partner's aftercare only
what the partner sees is shared: whether they were ready to resume, not how
they felt or what they wrote.

People are referred to by their role in the dynamic, so that two partners'
archives imported together join up again.
"""

from collections import defaultdict
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from accounts.models import User
from dynamics import audit
from dynamics.models import (
    Aftercare,
    AuditEntry,
    Dynamic,
    Invitation,
    Membership,
    Pause,
    Signal,
)
from instep.archive import ArchivePart, ImportContext, register
from instep.tokens import dead_token_hash

State = Dynamic.State


def export_dynamics(user: User) -> dict[str, Any]:
    mine = {
        m.dynamic_id: m
        for m in Membership.objects.filter(user=user).select_related("dynamic")
    }
    ids = list(mine)
    roles: dict[int, dict[int, str]] = defaultdict(dict)
    members: dict[int, list[dict]] = defaultdict(list)
    for m in Membership.objects.filter(dynamic_id__in=ids).select_related("user"):
        roles[m.dynamic_id][m.user_id] = m.role
        members[m.dynamic_id].append(
            {
                "role": m.role,
                "title": m.title,
                "display_name": m.user.display_name,
                "joined_at": m.joined_at,
                "me": m.user_id == user.pk,
            }
        )

    def by(dynamic_id: int, user_id: int | None) -> str | None:
        return roles[dynamic_id].get(user_id) if user_id else None

    aftercare: dict[int, list[dict]] = defaultdict(list)
    for a in Aftercare.objects.filter(pause__dynamic_id__in=ids).select_related(
        "pause"
    ):
        entry = {
            "by": by(a.pause.dynamic_id, a.user_id),
            "ready_to_resume": a.ready_to_resume,
            "updated_at": a.updated_at,
        }
        if a.user_id == user.pk:  # the partner's feeling and note stay theirs
            entry |= {"feeling": a.feeling, "note": a.note}
        aftercare[a.pause_id].append(entry)
    pauses: dict[int, list[dict]] = defaultdict(list)
    for p in Pause.objects.filter(dynamic_id__in=ids).order_by("started_at", "id"):
        pauses[p.dynamic_id].append(
            {
                "id": p.pk,
                "reason": p.reason,
                "started_by": by(p.dynamic_id, p.started_by_id),
                "started_at": p.started_at,
                "ended_by": by(p.dynamic_id, p.ended_by_id),
                "ended_at": p.ended_at,
                "aftercare": sorted(aftercare[p.pk], key=lambda a: a["by"] or ""),
            }
        )
    signals: dict[int, list[dict]] = defaultdict(list)
    for s in Signal.objects.filter(dynamic_id__in=ids).order_by("sent_at", "id"):
        signals[s.dynamic_id].append(
            {
                "id": s.pk,
                "kind": s.kind,
                "sent_by": by(s.dynamic_id, s.sent_by_id),
                "sent_at": s.sent_at,
                "acknowledged_at": s.acknowledged_at,
                "idempotency_key": s.idempotency_key,
            }
        )
    trail: dict[int, list[dict]] = defaultdict(list)
    for e in AuditEntry.objects.filter(dynamic_id__in=ids).order_by("at", "id"):
        trail[e.dynamic_id].append(
            {
                "at": e.at,
                "act": e.act,
                "actor": by(e.dynamic_id, e.actor_id),
                "actor_role": e.actor_role,
                "summary": e.summary,
            }
        )
    invitations: dict[int, list[dict]] = defaultdict(list)
    for i in Invitation.objects.filter(dynamic_id__in=ids, created_by=user).order_by(
        "created_at", "id"
    ):
        invitations[i.dynamic_id].append(
            {
                "email": i.email,
                "created_at": i.created_at,
                "expires_at": i.expires_at,
                "used_at": i.used_at,
                "outcome": i.outcome,
            }
        )
    return {
        "dynamics": [
            {
                "id": d.pk,
                "name": d.name,
                "state": d.state,
                "leader_title": d.leader_title,
                "follower_title": d.follower_title,
                "created_at": d.created_at,
                "ended_at": d.ended_at,
                "my_role": mine[d.pk].role,
                "members": sorted(members[d.pk], key=lambda m: m["role"]),
                "invitations_i_made": invitations[d.pk],
                "pauses": pauses[d.pk],
                "signals": signals[d.pk],
                "audit_trail": trail[d.pk],
            }
            for d in sorted((m.dynamic for m in mine.values()), key=lambda d: d.pk)
        ]
    }


def _at(value: str | None):
    return parse_datetime(value) if value else None


def import_dynamics(context: ImportContext, parts: list[ArchivePart]) -> None:
    """Recreates each dynamic once, joining the archives of both partners."""
    groups: dict[tuple[str, int], list[tuple[User, dict]]] = defaultdict(list)
    for part in parts:
        for d in part.data["dynamics"]:
            groups[(part.manifest["source"], d["id"])].append((part.person, d))
    # In their original order, so that lists ordered by id read the same.
    for key in sorted(groups):
        dynamic, users = _import_dynamic(context, groups[key])
        # Later sections find the dynamic (and its members by role) by the
        # export's key: see instep.archive.imported_dynamic.
        context.shared.setdefault("dynamics", {})[key] = (dynamic, users)


def _import_dynamic(
    context: ImportContext, entries: list[tuple[User, dict]]
) -> tuple[Dynamic, dict[str, User]]:
    first = entries[0][1]
    users = {d["my_role"]: person for person, d in entries}
    roles = {m["role"] for m in first["members"]}
    # A partner whose archive is not imported has no account here: the
    # dynamic is kept as history, ended, since nobody could answer its signals.
    partner_missing = roles - users.keys() and first["state"] != State.FORMING
    dynamic = Dynamic.objects.create(
        name=first["name"],
        state=State.ENDED if partner_missing else first["state"],
        leader_title=first["leader_title"],
        follower_title=first["follower_title"],
        created_at=_at(first["created_at"]),
        ended_at=_at(first["ended_at"]) or (context.now if partner_missing else None),
    )
    for m in first["members"]:
        if m["role"] in users:
            Membership.objects.create(
                dynamic=dynamic,
                user=users[m["role"]],
                role=m["role"],
                joined_at=_at(m["joined_at"]),
            )

    def who(role: str | None) -> User | None:
        return users.get(role) if role else None

    own_aftercare = {
        (p["id"], d["my_role"]): a
        for _person, d in entries
        for p in d["pauses"]
        for a in p["aftercare"]
        if a["by"] == d["my_role"] and "feeling" in a
    }
    for p in first["pauses"]:
        ended_at = _at(p["ended_at"])
        if ended_at is None and partner_missing:
            ended_at = max(context.now, _at(p["started_at"]))
        pause = Pause.objects.create(
            dynamic=dynamic,
            reason=p["reason"],
            started_by=who(p["started_by"]),
            started_at=_at(p["started_at"]),
            ended_by=who(p["ended_by"]),
            ended_at=ended_at,
        )
        for role in roles & users.keys():
            if a := own_aftercare.get((p["id"], role)):
                Aftercare.objects.create(
                    pause=pause,
                    user=users[role],
                    feeling=a["feeling"],
                    note=a["note"],
                    ready_to_resume=a["ready_to_resume"],
                    updated_at=_at(a["updated_at"]),
                )
    Signal.objects.bulk_create(
        Signal(
            dynamic=dynamic,
            kind=s["kind"],
            sent_by=who(s["sent_by"]),
            sent_at=_at(s["sent_at"]),
            acknowledged_at=_at(s["acknowledged_at"]),
            idempotency_key=s["idempotency_key"] if who(s["sent_by"]) else "",
        )
        for s in first["signals"]
    )
    AuditEntry.objects.bulk_create(
        AuditEntry(
            dynamic=dynamic,
            actor=who(e["actor"]),
            actor_role=e["actor_role"],
            act=e["act"],
            summary=e["summary"],
            at=_at(e["at"]),
        )
        for e in first["audit_trail"]
    )
    for person, d in entries:
        for i in d["invitations_i_made"]:
            Invitation.objects.create(
                dynamic=dynamic,
                created_by=person,
                # The token itself was never stored: an imported link is dead.
                token_hash=dead_token_hash(),
                email=i["email"],
                created_at=_at(i["created_at"]),
                expires_at=_at(i["expires_at"]),
                used_at=_at(i["used_at"]),
                outcome=i["outcome"],
            )
    if partner_missing:
        audit.record(
            dynamic,
            None,
            "imported_without_partner",
            _("Imported without the partner's account; the dynamic is kept ended"),
            at=context.now,
        )
        context.notes.append(
            f"“{dynamic}” was imported without the partner's archive and is ended."
        )
    return dynamic, users


register(
    "dynamics",
    title="Your dynamics",
    export=export_dynamics,
    import_=import_dynamics,
    order=20,
)
