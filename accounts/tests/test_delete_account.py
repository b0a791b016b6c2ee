"""Deleting an account: private data goes, the partner keeps theirs, dynamics end."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.urls import reverse

from accounts import services
from accounts.models import User
from conftest import PASSWORD
from dynamics import services as dynamic_services
from dynamics.models import Aftercare, AuditEntry, Dynamic, Membership, Pause
from instep.errors import Refused


def test_a_wrong_password_changes_nothing(dynamic, follower, now):
    with pytest.raises(Refused, match="not your password"):
        services.delete_account(follower, password="nope", now=now)
    assert User.objects.filter(pk=follower.pk).exists()
    dynamic.refresh_from_db()
    assert dynamic.state == Dynamic.State.ACTIVE


def test_the_partner_keeps_the_ended_dynamic_and_its_history(
    dynamic, leader, follower, now
):
    dynamic_services.send_signal(follower, dynamic.pk, "red", now=now)
    dynamic_services.give_aftercare(
        follower,
        dynamic.pk,
        feeling=2,
        note="private words",
        ready_to_resume=False,
        now=now,
    )
    services.delete_account(follower, password=PASSWORD, now=now)
    dynamic.refresh_from_db()
    assert dynamic.state == Dynamic.State.ENDED
    assert list(
        Membership.objects.filter(dynamic=dynamic).values_list("user", flat=True)
    ) == [leader.pk]
    assert AuditEntry.objects.filter(dynamic=dynamic, act="member_left").exists()
    assert not Aftercare.objects.filter(note="private words").exists()
    assert not User.objects.filter(email=follower.email).exists()


def test_a_dynamic_nobody_else_is_in_is_erased(dynamic_factory, leader, now):
    forming = dynamic_factory(leader, partner=None)
    services.delete_account(leader, password=PASSWORD, now=now)
    assert not Dynamic.objects.filter(pk=forming.pk).exists()
    assert not AuditEntry.objects.filter(dynamic_id=forming.pk).exists()


def test_the_page_asks_for_password_and_confirmation(follower, client_for):
    client = client_for(follower)
    url = reverse("accounts:delete")
    response = client.post(url, {"password": PASSWORD})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert User.objects.filter(pk=follower.pk).exists()
    response = client.post(url, {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == HTTPStatus.SEE_OTHER
    assert not User.objects.filter(pk=follower.pk).exists()
    assert client.get(reverse("dynamics:list")).status_code == HTTPStatus.FOUND


def test_leaving_with_a_clock_behind_an_open_pause_ends_it_without_error(
    dynamic, leader, follower, now
):
    # The pause was opened by a process whose clock runs a little ahead.
    dynamic_services.pause_dynamic(leader, dynamic.pk, reason="travel", now=now)
    services.delete_account(
        follower, password=PASSWORD, now=now - timedelta(seconds=30)
    )
    dynamic.refresh_from_db()
    assert dynamic.state == Dynamic.State.ENDED
    pause = Pause.objects.get(dynamic=dynamic)
    assert pause.ended_at == pause.started_at == now


def test_red_during_a_pause_with_a_clock_behind_turns_it_red(
    dynamic, leader, follower, now
):
    dynamic_services.pause_dynamic(leader, dynamic.pk, reason="travel", now=now)
    dynamic_services.send_signal(
        follower, dynamic.pk, "red", now=now - timedelta(seconds=5)
    )
    assert Pause.objects.get(dynamic=dynamic, ended_at__isnull=True).reason == "red"


@pytest.mark.parametrize("how", ["one", "bulk"])
def test_an_operator_deleting_someone_in_the_admin_ends_their_dynamics(
    dynamic, leader, follower, user_factory, client, how
):
    operator = user_factory("Operator")
    operator.is_staff = operator.is_superuser = True
    operator.save()
    client.force_login(operator)
    if how == "one":
        url = reverse("admin:accounts_user_delete", args=[follower.pk])
        response = client.post(url, {"post": "yes"})
    else:
        response = client.post(
            reverse("admin:accounts_user_changelist"),
            {
                "action": "delete_selected",
                "_selected_action": [follower.pk],
                "post": "yes",
            },
        )
    assert response.status_code == HTTPStatus.FOUND
    assert not User.objects.filter(pk=follower.pk).exists()
    dynamic.refresh_from_db()
    assert dynamic.state == Dynamic.State.ENDED
    assert AuditEntry.objects.filter(dynamic=dynamic, act="member_left").count() == 1
    assert list(Membership.objects.filter(dynamic=dynamic)) == [
        Membership.objects.get(user=leader)
    ]
