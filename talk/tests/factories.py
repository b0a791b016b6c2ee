"""Makers of talk objects in a dynamic, through the real services.

The permission table (tests/test_permissions.py) calls these with only a
dynamic id, so each one finds the partners from the memberships.
"""

from datetime import UTC, datetime, timedelta

from accounts.models import User
from dynamics.models import Membership, Role
from talk import services
from talk.models import JournalEntry, ReviewNote

AT = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def person(dynamic_id: int, role: str) -> User:
    return (
        Membership.objects.select_related("user")
        .get(dynamic_id=dynamic_id, role=role)
        .user
    )


def matter(dynamic_id: int, *, now: datetime = AT) -> int:
    """An open request by the follower, for the leader to decide."""
    follower = person(dynamic_id, Role.FOLLOWER)
    return services.open_matter(
        follower, dynamic_id, kind="request", title="May I stay out late?", now=now
    ).pk


def leader_request(dynamic_id: int, *, now: datetime = AT) -> int:
    """A request by the leader outside the delegated areas, for the follower."""
    leader = person(dynamic_id, Role.LEADER)
    return services.open_request_from_leader(
        leader, dynamic_id, title="Please cook on Sunday", domain="household", now=now
    ).pk


def entry(
    dynamic_id: int,
    *,
    role: str = Role.LEADER,
    visibility: str = JournalEntry.Visibility.SHARED,
    body: str = "A quiet good week.",
    now: datetime = AT,
) -> int:
    return services.write_entry(
        person(dynamic_id, role), dynamic_id, body=body, visibility=visibility, now=now
    ).pk


def review(dynamic_id: int, *, now: datetime = AT) -> int:
    return services.start_review(
        person(dynamic_id, Role.LEADER), dynamic_id, now=now
    ).pk


def change_note(dynamic_id: int, *, now: datetime = AT) -> int:
    review_id = review(dynamic_id, now=now)
    return services.add_review_note(
        person(dynamic_id, Role.LEADER),
        dynamic_id,
        review_id,
        kind=ReviewNote.Kind.CHANGE,
        body="Earlier bedtimes on weeknights",
        now=now + timedelta(minutes=1),
    ).pk
