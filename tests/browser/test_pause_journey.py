"""The follower falls ill and pauses every clock from Today; the leader sees the
pause on their phone but cannot lift it; the follower resumes when well."""

from playwright.sync_api import Browser, Page, expect

from conftest import PASSWORD
from dynamics.models import Dynamic
from tests.browser.helpers import (
    assert_no_horizontal_overflow,
    new_phone,
    shot,
    sign_in,
)


def test_an_illness_pause_is_lifted_only_by_the_one_who_is_ill(
    live_server, page: Page, browser: Browser, dynamic, leader, follower
):
    base = live_server.url
    home = f"{base}/d/{dynamic.pk}/"
    sign_in(page, base, follower.email, PASSWORD)
    page.goto(f"{base}/d/{dynamic.pk}/today/")
    page.get_by_role("button", name="I'm ill — pause every clock").click()
    expect(
        page.get_by_text("Paused for illness. Get well; no clock runs.")
    ).to_be_visible()

    context, phone = new_phone(browser)
    sign_in(phone, base, leader.email, PASSWORD)
    phone.goto(home)
    expect(phone.get_by_text("Paused: illness")).to_be_visible()
    expect(
        phone.get_by_text("Your partner paused; only they can resume.")
    ).to_be_visible()
    expect(phone.get_by_role("button", name="Resume")).to_have_count(0)
    assert_no_horizontal_overflow(phone)
    shot(phone, "3-20-leader-sees-illness-pause")
    context.close()

    page.goto(home)
    page.get_by_role("button", name="Resume").click()
    expect(page.get_by_text("Resumed. Welcome back.")).to_be_visible()
    assert Dynamic.objects.get(pk=dynamic.pk).state == Dynamic.State.ACTIVE
