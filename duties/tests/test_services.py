"""Duties through their services: authority, requests, materialising, ticking,
reviewing, pauses, facts and proof retention."""

from datetime import UTC, datetime, time, timedelta
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from duties import reminders, services
from duties.models import Duty, Occurrence
from duties.tests.factories import (
    ritual_spec,
    sign_agreement,
    sunday_family_time,
    task_spec,
)
from dynamics.models import AuditEntry, Dynamic
from instep.errors import NotAllowed, Refused
from instep.tests import images
from talk import services as talk

H = timedelta(hours=1)
PNG = images.png()  # re-encoded without metadata, a Pillow PNG stays the same


def _photo(content: bytes = PNG, name: str = "proof.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/png")


def test_leader_assigns_ritual_in_delegated_domain_and_fourteen_days_appear(
    agreement, dynamic, leader, follower, now
):
    duty = services.create_duty(leader, dynamic.pk, spec=ritual_spec(), now=now)
    assert duty.state == Duty.State.ACTIVE
    assert duty.assignee == follower
    occs = list(duty.occurrences.order_by("due_at"))
    assert len(occs) == 14
    assert occs[0].due_at == datetime(2026, 11, 24, 7, tzinfo=UTC)
    assert occs[0].opens_at == datetime(2026, 11, 24, 5, tzinfo=UTC)
    assert AuditEntry.objects.filter(dynamic=dynamic, act="duty_assigned").exists()


def test_outside_delegated_domain_duty_is_a_request_the_follower_answers(
    agreement, dynamic, leader, follower, now
):
    duty = services.create_duty(
        leader, dynamic.pk, spec=ritual_spec(domain="wardrobe"), now=now
    )
    assert duty.state == Duty.State.REQUESTED
    assert not duty.occurrences.exists()
    matter = duty.request
    assert matter.kind == "request" and matter.answered_by == "follower"
    assert matter.title == "Morning greeting"
    # The thread says the schedule in words, not as the rule is stored.
    assert "A ritual: Every day at 07:00, from Thu 01 Jan 2026." in matter.body
    with pytest.raises(NotAllowed):
        talk.answer_request(leader, dynamic.pk, matter.pk, accept=True, now=now)
    talk.answer_request(follower, dynamic.pk, matter.pk, accept=True, now=now)
    duty.refresh_from_db()
    assert duty.state == Duty.State.ACTIVE and duty.request is None
    assert not duty.imposed  # accepted, not imposed
    assert duty.occurrences.count() == 14


def test_follower_declines_a_request_and_nothing_is_scheduled(
    agreement, dynamic, leader, follower, now
):
    duty = services.create_duty(
        leader, dynamic.pk, spec=task_spec(now + 5 * H, domain="finances"), now=now
    )
    talk.answer_request(
        follower,
        dynamic.pk,
        duty.request_id,
        accept=False,
        reason="Finances stay mine",
        now=now,
    )
    duty.refresh_from_db()
    assert duty.state == Duty.State.DECLINED
    assert not duty.occurrences.exists()


def test_both_discuss_a_duty_request_in_its_thread_before_the_answer(
    agreement, dynamic, leader, follower, now
):
    duty = services.create_duty(
        leader, dynamic.pk, spec=ritual_spec(domain="wardrobe"), now=now
    )
    talk.comment_on_matter(
        follower, dynamic.pk, duty.request_id, body="Which days?", now=now
    )
    talk.comment_on_matter(
        leader, dynamic.pk, duty.request_id, body="Every day.", now=now
    )
    assert duty.request.comments.count() == 2


def test_leader_withdrawing_a_duty_request_leaves_nothing_imposed(
    agreement, dynamic, leader, follower, now
):
    duty = services.create_duty(
        leader, dynamic.pk, spec=ritual_spec(domain="wardrobe"), now=now
    )
    talk.withdraw_matter(leader, dynamic.pk, duty.request_id, now=now)
    duty.refresh_from_db()
    assert duty.state == Duty.State.DECLINED and not duty.occurrences.exists()


def test_accepting_a_task_request_after_its_deadline_is_refused_and_stays_open(
    agreement, dynamic, leader, follower, now
):
    duty = services.create_duty(
        leader, dynamic.pk, spec=task_spec(now + 5 * H, domain="finances"), now=now
    )
    with pytest.raises(Refused, match="deadline of this task has passed"):
        talk.answer_request(
            follower, dynamic.pk, duty.request_id, accept=True, now=now + 6 * H
        )
    duty.refresh_from_db()
    assert duty.state == Duty.State.REQUESTED and duty.request.state == "open"


def test_retiring_a_requested_duty_withdraws_its_request(
    agreement, dynamic, leader, now
):
    duty = services.create_duty(
        leader, dynamic.pk, spec=ritual_spec(domain="wardrobe"), now=now
    )
    matter_id = duty.request_id
    services.retire_duty(leader, dynamic.pk, duty.pk, now=now)
    from talk.models import Matter

    assert Matter.objects.get(pk=matter_id).state == "withdrawn"
    duty.refresh_from_db()
    assert duty.state == Duty.State.RETIRED


def test_without_a_signed_agreement_every_duty_is_a_request(dynamic, leader, now):
    duty = services.create_duty(leader, dynamic.pk, spec=ritual_spec(), now=now)
    assert duty.state == Duty.State.REQUESTED


def test_duty_touching_a_hard_limit_is_refused_and_nothing_is_made(
    agreement, dynamic, leader, now
):
    with pytest.raises(Refused, match="hard limit"):
        services.create_duty(
            leader,
            dynamic.pk,
            spec=ritual_spec(title="Kneel in public"),
            now=now,
        )
    assert not Duty.objects.exists()


def test_leaders_own_promise_needs_no_delegation(agreement, dynamic, leader, now):
    duty = services.create_duty(
        leader,
        dynamic.pk,
        spec=task_spec(now + 24 * H, domain="wardrobe", assignee_role="leader"),
        now=now,
    )
    assert duty.state == Duty.State.ACTIVE
    assert duty.assignee == leader
    assert duty.occurrences.count() == 1


def test_follower_may_not_assign_duties(agreement, dynamic, follower, now):
    with pytest.raises(NotAllowed):
        services.create_duty(follower, dynamic.pk, spec=ritual_spec(), now=now)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"rule": "FREQ=HOURLY"}, "rule"),
        ({"title": "  "}, "title"),
        ({"at": None}, "at"),
    ],
)
def test_bad_ritual_is_refused_on_its_field(
    agreement, dynamic, leader, now, change, field
):
    with pytest.raises(Refused) as refusal:
        services.create_duty(leader, dynamic.pk, spec=ritual_spec(**change), now=now)
    assert refusal.value.field == field


def test_task_with_a_past_deadline_is_refused(agreement, dynamic, leader, now):
    with pytest.raises(Refused, match="passed"):
        services.create_duty(leader, dynamic.pk, spec=task_spec(now - H), now=now)


def test_materialising_twice_creates_nothing_twice(agreement, dynamic, leader, now):
    duty = services.create_duty(leader, dynamic.pk, spec=ritual_spec(), now=now)
    assert services.materialise(now=now) == 0
    assert services.materialise(now=now) == 0
    # A day later, exactly one more day appears, once.
    assert services.materialise(now=now + 24 * H) == 1
    assert services.materialise(now=now + 24 * H) == 0
    dues = list(duty.occurrences.values_list("due_at", flat=True))
    assert len(dues) == len(set(dues)) == 15


def test_command_and_hourly_job_materialise_the_same_way(
    agreement, dynamic, leader, now
):
    import time_machine

    with time_machine.travel(now, tick=False):
        duty = services.create_duty(leader, dynamic.pk, spec=ritual_spec(), now=now)
        duty.occurrences.all().delete()
        call_command("materialise_occurrences", stdout=StringIO())
        assert duty.occurrences.count() == 14
        assert reminders.materialise_occurrences(now) == 0
        call_command("materialise_occurrences", stdout=StringIO())
    assert duty.occurrences.count() == 14


def test_unique_constraint_refuses_a_duplicate_occurrence(
    agreement, dynamic, leader, now
):
    from django.db import IntegrityError, transaction

    duty = services.create_duty(leader, dynamic.pk, spec=ritual_spec(), now=now)
    first = duty.occurrences.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Occurrence.objects.create(
            duty=duty,
            dynamic=dynamic,
            assignee=first.assignee,
            opens_at=first.opens_at,
            due_at=first.due_at,
        )


def test_assignee_moving_time_zone_moves_future_occurrences_to_local_time(
    agreement, dynamic, leader, follower, now
):
    duty = services.create_duty(leader, dynamic.pk, spec=ritual_spec(), now=now)
    follower.time_zone = "America/New_York"
    follower.save()
    services.materialise(now=now + H)
    dues = list(duty.occurrences.order_by("due_at").values_list("due_at", flat=True))
    # Not yet open occurrences follow to New York: 07:00 EST is 12:00 UTC.
    assert all(d.hour == 12 for d in dues)
    assert len(dues) == 14


def test_follower_ticks_on_time_with_a_note(agreement, dynamic, leader, follower, now):
    duty = services.create_duty(
        leader, dynamic.pk, spec=ritual_spec(needs_note=True), now=now
    )
    occ = duty.occurrences.order_by("due_at").first()
    at = occ.opens_at + H
    with pytest.raises(Refused, match="note"):
        services.complete(follower, dynamic.pk, occ.pk, now=at)
    with pytest.raises(Refused, match="assigned"):
        services.complete(leader, dynamic.pk, occ.pk, note="x", now=at)
    done = services.complete(follower, dynamic.pk, occ.pk, note="Said it", now=at)
    assert done.outcome == Occurrence.Outcome.ON_TIME
    assert not done.marked_late
    assert done.done_at == at


def test_forgot_to_tick_is_recorded_on_time_but_flagged_marked_late(
    agreement, dynamic, leader, follower, now
):
    duty = services.create_duty(leader, dynamic.pk, spec=ritual_spec(), now=now)
    occ = duty.occurrences.order_by("due_at").first()
    later = occ.due_at + 20 * H
    done = services.complete(
        follower, dynamic.pk, occ.pk, done_at=occ.due_at - H, now=later
    )
    assert done.outcome == Occurrence.Outcome.ON_TIME
    assert done.marked_late
    assert done.marked_at == later


def test_ticking_more_than_a_day_after_due_is_refused(
    agreement, dynamic, leader, follower, now
):
    duty = services.create_duty(leader, dynamic.pk, spec=ritual_spec(), now=now)
    occ = duty.occurrences.order_by("due_at").first()
    with pytest.raises(Refused, match="24 hours"):
        services.complete(follower, dynamic.pk, occ.pk, now=occ.due_at + 25 * H)


def test_done_time_in_the_future_or_before_opening_is_refused(
    agreement, dynamic, leader, follower, now
):
    duty = services.create_duty(leader, dynamic.pk, spec=ritual_spec(), now=now)
    occ = duty.occurrences.order_by("due_at").first()
    at = occ.opens_at + H
    for claimed in (at + H, occ.opens_at - H):
        with pytest.raises(Refused):
            services.complete(follower, dynamic.pk, occ.pk, done_at=claimed, now=at)


def test_photo_proof_is_checked_by_its_bytes_and_kept_privately(
    agreement, dynamic, leader, follower, now, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    duty = services.create_duty(
        leader, dynamic.pk, spec=task_spec(now + 5 * H, needs_photo=True), now=now
    )
    occ = duty.occurrences.get()
    with pytest.raises(Refused, match="photo"):
        services.complete(follower, dynamic.pk, occ.pk, now=now + H)
    with pytest.raises(Refused, match="JPEG"):
        services.complete(
            follower, dynamic.pk, occ.pk, photo=_photo(b"<html>", "x.png"), now=now + H
        )
    done = services.complete(follower, dynamic.pk, occ.pk, photo=_photo(), now=now + H)
    path = tmp_path / "private" / done.proof_photo.name
    assert path.read_bytes() == PNG
    assert "proof.png" not in done.proof_photo.name  # a random name


def test_view_once_photo_is_gone_after_the_leader_opens_it(
    agreement, dynamic, leader, follower, now, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    duty = services.create_duty(
        leader,
        dynamic.pk,
        spec=task_spec(now + 5 * H, needs_photo=True, view_once=True),
        now=now,
    )
    occ = duty.occurrences.get()
    services.complete(follower, dynamic.pk, occ.pk, photo=_photo(), now=now + H)
    data, _name = services.view_photo(leader, dynamic.pk, occ.pk, now=now + 2 * H)
    assert data == PNG
    with pytest.raises(Refused, match="no longer"):
        services.view_photo(leader, dynamic.pk, occ.pk, now=now + 3 * H)
    assert not list((tmp_path / "private").rglob("*.png"))


def test_proof_photos_are_deleted_after_thirty_days(
    agreement, dynamic, leader, follower, now, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    duty = services.create_duty(
        leader, dynamic.pk, spec=task_spec(now + 5 * H, needs_photo=True), now=now
    )
    occ = duty.occurrences.get()
    services.complete(follower, dynamic.pk, occ.pk, photo=_photo(), now=now + H)
    assert services.purge_proof_photos(now=now + timedelta(days=29)) == 0
    assert services.purge_proof_photos(now=now + timedelta(days=31)) == 1
    occ.refresh_from_db()
    assert occ.photo_deleted_at is not None and not occ.proof_photo
    assert not list((tmp_path / "private").rglob("*.png"))


def test_proof_photos_are_kept_as_long_as_the_agreement_in_force_says(
    dynamic, leader, follower, now, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    sign_agreement(
        dynamic,
        leader,
        follower,
        depths={"household": "delegated"},
        proof_retention_days=7,
        now=now,
    )
    duty = services.create_duty(
        leader, dynamic.pk, spec=task_spec(now + 5 * H, needs_photo=True), now=now
    )
    occ = duty.occurrences.get()
    services.complete(follower, dynamic.pk, occ.pk, photo=_photo(), now=now + H)
    assert services.purge_proof_photos(now=now + timedelta(days=6)) == 0
    assert services.purge_proof_photos(now=now + timedelta(days=8)) == 1
    occ.refresh_from_db()
    assert occ.photo_deleted_at is not None


def test_proof_retention_outside_one_to_365_days_is_refused(
    dynamic, leader, follower, now
):
    from agreements import services as agreements

    version = agreements.propose_draft(
        leader, dynamic.pk, start_from="starter", now=now
    )
    with pytest.raises(Refused, match="1 to 365 days") as refused:
        agreements.update_draft(
            leader,
            dynamic.pk,
            number=version.number,
            review_on=version.review_on,
            absence_days=14,
            titles_and_protocols="",
            proof_retention_days=0,
            now=now,
        )
    assert refused.value.field == "proof_retention_days"
    version.refresh_from_db()
    assert version.proof_retention_days == 30


def test_leader_approves_or_returns_with_a_note(
    agreement, dynamic, leader, follower, now
):
    duty = services.create_duty(
        leader, dynamic.pk, spec=task_spec(now + 5 * H, reviewed=True), now=now
    )
    occ = duty.occurrences.get()
    services.complete(follower, dynamic.pk, occ.pk, now=now + H)
    with pytest.raises(NotAllowed):
        services.review(follower, dynamic.pk, occ.pk, approve=True, now=now + H)
    with pytest.raises(Refused, match="differently"):
        services.review(leader, dynamic.pk, occ.pk, approve=False, now=now + H)
    returned = services.review(
        leader, dynamic.pk, occ.pk, approve=False, note="Again, neater", now=now + H
    )
    assert returned.review == Occurrence.Review.RETURNED and returned.done_at is None
    services.complete(follower, dynamic.pk, occ.pk, now=now + 2 * H)
    approved = services.review(
        leader, dynamic.pk, occ.pk, approve=True, now=now + 3 * H
    )
    assert approved.review == Occurrence.Review.APPROVED


def test_misses_are_recorded_as_facts(agreement, dynamic, leader, now):
    duty = services.create_duty(leader, dynamic.pk, spec=ritual_spec(), now=now)
    first = duty.occurrences.order_by("due_at").first()
    services.materialise(now=first.due_at + 23 * H)
    first.refresh_from_db()
    assert first.outcome == ""
    services.materialise(now=first.due_at + 25 * H)
    first.refresh_from_db()
    assert first.outcome == Occurrence.Outcome.MISSED


def test_ritual_due_in_a_planned_sunday_pause_is_excused(
    agreement, dynamic, leader, follower, now
):
    sunday_family_time(dynamic, follower, now)
    duty = services.create_duty(leader, dynamic.pk, spec=ritual_spec(), now=now)
    sunday = duty.occurrences.get(due_at=datetime(2026, 11, 29, 7, tzinfo=UTC))
    services.materialise(now=sunday.due_at + 49 * H)
    sunday.refresh_from_db()
    assert sunday.outcome == Occurrence.Outcome.EXCUSED
    monday = duty.occurrences.get(due_at=datetime(2026, 11, 30, 7, tzinfo=UTC))
    monday.refresh_from_db()
    assert monday.outcome == Occurrence.Outcome.MISSED


def test_follower_alone_starts_an_open_ended_illness_pause(
    agreement, dynamic, follower, now
):
    pause = services.start_illness_pause(follower, dynamic.pk, now=now)
    dynamic.refresh_from_db()
    assert dynamic.state == Dynamic.State.PAUSED
    assert pause.reason == "illness" and pause.ended_at is None
    intervals = services.pause_intervals(dynamic.pk, now, now + 100 * H)
    assert intervals[0].end is None


def test_change_outside_delegation_waits_for_the_follower(
    dynamic, leader, follower, now
):
    from duties.tests.factories import sign_agreement

    sign_agreement(dynamic, leader, follower, depths={"household": "full"}, now=now)
    duty = services.create_duty(leader, dynamic.pk, spec=ritual_spec(), now=now)
    services.change_duty(
        leader,
        dynamic.pk,
        duty.pk,
        spec=ritual_spec(domain="wardrobe", title="Wear the blue scarf"),
        now=now,
    )
    duty.refresh_from_db()
    assert duty.title == "Morning greeting" and duty.pending_change
    assert duty.request.title == "A change to “Morning greeting”"
    with pytest.raises(Refused, match="not answered the request"):
        services.change_duty(
            leader, dynamic.pk, duty.pk, spec=ritual_spec(title="Again"), now=now
        )
    talk.answer_request(follower, dynamic.pk, duty.request_id, accept=True, now=now)
    duty.refresh_from_db()
    assert duty.title == "Wear the blue scarf" and duty.pending_change is None
    assert duty.domain == "wardrobe"


def test_change_inside_delegation_applies_at_once_and_moves_the_schedule(
    agreement, dynamic, leader, now
):
    duty = services.create_duty(leader, dynamic.pk, spec=ritual_spec(), now=now)
    services.change_duty(
        leader, dynamic.pk, duty.pk, spec=ritual_spec(at=time(8, 30)), now=now
    )
    dues = set(duty.occurrences.values_list("due_at", flat=True))
    assert {(d.hour, d.minute) for d in dues} == {(8, 30)}
    assert len(dues) == 14


def test_task_paused_by_red_keeps_its_time_left(
    agreement, dynamic, leader, follower, now
):
    from duties import clock
    from dynamics import services as dynamics_services

    duty = services.create_duty(
        leader, dynamic.pk, spec=task_spec(now + 4 * H), now=now
    )
    occ = duty.occurrences.get()
    dynamics_services.send_signal(follower, dynamic.pk, "red", now=now + 2 * H)
    pauses = services.pause_intervals(dynamic.pk, occ.opens_at, now + 5 * H)
    cd = clock.countdown(occ.times(), pauses, now + 5 * H)
    assert cd.frozen and cd.left == 2 * H
