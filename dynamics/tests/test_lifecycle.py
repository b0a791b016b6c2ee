"""The dynamic's states: forming → active ⇄ paused → ended, and their refusals."""

from datetime import timedelta

import pytest
from django.http import Http404

from dynamics import services
from dynamics.models import AuditEntry, Dynamic, Membership, Pause
from instep.errors import NotAllowed, Refused

State = Dynamic.State


def test_creator_gets_chosen_role_and_dynamic_is_forming(leader, now):
    dynamic = services.create_dynamic(
        leader, role="follower", my_title="pet", partner_title="Mistress", now=now
    )
    assert dynamic.state == State.FORMING
    assert dynamic.leader_title == "Mistress"
    assert dynamic.follower_title == "pet"
    assert Membership.objects.get(dynamic=dynamic).role == "follower"


@pytest.mark.parametrize(
    ("role", "mine", "theirs", "message"),
    [
        ("boss", "Sir", "pet", "lead or follow"),
        ("leader", "  ", "pet", "title"),
        ("leader", "Sir", "", "title"),
    ],
)
def test_create_dynamic_refuses_missing_role_or_titles(
    leader, now, role, mine, theirs, message
):
    with pytest.raises(Refused, match=message):
        services.create_dynamic(
            leader, role=role, my_title=mine, partner_title=theirs, now=now
        )
    assert not Dynamic.objects.exists()


def test_accepting_the_invitation_activates_the_dynamic_with_the_other_role(
    dynamic_factory, leader, follower
):
    dynamic = dynamic_factory(leader, follower)
    assert dynamic.state == State.ACTIVE
    assert Membership.objects.get(dynamic=dynamic, user=follower).role == "follower"


@pytest.mark.parametrize("who", ["leader", "follower"])
def test_either_partner_pauses_and_only_they_resume(
    dynamic, leader, follower, now, who
):
    pauser, other = (leader, follower) if who == "leader" else (follower, leader)
    services.pause_dynamic(pauser, dynamic.pk, reason="illness", now=now)
    dynamic.refresh_from_db()
    assert dynamic.state == State.PAUSED
    # The other cannot start the clocks again behind their back.
    with pytest.raises(NotAllowed) as refused:
        services.resume_dynamic(other, dynamic.pk, now=now + timedelta(minutes=1))
    assert refused.value.code == "pause_not_yours"
    assert refused.value.message == (
        "Your partner paused (illness); only they can resume. Ask them when "
        "they are ready."
    )
    dynamic.refresh_from_db()
    assert dynamic.state == State.PAUSED
    assert not AuditEntry.objects.filter(act="dynamic_resumed").exists()
    services.resume_dynamic(pauser, dynamic.pk, now=now + timedelta(hours=1))
    dynamic.refresh_from_db()
    assert dynamic.state == State.ACTIVE
    pause = Pause.objects.get(dynamic=dynamic)
    assert pause.ended_at == now + timedelta(hours=1)
    assert pause.ended_by == pauser


def test_pause_is_refused_while_forming_paused_or_ended(
    dynamic_factory, dynamic, leader, now
):
    forming = dynamic_factory(leader, partner=None)
    with pytest.raises(Refused, match="once your partner has joined"):
        services.pause_dynamic(leader, forming.pk, now=now)
    services.pause_dynamic(leader, dynamic.pk, now=now)
    with pytest.raises(Refused, match="already paused"):
        services.pause_dynamic(leader, dynamic.pk, now=now)
    services.end_dynamic(leader, dynamic.pk, now=now)
    with pytest.raises(Refused, match="ended"):
        services.pause_dynamic(leader, dynamic.pk, now=now)


def test_a_pause_cannot_be_a_red_pause_without_the_red_signal(dynamic, follower, now):
    with pytest.raises(Refused, match="reason"):
        services.pause_dynamic(follower, dynamic.pk, reason="red", now=now)
    assert not Pause.objects.exists()


def test_resume_is_refused_when_not_paused(dynamic, leader, now):
    with pytest.raises(Refused, match="not paused"):
        services.resume_dynamic(leader, dynamic.pk, now=now)


def test_either_partner_ends_the_dynamic_and_an_open_pause_closes(
    dynamic, follower, now
):
    services.pause_dynamic(follower, dynamic.pk, now=now)
    services.end_dynamic(follower, dynamic.pk, now=now + timedelta(minutes=5))
    dynamic.refresh_from_db()
    assert dynamic.state == State.ENDED
    assert dynamic.ended_at == now + timedelta(minutes=5)
    assert Pause.objects.get().ended_at == now + timedelta(minutes=5)
    with pytest.raises(Refused, match="already ended"):
        services.end_dynamic(follower, dynamic.pk, now=now)


def test_ending_a_forming_dynamic_kills_its_invitation(
    dynamic_factory, leader, follower, now
):
    forming = dynamic_factory(leader, partner=None)
    _invitation, token = services.create_invitation(leader, forming.pk, now=now)
    services.end_dynamic(leader, forming.pk, now=now)
    with pytest.raises(Refused, match="already been used"):
        services.accept_invitation(follower, token, now=now)


def test_a_stranger_can_do_nothing_and_learns_nothing(dynamic, stranger, now):
    for act in (
        lambda: services.pause_dynamic(stranger, dynamic.pk, now=now),
        lambda: services.end_dynamic(stranger, dynamic.pk, now=now),
        lambda: services.send_signal(stranger, dynamic.pk, "red", now=now),
        lambda: services.create_invitation(stranger, dynamic.pk, now=now),
    ):
        with pytest.raises(Http404):
            act()
    dynamic.refresh_from_db()
    assert dynamic.state == State.ACTIVE


def test_every_transition_is_in_the_audit_trail(dynamic, leader, follower, now):
    services.pause_dynamic(leader, dynamic.pk, now=now)
    services.resume_dynamic(leader, dynamic.pk, now=now)
    services.end_dynamic(follower, dynamic.pk, now=now)
    acts = list(
        AuditEntry.objects.filter(dynamic=dynamic)
        .order_by("id")
        .values_list("act", "actor_role")
    )
    assert acts == [
        ("dynamic_created", "leader"),
        ("invitation_created", "leader"),
        ("invitation_accepted", "follower"),
        ("dynamic_paused", "leader"),
        ("dynamic_resumed", "leader"),
        ("dynamic_ended", "follower"),
    ]


def test_a_person_can_be_in_several_dynamics_in_different_roles(
    dynamic_factory, leader, follower, stranger
):
    first = dynamic_factory(leader, follower)
    second = dynamic_factory(stranger, leader, owner_role="leader")
    roles = dict(
        Membership.objects.filter(user=leader).values_list("dynamic_id", "role")
    )
    assert roles == {first.pk: "leader", second.pk: "follower"}
