"""Declaring a hard limit takes every imposed duty and open consequence that
touches it off the clock at once: excused, never missed, shown to both with
the reason, audited (issue 16, item 4). Through the service, the page and the
API."""

from datetime import timedelta
from http import HTTPStatus

import pytest
import time_machine
from django.urls import reverse

from agreements import services as agreements
from conduct import services as conduct
from conduct.models import Incident
from duties import services
from duties.models import Duty, Occurrence
from duties.tests.factories import ritual_spec
from dynamics.models import AuditEntry

H = timedelta(hours=1)
YOGA = ritual_spec(title="Evening yoga", domain="household")


@pytest.fixture
def yoga(agreement, dynamic, leader, now) -> Duty:
    """An imposed daily ritual at 07:00 with a two-hour window; one is open."""
    duty = services.create_duty(leader, dynamic.pk, spec=YOGA, now=now)
    assert duty.imposed and duty.occurrences.exists()
    return duty


def _declare(follower, dynamic, now, tags="yoga"):
    draft = agreements.propose_draft(follower, dynamic.pk, now=now)
    return agreements.add_item(
        follower,
        dynamic.pk,
        number=draft.number,
        section="limits",
        values={"kind": "hard", "text": "No yoga", "tags": tags},
        now=now,
    )


def test_follower_declaring_a_hard_limit_suspends_the_imposed_ritual(
    yoga, dynamic, follower, now
):
    open_before = list(yoga.occurrences.filter(opens_at__lte=now))
    _declare(follower, dynamic, now)
    yoga.refresh_from_db()
    assert yoga.state == Duty.State.SUSPENDED
    assert "No yoga" in yoga.suspended_reason
    assert not yoga.occurrences.filter(opens_at__gt=now).exists()
    for occ in open_before:
        occ.refresh_from_db()
        assert occ.outcome == Occurrence.Outcome.EXCUSED
    assert AuditEntry.objects.filter(act="duty_suspended").count() == 1


def test_a_suspended_ritual_is_never_counted_missed_later(yoga, dynamic, follower, now):
    _declare(follower, dynamic, now)
    services.materialise(now=now + 3 * 24 * H)
    assert not Occurrence.objects.filter(outcome="missed").exists()
    assert not Incident.objects.exists()
    assert not Occurrence.objects.filter(duty=yoga, opens_at__gt=now).exists()


def test_a_hard_limit_on_other_words_leaves_the_ritual_running(
    yoga, dynamic, follower, now
):
    _declare(follower, dynamic, now, tags="swimming")
    yoga.refresh_from_db()
    assert yoga.state == Duty.State.ACTIVE


def test_declaring_a_hard_limit_excuses_an_open_consequence_that_touches_it(
    agreement, dynamic, leader, follower, client_for, now
):
    slip = conduct.report_incident(
        leader,
        dynamic.pk,
        source="broken_rule",
        about="partner",
        title="Skipped the evening tidy-up",
        occurred_at=now - H,
        now=now,
    )
    conduct.reflect(
        follower, dynamic.pk, slip.pk, what_happened="x", differently="y", now=now
    )
    menu = {c.name: c for c in agreement.consequence_set.all()}
    incident = conduct.give_consequence(
        leader,
        dynamic.pk,
        slip.pk,
        consequence_id=menu["A written reflection"].pk,
        task="Twenty minutes of yoga",
        task_domain="household",
        task_due_at=now + 5 * H,
        now=now,
    )
    _declare(follower, dynamic, now + H)
    incident.refresh_from_db()
    assert incident.state == Incident.State.RESOLVED
    assert incident.resolution == Incident.Resolution.EXCUSED
    assert "No yoga" in incident.resolution_word
    duty = Duty.objects.get(pk=incident.duty_id)
    assert duty.state == Duty.State.SUSPENDED
    assert duty.occurrences.get().outcome == Occurrence.Outcome.EXCUSED
    url = reverse("conduct:incident", args=[dynamic.pk, incident.pk])
    for person in (leader, follower):
        assert "No yoga" in client_for(person).get(url).content.decode()


@pytest.fixture
def frozen(now):
    with time_machine.travel(now, tick=False):
        yield now


def test_follower_declaring_on_the_page_shows_both_the_suspended_duty_and_why(
    yoga, dynamic, leader, follower, client_for, frozen
):
    draft = agreements.propose_draft(follower, dynamic.pk, now=frozen)
    response = client_for(follower).post(
        reverse("agreements:add_item", args=[dynamic.pk, draft.number, "limits"]),
        {"kind": "hard", "text": "No yoga", "tags": "yoga"},
    )
    assert response.status_code == HTTPStatus.SEE_OTHER
    for person in (leader, follower):
        page = client_for(person).get(reverse("duties:duties", args=[dynamic.pk]))
        text = page.content.decode()
        assert "Suspended" in text and "No yoga" in text


def test_follower_declaring_through_the_api_suspends_the_ritual(
    yoga, dynamic, leader, follower, api_client, frozen
):
    draft = agreements.propose_draft(follower, dynamic.pk, now=frozen)
    base = f"/api/v1/dynamics/{dynamic.pk}"
    response = api_client(follower).post(
        f"{base}/agreement/versions/{draft.number}/limits",
        {"kind": "hard", "text": "No yoga", "tags": "yoga"},
        content_type="application/json",
    )
    assert response.status_code == HTTPStatus.CREATED
    duties = api_client(leader).get(f"{base}/duties").json()
    (seen,) = [d for d in duties if d["id"] == yoga.pk]
    assert seen["state"] == "suspended"
    assert "No yoga" in seen["suspended_reason"]
