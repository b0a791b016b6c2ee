"""What the partner did reaches the other partner: once, in their words.

Each act the partner should know of (issue 18) notifies the other partner,
never the actor, with one dedupe key per fact; discreet people get the
neutral wording on the wire; per-kind levels and quiet hours are respected,
red excepted.
"""

from datetime import UTC, datetime, time, timedelta

import pytest

from agreements import services as agreements
from agreements.models import Consequence
from conduct import services as conduct
from duties import services as duties
from duties.tests.factories import sign_agreement, task_spec
from dynamics import services as dynamics
from instep.errors import Refused
from notify import delivery, messages, services
from notify.models import Notification, Outbox
from talk import services as talk
from talk.reminders import remind_matters

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=5)


@pytest.fixture
def agreed(dynamic, leader, follower):
    sign_agreement(dynamic, leader, follower, depths={"household": "full"}, now=NOW)
    Notification.objects.all().delete()  # the set-up's own drafts and signatures
    return dynamic


def _slip(d, leader, follower):
    return conduct.report_incident(
        leader, d.pk, source="broken_rule", about="partner", title="Late to bed",
        now=NOW,
    )  # fmt: skip


def _draft(d, leader, follower):
    return agreements.propose_draft(leader, d.pk, now=NOW)


# Each act: (kind, who acts, who hears, the act). Earlier steps an act needs
# run at NOW; the act itself runs at LATER, and only what it sent is counted.
def draft_to_sign(d, leader, follower):
    _draft(d, leader, follower)


def draft_changed(d, leader, follower):
    v = _draft(d, leader, follower)
    agreements.sign(follower, d.pk, number=v.number, now=NOW)
    Notification.objects.all().delete()
    agreements.update_draft(
        leader, d.pk, number=v.number, review_on=v.review_on,
        absence_days=v.absence_days + 1, titles_and_protocols="", now=LATER,
    )  # fmt: skip


def signature_given(d, leader, follower):
    v = _draft(d, leader, follower)
    Notification.objects.all().delete()
    agreements.sign(leader, d.pk, number=v.number, now=LATER)


def duty_assigned(d, leader, follower):
    duties.create_duty(leader, d.pk, spec=task_spec(NOW + timedelta(days=2)), now=LATER)


def duty_changed(d, leader, follower):
    duty = duties.create_duty(
        leader, d.pk, spec=task_spec(NOW + timedelta(days=2)), now=NOW
    )
    Notification.objects.all().delete()
    duties.change_duty(
        leader, d.pk, duty.pk,
        spec=task_spec(NOW + timedelta(days=3), title="Book the dentist, Monday"),
        now=LATER,
    )  # fmt: skip


def request_asked(d, leader, follower):
    talk.open_request_from_leader(leader, d.pk, title="Wear the blue", now=LATER)


def request_answered(d, leader, follower):
    m = talk.open_request_from_leader(leader, d.pk, title="Wear the blue", now=NOW)
    Notification.objects.all().delete()
    talk.answer_request(follower, d.pk, m.pk, accept=False, reason="Cold", now=LATER)


def incident_recorded(d, leader, follower):
    conduct.report_incident(
        follower, d.pk, source="broken_rule", about="me", title="Late to bed",
        now=LATER,
    )  # fmt: skip


def reflection_owed(d, leader, follower):
    _slip(d, leader, follower)


def correction_chosen(d, leader, follower):
    incident = _slip(d, leader, follower)
    conduct.reflect(
        follower, d.pk, incident.pk, what_happened="Tired", differently="Alarm",
        now=NOW,
    )  # fmt: skip
    Notification.objects.all().delete()
    item = Consequence.objects.filter(version__dynamic=d, kind="correction")[0]
    conduct.give_consequence(
        leader, d.pk, incident.pk, consequence_id=item.pk, now=LATER
    )


def apology_offered(d, leader, follower):
    incident = _slip(d, leader, follower)
    Notification.objects.all().delete()
    conduct.apologise(follower, d.pk, incident.pk, text="I am sorry", now=LATER)


def matter_opened(d, leader, follower):
    talk.open_matter(follower, d.pk, kind="question", title="Holidays", now=LATER)


def matter_reply(d, leader, follower):
    m = talk.open_matter(follower, d.pk, kind="question", title="Holidays", now=NOW)
    Notification.objects.all().delete()
    talk.comment_on_matter(leader, d.pk, m.pk, body="The sea", now=LATER)


def matter_decided(d, leader, follower):
    m = talk.open_matter(follower, d.pk, kind="question", title="Holidays", now=NOW)
    Notification.objects.all().delete()
    talk.decide_matter(
        leader, d.pk, m.pk, decision="The sea", reason="You love it", now=LATER
    )


def entry_shared(d, leader, follower):
    talk.write_entry(
        follower, d.pk, body="A good week", title="Sunday", visibility="shared",
        now=LATER,
    )  # fmt: skip


def checkin_low(d, leader, follower):
    talk.check_in(
        follower, d.pk, mood=1, energy=3, stress=3, connection=3, shared={"mood"},
        now=LATER,
    )  # fmt: skip


def pause_started(d, leader, follower):
    dynamics.pause_dynamic(follower, d.pk, now=LATER)


def pause_ended(d, leader, follower):
    dynamics.pause_dynamic(follower, d.pk, now=NOW)
    Notification.objects.all().delete()
    dynamics.resume_dynamic(follower, d.pk, now=LATER)


ACTS = {
    "draft_to_sign": (draft_to_sign, "follower"),
    "draft_changed": (draft_changed, "follower"),
    "signature_given": (signature_given, "follower"),
    "duty_assigned": (duty_assigned, "follower"),
    "duty_changed": (duty_changed, "follower"),
    "request_asked": (request_asked, "follower"),
    "request_answered": (request_answered, "leader"),
    "incident_recorded": (incident_recorded, "leader"),
    "reflection_owed": (reflection_owed, "follower"),
    "correction_chosen": (correction_chosen, "follower"),
    "apology_offered": (apology_offered, "leader"),
    "matter_opened": (matter_opened, "leader"),
    "matter_reply": (matter_reply, "follower"),
    "matter_decided": (matter_decided, "follower"),
    "entry_shared": (entry_shared, "leader"),
    "checkin_low": (checkin_low, "leader"),
    "pause_started": (pause_started, "leader"),
    "pause_ended": (pause_ended, "leader"),
}


def test_every_kind_of_act_has_its_case_here():
    told = set(messages.KINDS) - set(ACTS)
    # Reminders from the tick and signals have their own tests.
    assert told == {
        "test", "signal_red", "signal_yellow", "signal_take_lead", "opening",
        "due_soon", "late", "review_needed", "matter_awaiting", "checkin_prompt",
        "weekly_review", "agreement_review", "leader_absent",
    }  # fmt: skip


@pytest.mark.parametrize("kind", sorted(ACTS))
def test_partner_hears_each_act_once_and_the_actor_not_at_all(
    kind, agreed, leader, follower
):
    act, hearer = ACTS[kind]
    people = {"leader": leader, "follower": follower}
    act(agreed, leader, follower)
    told = list(Notification.objects.filter(kind=kind))
    assert [n.user_id for n in told] == [people[hearer].pk]
    # Told once: the same fact raised again is the same key.
    assert Notification.objects.filter(user=people[hearer], kind=kind).count() == 1
    message = messages.render(
        kind, told[0].context, discreet=False, zone_name="UTC", urgent=False, tag=""
    )
    assert message.title and "{{" not in message.body


def test_decision_reaches_the_follower_with_its_reason_on_their_channel(
    agreed, leader, follower, json_receiver
):
    services.add_apprise(follower, url=json_receiver.apprise_url, now=NOW)
    matter_decided(agreed, leader, follower)
    [row] = Outbox.objects.filter(notification__kind="matter_decided")
    assert delivery.deliver_one(row.pk, now=LATER) == "sent"
    [post] = json_receiver.wait_for(1)
    assert post.json["title"] == "Decided: Holidays"
    assert "The sea" in post.json["message"]
    assert "The reason: You love it" in post.json["message"]


def test_discreet_partner_gets_the_act_without_a_telling_word(
    agreed, leader, follower, json_receiver
):
    follower.discreet = True
    follower.save()
    services.add_apprise(follower, url=json_receiver.apprise_url, now=NOW)
    duty_assigned(agreed, leader, follower)
    [row] = Outbox.objects.filter(notification__kind="duty_assigned")
    delivery.deliver_one(row.pk, now=LATER)
    [post] = json_receiver.wait_for(1)
    assert post.json["title"] == "Instep"
    assert "dentist" not in post.body.decode()
    assert "Alex" not in post.body.decode()


def test_opened_matter_is_not_told_again_by_the_tick(agreed, leader, follower):
    matter_opened(agreed, leader, follower)
    remind_matters(LATER + timedelta(minutes=1))
    assert list(Notification.objects.values_list("kind", flat=True)) == [
        "matter_opened"
    ]


def test_private_low_checkin_tells_nobody(agreed, leader, follower):
    talk.check_in(
        follower, agreed.pk, mood=1, energy=1, stress=5, connection=1, shared=(),
        now=LATER,
    )  # fmt: skip
    assert not Notification.objects.exists()


def test_slip_from_the_clock_owes_a_reflection_and_tells_the_leader(
    agreed, leader, follower
):
    conduct.record_slip_from_occurrence(
        dynamic_id=agreed.pk, occurrence_key="o-1", assignee_id=follower.pk,
        title="Evening tidy-up", due_at=NOW - timedelta(hours=1), kind="missed",
        now=NOW,
    )  # fmt: skip
    told = dict(Notification.objects.values_list("user_id", "kind"))
    assert told == {follower.pk: "reflection_owed", leader.pk: "incident_recorded"}


def test_kind_turned_off_is_not_told_and_inbox_only_reaches_no_channel(
    agreed, leader, follower, json_receiver
):
    services.add_apprise(follower, url=json_receiver.apprise_url, now=NOW)
    services.save_preferences(
        follower, quiet_from=None, quiet_until=None, lead_minutes=30,
        kinds={"duty_assigned": "off", "matter_decided": "inbox"},
    )  # fmt: skip
    duty_assigned(agreed, leader, follower)
    matter_decided(agreed, leader, follower)
    assert list(Notification.objects.values_list("kind", flat=True)) == [
        "matter_decided"
    ]
    assert not Outbox.objects.exists()


def test_default_levels_keep_good_to_know_kinds_in_the_inbox(
    agreed, leader, follower, json_receiver
):
    services.add_apprise(leader, url=json_receiver.apprise_url, now=NOW)
    entry_shared(agreed, leader, follower)
    assert Notification.objects.filter(user=leader, kind="entry_shared").exists()
    assert not Outbox.objects.exists()
    pause_started(agreed, leader, follower)
    assert Outbox.objects.filter(notification__kind="pause_started").count() == 1


def test_red_cannot_be_turned_down(agreed, leader, follower, json_receiver):
    services.add_apprise(leader, url=json_receiver.apprise_url, now=NOW)
    with pytest.raises(Refused):
        services.save_preferences(
            leader, quiet_from=None, quiet_until=None, lead_minutes=30,
            kinds={"signal_red": "off"},
        )  # fmt: skip
    dynamics.send_signal(follower, agreed.pk, "red", now=LATER)
    assert Outbox.objects.filter(notification__kind="signal_red").count() == 1


def test_act_in_quiet_hours_waits_for_their_end_and_red_does_not(
    agreed, leader, follower
):
    services.add_email(leader, address="alex@example.org", now=NOW)
    services.save_preferences(
        leader, quiet_from=time(11, 0), quiet_until=time(13, 0), lead_minutes=30
    )
    pause_started(agreed, leader, follower)
    [waiting] = Outbox.objects.filter(notification__kind="pause_started")
    assert waiting.due_at == datetime(2026, 11, 23, 13, 0, tzinfo=UTC)
    dynamics.resume_dynamic(follower, agreed.pk, now=LATER)
    dynamics.send_signal(follower, agreed.pk, "red", now=LATER)
    [red] = Outbox.objects.filter(notification__kind="signal_red")
    assert red.due_at == LATER
