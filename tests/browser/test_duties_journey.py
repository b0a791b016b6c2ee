"""Duties on two phones: the leader sets a daily ritual and a task with a
deadline; the follower sees the countdown, completes the task with a photo; the
leader approves it; a context of the agreement's rules takes the ritual off the
clock; a red signal freezes the countdown.

Screenshots land in var/screenshots/5-*.png.
"""

import re
import struct
import zlib
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from conftest import PASSWORD
from duties.models import Duty, Occurrence
from duties.tests.factories import sign_agreement
from tests.browser.helpers import (
    assert_no_horizontal_overflow,
    new_phone,
    red_button,
    shot,
    sign_in,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _png(width: int = 240, height: int = 160) -> bytes:
    """Returns a small real PNG: a plain warm-coloured picture."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes((200, 150, 90)) * width
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def test_leader_assigns_follower_completes_with_photo_leader_approves_red_freezes(
    live_server,
    page: Page,
    browser: Browser,
    dynamic,
    leader,
    follower,
    tmp_path,
    settings,
):
    settings.MEDIA_ROOT = tmp_path
    now = timezone.now()
    sign_agreement(
        dynamic,
        leader,
        follower,
        depths={"household": "delegated", "schedule": "full"},
        rules=[("household", "Kneel when greeting", "the children are home")],
        now=now,
    )
    base = live_server.url
    today = f"{base}/d/{dynamic.pk}/today/"

    # The leader adds a daily ritual, open now, due in an hour.
    sign_in(page, base, leader.email, PASSWORD)
    page.goto(today)
    expect(page.get_by_role("heading", name="Today")).to_be_visible()
    shot(page, "5-01-leader-today-empty")
    page.get_by_role("link", name="Add a ritual or task").click()
    page.get_by_label("A ritual (it repeats)").check()
    page.get_by_label("Title", exact=True).fill("Evening check-in message")
    page.get_by_label("Area of life").select_option("household")
    page.get_by_label("My partner").check()
    page.get_by_label("Repeats", exact=True).select_option("daily")
    due = timezone.localtime(now + timedelta(hours=1), timezone.get_fixed_timezone(0))
    page.get_by_label("Time of day (your partner's local time)").fill(
        due.strftime("%H:%M")
    )
    page.get_by_label("First day").fill(due.strftime("%Y-%m-%d"))
    page.get_by_label("Opens this many minutes before").fill("120")
    page.get_by_label("Grace after due, in minutes").fill("15")
    page.get_by_label("Off the clock when").select_option("the children are home")
    shot(page, "5-02-new-ritual")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_text("Added. It is on the clock.")).to_be_visible()

    # And a task with a deadline in three hours, proved by a photo and reviewed.
    page.get_by_role("link", name="Add a ritual or task").click()
    page.get_by_label("A task (once, with a deadline)").check()
    page.get_by_label("Title", exact=True).fill("Tidy the hallway")
    page.get_by_label("Area of life").select_option("household")
    page.get_by_label("My partner").check()
    deadline = (now + timedelta(hours=3)).astimezone(timezone.get_fixed_timezone(0))
    page.get_by_label("Deadline", exact=True).fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Needs a photo as proof").check()
    page.get_by_label("I review it (approve or return with a note)").check()
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_text("Added. It is on the clock.")).to_be_visible()
    assert Duty.objects.filter(dynamic=dynamic, state="active").count() == 2
    shot(page, "5-03-leader-today")

    # The follower sees both with live countdowns.
    context, phone = new_phone(browser)
    sign_in(phone, base, follower.email, PASSWORD)
    phone.goto(today)
    you = phone.get_by_role("region", name="You")
    expect(you.get_by_text("Tidy the hallway")).to_be_visible()
    expect(you.get_by_text("Evening check-in message").first).to_be_visible()
    live = you.locator(".countdown-live").first
    expect(live).to_have_text(re.compile(r"^\d+:\d\d:\d\d left$"))
    first = live.text_content()
    expect(live).not_to_have_text(first or "", timeout=3000)  # it ticks
    assert_no_horizontal_overflow(phone)
    shot(phone, "5-04-follower-today-countdowns")

    # One tap on the task opens the proof form; the photo goes with it.
    phone.get_by_role("link", name="Done… add a photo").click()
    photo = tmp_path / "hallway.png"
    photo.write_bytes(_png())
    phone.get_by_label("Photo", exact=True).set_input_files(str(photo))
    shot(phone, "5-05-follower-complete-with-photo")
    phone.get_by_role("button", name="Mark done").click()
    expect(phone.get_by_text("Done. Well done.")).to_be_visible()
    occ = Occurrence.objects.get(duty__title="Tidy the hallway")
    assert occ.done_at is not None and occ.proof_photo

    # The leader reviews: sees the photo (served only to the two) and approves.
    page.goto(f"{base}/d/{dynamic.pk}/review/")
    image = page.get_by_role("img", name="Proof photo for Tidy the hallway")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.naturalWidth") == 240
    shot(page, "5-06-leader-review")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Approved.")).to_be_visible()
    occ.refresh_from_db()
    assert occ.review == Occurrence.Review.APPROVED

    # The follower plans ahead; the leader reads a duty's history.
    phone.get_by_role("link", name="Plan").first.click()
    expect(phone.get_by_role("heading", name="The week ahead")).to_be_visible()
    assert_no_horizontal_overflow(phone)
    shot(phone, "5-08-follower-plan")
    page.goto(f"{base}/d/{dynamic.pk}/duties/")
    page.get_by_role("link", name="Tidy the hallway").click()
    expect(page.get_by_text("Done on time")).to_be_visible()
    shot(page, "5-09-leader-history")
    page.goto(f"{base}/d/{dynamic.pk}/calendar/")
    page.get_by_role("button", name="Make my calendar link").click()
    expect(page.get_by_label("Calendar link")).to_have_value(re.compile(r"\.ics$"))
    shot(page, "5-10-leader-calendar-link")
    page.goto(f"{base}/d/{dynamic.pk}/pauses/")
    shot(page, "5-11-pauses")

    # Outside the delegated areas the leader can only ask: the request is a
    # thread in Talk, and the follower's answer there puts it on the clock.
    page.goto(today)
    page.get_by_role("link", name="Add a ritual or task").click()
    page.get_by_label("A task (once, with a deadline)").check()
    page.get_by_label("Title", exact=True).fill("Wear the green scarf")
    page.get_by_label("Area of life").select_option("wardrobe")
    page.get_by_label("My partner").check()
    page.get_by_label("Deadline", exact=True).fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_text("in its thread in Talk")).to_be_visible()
    phone.goto(today)
    asked = phone.get_by_role("region", name="Asked of you")
    expect(asked.get_by_text("Wear the green scarf")).to_be_visible()
    shot(phone, "5-14-follower-asked")
    asked.get_by_role("link", name="Answer in the thread").click()
    phone.get_by_label("Accept").check()
    shot(phone, "5-15-follower-request-thread")
    phone.get_by_role("button", name="Answer").click()
    expect(phone.get_by_text("Answered. Your partner can see it.")).to_be_visible()
    phone.goto(today)
    you = phone.get_by_role("region", name="You")
    expect(you.get_by_text("Wear the green scarf")).to_be_visible()
    assert Duty.objects.get(title="Wear the green scarf").state == "active"

    # The children come home: the follower says so, and the ritual linked to
    # that context waits; the task-free rest of the day runs on.
    phone.goto(f"{base}/d/{dynamic.pk}/pauses/")
    contexts = phone.get_by_role("region", name="Contexts from your agreement")
    contexts.get_by_role("button", name="In effect now").click()
    expect(
        phone.get_by_text("In effect now: linked duties are off the clock.")
    ).to_be_visible()
    shot(phone, "5-12-follower-context-on")
    phone.goto(today)
    expect(phone.get_by_text("In effect now: the children are home")).to_be_visible()
    held = phone.locator('.countdown[data-frozen="1"]').first
    expect(held).to_contain_text("paused (the children are home)")
    assert_no_horizontal_overflow(phone)
    shot(phone, "5-13-follower-today-context")
    phone.goto(f"{base}/d/{dynamic.pk}/pauses/")
    contexts.get_by_role("button", name="No longer").click()
    expect(phone.get_by_text("No longer in effect")).to_be_visible()

    # Red from the follower's phone freezes the ritual's countdown.
    phone.goto(today)
    red_button(phone).click()
    phone.goto(today)
    expect(phone.get_by_text("Paused: every clock is stopped.")).to_be_visible()
    frozen = phone.locator('.countdown[data-frozen="1"]').first
    expect(frozen).to_contain_text("paused")
    # The script only moves live clocks; a frozen one has none to move.
    expect(frozen.locator(".countdown-live")).to_have_count(0)
    shot(phone, "5-07-follower-red-frozen")
    context.close()
