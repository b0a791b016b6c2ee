"""Fixtures for conduct: a signed agreement with a menu, and slips on the clock."""

from datetime import timedelta

import pytest

from agreements import services as agreements
from agreements.models import AgreementVersion, Consequence
from conduct import services


@pytest.fixture
def sign_agreement(dynamic, leader, follower, now):
    """Signs a version from the starter template plus the given menu and limits.

    ``menu`` is a list of (kind, name, tags); ``limits`` of (role, kind, text,
    tags). Household is fully delegated. The starter menu has the reward
    "Choose the evening" and the correction "A written reflection".
    """

    def sign(*, menu=(), limits=(), at=None) -> AgreementVersion:
        at = at or now
        people = {"leader": leader, "follower": follower}
        version = agreements.propose_draft(leader, dynamic.pk, now=at)
        n = version.number
        # Household is delegated: a correction's task in the leader's own
        # words is imposed there like any duty.
        agreements.change_item(
            leader,
            dynamic.pk,
            number=n,
            section="domains",
            item_id=version.domain_set.get(key="household").pk,
            values={"depth": "full"},
            now=at,
        )
        for kind, name, tags in menu:
            agreements.add_item(
                leader,
                dynamic.pk,
                number=n,
                section="consequences",
                values={"kind": kind, "name": name, "tags": tags},
                now=at,
            )
        for role, kind, text, tags in limits:
            agreements.add_item(
                people[role],
                dynamic.pk,
                number=n,
                section="limits",
                values={"kind": kind, "text": text, "tags": tags},
                now=at,
            )
        agreements.sign(leader, dynamic.pk, number=n, now=at)
        return agreements.sign(follower, dynamic.pk, number=n, now=at)

    return sign


@pytest.fixture
def agreement(sign_agreement):
    return sign_agreement(
        menu=[
            ("correction", "Early night", "bedtime"),
            ("correction", "Lines", "writing"),
            ("reward", "Breakfast in bed", "breakfast"),
        ]
    )


@pytest.fixture
def menu(agreement):
    """The menu items of the agreement in force, by name."""
    return {c.name: c for c in Consequence.objects.filter(version=agreement)}


@pytest.fixture
def slip_factory(dynamic, follower, now):
    """Records an occurrence slip as the duties worker will."""
    made = iter(range(1, 10_000))

    def make(assignee=None, *, kind="missed", title="Evening tidy-up", at=None):
        at = at or now
        return services.record_slip_from_occurrence(
            dynamic_id=dynamic.pk,
            occurrence_key=f"test-{next(made)}",
            assignee_id=(assignee or follower).pk,
            title=title,
            due_at=at - timedelta(hours=2),
            kind=kind,
            now=at,
        )

    return make


@pytest.fixture
def reflected_slip(slip_factory, dynamic, follower, now):
    """The follower's missed duty with their reflection written."""
    incident = slip_factory()
    return services.reflect(
        follower,
        dynamic.pk,
        incident.pk,
        what_happened="I lost track of time.",
        differently="I'll set an alarm.",
        now=now,
    )
