"""A duty spelled to look like a hard limit's word is refused through every
door: the service, the page and the API (issue 16, item 3)."""

from http import HTTPStatus

import pytest
import time_machine
from django.urls import reverse

from duties import services
from duties.models import Duty
from duties.tests.factories import ritual_spec, task_form
from instep.errors import Refused

# The follower's hard limit (duties/tests/conftest.py) is tagged "public".
SPELLINGS = [
    "Kneel in p\u200bublic",  # zero-width space
    "Kneel in p\u00adublic",  # soft hyphen
    "Kneel in рublіс",  # Cyrillic р, і, с
    "Kneel in ｐｕｂｌｉｃ",  # fullwidth
    "Kneel in PUBLIC",
]


@pytest.fixture
def frozen(now):
    with time_machine.travel(now, tick=False):
        yield now


@pytest.mark.parametrize("title", SPELLINGS)
def test_leader_assigning_a_lookalike_of_a_hard_limit_is_refused(
    agreement, dynamic, leader, now, title
):
    with pytest.raises(Refused) as refusal:
        services.create_duty(leader, dynamic.pk, spec=ritual_spec(title=title), now=now)
    assert refusal.value.code == "hard_limit"
    assert not Duty.objects.exists()


@pytest.mark.parametrize("title", SPELLINGS)
def test_leader_posting_a_lookalike_on_the_page_is_refused(
    agreement, dynamic, leader, client_for, frozen, title
):
    response = client_for(leader).post(
        reverse("duties:new_duty", args=[dynamic.pk]),
        task_form(title),
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "hard limit" in response.content.decode()
    assert not Duty.objects.exists()


@pytest.mark.parametrize("title", SPELLINGS)
def test_leader_posting_a_lookalike_to_the_api_is_refused(
    agreement, dynamic, leader, api_client, frozen, title
):
    response = api_client(leader).post(
        f"/api/v1/dynamics/{dynamic.pk}/duties",
        {
            "kind": "task",
            "title": title,
            "domain": "household",
            "assignee_role": "follower",
            "due_at": "2026-11-24T10:00:00Z",
        },
        content_type="application/json",
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["code"] == "hard_limit"
    assert not Duty.objects.exists()
