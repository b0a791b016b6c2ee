"""The weekly review: a snapshot of the week, both partners' notes, held by both."""

from datetime import UTC, datetime, time, timedelta
from http import HTTPStatus
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.http import Http404
from django.urls import reverse

from agreements import services as agreement_services
from agreements.models import AgreementVersion, Comment, Weekday
from conduct import services as conduct_services
from duties import services as duty_services
from duties.tests.factories import ritual_spec, sign_agreement
from dynamics import services as dynamics_services
from instep.errors import Refused
from notify.models import Notification
from talk import reminders, services, snapshot
from talk.models import Matter, ReviewNote, WeeklyReview

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SCALES = {"mood": 4, "energy": 2, "stress": 3, "connection": 5}
UTC_ZONE = ZoneInfo("UTC")


def _check_in(user, dynamic, at, shared):
    services.check_in(user, dynamic.pk, **SCALES, shared=shared, now=at)


def test_snapshot_averages_only_shared_answers_of_the_week(dynamic, leader, follower):
    _check_in(follower, dynamic, MONDAY, {"mood", "energy"})
    services.check_in(
        follower,
        dynamic.pk,
        mood=2,
        energy=4,
        stress=5,
        connection=1,
        shared={"mood"},
        now=MONDAY + timedelta(days=1),
    )
    _check_in(follower, dynamic, MONDAY - timedelta(days=1), {"mood"})  # last week
    _check_in(leader, dynamic, MONDAY, set())  # nothing shared: not counted
    review = services.start_review(leader, dynamic.pk, now=MONDAY + timedelta(days=2))
    follower_row = review.snapshot["checkins"]["follower"]
    assert follower_row["days"] == 2
    assert follower_row["mood"] == 3.0
    assert follower_row["energy"] == 2.0  # the private 4 stays out
    assert follower_row["stress"] is None and follower_row["connection"] is None
    assert review.snapshot["checkins"]["leader"]["days"] == 0


def test_snapshot_counts_signals_pauses_decisions_and_open_matters(
    dynamic, leader, follower
):
    at = MONDAY + timedelta(hours=1)
    dynamics_services.send_signal(follower, dynamic.pk, "yellow", now=at)
    dynamics_services.pause_dynamic(follower, dynamic.pk, reason="illness", now=at)
    dynamics_services.resume_dynamic(follower, dynamic.pk, now=at + timedelta(hours=5))
    decided = services.open_matter(
        follower, dynamic.pk, kind="question", title="Holidays?", now=at
    )
    services.decide_matter(
        leader, dynamic.pk, decided.pk, decision="Spain", reason="Sun", now=at
    )
    services.open_matter(follower, dynamic.pk, kind="decision", title="Car?", now=at)
    review = services.start_review(follower, dynamic.pk, now=at + timedelta(days=1))
    snap = review.snapshot
    assert snap["signals"] == {"yellow": 1}
    assert [p["reason"] for p in snap["pauses"]] == ["illness"]
    assert [d["title"] for d in snap["decisions"]] == ["Holidays?"]
    assert [m["title"] for m in snap["open_matters"]] == ["Car?"]


def test_both_add_notes_and_mark_it_held(dynamic, leader, follower, client_for):
    with time_machine.travel(MONDAY, tick=False):
        client_for(leader).post(reverse("talk:review_start", args=[dynamic.pk]))
        review = WeeklyReview.objects.get()
        notes = reverse("talk:review_note", args=[dynamic.pk, review.pk])
        client_for(leader).post(notes, {"kind": "went_well", "body": "Sunday walk"})
        client_for(follower).post(notes, {"kind": "hard", "body": "Work stress"})
        held = reverse("talk:review_held", args=[dynamic.pk, review.pk])
        client_for(leader).post(held)
        review.refresh_from_db()
        assert not review.is_held
        client_for(follower).post(held)
        page = client_for(leader).get(
            reverse("talk:review_detail", args=[dynamic.pk, review.pk])
        )
    review.refresh_from_db()
    assert review.is_held
    assert b"Sunday walk" in page.content and b"Work stress" in page.content
    assert b"Held by both of you" in page.content
    with pytest.raises(Refused):
        services.mark_review_held(leader, dynamic.pk, review.pk, now=MONDAY)


def test_starting_twice_in_a_week_opens_the_same_review(dynamic, leader, follower):
    first = services.start_review(leader, dynamic.pk, now=MONDAY)
    again = services.start_review(follower, dynamic.pk, now=MONDAY + timedelta(days=3))
    assert first.pk == again.pk
    assert first.week_start.isoformat() == "2026-11-23"


def test_change_note_becomes_a_matter_in_one_click(
    dynamic, leader, follower, client_for
):
    review = services.start_review(leader, dynamic.pk, now=MONDAY)
    note = services.add_review_note(
        follower,
        dynamic.pk,
        review.pk,
        kind=ReviewNote.Kind.CHANGE,
        body="Less screen time in the evening\nmaybe a basket for phones",
        now=MONDAY,
    )
    url = reverse("talk:review_note_matter", args=[dynamic.pk, note.pk])
    response = client_for(follower).post(url)
    matter = Matter.objects.get()
    assert response.status_code == HTTPStatus.SEE_OTHER
    assert matter.title == "Less screen time in the evening"
    assert matter.kind == Matter.Kind.DECISION
    note.refresh_from_db()
    assert note.matter == matter
    client_for(follower).post(url)
    assert Matter.objects.count() == 1


def test_review_pages_queries_do_not_grow_with_history(
    dynamic, leader, follower, client_for, django_assert_max_num_queries
):
    for week in range(10):
        at = MONDAY - timedelta(weeks=week)
        review = services.start_review(leader, dynamic.pk, now=at)
        for n in range(5):
            services.add_review_note(
                follower, dynamic.pk, review.pk, kind="hard", body=f"n{n}", now=at
            )
            services.write_entry(
                follower, dynamic.pk, body="x", visibility="shared", now=at
            )
    client = client_for(leader)
    client.get(reverse("talk:review_list", args=[dynamic.pk]))  # presence
    with django_assert_max_num_queries(10):
        assert (
            client.get(reverse("talk:review_list", args=[dynamic.pk])).status_code
            == HTTPStatus.OK
        )
    # 10 for the page and its snapshot, and the week's small charts from
    # insights (7 aggregate queries).
    with django_assert_max_num_queries(17):
        assert (
            client.get(
                reverse("talk:review_detail", args=[dynamic.pk, review.pk])
            ).status_code
            == HTTPStatus.OK
        )


def test_empty_review_list_says_what_to_do(dynamic, follower, client_for):
    page = client_for(follower).get(reverse("talk:review_list", args=[dynamic.pk]))
    assert b"No reviews yet" in page.content


# ---------------------------------------------------------------- the snapshot, grown


def test_snapshot_counts_duties_done_late_and_missed_per_person(
    dynamic, leader, follower
):
    sign_agreement(
        dynamic, leader, follower, depths={"household": "delegated"}, now=MONDAY
    )
    duty = duty_services.create_duty(leader, dynamic.pk, spec=ritual_spec(), now=MONDAY)
    start = MONDAY.replace(hour=0)
    week = list(
        duty.occurrences.filter(
            due_at__gte=start, due_at__lt=start + timedelta(days=7)
        ).order_by("due_at")
    )
    on_time, late = week[0], week[1]
    duty_services.complete(
        follower, dynamic.pk, on_time.pk, now=on_time.due_at - timedelta(minutes=5)
    )
    duty_services.complete(
        follower, dynamic.pk, late.pk, now=late.due_at + timedelta(hours=1)
    )
    saturday = MONDAY + timedelta(days=5, hours=3)  # Saturday, 12:00
    duty_services.settle(dynamic.pk, now=saturday)
    review = services.start_review(leader, dynamic.pk, now=saturday)
    row = review.snapshot["duties"]["follower"]
    missed = [
        o for o in week[2:] if o.due_at + timedelta(hours=24, minutes=15) < saturday
    ]
    assert row["done"] == 1 and row["late"] == 1
    assert row["missed"] == len(missed) >= 2
    assert row["open"] == len(week) - 2 - len(missed)
    assert review.snapshot["duties"]["leader"]["done"] == 0
    page = _review_page(leader, dynamic, review)
    assert "Duties" in page and "Missed" in page


def _review_page(person, dynamic, review) -> str:
    from django.test import Client

    client = Client()
    client.force_login(person)
    return client.get(
        reverse("talk:review_detail", args=[dynamic.pk, review.pk])
    ).content.decode()


def test_snapshot_shows_incidents_and_how_they_were_resolved(dynamic, leader, follower):
    at = MONDAY + timedelta(days=1)
    forgiven = conduct_services.report_incident(
        leader, dynamic.pk, source="broken_rule", about="partner",
        title="Phone at dinner", now=at,
    )  # fmt: skip
    conduct_services.forgive(
        leader, dynamic.pk, forgiven.pk, word="It happens", now=at + timedelta(hours=1)
    )
    conduct_services.report_incident(
        follower, dynamic.pk, source="missed_promise", about="partner",
        title="Forgot the evening call", now=at,
    )  # fmt: skip
    review = services.start_review(follower, dynamic.pk, now=at + timedelta(days=1))
    by_title = {i["title"]: i for i in review.snapshot["incidents"]}
    assert by_title["Phone at dinner"]["resolution"] == "Forgiven"
    assert by_title["Phone at dinner"]["whose"] == "follower"
    assert by_title["Forgot the evening call"]["state"] == "open"
    assert by_title["Forgot the evening call"]["whose"] == "leader"
    page = _review_page(follower, dynamic, review)
    assert "Phone at dinner" in page and "Forgiven" in page
    assert "Forgot the evening call" in page


def test_incident_open_for_a_week_is_raised_in_the_next_review(
    dynamic, leader, follower
):
    conduct_services.report_incident(
        leader, dynamic.pk, source="broken_rule", about="partner",
        title="Late to bed", now=MONDAY,
    )  # fmt: skip
    this_week = services.start_review(leader, dynamic.pk, now=MONDAY + timedelta(1))
    assert this_week.snapshot["raised_incidents"] == []
    next_week = services.start_review(
        leader, dynamic.pk, now=MONDAY + timedelta(days=9)
    )
    assert [i["title"] for i in next_week.snapshot["raised_incidents"]] == [
        "Late to bed"
    ]
    assert next_week.snapshot["incidents"] == []  # reported the week before
    page = _review_page(follower, dynamic, next_week)
    assert "Open for a week or more" in page and "Late to bed" in page


def test_snapshot_takes_a_fixed_number_of_queries(
    dynamic, leader, follower, django_assert_num_queries
):
    for n in range(5):
        at = MONDAY - timedelta(weeks=n)
        services.open_matter(follower, dynamic.pk, kind="question", title="Q", now=at)
        conduct_services.report_incident(
            leader, dynamic.pk, source="broken_rule", about="partner",
            title=f"slip {n}", now=at,
        )  # fmt: skip
        _check_in(follower, dynamic, at, {"mood"})
    with django_assert_num_queries(9):
        snapshot.week(dynamic, MONDAY.date(), UTC_ZONE, now=MONDAY)


# ---------------------------------------------------------------- the agreement's day


def _agreement_with_review(dynamic, leader, follower, *, day, at, now):
    version = agreement_services.propose_draft(
        leader, dynamic.pk, start_from="starter", now=now
    )
    agreement_services.update_draft(
        leader,
        dynamic.pk,
        number=version.number,
        review_on=(now + timedelta(days=90)).date(),
        absence_days=14,
        titles_and_protocols="",
        weekly_review_day=day,
        weekly_review_at=at,
        now=now,
    )
    agreement_services.sign(leader, dynamic.pk, number=version.number, now=now)
    return agreement_services.sign(follower, dynamic.pk, number=version.number, now=now)


def test_review_week_ends_on_the_day_the_agreement_names(dynamic, leader, follower):
    _agreement_with_review(
        dynamic, leader, follower, day=Weekday.FRIDAY, at=time(20, 0), now=MONDAY
    )
    thursday = MONDAY + timedelta(days=3)
    review = services.start_review(leader, dynamic.pk, now=thursday)
    assert review.week_start.isoformat() == "2026-11-21"  # Saturday
    assert review.week_end.isoformat() == "2026-11-27"  # the Friday
    # The day after the review day, a review not held by both is still that week's.
    saturday = MONDAY + timedelta(days=5)
    assert services.start_review(follower, dynamic.pk, now=saturday).pk == review.pk
    for person in (leader, follower):
        services.mark_review_held(person, dynamic.pk, review.pk, now=saturday)
    fresh = services.start_review(follower, dynamic.pk, now=saturday)
    assert fresh.week_start.isoformat() == "2026-11-28"


def test_review_list_names_the_agreed_day_and_time(
    dynamic, leader, follower, client_for
):
    page = client_for(follower).get(reverse("talk:review_list", args=[dynamic.pk]))
    assert "Sunday at 18:00" in page.content.decode()
    _agreement_with_review(
        dynamic, leader, follower, day=Weekday.WEDNESDAY, at=time(19, 30), now=MONDAY
    )
    page = client_for(follower).get(reverse("talk:review_list", args=[dynamic.pk]))
    assert "Wednesday at 19:30" in page.content.decode()


def test_weekly_review_reminder_comes_on_the_agreed_day_and_time(
    dynamic, leader, follower
):
    _agreement_with_review(
        dynamic, leader, follower, day=Weekday.WEDNESDAY, at=time(19, 30), now=MONDAY
    )
    wednesday = datetime(2026, 11, 25, tzinfo=UTC)
    reminders.remind_weekly_review(wednesday + timedelta(hours=19, minutes=29))
    reminders.remind_weekly_review(datetime(2026, 11, 29, 18, 0, tzinfo=UTC))  # Sun
    assert not Notification.objects.filter(kind="weekly_review").exists()
    reminders.remind_weekly_review(wednesday + timedelta(hours=19, minutes=30))
    reminders.remind_weekly_review(wednesday + timedelta(hours=21))
    notes = Notification.objects.filter(kind="weekly_review")
    assert sorted(n.user_id for n in notes) == sorted([leader.pk, follower.pk])
    assert {n.dedupe_key for n in notes} == {f"weekly_review:{dynamic.pk}:2026-11-19"}


def test_weekly_review_reminder_follows_each_partners_time_zone(
    dynamic, leader, follower
):
    follower.time_zone = "America/New_York"
    follower.save(update_fields=["time_zone"])
    # Thursday 01:30 in UTC is still Wednesday, 20:30, in New York.
    thursday_0130_utc = datetime(2026, 11, 26, 1, 30, tzinfo=UTC)
    _agreement_with_review(
        dynamic, leader, follower, day=Weekday.WEDNESDAY, at=time(18, 0), now=MONDAY
    )
    reminders.remind_weekly_review(thursday_0130_utc)
    reviews = Notification.objects.filter(kind="weekly_review")
    assert [n.user_id for n in reviews] == [follower.pk]


# ---------------------------------------------------------------- to change


def _change_note(dynamic, review, person, body="Earlier bedtimes on weeknights"):
    return services.add_review_note(
        person, dynamic.pk, review.pk, kind=ReviewNote.Kind.CHANGE, body=body,
        now=MONDAY,
    )  # fmt: skip


def test_change_note_becomes_a_new_agreement_draft_in_one_click(
    dynamic, leader, follower, client_for
):
    version = _agreement_with_review(
        dynamic, leader, follower, day=None, at=None, now=MONDAY
    )
    review = services.start_review(leader, dynamic.pk, now=MONDAY)
    note = _change_note(dynamic, review, follower)
    url = reverse("talk:review_note_agreement", args=[dynamic.pk, note.pk])
    response = client_for(follower).post(url)
    draft = AgreementVersion.objects.get(dynamic=dynamic, in_force_from__isnull=True)
    assert response.status_code == HTTPStatus.SEE_OTHER
    assert response["Location"].endswith(f"/agreement/v/{draft.number}/#comments")
    assert draft.based_on == version and draft.proposed_by == follower
    [comment] = draft.comments.all()
    assert "Earlier bedtimes on weeknights" in comment.text
    assert comment.author_role == "follower"
    note.refresh_from_db()
    assert note.agreement_comment == comment
    page = client_for(leader).get(
        reverse("talk:review_detail", args=[dynamic.pk, review.pk])
    )
    assert f"Proposed in agreement draft {draft.number}" in page.content.decode()
    # A second click adds nothing.
    client_for(follower).post(url)
    assert Comment.objects.count() == 1


def test_change_note_joins_the_draft_already_open(dynamic, leader, follower):
    draft = agreement_services.propose_draft(
        leader, dynamic.pk, start_from="starter", now=MONDAY
    )
    review = services.start_review(leader, dynamic.pk, now=MONDAY)
    comment = services.note_to_agreement_change(
        leader, dynamic.pk, _change_note(dynamic, review, leader).pk, now=MONDAY
    )
    assert comment.version == draft
    assert AgreementVersion.objects.filter(dynamic=dynamic).count() == 1


def test_only_a_change_note_becomes_an_agreement_change(dynamic, leader, follower):
    review = services.start_review(leader, dynamic.pk, now=MONDAY)
    note = services.add_review_note(
        leader, dynamic.pk, review.pk, kind="went_well", body="Walks", now=MONDAY
    )
    with pytest.raises(Refused):
        services.note_to_agreement_change(leader, dynamic.pk, note.pk, now=MONDAY)
    assert not AgreementVersion.objects.exists()


def test_stranger_cannot_turn_a_note_into_an_agreement_change(
    dynamic, leader, stranger
):
    review = services.start_review(leader, dynamic.pk, now=MONDAY)
    note = _change_note(dynamic, review, leader)
    with pytest.raises(Http404):
        services.note_to_agreement_change(stranger, dynamic.pk, note.pk, now=MONDAY)
    assert not AgreementVersion.objects.exists()


def test_discreet_review_names_neither_titles_nor_roles_words(
    dynamic, leader, follower, client_for
):
    conduct_services.report_incident(
        leader, dynamic.pk, source="broken_rule", about="partner",
        title="Late to bed", now=MONDAY,
    )  # fmt: skip
    review = services.start_review(leader, dynamic.pk, now=MONDAY + timedelta(1))
    leader.discreet = True
    leader.save(update_fields=["discreet"])
    page = client_for(leader).get(
        reverse("talk:review_detail", args=[dynamic.pk, review.pk])
    )
    html = page.content.decode()
    assert "Partner A" in html and "Partner B" in html
    assert ">Sir<" not in html and ">pet<" not in html and "· pet ·" not in html
