"""One of everything the apps keep in a dynamic, for the API's table and fuzz tests."""

from datetime import datetime, timedelta

from accounts.models import User
from agreements import services as agreements
from agreements.models import Consequence
from conduct import services as conduct
from duties import services as duties
from duties.models import Occurrence
from duties.tests.factories import sign_agreement, task_spec
from dynamics.models import Dynamic
from notify import services as notify
from talk import services as talk


def everything(
    dynamic_id: int, leader: User, follower: User, *, at: datetime
) -> dict[str, int]:
    """One of each thing the apps keep in the dynamic, made by the owner: a
    signed agreement and a draft with a rule, a task for the partner, a
    planned pause, a question, a private journal entry, a weekly review with
    a note, the partner's broken rule, a make-it-right item, an e-mail channel,
    two ideas of their own on the exploration list (both partners called one a
    hard limit).
    """
    dynamic = Dynamic.objects.get(pk=dynamic_id)
    version = sign_agreement(
        dynamic,
        leader,
        follower,
        depths={"household": "delegated"},
        rules=[("household", "Quiet evenings", "the children are home")],
        now=at,
    )
    draft = agreements.propose_draft(leader, dynamic_id, now=at)
    domain = draft.domain_set.get(key="household")
    rule = agreements.add_item(
        leader,
        dynamic_id,
        number=draft.number,
        section="rules",
        values={"domain": domain.pk, "text": "Bed by eleven"},
        now=at,
    )
    duty = duties.create_duty(
        leader, dynamic_id, spec=task_spec(at + timedelta(hours=3)), now=at
    )
    plan = duties.schedule_pause(
        leader,
        dynamic_id,
        reason="family",
        starts_at=at + timedelta(days=1),
        ends_at=at + timedelta(days=2),
        now=at,
    )
    review = talk.start_review(leader, dynamic_id, now=at)
    incident = conduct.report_incident(
        leader,
        dynamic_id,
        source="broken_rule",
        about="partner",
        title="Up too late",
        now=at,
    )
    idea = agreements.add_idea(
        leader, dynamic_id, text="Dancing in the kitchen", directional=False, now=at
    )
    limit_idea = agreements.add_idea(
        leader, dynamic_id, text="Anything in public", directional=False, now=at
    )
    for person in (leader, follower):
        agreements.answer_idea(
            person,
            dynamic_id,
            item_id=limit_idea.pk,
            answers={"together": "hard_limit"},
            now=at,
        )
    return {
        "idea_id": idea.pk,
        "limit_idea_id": limit_idea.pk,
        "number": draft.number,
        "section": "rules",
        "domain_id": domain.pk,
        "rule_id": rule.pk,
        "item_id": rule.pk,
        "duty_id": duty.pk,
        "occurrence_id": Occurrence.objects.get(duty=duty).pk,
        "plan_id": plan.pk,
        "matter_id": talk.open_matter(
            leader, dynamic_id, kind="question", title="Where to?", now=at
        ).pk,
        "entry_id": talk.write_entry(leader, dynamic_id, body="Only mine.", now=at).pk,
        "review_id": review.pk,
        "note_id": talk.add_review_note(
            leader, dynamic_id, review.pk, kind="change", body="Earlier", now=at
        ).pk,
        "incident_id": incident.pk,
        "correction_id": Consequence.objects.filter(version=version, kind="correction")
        .first()
        .pk,
        "mir_id": conduct.propose_make_it_right(
            leader, dynamic_id, name="Breakfast in bed", now=at
        ).pk,
        "channel_id": notify.add_email(leader, address="alex@example.org", now=at).pk,
    }
