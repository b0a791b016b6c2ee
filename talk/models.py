"""Check-ins, matters and decisions, journals and the weekly review.

Privacy lives in the data: every check-in answer carries its own "shared"
flag, and a journal entry is private until its author shares it. Reads for the
partner go through ``queries.py``, which never hands a private answer or entry
to a page.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dynamics.models import Dynamic, Pause

SCALE_FIELDS = ("mood", "energy", "stress", "connection")
TEXT_FIELDS = ("needs", "wants", "note")
ANSWER_FIELDS = SCALE_FIELDS + TEXT_FIELDS


class CheckInPrompt(models.Model):
    """When a person wants to be asked for their daily check-in, in their own zone."""

    dynamic = models.ForeignKey(Dynamic, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # Wall-clock time in the person's time zone (User.time_zone).
    prompt_at = models.TimeField(_("ask me at"))
    enabled = models.BooleanField(_("remind me every day"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dynamic", "user"], name="one_checkin_prompt_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"Check-in prompt at {self.prompt_at:%H:%M}"


def _scale(label: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(label)


class CheckIn(models.Model):
    """One person's check-in for one (local) day; each answer shared or not."""

    dynamic = models.ForeignKey(
        Dynamic, on_delete=models.CASCADE, related_name="checkins"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    mood = _scale(_("mood"))
    energy = _scale(_("energy"))
    stress = _scale(_("stress"))
    connection = _scale(_("feeling of connection"))
    needs = models.TextField(_("what I need"), blank=True)
    wants = models.TextField(_("what I want"), blank=True)
    note = models.TextField(_("note"), blank=True)
    mood_shared = models.BooleanField(default=True)
    energy_shared = models.BooleanField(default=True)
    stress_shared = models.BooleanField(default=True)
    connection_shared = models.BooleanField(default=True)
    needs_shared = models.BooleanField(default=True)
    wants_shared = models.BooleanField(default=True)
    note_shared = models.BooleanField(default=False)
    # Set when the check-in was given during a red pause: it is the aftercare one.
    after_red = models.ForeignKey(
        Pause, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    # The owner's own "last changed", private answers included.
    updated_at = models.DateTimeField()
    # When what the partner sees of it (the shared answers) last changed: the
    # only time the partner is shown, so that a private edit stays unseen.
    shared_updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dynamic", "user", "day"], name="one_checkin_per_person_per_day"
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": 1, f"{name}__lte": 5}),
                    name=f"checkin_{name}_1_to_5",
                )
                for name in SCALE_FIELDS
            ],
        ]
        indexes = [models.Index(fields=["dynamic", "user", "-day"])]

    def __str__(self) -> str:
        return f"Check-in of {self.user_id} on {self.day}"

    @property
    def shares_anything(self) -> bool:
        return any(getattr(self, f"{name}_shared") for name in ANSWER_FIELDS)

    @property
    def shared_answers(self) -> dict[str, object]:
        """Returns the answers the partner sees, by name; private ones are absent."""
        return {
            name: getattr(self, name)
            for name in ANSWER_FIELDS
            if getattr(self, f"{name}_shared")
        }


class Matter(models.Model):
    """Something to settle: both discuss, then it is decided (or answered)."""

    class Kind(models.TextChoices):
        REQUEST = "request", _("Request")
        QUESTION = "question", _("Question")
        DECISION = "decision", _("Decision to make")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DECIDED = "decided", _("Decided")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Answerer(models.TextChoices):
        # The leader decides after discussion; a leader's request outside the
        # delegated domains is the follower's to accept or decline.
        LEADER = "leader", _("The leader decides")
        FOLLOWER = "follower", _("The follower accepts or declines")

    dynamic = models.ForeignKey(
        Dynamic, on_delete=models.CASCADE, related_name="matters"
    )
    kind = models.CharField(max_length=10, choices=Kind)
    title = models.CharField(_("title"), max_length=160)
    body = models.TextField(_("details"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField()
    answered_by = models.CharField(
        max_length=10, choices=Answerer, default=Answerer.LEADER
    )
    domain = models.CharField(_("area of life"), max_length=60, blank=True)
    # What accepting a leader's request does elsewhere, e.g. {"kind": "duty",
    # "duty_id": 7}: the app named by "kind" acts on the answer (see
    # ``talk.services.handle_proposals``).
    proposal = models.JSONField(null=True, blank=True)
    decide_by = models.DateTimeField(_("decide by"), null=True, blank=True)
    state = models.CharField(max_length=10, choices=State, default=State.OPEN)
    decision = models.TextField(_("decision"), blank=True)
    reason = models.TextField(_("reason"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(state="open", closed_at__isnull=True)
                | (~Q(state="open") & Q(closed_at__isnull=False)),
                name="matter_closed_at_matches_state",
            ),
            models.CheckConstraint(
                # A decision or a refusal always says why.
                condition=~Q(state__in=["decided", "declined"]) | ~Q(reason=""),
                name="matter_outcome_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(decide_by__isnull=True)
                | Q(decide_by__gt=models.F("opened_at")),
                name="matter_decide_by_after_opening",
            ),
        ]
        indexes = [
            models.Index(fields=["dynamic", "state", "-opened_at"]),
            models.Index(fields=["dynamic", "-closed_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN


class MatterComment(models.Model):
    """One contribution to a matter's discussion (markdown)."""

    matter = models.ForeignKey(
        Matter, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("your reply"))
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["matter", "created_at"])]

    def __str__(self) -> str:
        return f"Comment on {self.matter_id}"


class JournalEntryQuerySet(models.QuerySet):
    def visible_to(self, user) -> "JournalEntryQuerySet":
        """Returns the entries ``user`` may see: their own, and shared ones.

        Every read of journal entries starts here, so a private entry can only
        ever reach its author.
        """
        return self.filter(
            Q(author=user) | Q(visibility=JournalEntry.Visibility.SHARED)
        )


class JournalEntry(models.Model):
    """A journal entry. Private: its author alone ever sees it."""

    class Visibility(models.TextChoices):
        PRIVATE = "private", _("Private — only me")
        SHARED = "shared", _("Shared with my partner")

    dynamic = models.ForeignKey(
        Dynamic, on_delete=models.CASCADE, related_name="journal"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    visibility = models.CharField(
        max_length=10, choices=Visibility, default=Visibility.PRIVATE
    )
    prompt = models.CharField(_("prompt"), max_length=120, blank=True)
    title = models.CharField(_("title"), max_length=160, blank=True)
    body = models.TextField(_("entry"))
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    shared_at = models.DateTimeField(null=True, blank=True)

    objects = JournalEntryQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["dynamic", "author", "-created_at"]),
            models.Index(fields=["dynamic", "visibility", "-created_at"]),
        ]
        verbose_name_plural = "journal entries"

    def __str__(self) -> str:
        return f"Journal entry {self.pk}"

    @property
    def is_shared(self) -> bool:
        return self.visibility == self.Visibility.SHARED


class JournalComment(models.Model):
    """The partner's (or the author's) reply to a shared entry."""

    entry = models.ForeignKey(
        JournalEntry, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("your comment"))
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["entry", "created_at"])]

    def __str__(self) -> str:
        return f"Comment on entry {self.entry_id}"


class WeeklyReview(models.Model):
    """The shared weekly ritual: a snapshot of the week and both partners' notes."""

    dynamic = models.ForeignKey(
        Dynamic, on_delete=models.CASCADE, related_name="reviews"
    )
    # The first day of the seven reviewed: the day after the review day the
    # agreement names (a Monday with the default Sunday review).
    week_start = models.DateField()
    # What the week looked like, frozen once both have held the review.
    snapshot = models.JSONField(default=dict)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField()
    snapshot_at = models.DateTimeField()
    held_by_leader_at = models.DateTimeField(null=True, blank=True)
    held_by_follower_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dynamic", "week_start"], name="one_review_per_week"
            )
        ]
        indexes = [models.Index(fields=["dynamic", "-week_start"])]

    def __str__(self) -> str:
        return f"Weekly review of {self.week_start}"

    @property
    def week_end(self):
        """Returns the last day reviewed: the review day."""
        return self.week_start + timedelta(days=6)

    @property
    def is_held(self) -> bool:
        return (
            self.held_by_leader_at is not None and self.held_by_follower_at is not None
        )


class ReviewNote(models.Model):
    """What went well, what was hard, what to change: both partners read them."""

    class Kind(models.TextChoices):
        WENT_WELL = "went_well", _("What went well")
        HARD = "hard", _("What was hard")
        CHANGE = "change", _("What to change")

    review = models.ForeignKey(
        WeeklyReview, on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind)
    body = models.TextField(_("note"))
    created_at = models.DateTimeField()
    # A "to change" note turned into a matter points at it.
    matter = models.ForeignKey(
        Matter, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # ... or, turned into a proposed change of the agreement, at the comment it
    # became on the draft (gone with a discarded draft, so it can be proposed
    # again).
    agreement_comment = models.ForeignKey(
        "agreements.Comment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        indexes = [models.Index(fields=["review", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.review_id})"
