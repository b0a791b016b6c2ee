"""Daily check-ins: shared or private per answer, the aftercare one, reminders."""

from datetime import UTC, datetime, time, timedelta
from http import HTTPStatus

import pytest
import time_machine
from django.urls import reverse

from dynamics import services as dynamics_services
from dynamics.models import Dynamic
from instep.errors import Refused
from talk import queries, services
from talk.models import CheckIn

SCALES = {"mood": 4, "energy": 1, "stress": 3, "connection": 5}
ALL_SHARED = {"mood", "energy", "stress", "connection", "needs", "wants", "note"}


def _check_in(user, dynamic, now, *, shared=ALL_SHARED, **answers):
    return services.check_in(
        user, dynamic.pk, **{**SCALES, **answers}, shared=shared, now=now
    )


def _form(**overrides):
    data = {
        **{k: str(v) for k, v in SCALES.items()},
        "needs": "a quiet evening",
        "wants": "a walk together",
        "note": "",
        **{f"{name}_shared": "on" for name in ALL_SHARED - {"note"}},
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_leader_sees_only_the_answers_the_follower_shared(
    dynamic, leader, follower, now
):
    _check_in(
        follower,
        dynamic,
        now,
        note="my secret worry",
        wants="sleep",
        shared={"energy", "wants"},
    )
    seen = queries.latest_shared_checkin(dynamic, follower)
    assert seen.energy == 1
    assert seen.wants == "sleep"
    assert seen.mood is None and seen.stress is None and seen.note == ""
    assert seen.scales == [("Energy", 1)]


def test_a_check_in_with_nothing_shared_is_never_the_latest_shared(
    dynamic, follower, now
):
    _check_in(follower, dynamic, now - timedelta(days=1), shared={"mood"}, mood=2)
    _check_in(follower, dynamic, now, shared=set(), mood=5)
    seen = queries.latest_shared_checkin(dynamic, follower)
    assert seen.mood == 2
    assert seen.day == (now - timedelta(days=1)).date()


@time_machine.travel(datetime(2026, 11, 23, 9, 0, tzinfo=UTC), tick=False)
def test_private_answer_never_reaches_the_partners_pages(
    dynamic, leader, follower, client_for
):
    client_for(follower).post(
        reverse("talk:checkin", args=[dynamic.pk]),
        _form(note="a private thought", needs="a long lie-in", needs_shared=None),
    )
    checkin = CheckIn.objects.get(user=follower)
    assert checkin.needs_shared is False and checkin.note_shared is False
    leader_client = client_for(leader)
    for url in (
        reverse("talk:checkin", args=[dynamic.pk]),
        reverse("dynamics:home", args=[dynamic.pk]),
    ):
        page = leader_client.get(url).content.decode()
        assert "Energy" in page and "1/5" in page
        assert "a walk together" in page
        assert "a private thought" not in page
        assert "a long lie-in" not in page
    own = client_for(follower).get(reverse("talk:checkin", args=[dynamic.pk]))
    assert b"a private thought" in own.content


def test_second_check_in_the_same_day_updates_the_first(dynamic, follower, now):
    _check_in(follower, dynamic, now, mood=2)
    _check_in(follower, dynamic, now + timedelta(hours=3), mood=4)
    assert CheckIn.objects.filter(user=follower).count() == 1
    assert CheckIn.objects.get(user=follower).mood == 4


def test_check_in_day_is_the_persons_own_local_date(dynamic, follower):
    follower.time_zone = "America/Los_Angeles"
    follower.save()
    at = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)  # 21:00 on the 22nd there
    assert _check_in(follower, dynamic, at).day.isoformat() == "2026-11-22"


@pytest.mark.parametrize("bad", [0, 6])
def test_follower_giving_a_scale_outside_1_to_5_is_refused(dynamic, follower, now, bad):
    with pytest.raises(Refused) as refusal:
        _check_in(follower, dynamic, now, stress=bad)
    assert refusal.value.field == "stress"
    assert not CheckIn.objects.exists()


def test_check_in_before_the_partner_joined_is_refused(dynamic_factory, leader, now):
    forming = dynamic_factory(leader, partner=None)
    with pytest.raises(Refused, match="partner has joined"):
        _check_in(leader, forming, now)


def test_follower_checks_in_after_red_and_both_ready_resumes(
    dynamic, leader, follower, client_for, now
):
    with time_machine.travel(now, tick=False):
        dynamics_services.send_signal(follower, dynamic.pk, "red", now=now)
        url = reverse("talk:checkin", args=[dynamic.pk])
        page = client_for(follower).get(url)
        assert b"After the red signal" in page.content
        ready = {
            "aftercare-feeling": "3",
            "aftercare-note": "need a hug",
            "aftercare-ready_to_resume": "on",
        }
        for person in (follower, leader):
            response = client_for(person).post(url, _form(**ready))
            assert response.status_code == HTTPStatus.SEE_OTHER
    dynamic.refresh_from_db()
    assert dynamic.state == Dynamic.State.ACTIVE
    checkin = CheckIn.objects.get(user=follower)
    assert checkin.after_red is not None
    assert queries.latest_shared_checkin(dynamic, follower).after_red is True


def test_check_in_after_red_without_being_ready_keeps_everything_stopped(
    dynamic, leader, follower, client_for, now
):
    with time_machine.travel(now, tick=False):
        dynamics_services.send_signal(leader, dynamic.pk, "red", now=now)
        client_for(follower).post(
            reverse("talk:checkin", args=[dynamic.pk]),
            _form(**{"aftercare-feeling": "2"}),
        )
    dynamic.refresh_from_db()
    assert dynamic.state == Dynamic.State.PAUSED
    assert dynamic.pauses.get().aftercare.get().feeling == 2


def test_missed_days_are_shown_gently(dynamic, follower, client_for, now):
    with time_machine.travel(now + timedelta(days=4), tick=False):
        page = client_for(follower).get(reverse("talk:checkin", args=[dynamic.pk]))
    assert b"Nothing counts against you" in page.content
    assert page.content.count(b"no check-in") == 5  # joined day + 3 + today


def test_prompt_is_due_once_its_local_time_has_passed_and_until_checked_in(
    dynamic, follower, now
):
    follower.time_zone = "Europe/Berlin"
    follower.save()
    services.set_checkin_prompt(
        follower, dynamic.pk, prompt_at=time(20, 0), enabled=True, now=now
    )
    before = datetime(2026, 11, 23, 18, 30, tzinfo=UTC)  # 19:30 in Berlin
    after = datetime(2026, 11, 23, 19, 5, tzinfo=UTC)  # 20:05 in Berlin
    assert queries.checkins_due_for_prompt(before) == []
    [due] = queries.checkins_due_for_prompt(after)
    assert due.prompt.user == follower and due.day.isoformat() == "2026-11-23"
    _check_in(follower, dynamic, after)
    assert queries.checkins_due_for_prompt(after + timedelta(minutes=1)) == []


def test_no_prompt_in_an_ended_dynamic_or_when_switched_off(
    dynamic, leader, follower, now
):
    services.set_checkin_prompt(
        follower, dynamic.pk, prompt_at=time(8, 0), enabled=False, now=now
    )
    services.set_checkin_prompt(
        leader, dynamic.pk, prompt_at=time(8, 0), enabled=True, now=now
    )
    dynamics_services.end_dynamic(leader, dynamic.pk, now=now)
    assert queries.checkins_due_for_prompt(now + timedelta(hours=2)) == []


def test_due_prompts_take_two_queries_however_many_people(
    dynamic_factory, user_factory, now, django_assert_max_num_queries
):
    for _n in range(5):
        d = dynamic_factory()
        for m in d.members.select_related("user"):
            services.set_checkin_prompt(
                m.user, d.pk, prompt_at=time(6, 0), enabled=True, now=now
            )
    with django_assert_max_num_queries(2):
        assert len(queries.checkins_due_for_prompt(now)) == 10


def test_person_sets_their_prompt_time_on_the_page(dynamic, follower, client_for):
    client = client_for(follower)
    url = reverse("talk:checkin_prompt", args=[dynamic.pk])
    response = client.post(url, {"prompt_at": "21:30", "enabled": "on"})
    assert response.status_code == HTTPStatus.SEE_OTHER
    page = client.get(reverse("talk:checkin", args=[dynamic.pk]))
    assert b"Reminder at 21:30" in page.content


def test_check_in_page_queries_do_not_grow_with_history(
    dynamic, leader, follower, client_for, now, django_assert_max_num_queries
):
    client = client_for(follower)
    url = reverse("talk:checkin", args=[dynamic.pk])
    for day in range(40):
        _check_in(follower, dynamic, now - timedelta(days=day))
        _check_in(leader, dynamic, now - timedelta(days=day))
    with time_machine.travel(now, tick=False):
        client.get(url)  # the first visit of a day records presence
        with django_assert_max_num_queries(13):
            assert client.get(url).status_code == HTTPStatus.OK


def test_follower_editing_only_private_answers_leaves_the_partners_view_unchanged(
    dynamic, follower, now
):
    shared = {"mood", "energy"}
    _check_in(follower, dynamic, now, shared=shared, note="first thought")
    before = queries.latest_shared_checkin(dynamic, follower)
    _check_in(
        follower,
        dynamic,
        now + timedelta(hours=2),
        shared=shared,
        note="a second, private thought",
        stress=1,
    )
    assert queries.latest_shared_checkin(dynamic, follower) == before
    assert CheckIn.objects.get(user=follower).updated_at == now + timedelta(hours=2)


def test_follower_changing_a_shared_answer_moves_the_partners_updated_time(
    dynamic, follower, now
):
    _check_in(follower, dynamic, now, shared={"mood"}, mood=2)
    _check_in(follower, dynamic, now + timedelta(hours=2), shared={"mood"}, mood=4)
    seen = queries.latest_shared_checkin(dynamic, follower)
    assert seen.mood == 4
    assert seen.updated_at == now + timedelta(hours=2)


@time_machine.travel(datetime(2026, 11, 23, 9, 0, tzinfo=UTC), tick=False)
def test_partner_reading_the_api_cannot_tell_a_private_edit_happened(
    dynamic, leader, follower, api_client
):
    url = f"/api/v1/dynamics/{dynamic.pk}/checkins"
    body = {**SCALES, "needs": "", "wants": "", "note": "private"}
    writer = api_client(follower)
    answer = writer.post(
        url, {**body, "shared": ["mood", "energy"]}, content_type="application/json"
    )
    assert answer.status_code == HTTPStatus.OK
    reader = api_client(leader)
    before = reader.get(url).json()["partner_latest"]
    with time_machine.travel(datetime(2026, 11, 23, 11, 0, tzinfo=UTC), tick=False):
        writer.post(
            url,
            {**body, "note": "changed in private", "shared": ["mood", "energy"]},
            content_type="application/json",
        )
        after = reader.get(url).json()["partner_latest"]
    assert after == before
    assert before["updated_at"].startswith("2026-11-23T09:00")
