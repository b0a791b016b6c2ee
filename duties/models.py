"""Duties (rituals and tasks), their occurrences, and planned time off the clock.

An occurrence's *status* is never stored: ``duties.clock`` computes it from the
timestamps here, the pauses and now. What is stored are facts: when it was
done, when it was ticked and whether that tick came late, the review, and the
outcome once it is settled (on time, late, missed, excused).
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from duties import clock
from dynamics.models import Dynamic, Pause


class PrivateStorage(FileSystemStorage):
    """Proof photos live under MEDIA_ROOT/private and have no public URL.

    They are served only by ``duties.views.proof_photo``, which checks that
    the visitor is one of the two partners. The location follows MEDIA_ROOT
    as it is when used (tests point it elsewhere).
    """

    @property
    def base_location(self) -> str:
        return str(Path(settings.MEDIA_ROOT) / "private")

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    @property
    def base_url(self) -> None:
        return None


private_storage = PrivateStorage()


def proof_path(occurrence: "Occurrence", filename: str) -> str:
    # A random name: the file name says nothing about its content or owner.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"proof/{occurrence.dynamic_id}/{secrets.token_hex(16)}.{ext}"


class Duty(models.Model):
    """Something to do: a ritual (recurring) or a task (once, with a deadline)."""

    class Kind(models.TextChoices):
        RITUAL = "ritual", _("Ritual")
        TASK = "task", _("Task")

    class State(models.TextChoices):
        # Outside delegated domains a duty is a request the follower answers.
        REQUESTED = "requested", _("Asked, awaiting an answer")
        ACTIVE = "active", _("Active")
        DECLINED = "declined", _("Declined")
        RETIRED = "retired", _("Retired")
        # Off the clock for good: it touches a hard limit declared after it
        # was imposed. Its open occurrences are excused, never missed.
        SUSPENDED = "suspended", _("Suspended: it touches a hard limit")

    dynamic = models.ForeignKey(
        Dynamic, on_delete=models.CASCADE, related_name="duties"
    )
    kind = models.CharField(max_length=10, choices=Kind)
    state = models.CharField(max_length=10, choices=State, default=State.ACTIVE)
    title = models.CharField(_("title"), max_length=120)
    instructions = models.TextField(_("instructions"), blank=True)
    # The key of a domain of the agreement (domains are rows per version).
    domain = models.SlugField(_("area of life"), max_length=60)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="duties"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The context of the agreement's rules in which this duty is off the clock
    # (e.g. "the children are home"); blank: always on the clock.
    suspended_when = models.CharField(
        _("off the clock when"), max_length=200, blank=True
    )
    # Imposed by the leader's authority on the follower (not asked and
    # accepted): it stops while that authority has lapsed.
    imposed = models.BooleanField(default=False)
    needs_note = models.BooleanField(_("needs a note as proof"), default=False)
    needs_photo = models.BooleanField(_("needs a photo as proof"), default=False)
    view_once = models.BooleanField(_("photo may be viewed once"), default=False)
    reviewed = models.BooleanField(_("leader reviews it"), default=False)
    # A ritual: an RRULE at a local wall-clock time in the assignee's zone.
    rule = models.CharField(_("recurrence"), max_length=200, blank=True)
    at = models.TimeField(_("time of day"), null=True, blank=True)
    starts_on = models.DateField(_("from"), null=True, blank=True)
    window = models.DurationField(_("open before due"), default=timedelta(hours=1))
    grace = models.DurationField(_("grace after due"), default=timedelta(0))
    # A task: a deadline and an optional earliest start.
    due_at = models.DateTimeField(_("deadline"), null=True, blank=True)
    opens_at = models.DateTimeField(_("earliest start"), null=True, blank=True)
    # A change the follower has been asked to accept (outside delegation).
    pending_change = models.JSONField(null=True, blank=True)
    # The open request (a talk matter) asking the follower to accept this duty
    # or its pending change; they answer it in the matter's thread.
    request = models.ForeignKey(
        "talk.Matter",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    materialised_until = models.DateTimeField(null=True, blank=True)
    # Why and when it was suspended (the hard limit, in words both read).
    suspended_reason = models.CharField(max_length=300, blank=True)
    suspended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "duties"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="ritual", at__isnull=False, starts_on__isnull=False)
                & ~Q(rule="")
                | Q(kind="task", due_at__isnull=False),
                name="duty_kind_has_its_schedule",
            ),
            models.CheckConstraint(
                condition=Q(
                    state__in=[
                        "requested",
                        "active",
                        "declined",
                        "retired",
                        "suspended",
                    ]
                ),
                name="duty_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(opens_at__lte=models.F("due_at")),
                name="task_opens_before_due",
            ),
        ]
        indexes = [models.Index(fields=["dynamic", "state"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_ritual(self) -> bool:
        return self.kind == self.Kind.RITUAL

    @property
    def needs_proof(self) -> bool:
        return self.needs_note or self.needs_photo

    def recurrence(self) -> clock.Recurrence:
        return clock.Recurrence(
            rule=self.rule, starts_on=self.starts_on, at=self.at, window=self.window
        )


class Occurrence(models.Model):
    """One due instance of a duty, materialised ahead of time."""

    class Review(models.TextChoices):
        NONE = "", _("Not reviewed")
        PENDING = "pending", _("Awaiting review")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")

    class Outcome(models.TextChoices):
        OPEN = "", _("Not settled")
        ON_TIME = "on_time", _("Done on time")
        LATE = "late", _("Done late")
        MISSED = "missed", _("Missed")
        EXCUSED = "excused", _("Excused")

    duty = models.ForeignKey(Duty, on_delete=models.CASCADE, related_name="occurrences")
    dynamic = models.ForeignKey(Dynamic, on_delete=models.CASCADE, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    opens_at = models.DateTimeField()
    due_at = models.DateTimeField()
    grace = models.DurationField(default=timedelta(0))
    done_at = models.DateTimeField(null=True, blank=True)
    marked_at = models.DateTimeField(null=True, blank=True)
    # Ticked after the grace had run out ("forgot to tick it"): the leader sees it.
    marked_late = models.BooleanField(default=False)
    proof_note = models.TextField(blank=True)
    proof_photo = models.FileField(
        upload_to=proof_path, storage=private_storage, blank=True, max_length=200
    )
    photo_viewed_at = models.DateTimeField(null=True, blank=True)
    photo_deleted_at = models.DateTimeField(null=True, blank=True)
    review = models.CharField(max_length=10, choices=Review, blank=True, default="")
    review_note = models.TextField(blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome, blank=True, default="")
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["duty", "due_at"], name="one_occurrence_per_duty_and_time"
            ),
            models.CheckConstraint(
                condition=Q(opens_at__lte=models.F("due_at")),
                name="occurrence_opens_before_due",
            ),
            models.CheckConstraint(
                condition=Q(done_at__isnull=True) | Q(marked_at__isnull=False),
                name="occurrence_done_is_marked",
            ),
        ]
        indexes = [
            models.Index(fields=["dynamic", "due_at"]),
            models.Index(fields=["assignee", "due_at"]),
            models.Index(fields=["duty", "-due_at"]),
            models.Index(fields=["dynamic", "review"]),
        ]

    def __str__(self) -> str:
        return f"{self.duty_id} due {self.due_at:%Y-%m-%d %H:%M}"

    def times(self, excusable: bool | None = None) -> clock.OccurrenceTimes:
        """The clock's view of this occurrence (rituals may be excused by pauses)."""
        if excusable is None:
            excusable = self.duty.is_ritual
        return clock.OccurrenceTimes(
            opens_at=self.opens_at,
            due_at=self.due_at,
            grace=self.grace,
            done_at=self.done_at,
            excusable=excusable,
            excused=self.outcome == self.Outcome.EXCUSED,
        )


class ScheduledPause(models.Model):
    """Planned time off the clock: once (from–until) or recurring.

    ``dynamics.Pause`` records pauses that are happening (red, a break, an
    open-ended illness): they change the dynamic's state. A planned pause
    does not: it is a rule that *produces* intervals ("every Sunday 10:00 for
    ten hours", local time in ``zone``, or one stretch of travel), which the
    clock treats exactly like a pause. Keeping it apart means a plan for next
    month never puts the dynamic into the paused state today.

    ``scope`` says whose clocks it stops: everyone's; only the duties linked
    to one of the agreement's rule contexts (``context``, e.g. "the children
    are home"), which may also be switched on now and off later (no
    ``ends_at`` while on); or the leader's imposed duties, for an authority
    lapse the worker saw (the leader away too long: presence keeps no history,
    so the stretch is written down while it happens).
    """

    class Scope(models.TextChoices):
        EVERYONE = "everyone", _("Every clock")
        CONTEXT = "context", _("Duties linked to a context")
        IMPOSED = "imposed", _("The leader's imposed duties (authority lapsed)")

    dynamic = models.ForeignKey(
        Dynamic, on_delete=models.CASCADE, related_name="scheduled_pauses"
    )
    scope = models.CharField(max_length=10, choices=Scope, default=Scope.EVERYONE)
    reason = models.CharField(max_length=10, choices=Pause.Reason, blank=True)
    # For a context window: the context's words as the agreement's rule says them.
    context = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    # Once: starts_at–ends_at. Recurring: rule at local time ``at`` for ``length``.
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    rule = models.CharField(max_length=200, blank=True)
    starts_on = models.DateField(null=True, blank=True)
    at = models.TimeField(null=True, blank=True)
    length = models.DurationField(null=True, blank=True)
    zone = models.CharField(max_length=64, default="UTC")
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(rule="", starts_at__isnull=False)
                    & (
                        Q(ends_at__gt=models.F("starts_at"))
                        # Only a context switched on, or a lapse, is open-ended.
                        | (Q(ends_at__isnull=True) & ~Q(scope="everyone"))
                    )
                )
                | (
                    ~Q(rule="")
                    & Q(
                        starts_on__isnull=False,
                        at__isnull=False,
                        length__gt=timedelta(0),
                    )
                ),
                name="scheduled_pause_once_or_recurring",
            ),
            models.CheckConstraint(
                condition=~Q(reason="red"), name="scheduled_pause_never_red"
            ),
            models.CheckConstraint(
                condition=Q(scope="everyone", context="") & ~Q(reason="")
                | Q(scope="context") & ~Q(context="")
                | Q(scope="imposed", context="", rule=""),
                name="scheduled_pause_scope_fits",
            ),
        ]

    def __str__(self) -> str:
        what = self.context or self.get_reason_display() or self.get_scope_display()
        return f"{what} ({self.rule or self.starts_at})"

    @property
    def is_open_ended(self) -> bool:
        return not self.rule and self.ends_at is None

    def intervals(self, start, end) -> list[clock.Interval]:
        """Returns this plan's pause intervals overlapping [start, end).

        A cancelled plan ends when it was cancelled: the time it had already
        stopped the clocks stays paused, so cancelling never turns what was
        excused then into late or missed."""
        cancelled = self.cancelled_at
        if cancelled is not None:
            end = min(end, cancelled)
            if end <= start:
                return []
        if self.rule:
            found = clock.recurring_intervals(
                self.rule,
                starts_on=self.starts_on,
                at=self.at,
                length=self.length,
                zone=self.zone,
                start=start,
                end=end,
            )
        elif self.starts_at >= end or (
            self.ends_at is not None and self.ends_at <= start
        ):
            return []
        else:
            found = [clock.Interval(self.starts_at, self.ends_at)]
        if cancelled is None:
            return found
        return [
            clock.Interval(
                iv.start, cancelled if iv.end is None else min(iv.end, cancelled)
            )
            for iv in found
            if iv.start < cancelled
        ]


class FeedToken(models.Model):
    """A person's private calendar feed: the URL is the capability.

    Only the token's hash is stored; revoking deletes the row, so the old
    URL stops working at once.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_tokens"
    )
    dynamic = models.ForeignKey(Dynamic, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dynamic"], name="one_feed_per_person_and_dynamic"
            )
        ]

    def __str__(self) -> str:
        return f"Feed of {self.user_id} in {self.dynamic_id}"
