from functools import cached_property

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from instep.errors import Refused


class Role(models.TextChoices):
    LEADER = "leader", _("Leader")
    FOLLOWER = "follower", _("Follower")

    @property
    def other(self) -> "Role":
        return Role.FOLLOWER if self is Role.LEADER else Role.LEADER


class Dynamic(models.Model):
    """A relationship between exactly one leader and one follower."""

    class State(models.TextChoices):
        FORMING = "forming", _("Forming")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        ENDED = "ended", _("Ended")

    name = models.CharField(_("name"), max_length=80, blank=True)
    state = models.CharField(max_length=10, choices=State, default=State.FORMING)
    leader_title = models.CharField(_("leader's title"), max_length=40)
    follower_title = models.CharField(_("follower's title"), max_length=40)
    created_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["forming", "active", "paused", "ended"]),
                name="dynamic_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(state="ended", ended_at__isnull=False)
                | (~Q(state="ended") & Q(ended_at__isnull=True)),
                name="dynamic_ended_at_matches_state",
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.leader_title} & {self.follower_title}"

    @property
    def is_ended(self) -> bool:
        return self.state == self.State.ENDED

    @property
    def is_paused(self) -> bool:
        return self.state == self.State.PAUSED

    def title_for(self, role: str) -> str:
        return self.leader_title if role == Role.LEADER else self.follower_title


class Membership(models.Model):
    """A person's place in a dynamic: their role decides what they may do."""

    dynamic = models.ForeignKey(
        Dynamic, on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role)
    joined_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dynamic", "role"], name="one_person_per_role"
            ),
            models.UniqueConstraint(
                fields=["dynamic", "user"], name="one_role_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) in {self.dynamic_id}"

    @cached_property
    def couple(self) -> list["Membership"]:
        """Returns the dynamic's members, this one included, follower first, with
        their people and presence. The permission gate fills it in with the
        membership itself, so pages ask for the partner without a query."""
        return list(
            self.dynamic.members.select_related("user", "user__presence").order_by(
                "role"
            )
        )

    @property
    def partner(self) -> "Membership | None":
        """Returns the other member, if anyone has joined yet."""
        return next((m for m in self.couple if m.user_id != self.user_id), None)

    @property
    def is_leader(self) -> bool:
        return self.role == Role.LEADER

    @property
    def is_follower(self) -> bool:
        return self.role == Role.FOLLOWER

    @property
    def title(self) -> str:
        return self.dynamic.title_for(self.role)

    @property
    def partner_title(self) -> str:
        return self.dynamic.title_for(Role(self.role).other)


class Invitation(models.Model):
    """A one-time link that lets the partner join in the other role."""

    dynamic = models.ForeignKey(
        Dynamic, on_delete=models.CASCADE, related_name="invitations"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # Only a hash is kept: a database copy does not let anyone join.
    token_hash = models.CharField(max_length=64, unique=True)
    email = models.EmailField(_("partner's e-mail (optional)"), blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(
        max_length=10, blank=True
    )  # accepted / declined / revoked

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=["", "accepted", "declined", "revoked"]),
                name="invitation_outcome_valid",
            )
        ]

    def __str__(self) -> str:
        return f"Invitation to {self.dynamic_id}"


class Pause(models.Model):
    """An interval in which the dynamic's clocks stop."""

    class Reason(models.TextChoices):
        RED = "red", _("Red signal")
        BREAK = "break", _("A break")
        ILLNESS = "illness", _("Illness")
        FAMILY = "family", _("Family time")
        TRAVEL = "travel", _("Travel")

    dynamic = models.ForeignKey(
        Dynamic, on_delete=models.CASCADE, related_name="pauses"
    )
    reason = models.CharField(max_length=10, choices=Reason)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dynamic"],
                condition=Q(ended_at__isnull=True),
                name="one_open_pause_per_dynamic",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True)
                | Q(ended_at__gte=models.F("started_at")),
                name="pause_ends_after_it_starts",
            ),
        ]
        indexes = [models.Index(fields=["dynamic", "started_at"])]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} from {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    @property
    def needs_both_to_resume(self) -> bool:
        return self.reason == self.Reason.RED


class Signal(models.Model):
    """Red stops everything; yellow asks to slow down; take-the-lead asks for help."""

    class Kind(models.TextChoices):
        RED = "red", _("Red")
        YELLOW = "yellow", _("Yellow")
        TAKE_LEAD = "take_lead", _("Take the lead")

    dynamic = models.ForeignKey(
        Dynamic, on_delete=models.CASCADE, related_name="signals"
    )
    kind = models.CharField(max_length=10, choices=Kind)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    # A key the sender's device chooses, so that a retried request (a phone on
    # a bad network, a watch) never sends the same signal twice.
    idempotency_key = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["dynamic", "acknowledged_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["dynamic", "sent_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="one_signal_per_idempotency_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.sent_at:%Y-%m-%d %H:%M}"


class Aftercare(models.Model):
    """How a partner is after a red signal, and whether they are ready to go on."""

    pause = models.ForeignKey(Pause, on_delete=models.CASCADE, related_name="aftercare")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    feeling = models.PositiveSmallIntegerField(_("how are you (1–5)"))
    note = models.TextField(_("anything you need or want to say"), blank=True)
    ready_to_resume = models.BooleanField(_("I am ready to resume"), default=False)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["pause", "user"], name="one_aftercare_per_person"
            ),
            models.CheckConstraint(
                condition=Q(feeling__gte=1, feeling__lte=5),
                name="aftercare_feeling_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"Aftercare by {self.user_id} for pause {self.pause_id}"


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise Refused("The audit trail is append-only.")

    def delete(self):
        raise Refused("The audit trail is append-only.")


class AuditEntry(models.Model):
    """One act of authority or signal. Rows are only ever added.

    The database refuses updates too (see the migration's triggers); only the
    actor link may be cleared, when that person deletes their account.
    """

    dynamic = models.ForeignKey(Dynamic, on_delete=models.CASCADE, related_name="audit")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_role = models.CharField(max_length=10, choices=Role, blank=True)
    act = models.CharField(max_length=40)
    summary = models.CharField(max_length=200)
    at = models.DateTimeField()

    objects = AuditQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["dynamic", "-at", "-id"])]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.act}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise Refused("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise Refused("The audit trail is append-only.")
