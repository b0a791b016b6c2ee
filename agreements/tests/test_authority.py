"""May the leader impose X in domain D now? Every refusal, with its message."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.http import Http404
from hypothesis import assume, given
from hypothesis import strategies as st

from agreements import authority, services
from agreements.authority import Facts, LimitFact, Outcome, decide, touches
from agreements.models import Presence
from dynamics import services as dynamic_services
from instep.errors import NotAllowed, Refused


def _check(dynamic, leader, now, domain="sleep", thing="Lights out at 23:00"):
    return authority.check(dynamic, leader, domain=domain, text_or_tags=thing, now=now)


# Who may ask -------------------------------------------------------------


def test_a_stranger_learns_nothing(dynamic, stranger, now):
    with pytest.raises(Http404):
        _check(dynamic, stranger, now)


def test_the_follower_holds_no_authority(agreement_factory, dynamic, follower, now):
    agreement_factory(depths={"sleep": "full"})
    with pytest.raises(NotAllowed, match="Only the leader"):
        _check(dynamic, follower, now)


# Request only --------------------------------------------------------------


def test_leader_without_a_signed_agreement_can_only_ask(dynamic, leader, now):
    verdict = _check(dynamic, leader, now)
    assert verdict.outcome is Outcome.REQUEST_ONLY
    assert "No signed agreement" in verdict.reason


def test_leader_with_a_one_sided_signature_can_only_ask(draft, dynamic, leader, now):
    services.change_item(
        leader,
        dynamic.pk,
        number=draft.number,
        section="domains",
        item_id=draft.domain_set.get(key="sleep").pk,
        values={"depth": "full"},
        now=now,
    )
    services.sign(leader, dynamic.pk, number=draft.number, now=now)
    assert _check(dynamic, leader, now).request_only


@pytest.mark.parametrize(
    ("depth", "outcome"),
    [
        ("full", Outcome.IMPOSE),
        ("delegated", Outcome.IMPOSE),
        ("advisory", Outcome.REQUEST_ONLY),
    ],
)
def test_leader_imposes_only_in_delegated_or_full_domains(
    agreement_factory, dynamic, leader, now, depth, outcome
):
    agreement_factory(depths={"sleep": depth})
    verdict = _check(dynamic, leader, now)
    assert verdict.outcome is outcome
    if depth == "advisory":
        assert verdict.reason.startswith('In "Sleep" the leader advises')


def test_leader_can_only_ask_outside_the_agreed_domains(
    agreement_factory, dynamic, leader, now
):
    agreement_factory(depths={"sleep": "full"})
    verdict = _check(dynamic, leader, now, domain="custom-travel")
    assert verdict.request_only
    assert "not delegated" in verdict.reason


def test_authority_lapses_after_the_review_date(
    agreement_factory, dynamic, leader, now
):
    version = agreement_factory(depths={"sleep": "full"}, review_in_days=30)
    on_review_day = datetime.combine(version.review_on, datetime.min.time(), UTC)
    services.mark_seen(leader, now=on_review_day)
    assert _check(dynamic, leader, on_review_day + timedelta(hours=23)).may_impose
    verdict = _check(dynamic, leader, on_review_day + timedelta(days=1, hours=1))
    assert verdict.request_only
    assert verdict.lapse is authority.Lapse.REVIEW_PASSED
    assert "review date" in verdict.reason


def test_the_review_date_ends_in_the_followers_time_zone(
    agreement_factory, dynamic, leader, follower, now
):
    follower.time_zone = "Pacific/Auckland"
    follower.save()
    version = agreement_factory(depths={"sleep": "full"}, review_in_days=30)
    # Auckland is UTC+13 in December: 11:00 UTC is midnight there.
    late = datetime.combine(version.review_on, datetime.min.time(), UTC)
    services.mark_seen(leader, now=late)
    assert _check(dynamic, leader, late + timedelta(hours=10)).may_impose
    verdict = _check(dynamic, leader, late + timedelta(hours=12))
    assert verdict.lapse is authority.Lapse.REVIEW_PASSED


def test_authority_lapses_when_the_leader_is_away_too_long(
    agreement_factory, dynamic, leader, now
):
    agreement_factory(depths={"sleep": "full"}, absence_days=14)
    Presence.objects.create(user=leader, last_seen_on=now.date())
    assert _check(dynamic, leader, now + timedelta(days=14)).may_impose
    verdict = _check(dynamic, leader, now + timedelta(days=15))
    assert verdict.lapse is authority.Lapse.LEADER_ABSENT
    assert "more than 14 days" in verdict.reason


def test_a_leader_never_seen_counts_as_seen_on_joining(
    agreement_factory, dynamic, leader, now
):
    agreement_factory(depths={"sleep": "full"}, absence_days=7)
    assert not Presence.objects.exists()
    assert _check(dynamic, leader, now + timedelta(days=8)).request_only


def test_the_leader_coming_back_restores_authority(
    agreement_factory, dynamic, leader, now
):
    agreement_factory(depths={"sleep": "full"}, absence_days=7)
    later = now + timedelta(days=20)
    assert _check(dynamic, leader, later).request_only
    services.mark_seen(leader, now=later)
    assert _check(dynamic, leader, later).may_impose


# Refused ---------------------------------------------------------------------


def test_nothing_is_imposed_or_asked_while_paused(
    agreement_factory, dynamic, leader, follower, now
):
    agreement_factory(depths={"sleep": "full"})
    dynamic_services.pause_dynamic(follower, dynamic.pk, now=now)
    with pytest.raises(Refused, match="paused"):
        _check(dynamic, leader, now + timedelta(minutes=1))


def test_nothing_is_imposed_after_red(
    agreement_factory, dynamic, leader, follower, now
):
    agreement_factory(depths={"sleep": "full"})
    dynamic_services.send_signal(follower, dynamic.pk, "red", now=now)
    with pytest.raises(Refused, match="paused"):
        _check(dynamic, leader, now)


def test_nothing_is_imposed_after_the_end(
    agreement_factory, dynamic, leader, follower, now
):
    agreement_factory(depths={"sleep": "full"})
    dynamic_services.end_dynamic(follower, dynamic.pk, now=now)
    with pytest.raises(Refused, match="ended"):
        _check(dynamic, leader, now)


def test_a_forming_dynamic_has_nobody_to_ask(dynamic_factory, leader, now):
    forming = dynamic_factory(leader, partner=None)
    with pytest.raises(Refused, match="not joined"):
        _check(forming, leader, now)


@pytest.mark.parametrize("owner", ["leader", "follower"])
def test_a_hard_limit_of_either_partner_refuses_naming_the_limit(
    agreement_factory, dynamic, leader, now, owner
):
    agreement_factory(
        depths={"diet": "full"},
        limits=[(owner, "hard", "No fasting", "fasting, skip meals")],
    )
    whose = "the leader" if owner == "leader" else "the follower"
    with pytest.raises(Refused, match=f'hard limit of {whose}: "No fasting"') as e:
        _check(dynamic, leader, now, domain="diet", thing="Skip meals today")
    assert e.value.code == "hard_limit"
    with pytest.raises(Refused, match="fasting"):
        _check(dynamic, leader, now, domain="diet", thing=["Fasting", "food"])


def test_a_hard_limit_refuses_even_a_request(agreement_factory, dynamic, leader, now):
    agreement_factory(limits=[("follower", "hard", "Public", "public")])
    with pytest.raises(Refused, match="hard limit"):
        _check(dynamic, leader, now, domain="custom-x", thing="Kneel in public")


def test_a_hard_limit_in_the_open_draft_counts_at_once(
    agreement_factory, dynamic, leader, follower, now
):
    agreement_factory(depths={"wardrobe": "full"})
    draft = services.propose_draft(follower, dynamic.pk, now=now)
    services.add_item(
        follower,
        dynamic.pk,
        number=draft.number,
        section="limits",
        values={"kind": "hard", "text": "No heels", "tags": "heels"},
        now=now,
    )
    with pytest.raises(Refused, match="No heels"):
        _check(dynamic, leader, now, domain="wardrobe", thing="Wear heels tonight")


def test_removing_a_hard_limit_in_a_draft_takes_effect_only_once_signed(
    agreement_factory, dynamic, leader, follower, now, sign_both
):
    agreement_factory(
        depths={"wardrobe": "full"},
        limits=[("follower", "hard", "No heels", "heels")],
    )
    draft = services.propose_draft(follower, dynamic.pk, now=now)
    services.remove_item(
        follower,
        dynamic.pk,
        number=draft.number,
        section="limits",
        item_id=draft.limit_set.get().pk,
        now=now,
    )
    with pytest.raises(Refused, match="No heels"):
        _check(dynamic, leader, now, domain="wardrobe", thing="heels")
    sign_both(draft)
    assert _check(dynamic, leader, now, domain="wardrobe", thing="heels").may_impose


def test_a_soft_limit_asks_for_a_check_in_first(
    agreement_factory, dynamic, leader, now
):
    agreement_factory(
        depths={"social": "delegated"},
        limits=[
            ("follower", "soft", "Big parties", "party"),
            ("follower", "curious", "Dancing lessons", "dancing"),
        ],
    )
    verdict = _check(dynamic, leader, now, domain="social", thing="Go to the party")
    assert verdict.may_impose
    assert verdict.check_in_first == ("Big parties",)
    verdict = _check(dynamic, leader, now, domain="social", thing="dancing")
    assert verdict.check_in_first == ()


def test_tags_match_whole_words_only(agreement_factory, dynamic, leader, now):
    agreement_factory(
        depths={"sleep": "full"}, limits=[("follower", "hard", "Bed rules", "bed")]
    )
    assert _check(dynamic, leader, now, thing="Set a bedtime").may_impose
    with pytest.raises(Refused):
        _check(dynamic, leader, now, thing="Make the BED before nine")


def test_require_authority_refuses_a_request_only_answer_with_its_reason(
    dynamic, leader, now
):
    with pytest.raises(NotAllowed, match="No signed agreement"):
        authority.require_authority(
            dynamic, leader, domain="sleep", text_or_tags="x", now=now
        )


# The hook for the clock ------------------------------------------------------


def test_authority_in_force_follows_signature_review_and_pauses(
    draft, dynamic, leader, follower, now, sign_both
):
    services.change_item(
        leader,
        dynamic.pk,
        number=draft.number,
        section="domains",
        item_id=draft.domain_set.get(key="sleep").pk,
        values={"depth": "delegated"},
        now=now,
    )
    signed_at = now + timedelta(hours=1)
    assert not authority.authority_in_force(dynamic, "sleep", now)
    version = sign_both(draft, at=signed_at)
    Presence.objects.create(user=leader, last_seen_on=now.date())
    assert not authority.authority_in_force(dynamic, "sleep", now)  # before signing
    assert authority.authority_in_force(dynamic, "sleep", signed_at)
    assert not authority.authority_in_force(dynamic, "diet", signed_at)  # advisory
    paused_at = now + timedelta(hours=2)
    dynamic_services.pause_dynamic(follower, dynamic.pk, now=paused_at)
    dynamic_services.resume_dynamic(
        follower, dynamic.pk, now=paused_at + timedelta(hours=1)
    )
    assert not authority.authority_in_force(
        dynamic, "sleep", paused_at + timedelta(minutes=30)
    )
    assert authority.authority_in_force(
        dynamic, "sleep", paused_at + timedelta(hours=2)
    )
    after_review = datetime.combine(version.review_on, datetime.min.time(), UTC)
    services.mark_seen(leader, now=after_review + timedelta(days=1))
    assert not authority.authority_in_force(
        dynamic, "sleep", after_review + timedelta(days=1, hours=1)
    )


def test_the_check_uses_a_fixed_number_of_queries(
    agreement_factory, dynamic, leader, now, django_assert_max_num_queries
):
    agreement_factory(
        depths={"sleep": "full"},
        limits=[("follower", "hard", f"Limit {n}", f"tag{n}") for n in range(8)],
    )
    with django_assert_max_num_queries(6):
        _check(dynamic, leader, now)


# Properties of the pure rule ----------------------------------------------------

AT = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
DOMAINS = ["sleep", "diet", "schedule", "custom-garden"]
WORDS = st.sampled_from(["heels", "public", "party", "fasting", "bed", "phone"])
DEPTHS = st.sampled_from(["advisory", "delegated", "full"])

limits = st.builds(
    LimitFact,
    owner_role=st.sampled_from(["leader", "follower"]),
    kind=st.sampled_from(["hard", "soft", "curious"]),
    text=st.text(min_size=1, max_size=10),
    tags=st.frozensets(WORDS, max_size=2),
)
facts = st.builds(
    Facts,
    ended=st.booleans(),
    has_follower=st.booleans(),
    paused=st.booleans(),
    version_number=st.one_of(st.none(), st.integers(1, 5)),
    review_on=st.dates(date(2026, 5, 1), date(2026, 7, 1)),
    depths=st.dictionaries(st.sampled_from(DOMAINS), DEPTHS),
    limits=st.lists(limits, max_size=4).map(tuple),
    absence_days=st.integers(1, 30),
    leader_last_seen=st.one_of(st.none(), st.dates(date(2026, 4, 1), date(2026, 6, 1))),
)
things = st.one_of(
    st.frozensets(WORDS, max_size=3),
    st.lists(WORDS, max_size=3).map(" and ".join),
)


def _verdict(f: Facts, domain: str, thing) -> Outcome | str:
    try:
        return decide(f, domain=domain, text_or_tags=thing, at=AT).outcome
    except Refused as refusal:
        return refusal.code


@given(f=facts, domain=st.sampled_from(DOMAINS), thing=things)
def test_property_imposing_needs_every_condition(f, domain, thing):
    outcome = _verdict(f, domain, thing)
    if outcome is Outcome.IMPOSE:
        assert not f.ended and f.has_follower and not f.paused
        assert f.version_number is not None
        assert AT.date() <= f.review_on
        assert f.leader_last_seen is None or (
            (AT.date() - f.leader_last_seen).days <= f.absence_days
        )
        assert f.depths.get(domain) in ("delegated", "full")
        assert not any(
            lim.kind == "hard" and touches(lim.tags, thing) for lim in f.limits
        )


@given(
    f=facts,
    domain=st.sampled_from(DOMAINS),
    owner=st.sampled_from(["leader", "follower"]),
    tag=WORDS,
    others=st.frozensets(WORDS, max_size=2),
    as_text=st.booleans(),
)
def test_property_a_hard_limit_match_is_always_refused(
    f, domain, owner, tag, others, as_text
):
    hard = LimitFact(owner_role=owner, kind="hard", text="Never", tags=frozenset([tag]))
    f = Facts(**{**f.__dict__, "limits": (*f.limits, hard)})
    carried = others | {tag}
    thing = " and ".join(sorted(carried)) if as_text else carried
    assert _verdict(f, domain, thing) in (
        "hard_limit",
        "dynamic_ended",
        "dynamic_forming",
        "dynamic_paused",
    )


@given(f=facts, domain=st.sampled_from(DOMAINS), thing=things)
def test_property_advisory_or_missing_domains_never_impose(f, domain, thing):
    assume(f.depths.get(domain) in (None, "advisory"))
    assert _verdict(f, domain, thing) is not Outcome.IMPOSE


@given(f=facts, domain=st.sampled_from(DOMAINS), thing=things, extra=limits)
def test_property_adding_a_limit_never_widens_authority(f, domain, thing, extra):
    before = _verdict(f, domain, thing)
    after = _verdict(
        Facts(**{**f.__dict__, "limits": (*f.limits, extra)}), domain, thing
    )
    if before is not Outcome.IMPOSE:
        assert after is not Outcome.IMPOSE
    if isinstance(before, str):  # refused stays refused
        assert isinstance(after, str)


@given(f=facts, domain=st.sampled_from(DOMAINS), thing=things)
def test_property_lowering_a_depth_never_widens_authority(f, domain, thing):
    lowered = {**f.depths, domain: "advisory"}
    after = _verdict(Facts(**{**f.__dict__, "depths": lowered}), domain, thing)
    assert after is not Outcome.IMPOSE


@given(
    tag=WORDS,
    before=st.text(alphabet="abc ,.", max_size=8),
    after=st.text(alphabet="abc ,.", max_size=8),
)
def test_property_a_tag_standing_as_a_word_in_text_is_found(tag, before, after):
    text = f"{before} {tag.upper()} {after}"
    assert touches(frozenset([tag]), text) == tag


def test_only_the_signed_menu_of_consequences_counts(
    agreement_factory, dynamic, leader, follower, now
):
    assert authority.consequence_menu(dynamic, now) == []
    version = agreement_factory()
    draft = services.propose_draft(follower, dynamic.pk, now=now)
    services.add_item(
        follower,
        dynamic.pk,
        number=draft.number,
        section="consequences",
        values={"kind": "reward", "name": "Breakfast in bed"},
        now=now,
    )
    menu = authority.consequence_menu(dynamic, now)
    assert {c.name for c in menu} == {"Choose the evening", "A written reflection"}
    assert {c.version_id for c in menu} == {version.pk}
