"""The conduct pages: both partners' slips in the same lists, forms that say why,
and a fixed number of SQL queries however long the history grows.
"""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conduct import services
from conduct.models import Incident
from dynamics import services as dynamic_services


def _queries(client, url) -> int:
    """Counts the queries of a page seen before (so the day's first-visit
    bookkeeping of sessions and presence is not counted).
    """
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return len(captured)


def _history(dynamic, leader, follower, now, n: int, tag: str = "h") -> None:
    """Adds ``n`` slips on each side, half of them forgiven, and a praise."""
    for k in range(n):
        for person, partner in ((follower, leader), (leader, follower)):
            incident = services.record_slip_from_occurrence(
                dynamic_id=dynamic.pk,
                occurrence_key=f"{tag}-{person.pk}-{k}",
                assignee_id=person.pk,
                title=f"Duty {k}",
                due_at=now - timedelta(days=k + 1),
                kind="late" if k % 3 else "missed",
                now=now - timedelta(days=k),
            )
            if k % 2:
                services.forgive(partner, dynamic.pk, incident.pk, word="ok", now=now)
    services.report_incident(
        follower, dynamic.pk, source="praise", about="partner", title="Kind", now=now
    )


def test_leaders_and_followers_slips_are_in_the_same_open_list(
    dynamic, leader, follower, slip_factory, client_for
):
    slip_factory(follower, title="Follower's evening walk")
    slip_factory(leader, title="Leader's weekly review")
    url = reverse("conduct:list_incidents", args=[dynamic.pk])
    for person in (leader, follower):
        page = client_for(person).get(url).content.decode()
        open_part = page.split('id="resolved-title"')[0]
        assert "Follower&#x27;s evening walk" in open_part
        assert "Leader&#x27;s weekly review" in open_part


def test_leaders_forgiven_slip_is_in_the_same_resolved_list(
    dynamic, leader, follower, slip_factory, client_for, now
):
    incident = slip_factory(leader, title="Missed our call")
    services.forgive(follower, dynamic.pk, incident.pk, word="It's ok", now=now)
    page = client_for(leader).get(reverse("conduct:list_incidents", args=[dynamic.pk]))
    resolved_part = page.content.decode().split('id="resolved-title"')[1]
    assert "Missed our call" in resolved_part and "forgiven" in resolved_part


@pytest.mark.parametrize("name", ["conduct:list_incidents", "conduct:ledger"])
def test_page_needs_the_same_queries_with_a_long_history(
    name, dynamic, leader, follower, client_for, now
):
    client = client_for(leader)
    url = reverse(name, args=[dynamic.pk])
    _history(dynamic, leader, follower, now, 2)
    few = _queries(client, url)
    _history(dynamic, leader, follower, now - timedelta(days=1), 30, "more")
    assert Incident.objects.count() > 60
    assert _queries(client, url) == few
    assert few <= 11  # with the inbox badge of the page frame


def test_incident_page_needs_a_fixed_number_of_queries(
    dynamic, leader, follower, agreement, reflected_slip, client_for, now
):
    services.apologise(follower, dynamic.pk, reflected_slip.pk, text="Sorry", now=now)
    url = reverse("conduct:incident", args=[dynamic.pk, reflected_slip.pk])
    client = client_for(leader)
    few = _queries(client, url)
    _history(dynamic, leader, follower, now, 10)
    services.apologise(leader, dynamic.pk, reflected_slip.pk, text="Me too", now=now)
    assert _queries(client, url) == few
    assert few <= 14  # with the inbox badge of the page frame; care reads two


def test_follower_notes_a_slip_of_their_own_on_the_page(dynamic, follower, client_for):
    response = client_for(follower).post(
        reverse("conduct:report_incident", args=[dynamic.pk]),
        {"source": "broken_rule", "about": "me", "title": "Skipped my stretches"},
    )
    incident = Incident.objects.get()
    assert response.status_code == HTTPStatus.SEE_OTHER
    assert response["Location"] == reverse(
        "conduct:incident", args=[dynamic.pk, incident.pk]
    )
    assert incident.self_reported


def test_report_page_shows_the_refusal_on_the_form(dynamic, leader, client_for):
    response = client_for(leader).post(
        reverse("conduct:report_incident", args=[dynamic.pk]),
        {"source": "missed_promise", "about": "partner", "title": "x"},
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Missed promises are the leader&#x27;s" in response.content.decode()
    assert not Incident.objects.exists()


def test_leader_picks_a_correction_on_the_page_and_it_becomes_a_task(
    dynamic, leader, follower, reflected_slip, menu, client_for
):
    url = reverse("conduct:incident", args=[dynamic.pk, reflected_slip.pk])
    page = client_for(leader).get(url).content.decode()
    assert "Early night" in page and "Lines" in page
    assert "Breakfast in bed" not in page  # rewards are not corrections
    response = client_for(leader).post(
        reverse("conduct:give_consequence", args=[dynamic.pk, reflected_slip.pk]),
        {
            "consequence": menu["Lines"].pk,
            "task": "Ten lines on patience",
            "task_domain": "household",
            "task_due_at": "2099-01-01T20:00",
        },
    )
    assert response.status_code == HTTPStatus.SEE_OTHER
    page = client_for(follower).get(url).content.decode()
    assert "Consequence task" in page and "Ten lines on patience" in page
    assert "Mark done" in page


def test_correction_not_on_the_menu_is_refused_with_its_message_on_the_page(
    dynamic, leader, reflected_slip, menu, client_for
):
    response = client_for(leader).post(
        reverse("conduct:give_consequence", args=[dynamic.pk, reflected_slip.pk]),
        {"consequence": menu["Breakfast in bed"].pk},
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Choose a correction from the menu" in response.content.decode()


def test_follower_posting_a_correction_gets_403_with_the_reason(
    dynamic, follower, reflected_slip, menu, client_for
):
    response = client_for(follower).post(
        reverse("conduct:give_consequence", args=[dynamic.pk, reflected_slip.pk]),
        {"consequence": menu["Lines"].pk},
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "Only the leader holds authority" in response.content.decode()
    assert Incident.objects.get().state == "open"


def test_incident_page_explains_care_and_offers_to_schedule_or_forgive(
    dynamic, leader, follower, reflected_slip, agreement, client_for, now
):
    dynamic_services.pause_dynamic(follower, dynamic.pk, reason="illness", now=now)
    page = client_for(leader).get(
        reverse("conduct:incident", args=[dynamic.pk, reflected_slip.pk])
    )
    text = page.content.decode()
    assert "no correction is given while the clocks are stopped" in text
    assert "Schedule it for later" in text and ">Forgive</button>" in text
    assert "Give correction" not in text


def test_discreet_list_shows_no_rule_words(dynamic, leader, follower, client_for, now):
    leader.discreet = True
    leader.save()
    services.report_incident(
        follower, dynamic.pk, source="broken_rule", about="me", title="Late", now=now
    )
    page = (
        client_for(leader)
        .get(reverse("conduct:list_incidents", args=[dynamic.pk]))
        .content.decode()
    )
    assert "Broken rule" not in page and "Incidents" not in page
    assert "Off track" in page


def test_incident_of_another_dynamic_is_not_found(
    dynamic, dynamic_factory, leader, follower, client_for, now
):
    other = dynamic_factory()
    elsewhere = services.record_slip_from_occurrence(
        dynamic_id=other.pk,
        occurrence_key="x",
        assignee_id=other.members.get(role="follower").user_id,
        title="Not yours",
        due_at=now - timedelta(hours=1),
        kind="late",
        now=now,
    )
    url = reverse("conduct:incident", args=[dynamic.pk, elsewhere.pk])
    assert client_for(leader).get(url).status_code == HTTPStatus.NOT_FOUND
    forgive = reverse("conduct:forgive", args=[dynamic.pk, elsewhere.pk])
    response = client_for(leader).post(forgive, {"word": "ok"})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert Incident.objects.get(pk=elsewhere.pk).state == "open"


def test_praise_page_lets_the_leader_reward_from_the_menu(
    dynamic, leader, follower, menu, client_for, now
):
    praise = services.report_incident(
        leader, dynamic.pk, source="praise", about="partner", title="Calm", now=now
    )
    page = (
        client_for(leader)
        .get(reverse("conduct:incident", args=[dynamic.pk, praise.pk]))
        .content.decode()
    )
    assert "Breakfast in bed" in page and "Early night" not in page
    response = client_for(leader).post(
        reverse("conduct:give_reward", args=[dynamic.pk, praise.pk]),
        {"consequence": menu["Breakfast in bed"].pk, "word": "Well done"},
    )
    assert response.status_code == HTTPStatus.SEE_OTHER
    assert Incident.objects.get(pk=praise.pk).resolution == "reward"
