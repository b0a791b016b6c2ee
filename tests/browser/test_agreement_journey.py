"""Two partners on their phones: draft an agreement, sign it, renew, compare.

Screenshots land in var/screenshots/agreement-*.png.
"""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from conftest import PASSWORD
from tests.browser.helpers import (
    assert_no_horizontal_overflow,
    new_phone,
    shot,
    sign_in,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _row(page: Page, text: str):
    return page.locator(".items li", has_text=text).first


def _check(page: Page, name: str) -> None:
    assert_no_horizontal_overflow(page)
    shot(page, f"agreement-{name}")


def test_couple_drafts_signs_renews_and_compares_their_agreement(
    live_server, page: Page, browser: Browser, dynamic, leader, follower
):
    base = live_server.url
    sign_in(page, base, leader.email, PASSWORD)
    page.goto(f"{base}/d/{dynamic.pk}/")
    page.get_by_role("link", name="Agreement", exact=True).click()
    expect(page.get_by_role("heading", name="No authority right now")).to_be_visible()
    _check(page, "01-empty")

    # The leader starts from the starter template.
    page.get_by_role("button", name="Start a draft").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Version 1"))).to_be_visible()
    _check(page, "02-draft")

    # Sleep becomes fully delegated, with one rule that bends to family life.
    _row(page, "Sleep").get_by_role("link", name="Edit").click()
    page.get_by_label("Full — the leader decides").check()
    _check(page, "03-domain-form")
    page.get_by_role("button", name="Save").click()
    expect(_row(page, "Sleep")).to_contain_text("Full")
    page.get_by_role("link", name="Add a rule").click()
    page.get_by_label("Area of life").select_option(label="Sleep")
    page.get_by_label(re.compile(r"^Rule:?$")).fill("Lights out by 23:00 on weeknights")
    page.get_by_label("Not in force when (optional)").fill(
        "not when the children are ill"
    )
    _check(page, "04-rule-form")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_text("Lights out by 23:00 on weeknights")).to_be_visible()
    page.get_by_role("button", name="Sign version 1").click()
    expect(page.get_by_text("Signed. It comes into force once")).to_be_visible()
    _check(page, "05-leader-signed")

    # The follower adds a hard limit: that clears the leader's signature.
    context_b, page_b = new_phone(browser)
    sign_in(page_b, base, follower.email, PASSWORD)
    page_b.goto(f"{base}/d/{dynamic.pk}/agreement/")
    expect(page_b.get_by_text("Signed by the leader")).to_be_visible()
    _check(page_b, "06-follower-overview")
    page_b.get_by_role("link", name="Open the draft").click()
    page_b.get_by_role("link", name="Add a limit of mine").click()
    page_b.get_by_label("Hard — never").check()
    page_b.get_by_label(re.compile(r"^Limit:?$")).fill("Nothing in front of others")
    page_b.get_by_label("Tags").fill("public, in front of others")
    _check(page_b, "07-limit-form")
    page_b.get_by_role("button", name="Add").click()
    expect(page_b.get_by_text("Nothing in front of others")).to_be_visible()
    signatures = page_b.locator("#signatures")
    expect(signatures).not_to_contain_text("Signed ")
    page_b.get_by_label("Comment").fill("Happy with sleep. Can we review in spring?")
    page_b.get_by_role("button", name="Add comment").click()
    page_b.get_by_role("button", name="Sign version 1").click()
    expect(
        page_b.get_by_text("comes into force once your partner signs")
    ).to_be_visible()
    _check(page_b, "08-follower-signed")

    # The leader reads the change and signs again: version 1 is in force.
    page.reload()
    expect(page.get_by_text("Nothing in front of others")).to_be_visible()
    expect(page.get_by_text("Can we review in spring?")).to_be_visible()
    page.get_by_role("button", name="Sign version 1").click()
    expect(page.get_by_text("Version 1 is in force")).to_be_visible()
    _check(page, "09-in-force")
    page.get_by_role("link", name="Agreement", exact=True).first.click()
    expect(page.get_by_role("heading", name="Authority is in force")).to_be_visible()
    _check(page, "10-overview-in-force")

    # The follower proposes a change; the diff shows what it would change.
    page_b.goto(f"{base}/d/{dynamic.pk}/agreement/")
    page_b.get_by_role("button", name="Start a draft").click()
    expect(
        page_b.get_by_role("heading", name=re.compile(r"^Version 2"))
    ).to_be_visible()
    _row(page_b, "Sleep").get_by_role("link", name="Edit").click()
    page_b.get_by_label("Delegated — the leader decides after discussion").check()
    page_b.get_by_role("button", name="Save").click()
    page_b.get_by_role("link", name="Add a reward or correction").click()
    page_b.get_by_label("Reward").check()
    page_b.get_by_label("Name").fill("Breakfast in bed")
    page_b.get_by_label("Medium").check()
    page_b.get_by_role("button", name="Add").click()
    page_b.get_by_role("button", name="Sign version 2").click()
    page.goto(f"{base}/d/{dynamic.pk}/agreement/")
    page.get_by_role("link", name="Open the draft").click()
    page.get_by_role("button", name="Sign version 2").click()
    expect(page.get_by_text("Version 2 is in force")).to_be_visible()

    page.goto(f"{base}/d/{dynamic.pk}/agreement/compare/")
    expect(page.get_by_role("heading", name="Compare versions")).to_be_visible()
    areas = page.locator(".diff", has_text="Areas of life")
    expect(areas.locator(".difference.change-changed")).to_contain_text("Sleep")
    rewards = page.locator(".diff", has_text="Rewards and corrections")
    expect(rewards.locator(".difference.change-added")).to_contain_text(
        "Breakfast in bed"
    )
    _check(page, "11-diff")

    # History, and the printable page with both signatures.
    page.goto(f"{base}/d/{dynamic.pk}/agreement/history/")
    expect(page.locator(".history > li")).to_have_count(2)
    _check(page, "12-history")
    page.goto(f"{base}/d/{dynamic.pk}/agreement/v/2/print/")
    expect(page.locator(".doc-signature")).to_have_count(2)
    expect(page.locator(".doc-signatures")).to_contain_text("Alex")
    expect(page.locator(".doc-signatures")).to_contain_text("Robin")
    _check(page, "13-print")
    page.emulate_media(media="print")
    expect(page.locator(".bar")).to_be_hidden()
    shot(page, "agreement-14-print-media")
    page.emulate_media(media="screen")
    context_b.close()


def _ship_catalogue() -> None:
    """Puts the shipped ideas back if a transactional test flushed them."""
    from agreements.catalogue import CATALOGUE, GROUPS
    from agreements.models import ExplorationItem

    have = set(ExplorationItem.objects.exclude(key="").values_list("key", flat=True))
    ExplorationItem.objects.bulk_create(
        ExplorationItem(key=key, group=GROUPS[group], text=text, directional=d)
        for key, group, text, d in CATALOGUE
        if key not in have
    )


def _open_idea(page: Page, idea: str) -> None:
    """Unfolds the idea's group on the list and opens the idea."""
    row = page.locator(".ideas li", has_text=idea).first
    group = page.locator("details.idea-group", has=row)
    if group.get_attribute("open") is None:
        group.locator("summary").click()
    row.get_by_role("link").click()


def _answer(page: Page, idea: str, answers: dict[str, str]) -> None:
    _open_idea(page, idea)
    expect(page.get_by_role("heading", name=idea)).to_be_visible()
    for group, answer in answers.items():
        page.get_by_role("group", name=group).get_by_label(answer, exact=True).check()
    page.get_by_role("button", name="Save").click()


def test_partners_answer_privately_and_see_only_what_both_want(
    live_server, page: Page, browser: Browser, dynamic, leader, follower
):
    _ship_catalogue()
    base = live_server.url
    sign_in(page, base, leader.email, PASSWORD)
    page.goto(f"{base}/d/{dynamic.pk}/agreement/explore/")
    expect(page.get_by_text("Your answers are yours alone.")).to_be_visible()
    _check(page, "20-exploration")
    _answer(page, "A massage", {"I do it": "Yes"})
    _answer(page, "Daily walks", {"Your answer": "Yes"})
    _answer(page, "Cuddling on the sofa", {"Your answer": "Yes"})

    context_b, page_b = new_phone(browser)
    sign_in(page_b, base, follower.email, PASSWORD)
    page_b.goto(f"{base}/d/{dynamic.pk}/agreement/explore/")
    _open_idea(page_b, "A massage")
    _check(page_b, "21-answer-form")
    page_b.get_by_role("group", name="It is done to me").get_by_label(
        "Maybe", exact=True
    ).check()
    page_b.get_by_role("button", name="Save").click()
    _answer(page_b, "Daily walks", {"Your answer": "Yes"})
    _answer(page_b, "Cuddling on the sofa", {"Your answer": "Not for me"})
    page_b.goto(f"{base}/d/{dynamic.pk}/agreement/explore/together/")
    matches = page_b.locator(".matches li")
    expect(matches).to_have_count(2)
    expect(matches.first).to_contain_text("Daily walks")
    expect(matches.first).to_contain_text("Both yes")
    _check(page_b, "22-both-want")

    page.goto(f"{base}/d/{dynamic.pk}/agreement/explore/together/")
    expect(page.locator(".matches li")).to_have_count(2)
    expect(page.locator(".matches")).not_to_contain_text("Cuddling")
    context_b.close()
