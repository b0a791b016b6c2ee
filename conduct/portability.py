"""The conduct part of a person's export, and its import.

Included, per dynamic: every incident on either side (both partners see
them) with reflections, apologies and how each was resolved, and the
make-it-right list. People appear by role; an incident's rule and menu item
by the agreement version and their lineage, a slip's occurrence by its
reference in the duties section.
"""

from typing import Any

from accounts.models import User
from agreements.models import Consequence, Rule
from conduct.models import Apology, Incident, MakeItRight
from duties.portability import occurrence_refs
from dynamics.models import Membership
from instep.archive import (
    ArchivePart,
    ImportContext,
    imported_dynamic,
    parse_at,
    register,
    shared_once,
)

OCCURRENCE = "occurrence:"
INCIDENT_FIELDS = [
    "source",
    "subject_role",
    "self_reported",
    "title",
    "note",
    "state",
    "reflection_what",
    "reflection_next",
    "resolution",
    "resolution_word",
    "chosen_name",
    "task",
]
INCIDENT_TIMES = [
    "occurred_at",
    "reported_at",
    "reflected_at",
    "deferred_until",
    "chosen_at",
    "task_due_at",
    "task_done_at",
    "resolved_at",
]
ITEM_TIMES = ["proposed_at", "agreed_at", "withdrawn_at"]


def _ref(obj) -> dict | None:
    if obj is None:
        return None
    return {"version": obj.version.number, "lineage": str(obj.lineage)}


def export_conduct(user: User) -> dict[str, Any]:
    result = []
    for me in (
        Membership.objects.filter(user=user)
        .select_related("dynamic")
        .order_by("dynamic__created_at", "dynamic_id")
    ):
        dynamic = me.dynamic
        roles = dict(dynamic.members.values_list("user_id", "role"))
        items = list(MakeItRight.objects.filter(dynamic=dynamic).order_by("id"))
        item_key = {i.pk: n for n, i in enumerate(items)}
        refs = occurrence_refs(dynamic.pk)
        incidents = []
        for i in (
            Incident.objects.filter(dynamic=dynamic)
            .select_related("rule__version", "consequence__version")
            .prefetch_related("apologies")
            .order_by("reported_at", "id")
        ):
            key = i.source_key
            if key.startswith(OCCURRENCE):
                key = OCCURRENCE + refs.get(int(key[len(OCCURRENCE) :]), "gone")
            incidents.append(
                {
                    **{f: getattr(i, f) for f in INCIDENT_FIELDS + INCIDENT_TIMES},
                    "source_key": key,
                    "subject": roles.get(i.subject_id),
                    "reported_by": roles.get(i.reported_by_id),
                    "resolved_by": roles.get(i.resolved_by_id),
                    "rule": _ref(i.rule),
                    "consequence": _ref(i.consequence),
                    "make_it_right": item_key.get(i.make_it_right_id),
                    "apologies": [
                        {"by": a.author_role, "text": a.text, "at": a.at}
                        for a in sorted(i.apologies.all(), key=lambda a: a.pk)
                    ],
                }
            )
        result.append(
            {
                "dynamic": dynamic.pk,
                "incidents": incidents,
                "make_it_right": [
                    {
                        "name": i.name,
                        "description": i.description,
                        "proposed_by_role": i.proposed_by_role,
                        **{f: getattr(i, f) for f in ITEM_TIMES},
                    }
                    for i in items
                ],
            }
        )
    return {"dynamics": result}


def _find(model, dynamic, ref: dict | None):
    if ref is None:
        return None
    return model.objects.filter(
        version__dynamic=dynamic, version__number=ref["version"], lineage=ref["lineage"]
    ).first()


def import_conduct(context: ImportContext, parts: list[ArchivePart]) -> None:
    occurrences = context.shared.get("duties:occurrences", {})
    for part in parts:
        for d in part.data["dynamics"]:
            dynamic, users = imported_dynamic(context, part, d["dynamic"])
            if dynamic is None or not shared_once(
                context, "conduct", part, d["dynamic"]
            ):
                continue
            items = [
                MakeItRight.objects.create(
                    dynamic=dynamic,
                    name=i["name"],
                    description=i["description"],
                    proposed_by_role=i["proposed_by_role"],
                    **{f: parse_at(i[f]) for f in ITEM_TIMES},
                )
                for i in d["make_it_right"]
            ]
            for i in d["incidents"]:
                key = i["source_key"]
                if key.startswith(OCCURRENCE):
                    pk = occurrences.get((dynamic.pk, key[len(OCCURRENCE) :]))
                    # A slip whose occurrence did not come along keeps a key
                    # no occurrence here can have.
                    key = f"{OCCURRENCE}{pk}" if pk else f"{OCCURRENCE}gone-{key}"
                incident = Incident.objects.create(
                    dynamic=dynamic,
                    **{f: i[f] for f in INCIDENT_FIELDS},
                    **{f: parse_at(i[f]) for f in INCIDENT_TIMES},
                    source_key=key,
                    subject=users.get(i["subject"]),
                    reported_by=users.get(i["reported_by"]),
                    resolved_by=users.get(i["resolved_by"]),
                    rule=_find(Rule, dynamic, i["rule"]),
                    consequence=_find(Consequence, dynamic, i["consequence"]),
                    make_it_right=items[i["make_it_right"]]
                    if i["make_it_right"] is not None
                    else None,
                )
                for a in i["apologies"]:
                    Apology.objects.create(
                        incident=incident,
                        author=users.get(a["by"]),
                        author_role=a["by"],
                        text=a["text"],
                        at=parse_at(a["at"]),
                    )


register(
    "conduct",
    title="Conduct",
    export=export_conduct,
    import_=import_conduct,
    order=60,
)
