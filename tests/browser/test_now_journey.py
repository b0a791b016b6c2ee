"""Two phones, one couple: from pairing on, every step is reached from Now.

The checklist leads to inviting, drafting and signing and to the first ritual;
the follower ticks a ritual from Now in one tap; a late tick owes a reflection
on the follower's Now; the apology then waits on the leader's Now (which
redraws itself without a reload); a decided matter shows on the follower's
Now; red on one phone reaches the other's open page within 5 s.
Screenshots: var/screenshots/18-*.png (390 px, 360 px, dark, discreet).
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from accounts.models import User
from agreements import services as agreements
from duties import services as duties
from duties.models import Occurrence
from duties.tests.factories import ritual_spec
from dynamics.models import Dynamic
from talk import services as talk
from tests.browser.helpers import (
    NARROW_PHONE,
    PHONE,
    assert_no_horizontal_overflow,
    confirm_email,
    create_dynamic,
    make_invitation_link,
    new_phone,
    red_button,
    shot,
    sign_up,
)

pytestmark = pytest.mark.django_db(transaction=True)

# What the journey may wait for a partner's act to reach an open page: the
# alert poll runs every 3 s.
LIVE = 5_000


def _waiting(page: Page):
    return page.locator("#waiting")


def _looks(page: Page, name: str) -> None:
    """Screenshots at 390 and 360 px, light and dark; no sideways scrolling."""
    assert_no_horizontal_overflow(page)
    shot(page, f"{name}-390")
    page.emulate_media(color_scheme="dark")
    shot(page, f"{name}-390-dark")
    page.emulate_media(color_scheme="light")
    page.set_viewport_size(NARROW_PHONE)
    assert_no_horizontal_overflow(page)
    shot(page, f"{name}-360", full_page=False)
    page.set_viewport_size(PHONE)


def _above_the_fold(page: Page, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    assert box is not None
    assert box["y"] < PHONE["height"], f"{selector} starts below the first screen"


def test_every_step_of_setting_up_and_of_a_day_is_reached_from_now(
    live_server, page: Page, browser: Browser
):
    base = live_server.url

    # A signs up and starts a dynamic; Now's checklist leads to inviting.
    page.goto(f"{base}/accounts/signup/")
    sign_up(page, name="Alex", email="alex.now@example.org")
    confirm_email(page, "alex.now@example.org")
    page.get_by_role("link", name="Start a dynamic").click()
    create_dynamic(page, lead=True, my_title="Sir", partner_title="pet")
    dynamic = Dynamic.objects.get()
    page.goto(f"{base}/d/{dynamic.pk}/")
    expect(page.get_by_role("heading", name="Getting started")).to_be_visible()
    expect(page.get_by_text("In step", exact=True)).to_have_count(0)
    shot(page, "18-01-now-forming")
    page.get_by_role("link", name="Invite your partner").click()
    link = make_invitation_link(page)

    # B joins from the link and lands on Now, with the checklist.
    context_b, page_b = new_phone(browser)
    page_b.goto(link)
    page_b.get_by_role("link", name="Create an account").click()
    sign_up(page_b, name="Robin", email="robin.now@example.org")
    confirm_email(page_b, "robin.now@example.org")
    page_b.get_by_role("button", name="Accept and join").click()
    expect(page_b.get_by_role("heading", name="Getting started")).to_be_visible()
    expect(page_b.get_by_text("Your partner joined")).to_be_visible()
    _looks(page_b, "18-02-now-follower-setting-up")

    # A drafts from the checklist; the household is delegated in the draft.
    page.goto(f"{base}/d/{dynamic.pk}/")
    page.get_by_role("link", name="Draft your agreement together").click()
    page.get_by_role("button", name="Start a draft").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Version 1"))).to_be_visible()
    alex = User.objects.get(email="alex.now@example.org")
    robin = User.objects.get(email="robin.now@example.org")
    draft = dynamic.agreement_versions.get()
    agreements.change_item(
        alex,
        dynamic.pk,
        number=draft.number,
        section="domains",
        item_id=draft.domain_set.get(key="household").pk,
        values={"depth": "delegated"},
        now=timezone.now(),
    )
    page.goto(f"{base}/d/{dynamic.pk}/")
    page.get_by_role("link", name="Both sign the agreement").click()
    page.get_by_role("button", name="Sign version 1").click()

    # B's open Now lists the draft to sign without a reload, and signs it.
    expect(_waiting(page_b)).to_contain_text("your signature is missing", timeout=LIVE)
    shot(page_b, "18-03-now-follower-draft-to-sign")
    _waiting(page_b).get_by_role("link", name=re.compile("your signature")).click()
    page_b.get_by_role("button", name="Sign version 1").click()
    expect(page_b.get_by_text(re.compile("Version 1 is in force"))).to_be_visible()

    # A adds the first ritual from the checklist: due in half an hour.
    page.goto(f"{base}/d/{dynamic.pk}/")
    page.get_by_role("link", name="Add the first ritual").click()
    page.get_by_label("A ritual (it repeats)").check()
    page.get_by_label("Title", exact=True).fill("Morning greeting")
    page.get_by_label("Area of life").select_option("household")
    page.get_by_label("My partner").check()
    page.get_by_label("Repeats", exact=True).select_option("daily")
    due = timezone.localtime(
        timezone.now() + timedelta(minutes=30), timezone.get_fixed_timezone(0)
    )
    page.get_by_label("Time of day (your partner's local time)").fill(
        due.strftime("%H:%M")
    )
    page.get_by_label("First day").fill(due.strftime("%Y-%m-%d"))
    page.get_by_label("Opens this many minutes before").fill("120")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_text("Added. It is on the clock.")).to_be_visible()

    # A second ritual, whose time today was two hours ago: ticking it is late.
    now = timezone.now()
    tidy = duties.create_duty(
        alex,
        dynamic.pk,
        spec=ritual_spec(title="Evening tidy-up", rule="FREQ=WEEKLY"),
        now=now,
    )
    first = Occurrence.objects.filter(duty=tidy).order_by("due_at").first()
    Occurrence.objects.filter(pk=first.pk).update(
        opens_at=now - timedelta(hours=4), due_at=now - timedelta(hours=2)
    )

    # B's Now: both rituals under Due now; one tap ticks the first in place.
    page_b.goto(f"{base}/d/{dynamic.pk}/")
    due_now = page_b.locator("#due")
    expect(due_now).to_contain_text("Morning greeting")
    expect(due_now).to_contain_text("Late")
    _above_the_fold(page_b, "#due")
    _looks(page_b, "18-04-now-follower-due")
    # No push device yet: Now offers it once, in place (notify's settings flow).
    offer = page_b.locator("#push-offer")
    expect(offer.get_by_role("button", name="Turn on push here")).to_be_visible()
    url_before = page_b.url
    due_now.get_by_role("button", name="Mark “Morning greeting” done").click()
    expect(page_b.locator("#due")).not_to_contain_text("Morning greeting")
    assert page_b.url == url_before  # one tap, no page change
    expect(page_b.locator("#partner")).to_contain_text("Not checked in yet today")

    # The late one: ticked from Now, then a reflection is owed there.
    page_b.locator("#due").get_by_role(
        "button", name="Mark “Evening tidy-up” done"
    ).click()
    expect(_waiting(page_b)).to_contain_text("A reflection owed: Evening tidy-up")
    shot(page_b, "18-05-now-follower-reflection-owed")
    page_b.goto(f"{base}/d/{dynamic.pk}/")
    _waiting(page_b).get_by_role("link", name=re.compile("A reflection owed")).click()
    page_b.get_by_label("What happened").fill("I lost track of time after dinner.")
    page_b.get_by_label("What I'll do differently").fill("An alarm at 20:30.")
    page_b.get_by_role("button", name="Save reflection").click()
    page_b.get_by_text("Add my apology").click()
    page_b.get_by_label("Your apology").fill("I'm sorry I let it slide.")
    page_b.get_by_role("button", name="Attach apology").click()

    # A's Now, open all along, lists the apology waiting on them.
    page.goto(f"{base}/d/{dynamic.pk}/")
    expect(_waiting(page)).to_contain_text("An apology to acknowledge")
    _looks(page, "18-06-now-leader-apology-waiting")
    bell = page.locator("#bell")
    # The bell is the one count: the apology, and A's unread notifications.
    expect(bell).to_have_attribute(
        "aria-label", re.compile(r"^Waiting on you: 1, \d+ unread notifications?$")
    )

    # B asks for a decision; A decides it; B's open Now shows it.
    page_b.goto(f"{base}/d/{dynamic.pk}/")
    matter = talk.open_matter(
        robin, dynamic.pk, kind="decision", title="Holiday plans", now=timezone.now()
    )
    expect(_waiting(page)).to_contain_text(
        "A matter to decide: Holiday plans", timeout=LIVE
    )
    talk.decide_matter(
        alex,
        dynamic.pk,
        matter.pk,
        decision="The coast",
        reason="We both love the sea",
        now=timezone.now(),
    )
    expect(page_b.locator("#waiting")).to_contain_text(
        "Decided: Holiday plans", timeout=LIVE
    )
    shot(page_b, "18-07-now-follower-decided")
    # B's notifications say it too: Now links them, as the bell counts them.
    page_b.locator("#waiting").get_by_role(
        "link", name=re.compile(r"^\d+ unread notifications?$")
    ).click()
    decided = page_b.locator("li", has_text="Decided: Holiday plans")
    expect(decided).to_be_visible()
    expect(decided).to_contain_text("The coast")
    _looks(page_b, "18-07-follower-inbox-decided")
    # "Not now" to push: the offer goes, and stays gone.
    page_b.goto(f"{base}/d/{dynamic.pk}/")
    page_b.locator("#push-offer").get_by_role("button", name="Not now").click()
    expect(page_b.locator("#push-offer")).to_have_count(0)
    page_b.reload()
    expect(page_b.locator("#push-offer")).to_have_count(0)

    # Red from B's Today reaches A's open Now within 5 s, without a reload.
    page_b.goto(f"{base}/d/{dynamic.pk}/today/")
    red_button(page_b).click()
    alert = page.get_by_role("alert").filter(has_text="pulled red")
    expect(alert).to_be_visible(timeout=LIVE)
    expect(page.locator(".note-red")).to_be_visible(timeout=LIVE)
    _looks(page, "18-08-now-leader-red")

    # Discreet mode: neutral words on Now.
    User.objects.filter(pk=alex.pk).update(discreet=True)
    page.reload()
    expect(page.get_by_role("heading", name="Stopped")).to_be_visible()
    _looks(page, "18-09-now-leader-discreet")
    context_b.close()
