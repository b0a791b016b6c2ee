"""Duties' part of Now (``dynamics.now``): what is due for me, what my partner
has due today, the contexts and the authority lapse in effect, proof waiting
for the leader's review, and the first ritual of setting up.

Read from ``duties.queries.today`` (five queries, six for the leader) and one
more for the setup step: a fixed number however long the history.
"""

from datetime import datetime

from django.urls import reverse

from duties import clock, queries
from duties.models import Duty
from dynamics.models import Membership
from dynamics.now import Due, Note, Part, PartnerDue, Step, Waiting

_OPEN = {clock.Status.OPEN, clock.Status.DUE_SOON, clock.Status.LATE}


def part(me: Membership, now: datetime) -> Part:
    today = queries.today(me, now)
    d = me.dynamic_id
    result = Part()
    for day in today.days:
        if day.membership.user_id == me.user_id:
            for row in day.now_rows:
                if not row.may_tick or row.status not in _OPEN:
                    continue
                result.due.append(
                    Due(
                        occurrence_id=row.occ.pk,
                        duty_id=row.duty.pk,
                        title=row.duty.title,
                        status=str(row.status),
                        due_at=row.occ.due_at,
                        deadline=row.deadline or row.occ.due_at,
                        seconds_left=row.countdown.seconds_left,
                        frozen=row.countdown.frozen,
                        late=row.status is clock.Status.LATE,
                        needs_proof=row.duty.needs_proof,
                        needs_photo=row.duty.needs_photo,
                        tick_url=reverse("duties:complete", args=[d, row.occ.pk]),
                        more_url=reverse("duties:complete", args=[d, row.occ.pk]),
                    )
                )
        else:
            local = queries._tz(day.membership.user)
            day_of = now.astimezone(local).date()
            rows = [
                *day.now_rows,
                *(
                    r
                    for r in (*day.later_rows, *day.done_rows)
                    if r.occ.due_at.astimezone(local).date() == day_of
                ),
            ]
            result.partner_due = [
                PartnerDue(r.duty.title, str(r.status), r.occ.due_at) for r in rows
            ]
    for context in today.contexts_now:
        result.notes.append(
            Note(
                "context",
                label=context,
                step="change",
                url=reverse("duties:pauses", args=[d]) + "#contexts",
            )
        )
    if today.lapse_now is not None:
        result.notes.append(
            Note(
                "lapse",
                label=today.lapse_now.label,
                step="agreement",
                url=reverse("agreements:show_agreement", args=[d]),
            )
        )
    if today.review_count:
        result.waiting.append(
            Waiting(
                "proof_to_review",
                f"Proof to review ({today.review_count})",
                reverse("duties:review_queue", args=[d]),
                discreet=f"Items to look at ({today.review_count})",
            )
        )
    has_duty = Duty.objects.filter(dynamic_id=d).exists()
    result.setup.append(
        Step(
            4,
            "first_ritual",
            "Add the first ritual"
            if me.is_leader
            else "Your partner adds the first ritual",
            has_duty,
            reverse("duties:new_duty", args=[d]) if me.is_leader else "",
            mine=me.is_leader,
        )
    )
    return result
