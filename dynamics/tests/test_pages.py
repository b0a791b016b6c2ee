"""The dynamics pages: what each shows, and a fixed number of queries."""

from datetime import timedelta
from http import HTTPStatus

from django.urls import reverse

from dynamics import services
from dynamics.models import Dynamic


def test_empty_list_says_what_to_do_next(stranger, client_for):
    page = client_for(stranger).get(reverse("dynamics:list"))
    assert b"Nothing here yet" in page.content
    assert reverse("dynamics:create").encode() in page.content


def test_create_page_makes_a_forming_dynamic_and_goes_to_invite(leader, client_for):
    response = client_for(leader).post(
        reverse("dynamics:create"),
        {"role": "leader", "my_title": "Sir", "partner_title": "pet"},
    )
    dynamic = Dynamic.objects.get()
    assert response.status_code == HTTPStatus.SEE_OTHER
    assert response.url == reverse("dynamics:invite", args=[dynamic.pk])


def test_create_page_keeps_what_was_typed_when_refused(leader, client_for):
    response = client_for(leader).post(
        reverse("dynamics:create"), {"role": "", "my_title": "Sir", "partner_title": ""}
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert b'value="Sir"' in response.content
    assert not Dynamic.objects.exists()


def test_both_partners_see_each_others_titles(dynamic, leader, follower, client_for):
    for person in (leader, follower):
        page = client_for(person).get(reverse("dynamics:home", args=[dynamic.pk]))
        assert b"<strong>Sir</strong>" in page.content
        assert b"<strong>pet</strong>" in page.content
        assert b"Sir &amp; pet" in page.content  # which dynamic this page is in


def test_home_page_queries_do_not_grow_with_history(
    dynamic, leader, follower, client_for, now, django_assert_max_num_queries
):
    client = client_for(leader)
    url = reverse("dynamics:home", args=[dynamic.pk])
    client.get(url)
    for hour in range(20):
        at = now + timedelta(hours=hour)
        services.send_signal(follower, dynamic.pk, "yellow", now=at)
        services.pause_dynamic(follower, dynamic.pk, now=at)
        services.resume_dynamic(follower, dynamic.pk, now=at + timedelta(minutes=5))
    # The frame: session, user, the gate, the header's memberships and
    # alerts, the inbox badge (6); Now itself (dynamics.now: 3 of its own and
    # the apps' 13, see dynamics/tests/test_now.py); the bell's fingerprint,
    # and its new count saved in the session (an update in a savepoint: 3).
    with django_assert_max_num_queries(26):
        assert client.get(url).status_code == HTTPStatus.OK


def test_pause_page_refusal_keeps_the_dynamic_as_it_was(dynamic, follower, client_for):
    client = client_for(follower)
    client.post(reverse("dynamics:pause", args=[dynamic.pk]), {"reason": "illness"})
    response = client.post(
        reverse("dynamics:pause", args=[dynamic.pk]), {"reason": "travel"}, follow=True
    )
    assert b"already paused" in response.content
    assert dynamic.pauses.get().reason == "illness"


def test_end_asks_for_confirmation_first(dynamic, follower, client_for):
    client = client_for(follower)
    page = client.get(reverse("dynamics:end", args=[dynamic.pk]))
    assert b"Yes, end it" in page.content
    dynamic.refresh_from_db()
    assert dynamic.state == Dynamic.State.ACTIVE
    client.post(reverse("dynamics:end", args=[dynamic.pk]))
    dynamic.refresh_from_db()
    assert dynamic.state == Dynamic.State.ENDED


def test_landing_welcomes_visitors_and_sends_members_home(dynamic, leader, client):
    page = client.get(reverse("landing"))
    assert b"Create your account" in page.content
    client.force_login(leader)
    assert client.get(reverse("landing")).url == reverse(
        "dynamics:home", args=[dynamic.pk]
    )


def test_pages_send_a_strict_content_security_policy(client, db):
    policy = client.get(reverse("landing"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_home_offers_resume_only_to_the_one_who_paused(
    dynamic, leader, follower, client_for, now
):
    services.pause_dynamic(follower, dynamic.pk, reason="illness", now=now)
    url = reverse("dynamics:home", args=[dynamic.pk])
    resume = reverse("dynamics:resume", args=[dynamic.pk])
    mine = client_for(follower).get(url).content.decode()
    assert f'action="{resume}"' in mine
    theirs = client_for(leader).get(url).content.decode()
    assert f'action="{resume}"' not in theirs
    assert "Your partner paused; only they can resume." in theirs
    # Posting anyway changes nothing and says why.
    page = client_for(leader).post(resume, follow=True).content.decode()
    assert "only they can resume" in page
    dynamic.refresh_from_db()
    assert dynamic.state == "paused"
