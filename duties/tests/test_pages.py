"""The duties pages: what each partner sees and can do, and that Today, Plan,
Review and History answer in a fixed number of queries on a year of history."""

from datetime import time, timedelta
from http import HTTPStatus

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from duties import services
from duties.models import Duty, Occurrence, ScheduledPause
from duties.tests.factories import ritual_spec, task_form, task_spec
from dynamics import services as dynamics_services
from dynamics.models import Pause
from instep.tests import images

H = timedelta(hours=1)
PNG = images.png()  # re-encoded without metadata, a Pillow PNG stays the same


@pytest.fixture
def frozen(now):
    with time_machine.travel(now, tick=False):
        yield now


def _url(name: str, *args) -> str:
    return reverse(f"duties:{name}", args=args)


def test_follower_sees_open_task_with_countdown_and_ticks_it_in_one_tap(
    agreement, dynamic, leader, follower, client_for, frozen
):
    duty = services.create_duty(
        leader, dynamic.pk, spec=task_spec(frozen + 2 * H), now=frozen
    )
    client = client_for(follower)
    page = client.get(_url("today", dynamic.pk))
    assert page.status_code == HTTPStatus.OK
    html = page.content.decode()
    assert "Book the dentist" in html
    assert 'data-seconds-left="7200"' in html
    assert "2 h 00 min left" in html  # readable without JavaScript
    occ = duty.occurrences.get()
    done = client.post(_url("complete", dynamic.pk, occ.pk), {"quick": "1"})
    assert done.status_code == HTTPStatus.SEE_OTHER
    occ.refresh_from_db()
    assert occ.outcome == Occurrence.Outcome.ON_TIME


def test_red_signal_freezes_the_countdown_on_today(
    agreement, dynamic, leader, follower, client_for, now
):
    duty = services.create_duty(
        leader, dynamic.pk, spec=task_spec(now + 4 * H), now=now
    )
    dynamics_services.send_signal(follower, dynamic.pk, "red", now=now + 2 * H)
    with time_machine.travel(now + 3 * H, tick=False):
        html = client_for(follower).get(_url("today", dynamic.pk)).content.decode()
    assert 'data-frozen="1"' in html
    assert "2 h 00 min left" in html
    assert duty.occurrences.get().done_at is None


def test_follower_completes_with_a_photo_and_leader_approves_after_seeing_it(
    agreement, dynamic, leader, follower, client_for, frozen, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    duty = services.create_duty(
        leader,
        dynamic.pk,
        spec=task_spec(frozen + 2 * H, needs_photo=True, reviewed=True),
        now=frozen,
    )
    occ = duty.occurrences.get()
    response = client_for(follower).post(
        _url("complete", dynamic.pk, occ.pk),
        {"photo": SimpleUploadedFile("p.png", PNG, content_type="image/png")},
    )
    assert response.status_code == HTTPStatus.SEE_OTHER
    lead = client_for(leader)
    queue = lead.get(_url("review_queue", dynamic.pk)).content.decode()
    photo_url = _url("proof_photo", dynamic.pk, occ.pk)
    assert photo_url in queue
    photo = lead.get(photo_url)
    assert photo.content == PNG and photo["Cache-Control"] == "private, no-store"
    lead.post(_url("review", dynamic.pk, occ.pk), {"decision": "approve"})
    occ.refresh_from_db()
    assert occ.review == Occurrence.Review.APPROVED


def test_stranger_never_gets_the_photo(
    agreement,
    dynamic,
    leader,
    follower,
    stranger,
    client_for,
    frozen,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path
    duty = services.create_duty(
        leader, dynamic.pk, spec=task_spec(frozen + 2 * H, needs_photo=True), now=frozen
    )
    occ = duty.occurrences.get()
    services.complete(
        follower,
        dynamic.pk,
        occ.pk,
        photo=SimpleUploadedFile("p.png", PNG),
        now=frozen,
    )
    url = _url("proof_photo", dynamic.pk, occ.pk)
    assert client_for(stranger).get(url).status_code == HTTPStatus.NOT_FOUND
    assert client_for(None).get(url).status_code == HTTPStatus.FOUND
    occ.refresh_from_db()
    with pytest.raises(ValueError):  # the file has no public URL at all
        occ.proof_photo.url  # noqa: B018


def test_leader_creates_a_daily_ritual_through_the_form(
    agreement, dynamic, leader, client_for, frozen
):
    response = client_for(leader).post(
        _url("new_duty", dynamic.pk),
        {
            "kind": "ritual",
            "title": "Evening tea",
            "domain": "household",
            "assignee_role": "follower",
            "repeat": "weekly",
            "days": ["MO", "TH"],
            "at": "19:30",
            "starts_on": "2026-11-23",
            "window_minutes": "60",
            "grace_minutes": "10",
        },
    )
    assert response.status_code == HTTPStatus.SEE_OTHER
    duty = Duty.objects.get(title="Evening tea")
    assert duty.rule == "FREQ=WEEKLY;BYDAY=MO,TH"
    assert duty.occurrences.count() == 4
    listing = client_for(leader).get(_url("duties", dynamic.pk)).content.decode()
    assert "Every Monday and Thursday at 19:30" in listing


def test_form_shows_a_hard_limit_refusal_and_changes_nothing(
    agreement, dynamic, leader, client_for, frozen
):
    response = client_for(leader).post(
        _url("new_duty", dynamic.pk),
        task_form("Dance in public"),
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "hard limit" in response.content.decode()
    assert not Duty.objects.exists()


def test_follower_answers_a_request_in_its_thread_from_today(
    agreement, dynamic, leader, follower, client_for, frozen
):
    duty = services.create_duty(
        leader, dynamic.pk, spec=ritual_spec(domain="wardrobe"), now=frozen
    )
    client = client_for(follower)
    thread = reverse("talk:matter_detail", args=[dynamic.pk, duty.request_id])
    today = client.get(_url("today", dynamic.pk)).content.decode()
    assert "Asked of you" in today and thread in today
    assert thread in client.get(_url("history", dynamic.pk, duty.pk)).content.decode()
    assert thread in client.get(_url("duties", dynamic.pk)).content.decode()
    response = client.post(
        reverse("talk:matter_answer", args=[dynamic.pk, duty.request_id]),
        {"answer": "accept", "reason": ""},
    )
    assert response.status_code == HTTPStatus.SEE_OTHER
    duty.refresh_from_db()
    assert duty.state == Duty.State.ACTIVE and duty.occurrences.exists()
    assert "Asked of you" not in client.get(_url("today", dynamic.pk)).content.decode()


def test_leader_sees_the_marked_late_flag_in_review(
    agreement, dynamic, leader, follower, client_for, now
):
    duty = services.create_duty(leader, dynamic.pk, spec=ritual_spec(), now=now)
    occ = duty.occurrences.order_by("due_at").first()
    later = occ.due_at + 10 * H
    services.complete(follower, dynamic.pk, occ.pk, done_at=occ.due_at - H, now=later)
    with time_machine.travel(later, tick=False):
        html = client_for(leader).get(_url("review_queue", dynamic.pk)).content.decode()
    assert "Ticked late this week" in html and "Morning greeting" in html


def test_calendar_feed_is_private_revocable_and_discreet(
    agreement, dynamic, leader, follower, client_for, frozen
):
    services.create_duty(leader, dynamic.pk, spec=ritual_spec(), now=frozen)
    services.schedule_pause(
        follower,
        dynamic.pk,
        reason="travel",
        starts_at=frozen + 48 * H,
        ends_at=frozen + 72 * H,
        now=frozen,
    )
    token = services.new_feed_token(follower, dynamic.pk, now=frozen)
    url = _url("feed", token)
    body = client_for(None).get(url)
    assert body["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(body.content)
    summaries = [str(e["summary"]) for e in cal.walk("VEVENT")]
    assert summaries.count("Morning greeting") == 14
    assert "Paused: no clock runs" in summaries
    follower.discreet = True
    follower.save()
    discreet = client_for(None).get(url).content.decode()
    assert "Morning greeting" not in discreet and "Reminder" in discreet
    services.revoke_feed(follower, dynamic.pk)
    assert client_for(None).get(url).status_code == HTTPStatus.NOT_FOUND


def test_plan_shows_the_week_and_the_month(
    agreement, dynamic, leader, follower, client_for, frozen
):
    services.create_duty(leader, dynamic.pk, spec=ritual_spec(), now=frozen)
    html = client_for(follower).get(_url("plan", dynamic.pk)).content.decode()
    assert "The week ahead" in html and "November 2026" in html
    assert html.count("Morning greeting") >= 6


def _year_of_history(dynamic, duty, follower, now) -> None:
    """A year of daily occurrences with every outcome, and pauses through it."""
    rows = []
    outcomes = ["on_time", "on_time", "late", "missed", "excused", "on_time"]
    for day in range(1, 366):
        due = now - timedelta(days=day)
        outcome = outcomes[day % len(outcomes)]
        done = due - H if outcome in ("on_time", "late") else None
        rows.append(
            Occurrence(
                duty=duty,
                dynamic=dynamic,
                assignee=follower,
                opens_at=due - 2 * H,
                due_at=due,
                done_at=done,
                marked_at=done,
                marked_late=day % 17 == 0,
                outcome=outcome,
                review="approved" if day % 5 else "pending",
            )
        )
    Occurrence.objects.bulk_create(rows)
    Pause.objects.bulk_create(
        Pause(
            dynamic=dynamic,
            reason="break",
            started_at=now - timedelta(days=d),
            ended_at=now - timedelta(days=d) + 3 * H,
        )
        for d in range(3, 360, 9)
    )


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == HTTPStatus.OK
    return len(ctx.captured_queries)


def test_pages_answer_in_a_fixed_number_of_queries_on_a_year_of_history(
    agreement, dynamic, leader, follower, client_for, frozen
):
    duty = services.create_duty(
        leader, dynamic.pk, spec=ritual_spec(reviewed=True), now=frozen
    )
    services.create_duty(leader, dynamic.pk, spec=task_spec(frozen + 5 * H), now=frozen)
    services.schedule_pause(
        follower,
        dynamic.pk,
        reason="family",
        rule="FREQ=WEEKLY;BYDAY=SU",
        starts_on=(frozen - timedelta(days=400)).date(),
        at=frozen.time(),
        length=10 * H,
        now=frozen,
    )
    # A context window, recurring, that the ritual is linked to.
    ScheduledPause.objects.create(
        dynamic=dynamic,
        scope=ScheduledPause.Scope.CONTEXT,
        context="the children are home",
        created_at=frozen,
        rule="FREQ=WEEKLY;BYDAY=WE",
        starts_on=(frozen - timedelta(days=400)).date(),
        at=frozen.time(),
        length=3 * H,
    )
    Duty.objects.filter(pk=duty.pk).update(suspended_when="the children are home")
    pages = {
        (follower, _url("today", dynamic.pk)): 0,
        (leader, _url("today", dynamic.pk)): 0,
        (follower, _url("plan", dynamic.pk)): 0,
        (leader, _url("review_queue", dynamic.pk)): 0,
        (leader, _url("history", dynamic.pk, duty.pk)): 0,
    }
    clients = {leader: client_for(leader), follower: client_for(follower)}
    for user, url in pages:
        clients[user].get(url)  # warm the session and presence marks
        pages[(user, url)] = _queries(clients[user], url)
    _year_of_history(dynamic, duty, follower, frozen)
    for (user, url), before in pages.items():
        after = _queries(clients[user], url)
        assert after == before, f"{url}: {before} queries before, {after} after"
        assert after <= 20, url


def test_leader_changes_a_ritual_time_and_the_schedule_moves(
    agreement, dynamic, leader, client_for, frozen
):
    duty = services.create_duty(leader, dynamic.pk, spec=ritual_spec(), now=frozen)
    client = client_for(leader)
    form = client.get(_url("edit_duty", dynamic.pk, duty.pk))
    assert form.status_code == HTTPStatus.OK
    assert 'value="FREQ=DAILY"' in form.content.decode()
    response = client.post(
        _url("edit_duty", dynamic.pk, duty.pk),
        {
            "kind": "ritual",
            "title": "Morning greeting",
            "domain": "household",
            "assignee_role": "follower",
            "repeat": "custom",
            "rule": "FREQ=DAILY",
            "at": "08:15",
            "starts_on": "2026-01-01",
            "window_minutes": "60",
            "grace_minutes": "0",
        },
    )
    assert response.status_code == HTTPStatus.SEE_OTHER
    times = {
        (d.hour, d.minute) for d in duty.occurrences.values_list("due_at", flat=True)
    }
    assert times == {(8, 15)}


def test_pauses_page_says_a_recurring_pause_in_words(
    agreement, dynamic, leader, follower, client_for, frozen
):
    services.schedule_pause(
        follower,
        dynamic.pk,
        reason="family",
        rule="FREQ=WEEKLY;BYDAY=SU",
        starts_on=frozen.date(),
        at=time(10, 0),
        length=timedelta(hours=10),
        now=frozen,
    )
    html = client_for(leader).get(_url("pauses", dynamic.pk)).content.decode()
    assert "Every Sunday, from 10:00 for 10 h 00 min" in html


def test_plan_and_pauses_list_only_the_pauses_still_to_come(
    agreement, dynamic, leader, follower, client_for, api_client, frozen
):
    def plan(reason, start, end, **kw):
        return services.schedule_pause(
            follower, dynamic.pk, reason=reason, starts_at=start, ends_at=end,
            now=frozen, **kw,
        )  # fmt: skip

    coming = plan("travel", frozen + 24 * H, frozen + 48 * H)
    plan("family", frozen + H, frozen + 2 * H)  # over by the time we look
    dropped = plan("break", frozen + 72 * H, frozen + 80 * H)
    services.cancel_scheduled_pause(follower, dynamic.pk, dropped.pk, now=frozen)
    later = frozen + 3 * H
    with time_machine.travel(later, tick=False):
        body = api_client(leader).get(f"/api/v1/dynamics/{dynamic.pk}/plan").json()
        page = client_for(leader).get(_url("pauses", dynamic.pk))
    assert [p["id"] for p in body["planned_pauses"]] == [coming.pk]
    assert [p.pk for p in page.context["plans"]] == [coming.pk]
