"""Two phones: check in (one answer private), settle a request, keep a journal,
search, and hold the weekly review on the day the agreement names.

Run with ``pytest tests/browser/test_talk_journey.py``; screenshots land in
var/screenshots/6-*.png.
"""

import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from agreements import services as agreements
from conduct import services as conduct
from duties import services as duties
from duties.tests.factories import task_spec
from talk.models import Matter
from tests.browser.helpers import (
    assert_no_horizontal_overflow,
    new_phone,
    shot,
    sign_in,
)

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct horse battery staple"


def _scales(page: Page, mood: int, energy: int, stress: int, connection: int):
    for name, value in (
        ("mood", mood),
        ("energy", energy),
        ("stress", stress),
        ("connection", connection),
    ):
        page.locator(f"#id_{name}_{value - 1}").check()


def _week_behind_them(dynamic, alex, robin) -> datetime:
    """The agreement, a duty done and a slip forgiven.

    The review day is the weekday the duty falls due (UTC, the people's zone),
    so this week's review holds it whatever day and hour the test runs: today,
    or tomorrow when it runs within two hours of midnight.
    """
    now = timezone.now()
    due = now + timedelta(hours=2)
    version = agreements.propose_draft(alex, dynamic.pk, start_from="starter", now=now)
    household = version.domain_set.get(key="household")
    agreements.change_item(
        alex, dynamic.pk, number=version.number, section="domains",
        item_id=household.pk, values={"depth": "delegated"}, now=now,
    )  # fmt: skip
    agreements.update_draft(
        alex, dynamic.pk, number=version.number,
        review_on=(now + timedelta(days=90)).date(), absence_days=14,
        titles_and_protocols="", weekly_review_day=due.weekday(), now=now,
    )  # fmt: skip
    for person in (alex, robin):
        agreements.sign(person, dynamic.pk, number=version.number, now=now)
    task = duties.create_duty(alex, dynamic.pk, spec=task_spec(due), now=now)
    duties.complete(robin, dynamic.pk, task.occurrences.get().pk, now=now)
    slip = conduct.report_incident(
        alex, dynamic.pk, source="broken_rule", about="partner",
        title="Phone at the dinner table", now=now,
    )  # fmt: skip
    conduct.forgive(alex, dynamic.pk, slip.pk, word="It happens", now=now)
    return due


def test_couple_checks_in_settles_a_request_and_keeps_a_private_journal(
    live_server, page: Page, browser: Browser, user_factory, dynamic_factory
):
    base = live_server.url
    alex = user_factory("Alex", email="alex@example.org")
    robin = user_factory("Robin", email="robin@example.org")
    dynamic = dynamic_factory(alex, robin, titles=("Sir", "pet"))
    review_due = _week_behind_them(dynamic, alex, robin)
    d = f"{base}/d/{dynamic.pk}"

    # Robin (follower) checks in; the note stays private, needs are shared.
    context_b, robin_page = new_phone(browser)
    sign_in(robin_page, base, "robin@example.org", PASSWORD)
    robin_page.goto(f"{d}/")
    robin_page.get_by_role("link", name="Talk", exact=True).click()
    expect(robin_page.get_by_role("heading", name="Today's check-in")).to_be_visible()
    shot(robin_page, "6-01-checkin-empty")
    _scales(robin_page, mood=3, energy=1, stress=4, connection=4)
    robin_page.get_by_role("textbox", name="What I need").fill("A quiet evening")
    robin_page.get_by_role("textbox", name="A note (optional)").fill(
        "Worried about the exam"
    )
    expect(robin_page.get_by_label("Share the note")).not_to_be_checked()
    shot(robin_page, "6-02-checkin-filled")
    robin_page.get_by_role("button", name="Check in").click()
    expect(robin_page.get_by_text("Thank you for checking in.")).to_be_visible()
    assert_no_horizontal_overflow(robin_page)
    shot(robin_page, "6-03-checkin-done")

    # Alex (leader) sees the shared answers on Now, not the note.
    sign_in(page, base, "alex@example.org", PASSWORD)
    page.goto(f"{d}/")
    card = page.locator("#partner")
    expect(card).to_contain_text("Energy 1/5")
    expect(card).to_contain_text("A quiet evening")
    expect(page.locator("body")).not_to_contain_text("Worried about the exam")
    shot(page, "6-04-home-leader-card")

    # Alex checks in too and keeps their mood private.
    page.get_by_role("link", name="Talk", exact=True).click()
    _scales(page, mood=2, energy=4, stress=2, connection=5)
    page.get_by_label("Share my mood").uncheck()
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_text("Thank you for checking in.")).to_be_visible()
    robin_page.reload()
    partner = robin_page.get_by_role("region", name="Sir, latest shared")
    expect(partner).to_contain_text("Energy 4/5")
    expect(partner).not_to_contain_text("Mood")
    shot(robin_page, "6-05-follower-sees-leader-shared")

    # Robin opens a request.
    robin_page.get_by_role("link", name="Matters").first.click()
    expect(robin_page.get_by_role("heading", name="Nothing open")).to_be_visible()
    shot(robin_page, "6-06-matters-empty")
    robin_page.get_by_role("link", name="Open a matter").click()
    robin_page.get_by_label("A request — please may I …").check()
    robin_page.get_by_label("In one line").fill("May I go to the concert on Friday?")
    robin_page.get_by_label("Details (optional, markdown)").fill(
        "With **Jo**, back by midnight."
    )
    shot(robin_page, "6-07-matter-new")
    robin_page.get_by_role("button", name="Open it").click()
    expect(
        robin_page.get_by_role("heading", name="May I go to the concert on Friday?")
    ).to_be_visible()
    matter = Matter.objects.get()

    # Both discuss.
    page.goto(f"{d}/matters/")
    shot(page, "6-08-matters-leader")
    page.get_by_role("link", name="May I go to the concert on Friday?").click()
    page.get_by_label("Your reply (markdown)").fill("Who is driving?")
    page.get_by_role("button", name="Reply").click()
    robin_page.reload()
    expect(robin_page.get_by_text("Who is driving?")).to_be_visible()
    robin_page.get_by_label("Your reply (markdown)").fill("Jo's dad, both ways.")
    robin_page.get_by_role("button", name="Reply").click()
    expect(robin_page.get_by_role("heading", name="Decide")).to_have_count(0)

    # Alex decides, with a reason.
    page.reload()
    expect(page.get_by_text("Jo's dad, both ways.")).to_be_visible()
    page.get_by_role("textbox", name="Decision").fill("Yes, back by midnight.")
    shot(page, "6-09-matter-discussion-leader")
    page.get_by_role("button", name="Decide").click()
    expect(page.get_by_text("This field is required.")).to_be_visible()
    page.get_by_role("textbox", name="Decision").fill("Yes, back by midnight.")
    page.get_by_role("textbox", name="Reason").fill(
        "You asked early and the ride is safe."
    )
    page.get_by_role("button", name="Decide").click()
    expect(page.get_by_text("Decided. It is in the decisions log.")).to_be_visible()
    shot(page, "6-10-matter-decided")

    # The decision is in the log, and the one search finds it by its reason.
    robin_page.goto(f"{d}/decisions/")
    log = robin_page.get_by_role("main")
    expect(log).to_contain_text("May I go to the concert on Friday?")
    expect(log).to_contain_text("You asked early and the ride is safe.")
    assert_no_horizontal_overflow(robin_page)
    shot(robin_page, "6-11-decisions-log")
    robin_page.get_by_label("Search matters, decisions, journal and reviews").fill(
        "ride"
    )
    robin_page.get_by_role("button", name="Search").click()
    expect(robin_page.get_by_role("heading", name="Search")).to_be_visible()
    found = robin_page.get_by_role("region", name=re.compile("^Decisions"))
    expect(found).to_contain_text("May I go to the concert on Friday?")
    assert_no_horizontal_overflow(robin_page)
    shot(robin_page, "6-11b-search-decision")
    assert Matter.objects.get(pk=matter.pk).state == Matter.State.DECIDED

    # Robin writes a private entry; Alex cannot see, count or open it.
    robin_page.get_by_role("link", name="Journal").first.click()
    expect(robin_page.get_by_role("link", name="Write an entry")).to_be_visible()
    shot(robin_page, "6-12-journal-empty")
    robin_page.get_by_role("link", name="Write an entry").click()
    robin_page.get_by_label("A prompt to start from (optional)").select_option(
        label="Where did I miss a step?"
    )
    robin_page.get_by_label("Title (optional)").fill("Note to self")
    robin_page.get_by_label("Entry (markdown)").fill("I forgot the evening call.")
    expect(robin_page.get_by_label("Private — only me")).to_be_checked()
    shot(robin_page, "6-13-journal-new")
    robin_page.get_by_role("button", name="Save").click()
    expect(robin_page.get_by_text("I forgot the evening call.")).to_be_visible()
    entry_url = robin_page.url
    shot(robin_page, "6-14-journal-entry-private")

    page.goto(f"{d}/journal/")
    expect(page.get_by_text("Shared with me (0)")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Note to self")
    shot(page, "6-15-journal-leader")
    response = page.goto(entry_url)
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text("evening call")
    # Nor does the search find it, or count it.
    page.goto(f"{d}/search/?q=evening+call")
    expect(page.get_by_text("Nothing mentions “evening call”.")).to_be_visible()
    shot(page, "6-15b-search-leader-finds-nothing")

    # The weekly review: a snapshot both read, notes, held by both.
    page.goto(f"{d}/reviews/")
    expect(page.get_by_role("main")).to_contain_text(
        f"Your agreement sets the review for {review_due:%A} at 18:00"
    )
    shot(page, "6-16-reviews-empty")
    page.get_by_role("button", name="Open this week's review").click()
    expect(page.get_by_role("heading", name=re.compile("^Week of"))).to_be_visible()
    week = page.get_by_role("region", name="The week", exact=True)
    duties_table = week.get_by_role("table").first  # done, late, missed, excused
    expect(duties_table.get_by_role("row", name=re.compile("^pet"))).to_have_text(
        re.compile(r"pet\s*1\s*0\s*0\s*0")
    )
    expect(week).to_contain_text("Phone at the dinner table")
    expect(week).to_contain_text("Forgiven")
    expect(week).to_contain_text("May I go to the concert on Friday?")
    page.get_by_label("What went well").check()
    page.get_by_role("textbox", name="Note").fill("We settled the concert calmly.")
    page.get_by_role("button", name="Add note").click()
    page.get_by_label("What to change").check()
    page.get_by_role("textbox", name="Note").fill("Phones stay in the hall at dinner")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_role("main")).to_contain_text(
        "Phones stay in the hall at dinner"
    )
    shot(page, "6-17-review-leader")
    page.get_by_role("button", name="Propose it as an agreement change").click()
    expect(page.get_by_text("Added to draft 2 as a proposed change.")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(
        "Phones stay in the hall at dinner"
    )
    assert_no_horizontal_overflow(page)
    shot(page, "6-17b-agreement-draft-from-review")
    page.go_back()
    page.reload()
    expect(
        page.get_by_role("link", name="Proposed in agreement draft 2")
    ).to_be_visible()
    page.get_by_role("button", name="We held it — mark as held").click()
    expect(page.get_by_text("Marked as held.")).to_be_visible()
    shot(page, "6-17c-review-leader-held")
    robin_page.goto(f"{d}/reviews/")
    robin_page.get_by_role("link", name=re.compile("^Week of")).click()
    review = robin_page.get_by_role("main")
    expect(review).to_contain_text("May I go to the concert on Friday?")
    expect(review).to_contain_text("We settled the concert calmly.")
    expect(review).not_to_contain_text("Note to self")
    robin_page.get_by_role("button", name="We held it — mark as held").click()
    expect(robin_page.get_by_text("Held by both of you. Well done.")).to_be_visible()
    assert_no_horizontal_overflow(robin_page)
    shot(robin_page, "6-18-review-held")
    context_b.close()
