"""The insights page on the demo world's year (manage.py generate_demo), at
phone and desktop size.

Screenshots land in var/screenshots/9-insights-*.png.
"""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from bench import demo
from dynamics.models import Dynamic
from talk import services as talk
from tests.browser.helpers import (
    DESKTOP,
    SCREENSHOTS,
    assert_no_horizontal_overflow,
    shot,
    sign_in,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _section_shots(page: Page, step: str) -> None:
    """Saves each section of charts on its own, to look at them up close."""
    sections = page.locator("section.insights-block")
    for i in range(sections.count()):
        sections.nth(i).screenshot(
            path=str(SCREENSHOTS / f"{step}-{i + 1}.png"), animations="disabled"
        )


@pytest.fixture
def grown():
    """Demo couple 1 with 400 days of history, up to this hour."""
    demo.generate(dynamics=1, days=400, seed=1, now=timezone.now())
    leader = User.objects.get(email=demo.email_of("leader", 1))
    follower = User.objects.get(email=demo.email_of("follower", 1))
    return Dynamic.objects.get(members__user=leader), leader, follower


def test_follower_sees_every_chart_of_a_grown_year(live_server, page: Page, grown):
    dynamic, _leader, follower = grown
    sign_in(page, live_server.url, follower.email, demo.PASSWORD)
    page.goto(f"{live_server.url}/d/{dynamic.pk}/")
    page.get_by_role("link", name="Insights").click()
    expect(page.get_by_role("heading", name="How you two are doing")).to_be_visible()
    for name in ("On time", "Streaks", "Mood", "Energy", "Stress", "Connection"):
        expect(page.get_by_role("img", name=name, exact=True)).to_be_visible()
    expect(page.get_by_role("img", name="Incidents", exact=True)).to_be_visible()
    expect(page.get_by_role("img", name="Decisions", exact=True)).to_be_visible()
    assert_no_horizontal_overflow(page)
    shot(page, "9-insights-phone-3m")
    _section_shots(page, "9-insights-phone-3m")
    page.get_by_role("link", name="4 weeks").click()
    expect(page.get_by_role("link", name="4 weeks")).to_have_attribute(
        "aria-current", "page"
    )
    assert_no_horizontal_overflow(page)
    shot(page, "9-insights-phone-4w")
    _section_shots(page, "9-insights-phone-4w")
    page.get_by_role("link", name="All").click()
    # Measured only once the whole-history page has arrived: measuring while the
    # click's navigation is under way finds no document to measure.
    expect(page.get_by_role("link", name="All")).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.get_by_role("img", name="On time", exact=True)).to_be_visible()
    assert_no_horizontal_overflow(page)
    shot(page, "9-insights-phone-all")
    # The weekly review embeds this week's small charts.
    review = talk.start_review(follower, dynamic.pk, now=timezone.now())
    page.goto(f"{live_server.url}/d/{dynamic.pk}/reviews/{review.pk}/")
    charts = page.get_by_role("region", name="The week in charts")
    expect(charts.get_by_role("img", name="On time", exact=True)).to_be_visible()
    assert_no_horizontal_overflow(page)
    charts.screenshot(path=str(SCREENSHOTS / "9-insights-review-week.png"))


def test_leader_reads_a_year_of_charts_on_a_desktop(live_server, browser, grown):
    dynamic, leader, _follower = grown
    context = browser.new_context(viewport=DESKTOP | {"height": 900}, locale="en-GB")
    page = context.new_page()
    sign_in(page, live_server.url, leader.email, demo.PASSWORD)
    page.goto(f"{live_server.url}/d/{dynamic.pk}/insights/?range=1y")
    expect(page.get_by_role("img", name="On time", exact=True)).to_be_visible()
    assert_no_horizontal_overflow(page)
    shot(page, "9-insights-desktop-1y")
    _section_shots(page, "9-insights-desktop-1y")
    page.emulate_media(color_scheme="dark")
    shot(page, "9-insights-desktop-1y-dark")
    _section_shots(page, "9-insights-desktop-1y-dark")
    context.close()
