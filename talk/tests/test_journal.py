"""Journal: a private entry is visible to its author alone, through every path."""

from datetime import timedelta
from http import HTTPStatus

import pytest
import time_machine
from django.contrib import admin
from django.urls import reverse

from dynamics.models import AuditEntry
from instep.errors import Refused
from talk import queries, services
from talk.models import JournalComment, JournalEntry
from talk.portability import export_talk

SECRET = "zanzibar-private-thought"


@pytest.fixture
def private_entry(dynamic, follower, now) -> JournalEntry:
    """The follower's private entry; every test checks the leader cannot find it."""
    return services.write_entry(
        follower,
        dynamic.pk,
        title=f"Title {SECRET}",
        body=f"Body {SECRET}",
        prompt="Where did I miss a step?",
        now=now,
    )


@pytest.fixture
def shared_entry(dynamic, follower, now) -> JournalEntry:
    return services.write_entry(
        follower,
        dynamic.pk,
        title="What went well",
        body="We laughed a lot",
        visibility=JournalEntry.Visibility.SHARED,
        now=now + timedelta(minutes=5),
    )


def test_entries_are_private_unless_shared(private_entry):
    assert private_entry.visibility == JournalEntry.Visibility.PRIVATE
    assert private_entry.shared_at is None


def test_partner_gets_404_for_every_page_of_a_private_entry(
    dynamic, leader, private_entry, client_for
):
    client = client_for(leader)
    ids = [dynamic.pk, private_entry.pk]
    for name in ("talk:journal_entry", "talk:journal_edit", "talk:journal_delete"):
        response = client.get(reverse(name, args=ids))
        assert response.status_code == HTTPStatus.NOT_FOUND, name
        assert SECRET.encode() not in response.content
    for name, data in (
        ("talk:journal_comment", {"body": "let me in"}),
        ("talk:journal_edit", {"body": "changed", "visibility": "shared"}),
        ("talk:journal_delete", {}),
    ):
        response = client.post(reverse(name, args=ids), data)
        assert response.status_code == HTTPStatus.NOT_FOUND, name
    private_entry.refresh_from_db()
    assert private_entry.body == f"Body {SECRET}"
    assert not JournalComment.objects.exists()


def test_partners_journal_page_neither_shows_nor_counts_private_entries(
    dynamic, leader, follower, private_entry, shared_entry, client_for, now
):
    services.write_entry(follower, dynamic.pk, body="another private one", now=now)
    page = client_for(leader).get(reverse("talk:journal", args=[dynamic.pk]))
    html = page.content.decode()
    assert SECRET not in html and "another private one" not in html
    assert "Shared with me (1)" in html
    assert "What went well" in html
    own = client_for(follower).get(reverse("talk:journal", args=[dynamic.pk]))
    assert "My entries (3)" in own.content.decode()


def test_partners_search_never_finds_a_private_entry(
    dynamic, leader, follower, private_entry, client_for
):
    url = reverse("talk:search", args=[dynamic.pk])
    theirs = client_for(leader).get(url, {"q": SECRET}).content.decode()
    assert f"Title {SECRET}" not in theirs and f"Body {SECRET}" not in theirs
    assert "Nothing mentions" in theirs  # not even a count of one
    mine = client_for(follower).get(url, {"q": SECRET}).content.decode()
    assert f"Title {SECRET}" in mine and "1 result" in mine


def test_partners_export_does_not_carry_a_private_entry(
    leader, follower, private_entry, shared_entry
):
    theirs, mine = str(export_talk(leader)), str(export_talk(follower))
    assert SECRET not in theirs
    assert "We laughed a lot" in theirs
    assert SECRET in mine


def test_admin_does_not_register_journal_or_check_ins(
    user_factory, client_for, private_entry
):
    operator = user_factory("Op", is_staff=True, is_superuser=True)
    client = client_for(operator)
    index = client.get(reverse("admin:index")).content.decode()
    assert "Journal" not in index and "Check" not in index
    registered = {model._meta.app_label for model in admin.site._registry}
    assert "talk" not in registered
    for path in ("/admin/talk/journalentry/", "/admin/talk/checkin/"):
        assert client.get(path).status_code == HTTPStatus.NOT_FOUND
    for path in ("/admin/", "/admin/dynamics/auditentry/", "/admin/accounts/user/"):
        assert SECRET not in client.get(path).content.decode()


def test_writing_in_the_journal_leaves_no_trace_in_the_audit_trail(
    dynamic, private_entry
):
    assert not AuditEntry.objects.filter(summary__icontains="journal").exists()
    assert not AuditEntry.objects.filter(act__icontains="entry").exists()


def test_private_entry_stays_out_of_the_weekly_review(
    dynamic, leader, follower, private_entry, shared_entry, client_for, now
):
    with time_machine.travel(now, tick=False):
        review = services.start_review(leader, dynamic.pk, now=now)
        page = client_for(leader).get(
            reverse("talk:review_detail", args=[dynamic.pk, review.pk])
        )
    assert review.snapshot["shared_entries"] == [shared_entry.pk]
    assert SECRET not in page.content.decode()
    assert "What went well" in page.content.decode()


def test_entry_made_private_again_disappears_for_the_partner(
    dynamic, leader, follower, shared_entry, client_for, now
):
    review = services.start_review(leader, dynamic.pk, now=now + timedelta(hours=1))
    services.edit_entry(
        follower,
        dynamic.pk,
        shared_entry.pk,
        title="What went well",
        body="We laughed a lot",
        visibility="private",
        now=now + timedelta(hours=2),
    )
    client = client_for(leader)
    url = reverse("talk:journal_entry", args=[dynamic.pk, shared_entry.pk])
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    detail = queries.review_detail(dynamic.members.get(user=leader), review.pk)
    assert detail.shared_entries == []


def test_partner_comments_on_a_shared_entry(
    dynamic, leader, follower, shared_entry, client_for
):
    url = reverse("talk:journal_comment", args=[dynamic.pk, shared_entry.pk])
    response = client_for(leader).post(url, {"body": "That evening was *lovely*"})
    assert response.status_code == HTTPStatus.SEE_OTHER
    page = client_for(follower).get(
        reverse("talk:journal_entry", args=[dynamic.pk, shared_entry.pk])
    )
    assert b"<em>lovely</em>" in page.content


def test_author_cannot_comment_on_their_own_private_entry(
    dynamic, follower, private_entry, now
):
    with pytest.raises(Refused, match="Share this entry first"):
        services.comment_on_entry(
            follower, dynamic.pk, private_entry.pk, body="note", now=now
        )


def test_partner_cannot_edit_a_shared_entry(dynamic, leader, shared_entry, client_for):
    url = reverse("talk:journal_edit", args=[dynamic.pk, shared_entry.pk])
    response = client_for(leader).post(
        url, {"body": "mine now", "visibility": "shared"}
    )
    assert response.status_code == HTTPStatus.NOT_FOUND
    shared_entry.refresh_from_db()
    assert shared_entry.body == "We laughed a lot"


def test_author_deletes_after_confirming(dynamic, follower, private_entry, client_for):
    client = client_for(follower)
    url = reverse("talk:journal_delete", args=[dynamic.pk, private_entry.pk])
    assert b"Yes, delete it" in client.get(url).content
    assert JournalEntry.objects.filter(pk=private_entry.pk).exists()
    assert client.post(url).status_code == HTTPStatus.SEE_OTHER
    assert not JournalEntry.objects.filter(pk=private_entry.pk).exists()


def test_new_entry_page_offers_the_neutral_prompts(dynamic, follower, client_for):
    page = client_for(follower).get(reverse("talk:journal_new", args=[dynamic.pk]))
    assert b"What went well between us this week?" in page.content
    assert b"Where did I miss a step?" in page.content


def test_writing_through_the_page_keeps_it_private_by_default(
    dynamic, follower, client_for
):
    client_for(follower).post(
        reverse("talk:journal_new", args=[dynamic.pk]),
        {"body": "just for me", "visibility": "private"},
    )
    assert JournalEntry.objects.get().visibility == "private"


def test_journal_page_queries_do_not_grow_with_history(
    dynamic, leader, follower, client_for, now, django_assert_max_num_queries
):
    for n in range(30):
        for person in (leader, follower):
            entry = services.write_entry(
                person,
                dynamic.pk,
                body=f"entry {n}",
                visibility="shared" if n % 2 else "private",
                now=now,
            )
            if entry.is_shared:
                services.comment_on_entry(
                    leader, dynamic.pk, entry.pk, body="yes", now=now
                )
    client = client_for(leader)
    client.get(reverse("talk:journal", args=[dynamic.pk]))  # presence, once a day
    with django_assert_max_num_queries(11):
        assert (
            client.get(reverse("talk:journal", args=[dynamic.pk])).status_code
            == HTTPStatus.OK
        )
    with django_assert_max_num_queries(11):
        assert (
            client.get(
                reverse("talk:journal_entry", args=[dynamic.pk, entry.pk])
            ).status_code
            == HTTPStatus.OK
        )
