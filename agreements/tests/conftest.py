"""Fixtures for agreements: drafts and versions in force, built through services."""

from datetime import timedelta

import pytest

from agreements import services
from agreements.models import AgreementVersion


@pytest.fixture
def sign_both(leader, follower, now):
    """Signs the dynamic's draft by both partners; returns it, in force."""

    def sign(version: AgreementVersion, *, at=None) -> AgreementVersion:
        at = at or now
        services.sign(leader, version.dynamic_id, number=version.number, now=at)
        return services.sign(
            follower, version.dynamic_id, number=version.number, now=at
        )

    return sign


@pytest.fixture
def draft(dynamic, leader, now) -> AgreementVersion:
    """A draft from the starter template: every starter domain, advisory."""
    return services.propose_draft(leader, dynamic.pk, start_from="starter", now=now)


@pytest.fixture
def domain_of():
    def find(version: AgreementVersion, key: str):
        return version.domain_set.get(key=key)

    return find


@pytest.fixture
def agreement_factory(dynamic, leader, follower, now, sign_both):
    """Makes and signs a version with the given depths and limits.

    ``depths`` maps starter domain keys to a depth (others stay advisory);
    ``limits`` is a list of (owner role, kind, text, tags).
    """

    def make(
        *,
        depths: dict[str, str] | None = None,
        limits: list[tuple[str, str, str, str]] = (),
        review_in_days: int = 90,
        absence_days: int = 14,
        at=None,
    ) -> AgreementVersion:
        at = at or now
        version = services.propose_draft(leader, dynamic.pk, now=at)
        for domain in version.domain_set.all():
            if depths and domain.key in depths:
                services.change_item(
                    leader,
                    dynamic.pk,
                    number=version.number,
                    section="domains",
                    item_id=domain.pk,
                    values={"depth": depths[domain.key]},
                    now=at,
                )
        people = {"leader": leader, "follower": follower}
        for role, kind, text, tags in limits:
            services.add_item(
                people[role],
                dynamic.pk,
                number=version.number,
                section="limits",
                values={"kind": kind, "text": text, "tags": tags},
                now=at,
            )
        services.update_draft(
            leader,
            dynamic.pk,
            number=version.number,
            review_on=(at + timedelta(days=review_in_days)).date(),
            absence_days=absence_days,
            titles_and_protocols="",
            now=at,
        )
        return sign_both(version, at=at)

    return make


@pytest.fixture
def catalogue(db):
    """The shipped ideas, put back if a transactional test flushed them."""
    from agreements.catalogue import CATALOGUE, GROUPS
    from agreements.models import ExplorationItem

    have = set(ExplorationItem.objects.exclude(key="").values_list("key", flat=True))
    ExplorationItem.objects.bulk_create(
        ExplorationItem(key=key, group=GROUPS[group], text=text, directional=d)
        for key, group, text, d in CATALOGUE
        if key not in have
    )
    return {i.key: i for i in ExplorationItem.objects.exclude(key="")}
