"""The one-time invitation link: expiry, reuse, the wrong person, and e-mail."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from dynamics import services
from dynamics.models import Dynamic, Membership
from instep.errors import Refused
from instep.tokens import hash_token


@pytest.fixture
def forming(dynamic_factory, leader):
    return dynamic_factory(leader, partner=None)


def test_link_works_until_seven_days_have_passed(forming, leader, follower, now):
    _inv, token = services.create_invitation(leader, forming.pk, now=now)
    with pytest.raises(Refused, match="expired"):
        services.accept_invitation(follower, token, now=now + timedelta(days=7))
    services.accept_invitation(follower, token, now=now + timedelta(days=6, hours=23))
    assert Membership.objects.filter(dynamic=forming).count() == 2


def test_a_used_link_cannot_be_used_again(forming, leader, follower, stranger, now):
    _inv, token = services.create_invitation(leader, forming.pk, now=now)
    services.accept_invitation(follower, token, now=now)
    with pytest.raises(Refused, match="already been used"):
        services.accept_invitation(stranger, token, now=now)
    assert not Membership.objects.filter(user=stranger).exists()


def test_a_declined_link_stops_working(forming, leader, follower, now):
    _inv, token = services.create_invitation(leader, forming.pk, now=now)
    services.decline_invitation(follower, token, now=now)
    with pytest.raises(Refused, match="already been used"):
        services.accept_invitation(follower, token, now=now)
    forming.refresh_from_db()
    assert forming.state == Dynamic.State.FORMING


def test_the_inviter_cannot_accept_their_own_link(forming, leader, now):
    _inv, token = services.create_invitation(leader, forming.pk, now=now)
    with pytest.raises(Refused, match="already in this dynamic"):
        services.accept_invitation(leader, token, now=now)


def test_a_link_sent_to_an_address_only_works_for_that_address(
    forming, leader, follower, stranger, now
):
    _inv, token = services.create_invitation(
        leader, forming.pk, email=follower.email.upper(), now=now
    )
    with pytest.raises(Refused, match="another e-mail address"):
        services.accept_invitation(stranger, token, now=now)
    services.accept_invitation(follower, token, now=now)


def test_a_new_link_cancels_the_old_one(forming, leader, follower, now):
    _inv, old = services.create_invitation(leader, forming.pk, now=now)
    _inv, new = services.create_invitation(leader, forming.pk, now=now)
    with pytest.raises(Refused, match="already been used"):
        services.accept_invitation(follower, old, now=now)
    services.accept_invitation(follower, new, now=now)


def test_an_unknown_token_is_not_valid(follower, now):
    with pytest.raises(Refused, match="not valid"):
        services.accept_invitation(follower, "made-up", now=now)


def test_no_invitation_once_both_partners_are_in(dynamic, leader, now):
    with pytest.raises(Refused, match="already has both partners"):
        services.create_invitation(leader, dynamic.pk, now=now)


def test_only_a_hash_of_the_token_is_stored(forming, leader, now):
    invitation, token = services.create_invitation(leader, forming.pk, now=now)
    assert token not in invitation.token_hash
    assert invitation.token_hash == hash_token(token)


def test_invitee_sees_role_and_titles_then_accepts_through_the_page(
    forming, leader, follower, client_for, now
):
    _inv, token = services.create_invitation(leader, forming.pk, now=now)
    url = reverse("dynamics:invitation", args=[token])
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == HTTPStatus.OK
    assert b"Create an account" in anonymous.content
    client = client_for(follower)
    page = client.get(url)
    assert b"You would follow, with the title <strong>pet</strong>" in page.content
    response = client.post(url, {"answer": "accept"})
    assert response.status_code == HTTPStatus.SEE_OTHER
    assert response.url == reverse("dynamics:home", args=[forming.pk])


def test_a_used_link_page_says_so_and_changes_nothing(
    forming, leader, follower, client_for, now
):
    _inv, token = services.create_invitation(leader, forming.pk, now=now)
    services.decline_invitation(follower, token, now=now)
    response = client_for(follower).post(
        reverse("dynamics:invitation", args=[token]), {"answer": "accept"}
    )
    assert response.status_code == HTTPStatus.GONE
    assert b"already been used" in response.content
    assert Membership.objects.filter(dynamic=forming).count() == 1


def test_invite_page_shows_the_link_once_and_mails_it_when_asked(
    forming, leader, client_for
):
    response = client_for(leader).post(
        reverse("dynamics:invite", args=[forming.pk]), {"email": "robin@example.org"}
    )
    assert response.status_code == HTTPStatus.OK
    link = response.context["link"]
    assert "/invitation/" in link
    assert len(mail.outbox) == 1
    assert link in mail.outbox[0].body
    assert mail.outbox[0].to == ["robin@example.org"]


def test_discreet_inviter_sends_a_neutral_e_mail(
    user_factory, dynamic_factory, client_for
):
    inviter = user_factory("Alex", discreet=True)
    forming = dynamic_factory(inviter, partner=None)
    client_for(inviter).post(
        reverse("dynamics:invite", args=[forming.pk]), {"email": "robin@example.org"}
    )
    message = mail.outbox[0]
    assert message.subject == "An invitation"
    assert "Alex" not in message.body


def test_invitation_subject_is_plain_text_with_the_name_as_written(
    user_factory, dynamic_factory, client_for
):
    inviter = user_factory("Alex & <Sam>")
    forming = dynamic_factory(inviter, partner=None)
    client_for(inviter).post(
        reverse("dynamics:invite", args=[forming.pk]), {"email": "robin@example.org"}
    )
    assert mail.outbox[0].subject == "Alex & <Sam> invites you to Instep"


def test_a_name_with_a_line_break_cannot_break_the_invitation_e_mail(
    user_factory, dynamic_factory, client_for, api_client
):
    """A name saved before names were checked (or by a script) still makes a
    one-line subject: the invitation goes out instead of a server error."""
    inviter = user_factory("Alex")
    User.objects.filter(pk=inviter.pk).update(display_name="Alex\r\nBcc: x@evil.test")
    forming = dynamic_factory(inviter, partner=None)
    response = client_for(inviter).post(
        reverse("dynamics:invite", args=[forming.pk]), {"email": "robin@example.org"}
    )
    assert response.status_code == HTTPStatus.OK
    subject = "Alex Bcc: x@evil.test invites you to Instep"
    assert mail.outbox[0].subject == subject
    assert mail.outbox[0].to == ["robin@example.org"]
    answer = api_client(inviter).post(
        f"/api/v1/dynamics/{forming.pk}/invitations",
        {"email": "robin@example.org"},
        content_type="application/json",
    )
    assert answer.status_code == HTTPStatus.CREATED
    assert mail.outbox[1].subject == subject
