"""A follower adds an Apprise channel, tests it, and then receives the leader's red.

The receiver is a real local HTTP server; the real db_worker delivers.
Screenshots land in var/screenshots/08-notify-*.png.
"""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from conftest import PASSWORD
from notify.tests.receivers import HttpReceiver
from tests.browser.helpers import (
    assert_no_horizontal_overflow,
    new_phone,
    red_button,
    shot,
    sign_in,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _run_worker() -> None:
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0
    )


@pytest.fixture
def receiver(settings):
    # A real receiver on 127.0.0.1, which channels may not reach by default.
    settings.INSTEP_ALLOW_PRIVATE_OUTBOUND = True
    server = HttpReceiver().start()
    yield server
    server.stop()


def test_follower_adds_apprise_channel_tests_it_and_gets_red_from_leader(
    live_server, page: Page, browser: Browser, receiver, dynamic_factory, user_factory
):
    base = live_server.url
    leader = user_factory("Alex", email="alex@example.org")
    follower = user_factory("Robin", email="robin@example.org")
    dynamic = dynamic_factory(leader, follower)

    # Robin opens Settings → Notifications on their phone.
    sign_in(page, base, "robin@example.org", PASSWORD)
    page.goto(f"{base}/me/profile/")
    page.get_by_role("link", name="Notification settings").click()
    expect(
        page.get_by_role("heading", name="Notifications", exact=True)
    ).to_be_visible()
    expect(page.get_by_text("No channels yet.")).to_be_visible()
    assert_no_horizontal_overflow(page)
    shot(page, "08-notify-settings-empty")

    # The service worker is registered for the whole site (the PWA part).
    scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == f"{base}/"

    page.get_by_role("link", name="Apprise URL").click()
    page.get_by_label("Apprise URL").fill(receiver.apprise_url)
    page.get_by_label("Name (optional)").fill("My webhook")
    shot(page, "08-notify-add-apprise")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_text("Added. Send a test to check it arrives.")).to_be_visible()
    expect(page.get_by_text("json://•••")).to_be_visible()
    assert receiver.apprise_url not in page.content()

    page.get_by_role("button", name="Send test").click()
    expect(page.get_by_text("A test is on its way.")).to_be_visible()
    _run_worker()
    [test_message] = receiver.wait_for(1)
    assert test_message.json["title"] == "Test from Instep"
    page.reload()
    expect(page.get_by_text("Working: last message sent now.")).to_be_visible()
    assert_no_horizontal_overflow(page)
    shot(page, "08-notify-settings-working")

    # Alex, on their own phone, pulls red.
    context, alex = new_phone(browser)
    sign_in(alex, base, "alex@example.org", PASSWORD)
    alex.goto(f"{base}/d/{dynamic.pk}/")
    red_button(alex).click()
    expect(alex.get_by_text(re.compile("Red signal sent"))).to_be_visible()
    _run_worker()
    received = receiver.wait_for(2)
    assert len(received) == 2
    assert received[1].json["title"] == "Red signal from Alex"
    assert received[1].json["type"] == "warning"
    context.close()

    # Robin's inbox shows it too, unread.
    page.goto(f"{base}/")
    # The bell counts it (no badge on Settings) and leads to the inbox.
    bell = page.locator("#bell")
    expect(bell).to_have_attribute("aria-label", re.compile(r"1 unread notification$"))
    shot(page, "08-notify-unread-badge", full_page=False)
    page.get_by_role("link", name="Settings", exact=True).click()
    page.get_by_role("link", name="Inbox · 1 unread").click()
    expect(page.get_by_text("Red signal from Alex")).to_be_visible()
    assert_no_horizontal_overflow(page)
    shot(page, "08-notify-inbox")

    # Removing the channel asks first.
    page.goto(f"{base}/me/notifications/")
    page.get_by_role("link", name="Remove My webhook").click()
    expect(page.get_by_role("button", name="Yes, remove it")).to_be_visible()
    shot(page, "08-notify-remove")
    page.get_by_role("button", name="Yes, remove it").click()
    expect(page.get_by_text("The channel is removed.")).to_be_visible()
    expect(page.get_by_text("No channels yet.")).to_be_visible()
