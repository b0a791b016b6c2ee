"""Comparing two versions per section, and the history of who signed when."""

from datetime import timedelta
from http import HTTPStatus

from django.urls import reverse

from agreements import queries, services
from agreements.models import AgreementVersion


def _section(comparison, key):
    return next(s for s in comparison.sections if s.key == key)


def _changes(comparison, key):
    return {
        (d.change, d.title)
        for d in _section(comparison, key).differences
        if d.change != "same"
    }


def test_compare_shows_added_removed_and_changed_per_section(
    agreement_factory, dynamic, leader, follower, now, sign_both
):
    first = agreement_factory(
        depths={"sleep": "full"},
        limits=[
            ("follower", "hard", "Nothing in public", "public"),
            ("follower", "soft", "Late nights", "late"),
        ],
    )
    draft = services.propose_draft(follower, dynamic.pk, now=now)
    n = draft.number
    services.change_item(
        leader,
        dynamic.pk,
        number=n,
        section="domains",
        item_id=draft.domain_set.get(key="sleep").pk,
        values={"depth": "delegated"},
        now=now,
    )
    services.remove_item(
        follower,
        dynamic.pk,
        number=n,
        section="limits",
        item_id=draft.limit_set.get(kind="soft").pk,
        now=now,
    )
    services.add_item(
        follower,
        dynamic.pk,
        number=n,
        section="limits",
        values={"kind": "curious", "text": "Dancing lessons"},
        now=now,
    )
    services.change_item(
        follower,
        dynamic.pk,
        number=n,
        section="limits",
        item_id=draft.limit_set.get(kind="hard").pk,
        values={"kind": "hard", "text": "Nothing in public places", "tags": "public"},
        now=now,
    )
    services.update_draft(
        leader,
        dynamic.pk,
        number=n,
        review_on=(now + timedelta(days=180)).date(),
        absence_days=10,
        titles_and_protocols="Sir at home",
        now=now,
    )
    second = sign_both(draft, at=now + timedelta(hours=1))

    comparison = queries.compare(dynamic, second.number, first.number)
    assert (comparison.older, comparison.newer) == (first, second)
    assert _changes(comparison, "domains") == {("changed", "Sleep")}
    assert _changes(comparison, "limits") == {
        ("changed", "Nothing in public places"),
        ("removed", "Late nights"),
        ("added", "Dancing lessons"),
    }
    general = _section(comparison, "general").differences[0]
    assert general.change == "changed"
    changed = {line.label: (line.before, line.after) for line in general.lines}
    assert changed["Titles and protocols"] == ("", "Sir at home")
    assert changed["Leader away for more than (days)"] == ("14", "10")
    sleep = next(
        d for d in _section(comparison, "domains").differences if d.title == "Sleep"
    )
    depth = sleep.lines[0]
    assert depth.before.startswith("Full") and depth.after.startswith("Delegated")
    assert _changes(comparison, "rules") == set()
    assert comparison.changes == 5


def test_the_same_version_compared_with_itself_has_no_changes(
    agreement_factory, dynamic
):
    version = agreement_factory(depths={"sleep": "full"})
    comparison = queries.compare(dynamic, version.number, version.number)
    assert comparison.changes == 0


def test_compare_page_defaults_to_the_two_latest_versions(
    agreement_factory, dynamic, leader, follower, client_for, now
):
    agreement_factory(depths={"sleep": "full"})
    draft = services.propose_draft(follower, dynamic.pk, now=now)
    services.add_item(
        follower,
        dynamic.pk,
        number=draft.number,
        section="consequences",
        values={"kind": "reward", "name": "Breakfast in bed", "size": "medium"},
        now=now,
    )
    page = client_for(leader).get(
        reverse("agreements:compare_versions", args=[dynamic.pk])
    )
    assert page.status_code == HTTPStatus.OK
    assert page.context["comparison"].newer == draft
    assert b"Breakfast in bed" in page.content
    assert b"Added" in page.content


def test_compare_page_with_unknown_versions_shows_nothing(
    agreement_factory, dynamic, leader, client_for
):
    agreement_factory()
    page = client_for(leader).get(
        reverse("agreements:compare_versions", args=[dynamic.pk]),
        {"a": "1", "b": "99"},
    )
    assert page.status_code == HTTPStatus.OK
    assert page.context["comparison"] is None
    page = client_for(leader).get(
        reverse("agreements:compare_versions", args=[dynamic.pk]),
        {"a": "x", "b": "<script>"},
    )
    assert page.status_code == HTTPStatus.OK


def test_history_lists_who_signed_when_and_what_superseded_what(
    agreement_factory, dynamic, leader, follower, now, sign_both, client_for
):
    first = agreement_factory()
    later = now + timedelta(days=3)
    second = sign_both(
        services.propose_draft(follower, dynamic.pk, now=later), at=later
    )
    draft = services.propose_draft(leader, dynamic.pk, now=later)
    services.sign(leader, dynamic.pk, number=draft.number, now=later)
    rows = queries.history(dynamic)
    assert [(r.version.number, r.status) for r in rows] == [
        (draft.number, AgreementVersion.Status.DRAFT),
        (second.number, AgreementVersion.Status.IN_FORCE),
        (first.number, AgreementVersion.Status.SUPERSEDED),
    ]
    assert rows[2].superseded_at == later
    assert [(s.role, s.name, s.signed_at) for s in rows[0].signatures] == [
        ("leader", "Alex", later),
        ("follower", "", None),
    ]
    page = client_for(follower).get(
        reverse("agreements:show_history", args=[dynamic.pk])
    )
    assert page.content.count(b"Alex signed") == 3
    assert page.content.count(b"Robin signed") == 2
