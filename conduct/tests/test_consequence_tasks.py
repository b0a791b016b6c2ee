"""A correction's task is what the menu item says, or words of the leader's
own that pass the same checks as any imposed duty: a delegated area of life
and every limit (issue 16, item 2). Through the service, the page and the
API."""

from datetime import timedelta
from http import HTTPStatus

import pytest
import time_machine
from django.urls import reverse

from conduct import services
from conduct.models import Incident
from duties.models import Duty
from instep.errors import NotAllowed, Refused

H = timedelta(hours=1)
SAVINGS = "Transfer your savings to my account"


def _give(leader, incident, item, now, **task):
    return services.give_consequence(
        leader,
        incident.dynamic_id,
        incident.pk,
        consequence_id=item.pk,
        task_due_at=now + 2 * H,
        **task,
        now=now,
    )


def _untouched(incident):
    incident.refresh_from_db()
    assert incident.state == Incident.State.OPEN and incident.duty_id is None
    assert not Duty.objects.exists()


def test_leader_attaching_own_words_without_an_area_of_life_is_refused(
    leader, reflected_slip, menu, now
):
    with pytest.raises(Refused) as refusal:
        _give(leader, reflected_slip, menu["Lines"], now, task=SAVINGS)
    assert refusal.value.code == "task_needs_domain"
    _untouched(reflected_slip)


def test_leader_attaching_own_words_in_an_area_not_delegated_is_refused(
    leader, reflected_slip, menu, now
):
    with pytest.raises(NotAllowed) as refusal:
        _give(
            leader,
            reflected_slip,
            menu["Lines"],
            now,
            task=SAVINGS,
            task_domain="finances",
        )
    assert refusal.value.code == "request_only"
    _untouched(reflected_slip)


def test_leader_giving_the_menu_item_with_a_deadline_gets_the_menu_s_own_task(
    leader, follower, reflected_slip, menu, now
):
    incident = _give(leader, reflected_slip, menu["Lines"], now)
    assert incident.state == Incident.State.REPAIR
    assert incident.task == "Lines"
    assert Duty.objects.get().title == "Lines"
    assert Duty.objects.get().assignee == follower


def test_leader_writing_the_menu_item_s_name_needs_no_area_of_life(
    leader, reflected_slip, menu, now
):
    incident = _give(leader, reflected_slip, menu["Lines"], now, task="LINES")
    assert incident.state == Incident.State.REPAIR


def test_own_words_in_a_delegated_area_are_imposed_like_a_duty(
    leader, reflected_slip, menu, now
):
    incident = _give(
        leader,
        reflected_slip,
        menu["Lines"],
        now,
        task="Ten lines on patience",
        task_domain="household",
    )
    assert incident.task == "Ten lines on patience"


@pytest.fixture
def frozen(now):
    with time_machine.travel(now, tick=False):
        yield now


def test_leader_attaching_savings_on_the_page_is_refused_and_nothing_lands_on_today(
    dynamic, leader, reflected_slip, menu, client_for, frozen
):
    response = client_for(leader).post(
        reverse("conduct:give_consequence", args=[dynamic.pk, reflected_slip.pk]),
        {
            "consequence": menu["Lines"].pk,
            "task": SAVINGS,
            "task_domain": "finances",
            "task_due_at": "2099-01-01T20:00",
        },
    )
    assert response.status_code in (HTTPStatus.BAD_REQUEST, HTTPStatus.FORBIDDEN)
    assert "Finances" in response.content.decode()
    _untouched(reflected_slip)


def test_leader_attaching_savings_through_the_api_is_refused(
    dynamic, leader, reflected_slip, menu, api_client, frozen
):
    url = f"/api/v1/dynamics/{dynamic.pk}/incidents/{reflected_slip.pk}/consequence"
    client = api_client(leader)
    body = {
        "consequence_id": menu["Lines"].pk,
        "task": SAVINGS,
        "task_due_at": "2099-01-01T20:00:00Z",
    }
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["code"] == "task_needs_domain"
    response = client.post(
        url, {**body, "task_domain": "finances"}, content_type="application/json"
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response.json()["code"] == "request_only"
    _untouched(reflected_slip)
