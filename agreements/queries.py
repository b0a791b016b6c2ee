"""Reads for the agreement pages, each in a fixed number of SQL queries."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from agreements import authority
from agreements.models import (
    AgreementVersion,
    Comment,
    Consequence,
    Direction,
    Domain,
    ExplorationAnswer,
    ExplorationItem,
    HardLimit,
    Limit,
    Rule,
    SafewordSettings,
)
from dynamics.models import Dynamic, Membership, Role

REMINDER_DAYS = (14, 3)
Status = AgreementVersion.Status


def _in_force_number(dynamic: Dynamic) -> int | None:
    return (
        dynamic.agreement_versions.filter(in_force_from__isnull=False)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )


def status_of(version: AgreementVersion, in_force_number: int | None) -> str:
    if version.is_draft:
        return Status.DRAFT
    if version.number == in_force_number:
        return Status.IN_FORCE
    return Status.SUPERSEDED


# The agreement's front page ------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """Whether the leader holds authority now, and if not, why."""

    in_force: bool
    lapse: authority.Lapse | None
    paused: bool
    message: str
    leader_away_days: int | None = None


@dataclass(frozen=True)
class Overview:
    me: Membership
    in_force: AgreementVersion | None
    draft: AgreementVersion | None
    standing: Standing
    safewords: SafewordSettings
    version_count: int
    review_in_days: int | None
    # Declared and not lifted by their owner: binding whatever the drafts say.
    hard_limits: list[HardLimit]


def standing_of(dynamic: Dynamic, now: datetime) -> Standing:
    """Returns the dynamic's authority standing now (five queries)."""
    facts = authority.load_facts(dynamic.pk, now)
    lapse = authority.lapse_of(facts, now)
    away = None
    if facts.leader_last_seen is not None:
        away = (
            authority.local_date(now, facts.time_zone) - facts.leader_last_seen
        ).days
    if facts.ended:
        message = _("This dynamic has ended: nobody holds authority.")
    elif facts.paused:
        message = _("Paused: nothing is imposed or asked until you resume.")
    elif lapse is not None:
        message = authority.lapse_message(lapse, facts)
    else:
        message = _("Version %(n)s is in force, until its review on %(date)s.") % {
            "n": facts.version_number,
            "date": date_format(facts.review_on, "j F Y") if facts.review_on else "",
        }
    return Standing(
        in_force=lapse is None and not facts.paused and not facts.ended,
        lapse=lapse,
        paused=facts.paused,
        message=message,
        leader_away_days=away,
    )


def overview(me: Membership, now: datetime) -> Overview:
    """Returns what the agreement's front page shows, in eleven queries."""
    dynamic = me.dynamic
    versions = dynamic.agreement_versions.select_related(
        "leader_signer", "follower_signer"
    ).order_by("-number")
    in_force = versions.filter(in_force_from__isnull=False).first()
    draft = versions.filter(in_force_from__isnull=True).first()
    safewords = SafewordSettings.objects.filter(dynamic=dynamic).first()
    return Overview(
        me=me,
        in_force=in_force,
        draft=draft,
        standing=standing_of(dynamic, now),
        safewords=safewords or SafewordSettings(dynamic=dynamic),
        version_count=versions.count(),
        review_in_days=(in_force.review_on - now.date()).days if in_force else None,
        hard_limits=list(dynamic.hard_limits.filter(lifted_at=None)),
    )


# One version -------------------------------------------------------------------


@dataclass
class Item:
    """One thing in a version with the comments on it."""

    obj: object
    comments: list[Comment] = field(default_factory=list)


@dataclass(frozen=True)
class Signature:
    role: str
    title: str
    name: str
    signed_at: datetime | None


@dataclass(frozen=True)
class VersionPage:
    me: Membership
    version: AgreementVersion
    status: str
    domains: list[Item]
    rules_by_domain: list[tuple[Domain, list[Item]]]
    my_limits: list[Item]
    partner_limits: list[Item]
    rewards: list[Item]
    corrections: list[Item]
    general_comments: list[Comment]
    signatures: list[Signature]
    i_signed: bool
    partner_signed: bool
    versions: list[AgreementVersion]
    # The person's "hard limit" answers on the exploration list, offered to
    # them alone for the draft.
    proposed_limits: list = field(default_factory=list)

    @property
    def leader_limits(self) -> list[Item]:
        return self.my_limits if self.me.is_leader else self.partner_limits

    @property
    def follower_limits(self) -> list[Item]:
        return self.partner_limits if self.me.is_leader else self.my_limits


def _signatures(version: AgreementVersion, dynamic: Dynamic) -> list[Signature]:
    signatures = []
    for role, signer, at in (
        (Role.LEADER, version.leader_signer, version.leader_signed_at),
        (Role.FOLLOWER, version.follower_signer, version.follower_signed_at),
    ):
        if signer is not None:
            name = signer.display_name
        elif at is not None:
            name = _("former %(role)s") % {"role": Role(role).label.lower()}
        else:
            name = ""
        signatures.append(Signature(role, dynamic.title_for(role), name, at))
    return signatures


def version_page(me: Membership, number: int) -> VersionPage | None:
    """Returns one version with its contents and comments, in nine queries."""
    dynamic = me.dynamic
    versions = list(
        dynamic.agreement_versions.select_related(
            "leader_signer", "follower_signer"
        ).order_by("-number")
    )
    version = next((v for v in versions if v.number == number), None)
    if version is None:
        return None
    in_force = next((v.number for v in versions if v.is_signed), None)
    comments: dict[tuple[str, int | None], list[Comment]] = defaultdict(list)
    for comment in version.comments.select_related("author"):
        comments[(comment.section, comment.item_id)].append(comment)

    def items(section: str, rows) -> list[Item]:
        return [Item(row, comments.get((section, row.pk), [])) for row in rows]

    domains = list(version.domain_set.all())
    rules = list(version.rule_set.all())
    by_domain: dict[int, list[Rule]] = defaultdict(list)
    for rule in rules:
        by_domain[rule.domain_id].append(rule)
    limits = list(version.limit_set.all())
    consequences = list(version.consequence_set.all())
    return VersionPage(
        me=me,
        version=version,
        status=status_of(version, in_force),
        domains=items("domains", domains),
        rules_by_domain=[
            (d, items("rules", by_domain[d.pk])) for d in domains if by_domain[d.pk]
        ],
        my_limits=items("limits", [x for x in limits if x.owner_role == me.role]),
        partner_limits=items("limits", [x for x in limits if x.owner_role != me.role]),
        rewards=items(
            "consequences",
            [c for c in consequences if c.kind == Consequence.Kind.REWARD],
        ),
        corrections=items(
            "consequences",
            [c for c in consequences if c.kind == Consequence.Kind.CORRECTION],
        ),
        general_comments=comments.get(("general", None), []),
        signatures=_signatures(version, dynamic),
        i_signed=version.signed_at(me.role) is not None,
        partner_signed=version.signed_at(Role(me.role).other) is not None,
        versions=versions,
        proposed_limits=my_hard_limit_ideas(me, version),
    )


def item_of(me: Membership, number: int, section: str, item_id: int):
    """Returns one thing of a version of the dynamic, or None."""
    model = SECTION_MODELS.get(section)
    if model is None:
        return None
    return model.objects.filter(
        version__dynamic=me.dynamic, version__number=number, pk=item_id
    ).first()


SECTION_MODELS = {
    "domains": Domain,
    "rules": Rule,
    "limits": Limit,
    "consequences": Consequence,
}


# History -----------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryRow:
    version: AgreementVersion
    status: str
    signatures: list[Signature]
    superseded_at: datetime | None


def history(dynamic: Dynamic) -> list[HistoryRow]:
    """Returns every version, newest first, with who signed when (one query)."""
    versions = list(
        dynamic.agreement_versions.select_related(
            "leader_signer", "follower_signer"
        ).order_by("-number")
    )
    in_force = next((v.number for v in versions if v.is_signed), None)
    rows, next_signed = [], None
    for version in versions:
        rows.append(
            HistoryRow(
                version=version,
                status=status_of(version, in_force),
                signatures=_signatures(version, dynamic),
                superseded_at=next_signed.in_force_from
                if version.is_signed and next_signed
                else None,
            )
        )
        if version.is_signed:
            next_signed = version
    return rows


# Comparing two versions -----------------------------------------------------------

ADDED, REMOVED, CHANGED, SAME = "added", "removed", "changed", "same"


@dataclass(frozen=True)
class Line:
    label: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class Difference:
    change: str
    title: str
    lines: list[Line]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    differences: list[Difference]

    @property
    def changes(self) -> int:
        return sum(1 for d in self.differences if d.change != SAME)


@dataclass(frozen=True)
class Comparison:
    older: AgreementVersion
    newer: AgreementVersion
    sections: list[Section]

    @property
    def changes(self) -> int:
        return sum(s.changes for s in self.sections)


def _fields(obj, dynamic: Dynamic) -> tuple[str, list[tuple[str, str]]]:
    """Returns a thing's title and its fields as (label, text) for comparing."""
    if isinstance(obj, Domain):
        return str(obj.name), [(_("Depth"), obj.get_depth_display())]
    if isinstance(obj, Rule):
        return obj.text, [
            (_("Area"), str(obj.domain.name)),
            (_("Rule"), obj.text),
            (_("Not in force when"), obj.suspended_when),
            (_("Tags"), obj.tags),
        ]
    if isinstance(obj, Limit):
        return obj.text, [
            (_("Whose"), dynamic.title_for(obj.owner_role)),
            (_("Kind"), obj.get_kind_display()),
            (_("Limit"), obj.text),
            (_("Tags"), obj.tags),
        ]
    return obj.name, [
        (_("Kind"), obj.get_kind_display()),
        (_("Name"), obj.name),
        (_("Description"), obj.description),
        (_("Size"), obj.get_size_display()),
        (_("Tags"), obj.tags),
    ]


def _compare_rows(old_rows, new_rows, key, dynamic: Dynamic) -> list[Difference]:
    old = {key(r): r for r in old_rows}
    new = {key(r): r for r in new_rows}
    differences = []
    for k, row in new.items():
        title, after = _fields(row, dynamic)
        if k not in old:
            lines = [Line(label, "", value) for label, value in after if value]
            differences.append(Difference(ADDED, title, lines))
            continue
        _title, before = _fields(old[k], dynamic)
        lines = [
            Line(label, b, a)
            for (label, b), (_label, a) in zip(before, after, strict=True)
        ]
        change = CHANGED if any(line.changed for line in lines) else SAME
        differences.append(Difference(change, title, lines))
    for k, row in old.items():
        if k not in new:
            title, before = _fields(row, dynamic)
            lines = [Line(label, value, "") for label, value in before if value]
            differences.append(Difference(REMOVED, title, lines))
    order = {CHANGED: 0, ADDED: 1, REMOVED: 2, SAME: 3}
    return sorted(differences, key=lambda d: order[d.change])


def compare(dynamic: Dynamic, a: int, b: int) -> Comparison | None:
    """Returns the differences between two versions, per section (nine queries)."""
    pair = {
        v.number: v
        for v in dynamic.agreement_versions.filter(number__in=[a, b]).order_by("number")
    }
    if a not in pair or b not in pair:
        return None
    older, newer = pair[min(a, b)], pair[max(a, b)]
    ids = [older.pk, newer.pk]

    def split(rows):
        return [r for r in rows if r.version_id == older.pk], [
            r for r in rows if r.version_id == newer.pk
        ]

    domains = split(Domain.objects.filter(version_id__in=ids))
    rules = split(Rule.objects.filter(version_id__in=ids).select_related("domain"))
    limits = split(Limit.objects.filter(version_id__in=ids))
    consequences = split(Consequence.objects.filter(version_id__in=ids))

    general_lines = [
        Line(_("Review date"), str(older.review_on), str(newer.review_on)),
        Line(
            _("Leader away for more than (days)"),
            str(older.absence_days),
            str(newer.absence_days),
        ),
        Line(
            _("Proof photos deleted after (days)"),
            str(older.proof_retention_days),
            str(newer.proof_retention_days),
        ),
        Line(
            _("Titles and protocols"),
            older.titles_and_protocols,
            newer.titles_and_protocols,
        ),
        Line(
            _("Weekly review"),
            str(older.weekly_review_label),
            str(newer.weekly_review_label),
        ),
    ]
    general = Difference(
        CHANGED if any(line.changed for line in general_lines) else SAME,
        _("Review, absence, proof and titles"),
        general_lines,
    )

    def lineage(r):
        return r.lineage

    return Comparison(
        older=older,
        newer=newer,
        sections=[
            Section("general", _("General"), [general]),
            Section(
                "domains",
                _("Areas of life"),
                _compare_rows(*domains, lambda d: d.key, dynamic),
            ),
            Section("rules", _("Rules"), _compare_rows(*rules, lineage, dynamic)),
            Section("limits", _("Limits"), _compare_rows(*limits, lineage, dynamic)),
            Section(
                "consequences",
                _("Rewards and corrections"),
                _compare_rows(*consequences, lineage, dynamic),
            ),
        ],
    )


def default_pair(dynamic: Dynamic) -> tuple[int, int] | None:
    """Returns the two latest version numbers, or None with fewer than two."""
    numbers = list(
        dynamic.agreement_versions.order_by("-number").values_list("number", flat=True)[
            :2
        ]
    )
    return (numbers[1], numbers[0]) if len(numbers) == 2 else None


# Reminders -------------------------------------------------------------------------


def reviews_due_for_reminder(now: datetime) -> list[tuple[AgreementVersion, int]]:
    """Returns the versions in force whose review is 14 or 3 days away.

    Each comes with the number of days before its review. Days are counted on
    the UTC calendar; the sender decides how to word and deliver them, and
    must keep its own record so that a reminder goes out once.
    """
    today = now.date()
    dates = {today + timedelta(days=d): d for d in REMINDER_DAYS}
    newer_signed = AgreementVersion.objects.filter(
        dynamic=OuterRef("dynamic"),
        in_force_from__isnull=False,
        number__gt=OuterRef("number"),
    )
    versions = (
        AgreementVersion.objects.filter(
            in_force_from__isnull=False, in_force_from__lte=now, review_on__in=dates
        )
        .exclude(dynamic__state=Dynamic.State.ENDED)
        .exclude(Exists(newer_signed))
        .select_related("dynamic")
        .order_by("review_on", "dynamic_id")
    )
    return [(v, dates[v.review_on]) for v in versions]


def leaders_absent(now: datetime) -> list[tuple[Dynamic, date]]:
    """Returns active dynamics whose authority lapsed because the leader is away.

    For the notify issue: the follower is to be told.
    """
    result = []
    for membership in Membership.objects.filter(
        role=Role.LEADER, dynamic__state=Dynamic.State.ACTIVE
    ).select_related("dynamic", "user__presence"):
        facts_lapse = authority.lapse_of(
            authority.load_facts(membership.dynamic_id, now), now
        )
        if facts_lapse is authority.Lapse.LEADER_ABSENT:
            presence = getattr(membership.user, "presence", None)
            seen = presence.last_seen_on if presence else membership.joined_at.date()
            result.append((membership.dynamic, seen))
    return result


# The exploration list ------------------------------------------------------------

SHARED_ANSWERS = (ExplorationAnswer.Answer.YES, ExplorationAnswer.Answer.MAYBE)


@dataclass(frozen=True)
class IdeaRow:
    item: ExplorationItem
    answers: dict[str, str]  # direction -> the person's own answer

    @property
    def answer_list(self) -> list[tuple[str, str]]:
        """Returns (direction label, answer label) in the item's direction order."""
        labels = dict(ExplorationAnswer.Answer.choices)
        return [
            (Direction(d).label, labels[self.answers[d]])
            for d in self.item.directions
            if d in self.answers
        ]


@dataclass(frozen=True)
class IdeaGroup:
    name: str
    rows: list[IdeaRow]

    @property
    def answered(self) -> int:
        return sum(1 for row in self.rows if row.answers)


@dataclass(frozen=True)
class ExplorationList:
    groups: list[IdeaGroup]
    answered: int
    total: int


def exploration_items(dynamic: Dynamic):
    return ExplorationItem.objects.filter(
        Q(dynamic__isnull=True) | Q(dynamic=dynamic)
    ).order_by("id")


def my_exploration(me: Membership) -> ExplorationList:
    """Returns every idea with the person's own answers (two queries)."""
    mine: dict[int, dict[str, str]] = defaultdict(dict)
    for item_id, direction, answer in ExplorationAnswer.objects.filter(
        dynamic=me.dynamic, user=me.user
    ).values_list("item_id", "direction", "answer"):
        mine[item_id][direction] = answer
    groups: dict[str, list[IdeaRow]] = {}
    items = list(exploration_items(me.dynamic))
    for item in items:
        groups.setdefault(item.group, []).append(IdeaRow(item, mine.get(item.pk, {})))
    return ExplorationList(
        groups=[IdeaGroup(name, rows) for name, rows in groups.items()],
        answered=sum(1 for item in items if item.pk in mine),
        total=len(items),
    )


@dataclass(frozen=True)
class Match:
    item: ExplorationItem
    my_direction: str
    my_answer: str
    partner_direction: str
    partner_answer: str

    @property
    def both_yes(self) -> bool:
        return self.my_answer == self.partner_answer == ExplorationAnswer.Answer.YES

    @property
    def my_direction_label(self) -> str:
        return Direction(self.my_direction).label


def exploration_matches(me: Membership) -> list[Match]:
    """Returns the ideas both partners said yes or maybe to, directions matched.

    My "I do it" matches the partner's "done to me", and "together" matches
    "together". Both-yes come first. The partner's other answers are never
    read from the database here (three queries).
    """
    partner = me.partner
    if partner is None:
        return []
    partner_id = partner.user_id
    mine = list(
        ExplorationAnswer.objects.filter(
            dynamic=me.dynamic, user_id=me.user_id, answer__in=SHARED_ANSWERS
        ).select_related("item")
    )
    theirs = {
        (item_id, direction): answer
        for item_id, direction, answer in ExplorationAnswer.objects.filter(
            dynamic=me.dynamic, user_id=partner_id, answer__in=SHARED_ANSWERS
        ).values_list("item_id", "direction", "answer")
    }
    matches = []
    for answer in mine:
        wanted = Direction(answer.direction).complement
        if (partner := theirs.get((answer.item_id, wanted))) is not None:
            matches.append(
                Match(answer.item, answer.direction, answer.answer, wanted, partner)
            )
    return sorted(matches, key=lambda m: (not m.both_yes, m.item.pk, m.my_direction))


def my_hard_limit_ideas(me: Membership, draft: AgreementVersion | None) -> list:
    """Returns the ideas the person called a hard limit that their limits in the
    draft do not hold yet: proposals for the draft, shown to them alone.
    """
    if draft is None or not draft.is_draft:
        return []
    have = {
        text.lower()
        for text in draft.limit_set.filter(owner_role=me.role).values_list(
            "text", flat=True
        )
    }
    items = ExplorationItem.objects.filter(
        answers__dynamic=me.dynamic,
        answers__user_id=me.user_id,
        answers__answer=ExplorationAnswer.Answer.HARD_LIMIT,
    ).distinct()
    return [item for item in items.order_by("id") if item.text.lower() not in have]


def exploration_export(me: Membership) -> dict:
    """Returns what a person's data export holds of the exploration list: their
    own answers and the mutual matches, never the partner's other answers.
    """
    own = [
        {
            "idea": row.item.text,
            "group": row.item.group,
            "direction": direction,
            "answer": answer,
        }
        for group in my_exploration(me).groups
        for row in group.rows
        # Sorted: the answers come in the database's order, which PostgreSQL
        # does not keep stable, and an export must read the same each time.
        for direction, answer in sorted(row.answers.items())
    ]
    together = [
        {
            "idea": m.item.text,
            "my_direction": m.my_direction,
            "partner_direction": m.partner_direction,
            "both_yes": m.both_yes,
        }
        for m in exploration_matches(me)
    ]
    return {"my_answers": own, "together": together}
