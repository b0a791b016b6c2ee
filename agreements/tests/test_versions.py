"""Agreement versions: draft → signed by both → in force → superseded."""

from datetime import timedelta

import pytest
from django.http import Http404

from agreements import services
from agreements.models import AgreementVersion, Comment, Domain, Limit, Rule
from dynamics import services as dynamic_services
from dynamics.models import AuditEntry
from instep.errors import NotAllowed, Refused


def _in_force(dynamic):
    return services.version_in_force(dynamic.pk)


def test_either_partner_proposes_a_draft_from_the_starter_template(
    dynamic, follower, now
):
    version = services.propose_draft(
        follower, dynamic.pk, start_from="starter", now=now
    )
    assert version.is_draft
    assert version.number == 1
    assert version.proposed_by == follower
    keys = list(version.domain_set.values_list("key", flat=True))
    assert keys[:3] == ["schedule", "household", "wardrobe"]
    assert len(keys) == 10
    assert set(version.domain_set.values_list("depth", flat=True)) == {"advisory"}
    assert version.consequence_set.count() == 2
    assert version.review_on == (now + timedelta(days=90)).date()
    assert AuditEntry.objects.filter(act="agreement_draft_proposed").exists()


def test_partner_cannot_propose_a_second_draft_while_one_is_open(
    draft, dynamic, follower, now
):
    with pytest.raises(Refused, match="already a draft"):
        services.propose_draft(follower, dynamic.pk, now=now)
    assert AgreementVersion.objects.count() == 1


def test_leader_signature_alone_does_not_bring_the_draft_into_force(
    draft, dynamic, leader, now
):
    services.sign(leader, dynamic.pk, number=draft.number, now=now)
    draft.refresh_from_db()
    assert draft.leader_signed_at == now
    assert draft.is_draft
    assert _in_force(dynamic) is None


def test_follower_signature_alone_does_not_bring_the_draft_into_force(
    draft, dynamic, follower, now
):
    services.sign(follower, dynamic.pk, number=draft.number, now=now)
    draft.refresh_from_db()
    assert draft.is_draft
    assert _in_force(dynamic) is None


def test_both_signatures_bring_the_version_into_force(
    draft, dynamic, leader, follower, now
):
    services.sign(leader, dynamic.pk, number=draft.number, now=now)
    later = now + timedelta(hours=2)
    version = services.sign(follower, dynamic.pk, number=draft.number, now=later)
    assert version.in_force_from == later
    assert (version.leader_signer, version.follower_signer) == (leader, follower)
    assert _in_force(dynamic) == version
    acts = list(
        AuditEntry.objects.filter(act__startswith="agreement_").values_list(
            "act", flat=True
        )
    )
    assert acts[-3:] == ["agreement_signed", "agreement_signed", "agreement_in_force"]


def test_partner_cannot_sign_twice(draft, dynamic, leader, now):
    services.sign(leader, dynamic.pk, number=draft.number, now=now)
    with pytest.raises(Refused, match="already signed"):
        services.sign(leader, dynamic.pk, number=draft.number, now=now)


@pytest.mark.parametrize("editor", ["leader", "follower"])
def test_any_edit_after_one_signature_clears_that_signature(
    draft, dynamic, leader, follower, now, editor
):
    people = {"leader": leader, "follower": follower}
    services.sign(follower, dynamic.pk, number=draft.number, now=now)
    services.add_item(
        people[editor],
        dynamic.pk,
        number=draft.number,
        section="consequences",
        values={"kind": "reward", "name": "A long bath", "size": "medium"},
        now=now,
    )
    draft.refresh_from_db()
    assert draft.follower_signed_at is None
    assert draft.follower_signer is None
    # The leader's signature now does not bring it into force.
    services.sign(leader, dynamic.pk, number=draft.number, now=now)
    draft.refresh_from_db()
    assert draft.is_draft
    assert AuditEntry.objects.filter(act="agreement_signature_cleared").count() == 1


@pytest.mark.parametrize(
    "edit",
    [
        lambda d, who, v, now: services.update_draft(
            who,
            d.pk,
            number=v.number,
            review_on=(now + timedelta(days=30)).date(),
            absence_days=7,
            titles_and_protocols="Sir, always",
            now=now,
        ),
        lambda d, who, v, now: services.change_item(
            who,
            d.pk,
            number=v.number,
            section="domains",
            item_id=v.domain_set.get(key="sleep").pk,
            values={"depth": "full"},
            now=now,
        ),
        lambda d, who, v, now: services.remove_item(
            who,
            d.pk,
            number=v.number,
            section="domains",
            item_id=v.domain_set.get(key="diet").pk,
            now=now,
        ),
        lambda d, who, v, now: services.add_item(
            who,
            d.pk,
            number=v.number,
            section="rules",
            values={"text": "Lights out at 23:00", "domain": v.domain_set.first().pk},
            now=now,
        ),
    ],
    ids=["settings", "change", "remove", "add"],
)
def test_every_kind_of_edit_clears_the_other_signature(
    draft, dynamic, leader, follower, now, edit
):
    services.sign(leader, dynamic.pk, number=draft.number, now=now)
    edit(dynamic, follower, draft, now)
    draft.refresh_from_db()
    assert draft.leader_signed_at is None


def test_a_new_version_supersedes_the_one_in_force(
    agreement_factory, dynamic, follower, now, sign_both
):
    first = agreement_factory(depths={"sleep": "full"})
    draft = services.propose_draft(follower, dynamic.pk, now=now + timedelta(days=1))
    assert draft.based_on == first
    assert _in_force(dynamic) == first  # a draft changes nothing until signed
    second = sign_both(draft, at=now + timedelta(days=2))
    assert _in_force(dynamic) == second
    assert AgreementVersion.objects.filter(in_force_from__isnull=False).count() == 2
    # The version in force at an earlier moment is still the first.
    assert services.version_in_force(dynamic.pk, now + timedelta(hours=1)) == first


def test_a_draft_from_the_version_in_force_copies_its_contents_and_lineage(
    agreement_factory, dynamic, leader, follower, now
):
    first = agreement_factory(
        depths={"sleep": "full"},
        limits=[("follower", "hard", "No public settings", "public")],
    )
    draft = services.propose_draft(leader, dynamic.pk, now=now)
    assert draft.domain_set.get(key="sleep").depth == "full"
    old = first.limit_set.get()
    new = draft.limit_set.get()
    assert (new.lineage, new.text, new.tags) == (old.lineage, old.text, old.tags)
    assert new.pk != old.pk


def test_rules_keep_their_domain_when_copied(
    draft, dynamic, leader, follower, now, sign_both
):
    sleep = draft.domain_set.get(key="sleep")
    services.add_item(
        leader,
        dynamic.pk,
        number=draft.number,
        section="rules",
        values={
            "text": "In bed by 23:00",
            "domain": sleep.pk,
            "suspended_when": "not when the children are ill",
        },
        now=now,
    )
    sign_both(draft)
    copy = services.propose_draft(follower, dynamic.pk, now=now)
    rule = copy.rule_set.get()
    assert rule.domain.version == copy
    assert rule.domain.key == "sleep"
    assert rule.suspended_when == "not when the children are ill"


def test_partner_adds_a_custom_domain(draft, dynamic, follower, now):
    domain = services.add_item(
        follower,
        dynamic.pk,
        number=draft.number,
        section="domains",
        values={"name": "Garden", "depth": "delegated"},
        now=now,
    )
    assert (domain.key, domain.name, domain.depth) == (
        "custom-garden",
        "Garden",
        "delegated",
    )
    with pytest.raises(Refused, match="already in the draft"):
        services.add_item(
            follower,
            dynamic.pk,
            number=draft.number,
            section="domains",
            values={"name": "garden"},
            now=now,
        )


def test_a_domain_with_rules_cannot_be_removed(draft, dynamic, leader, now):
    sleep = draft.domain_set.get(key="sleep")
    services.add_item(
        leader,
        dynamic.pk,
        number=draft.number,
        section="rules",
        values={"text": "In bed by 23:00", "domain": sleep.pk},
        now=now,
    )
    with pytest.raises(Refused, match="still has rules"):
        services.remove_item(
            leader,
            dynamic.pk,
            number=draft.number,
            section="domains",
            item_id=sleep.pk,
            now=now,
        )
    assert Domain.objects.filter(pk=sleep.pk).exists()


def test_each_partner_writes_only_their_own_limits(
    draft, dynamic, leader, follower, now
):
    limit = services.add_item(
        follower,
        dynamic.pk,
        number=draft.number,
        section="limits",
        values={"kind": "hard", "text": "Nothing in public", "tags": "public"},
        now=now,
    )
    assert limit.owner_role == "follower"
    with pytest.raises(NotAllowed, match="own limits"):
        services.change_item(
            leader,
            dynamic.pk,
            number=draft.number,
            section="limits",
            item_id=limit.pk,
            values={"kind": "curious", "text": "Public", "tags": ""},
            now=now,
        )
    with pytest.raises(NotAllowed, match="own limits"):
        services.remove_item(
            leader,
            dynamic.pk,
            number=draft.number,
            section="limits",
            item_id=limit.pk,
            now=now,
        )
    limit.refresh_from_db()
    assert (limit.kind, limit.tags) == ("hard", "public")


def test_a_hard_limit_without_tags_is_tagged_with_its_own_words(
    draft, dynamic, follower, now
):
    limit = services.add_item(
        follower,
        dynamic.pk,
        number=draft.number,
        section="limits",
        values={"kind": "hard", "text": "Pain"},
        now=now,
    )
    assert limit.tags == "pain"


def test_a_rule_touching_a_hard_limit_is_refused_naming_the_limit(
    draft, dynamic, leader, follower, now
):
    services.add_item(
        follower,
        dynamic.pk,
        number=draft.number,
        section="limits",
        values={"kind": "hard", "text": "No fasting", "tags": "fasting, skip meals"},
        now=now,
    )
    diet = draft.domain_set.get(key="diet")
    with pytest.raises(Refused, match='hard limit: "No fasting"'):
        services.add_item(
            leader,
            dynamic.pk,
            number=draft.number,
            section="rules",
            values={"text": "Skip meals on Fridays", "domain": diet.pk},
            now=now,
        )
    with pytest.raises(Refused, match="hard limit"):
        services.add_item(
            leader,
            dynamic.pk,
            number=draft.number,
            section="consequences",
            values={"kind": "correction", "name": "Fast", "tags": "Fasting"},
            now=now,
        )
    assert not Rule.objects.exists()


def test_a_hard_limit_added_after_a_rule_blocks_signing_until_resolved(
    draft, dynamic, leader, follower, now
):
    diet = draft.domain_set.get(key="diet")
    services.add_item(
        leader,
        dynamic.pk,
        number=draft.number,
        section="rules",
        values={"text": "Skip dessert", "domain": diet.pk},
        now=now,
    )
    services.add_item(
        follower,
        dynamic.pk,
        number=draft.number,
        section="limits",
        values={"kind": "hard", "text": "Food rules", "tags": "dessert"},
        now=now,
    )
    with pytest.raises(Refused, match="A rule: This touches a hard limit"):
        services.sign(follower, dynamic.pk, number=draft.number, now=now)


def test_signing_needs_a_review_date_in_the_future(draft, dynamic, leader, now):
    with pytest.raises(Refused, match="review date has already passed"):
        services.sign(
            leader, dynamic.pk, number=draft.number, now=now + timedelta(days=120)
        )
    with pytest.raises(Refused, match="future"):
        services.update_draft(
            leader,
            dynamic.pk,
            number=draft.number,
            review_on=now.date(),
            absence_days=14,
            titles_and_protocols="",
            now=now,
        )


def test_a_draft_cannot_be_signed_before_the_partner_joins(
    dynamic_factory, leader, now
):
    forming = dynamic_factory(leader, partner=None)
    draft = services.propose_draft(leader, forming.pk, now=now)
    with pytest.raises(Refused, match="has to join"):
        services.sign(leader, forming.pk, number=draft.number, now=now)


def test_an_ended_dynamic_gets_no_new_draft_or_signature(
    draft, dynamic, leader, follower, now
):
    dynamic_services.end_dynamic(follower, dynamic.pk, now=now)
    with pytest.raises(Refused, match="ended"):
        services.sign(leader, dynamic.pk, number=draft.number, now=now)
    services.discard_draft(leader, dynamic.pk, number=draft.number, now=now)
    with pytest.raises(Refused, match="ended"):
        services.propose_draft(leader, dynamic.pk, now=now)


def test_either_partner_discards_the_draft_with_its_comments(
    draft, dynamic, leader, follower, now
):
    sleep = draft.domain_set.get(key="sleep")
    services.add_item(
        leader,
        dynamic.pk,
        number=draft.number,
        section="rules",
        values={"text": "In bed by 23:00", "domain": sleep.pk},
        now=now,
    )
    services.add_comment(
        leader, dynamic.pk, number=draft.number, text="Thoughts?", now=now
    )
    services.discard_draft(follower, dynamic.pk, number=draft.number, now=now)
    assert not AgreementVersion.objects.exists()
    assert not Comment.objects.exists()


def test_partners_comment_on_the_draft_and_on_one_item(
    draft, dynamic, leader, follower, now
):
    sleep = draft.domain_set.get(key="sleep")
    general = services.add_comment(
        follower, dynamic.pk, number=draft.number, text="Looks good", now=now
    )
    on_item = services.add_comment(
        leader,
        dynamic.pk,
        number=draft.number,
        section="domains",
        item_id=sleep.pk,
        text="Full for sleep?",
        now=now,
    )
    assert (general.section, general.item_id, general.author_role) == (
        "general",
        None,
        "follower",
    )
    assert (on_item.section, on_item.item_id) == ("domains", sleep.pk)
    with pytest.raises(Refused, match="no longer in the draft"):
        services.add_comment(
            leader,
            dynamic.pk,
            number=draft.number,
            section="rules",
            item_id=999999,
            text="?",
            now=now,
        )
    # A comment is discussion, not content: it leaves signatures alone.
    services.sign(leader, dynamic.pk, number=draft.number, now=now)
    services.add_comment(follower, dynamic.pk, number=draft.number, text="ok", now=now)
    draft.refresh_from_db()
    assert draft.leader_signed_at == now


def test_a_stranger_can_do_nothing_to_the_agreement(draft, dynamic, stranger, now):
    for act in (
        lambda: services.propose_draft(stranger, dynamic.pk, now=now),
        lambda: services.sign(stranger, dynamic.pk, number=draft.number, now=now),
        lambda: services.add_item(
            stranger,
            dynamic.pk,
            number=draft.number,
            section="limits",
            values={"kind": "hard", "text": "x"},
            now=now,
        ),
        lambda: services.add_comment(
            stranger, dynamic.pk, number=draft.number, text="hi", now=now
        ),
        lambda: services.discard_draft(
            stranger, dynamic.pk, number=draft.number, now=now
        ),
    ):
        with pytest.raises(Http404):
            act()
    assert not Limit.objects.exists()
    draft.refresh_from_db()
    assert draft.leader_signed_at is None
