"""Matters: both discuss, the leader decides with a reason; the decisions log."""

from datetime import timedelta
from http import HTTPStatus

import pytest
import time_machine
from django.urls import reverse

from dynamics import services as dynamics_services
from dynamics.models import AuditEntry
from instep.errors import NotAllowed, Refused
from talk import queries, services
from talk.deadline import DeadlineState
from talk.models import Matter


def _open(person, dynamic, now, **kw):
    kw.setdefault("kind", "request")
    kw.setdefault("title", "May I stay out late on Friday?")
    return services.open_matter(person, dynamic.pk, **kw, now=now)


def test_follower_asks_both_discuss_and_leader_decides_with_a_reason(
    dynamic, leader, follower, client_for, now
):
    with time_machine.travel(now, tick=False):
        response = client_for(follower).post(
            reverse("talk:matter_new", args=[dynamic.pk]),
            {"kind": "request", "title": "May I stay out late?", "body": "Till 1"},
        )
        matter = Matter.objects.get()
        assert response.status_code == HTTPStatus.SEE_OTHER
        detail = reverse("talk:matter_detail", args=[dynamic.pk, matter.pk])
        for person, text in ((leader, "Who with?"), (follower, "With Jo.")):
            client_for(person).post(
                reverse("talk:matter_comment", args=[dynamic.pk, matter.pk]),
                {"body": text},
            )
        client_for(leader).post(
            reverse("talk:matter_decide", args=[dynamic.pk, matter.pk]),
            {"decision": "Yes, till 1.", "reason": "Jo brings you home."},
        )
        page = client_for(follower).get(detail).content.decode()
    matter.refresh_from_db()
    assert matter.state == Matter.State.DECIDED
    assert matter.closed_by == leader
    assert "Who with?" in page and "With Jo." in page
    assert "Jo brings you home." in page
    assert AuditEntry.objects.filter(act="matter_decided").count() == 1


def test_leader_deciding_without_a_reason_is_refused_and_nothing_changes(
    dynamic, leader, follower, client_for, now
):
    matter = _open(follower, dynamic, now)
    response = client_for(leader).post(
        reverse("talk:matter_decide", args=[dynamic.pk, matter.pk]),
        {"decision": "No.", "reason": "   "},
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    matter.refresh_from_db()
    assert matter.is_open
    with pytest.raises(Refused, match="always says why"):
        services.decide_matter(
            leader, dynamic.pk, matter.pk, decision="No", reason="", now=now
        )


def test_follower_may_not_decide(dynamic, follower, now):
    matter = _open(follower, dynamic, now)
    with pytest.raises(NotAllowed):
        services.decide_matter(
            follower, dynamic.pk, matter.pk, decision="Yes", reason="I want", now=now
        )


def test_settled_matter_takes_no_more_replies(dynamic, leader, follower, now):
    matter = _open(follower, dynamic, now)
    services.decide_matter(
        leader, dynamic.pk, matter.pk, decision="Yes", reason="Fine", now=now
    )
    with pytest.raises(Refused, match="settled"):
        services.comment_on_matter(follower, dynamic.pk, matter.pk, body="x", now=now)


def test_leaders_request_outside_domains_is_for_the_follower_to_answer(
    dynamic, leader, follower, client_for, now
):
    matter = services.open_request_from_leader(
        leader, dynamic.pk, title="Wear the blue dress", domain="wardrobe", now=now
    )
    with pytest.raises(Refused):
        services.decide_matter(
            leader, dynamic.pk, matter.pk, decision="Yes", reason="I say so", now=now
        )
    with pytest.raises(Refused, match="why you decline"):
        services.answer_request(follower, dynamic.pk, matter.pk, accept=False, now=now)
    client_for(follower).post(
        reverse("talk:matter_answer", args=[dynamic.pk, matter.pk]),
        {"answer": "decline", "reason": "Not my area to give."},
    )
    matter.refresh_from_db()
    assert matter.state == Matter.State.DECLINED
    assert matter.reason == "Not my area to give."
    assert AuditEntry.objects.filter(act="request_declined").exists()


def test_only_the_leader_asks_requests_outside_domains(dynamic, follower, now):
    with pytest.raises(NotAllowed):
        services.open_request_from_leader(follower, dynamic.pk, title="x", now=now)


def test_decide_by_in_the_past_is_refused(dynamic, follower, now):
    with pytest.raises(Refused) as refusal:
        _open(follower, dynamic, now, decide_by=now - timedelta(hours=1))
    assert refusal.value.field == "decide_by"


def test_matter_decide_by_excuses_paused_time(dynamic, leader, follower, now):
    """A pause of 10 h moves the deadline by 10 h; the leader is not late."""
    matter = _open(follower, dynamic, now, decide_by=now + timedelta(hours=24))
    dynamics_services.pause_dynamic(leader, dynamic.pk, now=now + timedelta(hours=2))
    dynamics_services.resume_dynamic(leader, dynamic.pk, now=now + timedelta(hours=12))
    [row] = queries.open_matters(dynamic, now + timedelta(hours=30))
    assert row.deadline.state is DeadlineState.RUNNING
    assert row.deadline.due == now + timedelta(hours=34)
    [row] = queries.open_matters(dynamic, now + timedelta(hours=36))
    assert row.deadline.state is DeadlineState.LATE
    assert row.deadline.late_by == timedelta(hours=2)
    services.decide_matter(
        leader,
        dynamic.pk,
        matter.pk,
        decision="Yes",
        reason="ok",
        now=now + timedelta(hours=33),
    )
    detail = queries.matter_detail(dynamic, matter.pk, now + timedelta(hours=50))
    assert detail.deadline.state is DeadlineState.ON_TIME


def test_open_pause_freezes_the_decide_by_clock(dynamic, leader, follower, now):
    _open(follower, dynamic, now, decide_by=now + timedelta(hours=24))
    dynamics_services.send_signal(
        follower, dynamic.pk, "red", now=now + timedelta(hours=1)
    )
    [row] = queries.open_matters(dynamic, now + timedelta(days=5))
    assert row.deadline.state is DeadlineState.FROZEN


def test_opener_withdraws_after_confirming(dynamic, leader, follower, client_for, now):
    matter = _open(follower, dynamic, now)
    url = reverse("talk:matter_withdraw", args=[dynamic.pk, matter.pk])
    assert b"Yes, withdraw it" in client_for(follower).get(url).content
    client_for(leader).post(url)
    matter.refresh_from_db()
    assert matter.is_open  # only the one who opened it may withdraw
    client_for(follower).post(url)
    matter.refresh_from_db()
    assert matter.state == Matter.State.WITHDRAWN


def test_markdown_in_discussion_is_rendered_safely(
    dynamic, leader, follower, client_for, now
):
    matter = _open(follower, dynamic, now)
    services.comment_on_matter(
        leader,
        dynamic.pk,
        matter.pk,
        body="**sure** <script>alert(1)</script> [x](javascript:alert(1)) "
        "[site](https://example.org) <img src=x onerror=alert(2)>",
        now=now,
    )
    page = client_for(follower).get(
        reverse("talk:matter_detail", args=[dynamic.pk, matter.pk])
    )
    html = page.content.decode()
    assert "<strong>sure</strong>" in html
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "javascript:" not in html
    assert "<img" not in html
    assert (
        '<a href="https://example.org" rel="noopener nofollow noreferrer">site</a>'
        in html
    )


def _decide(leader, follower, dynamic, now, title, reason, comment=""):
    matter = _open(follower, dynamic, now, title=title)
    if comment:
        services.comment_on_matter(
            follower, dynamic.pk, matter.pk, body=comment, now=now
        )
    services.decide_matter(
        leader, dynamic.pk, matter.pk, decision="Yes", reason=reason, now=now
    )
    return matter


def test_decisions_log_lists_settled_matters_newest_first(
    dynamic, leader, follower, client_for, now
):
    _decide(leader, follower, dynamic, now, "Bedtime on weekdays", "Sleep matters")
    _decide(
        leader, follower, dynamic, now + timedelta(hours=1), "Phone at dinner", "Hm"
    )
    _open(follower, dynamic, now, title="Bedtime on Sundays")  # still open
    assert [m.title for m in queries.decisions_log(dynamic, 1)] == [
        "Phone at dinner",
        "Bedtime on weekdays",
    ]
    page = client_for(follower).get(reverse("talk:decision_log", args=[dynamic.pk]))
    assert "Sleep matters" in page.content.decode()
    assert "Bedtime on Sundays" not in page.content.decode()


def test_old_decisions_log_search_link_lands_on_the_one_search(
    dynamic, follower, client_for
):
    url = reverse("talk:decision_log", args=[dynamic.pk])
    response = client_for(follower).get(url, {"q": "sleep"})
    assert response.status_code == HTTPStatus.SEE_OTHER
    assert response["Location"] == f"/d/{dynamic.pk}/search/?q=sleep"


def test_decisions_log_queries_do_not_grow_with_history(
    dynamic, leader, follower, client_for, now, django_assert_max_num_queries
):
    client = client_for(leader)
    url = reverse("talk:decision_log", args=[dynamic.pk])
    for n in range(30):
        _decide(leader, follower, dynamic, now, f"Matter {n}", "why", comment="hm")
    client.get(url)  # the first visit of a day records presence
    with django_assert_max_num_queries(12):
        assert client.get(url, {"page": "2"}).status_code == HTTPStatus.OK


def test_matter_pages_queries_do_not_grow_with_history(
    dynamic, leader, follower, client_for, now, django_assert_max_num_queries
):
    client = client_for(leader)
    matter = _open(follower, dynamic, now, decide_by=now + timedelta(days=2))
    for n in range(20):
        _open(follower, dynamic, now, title=f"Open {n}")
        services.comment_on_matter(
            leader, dynamic.pk, matter.pk, body=f"reply {n}", now=now
        )
        dynamics_services.pause_dynamic(leader, dynamic.pk, now=now)
        dynamics_services.resume_dynamic(leader, dynamic.pk, now=now)
    for url in (
        reverse("talk:matter_list", args=[dynamic.pk]),
        reverse("talk:matter_detail", args=[dynamic.pk, matter.pk]),
    ):
        client.get(url)  # the first visit of a day records presence
        with django_assert_max_num_queries(11):
            assert client.get(url).status_code == HTTPStatus.OK


def test_empty_matter_list_says_what_to_do(dynamic, follower, client_for):
    page = client_for(follower).get(reverse("talk:matter_list", args=[dynamic.pk]))
    assert b"Nothing open" in page.content
    assert b"Ask outside the agreement" not in page.content  # leader only
