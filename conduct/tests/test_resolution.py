"""Every incident ends resolved; every refusal says why, in words to act on."""

from datetime import timedelta

import pytest

from agreements import services as agreements
from conduct import services
from conduct.models import Incident
from dynamics.models import AuditEntry
from instep.errors import NotAllowed, Refused

State = Incident.State


def _give(leader, incident, item, now, **kw):
    return services.give_consequence(
        leader,
        incident.dynamic_id,
        incident.pk,
        consequence_id=item.pk if item else None,
        now=now,
        **kw,
    )


def _acts(dynamic) -> list[str]:
    return list(
        AuditEntry.objects.filter(dynamic=dynamic)
        .order_by("id")
        .values_list("act", flat=True)
    )


# Corrections from the menu ----------------------------------------------------


def test_leader_gives_a_correction_from_the_menu_and_the_incident_resolves(
    leader, reflected_slip, menu, now, dynamic
):
    incident = _give(leader, reflected_slip, menu["Lines"], now)
    assert incident.state == State.RESOLVED
    assert incident.resolution == Incident.Resolution.CONSEQUENCE
    assert incident.chosen_name == "Lines" and incident.resolved_at == now
    assert _acts(dynamic)[-1] == "consequence_given"


def test_correction_with_something_to_do_is_a_repair_task_until_done(
    leader, follower, reflected_slip, menu, now
):
    due = now + timedelta(days=1)
    incident = _give(
        leader,
        reflected_slip,
        menu["Early night"],
        now,
        task="In bed by 22:00",
        task_domain="household",
        task_due_at=due,
    )
    assert incident.state == State.REPAIR and incident.task_due_at == due
    assert incident.resolved_at is None
    with pytest.raises(NotAllowed, match="Only the one who does it marks it done"):
        services.complete_repair(leader, incident.dynamic_id, incident.pk, now=now)
    done = services.complete_repair(
        follower, incident.dynamic_id, incident.pk, now=now + timedelta(hours=14)
    )
    assert done.state == State.RESOLVED and done.task_done_at == done.resolved_at


def test_repair_task_without_a_future_deadline_is_refused(
    leader, reflected_slip, menu, now
):
    with pytest.raises(Refused, match="Give the task a deadline in the future"):
        _give(
            leader,
            reflected_slip,
            menu["Lines"],
            now,
            task="Write them",
            task_domain="household",
            task_due_at=now,
        )


def test_follower_cannot_give_a_correction(follower, reflected_slip, menu, now):
    with pytest.raises(NotAllowed, match="Only the leader holds authority"):
        _give(follower, reflected_slip, menu["Lines"], now)


def test_correction_not_on_the_menu_is_refused(leader, reflected_slip, menu, now):
    with pytest.raises(Refused, match="Choose a correction from the menu") as e:
        _give(leader, reflected_slip, None, now)
    assert e.value.code == "not_on_menu"
    # A reward is on the menu, but it is not a correction.
    with pytest.raises(Refused, match="Choose a correction from the menu"):
        _give(leader, reflected_slip, menu["Breakfast in bed"], now)
    assert Incident.objects.get(pk=reflected_slip.pk).state == State.OPEN


def test_correction_from_a_superseded_version_is_refused(
    leader, follower, reflected_slip, menu, now, dynamic
):
    later = now + timedelta(minutes=5)
    draft = agreements.propose_draft(leader, dynamic.pk, now=later)
    agreements.sign(leader, dynamic.pk, number=draft.number, now=later)
    agreements.sign(follower, dynamic.pk, number=draft.number, now=later)
    with pytest.raises(Refused, match="menu of the agreement in force"):
        _give(leader, reflected_slip, menu["Lines"], later)


def test_correction_without_a_signed_agreement_is_refused(leader, reflected_slip, now):
    with pytest.raises(Refused, match="No signed agreement with a menu") as e:
        _give(leader, reflected_slip, None, now)
    assert e.value.code == "no_menu"


def test_correction_touching_a_hard_limit_is_refused_by_the_authority_check(
    leader, follower, reflected_slip, menu, now, dynamic
):
    # Saying "never" needs no signature: a hard limit in a pending draft counts.
    draft = agreements.propose_draft(follower, dynamic.pk, now=now)
    agreements.add_item(
        follower,
        dynamic.pk,
        number=draft.number,
        section="limits",
        values={"kind": "hard", "text": "No early nights", "tags": "bedtime"},
        now=now,
    )
    with pytest.raises(Refused) as e:
        _give(leader, reflected_slip, menu["Early night"], now)
    assert e.value.code == "hard_limit"
    assert e.value.message == (
        'This touches a hard limit of the follower: "No early nights" (bedtime).'
    )


def test_correction_whose_task_touches_a_hard_limit_is_refused(
    leader, follower, reflected_slip, menu, now, dynamic
):
    draft = agreements.propose_draft(follower, dynamic.pk, now=now)
    agreements.add_item(
        follower,
        dynamic.pk,
        number=draft.number,
        section="limits",
        values={"kind": "hard", "text": "Kneeling", "tags": "kneeling"},
        now=now,
    )
    with pytest.raises(Refused, match="hard limit of the follower"):
        _give(
            leader,
            reflected_slip,
            menu["Lines"],
            now,
            task="Write them while kneeling",
            task_domain="household",
            task_due_at=now + timedelta(hours=3),
        )


def test_correction_after_the_review_date_is_refused(
    leader, reflected_slip, menu, now, agreement
):
    later = now + timedelta(days=agreement.review_on.toordinal() - now.toordinal() + 1)
    with pytest.raises(Refused, match="review date .* has passed") as e:
        _give(leader, reflected_slip, menu["Lines"], later)
    assert e.value.code == "authority_lapsed"


def test_correction_touching_a_soft_limit_needs_a_check_in_first(
    leader, follower, reflected_slip, sign_agreement, now
):
    version = sign_agreement(
        menu=[("correction", "Lines", "writing")],
        limits=[("follower", "soft", "Long writing", "writing")],
    )
    lines = version.consequence_set.get(name="Lines")
    with pytest.raises(Refused, match="touches a soft limit .*check in with your"):
        _give(leader, reflected_slip, lines, now)
    assert _give(leader, reflected_slip, lines, now, soft_limit_checked=True).resolution


def test_correction_for_the_leader_is_never_imposed(
    leader, follower, slip_factory, menu, now, dynamic
):
    incident = slip_factory(leader)
    services.reflect(
        leader, dynamic.pk, incident.pk, what_happened="a", differently="b", now=now
    )
    with pytest.raises(Refused, match="Corrections for the leader are never imposed"):
        _give(leader, incident, menu["Lines"], now)


def test_correction_waits_for_the_reflection(leader, slip_factory, menu, now):
    incident = slip_factory()
    with pytest.raises(Refused, match="Hear them out first"):
        _give(leader, incident, menu["Lines"], now)


def test_correction_for_praise_is_refused(leader, follower, menu, now, dynamic):
    praise = services.report_incident(
        leader, dynamic.pk, source="praise", about="partner", title="Kind", now=now
    )
    with pytest.raises(Refused, match="Praise earns a reward, not a correction"):
        _give(leader, praise, menu["Lines"], now)


def test_second_resolution_is_refused(leader, reflected_slip, menu, now):
    _give(leader, reflected_slip, menu["Lines"], now)
    with pytest.raises(Refused, match="already resolved"):
        _give(leader, reflected_slip, menu["Lines"], now)


def test_correction_while_a_repair_task_is_open_is_refused(
    leader, reflected_slip, menu, now
):
    _give(
        leader,
        reflected_slip,
        menu["Lines"],
        now,
        task="Write them",
        task_due_at=now + timedelta(hours=5),
        task_domain="household",
    )
    with pytest.raises(Refused, match="repair task is already under way"):
        _give(leader, reflected_slip, menu["Lines"], now)


def test_scheduled_correction_waits_until_its_time(leader, reflected_slip, menu, now):
    until = now + timedelta(days=1)
    services.defer_correction(
        leader, reflected_slip.dynamic_id, reflected_slip.pk, until=until, now=now
    )
    with pytest.raises(Refused, match="You scheduled this for later"):
        _give(leader, reflected_slip, menu["Lines"], now + timedelta(hours=1))
    assert _give(leader, reflected_slip, menu["Lines"], until).resolution


def test_scheduling_into_the_past_is_refused(leader, reflected_slip, now):
    with pytest.raises(Refused, match="Choose a time in the future"):
        services.defer_correction(
            leader, reflected_slip.dynamic_id, reflected_slip.pk, until=now, now=now
        )


# Rewards --------------------------------------------------------------------


def _praise(actor, dynamic, now, about="partner"):
    return services.report_incident(
        actor, dynamic.pk, source="praise", about=about, title="Calm all week", now=now
    )


def test_leader_rewards_praise_from_the_menu(leader, menu, now, dynamic):
    praise = _praise(leader, dynamic, now)
    incident = services.give_reward(
        leader,
        dynamic.pk,
        praise.pk,
        consequence_id=menu["Breakfast in bed"].pk,
        word="Proud of you",
        now=now,
    )
    assert incident.resolution == Incident.Resolution.REWARD
    assert incident.state == State.RESOLVED
    assert _acts(dynamic)[-1] == "reward_given"


def test_reward_owed_is_the_leaders_task_until_delivered(
    leader, follower, menu, now, dynamic
):
    praise = _praise(leader, dynamic, now)
    owed = services.give_reward(
        leader,
        dynamic.pk,
        praise.pk,
        consequence_id=menu["Breakfast in bed"].pk,
        task="Breakfast on Sunday",
        task_due_at=now + timedelta(days=3),
        now=now,
    )
    assert owed.state == State.REPAIR
    with pytest.raises(NotAllowed, match="Only the one who does it"):
        services.complete_repair(follower, dynamic.pk, praise.pk, now=now)
    assert services.complete_repair(leader, dynamic.pk, praise.pk, now=now).state == (
        State.RESOLVED
    )


def test_reward_not_on_the_menu_is_refused(leader, menu, now, dynamic):
    praise = _praise(leader, dynamic, now)
    with pytest.raises(Refused, match="Choose a reward from the menu"):
        services.give_reward(
            leader, dynamic.pk, praise.pk, consequence_id=menu["Lines"].pk, now=now
        )


def test_follower_cannot_give_a_reward(follower, menu, now, dynamic):
    praise = _praise(follower, dynamic, now)
    with pytest.raises(NotAllowed, match="Rewards from the agreed menu are the leader"):
        services.give_reward(
            follower,
            dynamic.pk,
            praise.pk,
            consequence_id=menu["Breakfast in bed"].pk,
            now=now,
        )


def test_reward_for_a_slip_is_refused(leader, reflected_slip, menu, now, dynamic):
    with pytest.raises(Refused, match="Rewards are for moments worth praise"):
        services.give_reward(
            leader,
            dynamic.pk,
            reflected_slip.pk,
            consequence_id=menu["Breakfast in bed"].pk,
            now=now,
        )


def test_praise_of_the_leader_is_celebrated_not_rewarded(
    leader, follower, menu, now, dynamic
):
    praise = _praise(follower, dynamic, now)
    with pytest.raises(Refused, match="Celebrate this instead"):
        services.give_reward(
            leader,
            dynamic.pk,
            praise.pk,
            consequence_id=menu["Breakfast in bed"].pk,
            now=now,
        )
    done = services.celebrate(leader, dynamic.pk, praise.pk, word="Thank you", now=now)
    assert done.resolution == Incident.Resolution.CELEBRATED


# Forgiven and excused --------------------------------------------------------------


def test_leader_forgives_with_a_word_and_it_is_in_the_audit_trail(
    leader, slip_factory, now, dynamic
):
    incident = slip_factory()
    done = services.forgive(leader, dynamic.pk, incident.pk, word="It's fine", now=now)
    assert done.resolution == Incident.Resolution.FORGIVEN
    assert done.resolution_word == "It's fine"
    assert _acts(dynamic)[-1] == "incident_forgiven"


def test_forgiving_without_a_word_is_refused(leader, slip_factory, now, dynamic):
    incident = slip_factory()
    with pytest.raises(Refused, match="forgiveness is spoken"):
        services.forgive(leader, dynamic.pk, incident.pk, word=" ", now=now)


def test_forgiving_ones_own_slip_is_refused(follower, slip_factory, now, dynamic):
    incident = slip_factory()
    with pytest.raises(NotAllowed, match="Your partner forgives your slips"):
        services.forgive(follower, dynamic.pk, incident.pk, word="ok", now=now)


def test_follower_forgives_the_leaders_missed_promise(leader, follower, now, dynamic):
    promise = services.report_incident(
        follower,
        dynamic.pk,
        source="missed_promise",
        about="partner",
        title="No review",
        now=now,
    )
    services.apologise(leader, dynamic.pk, promise.pk, text="Sorry.", now=now)
    done = services.forgive(follower, dynamic.pk, promise.pk, word="Ok", now=now)
    assert done.state == State.RESOLVED


def test_forgiving_ends_an_open_repair_task(leader, reflected_slip, menu, now, dynamic):
    _give(
        leader,
        reflected_slip,
        menu["Lines"],
        now,
        task="Write them",
        task_due_at=now + timedelta(hours=5),
        task_domain="household",
    )
    done = services.forgive(
        leader, dynamic.pk, reflected_slip.pk, word="Enough", now=now
    )
    assert done.state == State.RESOLVED and done.task_done_at is None


def test_partner_excuses_a_slip_when_life_happened(
    leader, follower, slip_factory, now, dynamic
):
    incident = slip_factory(leader)
    with pytest.raises(NotAllowed, match="Your partner excuses your slips"):
        services.excuse(leader, dynamic.pk, incident.pk, now=now)
    done = services.excuse(follower, dynamic.pk, incident.pk, word="Sick kid", now=now)
    assert done.resolution == Incident.Resolution.EXCUSED
    assert _acts(dynamic)[-1] == "incident_excused"
