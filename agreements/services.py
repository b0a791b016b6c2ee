"""Every change to an agreement: drafts, their contents, signatures, comments,
safeword settings and presence.

Each function takes the acting person, asks ``access`` whether they may act,
enforces the agreement's invariants, records acts of authority in the audit
trail and runs in one transaction, so a refusal changes nothing.
"""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from agreements import hooks
from agreements.authority import touches
from agreements.models import (
    STARTER_DOMAINS,
    AgreementVersion,
    Comment,
    Consequence,
    Depth,
    Domain,
    ExplorationAnswer,
    ExplorationItem,
    HardLimit,
    Limit,
    Presence,
    Rule,
    SafewordSettings,
    Weekday,
    normalise_tags,
)
from dynamics import audit
from dynamics.access import Act, require
from dynamics.models import Dynamic, Membership
from instep.errors import NotAllowed, Refused
from notify.events import tell_partner

DEFAULT_REVIEW_DAYS = 90
# Proof photos of duties are kept this long unless the agreement says otherwise
# (the default); never longer than a year.
DEFAULT_PROOF_RETENTION_DAYS = 30
MAX_PROOF_RETENTION_DAYS = 365
OWN_IDEAS = gettext_lazy("Our own ideas")
SECTIONS = ("domains", "rules", "limits", "consequences")
STARTER_CONSEQUENCES = [
    (
        Consequence.Kind.REWARD,
        gettext_lazy("Choose the evening"),
        gettext_lazy("The follower picks what the two of you do tonight."),
        Consequence.Size.SMALL,
    ),
    (
        Consequence.Kind.CORRECTION,
        gettext_lazy("A written reflection"),
        gettext_lazy("A few lines on what happened and what would help next time."),
        Consequence.Size.SMALL,
    ),
]


def _locked_dynamic(dynamic_id: int) -> Dynamic:
    return Dynamic.objects.select_for_update().get(pk=dynamic_id)


def _not_ended(dynamic: Dynamic) -> None:
    if dynamic.is_ended:
        raise Refused(_("This dynamic has ended; its agreement stays as it was."))


def _locked_draft(dynamic_id: int, number: int) -> AgreementVersion:
    """Returns the draft, locked, or refuses: signed versions never change."""
    version = (
        AgreementVersion.objects.select_for_update()
        .filter(dynamic_id=dynamic_id, number=number)
        .first()
    )
    if version is None:
        raise Refused(_("There is no such version of the agreement."))
    if version.is_signed:
        raise Refused(
            _("A signed agreement cannot change. Propose a new draft instead."),
            code="agreement_signed",
        )
    return version


def version_in_force(
    dynamic_id: int, at: datetime | None = None
) -> AgreementVersion | None:
    """Returns the latest version both signed (before ``at``), or None."""
    versions = AgreementVersion.objects.filter(
        dynamic_id=dynamic_id, in_force_from__isnull=False
    )
    if at is not None:
        versions = versions.filter(in_force_from__lte=at)
    return versions.order_by("-number").first()


def _clear_signatures(version: AgreementVersion) -> bool:
    """Clears a signature given to the draft before this edit; returns if any was."""
    if version.leader_signed_at is None and version.follower_signed_at is None:
        return False
    version.leader_signed_at = version.follower_signed_at = None
    version.leader_signer = version.follower_signer = None
    version.save(
        update_fields=[
            "leader_signed_at",
            "follower_signed_at",
            "leader_signer",
            "follower_signer",
        ]
    )
    return True


def _edited(
    version: AgreementVersion, membership: Membership, *, now: datetime
) -> None:
    if _clear_signatures(version):
        audit.record(
            version.dynamic,
            membership.user,
            "agreement_signature_cleared",
            _("Draft %(n)s changed: its signature was cleared") % {"n": version.number},
            at=now,
            membership=membership,
        )
        tell_partner(
            version.dynamic_id,
            membership.user,
            "draft_changed",
            {"number": version.number, "path": _draft_path(version)},
            dedupe_key=f"agreement:{version.pk}:changed:{now.isoformat()}",
            now=now,
        )


def _draft_path(version: AgreementVersion) -> str:
    return f"/d/{version.dynamic_id}/agreement/v/{version.number}/"


# Drafts ------------------------------------------------------------------


@transaction.atomic
def propose_draft(
    actor: User,
    dynamic_id: int,
    *,
    start_from: str = "current",
    now: datetime,
) -> AgreementVersion:
    """Creates the dynamic's one open draft, from the version in force or the
    starter template (``start_from`` "current" or "starter").
    """
    membership = require(actor, dynamic_id, Act.PROPOSE_AGREEMENT)
    dynamic = _locked_dynamic(dynamic_id)
    _not_ended(dynamic)
    if dynamic.agreement_versions.filter(in_force_from__isnull=True).exists():
        raise Refused(
            _("There is already a draft. Work on it together, or discard it first."),
            code="draft_exists",
        )
    current = version_in_force(dynamic_id)
    if start_from not in ("current", "starter"):
        raise Refused(_("Choose where the draft starts from."), field="start_from")
    if start_from == "current" and current is None:
        start_from = "starter"
    number = (dynamic.agreement_versions.aggregate(n=Max("number"))["n"] or 0) + 1
    review_on = (now + timedelta(days=DEFAULT_REVIEW_DAYS)).date()
    if start_from == "current":
        review_on = max(review_on, current.review_on)
    version = AgreementVersion.objects.create(
        dynamic=dynamic,
        number=number,
        based_on=current if start_from == "current" else None,
        proposed_by=actor,
        created_at=now,
        review_on=review_on,
        absence_days=current.absence_days if start_from == "current" else 14,
        proof_retention_days=current.proof_retention_days
        if start_from == "current"
        else DEFAULT_PROOF_RETENTION_DAYS,
        titles_and_protocols=current.titles_and_protocols
        if start_from == "current"
        else "",
        weekly_review_day=current.weekly_review_day
        if start_from == "current"
        else None,
        weekly_review_at=current.weekly_review_at if start_from == "current" else None,
    )
    if start_from == "current":
        _copy_contents(current, version)
    else:
        Domain.objects.bulk_create(
            Domain(version=version, key=key, name=str(name), depth=Depth.ADVISORY)
            for key, name in STARTER_DOMAINS
        )
        Consequence.objects.bulk_create(
            Consequence(
                version=version,
                kind=kind,
                name=str(name),
                description=str(text),
                size=size,
            )
            for kind, name, text, size in STARTER_CONSEQUENCES
        )
    _carry_hard_limits(version)
    audit.record(
        dynamic,
        actor,
        "agreement_draft_proposed",
        _("Agreement draft %(n)s proposed") % {"n": number},
        at=now,
        membership=membership,
    )
    tell_partner(
        dynamic_id,
        actor,
        "draft_to_sign",
        {"number": number, "path": _draft_path(version)},
        dedupe_key=f"agreement:{version.pk}:draft",
        now=now,
    )
    return version


def _copy_contents(source: AgreementVersion, target: AgreementVersion) -> None:
    domains = {}
    for d in source.domain_set.all():
        domains[d.pk] = Domain.objects.create(
            version=target, lineage=d.lineage, key=d.key, name=d.name, depth=d.depth
        )
    Rule.objects.bulk_create(
        Rule(
            version=target,
            lineage=r.lineage,
            domain=domains[r.domain_id],
            text=r.text,
            suspended_when=r.suspended_when,
            tags=r.tags,
        )
        for r in source.rule_set.all()
    )
    Limit.objects.bulk_create(
        Limit(
            version=target,
            lineage=lim.lineage,
            owner_role=lim.owner_role,
            kind=lim.kind,
            text=lim.text,
            tags=lim.tags,
        )
        for lim in source.limit_set.all()
    )
    Consequence.objects.bulk_create(
        Consequence(
            version=target,
            lineage=c.lineage,
            kind=c.kind,
            name=c.name,
            description=c.description,
            size=c.size,
            tags=c.tags,
        )
        for c in source.consequence_set.all()
    )


# Hard limits outlive drafts ------------------------------------------------


def standing_hard_limits(dynamic_id: int) -> list[HardLimit]:
    """Returns the hard limits declared in the dynamic and not lifted by their
    owner, whatever became of the drafts they were declared in."""
    return list(HardLimit.objects.filter(dynamic_id=dynamic_id, lifted_at=None))


def _carry_hard_limits(version: AgreementVersion) -> None:
    """Makes the new draft's hard limit lines say what was declared: a limit
    declared in a discarded draft, or missing from the starter template, is
    written into it, so signing it never drops a standing hard limit."""
    lines = {lim.lineage: lim for lim in version.limit_set.all()}
    for record in standing_hard_limits(version.dynamic_id):
        line = lines.get(record.lineage)
        if line is None:
            Limit.objects.create(
                version=version,
                lineage=record.lineage,
                owner_role=record.owner_role,
                kind=Limit.Kind.HARD,
                text=record.text,
                tags=record.tags,
            )
        elif (line.kind, line.text, line.tags) != (
            Limit.Kind.HARD,
            record.text,
            record.tags,
        ):
            line.kind, line.text, line.tags = Limit.Kind.HARD, record.text, record.tags
            line.save(update_fields=["kind", "text", "tags"])


def _declare(limit: Limit, actor: User, *, now: datetime) -> None:
    """Records the owner's limit line as it now stands: a hard one is declared
    (or its words updated) at once; one that is no longer hard is lifted."""
    dynamic_id = limit.version.dynamic_id
    record = (
        HardLimit.objects.select_for_update()
        .filter(dynamic_id=dynamic_id, lineage=limit.lineage)
        .first()
    )
    if limit.kind != Limit.Kind.HARD:
        if record is not None and record.lifted_at is None:
            record.lifted_at = now
            record.save(update_fields=["lifted_at"])
        return
    if record is not None and (record.text, record.tags, record.lifted_at) == (
        limit.text,
        limit.tags,
        None,
    ):
        return
    if record is None:
        record = HardLimit(dynamic_id=dynamic_id, lineage=limit.lineage)
    record.owner_role, record.text, record.tags = (
        limit.owner_role,
        limit.text,
        limit.tags,
    )
    record.declared_at, record.lifted_at = now, None
    record.save()
    hooks.hard_limit_declared(record, actor=actor, now=now)


def _lift(limit: Limit, *, now: datetime) -> None:
    """The owner removed their limit line: its record is lifted."""
    HardLimit.objects.filter(
        dynamic_id=limit.version.dynamic_id, lineage=limit.lineage, lifted_at=None
    ).update(lifted_at=now)


@transaction.atomic
def discard_draft(actor: User, dynamic_id: int, *, number: int, now: datetime) -> None:
    """Deletes the open draft with everything in it. Hard limits declared in it
    stay declared (``HardLimit``): only their owner lifts them."""
    membership = require(actor, dynamic_id, Act.PROPOSE_AGREEMENT)
    version = _locked_draft(dynamic_id, number)
    version.comments.all().delete()
    Rule.objects.filter(version=version).delete()
    version.delete()
    audit.record(
        membership.dynamic,
        actor,
        "agreement_draft_discarded",
        _("Agreement draft %(n)s discarded") % {"n": number},
        at=now,
        membership=membership,
    )


@transaction.atomic
def update_draft(
    actor: User,
    dynamic_id: int,
    *,
    number: int,
    review_on: date,
    absence_days: int,
    titles_and_protocols: str,
    weekly_review_day: int | None = None,
    weekly_review_at: time | None = None,
    proof_retention_days: int | None = None,
    now: datetime,
) -> AgreementVersion:
    """Changes the draft's review date, absence days, titles, weekly review day
    and time (None: Sunday, 18:00) and how long proof photos are kept
    (unchanged when None); clears a signature."""
    membership = require(actor, dynamic_id, Act.EDIT_AGREEMENT)
    version = _locked_draft(dynamic_id, number)
    if review_on <= now.date():
        raise Refused(_("The review date must lie in the future."), field="review_on")
    if not 1 <= absence_days <= 365:
        raise Refused(_("Choose from 1 to 365 days."), field="absence_days")
    if proof_retention_days is not None:
        if not 1 <= proof_retention_days <= MAX_PROOF_RETENTION_DAYS:
            raise Refused(
                _("Keep proof photos from 1 to %(max)s days.")
                % {"max": MAX_PROOF_RETENTION_DAYS},
                field="proof_retention_days",
            )
        version.proof_retention_days = proof_retention_days
    version.review_on = review_on
    version.absence_days = absence_days
    if weekly_review_day is not None and weekly_review_day not in Weekday.values:
        raise Refused(_("Choose a day of the week."), field="weekly_review_day")
    version.titles_and_protocols = titles_and_protocols.strip()
    version.weekly_review_day = weekly_review_day
    version.weekly_review_at = weekly_review_at
    version.save(
        update_fields=[
            "review_on",
            "absence_days",
            "titles_and_protocols",
            "weekly_review_day",
            "weekly_review_at",
            "proof_retention_days",
        ]
    )
    _edited(version, membership, now=now)
    return version


# Contents of a draft -------------------------------------------------------


def _hard_limits(version: AgreementVersion) -> list[Limit]:
    return [lim for lim in version.limit_set.filter(kind=Limit.Kind.HARD) if lim.tags]


def _refuse_hard_limit(version: AgreementVersion, *texts: str, tags: str) -> None:
    """Refuses a rule or consequence that touches a hard limit in the draft."""
    for lim in _hard_limits(version):
        limit_tags = frozenset(lim.tag_list)
        carried = [t for t in tags.split(", ") if t]
        tag = touches(limit_tags, carried) or next(
            (found for text in texts if (found := touches(limit_tags, text))), ""
        )
        if tag:
            raise Refused(
                _('This touches a hard limit: "%(limit)s" (%(tag)s).')
                % {"limit": lim.text, "tag": tag},
                code="hard_limit",
            )


def _domain_fields(version, membership, item, values) -> dict[str, Any]:
    name = (values.get("name") or "").strip()
    depth = values.get("depth") or Depth.ADVISORY
    if depth not in Depth.values:
        raise Refused(_("Choose how far this area is delegated."), field="depth")
    fields: dict[str, Any] = {"depth": depth}
    if item is None:
        key = values.get("key") or ""
        starter = dict(STARTER_DOMAINS)
        if key in starter:
            name = name or str(starter[key])
        else:
            if not name:
                raise Refused(_("Name the area of life."), field="name")
            key = f"custom-{slugify(name)[:50]}" if slugify(name) else ""
            if not key:
                raise Refused(_("Name the area of life in letters."), field="name")
        if version.domain_set.filter(key=key).exists():
            raise Refused(_("This area of life is already in the draft."), field="key")
        fields.update(key=key, name=name[:60])
    elif name:
        fields["name"] = name[:60]
    return fields


def _rule_fields(version, membership, item, values) -> dict[str, Any]:
    text = (values.get("text") or "").strip()
    if not text:
        raise Refused(_("Write the rule."), field="text")
    domain = version.domain_set.filter(pk=values.get("domain")).first()
    if domain is None:
        raise Refused(
            _("Choose the area of life this rule belongs to."), field="domain"
        )
    suspended = (values.get("suspended_when") or "").strip()[:200]
    tags = normalise_tags(values.get("tags") or "")
    _refuse_hard_limit(version, text, suspended, tags=tags)
    return {"text": text, "domain": domain, "suspended_when": suspended, "tags": tags}


def _limit_fields(version, membership, item, values) -> dict[str, Any]:
    if item is not None and item.owner_role != membership.role:
        raise NotAllowed(
            _("Only your partner can change their own limits."), code="not_own_limit"
        )
    text = (values.get("text") or "").strip()[:200]
    kind = values.get("kind")
    if not text:
        raise Refused(_("Describe the limit."), field="text")
    if kind not in Limit.Kind.values:
        raise Refused(_("Choose hard, soft or curious."), field="kind")
    tags = normalise_tags(values.get("tags") or "")
    if kind == Limit.Kind.HARD and not tags:
        # A hard limit is enforced by its tags; its own words are the first tag.
        tags = normalise_tags(text)
    return {"owner_role": membership.role, "kind": kind, "text": text, "tags": tags}


def _consequence_fields(version, membership, item, values) -> dict[str, Any]:
    name = (values.get("name") or "").strip()[:80]
    kind = values.get("kind")
    size = values.get("size") or Consequence.Size.SMALL
    if not name:
        raise Refused(_("Name the reward or correction."), field="name")
    if kind not in Consequence.Kind.values:
        raise Refused(_("Choose reward or correction."), field="kind")
    if size not in Consequence.Size.values:
        raise Refused(_("Choose a size."), field="size")
    description = (values.get("description") or "").strip()
    tags = normalise_tags(values.get("tags") or "")
    _refuse_hard_limit(version, name, description, tags=tags)
    return {
        "kind": kind,
        "name": name,
        "description": description,
        "size": size,
        "tags": tags,
    }


_SECTIONS = {
    "domains": (Domain, _domain_fields),
    "rules": (Rule, _rule_fields),
    "limits": (Limit, _limit_fields),
    "consequences": (Consequence, _consequence_fields),
}


def _section(section: str):
    if section not in _SECTIONS:
        raise Refused(_("There is no such part of the agreement."))
    return _SECTIONS[section]


@transaction.atomic
def add_item(
    actor: User,
    dynamic_id: int,
    *,
    number: int,
    section: str,
    values: dict[str, Any],
    now: datetime,
):
    """Adds a domain, rule, limit or consequence to the draft; clears a signature.

    A limit is always the actor's own.
    """
    membership = require(actor, dynamic_id, Act.EDIT_AGREEMENT)
    model, fields_for = _section(section)
    version = _locked_draft(dynamic_id, number)
    item = model.objects.create(
        version=version, **fields_for(version, membership, None, values)
    )
    if isinstance(item, Limit):
        _declare(item, actor, now=now)
    _edited(version, membership, now=now)
    return item


@transaction.atomic
def change_item(
    actor: User,
    dynamic_id: int,
    *,
    number: int,
    section: str,
    item_id: int,
    values: dict[str, Any],
    now: datetime,
):
    """Changes one thing in the draft; clears a signature.

    Limits only by their owner.
    """
    membership = require(actor, dynamic_id, Act.EDIT_AGREEMENT)
    model, fields_for = _section(section)
    version = _locked_draft(dynamic_id, number)
    item = model.objects.filter(version=version, pk=item_id).first()
    if item is None:
        raise Refused(_("This is no longer in the draft."))
    for name, value in fields_for(version, membership, item, values).items():
        setattr(item, name, value)
    item.save()
    if isinstance(item, Limit):
        _declare(item, actor, now=now)
    _edited(version, membership, now=now)
    return item


@transaction.atomic
def remove_item(
    actor: User,
    dynamic_id: int,
    *,
    number: int,
    section: str,
    item_id: int,
    now: datetime,
) -> None:
    """Removes one thing from the draft; clears a signature. Limits only by their
    owner; an area of life only once it has no rules.
    """
    membership = require(actor, dynamic_id, Act.EDIT_AGREEMENT)
    model, _fields = _section(section)
    version = _locked_draft(dynamic_id, number)
    item = model.objects.filter(version=version, pk=item_id).first()
    if item is None:
        raise Refused(_("This is no longer in the draft."))
    if isinstance(item, Limit) and item.owner_role != membership.role:
        raise NotAllowed(
            _("Only your partner can remove their own limits."), code="not_own_limit"
        )
    if isinstance(item, Domain) and item.rules.exists():
        raise Refused(
            _("This area of life still has rules. Move or remove them first."),
            code="domain_has_rules",
        )
    version.comments.filter(section=section, item_id=item_id).delete()
    if isinstance(item, Limit):
        _lift(item, now=now)
    item.delete()
    _edited(version, membership, now=now)


# Signing -----------------------------------------------------------------


def _problems(version: AgreementVersion) -> list[str]:
    """Returns why the draft cannot be signed as it stands."""
    problems = []
    if version.review_on is None:
        problems.append(_("Set a review date."))
    for rule in version.rule_set.all():
        try:
            _refuse_hard_limit(version, rule.text, rule.suspended_when, tags=rule.tags)
        except Refused as refusal:
            problems.append(_("A rule: %(m)s") % {"m": refusal.message})
    for consequence in version.consequence_set.all():
        try:
            _refuse_hard_limit(
                version,
                consequence.name,
                consequence.description,
                tags=consequence.tags,
            )
        except Refused as refusal:
            problems.append(_("A consequence: %(m)s") % {"m": refusal.message})
    return problems


@transaction.atomic
def sign(actor: User, dynamic_id: int, *, number: int, now: datetime):
    """Signs the draft for the actor's role. With both signatures it comes into
    force at once and the version before it is superseded.
    """
    membership = require(actor, dynamic_id, Act.SIGN_AGREEMENT)
    dynamic = _locked_dynamic(dynamic_id)
    _not_ended(dynamic)
    version = _locked_draft(dynamic_id, number)
    if dynamic.state == Dynamic.State.FORMING:
        raise Refused(_("Your partner has to join before either of you signs."))
    if version.review_on <= now.date():
        raise Refused(
            _("The review date has already passed. Set a new one first."),
            field="review_on",
        )
    if problems := _problems(version):
        raise Refused(" ".join(problems), code="draft_conflicts")
    if version.signed_at(membership.role) is not None:
        raise Refused(_("You have already signed this draft."), code="already_signed")
    if membership.is_leader:
        version.leader_signed_at, version.leader_signer = now, actor
    else:
        version.follower_signed_at, version.follower_signer = now, actor
    both = (
        version.leader_signed_at is not None and version.follower_signed_at is not None
    )
    if both:
        version.in_force_from = now
    version.save()
    audit.record(
        dynamic,
        actor,
        "agreement_signed",
        _("Agreement version %(n)s signed") % {"n": number},
        at=now,
        membership=membership,
    )
    if both:
        audit.record(
            dynamic,
            None,
            "agreement_in_force",
            _("Agreement version %(n)s is in force: both partners signed")
            % {"n": number},
            at=now,
        )
    tell_partner(
        dynamic_id,
        actor,
        "signature_given",
        {"number": number, "in_force": both, "path": _draft_path(version)},
        dedupe_key=f"agreement:{version.pk}:signed:{actor.pk}:{now.isoformat()}",
        now=now,
    )
    return version


# Comments ----------------------------------------------------------------


@transaction.atomic
def add_comment(
    actor: User,
    dynamic_id: int,
    *,
    number: int,
    section: str = "general",
    item_id: int | None = None,
    text: str,
    now: datetime,
) -> Comment:
    """Adds a remark to the draft, on the whole or on one thing in it."""
    membership = require(actor, dynamic_id, Act.COMMENT_AGREEMENT)
    version = _locked_draft(dynamic_id, number)
    text = text.strip()
    if not text:
        raise Refused(_("Write your comment."), field="text")
    if section != "general":
        model, _fields = _section(section)
        if not model.objects.filter(version=version, pk=item_id).exists():
            raise Refused(_("This is no longer in the draft."))
    else:
        item_id = None
    return Comment.objects.create(
        version=version,
        section=section,
        item_id=item_id,
        author=actor,
        author_role=membership.role,
        text=text[:2000],
        created_at=now,
    )


# Safeword settings ---------------------------------------------------------

FOLLOWER_FIELDS = (
    "red_word",
    "red_gesture",
    "yellow_word",
    "yellow_gesture",
    "who_is_alerted",
    "leader_aftercare",
    "follower_aftercare",
)
LEADER_FIELDS = ("leader_aftercare",)


def safeword_settings(dynamic: Dynamic) -> SafewordSettings:
    """Returns the dynamic's settings, with the defaults if none were saved."""
    return SafewordSettings.objects.filter(dynamic=dynamic).first() or (
        SafewordSettings(dynamic=dynamic)
    )


@transaction.atomic
def update_safewords(
    actor: User, dynamic_id: int, *, values: dict[str, str], now: datetime
) -> SafewordSettings:
    """Saves safeword settings without a signature. The follower may change all
    of them at any time; the leader only their own aftercare wishes.
    """
    membership = require(actor, dynamic_id, Act.EDIT_SAFEWORDS)
    dynamic = _locked_dynamic(dynamic_id)
    _not_ended(dynamic)
    allowed = FOLLOWER_FIELDS if membership.is_follower else LEADER_FIELDS
    current = safeword_settings(dynamic)
    changed = [
        name
        for name, value in values.items()
        if name in FOLLOWER_FIELDS and (value or "").strip() != getattr(current, name)
    ]
    if any(name not in allowed for name in changed):
        raise NotAllowed(
            _(
                "The follower sets the signals' words and gestures; you may change "
                "your own aftercare wishes."
            ),
            code="safewords_follower_only",
        )
    for name in changed:
        setattr(current, name, values[name].strip())
    if not current.red_word or not current.yellow_word:
        raise Refused(
            _("Red and yellow each need a word; the buttons work regardless."),
            field="red_word" if not current.red_word else "yellow_word",
        )
    if current.red_word.lower() == current.yellow_word.lower():
        raise Refused(_("Red and yellow need different words."), field="yellow_word")
    current.updated_at, current.updated_by = now, actor
    current.save()
    if changed:
        audit.record(
            dynamic,
            actor,
            "safewords_changed",
            _("Safeword settings changed"),
            at=now,
            membership=membership,
        )
    return current


# Presence ----------------------------------------------------------------


def mark_seen(actor: User, *, now: datetime) -> None:
    """Notes that the person opened Instep today (one write a day at most)."""
    today = now.date()
    updated = Presence.objects.filter(user=actor).exclude(last_seen_on__gte=today)
    if updated.update(last_seen_on=today):
        return
    try:
        with transaction.atomic():
            Presence.objects.get_or_create(user=actor, defaults={"last_seen_on": today})
    except IntegrityError:
        pass  # the person's other tab got there first


# The exploration list --------------------------------------------------------
#
# Answers are private: nothing here writes to the audit trail, which both
# partners read, so that not even the moment of an answer is revealed.


def _exploration_item(dynamic_id: int, item_id: int) -> ExplorationItem:
    item = (
        ExplorationItem.objects.filter(pk=item_id)
        .filter(Q(dynamic__isnull=True) | Q(dynamic_id=dynamic_id))
        .first()
    )
    if item is None:
        raise Refused(_("There is no such idea on your list."))
    return item


@transaction.atomic
def answer_idea(
    actor: User,
    dynamic_id: int,
    *,
    item_id: int,
    answers: dict[str, str],
    now: datetime,
) -> list[ExplorationAnswer]:
    """Saves the actor's private answers to one idea, per direction.

    An empty answer clears it: unanswered again, which is never a "no".
    Returns the answers the actor now has on the idea.
    """
    membership = require(actor, dynamic_id, Act.EXPLORE)
    _not_ended(membership.dynamic)
    item = _exploration_item(dynamic_id, item_id)
    allowed = {str(d) for d in item.directions}
    for direction, answer in answers.items():
        if direction not in allowed:
            raise Refused(_("This idea cannot be answered in that direction."))
        if answer and answer not in ExplorationAnswer.Answer.values:
            raise Refused(_("Choose yes, maybe, not for me or hard limit."))
    mine = ExplorationAnswer.objects.filter(
        dynamic_id=dynamic_id, user=actor, item=item
    )
    for direction, answer in answers.items():
        if not answer:
            mine.filter(direction=direction).delete()
            continue
        ExplorationAnswer.objects.update_or_create(
            dynamic_id=dynamic_id,
            user=actor,
            item=item,
            direction=direction,
            defaults={"answer": answer, "updated_at": now},
        )
    return list(mine)


@transaction.atomic
def add_idea(
    actor: User, dynamic_id: int, *, text: str, directional: bool, now: datetime
) -> ExplorationItem:
    """Adds an idea of the couple's own to their exploration list."""
    membership = require(actor, dynamic_id, Act.EXPLORE)
    _not_ended(membership.dynamic)
    text = " ".join(text.split())[:200]
    if not text:
        raise Refused(_("Describe the idea."), field="text")
    if ExplorationItem.objects.filter(
        Q(dynamic__isnull=True) | Q(dynamic_id=dynamic_id), text__iexact=text
    ).exists():
        raise Refused(_("This idea is already on your list."), field="text")
    return ExplorationItem.objects.create(
        dynamic_id=dynamic_id,
        group=str(OWN_IDEAS),
        text=text,
        directional=directional,
        created_by=actor,
        created_at=now,
    )


@transaction.atomic
def propose_hard_limit(
    actor: User, dynamic_id: int, *, item_id: int, now: datetime
) -> Limit:
    """Adds the actor's "hard limit" answer to the open draft as their own limit.

    Only the actor's choice to do so shows the answer to the partner.
    """
    membership = require(actor, dynamic_id, Act.EXPLORE)
    item = _exploration_item(dynamic_id, item_id)
    if not ExplorationAnswer.objects.filter(
        dynamic_id=dynamic_id,
        user=actor,
        item=item,
        answer=ExplorationAnswer.Answer.HARD_LIMIT,
    ).exists():
        raise Refused(_("You have not answered this idea with a hard limit."))
    draft = membership.dynamic.agreement_versions.filter(
        in_force_from__isnull=True
    ).first()
    if draft is None:
        raise Refused(
            _("Start a draft of your agreement first; then add this limit to it."),
            code="no_draft",
        )
    if draft.limit_set.filter(owner_role=membership.role, text=item.text).exists():
        raise Refused(_("This limit is already in the draft."))
    return add_item(
        actor,
        dynamic_id,
        number=draft.number,
        section="limits",
        values={"kind": Limit.Kind.HARD, "text": item.text, "tags": item.text},
        now=now,
    )
