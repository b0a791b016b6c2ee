"""Small steps that browser journeys share: sign up, confirm, screenshots.

Every helper takes a Playwright ``Page`` and waits through Playwright's own
auto-waiting ``expect``; none sleeps on wall time.
"""

import re
from pathlib import Path

from django.conf import settings
from django.core import mail
from playwright.sync_api import Browser, BrowserContext, Page, expect
from playwright.sync_api import Error as PlaywrightError

PASSWORD = "a long and quiet evening walk"
PHONE = {"width": 390, "height": 844}
NARROW_PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"

_CONFIRM_LINK = re.compile(r"https?://\S+/accounts/confirm-email/\S+/")


def shot(page: Page, step: str, *, full_page: bool = True) -> Path:
    """Saves a screenshot of the page as var/screenshots/<step>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{step}.png"
    if full_page:
        # A reload keeps the scroll position; the sticky header would then
        # land in the middle of a full-page picture.
        page.evaluate("() => window.scrollTo(0, 0)")
    try:
        page.screenshot(path=str(path), full_page=full_page, animations="disabled")
    except PlaywrightError as error:
        # Chromium now and then declines one capture on a busy machine ("Unable
        # to capture screenshot"); the picture is a record, not the assertion,
        # so it gets one more try before the journey fails.
        if "Unable to capture screenshot" not in str(error):
            raise
        page.screenshot(path=str(path), full_page=full_page, animations="disabled")
    return path


def new_phone(browser: Browser, **args) -> tuple[BrowserContext, Page]:
    """Opens a second person's phone: a fresh context with its own cookies."""
    context = browser.new_context(viewport=PHONE, locale="en-GB", **args)
    return context, context.new_page()


def red_button(page: Page):
    """The red signal in the header (or on the lock screen)."""
    return page.get_by_role("button", name=re.compile(r"^(Red|Stop)\b"))


def assert_no_horizontal_overflow(page: Page) -> None:
    """Fails when the page is wider than the screen (sideways scrolling)."""
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert widths[0] <= widths[1], (
        f"page is {widths[0]}px wide on a {widths[1]}px screen"
    )


def small_tap_targets(page: Page, selector: str, *, least: int = 44) -> list[str]:
    """Returns the visible controls matching ``selector`` that are under 44px high."""
    return page.evaluate(
        """([selector, least]) => [...document.querySelectorAll(selector)]
            .filter((el) => el.offsetParent !== null)
            .filter((el) => el.getBoundingClientRect().height < least)
            .map((el) => el.textContent.trim()
                + ` (${el.getBoundingClientRect().height}px)`)""",
        [selector, least],
    )


def sign_up(page: Page, *, name: str, email: str, password: str = PASSWORD) -> None:
    """Fills and sends the sign-up form on the page that shows it."""
    expect(page.get_by_role("heading", name="Sign Up")).to_be_visible()
    page.get_by_label("Your name, as your partner will see it").fill(name)
    page.get_by_label(re.compile(r"^E-?mail:?$")).fill(email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(password)
    page.get_by_label("Password (again)").fill(password)
    page.get_by_role("button", name="Sign Up").click()
    expect(
        page.get_by_role("heading", name="Verify Your Email Address")
    ).to_be_visible()


def confirmation_link(email: str) -> str:
    """Returns the e-mail confirmation link last sent to ``email``."""
    for message in reversed(mail.outbox):
        if email in message.to and (found := _CONFIRM_LINK.search(message.body)):
            return found.group(0)
    raise AssertionError(f"no confirmation e-mail to {email} in {len(mail.outbox)}")


def confirm_email(page: Page, email: str, *, screenshot: str | None = None) -> None:
    """Opens the link from the confirmation e-mail and confirms the address."""
    page.goto(confirmation_link(email))
    expect(page.get_by_role("heading", name="Confirm Email Address")).to_be_visible()
    if screenshot:
        shot(page, screenshot)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Confirm Email Address")).to_have_count(0)


def create_dynamic(
    page: Page, *, lead: bool, my_title: str, partner_title: str
) -> None:
    """Fills the "start a dynamic" form on the page that shows it."""
    page.get_by_label("lead" if lead else "follow", exact=True).check()
    page.get_by_label("My title").fill(my_title)
    page.get_by_label("My partner's title").fill(partner_title)
    page.get_by_role("button", name="Create and invite my partner").click()


def make_invitation_link(page: Page) -> str:
    """On the invite page: makes a link (no e-mail) and returns it."""
    page.get_by_role("button", name="Make the link").click()
    field = page.get_by_label("Invitation link")
    expect(field).to_have_value(re.compile(r"/invitation/"))
    return field.input_value()


def set_pin(
    page: Page, base_url: str, pin: str, *, screenshots: tuple[str, str] | None = None
) -> None:
    """Sets a quick-lock PIN through the settings pages."""
    page.goto(f"{base_url}/me/profile/")
    if screenshots:
        shot(page, screenshots[0])
    page.get_by_role("link", name="Set a PIN").click()
    if screenshots:
        shot(page, screenshots[1])
    page.get_by_label("New PIN (4 to 8 digits)").fill(pin)
    page.get_by_label("The same PIN again").fill(pin)
    page.get_by_role("button", name="Save PIN").click()
    expect(page.get_by_text("Your PIN is set.")).to_be_visible()


def sign_in(page: Page, base_url: str, email: str, password: str = PASSWORD) -> None:
    """Signs in through the sign-in page."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label(re.compile(r"^E-?mail:?$")).fill(email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(password)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Sign In")).to_have_count(0)
