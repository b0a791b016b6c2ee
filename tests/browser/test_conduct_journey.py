"""A missed ritual becomes an incident; the follower reflects; the leader picks
a correction from the agreed menu; it appears on the follower's Today with its
countdown; done there closes the incident.

The miss is found by the duties worker's own job (run twice). Screenshots land
in var/screenshots/7-*.png.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from agreements import services as agreements
from agreements.models import Consequence
from conduct import services as conduct
from conduct.models import Incident
from conftest import PASSWORD
from duties import services as duties
from duties.models import Duty
from duties.tests.factories import ritual_spec
from dynamics import services as dynamics
from tests.browser.helpers import (
    assert_no_horizontal_overflow,
    new_phone,
    shot,
    sign_in,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _signed_agreement(dynamic, leader, follower, now) -> None:
    """The starter agreement with the household delegated and two corrections."""
    draft = agreements.propose_draft(leader, dynamic.pk, start_from="starter", now=now)
    household = draft.domain_set.get(key="household")
    agreements.change_item(
        leader,
        dynamic.pk,
        number=draft.number,
        section="domains",
        item_id=household.pk,
        values={"depth": "delegated"},
        now=now,
    )
    for name, text, tags in (
        ("Early night", "In bed by ten, phone outside the room.", "bedtime"),
        ("Lines", "Write lines on what to keep in mind.", "writing"),
    ):
        agreements.add_item(
            leader,
            dynamic.pk,
            number=draft.number,
            section="consequences",
            values={
                "kind": "correction",
                "name": name,
                "description": text,
                "tags": tags,
            },
            now=now,
        )
    agreements.sign(leader, dynamic.pk, number=draft.number, now=now)
    agreements.sign(follower, dynamic.pk, number=draft.number, now=now)


def _slip(dynamic, person, key: str, title: str, now):
    return conduct.record_slip_from_occurrence(
        dynamic_id=dynamic.pk,
        occurrence_key=key,
        assignee_id=person.pk,
        title=title,
        due_at=now - timedelta(hours=3),
        kind="missed",
        now=now,
    )


@pytest.fixture
def couple(user_factory, dynamic_factory):
    leader, follower = user_factory("Alex"), user_factory("Robin")
    dynamic = dynamic_factory(leader, follower)
    _signed_agreement(dynamic, leader, follower, timezone.now() - timedelta(days=3))
    return dynamic, leader, follower


def slip_duty(slip: Incident) -> int:
    """The id of the duty an incident's repair task runs as."""
    return Incident.objects.get(pk=slip.pk).duty_id


def _missed_ritual(dynamic, leader, now) -> Duty:
    """A weekly ritual of the follower's whose last time was 30 hours ago:
    past the 24 hours in which it could still be ticked, so it is missed."""
    due = (now - timedelta(hours=30)).replace(second=0, microsecond=0)
    return duties.create_duty(
        leader,
        dynamic.pk,
        spec=ritual_spec(
            title="Evening tidy-up",
            rule="FREQ=WEEKLY",
            at=due.time(),
            starts_on=due.date(),
        ),
        now=now - timedelta(hours=48),
    )


def test_missed_ritual_is_reflected_on_corrected_and_closed_by_doing_it(
    live_server, page: Page, browser: Browser, couple
):
    dynamic, leader, follower = couple
    base, now = live_server.url, timezone.now()
    _missed_ritual(dynamic, leader, now)
    # The duties worker's hourly job, twice: it is still one incident.
    for _run in range(2):
        duties.materialise(now=now)
    slip = Incident.objects.get(source="missed", subject=follower)
    assert slip.title == "Evening tidy-up"
    _slip(dynamic, leader, "ritual-8:review", "Sunday review", now)
    assert Incident.objects.count() == 2
    incidents_url = f"{base}/d/{dynamic.pk}/incidents/"

    # The follower sees both partners' slips in one open list.
    sign_in(page, base, follower.email, PASSWORD)
    page.goto(incidents_url)
    open_list = page.locator(
        "section", has=page.get_by_role("heading", name=re.compile("^Open"))
    )
    expect(open_list.get_by_text("Evening tidy-up")).to_be_visible()
    expect(open_list.get_by_text("Sunday review")).to_be_visible()
    assert_no_horizontal_overflow(page)
    shot(page, "7-01-incidents-follower")

    # The follower writes what happened and what they will do differently.
    page.get_by_role("link", name="Evening tidy-up").click()
    expect(page.get_by_role("heading", name="Evening tidy-up")).to_be_visible()
    shot(page, "7-02-incident-before-reflection")
    page.get_by_label("What happened").fill("I lost track of time after dinner.")
    page.get_by_label("What I'll do differently").fill("An alarm at 20:30.")
    page.get_by_role("button", name="Save reflection").click()
    expect(page.get_by_text("Your reflection is saved.")).to_be_visible()
    shot(page, "7-03-reflected")

    # The leader picks a correction from the agreed menu, with something to do.
    context_b, leader_page = new_phone(browser)
    sign_in(leader_page, base, leader.email, PASSWORD)
    leader_page.goto(f"{base}/d/{dynamic.pk}/incidents/{slip.pk}/")
    expect(
        leader_page.get_by_text("I lost track of time after dinner.")
    ).to_be_visible()
    leader_page.get_by_role("radio", name=re.compile("^Lines")).check()
    leader_page.get_by_label("Something to do (optional)").fill("Ten lines on patience")
    # Words of the leader's own are imposed like a duty: in a delegated area.
    leader_page.get_by_label("Area of life of a task in your own words").select_option(
        "household"
    )
    due = timezone.localtime(now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    leader_page.get_by_label("Done by").fill(due)
    assert_no_horizontal_overflow(leader_page)
    shot(leader_page, "7-04-leader-picks-from-menu")
    leader_page.get_by_role("button", name="Give correction").click()
    expect(
        leader_page.get_by_text("Correction given from the agreed menu.")
    ).to_be_visible()
    expect(leader_page.get_by_role("heading", name="Consequence task")).to_be_visible()
    shot(leader_page, "7-05-leader-sees-task")
    # On the leader's list of duties it ends on the incident, not by retiring.
    leader_page.goto(f"{base}/d/{dynamic.pk}/duties/")
    card = leader_page.get_by_role("listitem").filter(has_text="Ten lines on patience")
    expect(card.get_by_role("link", name=f"incident {slip.pk}")).to_be_visible()
    expect(card.get_by_role("link", name="Retire")).to_have_count(0)
    assert_no_horizontal_overflow(leader_page)
    shot(leader_page, "7-05b-leader-duties-repair-task")
    # An old link to retire it says why not, and leads to the incident.
    leader_page.goto(f"{base}/d/{dynamic.pk}/duties/{slip_duty(slip)}/retire/")
    expect(leader_page.get_by_role("button", name="Retire it")).to_have_count(0)
    expect(
        leader_page.get_by_text("To call it off, forgive the incident")
    ).to_be_visible()
    assert_no_horizontal_overflow(leader_page)
    shot(leader_page, "7-05c-leader-retire-refused")

    # The follower sees it as a consequence task, and on Today with its
    # countdown; ticking it there closes the incident.
    page.goto(incidents_url)
    expect(page.get_by_text(re.compile("to do by"))).to_be_visible()
    shot(page, "7-06-list-with-task")
    page.get_by_role("link", name="Evening tidy-up").click()
    expect(page.get_by_text("Ten lines on patience")).to_be_visible()
    expect(page.get_by_text("with its countdown")).to_be_visible()
    shot(page, "7-07-task-follower")
    page.get_by_role("link", name="Today", exact=True).last.click()
    you = page.get_by_role("region", name="You")
    expect(you.get_by_text("Ten lines on patience")).to_be_visible()
    # The task says what it is for and leads back to its incident.
    expect(you.get_by_role("link", name=f"Repair: incident {slip.pk}")).to_be_visible()
    expect(you.locator(".countdown-live").first).to_have_text(re.compile(r"left$"))
    assert_no_horizontal_overflow(page)
    shot(page, "7-08-task-on-today")
    page.get_by_role("button", name="Mark “Ten lines on patience” done").click()
    expect(page.get_by_text("Done. Well done.")).to_be_visible()
    assert Incident.objects.get(pk=slip.pk).state == Incident.State.RESOLVED
    page.goto(f"{incidents_url}{slip.pk}/")
    expect(
        page.get_by_role("heading", name="Resolved: consequence from the menu")
    ).to_be_visible()
    shot(page, "7-09-resolved")

    page.goto(incidents_url)
    resolved = page.locator("section", has=page.get_by_role("heading", name="Resolved"))
    expect(resolved.get_by_text("Evening tidy-up")).to_be_visible()
    shot(page, "7-10-list-after")
    page.get_by_role("link", name="Ledger and streaks").click()
    expect(page.get_by_role("heading", name="Ledger and streaks")).to_be_visible()
    assert_no_horizontal_overflow(page)
    shot(page, "7-10b-ledger")
    context_b.close()


def test_leader_is_told_why_not_now_and_offered_later_or_forgive(
    live_server, page: Page, couple
):
    dynamic, leader, follower = couple
    now = timezone.now()
    slip = _slip(dynamic, follower, "ritual-3:x", "Morning stretches", now)
    conduct.reflect(
        follower,
        dynamic.pk,
        slip.pk,
        what_happened="Slept badly.",
        differently="Bed earlier.",
        now=now,
    )
    dynamics.pause_dynamic(follower, dynamic.pk, reason="illness", now=now)
    sign_in(page, live_server.url, leader.email, PASSWORD)
    page.goto(f"{live_server.url}/d/{dynamic.pk}/incidents/{slip.pk}/")
    expect(
        page.get_by_text("no correction is given while the clocks are stopped")
    ).to_be_visible()
    expect(page.get_by_text("Schedule it for later", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Forgive")).to_be_visible()
    assert_no_horizontal_overflow(page)
    shot(page, "7-11-care-not-now")
    page.get_by_label("A word of forgiveness").fill("Get well first.")
    page.get_by_role("button", name="Forgive").click()
    expect(page.get_by_role("heading", name="Resolved: forgiven")).to_be_visible()
    shot(page, "7-12-forgiven")


def test_follower_raises_the_leaders_missed_promise_and_the_leader_makes_it_right(
    live_server, page: Page, browser: Browser, couple
):
    dynamic, leader, follower = couple
    base = live_server.url

    # The follower raises it, and proposes a way to make such slips right.
    sign_in(page, base, follower.email, PASSWORD)
    page.goto(f"{base}/d/{dynamic.pk}/incidents/")
    page.get_by_role("link", name="Note something").click()
    page.get_by_label("The leader missed a promise").check()
    page.get_by_label("My partner").check()
    page.get_by_label("What happened, in a few words").fill("Friday evening cancelled")
    assert_no_horizontal_overflow(page)
    shot(page, "7-13-report-missed-promise")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Friday evening cancelled")).to_be_visible()
    page.goto(f"{base}/d/{dynamic.pk}/make-it-right/")
    page.get_by_label("What the leader would do to make a slip right").fill(
        "Plan the next date"
    )
    page.get_by_role("button", name="Propose").click()
    expect(page.get_by_text("Waiting for your partner to agree")).to_be_visible()

    # The leader agrees to the item, reflects, apologises and makes it right.
    context_b, leader_page = new_phone(browser)
    sign_in(leader_page, base, leader.email, PASSWORD)
    leader_page.goto(f"{base}/d/{dynamic.pk}/make-it-right/")
    leader_page.get_by_role("button", name="Agree").click()
    expect(leader_page.get_by_text("Agreed by both", exact=True)).to_be_visible()
    shot(leader_page, "7-14-make-it-right-list")
    leader_page.goto(f"{base}/d/{dynamic.pk}/incidents/")
    leader_page.get_by_role("link", name="Friday evening cancelled").click()
    expect(leader_page.get_by_text("Give correction")).to_have_count(0)
    leader_page.get_by_label("What happened").fill("Work ran over; I didn't call.")
    leader_page.get_by_label("What I'll do differently").fill("Fridays stay ours.")
    leader_page.get_by_role("button", name="Save reflection").click()
    leader_page.get_by_text("Add my apology").click()
    leader_page.get_by_label("Your apology").fill("I'm sorry I let you down.")
    leader_page.get_by_role("button", name="Attach apology").click()
    expect(leader_page.get_by_text("Your apology is attached.")).to_be_visible()
    leader_page.get_by_role("radio", name="Plan the next date").check()
    shot(leader_page, "7-15-leader-makes-it-right")
    leader_page.get_by_role("button", name="Make it right").click()
    expect(
        leader_page.get_by_role("heading", name="Resolved: made right")
    ).to_be_visible()
    shot(leader_page, "7-16-made-right")
    context_b.close()


def test_private_low_check_in_holds_a_correction_back_without_showing_it(
    live_server, page: Page, couple
):
    from talk import services as talk

    dynamic, leader, follower = couple
    now = timezone.now()
    slip = _slip(dynamic, follower, "ritual-3:y", "Evening walk", now)
    conduct.reflect(
        follower,
        dynamic.pk,
        slip.pk,
        what_happened="Tired.",
        differently="Rest.",
        now=now,
    )
    # Mood shared (3), energy kept private (1): only the engine sees the 1.
    talk.check_in(
        follower,
        dynamic.pk,
        mood=3,
        energy=1,
        stress=3,
        connection=3,
        shared={"mood", "stress", "connection"},
        now=now,
    )
    sign_in(page, live_server.url, leader.email, PASSWORD)
    page.goto(f"{live_server.url}/d/{dynamic.pk}/incidents/{slip.pk}/")
    note = page.get_by_role("note")
    expect(note).to_contain_text("A limit of care applies right now")
    expect(note).not_to_contain_text("energy")
    expect(page.get_by_role("button", name="Give correction")).to_have_count(0)
    assert_no_horizontal_overflow(page)
    shot(page, "7-17-care-private-check-in")


def test_missed_consequence_task_is_raised_for_talk_not_a_new_incident(
    live_server, page: Page, couple
):
    dynamic, leader, follower = couple
    now = timezone.now()
    then = now - timedelta(days=2, hours=12)
    slip = _slip(dynamic, follower, "ritual-3:z", "Morning stretches", then)
    conduct.reflect(
        follower,
        dynamic.pk,
        slip.pk,
        what_happened="Late.",
        differently="Alarm.",
        now=then,
    )
    lines = Consequence.objects.get(version__dynamic=dynamic, name="Lines")
    conduct.give_consequence(
        leader,
        dynamic.pk,
        slip.pk,
        consequence_id=lines.pk,
        task="Ten lines on patience",
        task_domain="household",
        task_due_at=then + timedelta(hours=6),
        now=then,
    )
    duties.materialise(now=now)  # the worker: the task is past its 24 hours
    assert Incident.objects.count() == 1
    sign_in(page, live_server.url, follower.email, PASSWORD)
    page.goto(f"{live_server.url}/d/{dynamic.pk}/incidents/")
    expect(page.get_by_text("the task was not done: talk about it")).to_be_visible()
    page.get_by_role("link", name="Morning stretches").click()
    expect(
        page.get_by_role("heading", name="The repair task was not done")
    ).to_be_visible()
    expect(page.get_by_text("raised again for you to talk about")).to_be_visible()
    assert_no_horizontal_overflow(page)
    shot(page, "7-18-missed-task-raised-for-talk")
