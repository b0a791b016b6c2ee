"""Limits of care: no correction while paused, after red, or on a 1-of-5 day.

Each refusal is checked with its whole message. The 1-of-5 rule reads the
follower's latest daily check-in (talk), private answers included; the leader
is never shown a private value.
"""

from datetime import timedelta

import pytest
from django.urls import reverse

from conduct import care, services
from dynamics import services as dynamic_services
from instep.errors import Refused
from talk import services as talk

LATER = " Schedule it for later, or forgive."


def _give(leader, incident, menu, now):
    return services.give_consequence(
        leader,
        incident.dynamic_id,
        incident.pk,
        consequence_id=menu["Lines"].pk,
        now=now,
    )


def _check_in(person, dynamic, now, *, mood=3, energy=3, private=()):
    shared = {"mood", "energy", "stress", "connection"} - set(private)
    return talk.check_in(
        person,
        dynamic.pk,
        mood=mood,
        energy=energy,
        stress=3,
        connection=3,
        shared=shared,
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


def _refusal(leader, incident, menu, now) -> Refused:
    with pytest.raises(Refused) as e:
        _give(leader, incident, menu, now)
    return e.value


def test_leader_correcting_while_paused_is_refused_with_the_way_out(
    leader, reflected_slip, menu, now, dynamic
):
    dynamic_services.pause_dynamic(leader, dynamic.pk, reason="family", now=now)
    refusal = _refusal(leader, reflected_slip, menu, now)
    assert refusal.code == "care_paused"
    assert refusal.message == (
        "The dynamic is paused: no correction is given while the clocks are "
        "stopped." + LATER
    )


def test_leader_correcting_within_12_hours_after_red_is_refused(
    leader, follower, reflected_slip, menu, now, dynamic
):
    _red_and_back(dynamic, leader, follower, red_at=now - timedelta(hours=11))
    refusal = _refusal(leader, reflected_slip, menu, now)
    assert refusal.code == "care_red"
    assert refusal.message == (
        "A red signal was sent less than 12 hours ago: take care of each other "
        "first; no correction until 12 hours have passed." + LATER
    )


def test_leader_correcting_12_hours_after_red_succeeds(
    leader, follower, reflected_slip, menu, now, dynamic
):
    _red_and_back(dynamic, leader, follower, red_at=now - timedelta(hours=11))
    assert _give(leader, reflected_slip, menu, now + timedelta(hours=1)).resolution


def test_leader_correcting_when_followers_check_in_says_mood_1_is_refused(
    leader, follower, reflected_slip, menu, now, dynamic
):
    _check_in(follower, dynamic, now - timedelta(hours=1), mood=1)
    refusal = _refusal(leader, reflected_slip, menu, now)
    assert refusal.code == "care_wellbeing"
    assert refusal.message == (
        "Your partner's latest check-in says mood 1 of 5: this is a time for "
        "care, not for correction." + LATER
    )


def test_leader_correcting_when_followers_check_in_says_energy_1_is_refused(
    leader, follower, reflected_slip, menu, now, dynamic
):
    _check_in(follower, dynamic, now - timedelta(hours=1), energy=1)
    refusal = _refusal(leader, reflected_slip, menu, now)
    assert refusal.code == "care_wellbeing"
    assert refusal.message == (
        "Your partner's latest check-in says energy 1 of 5: this is a time for "
        "care, not for correction." + LATER
    )


def test_leader_correcting_when_followers_private_mood_is_1_is_refused_unnamed(
    leader, follower, reflected_slip, menu, now, dynamic
):
    _check_in(follower, dynamic, now - timedelta(hours=1), mood=1, private={"mood"})
    refusal = _refusal(leader, reflected_slip, menu, now)
    assert refusal.code == "care_wellbeing"
    assert refusal.message == (
        "A limit of care applies right now: this is a time for care, not for "
        "correction." + LATER
    )


def test_leader_sees_on_the_page_that_care_applies_but_not_the_private_answer(
    leader, follower, reflected_slip, menu, now, dynamic, client_for
):
    _check_in(
        follower,
        dynamic,
        now - timedelta(hours=1),
        mood=1,
        energy=1,
        private={"energy"},
    )
    page = (
        client_for(leader)
        .get(reverse("conduct:incident", args=[dynamic.pk, reflected_slip.pk]))
        .content.decode()
    )
    assert "latest check-in says mood 1 of 5" in page  # shared: it may be named
    assert "energy 1" not in page and "energy" not in page.split("Not now.")[1][:300]
    assert "Schedule it for later" in page and ">Forgive</button>" in page


def test_followers_newer_check_in_lifts_the_care_limit(
    leader, follower, reflected_slip, menu, now, dynamic
):
    _check_in(follower, dynamic, now - timedelta(days=1), mood=1)
    _check_in(follower, dynamic, now - timedelta(minutes=5), mood=4, energy=3)
    assert _give(leader, reflected_slip, menu, now).resolution == "consequence"


def test_leaders_own_low_check_in_does_not_hold_back_a_correction(
    leader, follower, reflected_slip, menu, now, dynamic
):
    _check_in(leader, dynamic, now - timedelta(hours=1), mood=1, energy=1)
    assert _give(leader, reflected_slip, menu, now).resolution == "consequence"


def test_leader_correcting_after_followers_aftercare_says_1_is_refused(
    leader, follower, reflected_slip, menu, now, dynamic
):
    # The aftercare answer after red is newer than the last daily check-in.
    _check_in(follower, dynamic, now - timedelta(days=3), mood=4, energy=4)
    _red_and_back(dynamic, leader, follower, red_at=now - timedelta(days=2), feeling=1)
    assert care.latest_wellbeing(dynamic, follower).mood == 1
    refusal = _refusal(leader, reflected_slip, menu, now)
    assert refusal.code == "care_wellbeing"
    assert refusal.message.startswith("Your partner's latest check-in says mood 1")


def test_followers_check_in_after_aftercare_is_the_latest_word(
    leader, follower, reflected_slip, menu, now, dynamic
):
    _red_and_back(dynamic, leader, follower, red_at=now - timedelta(days=2), feeling=1)
    _check_in(follower, dynamic, now - timedelta(hours=2), mood=3, energy=3)
    assert care.latest_wellbeing(dynamic, follower).mood == 3
    assert _give(leader, reflected_slip, menu, now).resolution == "consequence"


def test_leader_forgiving_is_possible_when_care_holds_a_correction_back(
    leader, follower, reflected_slip, now, dynamic
):
    _check_in(follower, dynamic, now - timedelta(hours=1), mood=1)
    done = services.forgive(leader, dynamic.pk, reflected_slip.pk, word="Rest", now=now)
    assert done.resolution == "forgiven"


def test_leader_scheduling_for_later_is_possible_when_care_holds_it_back(
    leader, follower, reflected_slip, menu, now, dynamic
):
    _check_in(follower, dynamic, now - timedelta(hours=1), energy=1)
    later = now + timedelta(days=1)
    services.defer_correction(
        leader, dynamic.pk, reflected_slip.pk, until=later, now=now
    )
    # Care is asked again when it is given: the low check-in still stands.
    assert _refusal(leader, reflected_slip, menu, later).code == "care_wellbeing"


def test_no_check_in_yet_says_nothing(dynamic, follower):
    assert care.latest_wellbeing(dynamic, follower) == care.Wellbeing()


def test_latest_wellbeing_needs_two_queries(
    dynamic, follower, now, django_assert_num_queries
):
    for days in range(5):
        _check_in(follower, dynamic, now - timedelta(days=days), mood=2)
    with django_assert_num_queries(2):
        assert care.latest_wellbeing(dynamic, follower).mood == 2


@pytest.mark.parametrize(
    ("mood", "energy", "blocked"),
    [(1, None, True), (None, 1, True), (2, 2, False), (None, None, False)],
)
def test_care_rule_reads_mood_and_energy(now, mood, energy, blocked):
    facts = care.CareFacts(paused=False, last_red_at=None, mood=mood, energy=energy)
    assert (care.care_block(facts, now) is not None) is blocked
