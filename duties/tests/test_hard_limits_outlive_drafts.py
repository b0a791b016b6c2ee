"""A hard limit binds from the moment it is declared, and no draft's fate takes
it away: not its discarding, not a new draft, nothing the partner does; only
its owner lifts it (issue 16, item 1). Through the service, the page and the
API."""

from http import HTTPStatus

import pytest
import time_machine
from django.urls import reverse

from agreements import services as agreements
from agreements.models import HardLimit, Limit
from duties import services
from duties.models import Duty
from duties.tests.factories import ritual_spec, task_form
from instep.errors import NotAllowed, Refused

YOGA = ritual_spec(title="Evening yoga", domain="household")


@pytest.fixture
def frozen(now):
    with time_machine.travel(now, tick=False):
        yield now


@pytest.fixture
def yoga_limit(agreement, dynamic, follower, now):
    """The follower's new hard limit "yoga", in a draft nobody signed."""
    draft = agreements.propose_draft(follower, dynamic.pk, now=now)
    return agreements.add_item(
        follower,
        dynamic.pk,
        number=draft.number,
        section="limits",
        values={"kind": "hard", "text": "No yoga", "tags": "yoga"},
        now=now,
    )


def _assign_yoga(leader, dynamic, now):
    return services.create_duty(leader, dynamic.pk, spec=YOGA, now=now)


def test_leaders_duty_stays_refused_after_the_leader_discards_the_draft(
    yoga_limit, dynamic, leader, now
):
    with pytest.raises(Refused):
        _assign_yoga(leader, dynamic, now)
    agreements.discard_draft(
        leader, dynamic.pk, number=yoga_limit.version.number, now=now
    )
    with pytest.raises(Refused) as refusal:
        _assign_yoga(leader, dynamic, now)
    assert refusal.value.code == "hard_limit"
    assert "No yoga" in refusal.value.message
    assert not Duty.objects.exists()


def test_a_new_draft_after_a_discard_carries_the_follower_s_hard_limit(
    yoga_limit, dynamic, leader, follower, now
):
    agreements.discard_draft(
        leader, dynamic.pk, number=yoga_limit.version.number, now=now
    )
    fresh = agreements.propose_draft(leader, dynamic.pk, start_from="starter", now=now)
    line = fresh.limit_set.get(lineage=yoga_limit.lineage)
    assert (line.owner_role, line.kind, line.tags) == ("follower", "hard", "yoga")
    agreements.sign(leader, dynamic.pk, number=fresh.number, now=now)
    agreements.sign(follower, dynamic.pk, number=fresh.number, now=now)
    with pytest.raises(Refused, match="No yoga"):
        _assign_yoga(leader, dynamic, now)


def test_leader_cannot_remove_or_soften_the_follower_s_hard_limit(
    yoga_limit, dynamic, leader, now
):
    number = yoga_limit.version.number
    with pytest.raises(NotAllowed):
        agreements.remove_item(
            leader,
            dynamic.pk,
            number=number,
            section="limits",
            item_id=yoga_limit.pk,
            now=now,
        )
    with pytest.raises(NotAllowed):
        agreements.change_item(
            leader,
            dynamic.pk,
            number=number,
            section="limits",
            item_id=yoga_limit.pk,
            values={"kind": "soft", "text": "No yoga", "tags": "yoga"},
            now=now,
        )
    with pytest.raises(Refused):
        _assign_yoga(leader, dynamic, now)


def test_follower_removing_their_own_new_hard_limit_lifts_it(
    yoga_limit, dynamic, leader, follower, now
):
    agreements.remove_item(
        follower,
        dynamic.pk,
        number=yoga_limit.version.number,
        section="limits",
        item_id=yoga_limit.pk,
        now=now,
    )
    assert HardLimit.objects.get(lineage=yoga_limit.lineage).lifted_at == now
    assert _assign_yoga(leader, dynamic, now).state == Duty.State.ACTIVE


def test_leader_discarding_the_draft_on_the_page_leaves_the_limit_binding(
    yoga_limit, dynamic, leader, client_for, frozen
):
    client = client_for(leader)
    response = client.post(
        reverse(
            "agreements:discard_draft", args=[dynamic.pk, yoga_limit.version.number]
        )
    )
    assert response.status_code == HTTPStatus.SEE_OTHER
    assert not Limit.objects.filter(version__in_force_from__isnull=True).exists()
    page = client.get(reverse("agreements:show_agreement", args=[dynamic.pk]))
    assert "No yoga" in page.content.decode()
    response = client.post(
        reverse("duties:new_duty", args=[dynamic.pk]),
        task_form("Evening yoga"),
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "No yoga" in response.content.decode()
    assert not Duty.objects.exists()


def test_leader_deleting_the_draft_through_the_api_leaves_the_limit_binding(
    yoga_limit, dynamic, leader, api_client, frozen
):
    client = api_client(leader)
    base = f"/api/v1/dynamics/{dynamic.pk}"
    deleted = client.delete(f"{base}/agreement/versions/{yoga_limit.version.number}")
    assert deleted.status_code == HTTPStatus.NO_CONTENT
    standing = client.get(f"{base}/agreement").json()["hard_limits"]
    assert [(h["owner_role"], h["tags"]) for h in standing] == [
        ("follower", "public"),
        ("follower", "yoga"),
    ]
    response = client.post(
        f"{base}/duties",
        {
            "kind": "task",
            "title": "Evening yoga",
            "domain": "household",
            "assignee_role": "follower",
            "due_at": "2026-11-24T10:00:00Z",
        },
        content_type="application/json",
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["code"] == "hard_limit"
    assert not Duty.objects.exists()
