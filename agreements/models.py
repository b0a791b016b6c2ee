"""The agreement: versions and what they contain, safeword settings, presence.

A version is a draft until both partners have signed it; from then on it is
immutable. Its status (draft, in force, superseded) is derived, never stored,
so that superseding a version does not have to touch it: the version in force
is the latest one both signed. The database refuses changes to a signed
version and to its contents too (see migration 0002).
"""

import re
import uuid
from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dynamics.models import Dynamic, Role
from instep.errors import Refused

DEFAULT_REVIEW_TIME = time(18, 0)
SIGNED_MESSAGE = _("A signed agreement cannot change. Propose a new draft instead.")

STARTER_DOMAINS: list[tuple[str, str]] = [
    ("schedule", _("Schedule")),
    ("household", _("Household")),
    ("wardrobe", _("Wardrobe")),
    ("health", _("Health and exercise")),
    ("sleep", _("Sleep")),
    ("diet", _("Diet")),
    ("finances", _("Finances")),
    ("social", _("Social")),
    ("intimacy", _("Intimacy")),
    ("communication", _("Communication")),
]

_TAG_SPLIT = re.compile(r"[,;\n]+")
_SPACES = re.compile(r"\s+")


def normalise_tags(value: str) -> str:
    """Returns tags as one lower-case, comma-separated string without repeats."""
    seen: list[str] = []
    for raw in _TAG_SPLIT.split(value or ""):
        tag = _SPACES.sub(" ", raw).strip().lower()
        if tag and tag not in seen:
            seen.append(tag)
    return ", ".join(seen)


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class VersionQuerySet(models.QuerySet):
    def signed(self) -> "VersionQuerySet":
        return self.filter(in_force_from__isnull=False)

    def drafts(self) -> "VersionQuerySet":
        return self.filter(in_force_from__isnull=True)

    def update(self, **kwargs):
        if self.signed().exists():
            raise Refused(str(SIGNED_MESSAGE), code="agreement_signed")
        return super().update(**kwargs)

    def delete(self):
        if self.signed().exists():
            raise Refused(str(SIGNED_MESSAGE), code="agreement_signed")
        return super().delete()


class AgreementVersion(models.Model):
    """One version of a dynamic's agreement."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_FORCE = "in_force", _("In force")
        SUPERSEDED = "superseded", _("Superseded")

    dynamic = models.ForeignKey(
        Dynamic, on_delete=models.CASCADE, related_name="agreement_versions"
    )
    number = models.PositiveIntegerField()
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    review_on = models.DateField(_("review date"))
    absence_days = models.PositiveSmallIntegerField(
        _("authority lapses when the leader is away for more than (days)"), default=14
    )
    titles_and_protocols = models.TextField(
        _("titles and protocols of address"), blank=True
    )
    # The weekly review (talk): a weekday (0 Monday .. 6 Sunday) and a
    # wall-clock time, read in each partner's own time zone. Empty means the
    # default, Sunday at 18:00. Nullable and without a database check, so
    # that adding them is a plain ADD COLUMN: SQLite would rebuild the table
    # otherwise and lose its immutability trigger. The service checks the day.
    weekly_review_day = models.PositiveSmallIntegerField(
        _("weekly review day"), choices=Weekday, null=True, blank=True
    )
    weekly_review_at = models.TimeField(_("weekly review time"), null=True, blank=True)
    # Proof photos of duties are deleted this many days after they were taken.
    proof_retention_days = models.PositiveSmallIntegerField(
        _("proof photos are deleted after (days)"), default=30
    )
    leader_signed_at = models.DateTimeField(null=True, blank=True)
    leader_signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    follower_signed_at = models.DateTimeField(null=True, blank=True)
    follower_signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Set with the second signature: from then on the version never changes.
    in_force_from = models.DateTimeField(null=True, blank=True)

    objects = VersionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dynamic", "number"], name="agreement_version_number_unique"
            ),
            models.UniqueConstraint(
                fields=["dynamic"],
                condition=Q(in_force_from__isnull=True),
                name="one_agreement_draft_per_dynamic",
            ),
            models.CheckConstraint(
                condition=Q(in_force_from__isnull=True)
                | Q(leader_signed_at__isnull=False, follower_signed_at__isnull=False),
                name="agreement_in_force_needs_both_signatures",
            ),
            models.CheckConstraint(
                condition=Q(absence_days__gte=1, absence_days__lte=365),
                name="agreement_absence_days_1_to_365",
            ),
            models.CheckConstraint(
                condition=Q(proof_retention_days__gte=1, proof_retention_days__lte=365),
                name="agreement_proof_retention_1_to_365",
            ),
        ]
        ordering = ["dynamic", "-number"]

    def __str__(self) -> str:
        return f"Agreement version {self.number}"

    def save(self, *args, **kwargs):
        if getattr(self, "_signed_in_db", False):
            raise Refused(str(SIGNED_MESSAGE), code="agreement_signed")
        super().save(*args, **kwargs)
        self._signed_in_db = self.in_force_from is not None

    def delete(self, *args, **kwargs):
        if self.is_signed or getattr(self, "_signed_in_db", False):
            raise Refused(str(SIGNED_MESSAGE), code="agreement_signed")
        return super().delete(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._signed_in_db = instance.in_force_from is not None
        return instance

    @property
    def is_signed(self) -> bool:
        return self.in_force_from is not None

    @property
    def is_draft(self) -> bool:
        return self.in_force_from is None

    @property
    def review_weekday(self) -> int:
        """Returns the weekly review's weekday (0 Monday), Sunday if not chosen."""
        return 6 if self.weekly_review_day is None else self.weekly_review_day

    @property
    def review_time(self):
        """Returns the weekly review's wall-clock time, 18:00 if not chosen."""
        return self.weekly_review_at or DEFAULT_REVIEW_TIME

    @property
    def weekly_review_label(self) -> str:
        """Returns when the weekly review is held, e.g. "Sunday at 18:00"."""
        return _("%(day)s at %(time)s") % {
            "day": Weekday(self.review_weekday).label,
            "time": self.review_time.strftime("%H:%M"),
        }

    def signed_at(self, role: str):
        return self.leader_signed_at if role == Role.LEADER else self.follower_signed_at


class ContentQuerySet(models.QuerySet):
    """Contents of a signed version refuse bulk changes, like the version itself."""

    def _touches_signed(self) -> bool:
        return self.filter(version__in_force_from__isnull=False).exists()

    def update(self, **kwargs):
        if self._touches_signed():
            raise Refused(str(SIGNED_MESSAGE), code="agreement_signed")
        return super().update(**kwargs)

    def delete(self):
        if self._touches_signed():
            raise Refused(str(SIGNED_MESSAGE), code="agreement_signed")
        return super().delete()


class VersionContent(models.Model):
    """Something written in a version. ``lineage`` follows it from draft to draft,
    so that comparing versions can tell a change from a removal plus an addition.
    """

    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE)
    lineage = models.UUIDField(default=uuid.uuid4, editable=False)

    objects = ContentQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._version_is_signed():
            raise Refused(str(SIGNED_MESSAGE), code="agreement_signed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._version_is_signed():
            raise Refused(str(SIGNED_MESSAGE), code="agreement_signed")
        return super().delete(*args, **kwargs)

    def _version_is_signed(self) -> bool:
        return AgreementVersion.objects.filter(
            pk=self.version_id, in_force_from__isnull=False
        ).exists()


class Depth(models.TextChoices):
    ADVISORY = "advisory", _("Advisory — the leader suggests")
    DELEGATED = "delegated", _("Delegated — the leader decides after discussion")
    FULL = "full", _("Full — the leader decides")


class Domain(VersionContent):
    """An area of life the follower delegates, and how far."""

    key = models.SlugField(max_length=60)
    name = models.CharField(_("area of life"), max_length=60)
    depth = models.CharField(
        _("depth"), max_length=10, choices=Depth, default=Depth.ADVISORY
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version", "key"], name="agreement_domain_once_per_version"
            ),
            models.CheckConstraint(
                condition=Q(depth__in=["advisory", "delegated", "full"]),
                name="agreement_domain_depth_valid",
            ),
        ]
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.name)

    @property
    def allows_imposing(self) -> bool:
        return self.depth in (Depth.DELEGATED, Depth.FULL)


class Rule(VersionContent):
    """A standing rule in one domain, and when it does not apply."""

    # The service refuses to remove a domain that still has rules; CASCADE only
    # lets a dynamic be erased with everything in it.
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="rules")
    text = models.TextField(_("rule"))
    suspended_when = models.CharField(
        _("not in force when (optional)"),
        max_length=200,
        blank=True,
        help_text=_('e.g. "not when the children are home", "not at work"'),
    )
    tags = models.CharField(_("tags"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:60]


class Limit(VersionContent):
    """One partner's limit. Both partners see each other's limits."""

    class Kind(models.TextChoices):
        HARD = "hard", _("Hard — never")
        SOFT = "soft", _("Soft — only with a check-in first")
        CURIOUS = "curious", _("Curious — would like to explore")

    owner_role = models.CharField(max_length=10, choices=Role)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    text = models.CharField(_("limit"), max_length=200)
    tags = models.CharField(
        _("tags"),
        max_length=200,
        blank=True,
        help_text=_("Comma-separated words; anything carrying one is refused."),
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["hard", "soft", "curious"]),
                name="agreement_limit_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(owner_role__in=["leader", "follower"]),
                name="agreement_limit_owner_valid",
            ),
        ]
        ordering = ["owner_role", "kind", "id"]

    def __str__(self) -> str:
        return self.text

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split(", ") if t]


class HardLimit(models.Model):
    """A partner's hard limit in a dynamic: their "no", from the moment it is
    declared.

    Drafts come and go; this record does not go with them. Adding a hard limit
    to a draft declares it here at once (no signature needed). Discarding the
    draft, starting a new one or anything the partner does leaves it in place,
    and every new draft carries it. Only its owner lifts it, by changing or
    removing it in a draft (``lifted_at``); a hard limit in the signed version
    still binds until a version without it is signed. ``lineage`` ties it to
    its line in the versions.
    """

    dynamic = models.ForeignKey(
        Dynamic, on_delete=models.CASCADE, related_name="hard_limits"
    )
    lineage = models.UUIDField()
    owner_role = models.CharField(max_length=10, choices=Role)
    text = models.CharField(_("limit"), max_length=200)
    tags = models.CharField(_("tags"), max_length=200)
    declared_at = models.DateTimeField()
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dynamic", "lineage"], name="hard_limit_once_per_lineage"
            ),
            models.CheckConstraint(
                condition=Q(owner_role__in=["leader", "follower"]),
                name="hard_limit_owner_valid",
            ),
        ]
        indexes = [models.Index(fields=["dynamic", "lifted_at"])]
        ordering = ["declared_at", "id"]

    def __str__(self) -> str:
        return self.text

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split(", ") if t]


class Consequence(VersionContent):
    """An agreed reward or correction: only these may be given later."""

    class Kind(models.TextChoices):
        REWARD = "reward", _("Reward")
        CORRECTION = "correction", _("Correction")

    class Size(models.TextChoices):
        SMALL = "small", _("Small")
        MEDIUM = "medium", _("Medium")
        LARGE = "large", _("Large")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    name = models.CharField(_("name"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    size = models.CharField(_("size"), max_length=10, choices=Size, default=Size.SMALL)
    tags = models.CharField(_("tags"), max_length=200, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["reward", "correction"]),
                name="agreement_consequence_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(size__in=["small", "medium", "large"]),
                name="agreement_consequence_size_valid",
            ),
        ]
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return self.name


class Comment(models.Model):
    """A partner's remark on a draft or on one thing in it."""

    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="comments"
    )
    section = models.CharField(max_length=20)
    item_id = models.PositiveBigIntegerField(null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_role = models.CharField(max_length=10, choices=Role)
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["version", "section", "item_id"])]

    def __str__(self) -> str:
        return f"Comment on version {self.version_id}"


class SafewordSettings(models.Model):
    """Signals' words and gestures and aftercare wishes.

    They live outside the signed versions: the follower may change them at any
    time without a new signature, and nothing here can switch a signal off.
    """

    dynamic = models.OneToOneField(
        Dynamic, on_delete=models.CASCADE, related_name="safeword_settings"
    )
    red_word = models.CharField(_("red word"), max_length=60, default="red")
    red_gesture = models.CharField(_("red gesture"), max_length=200, blank=True)
    yellow_word = models.CharField(_("yellow word"), max_length=60, default="yellow")
    yellow_gesture = models.CharField(_("yellow gesture"), max_length=200, blank=True)
    who_is_alerted = models.CharField(
        _("who else is told about a red signal (optional)"),
        max_length=200,
        blank=True,
        help_text=_("Your partner is always told at once."),
    )
    leader_aftercare = models.TextField(_("leader's aftercare wishes"), blank=True)
    follower_aftercare = models.TextField(_("follower's aftercare wishes"), blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name_plural = "safeword settings"

    def __str__(self) -> str:
        return f"Safeword settings of {self.dynamic_id}"


class Presence(models.Model):
    """The last day a person opened Instep.

    A leader away for longer than the agreement allows holds no authority.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="presence"
    )
    last_seen_on = models.DateField()

    def __str__(self) -> str:
        return f"{self.user_id} last seen {self.last_seen_on}"


class Direction(models.TextChoices):
    I_DO = "i_do", _("I do it")
    DONE_TO_ME = "done_to_me", _("It is done to me")
    TOGETHER = "together", _("Together")

    @property
    def complement(self) -> "Direction":
        """Returns the direction the partner's answer must have to match."""
        return {
            Direction.I_DO: Direction.DONE_TO_ME,
            Direction.DONE_TO_ME: Direction.I_DO,
        }.get(self, Direction.TOGETHER)


class ExplorationItem(models.Model):
    """An idea to explore: from Instep's catalogue, or a couple's own."""

    # The catalogue's stable key; empty for an idea a couple added.
    key = models.SlugField(max_length=60, blank=True)
    dynamic = models.ForeignKey(
        Dynamic,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="exploration_items",
    )
    group = models.CharField(max_length=40)
    text = models.CharField(_("idea"), max_length=200)
    directional = models.BooleanField(
        _("can be done by one to the other"),
        default=False,
        help_text=_("Then each of you answers for “I do it” and “done to me”."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=~Q(key=""),
                name="exploration_catalogue_key_unique",
            ),
            models.CheckConstraint(
                condition=Q(key="", dynamic__isnull=False)
                | (~Q(key="") & Q(dynamic__isnull=True)),
                name="exploration_item_catalogue_or_own",
            ),
        ]
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text

    @property
    def directions(self) -> list[Direction]:
        if self.directional:
            return [Direction.I_DO, Direction.DONE_TO_ME, Direction.TOGETHER]
        return [Direction.TOGETHER]


class ExplorationAnswer(models.Model):
    """One partner's private answer to one idea in one direction.

    No row means unanswered, which is never read as "no". Only answers where
    both said yes or maybe, in complementary directions, are ever shown to
    the other partner (see ``queries.exploration_matches``).
    """

    class Answer(models.TextChoices):
        YES = "yes", _("Yes")
        MAYBE = "maybe", _("Maybe")
        NOT_FOR_ME = "not_for_me", _("Not for me")
        HARD_LIMIT = "hard_limit", _("Hard limit")

    dynamic = models.ForeignKey(
        Dynamic, on_delete=models.CASCADE, related_name="exploration_answers"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    item = models.ForeignKey(
        ExplorationItem, on_delete=models.CASCADE, related_name="answers"
    )
    direction = models.CharField(max_length=12, choices=Direction)
    answer = models.CharField(max_length=12, choices=Answer)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dynamic", "user", "item", "direction"],
                name="one_exploration_answer_per_direction",
            ),
            models.CheckConstraint(
                condition=Q(answer__in=["yes", "maybe", "not_for_me", "hard_limit"]),
                name="exploration_answer_valid",
            ),
            models.CheckConstraint(
                condition=Q(direction__in=["i_do", "done_to_me", "together"]),
                name="exploration_direction_valid",
            ),
        ]
        indexes = [models.Index(fields=["dynamic", "answer"])]

    def __str__(self) -> str:
        return f"Answer of {self.user_id} on {self.item_id}"
