"""The agreements part of a person's export, and its import.

Included, per dynamic: every version with its areas of life, rules, both
partners' limits (both read them in the agreement) and the hard limits
declared in the dynamic, lifted or standing, the consequence menu,
comments and signatures; the safeword settings; and of the exploration list
the person's own answers and the mutual matches only (never the partner's
other answers). People appear by role; contents by their lineage, which the
import keeps, so comparing versions works the same afterwards.
"""

from typing import Any

from django.db.models import Prefetch

from accounts.models import User
from agreements.models import (
    AgreementVersion,
    Comment,
    Consequence,
    Domain,
    ExplorationAnswer,
    ExplorationItem,
    HardLimit,
    Limit,
    Rule,
    SafewordSettings,
)
from agreements.queries import exploration_export
from dynamics.models import Membership
from instep.archive import (
    ArchivePart,
    ImportContext,
    imported_dynamic,
    parse_at,
    register,
    shared_once,
)

SAFEWORD_FIELDS = [
    "red_word",
    "red_gesture",
    "yellow_word",
    "yellow_gesture",
    "who_is_alerted",
    "leader_aftercare",
    "follower_aftercare",
    "updated_at",
]
HARD_LIMIT_FIELDS = ["owner_role", "text", "tags", "declared_at", "lifted_at"]
CONTENT = {
    "domains": (Domain, ["key", "name", "depth"]),
    "rules": (Rule, ["text", "suspended_when", "tags"]),
    "limits": (Limit, ["owner_role", "kind", "text", "tags"]),
    "consequences": (Consequence, ["kind", "name", "description", "size", "tags"]),
}


def _version(version: AgreementVersion, roles: dict[int, str]) -> dict[str, Any]:
    lineage: dict[tuple[str, int], str] = {}
    out: dict[str, Any] = {
        "number": version.number,
        "based_on": version.based_on.number if version.based_on else None,
        "proposed_by": roles.get(version.proposed_by_id),
        "created_at": version.created_at,
        "review_on": version.review_on.isoformat(),
        "absence_days": version.absence_days,
        "titles_and_protocols": version.titles_and_protocols,
        "proof_retention_days": version.proof_retention_days,
        "weekly_review_day": version.weekly_review_day,
        "weekly_review_at": (
            version.weekly_review_at.isoformat() if version.weekly_review_at else None
        ),
        "leader_signed_at": version.leader_signed_at,
        "follower_signed_at": version.follower_signed_at,
        "in_force_from": version.in_force_from,
    }
    domains = {d.pk: str(d.lineage) for d in version.domain_set.all()}
    for section, (_model, names) in CONTENT.items():
        rows = []
        for item in getattr(version, f"{_model.__name__.lower()}_set").all():
            lineage[(section, item.pk)] = str(item.lineage)
            row = {"lineage": str(item.lineage), **{n: getattr(item, n) for n in names}}
            if section == "rules":
                row["domain"] = domains[item.domain_id]
            rows.append(row)
        out[section] = sorted(rows, key=lambda r: r["lineage"])
    out["comments"] = [
        {
            "section": c.section,
            "item": lineage.get((c.section, c.item_id)) if c.item_id else None,
            "author_role": c.author_role,
            "text": c.text,
            "created_at": c.created_at,
        }
        for c in version.comments.all()
    ]
    return out


def export_agreements(user: User) -> dict[str, Any]:
    result = []
    for me in (
        Membership.objects.filter(user=user)
        .select_related("dynamic", "user")
        .order_by("dynamic__created_at", "dynamic_id")
    ):
        dynamic = me.dynamic
        roles = dict(dynamic.members.values_list("user_id", "role"))
        versions = dynamic.agreement_versions.select_related(
            "based_on"
        ).prefetch_related(
            "domain_set",
            "rule_set",
            "limit_set",
            "consequence_set",
            Prefetch("comments", queryset=Comment.objects.order_by("created_at", "id")),
        )
        safewords = SafewordSettings.objects.filter(dynamic=dynamic).first()
        result.append(
            {
                "dynamic": dynamic.pk,
                "versions": [
                    _version(v, roles) for v in sorted(versions, key=lambda v: v.number)
                ],
                "hard_limits": [
                    {
                        "lineage": str(h.lineage),
                        **{n: getattr(h, n) for n in HARD_LIMIT_FIELDS},
                    }
                    for h in dynamic.hard_limits.order_by("declared_at", "lineage")
                ],
                "safewords": {n: getattr(safewords, n) for n in SAFEWORD_FIELDS}
                | {"updated_by": roles.get(safewords.updated_by_id)}
                if safewords
                else None,
                "custom_ideas": [
                    {
                        "group": i.group,
                        "text": i.text,
                        "directional": i.directional,
                        "created_by": roles.get(i.created_by_id),
                        "created_at": i.created_at,
                    }
                    for i in ExplorationItem.objects.filter(dynamic=dynamic).order_by(
                        "id"
                    )
                ],
                "exploration": exploration_export(me),
                "my_answers": [
                    {
                        "idea": a.item.key or a.item.text,
                        "catalogue": a.item.dynamic_id is None,
                        "direction": a.direction,
                        "answer": a.answer,
                        "updated_at": a.updated_at,
                    }
                    for a in ExplorationAnswer.objects.filter(
                        dynamic=dynamic, user=user
                    )
                    .select_related("item")
                    .order_by("item__key", "item__text", "direction")
                ],
            }
        )
    return {"dynamics": result}


def import_agreements(context: ImportContext, parts: list[ArchivePart]) -> None:
    for part in parts:
        for d in part.data["dynamics"]:
            dynamic, users = imported_dynamic(context, part, d["dynamic"])
            if dynamic is None:
                continue
            if shared_once(context, "agreements", part, d["dynamic"]):
                _import_shared(dynamic, users, d)
            if part.person is not None:
                _import_answers(dynamic, part.person, d)


def _import_shared(dynamic, users: dict[str, User], d: dict[str, Any]) -> None:
    by_number: dict[int, AgreementVersion] = {}
    for v in d["versions"]:
        version = AgreementVersion.objects.create(
            dynamic=dynamic,
            number=v["number"],
            based_on=by_number.get(v["based_on"]),
            proposed_by=users.get(v["proposed_by"]),
            created_at=parse_at(v["created_at"]),
            review_on=v["review_on"],
            absence_days=v["absence_days"],
            titles_and_protocols=v["titles_and_protocols"],
            proof_retention_days=v["proof_retention_days"],
            weekly_review_day=v["weekly_review_day"],
            weekly_review_at=v["weekly_review_at"],
        )
        by_number[version.number] = version
        ids: dict[tuple[str, str], int] = {}
        domains: dict[str, Domain] = {}
        for section, (model, names) in CONTENT.items():
            for row in v[section]:
                fields = {n: row[n] for n in names}
                if section == "rules":
                    fields["domain"] = domains[row["domain"]]
                item = model.objects.create(
                    version=version, lineage=row["lineage"], **fields
                )
                ids[(section, row["lineage"])] = item.pk
                if section == "domains":
                    domains[row["lineage"]] = item
        for c in v["comments"]:
            Comment.objects.create(
                version=version,
                section=c["section"],
                item_id=ids.get((c["section"], c["item"])) if c["item"] else None,
                author=users.get(c["author_role"]),
                author_role=c["author_role"],
                text=c["text"],
                created_at=parse_at(c["created_at"]),
            )
        # Signatures last: a signed version takes no more contents.
        AgreementVersion.objects.filter(pk=version.pk).update(
            leader_signed_at=parse_at(v["leader_signed_at"]),
            leader_signer=users.get("leader") if v["leader_signed_at"] else None,
            follower_signed_at=parse_at(v["follower_signed_at"]),
            follower_signer=users.get("follower") if v["follower_signed_at"] else None,
            in_force_from=parse_at(v["in_force_from"]),
        )
    for h in d.get("hard_limits") or _standing_in(d["versions"]):
        HardLimit.objects.create(
            dynamic=dynamic,
            lineage=h["lineage"],
            owner_role=h["owner_role"],
            text=h["text"],
            tags=h["tags"],
            declared_at=parse_at(h["declared_at"]),
            lifted_at=parse_at(h["lifted_at"]),
        )
    if s := d["safewords"]:
        SafewordSettings.objects.create(
            dynamic=dynamic,
            **{n: s[n] for n in SAFEWORD_FIELDS if n != "updated_at"},
            updated_at=parse_at(s["updated_at"]),
            updated_by=users.get(s["updated_by"]),
        )
    for i in d["custom_ideas"]:
        ExplorationItem.objects.create(
            dynamic=dynamic,
            group=i["group"],
            text=i["text"],
            directional=i["directional"],
            created_by=users.get(i["created_by"]),
            created_at=parse_at(i["created_at"]),
        )


def _standing_in(versions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Returns the hard limits an archive from before ``HardLimit`` implies:
    the open draft's, else those of the latest signed version."""
    drafts = [v for v in versions if v["in_force_from"] is None]
    signed = [v for v in versions if v["in_force_from"] is not None]
    source = drafts[-1] if drafts else (signed[-1] if signed else None)
    if source is None:
        return []
    at = source["in_force_from"] or source["created_at"]
    return [
        {**row, "declared_at": at, "lifted_at": None}
        for row in source["limits"]
        if row["kind"] == "hard"
    ]


def _import_answers(dynamic, person: User, d: dict[str, Any]) -> None:
    catalogue = {i.key: i for i in ExplorationItem.objects.filter(dynamic=None)}
    custom = {i.text: i for i in ExplorationItem.objects.filter(dynamic=dynamic)}
    for a in d["my_answers"]:
        item = (catalogue if a["catalogue"] else custom).get(a["idea"])
        if item is None:
            continue  # a catalogue idea this instance no longer ships
        ExplorationAnswer.objects.create(
            dynamic=dynamic,
            user=person,
            item=item,
            direction=a["direction"],
            answer=a["answer"],
            updated_at=parse_at(a["updated_at"]),
        )


register(
    "agreements",
    title="Agreements",
    export=export_agreements,
    import_=import_agreements,
    order=30,
)
