"""The confirmed account address is a channel from the start (issue 18).

Signed up and confirmed through the real pages, with a real SMTP server
(aiosmtpd) receiving both the confirmation and the first notification.
"""

import importlib
import re
from datetime import UTC, datetime
from http import HTTPStatus

import pytest
from allauth.account import signals
from allauth.account.models import EmailAddress
from django.apps import apps
from django.test import Client

from accounts.models import User
from dynamics import services as dynamics
from instep.errors import Refused
from notify import delivery, events, services
from notify.models import Channel, Outbox

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
PASSWORD = "a long and quiet evening"


def _sign_up(client: Client, smtp_receiver, email: str, **extra) -> User:
    response = client.post(
        "/accounts/signup/",
        {
            "display_name": "Robin",
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
            **extra,
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    [mail] = smtp_receiver.wait_for(1)
    link = re.search(rb"http://\S+/accounts/confirm-email/\S+/", mail.content)
    assert client.post(link.group().decode()).status_code == HTTPStatus.FOUND
    return User.objects.get(email=email)


def test_confirmed_address_becomes_a_channel_that_the_first_notification_reaches(
    db, smtp_receiver, dynamic_factory, user_factory
):
    robin = _sign_up(Client(), smtp_receiver, "robin@example.org")
    [channel] = Channel.objects.filter(user=robin)
    assert channel.follows_account and channel.enabled
    assert channel.kind == "email" and channel.masked == "r•••@example.org"

    alex = user_factory("Alex")
    dynamic = dynamic_factory(alex, robin)
    dynamics.send_signal(alex, dynamic.pk, "yellow", now=NOW)
    [row] = Outbox.objects.filter(channel=channel)
    assert delivery.deliver_one(row.pk, now=NOW) == "sent"
    mails = smtp_receiver.wait_for(2)
    assert mails[1].rcpt_tos == ["robin@example.org"]
    assert b"Subject: Yellow signal from Alex" in mails[1].content

    # The channel page shows the subject as it was sent.
    client = Client()
    client.force_login(robin)
    page = client.get("/me/notifications/").content.decode()
    assert "Last subject sent: “Yellow signal from Alex”" in page


def test_unconfirmed_address_is_no_channel(db, client, smtp_receiver):
    client.post(
        "/accounts/signup/",
        {
            "display_name": "Robin",
            "email": "robin@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert not Channel.objects.exists()


def test_person_turns_the_account_channel_off_and_hears_nothing_there(
    follower, client_for
):
    channel = services.follow_account_email(
        follower, follower.email, create=True, now=NOW
    )
    response = client_for(follower).post(
        f"/me/notifications/{channel.pk}/switch/", {"on": "0"}
    )
    assert response.status_code == HTTPStatus.SEE_OTHER
    channel.refresh_from_db()
    assert channel.enabled is False
    events.notify(follower, "checkin_prompt", dedupe_key="c1", now=NOW)
    assert not Outbox.objects.exists()


def test_partner_cannot_switch_someone_elses_channel(follower, leader, client_for):
    channel = services.follow_account_email(
        follower, follower.email, create=True, now=NOW
    )
    response = client_for(leader).post(
        f"/me/notifications/{channel.pk}/switch/", {"on": "0"}
    )
    assert response.status_code == HTTPStatus.NOT_FOUND
    channel.refresh_from_db()
    assert channel.enabled is True


def test_account_channel_follows_a_change_of_the_primary_address(follower):
    channel = services.follow_account_email(
        follower, follower.email, create=True, now=NOW
    )
    old = EmailAddress.objects.get(user=follower)
    new = EmailAddress.objects.create(
        user=follower, email="robin.new@example.org", verified=True
    )
    signals.email_changed.send(
        sender=User, request=None, user=follower, from_email_address=old,
        to_email_address=new,
    )  # fmt: skip
    channel.refresh_from_db()
    assert channel.secret == "robin.new@example.org"
    assert Channel.objects.filter(user=follower).count() == 1


def test_address_added_by_hand_before_is_not_a_second_channel(follower):
    services.add_email(follower, address=follower.email.upper(), now=NOW)
    services.follow_account_email(follower, follower.email, create=True, now=NOW)
    [channel] = Channel.objects.filter(user=follower)
    assert channel.follows_account
    with pytest.raises(Refused):
        services.add_email(follower, address=follower.email, now=NOW)


def test_migration_gives_existing_people_their_confirmed_address(user_factory, leader):
    unconfirmed = user_factory("Sam")
    EmailAddress.objects.filter(user=unconfirmed).update(verified=False)
    migration = importlib.import_module("notify.migrations.0003_account_email_channels")
    migration.forwards(apps, None)
    migration.forwards(apps, None)  # run twice: still one
    [channel] = Channel.objects.all()
    assert channel.user == leader and channel.follows_account
    assert channel.secret == leader.email
