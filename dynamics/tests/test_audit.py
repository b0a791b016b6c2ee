"""The audit trail: append-only, visible to both, newest first, paginated."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from accounts import services as account_services
from conftest import PASSWORD
from dynamics import audit, services
from dynamics.models import AuditEntry
from instep.errors import Refused


@pytest.fixture
def entry(dynamic, leader, now) -> AuditEntry:
    return audit.record(dynamic, leader, "test_act", "Something happened", at=now)


def test_an_entry_cannot_be_saved_again(entry):
    entry.summary = "Something else"
    with pytest.raises(Refused):
        entry.save()
    entry.refresh_from_db()
    assert entry.summary == "Something happened"


def test_an_entry_cannot_be_deleted(entry):
    with pytest.raises(Refused):
        entry.delete()
    with pytest.raises(Refused):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_a_bulk_update_is_refused(entry):
    with pytest.raises(Refused):
        AuditEntry.objects.filter(pk=entry.pk).update(summary="rewritten")


def test_the_database_refuses_an_update_even_in_raw_sql(entry):
    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE dynamics_auditentry SET summary = %s WHERE id = %s",
            ["rewritten", entry.pk],
        )
    entry.refresh_from_db()
    assert entry.summary == "Something happened"


def test_deleting_an_account_only_clears_the_actor_link(dynamic, follower, now):
    services.send_signal(follower, dynamic.pk, "yellow", now=now)
    account_services.delete_account(follower, password=PASSWORD, now=now)
    entry = AuditEntry.objects.get(act="signal_yellow")
    assert entry.actor is None
    assert entry.actor_role == "follower"
    assert entry.summary.startswith("Yellow signal")


def test_both_partners_see_the_trail_newest_first(
    dynamic, leader, follower, client_for, now
):
    services.pause_dynamic(leader, dynamic.pk, now=now + timedelta(minutes=1))
    services.resume_dynamic(leader, dynamic.pk, now=now + timedelta(minutes=2))
    for person in (leader, follower):
        page = client_for(person).get(reverse("dynamics:audit", args=[dynamic.pk]))
        assert page.status_code == HTTPStatus.OK
        summaries = [e.summary for e in page.context["page"].object_list]
        assert summaries[:2] == ["Resumed", "Paused: A break"]


def test_the_trail_is_paginated(dynamic, leader, client_for, now):
    for minute in range(30):
        audit.record(
            dynamic,
            leader,
            "test_act",
            f"Act {minute}",
            at=now + timedelta(minutes=minute),
        )
    client = client_for(leader)
    first = client.get(reverse("dynamics:audit", args=[dynamic.pk]))
    assert first.context["page"].object_list[0].summary == "Act 29"
    assert len(first.context["page"].object_list) == 25
    second = client.get(reverse("dynamics:audit", args=[dynamic.pk]), {"page": 2})
    assert second.context["page"].number == 2
    assert b'rel="prev"' in second.content


def test_audit_page_uses_a_fixed_number_of_queries(
    dynamic, leader, client_for, now, django_assert_max_num_queries
):
    client = client_for(leader)
    url = reverse("dynamics:audit", args=[dynamic.pk])
    client.get(url)
    for minute in range(40):
        audit.record(
            dynamic, leader, "test_act", "x", at=now + timedelta(minutes=minute)
        )
    with django_assert_max_num_queries(9):
        client.get(url)
