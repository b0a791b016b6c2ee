"""The weekly review: a snapshot of the week, both partners' notes, held by both."""

from datetime import UTC, datetime, timedelta
from http import HTTPStatus

import pytest
import time_machine
from django.urls import reverse

from dynamics import services as dynamics_services
from instep.errors import Refused
from talk import services
from talk.models import Matter, ReviewNote, WeeklyReview

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SCALES = {"mood": 4, "energy": 2, "stress": 3, "connection": 5}


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
    dynamics_services.resume_dynamic(leader, dynamic.pk, now=at + timedelta(hours=5))
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
    # 9, and the week's small charts from insights (7 aggregate queries).
    with django_assert_max_num_queries(16):
        assert (
            client.get(
                reverse("talk:review_detail", args=[dynamic.pk, review.pk])
            ).status_code
            == HTTPStatus.OK
        )


def test_empty_review_list_says_what_to_do(dynamic, follower, client_for):
    page = client_for(follower).get(reverse("talk:review_list", args=[dynamic.pk]))
    assert b"No reviews yet" in page.content
