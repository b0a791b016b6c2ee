"""Incidents: slips on either side, moments worth praise, and how each was resolved.

An incident is open until it is resolved. A consequence or a "make it right"
item with something to do keeps it open as a repair task until that is done.
The leader's slips live in the same table and go through the same flow.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dynamics.models import Dynamic, Role


class Incident(models.Model):
    class Source(models.TextChoices):
        LATE = "late", _("Late")
        MISSED = "missed", _("Missed")
        BROKEN_RULE = "broken_rule", _("Broken rule")
        MISSED_PROMISE = "missed_promise", _("Missed promise")
        PRAISE = "praise", _("Praise")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        REPAIR = "repair", _("Repair task open")
        RESOLVED = "resolved", _("Resolved")

    class Resolution(models.TextChoices):
        CONSEQUENCE = "consequence", _("Consequence from the menu")
        MADE_RIGHT = "made_right", _("Made right")
        REWARD = "reward", _("Reward")
        CELEBRATED = "celebrated", _("Celebrated")
        FORGIVEN = "forgiven", _("Forgiven")
        EXCUSED = "excused", _("Excused")

    dynamic = models.ForeignKey(
        Dynamic, on_delete=models.CASCADE, related_name="incidents"
    )
    source = models.CharField(max_length=20, choices=Source)
    # Occurrence slips carry "occurrence:<key>": the unique constraint below
    # makes recording them idempotent, whatever the worker does.
    source_key = models.CharField(max_length=120, blank=True)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject_role = models.CharField(max_length=10, choices=Role)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Owning a slip counts for something: kept even if the account goes.
    self_reported = models.BooleanField(default=False)
    title = models.CharField(_("what"), max_length=200)
    note = models.TextField(_("details (optional)"), blank=True)
    rule = models.ForeignKey(
        "agreements.Rule",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    occurred_at = models.DateTimeField()
    reported_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State, default=State.OPEN)

    reflection_what = models.TextField(_("what happened"), blank=True)
    reflection_next = models.TextField(_("what I'll do differently"), blank=True)
    reflected_at = models.DateTimeField(null=True, blank=True)

    # A correction may be put off, e.g. when care says "not now".
    deferred_until = models.DateTimeField(null=True, blank=True)

    resolution = models.CharField(
        max_length=12, choices=Resolution, blank=True, default=""
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolution_word = models.TextField(_("a word"), blank=True)
    consequence = models.ForeignKey(
        "agreements.Consequence",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    make_it_right = models.ForeignKey(
        "conduct.MakeItRight",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The name as it was chosen: history stays readable if the item goes.
    chosen_name = models.CharField(max_length=120, blank=True)
    chosen_at = models.DateTimeField(null=True, blank=True)

    # The repair task: what is to be done, by when. The duty on the clock is
    # ``duty``; the words and times are kept here so history stays readable.
    task = models.CharField(_("what is to be done"), max_length=200, blank=True)
    task_due_at = models.DateTimeField(null=True, blank=True)
    task_done_at = models.DateTimeField(null=True, blank=True)
    duty = models.OneToOneField(
        "duties.Duty",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incident",
    )
    # The repair task ran out without being done: the incident is open again,
    # raised for the couple to talk about (never a new slip of its own).
    repair_missed_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dynamic", "source_key"],
                condition=~Q(source_key=""),
                name="incident_once_per_source",
            ),
            models.CheckConstraint(
                condition=Q(
                    source__in=[
                        "late",
                        "missed",
                        "broken_rule",
                        "missed_promise",
                        "praise",
                    ]
                ),
                name="incident_source_valid",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["open", "repair", "resolved"]),
                name="incident_state_valid",
            ),
            models.CheckConstraint(
                condition=(
                    Q(state="resolved")
                    & ~Q(resolution="")
                    & Q(resolved_at__isnull=False)
                )
                | (~Q(state="resolved") & Q(resolved_at__isnull=True)),
                name="incident_resolved_has_resolution",
            ),
            models.CheckConstraint(
                condition=~Q(state="repair")
                | (~Q(task="") & Q(task_due_at__isnull=False)),
                name="incident_repair_has_task",
            ),
            models.CheckConstraint(
                condition=~Q(source="missed_promise") | Q(subject_role="leader"),
                name="incident_promises_are_the_leaders",
            ),
        ]
        indexes = [
            models.Index(fields=["dynamic", "state", "-occurred_at"]),
            models.Index(fields=["dynamic", "-resolved_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.title[:60]}"

    @property
    def is_praise(self) -> bool:
        return self.source == self.Source.PRAISE

    @property
    def is_slip(self) -> bool:
        return not self.is_praise

    @property
    def is_open(self) -> bool:
        return self.state != self.State.RESOLVED

    @property
    def in_repair(self) -> bool:
        return self.state == self.State.REPAIR

    @property
    def is_leaders(self) -> bool:
        return self.subject_role == Role.LEADER

    @property
    def repair_missed(self) -> bool:
        return self.repair_missed_at is not None and self.state == self.State.OPEN

    @property
    def has_reflection(self) -> bool:
        return self.reflected_at is not None


class Apology(models.Model):
    """An apology either partner attaches to an incident; one each, editable."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="apologies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_role = models.CharField(max_length=10, choices=Role)
    text = models.TextField(_("your apology"))
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "author_role"], name="one_apology_per_partner"
            )
        ]
        ordering = ["at", "id"]
        verbose_name_plural = "apologies"

    def __str__(self) -> str:
        return f"Apology on incident {self.incident_id}"


class MakeItRight(models.Model):
    """A way for the leader to make a slip right, agreed by both partners.

    Corrections are never imposed on the leader. Instead the couple keeps a
    short list of "make it right" items: either partner proposes one, and it
    can be chosen only once the other partner has agreed to it.
    """

    dynamic = models.ForeignKey(
        Dynamic, on_delete=models.CASCADE, related_name="make_it_right_items"
    )
    name = models.CharField(_("what the leader does to make it right"), max_length=120)
    description = models.TextField(_("details (optional)"), blank=True)
    proposed_by_role = models.CharField(max_length=10, choices=Role)
    proposed_at = models.DateTimeField()
    agreed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["proposed_at", "id"]
        verbose_name = "make-it-right item"

    def __str__(self) -> str:
        return self.name

    @property
    def is_agreed(self) -> bool:
        return self.agreed_at is not None and self.withdrawn_at is None
