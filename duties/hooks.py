"""What duties tells and asks the apps above it; they register in ``ready()``.

conduct builds on duties (a consequence's task is a duty), so duties never
imports conduct: it calls these hooks (instep/hooks.py), which ConductConfig
fills with its services.
"""

from instep.hooks import Hook

# A late or missed occurrence: ``(*, dynamic_id, occurrence_key, assignee_id,
# title, due_at, kind, now, duty_id)``. conduct records it as an incident,
# once per occurrence key.
slipped = Hook("duties.slipped")

# A task was done (and approved, if reviewed): ``(actor, *, duty_id, done_at,
# now)``. conduct resolves the incident whose repair task it was.
task_done = Hook("duties.task_done")

# Why a duty may not be retired yet: ``(duty_id) -> str | None``. conduct
# keeps an open incident's repair task. The first reason given wins.
retire_blocked = Hook("duties.retire_blocked")


def retire_blocker(duty_id: int) -> str | None:
    """Returns the first reason an upper app gives to keep the duty, or None."""
    return next((reason for reason in retire_blocked(duty_id) if reason), None)
