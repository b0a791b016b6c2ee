"""May the leader impose this, in this area of life, at this time?

Authority exists only inside the agreement both partners signed. ``decide`` is
the whole rule, as a function of plain facts (no database): the duties, conduct
and talk apps reach it through ``check`` (which loads the facts for a leader and
raises ``Refused``) and the clock through ``authority_in_force``.

The order of the answers:

1. Refused: the dynamic has ended, has no follower yet or is paused; or the
   thing touches a hard limit of either partner (the message names the limit).
2. Request only (the follower may accept or decline): no signed agreement is in
   force, its review date has passed, the leader has been away longer than
   agreed, or the area of life is not delegated or only advisory.
3. Impose: the area is delegated or fully delegated.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from agreements.reading import as_read
from instep.errors import NotAllowed, Refused


class Outcome(StrEnum):
    IMPOSE = "impose"
    REQUEST_ONLY = "request_only"


class Lapse(StrEnum):
    """Why the dynamic holds no authority at all right now."""

    NONE_SIGNED = "none_signed"
    REVIEW_PASSED = "review_passed"
    LEADER_ABSENT = "leader_absent"


@dataclass(frozen=True)
class LimitFact:
    owner_role: str
    kind: str  # hard, soft or curious
    text: str
    tags: frozenset[str]


@dataclass(frozen=True)
class Facts:
    """What the answer depends on, as it was at one moment."""

    ended: bool = False
    has_follower: bool = True
    paused: bool = False
    version_number: int | None = None
    review_on: date | None = None
    depths: Mapping[str, str] = field(default_factory=dict)
    domain_names: Mapping[str, str] = field(default_factory=dict)
    limits: tuple[LimitFact, ...] = ()
    absence_days: int = 14
    leader_last_seen: date | None = None
    time_zone: str = "UTC"


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    reason: str = ""
    lapse: Lapse | None = None
    # Soft limits the thing touches: allowed only after an explicit check-in.
    check_in_first: tuple[str, ...] = ()

    @property
    def may_impose(self) -> bool:
        return self.outcome is Outcome.IMPOSE

    @property
    def request_only(self) -> bool:
        return self.outcome is Outcome.REQUEST_ONLY


_SPACES = re.compile(r"\s+")


def tags_of(text_or_tags: str | Iterable[str]) -> frozenset[str]:
    """Returns normalised tags: lower case, single spaces, no blanks."""
    values = [text_or_tags] if isinstance(text_or_tags, str) else text_or_tags
    return frozenset(
        tag for v in values if (tag := _SPACES.sub(" ", str(v)).strip().lower())
    )


def touches(limit_tags: frozenset[str], text_or_tags: str | Iterable[str]) -> str:
    """Returns the first limit tag the thing carries, or "".

    Both sides are compared as a reader sees them (``reading.as_read``: NFKC,
    no invisible characters, case folded, confusables reduced to one
    skeleton), so look-alike spellings of a tag still touch it. A string is
    read as text: a tag matches where it stands as whole words ("bed" matches
    "make the bed", not "bedtime"). Anything else is a collection of tags,
    matched whole.
    """
    if isinstance(text_or_tags, str):
        text = as_read(text_or_tags)
        for tag in sorted(limit_tags):
            word = as_read(tag)
            if word and re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text):
                return tag
        return ""
    carried = {as_read(str(t)) for t in text_or_tags} - {""}
    return next((tag for tag in sorted(limit_tags) if as_read(tag) in carried), "")


def local_date(at: datetime, time_zone: str) -> date:
    try:
        return at.astimezone(ZoneInfo(time_zone)).date()
    except (ZoneInfoNotFoundError, ValueError):
        return at.date()


def lapse_of(facts: Facts, at: datetime) -> Lapse | None:
    """Returns why no authority holds at ``at`` (pause aside), or None."""
    if facts.version_number is None:
        return Lapse.NONE_SIGNED
    today = local_date(at, facts.time_zone)
    if facts.review_on is not None and today > facts.review_on:
        return Lapse.REVIEW_PASSED
    if (
        facts.leader_last_seen is not None
        and (today - facts.leader_last_seen).days > facts.absence_days
    ):
        return Lapse.LEADER_ABSENT
    return None


def lapse_message(lapse: Lapse, facts: Facts) -> str:
    return {
        Lapse.NONE_SIGNED: _(
            "No signed agreement is in force yet: until both of you sign one, the "
            "leader can only ask."
        ),
        Lapse.REVIEW_PASSED: _(
            "The agreement's review date (%(date)s) has passed: authority is on "
            "hold until you both sign a renewed version. Until then, only requests."
        )
        % {"date": date_format(facts.review_on, "j F Y") if facts.review_on else ""},
        Lapse.LEADER_ABSENT: _(
            "The leader has not opened Instep for more than %(days)s days: "
            "authority has lapsed until they are back. Until then, only requests."
        )
        % {"days": facts.absence_days},
    }[lapse]


def decide(
    facts: Facts, *, domain: str, text_or_tags: str | Iterable[str], at: datetime
) -> Verdict:
    """Returns whether the leader may impose the thing, or only ask for it.

    Raises ``Refused`` when not even a request is possible.
    """
    if facts.ended:
        raise Refused(_("This dynamic has ended."), code="dynamic_ended")
    if not facts.has_follower:
        raise Refused(_("Your partner has not joined yet."), code="dynamic_forming")
    if facts.paused:
        raise Refused(
            _("The dynamic is paused: nothing is imposed or asked until it resumes."),
            code="dynamic_paused",
        )
    for limit in facts.limits:
        if limit.kind == "hard" and (tag := touches(limit.tags, text_or_tags)):
            whose = (
                _("the follower") if limit.owner_role == "follower" else _("the leader")
            )
            raise Refused(
                _('This touches a hard limit of %(whose)s: "%(limit)s" (%(tag)s).')
                % {"whose": whose, "limit": limit.text, "tag": tag},
                code="hard_limit",
            )
    soft = tuple(
        limit.text
        for limit in facts.limits
        if limit.kind == "soft" and touches(limit.tags, text_or_tags)
    )
    if lapse := lapse_of(facts, at):
        return Verdict(Outcome.REQUEST_ONLY, lapse_message(lapse, facts), lapse, soft)
    depth = facts.depths.get(domain)
    name = facts.domain_names.get(domain, domain)
    if depth is None:
        return Verdict(
            Outcome.REQUEST_ONLY,
            _(
                '"%(domain)s" is not delegated in the agreement: the leader can '
                "only ask, and the follower may decline."
            )
            % {"domain": name},
            check_in_first=soft,
        )
    if depth not in ("delegated", "full"):
        return Verdict(
            Outcome.REQUEST_ONLY,
            _(
                'In "%(domain)s" the leader advises: a suggestion the follower may '
                "take or leave."
            )
            % {"domain": name},
            check_in_first=soft,
        )
    return Verdict(Outcome.IMPOSE, check_in_first=soft)


# Loading the facts from the database -------------------------------------


def load_facts(dynamic_id: int, at: datetime) -> Facts:
    """Returns the facts of the dynamic as they were at ``at``, in five queries."""
    from django.db.models import CharField, Value

    from agreements.models import AgreementVersion, HardLimit, Limit
    from dynamics.models import Membership, Pause

    members = list(
        Membership.objects.filter(dynamic_id=dynamic_id, joined_at__lte=at)
        .select_related("dynamic", "user", "user__presence")
        .order_by("role")
    )
    by_role = {m.role: m for m in members}
    leader, follower = by_role.get("leader"), by_role.get("follower")
    dynamic = members[0].dynamic if members else None
    ended = dynamic is None or (dynamic.ended_at is not None and dynamic.ended_at <= at)
    paused = (
        Pause.objects.filter(dynamic_id=dynamic_id, started_at__lte=at)
        .exclude(ended_at__lte=at)
        .exists()
    )
    version = (
        AgreementVersion.objects.filter(dynamic_id=dynamic_id, in_force_from__lte=at)
        .order_by("-number")
        .first()
    )
    domains = list(version.domain_set.all()) if version else []
    # A hard limit binds from the moment it is declared, whatever becomes of
    # the draft it was declared in (``HardLimit``), and one in the signed
    # version until a version without it is signed. Soft limits come from
    # the version in force and the pending draft.
    # One query: the standing declarations and the lines, as a union.
    fields = ("lineage", "owner_role", "kind", "text", "tags")
    declared = (
        HardLimit.objects.filter(dynamic_id=dynamic_id, declared_at__lte=at)
        .exclude(lifted_at__lte=at)
        .annotate(kind=Value("hard", output_field=CharField()))
        .order_by()
        .values_list(*fields)
    )
    lines = Limit.objects.filter(
        version__dynamic_id=dynamic_id, version__in_force_from__isnull=True, kind="soft"
    )
    if version:
        lines = lines | Limit.objects.filter(version=version, kind__in=["hard", "soft"])
    facts: dict[tuple, LimitFact] = {}
    for lineage, owner_role, kind, text, tags in declared.union(
        lines.order_by().values_list(*fields), all=True
    ):
        facts.setdefault(
            (str(lineage), kind),
            LimitFact(
                owner_role, kind, text, frozenset(t for t in tags.split(", ") if t)
            ),
        )
    limits = tuple(facts.values())
    last_seen = None
    if leader is not None:
        presence = getattr(leader.user, "presence", None)
        last_seen = presence.last_seen_on if presence else leader.joined_at.date()
        if last_seen > at.date():  # seen since; the day in question is unknown
            last_seen = None
    return Facts(
        ended=ended,
        has_follower=follower is not None,
        paused=paused,
        version_number=version.number if version else None,
        review_on=version.review_on if version else None,
        depths={d.key: d.depth for d in domains},
        domain_names={d.key: d.name for d in domains},
        limits=limits,
        absence_days=version.absence_days if version else 14,
        leader_last_seen=last_seen,
        time_zone=follower.user.time_zone if follower else "UTC",
    )


def authority_in_force(dynamic, domain: str, at: datetime) -> bool:
    """Returns whether the leader may decide in ``domain`` at ``at``.

    For the clock: rituals and tasks in a domain pause while this is False.
    """
    dynamic_id = getattr(dynamic, "pk", dynamic)
    try:
        verdict = decide(
            load_facts(dynamic_id, at), domain=domain, text_or_tags=(), at=at
        )
    except Refused:
        return False
    return verdict.may_impose


def check(
    dynamic,
    leader_user,
    *,
    domain: str,
    text_or_tags: str | Iterable[str],
    now: datetime,
) -> Verdict:
    """Returns whether ``leader_user`` may impose the thing now, or only ask.

    Raises ``NotAllowed`` for anyone but the leader, ``Refused`` for the
    cases in the module docstring, and Http404 for a stranger.
    """
    from dynamics.access import Act, require

    dynamic_id = getattr(dynamic, "pk", dynamic)
    require(leader_user, dynamic_id, Act.IMPOSE)
    return decide(
        load_facts(dynamic_id, now), domain=domain, text_or_tags=text_or_tags, at=now
    )


def require_authority(
    dynamic,
    leader_user,
    *,
    domain: str,
    text_or_tags: str | Iterable[str],
    now: datetime,
) -> Verdict:
    """Like ``check``, but refuses a request-only answer with its reason."""
    verdict = check(
        dynamic, leader_user, domain=domain, text_or_tags=text_or_tags, now=now
    )
    if not verdict.may_impose:
        raise NotAllowed(verdict.reason, code="request_only")
    return verdict


def consequence_menu(dynamic, at: datetime) -> list:
    """Returns the rewards and corrections of the version in force at ``at``.

    For the conduct issue: only these may be given. Empty while no signed
    version is in force.
    """
    from agreements.models import AgreementVersion, Consequence

    dynamic_id = getattr(dynamic, "pk", dynamic)
    version = (
        AgreementVersion.objects.filter(dynamic_id=dynamic_id, in_force_from__lte=at)
        .order_by("-number")
        .values_list("pk", flat=True)
        .first()
    )
    if version is None:
        return []
    return list(Consequence.objects.filter(version_id=version))
