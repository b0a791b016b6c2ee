"""A signed version cannot change: not by services, models, bulk calls or SQL."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction

from accounts import services as account_services
from agreements import services
from agreements.models import AgreementVersion, Consequence, Domain, Limit, Rule
from conftest import PASSWORD
from instep.errors import Refused


@pytest.fixture
def signed(draft, dynamic, leader, follower, now, sign_both) -> AgreementVersion:
    sleep = draft.domain_set.get(key="sleep")
    services.add_item(
        leader,
        dynamic.pk,
        number=draft.number,
        section="rules",
        values={"text": "In bed by 23:00", "domain": sleep.pk},
        now=now,
    )
    services.add_item(
        follower,
        dynamic.pk,
        number=draft.number,
        section="limits",
        values={"kind": "hard", "text": "Nothing in public", "tags": "public"},
        now=now,
    )
    return sign_both(draft)


def _snapshot(version: AgreementVersion) -> tuple:
    version = AgreementVersion.objects.get(pk=version.pk)
    return (
        version.review_on,
        version.absence_days,
        version.titles_and_protocols,
        version.leader_signed_at,
        version.follower_signed_at,
        version.in_force_from,
        sorted(version.domain_set.values_list("key", "depth")),
        list(version.rule_set.values_list("text", "domain__key")),
        list(version.limit_set.values_list("kind", "text", "tags")),
        list(version.consequence_set.values_list("name", "size")),
    )


def test_no_service_changes_a_signed_version(signed, dynamic, leader, follower, now):
    before = _snapshot(signed)
    n = signed.number
    sleep = signed.domain_set.get(key="sleep")
    attempts = [
        lambda: services.sign(leader, dynamic.pk, number=n, now=now),
        lambda: services.update_draft(
            leader,
            dynamic.pk,
            number=n,
            review_on=(now + timedelta(days=9)).date(),
            absence_days=3,
            titles_and_protocols="",
            now=now,
        ),
        lambda: services.add_item(
            leader,
            dynamic.pk,
            number=n,
            section="domains",
            values={"name": "Garden"},
            now=now,
        ),
        lambda: services.change_item(
            leader,
            dynamic.pk,
            number=n,
            section="domains",
            item_id=sleep.pk,
            values={"depth": "advisory"},
            now=now,
        ),
        lambda: services.remove_item(
            follower,
            dynamic.pk,
            number=n,
            section="limits",
            item_id=signed.limit_set.get().pk,
            now=now,
        ),
        lambda: services.discard_draft(leader, dynamic.pk, number=n, now=now),
        lambda: services.add_comment(leader, dynamic.pk, number=n, text="x", now=now),
    ]
    for attempt in attempts:
        with pytest.raises(Refused, match="signed agreement cannot change"):
            attempt()
    assert _snapshot(signed) == before


def test_a_signed_version_refuses_save_and_delete(signed):
    version = AgreementVersion.objects.get(pk=signed.pk)
    version.absence_days = 1
    with pytest.raises(Refused):
        version.save()
    with pytest.raises(Refused):
        version.delete()
    with pytest.raises(Refused):
        AgreementVersion.objects.filter(pk=signed.pk).update(absence_days=1)
    with pytest.raises(Refused):
        AgreementVersion.objects.filter(pk=signed.pk).delete()
    assert AgreementVersion.objects.get(pk=signed.pk).absence_days == 14


def test_the_database_refuses_changing_a_signed_proof_retention_in_raw_sql(signed):
    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE agreements_agreementversion SET proof_retention_days = 365 "
            "WHERE id = %s",
            [signed.pk],
        )
    assert AgreementVersion.objects.get(pk=signed.pk).proof_retention_days == 30


@pytest.mark.parametrize("model", [Domain, Rule, Limit, Consequence])
def test_the_contents_of_a_signed_version_refuse_save_delete_and_bulk_changes(
    signed, model
):
    item = model.objects.filter(version=signed).first()
    with pytest.raises(Refused):
        item.save()
    with pytest.raises(Refused):
        item.delete()
    with pytest.raises(Refused):
        model.objects.filter(pk=item.pk).update(lineage=item.lineage)
    with pytest.raises(Refused):
        model.objects.filter(pk=item.pk).delete()
    assert model.objects.filter(pk=item.pk).exists()


def test_nothing_can_be_added_to_a_signed_version(signed):
    with pytest.raises(Refused):
        Consequence.objects.create(version=signed, kind="reward", name="More")
    with pytest.raises(Refused):
        Limit(version=signed, owner_role="leader", kind="hard", text="x").save()


def test_the_database_refuses_updating_a_signed_version_in_raw_sql(signed):
    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE agreements_agreementversion SET absence_days = 1 WHERE id = %s",
            [signed.pk],
        )
    assert AgreementVersion.objects.get(pk=signed.pk).absence_days == 14


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [
        ("agreements_domain", "depth", "'full'"),
        ("agreements_rule", "text", "'changed'"),
        ("agreements_limit", "tags", "''"),
        ("agreements_consequence", "size", "'large'"),
    ],
)
def test_the_database_refuses_updating_signed_contents_in_raw_sql(
    signed, table, column, value
):
    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            f"UPDATE {table} SET {column} = {value} WHERE version_id = %s",
            [signed.pk],
        )
    assert signed.limit_set.get().tags == "public"


def test_the_database_refuses_inserting_into_a_signed_version_in_raw_sql(signed):
    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO agreements_limit (version_id, lineage, owner_role, kind, "
            "text, tags) VALUES (%s, %s, 'leader', 'curious', 'x', '')",
            [signed.pk, "0" * 32],
        )
    assert signed.limit_set.count() == 1


def test_a_draft_stays_editable_in_raw_sql(draft):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE agreements_agreementversion SET absence_days = 3 WHERE id = %s",
            [draft.pk],
        )
    assert AgreementVersion.objects.get(pk=draft.pk).absence_days == 3


def test_deleting_an_account_only_clears_the_signers_link(
    signed, dynamic, follower, now
):
    before = _snapshot(signed)
    account_services.delete_account(follower, password=PASSWORD, now=now)
    version = AgreementVersion.objects.get(pk=signed.pk)
    assert version.follower_signer is None
    assert version.follower_signed_at is not None
    assert _snapshot(version) == before


def test_erasing_a_dynamic_erases_its_signed_versions(
    signed, dynamic, leader, follower, now, sign_both
):
    # A second signed version based on the first: both go with their dynamic.
    sign_both(services.propose_draft(follower, dynamic.pk, now=now))
    dynamic.delete()
    assert not AgreementVersion.objects.exists()
    assert not Limit.objects.exists()
