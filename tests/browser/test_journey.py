"""Two people on their phones: sign up, pair, pull red, check in, carry on.

Run with ``pytest tests/browser``; screenshots of every main step land in
var/screenshots/.
"""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from dynamics.models import Dynamic
from tests.browser.helpers import (
    DESKTOP,
    NARROW_PHONE,
    PHONE,
    assert_no_horizontal_overflow,
    confirm_email,
    create_dynamic,
    make_invitation_link,
    new_phone,
    red_button,
    set_pin,
    shot,
    sign_in,
    sign_up,
    small_tap_targets,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _people(page: Page):
    return page.get_by_role("region", name="The two of you")


def _tab_until(page: Page, locator, *, most: int = 12) -> int:
    """Presses Tab from the top of the page until ``locator`` has focus."""
    page.locator("body").focus()
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    for presses in range(1, most + 1):
        page.keyboard.press("Tab")
        if locator.evaluate("el => el === document.activeElement"):
            return presses
    raise AssertionError(f"not reached with {most} presses of Tab")


def _check_in(page: Page, *, feeling: str, note: str, name: str) -> None:
    page.get_by_role("link", name="Aftercare check-in").first.click()
    expect(page.get_by_role("heading", name="Aftercare check-in")).to_be_visible()
    page.get_by_label(feeling, exact=True).check()
    page.get_by_label("Anything you need or want to say").fill(note)
    page.get_by_label("I am ready to resume").check()
    shot(page, name)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Thank you for checking in.")).to_be_visible()


def test_couple_pairs_pulls_red_checks_in_and_resumes(
    live_server, page: Page, browser: Browser
):
    base = live_server.url

    # A finds Instep and signs up.
    page.goto(base)
    expect(page.get_by_role("heading", name="Keep in step.")).to_be_visible()
    assert_no_horizontal_overflow(page)
    shot(page, "01-landing")
    page.get_by_role("link", name="Create your account").click()
    expect(page.get_by_role("heading", name="Sign Up")).to_be_visible()
    shot(page, "02-signup")
    sign_up(page, name="Alex", email="alex@example.org")
    shot(page, "03-verification-sent")
    confirm_email(page, "alex@example.org", screenshot="04-confirm-email")

    # Confirming signs A in; with no dynamic yet, the list says what to do.
    expect(page.get_by_role("heading", name="Nothing here yet")).to_be_visible()
    shot(page, "05-dynamics-empty")
    page.get_by_role("link", name="Start a dynamic").click()
    expect(page.get_by_role("heading", name="Start a dynamic")).to_be_visible()
    shot(page, "06-create-dynamic")
    create_dynamic(page, lead=True, my_title="Sir", partner_title="pet")

    expect(page.get_by_role("heading", name="Invite your partner")).to_be_visible()
    shot(page, "07-invite")
    link = make_invitation_link(page)
    assert link.startswith(base)
    shot(page, "08-invitation-link")
    page.get_by_role("link", name="Done").click()
    expect(page.get_by_text("not joined yet")).to_be_visible()
    shot(page, "09-home-forming")

    # B opens the link on their own phone, signs up and comes back to it.
    context_b, page_b = new_phone(browser)
    page_b.goto(link)
    expect(page_b.get_by_text("Alex invites you to join them")).to_be_visible()
    shot(page_b, "10-invitation-signed-out")
    page_b.get_by_role("link", name="Create an account").click()
    sign_up(page_b, name="Robin", email="robin@example.org")
    confirm_email(page_b, "robin@example.org")
    expect(page_b).to_have_url(link)
    shot(page_b, "11-invitation-signed-in")
    page_b.get_by_role("button", name="Accept and join").click()

    # Both see each other's titles.
    expect(page_b.get_by_text("Welcome. You are both here now.")).to_be_visible()
    people_b = _people(page_b)
    expect(people_b).to_contain_text("You · Follower")
    expect(people_b).to_contain_text("pet")
    expect(people_b).to_contain_text("Sir")
    expect(people_b).to_contain_text("Alex")
    expect(page_b.get_by_role("heading", name="Getting started")).to_be_visible()
    shot(page_b, "12-home-follower-active")

    page.reload()
    people_a = _people(page)
    expect(people_a).to_contain_text("You · Leader")
    expect(people_a).to_contain_text("Sir")
    expect(people_a).to_contain_text("pet")
    expect(people_a).to_contain_text("Robin")
    assert_no_horizontal_overflow(page)
    shot(page, "13-home-leader-active")
    page.emulate_media(color_scheme="dark")
    shot(page, "14-home-leader-dark")
    page.emulate_media(color_scheme="light")
    page.set_viewport_size(DESKTOP)
    shot(page, "15-home-leader-desktop", full_page=False)
    page.set_viewport_size(NARROW_PHONE)
    assert_no_horizontal_overflow(page)
    assert small_tap_targets(page, ".bar a, .bar button, .button, button.signal") == []
    shot(page, "16-home-leader-360", full_page=False)
    page.set_viewport_size(PHONE)

    # B pulls red from the header, using only the keyboard.
    red = red_button(page_b)
    presses = _tab_until(page_b, red)
    assert presses <= 6, f"red needs {presses} presses of Tab"
    shot(page_b, "17-red-focused", full_page=False)
    page_b.keyboard.press("Enter")
    expect(
        page_b.get_by_role("heading", name="Red: everything has stopped")
    ).to_be_visible()
    expect(page_b.get_by_text("Red signal sent.")).to_be_visible()
    shot(page_b, "18-home-follower-red")

    # A sees the alert on the next page load.
    page.reload()
    alert = page.get_by_role("alert").filter(has_text="pulled red")
    expect(alert).to_contain_text("Robin")
    expect(
        page.get_by_role("heading", name="Red: everything has stopped")
    ).to_be_visible()
    assert Dynamic.objects.get().state == Dynamic.State.PAUSED
    shot(page, "19-home-leader-red-alert")
    page.emulate_media(color_scheme="dark")
    shot(page, "20-home-leader-red-alert-dark")
    page.emulate_media(color_scheme="light")

    # A acknowledges the alert in place (htmx), then checks in.
    alert.get_by_role("button", name="Seen").click()
    expect(alert).to_have_count(0)
    _check_in(page, feeling="4", note="I'm fine. Tea?", name="21-aftercare-form")
    expect(page.get_by_text("You: ready to resume")).to_be_visible()
    expect(page.get_by_text("Your partner: not checked in yet")).to_be_visible()
    shot(page, "22-home-leader-waiting")

    # B checks in too; the dynamic carries on.
    _check_in(page_b, feeling="3", note="Needed a moment.", name="23-aftercare-b")
    expect(page_b.get_by_role("heading", name="Getting started")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="Getting started")).to_be_visible()
    assert Dynamic.objects.get().state == Dynamic.State.ACTIVE
    shot(page, "24-home-leader-resumed")
    context_b.close()


def test_quick_lock_hides_everything_but_stop(
    live_server, page: Page, dynamic_factory, user_factory
):
    base = live_server.url
    owner = user_factory("Morgan", email="morgan@example.org")
    dynamic_factory(owner, titles=("Mistress", "pet"))

    page.goto(f"{base}/accounts/login/")
    shot(page, "30-sign-in")
    sign_in(page, base, "morgan@example.org", "correct horse battery staple")
    expect(page.get_by_text("Mistress").first).to_be_visible()

    set_pin(page, base, "2468", screenshots=("31-settings", "32-pin-form"))

    # With the Lock button, the header is at its fullest: it must still fit.
    page.goto(base)
    expect(page.get_by_text("Mistress").first).to_be_visible()
    page.set_viewport_size(NARROW_PHONE)
    assert_no_horizontal_overflow(page)
    assert small_tap_targets(page, ".bar a, .bar button") == []
    header = page.locator(".bar").bounding_box()
    assert header["height"] < 70, "the header wraps onto a second line"
    shot(page, "33-header-with-lock-360", full_page=False)
    page.set_viewport_size(PHONE)

    page.get_by_role("button", name="Lock").click()
    expect(page.get_by_role("heading", name="Locked")).to_be_visible()
    body = page.locator("body")
    for revealing in ("Mistress", "pet", "Instep", "Red", "dynamic", "Morgan"):
        expect(body).not_to_contain_text(re.compile(rf"\b{revealing}\b"))
    shot(page, "34-lock-screen")
    page.emulate_media(color_scheme="dark")
    shot(page, "35-lock-screen-dark")
    page.emulate_media(color_scheme="light")

    # Nothing behind the lock is reachable.
    page.goto(base)
    expect(page.get_by_role("heading", name="Locked")).to_be_visible()

    # A wrong PIN is refused.
    page.get_by_label("PIN").fill("1111")
    page.get_by_role("button", name="Unlock").click()
    expect(page.get_by_text("That PIN is not right.")).to_be_visible()
    shot(page, "36-lock-wrong-pin")

    # Stop works from the lock screen, and the screen stays neutral.
    stop = red_button(page)
    expect(stop).to_have_text("Stop")
    stop.click()
    expect(page.get_by_role("heading", name="Locked")).to_be_visible()
    assert Dynamic.objects.get().state == Dynamic.State.PAUSED
    expect(body).not_to_contain_text(re.compile(r"\b(Red|partner|Mistress)\b"))
    shot(page, "37-lock-after-stop")

    # The right PIN opens the app again, where the stop shows.
    page.get_by_label("PIN").fill("2468")
    page.get_by_role("button", name="Unlock").click()
    expect(
        page.get_by_role("heading", name="Red: everything has stopped")
    ).to_be_visible()
    shot(page, "38-unlocked")
