from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from notify import crypto


class Channel(models.Model):
    """A way to reach one person: an e-mail address, a push device, an Apprise URL.

    The address itself is a secret (an Apprise URL often holds a token), so it
    is kept encrypted; ``masked`` is what pages show.
    """

    class Kind(models.TextChoices):
        EMAIL = "email", _("E-mail")
        WEBPUSH = "webpush", _("Push to a device")
        APPRISE = "apprise", _("Apprise URL")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channels"
    )
    kind = models.CharField(max_length=10, choices=Kind)
    label = models.CharField(_("name"), max_length=60)
    secret_token = models.TextField(editable=False)
    masked = models.CharField(max_length=120)
    created_at = models.DateTimeField()
    # Off: kept, but nothing is sent to it until its owner turns it on again.
    enabled = models.BooleanField(_("on"), default=True)
    # The account's own confirmed e-mail address: made when it is confirmed,
    # and it follows a change of the primary address.
    follows_account = models.BooleanField(default=False, editable=False)
    # The outcome of the last attempt, shown to the owner so a broken channel
    # is noticed before it matters.
    last_ok = models.BooleanField(null=True)
    last_error = models.CharField(max_length=300, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["email", "webpush", "apprise"]),
                name="channel_kind_valid",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(follows_account=True),
                name="one_account_email_channel",
            ),
        ]
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.masked}"

    @property
    def secret(self) -> str:
        """The address in clear; raises crypto.Unreadable if the key changed."""
        return crypto.decrypt(self.secret_token)

    @secret.setter
    def secret(self, value: str) -> None:
        self.secret_token = crypto.encrypt(value)


class Preferences(models.Model):
    """When a person wants to be reached, and how early before something is due."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notify_preferences",
    )
    quiet_from = models.TimeField(_("quiet from"), null=True, blank=True)
    quiet_until = models.TimeField(_("quiet until"), null=True, blank=True)
    lead_minutes = models.PositiveSmallIntegerField(
        _("remind me this many minutes before something is due"), default=30
    )
    # Kind → "off", "inbox" or "all"; a kind not named has its default
    # (notify.messages.DEFAULT_LEVELS).
    kinds = models.JSONField(default=dict, blank=True)
    # When the person said no to Now's offer to turn on push on a device: it
    # is offered once (notify.now).
    push_offer_dismissed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "preferences"
        constraints = [
            models.CheckConstraint(
                condition=Q(quiet_from__isnull=True, quiet_until__isnull=True)
                | Q(quiet_from__isnull=False, quiet_until__isnull=False),
                name="quiet_hours_both_or_neither",
            ),
            models.CheckConstraint(
                condition=Q(lead_minutes__lte=10080), name="lead_at_most_a_week"
            ),
        ]

    def __str__(self) -> str:
        return f"Notification preferences of {self.user_id}"

    @property
    def has_quiet_hours(self) -> bool:
        return self.quiet_from is not None and self.quiet_until is not None


class Notification(models.Model):
    """One thing a person is told about; its channels' deliveries are in Outbox.

    The words are rendered when sent and when shown, from ``kind`` and
    ``context``, so discreet mode applies to what is on screen now.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(max_length=30)
    context = models.JSONField(default=dict)
    urgent = models.BooleanField(default=False)
    # Given by the event: the same key for the same person never notifies twice.
    dedupe_key = models.CharField(max_length=160)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"], name="one_notification_per_key"
            )
        ]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}"


class Outbox(models.Model):
    """One delivery of a notification to one channel.

    Claimed with a conditional UPDATE (pending → sending) by the deliver task;
    a row left in ``sending`` past its lease is reclaimed, so a worker that
    dies mid-way loses nothing.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, related_name="deliveries"
    )
    key = models.CharField(max_length=200, unique=True)
    state = models.CharField(max_length=10, choices=State, default=State.PENDING)
    urgent = models.BooleanField(default=False)
    # Not before: quiet hours and retry backoff move it later.
    due_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    # The title as it went out (the e-mail's subject), shown on the channel.
    subject = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name_plural = "outbox"
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["pending", "sending", "sent", "failed"]),
                name="outbox_state_valid",
            ),
            models.CheckConstraint(
                condition=~Q(state="sending") | Q(lease_until__isnull=False),
                name="outbox_sending_has_lease",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "due_at"]),
            models.Index(fields=["state", "lease_until"]),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.state})"


class VapidKey(models.Model):
    """The instance's Web Push identity, generated once on first use."""

    # Always 1: there is one key pair per instance.
    singleton = models.PositiveSmallIntegerField(default=1, unique=True)
    private_token = models.TextField(editable=False)
    public_key = models.CharField(max_length=120)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(singleton=1), name="vapid_key_singleton")
        ]

    def __str__(self) -> str:
        return "VAPID key"

    @property
    def private_pem(self) -> str:
        return crypto.decrypt(self.private_token)


class PeriodicSlot(models.Model):
    """A minute that the periodic tick has run; the unique key makes ticks idempotent.

    Two ticks for the same minute (a second chain, a retried task) race to
    insert the row: one wins and works, the other stops.
    """

    name = models.CharField(max_length=40)
    slot = models.DateTimeField()
    ran_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "slot"], name="one_tick_per_slot")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.slot:%Y-%m-%d %H:%M}"
