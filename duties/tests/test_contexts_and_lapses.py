"""Rule contexts and authority lapses stop the clock for the duties they
concern, through the same pure clock as pauses: what falls due inside is
excused (no incident), countdowns wait, and Today says why."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from agreements.models import Presence
from conduct.models import Incident
from duties import clock, services
from duties.models import Occurrence
from duties.tests.factories import ritual_spec, sign_agreement, task_spec
from instep.errors import Refused

H = timedelta(hours=1)
CHILDREN = "the children are home"


@pytest.fixture
def with_context(dynamic, leader, follower, now):
    return sign_agreement(
        dynamic,
        leader,
        follower,
        depths={"household": "delegated", "schedule": "full"},
        rules=[("household", "Kneel when greeting", CHILDREN)],
        now=now,
    )


def test_agreement_contexts_come_from_the_rules_in_force(with_context, dynamic, now):
    contexts = services.agreement_contexts(dynamic.pk, now=now)
    assert [(c.text, c.domains) for c in contexts] == [(CHILDREN, ("Household",))]


def test_leader_cannot_link_a_duty_to_a_context_the_agreement_does_not_name(
    with_context, dynamic, leader, now
):
    with pytest.raises(Refused, match="names no such context") as refused:
        services.create_duty(
            leader,
            dynamic.pk,
            spec=ritual_spec(suspended_when="at the office"),
            now=now,
        )
    assert refused.value.field == "suspended_when"


def test_ritual_linked_to_a_context_in_effect_is_excused_and_others_are_not(
    with_context, dynamic, leader, follower, now
):
    linked = services.create_duty(
        leader, dynamic.pk, spec=ritual_spec(suspended_when=CHILDREN), now=now
    )
    other = services.create_duty(
        leader, dynamic.pk, spec=ritual_spec(title="Evening report"), now=now
    )
    due = datetime(2026, 11, 24, 7, tzinfo=UTC)
    services.switch_context(
        follower, dynamic.pk, context=CHILDREN, on=True, now=due - 3 * H
    )
    services.switch_context(
        follower, dynamic.pk, context=CHILDREN, on=False, now=due + 3 * H
    )
    services.materialise(now=due + 30 * H)
    assert linked.occurrences.get(due_at=due).outcome == Occurrence.Outcome.EXCUSED
    assert other.occurrences.get(due_at=due).outcome == Occurrence.Outcome.MISSED
    titles = set(
        Incident.objects.filter(dynamic=dynamic).values_list("title", flat=True)
    )
    assert titles == {"Evening report"}


def test_a_scheduled_context_window_excuses_only_linked_duties(
    with_context, dynamic, leader, follower, now
):
    linked = services.create_duty(
        leader, dynamic.pk, spec=ritual_spec(suspended_when=CHILDREN), now=now
    )
    due = datetime(2026, 11, 25, 7, tzinfo=UTC)
    services.schedule_pause(
        leader,
        dynamic.pk,
        reason="",
        context=CHILDREN,
        starts_at=due - 2 * H,
        ends_at=due + H,
        now=now,
    )
    assert services.pause_intervals(dynamic.pk, now, due + 5 * H) == []
    services.materialise(now=due + 30 * H)
    assert linked.occurrences.get(due_at=due).outcome == Occurrence.Outcome.EXCUSED


def test_task_linked_to_a_context_switched_on_with_two_hours_left_resumes_with_two(
    with_context, dynamic, leader, follower, now
):
    duty = services.create_duty(
        leader,
        dynamic.pk,
        spec=task_spec(now + 4 * H, suspended_when=CHILDREN),
        now=now,
    )
    occ = duty.occurrences.get()
    services.switch_context(
        follower, dynamic.pk, context=CHILDREN, on=True, now=now + 2 * H
    )
    stops = services.clock_pauses(dynamic.pk, occ.opens_at, now + 5 * H)
    held = clock.countdown(occ.times(), services.duty_pauses(stops, duty), now + 5 * H)
    assert held.frozen and held.left == 2 * H
    services.switch_context(
        follower, dynamic.pk, context=CHILDREN, on=False, now=now + 5 * H
    )
    stops = services.clock_pauses(dynamic.pk, occ.opens_at, now + 5 * H)
    resumed = clock.countdown(
        occ.times(), services.duty_pauses(stops, duty), now + 5 * H
    )
    assert not resumed.frozen and resumed.left == 2 * H
    assert resumed.deadline == now + 7 * H


def test_switching_a_context_on_twice_is_refused(with_context, dynamic, follower, now):
    services.switch_context(follower, dynamic.pk, context=CHILDREN, on=True, now=now)
    with pytest.raises(Refused, match="already in effect"):
        services.switch_context(
            follower, dynamic.pk, context=CHILDREN, on=True, now=now
        )


def test_follower_sees_on_today_why_an_occurrence_is_excused(
    with_context, dynamic, leader, follower, now, client
):
    services.create_duty(
        leader, dynamic.pk, spec=ritual_spec(suspended_when=CHILDREN), now=now
    )
    services.switch_context(follower, dynamic.pk, context=CHILDREN, on=True, now=now)
    client.force_login(follower)
    # The next morning: that morning's greeting fell due while the children were home.
    with time_machine.travel(now + timedelta(days=1), tick=False):
        page = client.get(reverse("duties:today", args=[dynamic.pk]))
    html = page.content.decode()
    assert "In effect now: <strong>the children are home</strong>" in html
    assert "Excused: the children are home" in html


def test_switch_context_page_turns_a_context_on_and_off(
    with_context, dynamic, follower, now, client
):
    client.force_login(follower)
    url = reverse("duties:switch_context", args=[dynamic.pk])
    assert client.post(url, {"context": CHILDREN, "on": "1"}).status_code == 303
    page = client.get(reverse("duties:pauses", args=[dynamic.pk]))
    assert "In effect now</span>" in page.content.decode()
    assert client.post(url, {"context": CHILDREN, "on": "0"}).status_code == 303
    page = client.get(reverse("duties:pauses", args=[dynamic.pk]))
    assert "In effect now</span>" not in page.content.decode()


# Authority lapses ---------------------------------------------------------------


def test_review_date_passing_excuses_the_imposed_ritual_without_an_incident(
    dynamic, leader, follower, now
):
    review_on = (now + timedelta(days=2)).date()
    sign_agreement(
        dynamic,
        leader,
        follower,
        depths={"household": "delegated"},
        review_on=review_on,
        now=now,
    )
    imposed = services.create_duty(leader, dynamic.pk, spec=ritual_spec(), now=now)
    promise = services.create_duty(
        leader,
        dynamic.pk,
        spec=ritual_spec(title="Plan the weekend", assignee_role="leader"),
        now=now,
    )
    assert imposed.imposed and not promise.imposed
    lapsed_day = datetime(2026, 11, 26, 7, tzinfo=UTC)  # after 25 November
    services.materialise(now=lapsed_day + 30 * H)
    assert imposed.occurrences.get(due_at=lapsed_day).outcome == "excused"
    # The leader's own promise runs on: their slips are theirs.
    assert promise.occurrences.get(due_at=lapsed_day).outcome == "missed"
    assert imposed.occurrences.get(due_at=lapsed_day - 2 * 24 * H).outcome == "missed"
    # Late on the 25th when the lapse began: its clock waits with it.
    assert imposed.occurrences.get(due_at=lapsed_day - 24 * H).outcome == ""
    slipped = Incident.objects.filter(dynamic=dynamic, title="Morning greeting")
    assert slipped.count() == 1  # the 24th; never the lapsed 26th


def test_follower_is_told_on_today_that_authority_lapsed(
    dynamic, leader, follower, now, client, time_machine
):
    sign_agreement(
        dynamic,
        leader,
        follower,
        depths={"household": "delegated"},
        review_on=(now + timedelta(days=1)).date(),
        now=now,
    )
    services.create_duty(leader, dynamic.pk, spec=ritual_spec(), now=now)
    time_machine.move_to(now + timedelta(days=3), tick=False)
    client.force_login(follower)
    html = client.get(reverse("duties:today", args=[dynamic.pk])).content.decode()
    assert "review date has passed" in html and "authority has lapsed" in html
    assert "authority lapsed: the agreement" in html  # on the excused row


def test_leader_away_too_long_freezes_an_imposed_task_until_they_return(
    agreement, dynamic, leader, follower, now
):
    Presence.objects.create(user=leader, last_seen_on=now.date())
    duty = services.create_duty(
        leader, dynamic.pk, spec=task_spec(now + 20 * 24 * H), now=now
    )
    occ = duty.occurrences.get()
    away_from = datetime(2026, 12, 8, tzinfo=UTC)  # 23 Nov + 14 days, next midnight
    for day in range(10, 25):
        services.materialise(now=datetime(2026, 11, 28, tzinfo=UTC) + day * 24 * H)
    back = datetime(2026, 12, 22, 12, tzinfo=UTC)
    Presence.objects.filter(user=leader).update(last_seen_on=back.date())
    services.materialise(now=back)
    stops = services.clock_pauses(dynamic.pk, occ.opens_at, back + H)
    left = clock.countdown(occ.times(), services.duty_pauses(stops, duty), back + H)
    # The nominal deadline (13 Dec) is long past, but the absence froze it.
    ran = (away_from - now) + H  # before the lapse, and the hour since the return
    assert not left.overdue and not left.frozen
    assert left.left == 20 * 24 * H - ran
    assert not Incident.objects.filter(dynamic=dynamic).exists()
