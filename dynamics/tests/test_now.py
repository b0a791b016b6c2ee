"""Now: the dynamic's home tells each partner what to do next (dynamics.now)."""

import json
import re
from datetime import timedelta
from http import HTTPStatus

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from agreements import services as agreements
from bench import demo
from conduct import services as conduct
from conftest import NOW, PASSWORD
from duties import services as duties
from duties.tests.factories import ritual_spec, sign_agreement
from dynamics import now as now_read
from dynamics import services
from dynamics.access import require
from dynamics.models import Dynamic
from notify import vapid
from notify.queries import unread_count
from talk import services as talk

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_force(dynamic, leader, follower, now):
    """The starter agreement with the household delegated, signed by both."""
    return sign_agreement(
        dynamic,
        leader,
        follower,
        depths={"household": "delegated"},
        now=now - timedelta(days=3),
    )


def _now(user, dynamic, at=NOW):
    return now_read.read(require(user, dynamic.pk, "view"), at)


def _page(client, dynamic) -> str:
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("dynamics:home", args=[dynamic.pk]))
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def _slip(dynamic, person, title="Evening tidy-up"):
    return conduct.record_slip_from_occurrence(
        dynamic_id=dynamic.pk,
        occurrence_key="k1",
        assignee_id=person.pk,
        title=title,
        due_at=NOW - timedelta(hours=3),
        kind="late",
        now=NOW - timedelta(hours=1),
    )


def test_new_couple_sees_the_setup_checklist_and_never_in_step(
    dynamic, leader, client_for
):
    now = _now(leader, dynamic)
    assert [(s.key, s.done) for s in now.setup] == [
        ("invite", True),
        ("draft", False),
        ("sign", False),
        ("first_ritual", False),
    ]
    assert now.in_step is False
    html = _page(client_for(leader), dynamic)
    assert "Getting started" in html
    assert "In step" not in html
    assert reverse("agreements:show_agreement", args=[dynamic.pk]) in html


def test_forming_dynamic_offers_the_invitation_first(dynamic_factory, leader):
    dynamic = dynamic_factory(leader, partner=None)
    now = _now(leader, dynamic)
    assert now.setup[0].key == "invite"
    assert now.setup[0].url == reverse("dynamics:invite", args=[dynamic.pk])


def test_couple_with_agreement_and_ritual_is_in_step(
    dynamic, leader, follower, in_force, client_for
):
    duties.create_duty(leader, dynamic.pk, spec=ritual_spec(), now=NOW)
    assert _now(leader, dynamic).in_step is True
    assert "In step" in _page(client_for(leader), dynamic)


def test_yellow_takes_in_step_away_and_gives_the_partner_a_seen(
    dynamic, leader, follower, in_force, client_for
):
    duties.create_duty(leader, dynamic.pk, spec=ritual_spec(), now=NOW)
    services.send_signal(follower, dynamic.pk, "yellow", now=NOW)
    now = _now(leader, dynamic)
    assert now.in_step is False
    assert [(n.kind, n.step) for n in now.notes] == [("yellow", "seen")]
    html = _page(client_for(leader), dynamic)
    assert "In step" not in html
    assert "slow down and talk" in html


def test_partner_proposes_a_draft_and_it_waits_on_the_other(dynamic, leader, follower):
    draft = agreements.propose_draft(follower, dynamic.pk, now=NOW)
    agreements.add_comment(
        follower, dynamic.pk, number=draft.number, text="Bedtimes?", now=NOW
    )
    waiting = _now(leader, dynamic).waiting
    assert [w.kind for w in waiting] == ["sign_draft", "draft_comments"]
    assert waiting[0].url.endswith(f"/agreement/v/{draft.number}/#signatures")
    agreements.add_comment(
        leader, dynamic.pk, number=draft.number, text="Ten.", now=NOW
    )
    assert [w.kind for w in _now(leader, dynamic).waiting] == ["sign_draft"]


def test_late_slip_owes_a_reflection_then_waits_on_the_leader_with_the_apology(
    dynamic, leader, follower, in_force
):
    slip = _slip(dynamic, follower)
    assert [w.kind for w in _now(follower, dynamic).waiting] == ["reflection"]
    assert _now(leader, dynamic).waiting == []
    conduct.reflect(
        follower,
        dynamic.pk,
        slip.pk,
        what_happened="I lost track of time.",
        differently="An alarm.",
        now=NOW,
    )
    assert [w.kind for w in _now(leader, dynamic).waiting] == ["correction"]
    conduct.apologise(follower, dynamic.pk, slip.pk, text="I am sorry.", now=NOW)
    waiting = _now(leader, dynamic).waiting
    assert [w.kind for w in waiting] == ["apology"]
    assert waiting[0].url == reverse("conduct:incident", args=[dynamic.pk, slip.pk])
    assert _now(follower, dynamic).waiting == []


def test_matter_waits_on_the_leader_to_decide_and_the_follower_to_reply(
    dynamic, leader, follower
):
    matter = talk.open_matter(
        follower, dynamic.pk, kind="decision", title="Holiday plans", now=NOW
    )
    assert [w.kind for w in _now(leader, dynamic).waiting] == ["decide"]
    assert _now(follower, dynamic).waiting == []
    talk.comment_on_matter(leader, dynamic.pk, matter.pk, body="The coast?", now=NOW)
    assert [w.kind for w in _now(follower, dynamic).waiting] == ["reply"]


def test_matter_the_leader_decided_shows_on_the_followers_now_for_three_days(
    dynamic, leader, follower, client_for
):
    matter = talk.open_matter(
        follower, dynamic.pk, kind="decision", title="Holiday plans", now=NOW
    )
    talk.decide_matter(
        leader,
        dynamic.pk,
        matter.pk,
        decision="The coast",
        reason="We both love the sea",
        now=NOW,
    )
    # The decision is news on Now, and so is its notification, unread.
    assert [w.text for w in _now(follower, dynamic).lately] == [
        "Decided: Holiday plans",
        "1 unread notification",
    ]
    assert [w.kind for w in _now(leader, dynamic).lately] == ["notifications"]
    assert "Decided: Holiday plans" in _page(client_for(follower), dynamic)
    later = _now(follower, dynamic, NOW + timedelta(days=4))
    assert [w.kind for w in later.lately] == ["notifications"]


def test_due_ritual_is_on_now_and_one_tap_done_returns_to_now(
    dynamic, leader, follower, in_force, client_for
):
    with time_machine.travel(NOW, tick=False):
        duties.create_duty(
            leader,
            dynamic.pk,
            spec=ritual_spec(at=(NOW + timedelta(minutes=30)).time()),
            now=NOW,
        )
    due = _now(follower, dynamic).due
    assert [d.title for d in due] == ["Morning greeting"]
    client = client_for(follower)
    html = _page(client, dynamic)
    assert f'action="{due[0].tick_url}"' in html
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            due[0].tick_url,
            {"quick": "1", "next": reverse("dynamics:home", args=[dynamic.pk])},
        )
    assert response.status_code == HTTPStatus.SEE_OTHER
    assert response.url == reverse("dynamics:home", args=[dynamic.pk])
    assert _now(follower, dynamic).due == []
    partner_view = _now(leader, dynamic).partner.due
    assert [(d.title, d.status) for d in partner_view] == [("Morning greeting", "done")]


def test_tick_from_now_does_not_follow_a_next_to_elsewhere(
    dynamic, leader, follower, in_force, client_for
):
    with time_machine.travel(NOW, tick=False):
        duties.create_duty(
            leader,
            dynamic.pk,
            spec=ritual_spec(at=(NOW + timedelta(minutes=30)).time()),
            now=NOW,
        )
        due = _now(follower, dynamic).due[0]
        response = client_for(follower).post(
            due.tick_url, {"quick": "1", "next": "https://example.org/"}
        )
    assert response.url == reverse("duties:today", args=[dynamic.pk])


def test_partners_private_check_in_answers_never_reach_now(
    dynamic, leader, follower, client_for, api_client
):
    talk.check_in(
        follower,
        dynamic.pk,
        mood=4,
        energy=1,
        stress=2,
        connection=5,
        needs="A quiet evening",
        note="secret-note-words",
        wants="secret-wants-words",
        shared=["mood", "needs"],
        now=NOW,
    )
    checkin = _now(leader, dynamic).partner.checkin
    assert checkin.scales == [("Mood", 4)]
    assert checkin.today is True
    html = _page(client_for(leader), dynamic)
    assert "A quiet evening" in html
    body = api_client(leader).get(f"/api/v1/dynamics/{dynamic.pk}/now").content
    for page in (html, body.decode()):
        assert "secret-note-words" not in page
        assert "secret-wants-words" not in page
        assert "energy" not in page.lower().split("partner", 1)[1]


def test_partner_who_has_not_checked_in_today_says_so(
    dynamic, leader, follower, client_for
):
    assert "Not checked in yet today." in _page(client_for(leader), dynamic)


def test_api_now_matches_the_page(
    dynamic, leader, follower, in_force, client_for, api_client
):
    slip = _slip(dynamic, follower)
    conduct.reflect(
        follower, dynamic.pk, slip.pk, what_happened="x", differently="y", now=NOW
    )
    talk.open_matter(follower, dynamic.pk, kind="decision", title="Plans", now=NOW)
    with time_machine.travel(NOW, tick=False):
        duties.create_duty(
            leader,
            dynamic.pk,
            spec=ritual_spec(
                assignee_role="leader",
                title="Evening call",
                at=(NOW + timedelta(minutes=20)).time(),
            ),
            now=NOW,
        )
    html = _page(client_for(leader), dynamic)
    with time_machine.travel(NOW, tick=False):
        body = json.loads(
            api_client(leader).get(f"/api/v1/dynamics/{dynamic.pk}/now").content
        )
    waiting = re.search(r'<ul class="waiting">.*?</ul>', html, re.S).group(0)
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', waiting)
    assert [(w["url"], w["text"]) for w in body["waiting"]] == links
    assert len(links) == 2
    due = re.search(r'id="due".*?</section>', html, re.S).group(0)
    assert [d["title"] for d in body["due"]] == re.findall(
        r'class="occ-title"[^>]*>([^<]+)<', due
    )
    assert body["due"][0]["title"] == "Evening call"
    assert body["in_step"] is False


def test_stranger_gets_404_for_now_on_page_and_api(
    dynamic, stranger, client_for, api_client
):
    assert (
        client_for(stranger)
        .get(reverse("dynamics:now_blocks", args=[dynamic.pk]))
        .status_code
        == HTTPStatus.NOT_FOUND
    )
    response = api_client(stranger).get(f"/api/v1/dynamics/{dynamic.pk}/now")
    assert response.status_code == HTTPStatus.NOT_FOUND


def _count(user, dynamic) -> int:
    membership = require(user, dynamic.pk, "view")
    with CaptureQueriesContext(connection) as queries:
        now_read.read(membership, NOW)
    return len(queries)


def test_now_queries_do_not_grow_with_a_year_of_history(client_for):
    """Couple 1 has a week of demo history, couple 2 a year: Now reads both
    in the same number of queries, on the page too."""
    demo.generate(dynamics=1, days=7, seed=3, now=NOW)
    demo.generate(dynamics=1, days=365, seed=3, now=NOW, first=2)
    # The instance's push key exists (made once, at the first push offer or
    # settings visit): Now's offer then reads it on the gate's query.
    vapid.instance_key()
    counts, pages = [], []
    for number in (1, 2):
        for role in ("leader", "follower"):
            user = User.objects.get(email=demo.email_of(role, number))
            dynamic = Dynamic.objects.get(members__user=user)
            counts.append((role, _count(user, dynamic)))
            client = client_for(user)
            _page(client, dynamic)  # the first visit keeps the bell's count
            with CaptureQueriesContext(connection) as queries:
                _page(client, dynamic)
            pages.append((role, len(queries)))
    assert counts[:2] == counts[2:]
    assert pages[:2] == pages[2:]
    # Three of the dynamic's own (pause, aftercare, signals), then agreements
    # 1 (2 while a draft is open), duties 6 (the leader's proof to review
    # rides on the gate's query, dynamics.nav), talk 3, conduct 2, notify 0
    # (the unread count and the push offer ride on the gate's query too).
    assert dict(counts) == {"leader": 15, "follower": 15}


def test_signing_in_lands_on_now_with_one_dynamic_and_on_the_list_with_two(
    dynamic, dynamic_factory, leader, client
):
    response = client.post(
        reverse("account_login"),
        {"login": leader.email, "password": PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("dynamics:home", args=[dynamic.pk])
    dynamic_factory(leader)
    client.logout()
    response = client.post(
        reverse("account_login"),
        {"login": leader.email, "password": PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("dynamics:list")


# The alert poll: a conditional request -----------------------------------------


def _poll(client, dynamic, version: str | None = None, **headers):
    url = f"{reverse('dynamics:alerts')}?d={dynamic.pk}"
    if version is not None:
        url += f"&v={version}"
    return client.get(url, headers=headers)


def _version(response) -> str:
    return re.search(r"\?v=([^&\"]*)", response.content.decode()).group(1)


def test_poll_answers_204_while_nothing_changed(dynamic, leader, client_for):
    client = client_for(leader)
    first = _poll(client, dynamic)
    assert first.status_code == HTTPStatus.OK
    assert _poll(client, dynamic, _version(first)).status_code == (
        HTTPStatus.NO_CONTENT
    )


def test_poll_answers_304_to_its_own_etag(dynamic, leader, client_for):
    client = client_for(leader)
    etag = _poll(client, dynamic)["ETag"]
    again = _poll(client, dynamic, **{"If-None-Match": etag})
    assert again.status_code == HTTPStatus.NOT_MODIFIED


def test_page_draws_the_poll_with_the_version_it_answers_204_to(
    dynamic, leader, client_for
):
    client = client_for(leader)
    html = _page(client, dynamic)
    version = re.search(r'id="alerts"[^>]*\?v=([^&"]*)', html).group(1)
    with time_machine.travel(NOW, tick=False):
        assert _poll(client, dynamic, version).status_code == HTTPStatus.NO_CONTENT


def test_partners_red_reaches_an_open_page_at_the_next_poll(
    dynamic, leader, follower, client_for
):
    client = client_for(leader)
    version = _version(_poll(client, dynamic))
    services.send_signal(follower, dynamic.pk, "red", now=NOW)
    response = _poll(client, dynamic, version)
    assert response.status_code == HTTPStatus.OK
    assert "pulled red" in response.content.decode()
    # Now redraws its blocks when the dynamic changed.
    assert response["HX-Trigger"] == "instep:changed"
    assert _poll(client, dynamic, _version(response)).status_code == (
        HTTPStatus.NO_CONTENT
    )


def test_poll_brings_the_bells_new_count_when_something_waits(
    dynamic, leader, follower, in_force, client_for
):
    client = client_for(follower)
    version = _version(_poll(client, dynamic))
    _slip(dynamic, follower)
    response = _poll(client, dynamic, version)
    html = response.content.decode()
    assert 'id="bell"' in html
    assert 'hx-swap-oob="true"' in html
    # The bell is the one count: what waits, and the unread notifications.
    unread = unread_count(follower)
    label = f"Waiting on you: 1, {unread} unread notifications"
    assert f'aria-label="{label}"' in html
    assert f'<span class="count" aria-hidden="true">{1 + unread}</span>' in html
    # Every page's header then shows it from the session, without a query.
    page = client.get(reverse("dynamics:list")).content.decode()
    assert f'aria-label="{label}"' in page


def test_poll_for_a_dynamic_of_others_tells_nothing(
    dynamic, stranger, follower, client_for
):
    client = client_for(stranger)
    first = _poll(client, dynamic)
    assert "bell" not in first.content.decode().split('id="alerts"')[1]
    services.send_signal(follower, dynamic.pk, "red", now=NOW)
    assert _poll(client, dynamic, _version(first)).status_code == (
        HTTPStatus.NO_CONTENT
    )


# Words that tell an onlooker what a waiting item is about; discreet Now says
# none of them, nor the couple's own titles (a title can be a rule's words).
INTIMATE_ON_NOW = re.compile(
    r"\bred\b|apolog|slip|correction|reflection|incident|aftercare|praise|"
    r"consequence|punish|overwhelmed|authority|kneel|collar",
    re.IGNORECASE,
)


def _blocks(page: str) -> str:
    """The words Now's blocks show (markup, class names and paths left out)."""
    html = page.split('id="now-blocks"')[1].split('class="card now-links"')[0]
    return re.sub(r"<[^>]*>", " ", html.split(">", 1)[1])


def test_discreet_now_words_a_slip_a_reflection_owed_and_an_apology_neutrally(
    dynamic, leader, follower, in_force, client_for
):
    def slip(key, title):
        return conduct.record_slip_from_occurrence(
            dynamic_id=dynamic.pk,
            occurrence_key=key,
            assignee_id=follower.pk,
            title=title,
            due_at=NOW - timedelta(hours=3),
            kind="late",
            now=NOW - timedelta(hours=2),
        )

    slip("k1", "Kneel at the door")  # a reflection owed by the follower
    apologised = slip("k2", "Collar on by nine")
    conduct.reflect(
        follower,
        dynamic.pk,
        apologised.pk,
        what_happened="I forgot",
        differently="An alarm",
        now=NOW - timedelta(hours=1),
    )
    conduct.apologise(
        follower, dynamic.pk, apologised.pk, text="Sorry", now=NOW - timedelta(hours=1)
    )
    services.send_signal(follower, dynamic.pk, "red", now=NOW)
    plain = {
        "leader": _blocks(_page(client_for(leader), dynamic)),
        "follower": _blocks(_page(client_for(follower), dynamic)),
    }
    # Plain mode names them: the test would catch them.
    assert "An apology to acknowledge" in plain["leader"]
    assert "A reflection owed: Kneel at the door" in plain["follower"]
    for person in (leader, follower):
        person.discreet = True
        person.save(update_fields=["discreet"])
    leaders = _blocks(_page(client_for(leader), dynamic))
    followers = _blocks(_page(client_for(follower), dynamic))
    assert INTIMATE_ON_NOW.findall(leaders) == []
    assert INTIMATE_ON_NOW.findall(followers) == []
    assert "A message to read, and a note to settle" in leaders
    assert "Check in with each other" in leaders
    assert "Stopped" in leaders
    assert "A note to add your thoughts to" in followers
