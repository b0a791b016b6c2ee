"""Incidents come from the clock, from either partner, and as praise."""

from datetime import timedelta

import pytest
from django.http import Http404

from conduct import services
from conduct.models import Incident
from dynamics import services as dynamic_services
from instep.errors import Refused


def test_missed_occurrence_becomes_one_incident_for_the_assignee(
    dynamic, follower, now
):
    incident = services.record_slip_from_occurrence(
        dynamic_id=dynamic.pk,
        occurrence_key="duty-4:2026-11-22",
        assignee_id=follower.pk,
        title="Evening tidy-up",
        due_at=now - timedelta(hours=3),
        kind="missed",
        now=now,
    )
    assert incident.subject == follower
    assert incident.subject_role == "follower"
    assert incident.source == Incident.Source.MISSED
    assert incident.state == Incident.State.OPEN
    assert incident.reported_by is None and not incident.self_reported


def test_worker_running_twice_records_the_slip_once(dynamic, follower, now):
    args = {
        "dynamic_id": dynamic.pk,
        "occurrence_key": "duty-4:2026-11-22",
        "assignee_id": follower.pk,
        "title": "Evening tidy-up",
        "due_at": now - timedelta(hours=3),
        "kind": "missed",
    }
    first = services.record_slip_from_occurrence(**args, now=now)
    again = services.record_slip_from_occurrence(**args, now=now + timedelta(minutes=1))
    assert again.pk == first.pk
    assert Incident.objects.count() == 1


def test_late_then_missed_occurrence_stays_one_incident_now_missed(
    dynamic, follower, now
):
    args = {
        "dynamic_id": dynamic.pk,
        "occurrence_key": "duty-4:2026-11-22",
        "assignee_id": follower.pk,
        "title": "Evening tidy-up",
        "due_at": now - timedelta(hours=3),
    }
    services.record_slip_from_occurrence(**args, kind="late", now=now)
    incident = services.record_slip_from_occurrence(
        **args, kind="missed", now=now + timedelta(days=1)
    )
    assert Incident.objects.count() == 1
    assert incident.source == Incident.Source.MISSED


def test_slip_due_inside_a_pause_never_arises(dynamic, leader, follower, now):
    dynamic_services.pause_dynamic(
        leader, dynamic.pk, reason="illness", now=now - timedelta(hours=5)
    )
    incident = services.record_slip_from_occurrence(
        dynamic_id=dynamic.pk,
        occurrence_key="duty-1:x",
        assignee_id=follower.pk,
        title="Walk",
        due_at=now - timedelta(hours=2),
        kind="missed",
        now=now,
    )
    assert incident is None
    assert Incident.objects.count() == 0


def test_slip_for_someone_outside_the_dynamic_is_refused(dynamic, stranger, now):
    with pytest.raises(Refused, match="not a member of this dynamic"):
        services.record_slip_from_occurrence(
            dynamic_id=dynamic.pk,
            occurrence_key="duty-1:x",
            assignee_id=stranger.pk,
            title="Walk",
            due_at=now,
            kind="late",
            now=now,
        )


def test_leaders_missed_duty_is_an_incident_like_any_other(
    dynamic, leader, slip_factory
):
    incident = slip_factory(leader, title="Weekly review")
    assert incident.subject_role == "leader"


def test_follower_owning_a_broken_rule_is_marked_self_reported(dynamic, follower, now):
    incident = services.report_incident(
        follower,
        dynamic.pk,
        source="broken_rule",
        about="me",
        title="Stayed up past bedtime",
        now=now,
    )
    assert incident.self_reported
    assert incident.subject == follower and incident.reported_by == follower


def test_leader_reports_the_followers_broken_rule(dynamic, leader, follower, now):
    incident = services.report_incident(
        leader,
        dynamic.pk,
        source="broken_rule",
        about="partner",
        title="Phone at dinner",
        now=now,
    )
    assert incident.subject == follower and not incident.self_reported


def test_follower_raises_the_leaders_missed_promise(dynamic, leader, follower, now):
    incident = services.report_incident(
        follower,
        dynamic.pk,
        source="missed_promise",
        about="partner",
        title="Sunday review not held",
        now=now,
    )
    assert incident.subject == leader and incident.subject_role == "leader"


def test_missed_promise_of_the_follower_is_refused(dynamic, leader, now):
    with pytest.raises(Refused, match="Missed promises are the leader's"):
        services.report_incident(
            leader,
            dynamic.pk,
            source="missed_promise",
            about="partner",
            title="x",
            now=now,
        )


def test_praising_oneself_is_refused(dynamic, follower, now):
    with pytest.raises(Refused, match="Praise is for your partner"):
        services.report_incident(
            follower, dynamic.pk, source="praise", about="me", title="x", now=now
        )


def test_reporting_a_late_duty_by_hand_is_refused(dynamic, leader, now):
    with pytest.raises(Refused, match="recorded by the clock itself"):
        services.report_incident(
            leader, dynamic.pk, source="late", about="partner", title="x", now=now
        )


def test_reporting_a_slip_while_paused_is_refused(dynamic, leader, now):
    dynamic_services.pause_dynamic(leader, dynamic.pk, reason="travel", now=now)
    with pytest.raises(Refused, match="nothing counts against either of you"):
        services.report_incident(
            leader,
            dynamic.pk,
            source="broken_rule",
            about="partner",
            title="x",
            now=now,
        )


def test_report_without_words_is_refused(dynamic, leader, now):
    with pytest.raises(Refused, match="Say in a few words what happened"):
        services.report_incident(
            leader,
            dynamic.pk,
            source="broken_rule",
            about="partner",
            title=" ",
            now=now,
        )


def test_report_of_a_rule_outside_the_agreement_in_force_is_refused(
    dynamic, leader, now
):
    with pytest.raises(Refused, match="Choose a rule of the agreement in force"):
        services.report_incident(
            leader,
            dynamic.pk,
            source="broken_rule",
            about="partner",
            rule_id=999,
            now=now,
        )


def test_stranger_cannot_report_and_learns_nothing(dynamic, stranger, now):
    with pytest.raises(Http404):
        services.report_incident(
            stranger, dynamic.pk, source="praise", about="partner", title="x", now=now
        )


def test_reflection_is_written_only_by_the_one_who_slipped(
    dynamic, leader, slip_factory, now
):
    incident = slip_factory()
    with pytest.raises(Refused, match="written by the one who slipped"):
        services.reflect(
            leader,
            dynamic.pk,
            incident.pk,
            what_happened="a",
            differently="b",
            now=now,
        )


def test_reflection_needs_both_answers(dynamic, follower, slip_factory, now):
    incident = slip_factory()
    with pytest.raises(Refused, match="what you will do differently"):
        services.reflect(
            follower,
            dynamic.pk,
            incident.pk,
            what_happened="I forgot",
            differently="",
            now=now,
        )


def test_both_partners_can_attach_an_apology(
    dynamic, leader, follower, slip_factory, now
):
    incident = slip_factory(leader)
    services.apologise(leader, dynamic.pk, incident.pk, text="I'm sorry.", now=now)
    services.apologise(follower, dynamic.pk, incident.pk, text="Me too.", now=now)
    services.apologise(leader, dynamic.pk, incident.pk, text="Truly sorry.", now=now)
    assert sorted(incident.apologies.values_list("author_role", "text")) == [
        ("follower", "Me too."),
        ("leader", "Truly sorry."),
    ]


def test_apology_on_praise_is_refused(dynamic, leader, follower, now):
    praise = services.report_incident(
        leader, dynamic.pk, source="praise", about="partner", title="Lovely", now=now
    )
    with pytest.raises(Refused, match="nothing to apologise for"):
        services.apologise(follower, dynamic.pk, praise.pk, text="x", now=now)
