"""The agreement pages: who sees what, forms, refusals and query counts."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements import services
from agreements.models import AgreementVersion, Limit, Presence


def _url(name: str, *args) -> str:
    return reverse(f"agreements:{name}", args=args)


@pytest.fixture
def pages(dynamic, draft):
    """Every GET page of the agreement, with a draft in place."""
    item = draft.domain_set.first()
    d, n = dynamic.pk, draft.number
    return [
        _url("show_agreement", d),
        _url("show_history", d),
        _url("compare_versions", d),
        _url("edit_safewords", d),
        _url("show_version", d, n),
        _url("edit_version", d, n),
        _url("print_version", d, n),
        _url("add_item", d, n, "rules"),
        _url("change_item", d, n, "domains", item.pk),
    ]


def test_anonymous_visitor_is_sent_to_sign_in_from_every_page(pages, client_for):
    for url in pages:
        response = client_for(None).get(url)
        assert response.status_code == HTTPStatus.FOUND, url
        assert "/accounts/login/" in response["Location"]


def test_stranger_gets_404_from_every_page(pages, stranger, client_for):
    for url in pages:
        response = client_for(stranger).get(url)
        assert response.status_code == HTTPStatus.NOT_FOUND, url
        assert b"Sir" not in response.content


@pytest.mark.parametrize("who", ["leader", "follower"])
def test_both_partners_open_every_page(pages, leader, follower, client_for, who):
    client = client_for({"leader": leader, "follower": follower}[who])
    for url in pages:
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        assert b"Sir &amp; pet" in response.content  # the page frame knows the dynamic


def test_partner_starts_a_first_draft_from_the_agreement_page(
    dynamic, follower, client_for
):
    client = client_for(follower)
    page = client.get(_url("show_agreement", dynamic.pk))
    assert b"No authority right now" in page.content
    assert b"Write your first agreement" in page.content
    response = client.post(_url("propose_draft", dynamic.pk), {"start_from": "starter"})
    version = AgreementVersion.objects.get()
    assert response.status_code == HTTPStatus.SEE_OTHER
    assert response["Location"] == _url("show_version", dynamic.pk, version.number)


def test_two_partners_draft_sign_and_see_it_in_force(
    dynamic, leader, follower, client_for
):
    lead, follow = client_for(leader), client_for(follower)
    lead.post(_url("propose_draft", dynamic.pk), {"start_from": "starter"})
    version = AgreementVersion.objects.get()
    sleep = version.domain_set.get(key="sleep")
    n = version.number
    response = lead.post(
        _url("change_item", dynamic.pk, n, "domains", sleep.pk),
        {"name": "Sleep", "depth": "full"},
    )
    assert response.status_code == HTTPStatus.SEE_OTHER
    follow.post(
        _url("add_item", dynamic.pk, n, "limits"),
        {"kind": "hard", "text": "Nothing in public", "tags": "public"},
    )
    lead.post(
        _url("add_item", dynamic.pk, n, "rules"),
        {
            "domain": sleep.pk,
            "text": "Lights out by 23:00",
            "suspended_when": "not when the baby is teething",
        },
    )
    lead.post(_url("sign_version", dynamic.pk, n))
    page = follow.get(_url("show_version", dynamic.pk, n))
    assert b"Your partner has signed" in page.content
    assert b"Lights out by 23:00" in page.content
    assert b"not when the baby is teething" in page.content
    response = follow.post(_url("sign_version", dynamic.pk, n), follow=True)
    assert b"Version 1 is in force" in response.content
    page = lead.get(_url("show_agreement", dynamic.pk))
    assert b"Authority is in force" in page.content


def test_a_refused_rule_keeps_the_form_with_the_message(
    draft, dynamic, leader, follower, client_for, now
):
    services.add_item(
        follower,
        dynamic.pk,
        number=draft.number,
        section="limits",
        values={"kind": "hard", "text": "No fasting", "tags": "fasting"},
        now=now,
    )
    diet = draft.domain_set.get(key="diet")
    response = client_for(leader).post(
        _url("add_item", dynamic.pk, draft.number, "rules"),
        {"domain": diet.pk, "text": "Fasting on Mondays"},
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert b"This touches a hard limit" in response.content
    assert b"No fasting" in response.content
    assert not draft.rule_set.exists()


def test_leader_cannot_change_the_followers_limit_through_the_page(
    draft, dynamic, leader, follower, client_for, now
):
    limit = services.add_item(
        follower,
        dynamic.pk,
        number=draft.number,
        section="limits",
        values={"kind": "hard", "text": "Nothing in public", "tags": "public"},
        now=now,
    )
    client = client_for(leader)
    url = _url("change_item", dynamic.pk, draft.number, "limits", limit.pk)
    page = client.get(url)
    assert b"Only your partner can change their own limits" in page.content
    assert b"Remove from the draft" not in page.content
    client.post(url, {"kind": "curious", "text": "Public", "tags": ""})
    response = client.post(
        _url("remove_item", dynamic.pk, draft.number, "limits", limit.pk),
        follow=True,
    )
    assert b"Only your partner can remove" in response.content
    limit = Limit.objects.get(pk=limit.pk)
    assert (limit.kind, limit.tags) == ("hard", "public")


def test_partners_comment_on_an_item_and_see_it(
    draft, dynamic, leader, follower, client_for
):
    sleep = draft.domain_set.get(key="sleep")
    client_for(follower).post(
        _url("add_comment", dynamic.pk, draft.number),
        {"text": "Can we talk about this?", "section": "domains", "item_id": sleep.pk},
    )
    lead = client_for(leader)
    page = lead.get(_url("show_version", dynamic.pk, draft.number))
    assert b"1 comment" in page.content
    item_page = lead.get(
        _url("change_item", dynamic.pk, draft.number, "domains", sleep.pk)
    )
    assert b"Can we talk about this?" in item_page.content


def test_a_signed_version_shows_no_edit_controls(
    agreement_factory, dynamic, leader, client_for
):
    version = agreement_factory(depths={"sleep": "full"})
    page = client_for(leader).get(_url("show_version", dynamic.pk, version.number))
    assert b"Sign version" not in page.content
    assert b"Add a rule" not in page.content
    assert b"Discard this draft" not in page.content
    response = client_for(leader).get(_url("edit_version", dynamic.pk, version.number))
    assert response.status_code == HTTPStatus.SEE_OTHER
    response = client_for(leader).post(
        _url("add_item", dynamic.pk, version.number, "rules"),
        {"text": "x"},
    )
    assert response.status_code == HTTPStatus.SEE_OTHER
    assert not version.rule_set.exists()


def test_the_printable_page_shows_both_signatures_and_dates(
    agreement_factory, dynamic, leader, follower, client_for
):
    version = agreement_factory(
        depths={"sleep": "full"}, limits=[("follower", "hard", "Public", "public")]
    )
    page = client_for(follower).get(_url("print_version", dynamic.pk, version.number))
    content = page.content.decode()
    assert "Alex" in content and "Robin" in content
    assert content.count(f"Signed {version.in_force_from:%-d %B %Y}") == 2
    assert "agreements/agreement." in content  # hashed by the manifest
    assert "<script>" not in content and "style=" not in content


def test_follower_is_told_when_the_absent_leader_lost_authority(
    agreement_factory, dynamic, leader, follower, client_for, now
):
    agreement_factory(depths={"sleep": "full"}, absence_days=3)
    away_since = timezone.now().date() - timedelta(days=10)
    Presence.objects.create(user=leader, last_seen_on=away_since)
    page = client_for(follower).get(_url("show_agreement", dynamic.pk))
    assert b"has not opened Instep for more than 3 days" in page.content
    assert b"You are not bound by anything" in page.content


def test_review_passed_is_shown_as_lapsed(
    agreement_factory, dynamic, leader, client_for, now
):
    agreement_factory(review_in_days=2, at=now - timedelta(days=5))
    page = client_for(leader).get(_url("show_agreement", dynamic.pk))
    assert b"review date" in page.content
    assert b"No authority right now" in page.content


def test_discreet_mode_hides_the_word_safewords(
    dynamic, follower, client_for, agreement_factory
):
    follower.discreet = True
    follower.save()
    page = client_for(follower).get(_url("show_agreement", dynamic.pk))
    assert b"Safewords" not in page.content
    assert b"Stop and slow-down words" in page.content


def test_the_home_page_links_the_agreement(dynamic, leader, client_for):
    page = client_for(leader).get(reverse("dynamics:home", args=[dynamic.pk]))
    assert _url("show_agreement", dynamic.pk).encode() in page.content


@pytest.mark.parametrize("name", ["show_agreement", "show_version", "compare"])
def test_main_pages_use_a_fixed_number_of_queries(
    agreement_factory,
    dynamic,
    leader,
    follower,
    client_for,
    now,
    django_assert_max_num_queries,
    name,
):
    limits = [("follower", "hard", f"Limit {i}", f"tag{i}") for i in range(6)]
    first = agreement_factory(depths={"sleep": "full", "diet": "delegated"})
    second = agreement_factory(depths={"sleep": "delegated"}, limits=limits)
    draft = services.propose_draft(leader, dynamic.pk, now=now)
    for i in range(5):
        services.add_comment(
            follower, dynamic.pk, number=draft.number, text=f"c{i}", now=now
        )
    url = {
        "show_agreement": _url("show_agreement", dynamic.pk),
        "show_version": _url("show_version", dynamic.pk, draft.number),
        "compare": _url("compare_versions", dynamic.pk)
        + f"?a={first.number}&b={second.number}",
    }[name]
    client = client_for(leader)
    client.get(url)
    # 16: the agreement's page also lists the standing hard limits (one query).
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == HTTPStatus.OK


def test_stranger_gets_404_from_every_form_post(draft, dynamic, stranger, client_for):
    item = draft.domain_set.first()
    d, n = dynamic.pk, draft.number
    client = client_for(stranger)
    for url in (
        _url("propose_draft", d),
        _url("sign_version", d, n),
        _url("discard_draft", d, n),
        _url("add_comment", d, n),
        _url("add_item", d, n, "limits"),
        _url("change_item", d, n, "domains", item.pk),
        _url("remove_item", d, n, "domains", item.pk),
        _url("edit_version", d, n),
        _url("edit_safewords", d),
    ):
        assert client.post(url, {"text": "x"}).status_code == HTTPStatus.NOT_FOUND
    draft.refresh_from_db()
    assert draft.leader_signed_at is None
    assert not draft.comments.exists()


def test_the_review_date_field_is_iso_whatever_the_locale(
    draft, dynamic, leader, client_for
):
    leader.locale = "de"
    leader.save()
    page = client_for(leader).get(_url("edit_version", dynamic.pk, draft.number))
    assert f'value="{draft.review_on.isoformat()}"'.encode() in page.content
