"""Writing to the audit trail. Reading it is in queries.py."""

from datetime import datetime

from accounts.models import User
from dynamics.models import AuditEntry, Dynamic, Membership


def record(
    dynamic: Dynamic,
    actor: User | None,
    act: str,
    summary: str,
    *,
    at: datetime,
    membership: Membership | None = None,
) -> AuditEntry:
    """Appends one entry. ``summary`` must not contain names: it outlives accounts."""
    role = ""
    if membership is not None:
        role = membership.role
    elif actor is not None:
        role = (
            Membership.objects.filter(dynamic=dynamic, user=actor)
            .values_list("role", flat=True)
            .first()
            or ""
        )
    return AuditEntry.objects.create(
        dynamic=dynamic, actor=actor, actor_role=role, act=act, summary=summary, at=at
    )
