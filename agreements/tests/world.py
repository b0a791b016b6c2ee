"""URL arguments for the project's permission table (tests/test_permissions.py)."""

from django.utils import timezone

from agreements import services
from agreements.models import AgreementVersion, ExplorationItem
from dynamics.models import Membership


def draft_of(dynamic_id: int) -> AgreementVersion:
    """Returns the dynamic's draft, proposed by its leader from the starter."""
    draft = AgreementVersion.objects.filter(
        dynamic_id=dynamic_id, in_force_from__isnull=True
    ).first()
    if draft is None:
        leader = Membership.objects.get(dynamic_id=dynamic_id, role="leader").user
        draft = services.propose_draft(
            leader, dynamic_id, start_from="starter", now=timezone.now()
        )
    return draft


def version_kwargs(world) -> dict:
    """Returns URL arguments naming the world's draft."""
    return {"dynamic_id": world.dynamic_id, "number": draft_of(world.dynamic_id).number}


def item_kwargs(world) -> dict:
    """Returns URL arguments naming one area of life in the world's draft."""
    draft = draft_of(world.dynamic_id)
    return {
        **version_kwargs(world),
        "section": "domains",
        "item_id": draft.domain_set.values_list("pk", flat=True).first(),
    }


def section_kwargs(world) -> dict:
    return {**version_kwargs(world), "section": "rules"}


def idea_kwargs(world) -> dict:
    """Returns URL arguments naming an idea of the couple's own."""
    idea = ExplorationItem.objects.filter(dynamic_id=world.dynamic_id).first()
    if idea is None:
        leader = Membership.objects.get(dynamic_id=world.dynamic_id, role="leader")
        idea = services.add_idea(
            leader.user,
            world.dynamic_id,
            text="Learning a dance",
            directional=True,
            now=timezone.now(),
        )
    return {"dynamic_id": world.dynamic_id, "item_id": idea.pk}
