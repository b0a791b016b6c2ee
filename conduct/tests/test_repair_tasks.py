"""A resolution with something to do is a duty on the clock: on the doer's
Today with its countdown; done (and approved, when reviewed) closes the
incident; forgiven, it leaves Today; missed, it raises the incident again for
talk and never breeds a new slip.
"""

from datetime import timedelta

import pytest
from django.urls import reverse

from agreements.models import Consequence
from conduct import queries, services
from conduct.models import Incident, MakeItRight
from duties import queries as duty_queries
from duties import services as duties
from duties.models import Duty, Occurrence
from dynamics.models import AuditEntry
from instep.errors import Refused

H = timedelta(hours=1)


def _correct(leader, incident, menu, now, *, reviewed=False, task="Ten lines"):
    return services.give_consequence(
        leader,
        incident.dynamic_id,
        incident.pk,
        consequence_id=menu["Lines"].pk,
        task=task,
        task_domain="household",
        task_due_at=now + 2 * H,
        task_reviewed=reviewed,
        now=now,
    )


def _reward_owed(leader, dynamic, menu, now) -> Incident:
    """The leader praises the follower and owes breakfast on Sunday for it."""
    praise = services.report_incident(
        leader, dynamic.pk, source="praise", about="partner", title="Brave", now=now
    )
    return services.give_reward(
        leader,
        dynamic.pk,
        praise.pk,
        consequence_id=menu["Breakfast in bed"].pk,
        task="Breakfast on Sunday",
        task_due_at=now + 24 * H,
        now=now,
    )


def _occurrence(incident: Incident) -> Occurrence:
    return Occurrence.objects.get(duty_id=incident.duty_id)


def _today_rows(membership, now):
    return [
        row
        for day in duty_queries.today(membership, now).days
        for row in [*day.now_rows, *day.later_rows]
    ]


def test_leader_giving_a_correction_with_a_task_puts_it_on_the_followers_today(
    leader, follower, dynamic, reflected_slip, menu, now
):
    incident = _correct(leader, reflected_slip, menu, now)
    assert incident.state == Incident.State.REPAIR
    duty = Duty.objects.get(pk=incident.duty_id)
    assert duty.kind == Duty.Kind.TASK and duty.state == Duty.State.ACTIVE
    assert duty.assignee == follower and duty.title == "Ten lines"
    assert duty.due_at == now + 2 * H and duty.instructions.endswith("Lines")
    me = dynamic.members.get(user=follower)
    [row] = [r for r in _today_rows(me, now + H) if r.duty.pk == duty.pk]
    assert row.mine and row.may_tick
    assert row.countdown.left == H  # an hour to go, on the clock like any task
    assert AuditEntry.objects.filter(act="consequence_given").count() == 1


def test_follower_ticking_the_task_on_today_resolves_the_incident(
    leader, follower, dynamic, reflected_slip, menu, now
):
    incident = _correct(leader, reflected_slip, menu, now)
    duties.complete(follower, dynamic.pk, _occurrence(incident).pk, now=now + H)
    incident.refresh_from_db()
    assert incident.state == Incident.State.RESOLVED
    assert incident.resolution == Incident.Resolution.CONSEQUENCE
    assert incident.task_done_at == incident.resolved_at == now + H
    assert AuditEntry.objects.filter(act="repair_done").count() == 1


def test_reviewed_task_closes_the_incident_only_when_the_leader_approves(
    leader, follower, dynamic, reflected_slip, menu, now
):
    incident = _correct(leader, reflected_slip, menu, now, reviewed=True)
    occ = _occurrence(incident)
    duties.complete(follower, dynamic.pk, occ.pk, now=now + H)
    assert Incident.objects.get(pk=incident.pk).state == Incident.State.REPAIR
    duties.review(leader, dynamic.pk, occ.pk, approve=False, note="Neater", now=now)
    assert Incident.objects.get(pk=incident.pk).state == Incident.State.REPAIR
    duties.complete(follower, dynamic.pk, occ.pk, now=now + H + H / 2)
    duties.review(leader, dynamic.pk, occ.pk, approve=True, now=now + 2 * H)
    incident.refresh_from_db()
    assert incident.state == Incident.State.RESOLVED
    assert incident.task_done_at == now + H + H / 2


def test_follower_marking_it_done_on_the_incident_page_ticks_the_duty(
    leader, follower, dynamic, reflected_slip, menu, now
):
    incident = _correct(leader, reflected_slip, menu, now)
    done = services.complete_repair(follower, dynamic.pk, incident.pk, now=now + H)
    assert done.state == Incident.State.RESOLVED
    assert _occurrence(incident).outcome == Occurrence.Outcome.ON_TIME


def test_follower_marking_a_reviewed_task_done_twice_is_told_it_waits(
    leader, follower, dynamic, reflected_slip, menu, now
):
    incident = _correct(leader, reflected_slip, menu, now, reviewed=True)
    waiting = services.complete_repair(follower, dynamic.pk, incident.pk, now=now + H)
    assert waiting.state == Incident.State.REPAIR
    with pytest.raises(Refused) as e:
        services.complete_repair(follower, dynamic.pk, incident.pk, now=now + H)
    assert e.value.message == "It is done and waiting for the leader's review."


def test_leader_cannot_tick_the_followers_consequence_task(
    leader, follower, dynamic, reflected_slip, menu, now
):
    incident = _correct(leader, reflected_slip, menu, now)
    with pytest.raises(Refused, match="Only the person it is assigned to"):
        duties.complete(leader, dynamic.pk, _occurrence(incident).pk, now=now + H)
    assert Incident.objects.get(pk=incident.pk).state == Incident.State.REPAIR


def test_late_consequence_task_still_closes_and_is_no_new_slip(
    leader, follower, dynamic, reflected_slip, menu, now
):
    incident = _correct(leader, reflected_slip, menu, now)
    duties.complete(follower, dynamic.pk, _occurrence(incident).pk, now=now + 5 * H)
    assert _occurrence(incident).outcome == Occurrence.Outcome.LATE
    assert Incident.objects.get(pk=incident.pk).state == Incident.State.RESOLVED
    assert Incident.objects.count() == 1


def test_missed_consequence_task_raises_the_incident_again_never_a_new_one(
    leader, follower, dynamic, reflected_slip, menu, now
):
    incident = _correct(leader, reflected_slip, menu, now)
    later = now + 2 * H + timedelta(hours=25)  # past the 24 hours to tick it
    for _run in range(2):  # the worker twice: still one change, no new incident
        duties.materialise(now=later)
        duties.settle(dynamic.pk, now=later + H)
    assert _occurrence(incident).outcome == Occurrence.Outcome.MISSED
    assert Incident.objects.count() == 1
    incident.refresh_from_db()
    assert incident.state == Incident.State.OPEN and incident.repair_missed
    assert incident.resolution == "" and incident.task == "Ten lines"
    assert incident.repair_missed_at == later
    assert AuditEntry.objects.filter(act="repair_missed").count() == 1
    # Raised for talk at once, not after a week.
    assert queries.incidents_for_weekly_review(dynamic, later) == [incident]


def test_raised_incident_can_be_forgiven_after_talking(
    leader, follower, dynamic, reflected_slip, menu, now
):
    incident = _correct(leader, reflected_slip, menu, now)
    later = now + timedelta(days=2)
    duties.settle(dynamic.pk, now=later)
    done = services.forgive(leader, dynamic.pk, incident.pk, word="Talked", now=later)
    assert done.resolution == Incident.Resolution.FORGIVEN


def test_incident_page_says_a_missed_task_is_raised_for_talk(
    leader, follower, dynamic, reflected_slip, menu, now, client_for
):
    incident = _correct(leader, reflected_slip, menu, now)
    duties.settle(dynamic.pk, now=now + timedelta(days=2))
    page = (
        client_for(follower)
        .get(reverse("conduct:incident", args=[dynamic.pk, incident.pk]))
        .content.decode()
    )
    assert "task was not done" in page
    assert "raised again for you to talk about together" in page


def test_forgiving_mid_repair_takes_the_task_off_today(
    leader, follower, dynamic, reflected_slip, menu, now
):
    incident = _correct(leader, reflected_slip, menu, now)
    services.forgive(leader, dynamic.pk, incident.pk, word="Enough", now=now + H)
    duty = Duty.objects.get(pk=incident.duty_id)
    assert duty.state == Duty.State.RETIRED and not duty.occurrences.exists()
    me = dynamic.members.get(user=follower)
    assert [r for r in _today_rows(me, now + H) if r.duty.pk == duty.pk] == []
    duties.settle(dynamic.pk, now=now + timedelta(days=3))
    assert Incident.objects.get(pk=incident.pk).resolution == "forgiven"


def test_consequence_task_touching_a_hard_limit_is_refused_and_no_duty_is_made(
    leader, follower, dynamic, sign_agreement, slip_factory, now
):
    version = sign_agreement(
        menu=[("correction", "Lines", "writing")],
        limits=[("follower", "hard", "Nothing in public", "public")],
    )
    slip = slip_factory()
    services.reflect(
        follower, dynamic.pk, slip.pk, what_happened="x", differently="y", now=now
    )
    lines = Consequence.objects.get(version=version, name="Lines")
    with pytest.raises(Refused) as e:
        services.give_consequence(
            leader,
            dynamic.pk,
            slip.pk,
            consequence_id=lines.pk,
            task="Write lines in public",
            task_due_at=now + H,
            now=now,
        )
    assert e.value.message == (
        'This touches a hard limit of the follower: "Nothing in public" (public).'
    )
    assert not Duty.objects.exists()
    assert Incident.objects.get(pk=slip.pk).state == Incident.State.OPEN


def test_reward_owed_is_on_the_leaders_today_and_delivering_it_closes(
    leader, follower, dynamic, menu, now
):
    services.report_incident(
        follower, dynamic.pk, source="praise", about="partner", title="Kind", now=now
    )
    owed = _reward_owed(leader, dynamic, menu, now)
    duty = Duty.objects.get(pk=owed.duty_id)
    assert duty.assignee == leader
    duties.complete(leader, dynamic.pk, _occurrence(owed).pk, now=now + H)
    assert Incident.objects.get(pk=owed.pk).state == Incident.State.RESOLVED


def test_leaders_make_it_right_task_is_on_the_leaders_clock(
    leader, follower, dynamic, agreement, slip_factory, now
):
    slip = slip_factory(leader)
    services.reflect(
        leader, dynamic.pk, slip.pk, what_happened="x", differently="y", now=now
    )
    item = MakeItRight.objects.create(
        dynamic=dynamic,
        name="Plan the next date",
        proposed_by_role="follower",
        proposed_at=now,
        agreed_at=now,
    )
    chosen = services.make_it_right(
        leader,
        dynamic.pk,
        slip.pk,
        item_id=item.pk,
        task="Book the restaurant",
        task_due_at=now + 24 * H,
        now=now,
    )
    assert Duty.objects.get(pk=chosen.duty_id).assignee == leader
    services.complete_repair(leader, dynamic.pk, slip.pk, now=now + H)
    assert Incident.objects.get(pk=slip.pk).resolution == "made_right"


# A repair task ends on its incident's page, never by retiring it -------------------


def _unchanged(incident: Incident) -> None:
    incident.refresh_from_db()
    assert incident.state == Incident.State.REPAIR
    duty = Duty.objects.get(pk=incident.duty_id)
    assert duty.state == Duty.State.ACTIVE
    assert duty.occurrences.filter(done_at__isnull=True).count() == 1
    assert not AuditEntry.objects.filter(act="duty_retired").exists()


def test_leader_retiring_a_repair_task_under_way_is_refused_and_told_to_forgive(
    leader, dynamic, reflected_slip, menu, now
):
    incident = _correct(leader, reflected_slip, menu, now)
    with pytest.raises(Refused) as e:
        duties.retire_duty(leader, dynamic.pk, incident.duty_id, now=now + H)
    assert e.value.code == "repair_task"
    assert e.value.message.startswith(
        f"This is the repair task of incident {incident.pk}. To call it off, "
        "forgive the incident on its page"
    )
    _unchanged(incident)


def test_a_reward_owed_cannot_be_retired_away(leader, follower, dynamic, menu, now):
    owed = _reward_owed(leader, dynamic, menu, now)
    with pytest.raises(Refused) as e:
        duties.retire_duty(leader, dynamic.pk, owed.duty_id, now=now + H)
    assert e.value.message == (
        f"This is the reward you owe for incident {owed.pk}: give it and mark it "
        "done on the incident's page."
    )
    _unchanged(owed)


def test_a_repair_task_done_or_forgiven_may_be_retired_like_any_duty(
    leader, follower, dynamic, reflected_slip, menu, now
):
    incident = _correct(leader, reflected_slip, menu, now)
    duties.complete(follower, dynamic.pk, _occurrence(incident).pk, now=now + H)
    duty = duties.retire_duty(leader, dynamic.pk, incident.duty_id, now=now + 2 * H)
    assert duty.state == Duty.State.RETIRED
    assert Incident.objects.get(pk=incident.pk).state == Incident.State.RESOLVED


def test_the_api_refuses_retiring_a_repair_task_and_changes_nothing(
    api_client, leader, dynamic, reflected_slip, menu, now
):
    incident = _correct(leader, reflected_slip, menu, now)
    response = api_client(leader).post(
        f"/api/v1/dynamics/{dynamic.pk}/duties/{incident.duty_id}/retire"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "repair_task"
    _unchanged(incident)


def test_pages_show_a_repair_task_leads_to_its_incident_and_offer_no_retire(
    client_for, leader, follower, dynamic, reflected_slip, menu, now
):
    incident = _correct(leader, reflected_slip, menu, now)
    incident_url = reverse("conduct:incident", args=[dynamic.pk, incident.pk])
    retire_url = reverse("duties:retire", args=[dynamic.pk, incident.duty_id])
    client = client_for(leader)
    listing = client.get(reverse("duties:duties", args=[dynamic.pk])).content.decode()
    assert (
        f'The repair task of <a href="{incident_url}">incident {incident.pk}</a>'
        in (listing)
    )
    assert retire_url not in listing
    # Someone who follows an old link is told why, with the way to the incident.
    page = client.get(retire_url).content.decode()
    assert "stays" in page and "Retire it" not in page
    assert f'href="{incident_url}"' in page
    posted = client.post(retire_url, follow=True).content.decode()
    assert "To call it off, forgive the incident on its page" in posted
    _unchanged(incident)
    today = (
        client_for(follower)
        .get(reverse("duties:today", args=[dynamic.pk]))
        .content.decode()
    )
    assert (
        f'<a class="badge" href="{incident_url}" '
        f'aria-label="Repair: incident {incident.pk}">Repair</a>'
    ) in today
