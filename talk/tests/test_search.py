"""One search over a dynamic's matters, decisions, journal and weekly reviews.

It runs as full-text search on PostgreSQL and as a word-by-word fallback on
SQLite; every test here runs on both, and none may ever turn up the partner's
private journal entry or private check-in answer.
"""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.db import connection
from django.urls import reverse

from dynamics.models import Membership
from talk import search, services
from talk.models import JournalEntry, ReviewNote

SECRET = "marzipan"


def _me(user, dynamic) -> Membership:
    return Membership.objects.select_related("user", "dynamic").get(
        user=user, dynamic=dynamic
    )


def _decide(leader, follower, dynamic, now, title, reason, comment=""):
    matter = services.open_matter(
        follower, dynamic.pk, kind="request", title=title, now=now
    )
    if comment:
        services.comment_on_matter(leader, dynamic.pk, matter.pk, body=comment, now=now)
    services.decide_matter(
        leader, dynamic.pk, matter.pk, decision="Yes", reason=reason, now=now
    )
    return matter


@pytest.fixture
def talked(dynamic, leader, follower, now):
    """A dynamic that talked about bedtimes in every way there is."""
    _decide(leader, follower, dynamic, now, "Bedtime on weekdays", "Sleep matters")
    _decide(leader, follower, dynamic, now, "Phone at dinner", "Be present",
            comment="Only after the bedtime story")  # fmt: skip
    services.open_matter(
        follower, dynamic.pk, kind="question", title="Bedtime on Sundays?", now=now
    )
    services.write_entry(
        leader, dynamic.pk, title="Evenings", body="Our bedtime talk was lovely",
        visibility=JournalEntry.Visibility.SHARED, now=now,
    )  # fmt: skip
    review = services.start_review(leader, dynamic.pk, now=now)
    services.add_review_note(
        follower, dynamic.pk, review.pk, kind=ReviewNote.Kind.HARD,
        body="Bedtime slipped twice", now=now,
    )  # fmt: skip
    return review


def test_follower_finds_matters_decisions_entries_and_reviews_grouped_by_kind(
    dynamic, follower, talked
):
    found = search.search(_me(follower, dynamic), "bedtime")
    assert [m.title for m in found.open_matters] == ["Bedtime on Sundays?"]
    assert {m.title for m in found.decisions} == {
        "Bedtime on weekdays",
        "Phone at dinner",  # through its discussion
    }
    assert [e.title for e in found.entries] == ["Evenings"]
    assert [r.review_id for r in found.reviews] == [talked.pk]
    assert found.total == 5
    assert found.full_text is (connection.vendor == "postgresql")


def test_every_word_must_match_and_a_word_matches_its_beginning(
    dynamic, leader, talked
):
    me = _me(leader, dynamic)
    assert [m.title for m in search.search(me, "bed week").decisions] == [
        "Bedtime on weekdays"
    ]
    assert search.search(me, "bedtime zebra").total == 0
    assert [m.title for m in search.search(me, "PRESENT").decisions] == [
        "Phone at dinner"
    ]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="ranking is PostgreSQL's full text"
)
def test_on_postgresql_a_title_match_ranks_above_a_match_in_the_reason(
    dynamic, leader, follower, now
):
    _decide(leader, follower, dynamic, now, "Weekend plans", "Tea with the garden club")
    _decide(leader, follower, dynamic, now + timedelta(hours=1), "Garden", "Later")
    found = search.search(_me(leader, dynamic), "garden")
    assert [m.title for m in found.decisions] == ["Garden", "Weekend plans"]


def test_partners_private_entry_is_never_found_nor_counted(
    dynamic, leader, follower, now, client_for
):
    services.write_entry(
        follower, dynamic.pk, title=f"About {SECRET}", body=f"{SECRET} and more",
        now=now,
    )  # fmt: skip
    assert search.search(_me(leader, dynamic), SECRET).total == 0
    assert search.search(_me(follower, dynamic), SECRET).total == 1
    page = client_for(leader).get(
        reverse("talk:search", args=[dynamic.pk]), {"q": SECRET}
    )
    html = page.content.decode()
    assert f"About {SECRET}" not in html and f"{SECRET} and more" not in html
    assert "Nothing mentions" in html and "result" not in html


def test_entry_made_private_again_drops_out_of_the_partners_search(
    dynamic, leader, follower, now
):
    entry = services.write_entry(
        follower, dynamic.pk, body=f"{SECRET} shared", visibility="shared", now=now
    )
    assert search.search(_me(leader, dynamic), SECRET).total == 1
    services.edit_entry(
        follower, dynamic.pk, entry.pk, body=f"{SECRET} shared",
        visibility="private", now=now,
    )  # fmt: skip
    assert search.search(_me(leader, dynamic), SECRET).total == 0


def test_private_check_in_answer_is_never_found(
    dynamic, leader, follower, now, client_for
):
    services.check_in(
        follower, dynamic.pk, mood=3, energy=3, stress=3, connection=3,
        note=f"Thinking of {SECRET}", shared={"mood"}, now=now,
    )  # fmt: skip
    for person in (leader, follower):
        assert search.search(_me(person, dynamic), SECRET).total == 0
    page = client_for(leader).get(
        reverse("talk:search", args=[dynamic.pk]), {"q": SECRET}
    )
    assert page.content.decode().count(SECRET) == 2  # the box and "Nothing mentions"


def test_search_stays_inside_the_dynamic(
    dynamic, dynamic_factory, leader, follower, user_factory, now
):
    other = dynamic_factory(leader, user_factory("Kim"))
    services.open_matter(
        leader, other.pk, kind="decision", title=f"{SECRET} elsewhere", now=now
    )
    assert search.search(_me(leader, dynamic), SECRET).total == 0
    assert search.search(_me(leader, other), SECRET).total == 1


def test_empty_or_wordless_query_explains_what_is_searched(
    dynamic, follower, client_for, django_assert_max_num_queries
):
    client = client_for(follower)
    url = reverse("talk:search", args=[dynamic.pk])
    client.get(url)  # presence
    for q in ("", "  ", "!!?"):
        page = client.get(url, {"q": q})
        assert page.status_code == HTTPStatus.OK
        assert "private entries are never searched" in page.content.decode()


def test_search_page_queries_do_not_grow_with_history(
    dynamic, leader, follower, now, client_for, django_assert_max_num_queries
):
    for n in range(15):
        _decide(leader, follower, dynamic, now, f"Bedtime {n}", "why", comment="bed")
        services.write_entry(
            leader, dynamic.pk, body=f"bedtime {n}", visibility="shared", now=now
        )
    client = client_for(follower)
    url = reverse("talk:search", args=[dynamic.pk])
    client.get(url)  # presence
    with django_assert_max_num_queries(12):
        page = client.get(url, {"q": "bedtime"})
    assert page.status_code == HTTPStatus.OK
    assert "Bedtime 14" in page.content.decode()


def test_journal_and_decisions_pages_send_their_search_to_the_one_search(
    dynamic, follower, client_for
):
    client = client_for(follower)
    for name in ("talk:journal", "talk:decision_log"):
        page = client.get(reverse(name, args=[dynamic.pk])).content.decode()
        assert f'action="/d/{dynamic.pk}/search/"' in page
