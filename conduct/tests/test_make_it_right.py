"""The leader's slips: never corrected, made right with an item both agreed on."""

from datetime import timedelta

import pytest

from conduct import services
from conduct.models import Incident
from dynamics.models import AuditEntry
from instep.errors import NotAllowed, Refused


@pytest.fixture
def promise(dynamic, leader, follower, now):
    incident = services.report_incident(
        follower,
        dynamic.pk,
        source="missed_promise",
        about="partner",
        title="Friday evening together cancelled",
        now=now,
    )
    return services.reflect(
        leader,
        dynamic.pk,
        incident.pk,
        what_happened="Work ran over and I didn't call.",
        differently="I'll protect Friday evenings.",
        now=now,
    )


@pytest.fixture
def agreed_item(dynamic, leader, follower, now):
    item = services.propose_make_it_right(
        follower, dynamic.pk, name="Plan the next date", now=now
    )
    return services.agree_make_it_right(leader, dynamic.pk, item.pk, now=now)


def test_leader_makes_a_missed_promise_right_with_an_agreed_item(
    dynamic, leader, promise, agreed_item, now
):
    incident = services.make_it_right(
        leader,
        dynamic.pk,
        promise.pk,
        item_id=agreed_item.pk,
        task="Book the restaurant",
        task_due_at=now + timedelta(days=2),
        now=now,
    )
    assert incident.resolution == Incident.Resolution.MADE_RIGHT
    assert incident.state == Incident.State.REPAIR
    done = services.complete_repair(leader, dynamic.pk, promise.pk, now=now)
    assert done.state == Incident.State.RESOLVED
    acts = list(
        AuditEntry.objects.filter(dynamic=dynamic).values_list("act", flat=True)
    )
    assert {"make_it_right_agreed", "made_right_chosen", "repair_done"} <= set(acts)


def test_item_only_one_partner_proposed_cannot_be_chosen(dynamic, leader, promise, now):
    item = services.propose_make_it_right(leader, dynamic.pk, name="Flowers", now=now)
    with pytest.raises(Refused, match="item you both agreed on"):
        services.make_it_right(leader, dynamic.pk, promise.pk, item_id=item.pk, now=now)


def test_proposer_cannot_agree_to_their_own_item(dynamic, leader, now):
    item = services.propose_make_it_right(leader, dynamic.pk, name="Flowers", now=now)
    with pytest.raises(NotAllowed, match="Your partner agrees to what you proposed"):
        services.agree_make_it_right(leader, dynamic.pk, item.pk, now=now)


def test_withdrawn_item_cannot_be_chosen(
    dynamic, leader, follower, promise, agreed_item, now
):
    services.withdraw_make_it_right(follower, dynamic.pk, agreed_item.pk, now=now)
    with pytest.raises(Refused, match="item you both agreed on"):
        services.make_it_right(
            leader, dynamic.pk, promise.pk, item_id=agreed_item.pk, now=now
        )


def test_follower_cannot_choose_for_the_leader(
    dynamic, follower, promise, agreed_item, now
):
    with pytest.raises(NotAllowed, match="The leader chooses how to make their slip"):
        services.make_it_right(
            follower, dynamic.pk, promise.pk, item_id=agreed_item.pk, now=now
        )


def test_make_it_right_is_not_for_the_followers_slips(
    dynamic, leader, reflected_slip, agreed_item, now
):
    with pytest.raises(Refused, match="is for the leader's slips"):
        services.make_it_right(
            leader, dynamic.pk, reflected_slip.pk, item_id=agreed_item.pk, now=now
        )


def test_make_it_right_waits_for_the_leaders_reflection(
    dynamic, leader, follower, agreed_item, now
):
    incident = services.report_incident(
        follower,
        dynamic.pk,
        source="missed_promise",
        about="partner",
        title="No reply",
        now=now,
    )
    with pytest.raises(Refused, match="Write your reflection first"):
        services.make_it_right(
            leader, dynamic.pk, incident.pk, item_id=agreed_item.pk, now=now
        )


def test_item_touching_a_hard_limit_is_refused(
    dynamic, leader, follower, sign_agreement, now
):
    sign_agreement(limits=[("leader", "hard", "No public scenes", "public")])
    with pytest.raises(Refused, match="hard limit"):
        services.propose_make_it_right(
            follower, dynamic.pk, name="Apologise in public", now=now
        )
