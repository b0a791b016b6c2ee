"""Limits of care: no correction while paused, after red, or on a 1-of-5 day."""

from datetime import timedelta

import pytest

from conduct import care, services
from dynamics import services as dynamic_services
from instep.errors import Refused


def _give(leader, incident, menu, now):
    return services.give_consequence(
        leader,
        incident.dynamic_id,
        incident.pk,
        consequence_id=menu["Lines"].pk,
        now=now,
    )


def _red_and_back(dynamic, leader, follower, *, red_at, feeling=4):
    """Red at ``red_at``; an hour later both check in ready and it resumes."""
    dynamic_services.send_signal(follower, dynamic.pk, "red", now=red_at)
    back = red_at + timedelta(hours=1)
    for person, how in ((follower, feeling), (leader, 4)):
        dynamic_services.give_aftercare(
            person, dynamic.pk, feeling=how, ready_to_resume=True, now=back
        )


def test_correction_while_paused_is_refused_with_the_way_out(
    leader, reflected_slip, menu, now, dynamic
):
    dynamic_services.pause_dynamic(leader, dynamic.pk, reason="family", now=now)
    with pytest.raises(Refused) as e:
        _give(leader, reflected_slip, menu, now)
    assert e.value.code == "care_paused"
    assert e.value.message == (
        "The dynamic is paused: no correction is given while the clocks are "
        "stopped. Schedule it for later, or forgive."
    )


def test_correction_within_12_hours_after_red_is_refused(
    leader, follower, reflected_slip, menu, now, dynamic
):
    _red_and_back(dynamic, leader, follower, red_at=now - timedelta(hours=11))
    with pytest.raises(Refused, match="red signal was sent less than 12 hours ago"):
        _give(leader, reflected_slip, menu, now)


def test_correction_12_hours_after_red_is_possible_again(
    leader, follower, reflected_slip, menu, now, dynamic
):
    _red_and_back(dynamic, leader, follower, red_at=now - timedelta(hours=11))
    assert _give(leader, reflected_slip, menu, now + timedelta(hours=1)).resolution


def test_correction_when_the_followers_latest_check_in_says_1_of_5_is_refused(
    leader, follower, reflected_slip, menu, now, dynamic
):
    _red_and_back(dynamic, leader, follower, red_at=now - timedelta(days=2), feeling=1)
    assert care.latest_wellbeing(dynamic, follower) == (1, None)
    with pytest.raises(Refused) as e:
        _give(leader, reflected_slip, menu, now)
    assert e.value.code == "care_wellbeing"
    assert e.value.message.startswith(
        "Your partner's latest check-in says mood 1 of 5: this is a time for care"
    )


def test_forgiving_is_always_possible_when_care_holds_a_correction_back(
    leader, follower, reflected_slip, now, dynamic
):
    _red_and_back(dynamic, leader, follower, red_at=now - timedelta(hours=2))
    done = services.forgive(leader, dynamic.pk, reflected_slip.pk, word="Rest", now=now)
    assert done.resolution == "forgiven"


def test_no_check_in_yet_says_nothing(dynamic, follower):
    assert care.latest_wellbeing(dynamic, follower) == (None, None)


@pytest.mark.parametrize(
    ("mood", "energy", "blocked"),
    [(1, None, True), (None, 1, True), (2, 2, False), (None, None, False)],
)
def test_care_rule_reads_mood_and_energy(now, mood, energy, blocked):
    facts = care.CareFacts(paused=False, last_red_at=None, mood=mood, energy=energy)
    assert (care.care_block(facts, now) is not None) is blocked
