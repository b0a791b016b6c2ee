"""Every change to an incident: recording, reflection, apology and resolution.

Each function takes the acting person (or, for the clock's slips, none), asks
``access`` whether they may act, enforces the invariants of DESIGN.md and
issue 7, records acts of authority in the audit trail and runs in one
transaction, so a refusal changes nothing.

Who does what in an incident:
- the one who slipped writes the reflection; either partner may apologise;
- the leader gives a correction from the agreed menu (only to the follower,
  within the limits of care) or a reward for praise;
- corrections are never imposed on the leader: the leader chooses a "make it
  right" item both agreed on;
- the partner of the one who slipped forgives or excuses.

A resolution with something to do becomes a one-off duty on the clock
(``duties.services.assign_repair_task``), linked as ``Incident.duty``; duties
calls back ``repair_task_done`` when it is done (and approved, if reviewed),
and hands a missed one to ``record_slip_from_occurrence``, which raises the
incident again for talk instead of recording a new slip. Conduct builds on
duties: duties imports conduct only inside those two hooks.
"""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from agreements import authority
from agreements.models import Consequence, Rule
from agreements.reading import as_read
from agreements.services import version_in_force
from conduct import care
from conduct.models import Apology, Incident, MakeItRight
from duties import services as duty_services
from duties.models import Occurrence
from dynamics import audit
from dynamics.access import Act, require
from dynamics.models import Dynamic, Membership, Pause, Role
from instep.errors import NotAllowed, Refused
from notify.events import tell_partner

Source = Incident.Source
State = Incident.State
Resolution = Incident.Resolution

OCCURRENCE_SLIPS = (Source.LATE, Source.MISSED)
REPORTABLE = (Source.BROKEN_RULE, Source.MISSED_PROMISE, Source.PRAISE)


def occurrence_source_key(occurrence_key: str) -> str:
    return f"occurrence:{occurrence_key}"


# The clock's slips --------------------------------------------------------


def record_slip_from_occurrence(
    *,
    dynamic_id: int,
    occurrence_key: str,
    assignee_id: int,
    title: str,
    due_at: datetime,
    kind: str,
    now: datetime,
    duty_id: int | None = None,
) -> Incident | None:
    """Records that an occurrence was late or missed, exactly once.

    Idempotent: the unique constraint on (dynamic, source_key) holds even when
    the worker runs twice or two workers race. A later "missed" for an
    occurrence recorded as "late" turns the same open incident into a miss;
    it never adds a second one. Returns the incident, or None when the slip
    never arises: the dynamic has ended, or a pause covered the due time.

    When ``duty_id`` is an incident's repair task, no new incident arises
    (a slip on a consequence would breed consequences without end): a missed
    one raises that incident again for talk, and that incident is returned.
    """
    if kind not in OCCURRENCE_SLIPS:
        raise Refused(_("An occurrence slip is either late or missed."))
    dynamic = Dynamic.objects.get(pk=dynamic_id)
    if dynamic.is_ended:
        return None
    if duty_id is not None and (
        repaired := Incident.objects.filter(
            dynamic_id=dynamic_id, duty_id=duty_id
        ).first()
    ):
        return _repair_task_slipped(repaired, kind, now)
    covered = (
        Pause.objects.filter(dynamic_id=dynamic_id, started_at__lte=due_at)
        .exclude(ended_at__lte=due_at)
        .exists()
    )
    if covered:
        return None  # paused time never counts against anyone
    role = (
        Membership.objects.filter(dynamic_id=dynamic_id, user_id=assignee_id)
        .values_list("role", flat=True)
        .first()
    )
    if role is None:
        raise Refused(_("The assignee is not a member of this dynamic."))
    key = occurrence_source_key(occurrence_key)
    try:
        with transaction.atomic():
            incident = Incident.objects.create(
                dynamic_id=dynamic_id,
                source=kind,
                source_key=key,
                subject_id=assignee_id,
                subject_role=role,
                title=title.strip()[:200] or _("A duty"),
                occurred_at=due_at,
                reported_at=now,
            )
            _tell_recorded(incident, None, now)
            return incident
    except IntegrityError:
        pass  # recorded already, by an earlier run or a racing worker
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(
            dynamic_id=dynamic_id, source_key=key
        )
        if (
            kind == Source.MISSED
            and incident.source == Source.LATE
            and incident.state == State.OPEN
        ):
            incident.source = Source.MISSED
            incident.save(update_fields=["source"])
        return incident


def _repair_task_slipped(incident: Incident, kind: str, now: datetime) -> Incident:
    """A repair task ran late or out. Late: its tick still closes the incident.
    Missed: the incident opens again, raised for the couple to talk about; the
    choice and the task stay on it as history. Idempotent like the slips."""
    if kind != Source.MISSED:
        return incident
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        if incident.state != State.REPAIR:
            return incident  # raised already, forgiven, or done after all
        incident.state = State.OPEN
        incident.resolution, incident.resolved_by = "", None
        incident.repair_missed_at = now
        incident.save(
            update_fields=["state", "resolution", "resolved_by", "repair_missed_at"]
        )
        audit.record(
            incident.dynamic,
            None,
            "repair_missed",
            _(
                "The repair task for incident %(n)s was not done in time: raised "
                "again to talk about"
            )
            % {"n": incident.pk},
            at=now,
        )
        return incident


# Reporting ------------------------------------------------------------------


@transaction.atomic
def report_incident(
    actor: User,
    dynamic_id: int,
    *,
    source: str,
    about: str,
    title: str = "",
    note: str = "",
    rule_id: int | None = None,
    occurred_at: datetime | None = None,
    now: datetime,
) -> Incident:
    """Records a broken rule, a leader's missed promise or a moment worth praise.

    ``about`` is "me" or "partner". Owning one's own slip is marked so.
    """
    membership = require(actor, dynamic_id, Act.REPORT_INCIDENT)
    dynamic = membership.dynamic
    if source not in REPORTABLE:
        raise Refused(
            _("Late and missed duties are recorded by the clock itself."),
            field="source",
        )
    if about not in ("me", "partner"):
        raise Refused(_("Say whom this is about."), field="about")
    if dynamic.is_ended:
        raise Refused(_("This dynamic has ended."))
    if dynamic.state == Dynamic.State.FORMING:
        raise Refused(_("Your partner has not joined yet."))
    if dynamic.is_paused and source != Source.PRAISE:
        raise Refused(
            _(
                "The dynamic is paused: nothing counts against either of you "
                "until it resumes."
            ),
            code="paused",
        )
    partner = dynamic.members.exclude(user=actor).get()
    subject = membership if about == "me" else partner
    if source == Source.MISSED_PROMISE and not subject.is_leader:
        raise Refused(
            _(
                "Missed promises are the leader's. For the follower's slips, "
                "report a broken rule."
            ),
            field="about",
            code="promise_not_leaders",
        )
    if source == Source.PRAISE and about == "me":
        raise Refused(
            _("Praise is for your partner: tell them what they did well."),
            field="about",
            code="self_praise",
        )
    rule = None
    if rule_id:
        version = version_in_force(dynamic_id, now)
        rule = Rule.objects.filter(version=version, pk=rule_id).first()
        if version is None or rule is None:
            raise Refused(_("Choose a rule of the agreement in force."), field="rule")
    title = title.strip() or (rule.text[:200] if rule else "")
    if not title:
        raise Refused(_("Say in a few words what happened."), field="title")
    occurred_at = occurred_at or now
    if occurred_at > now:
        raise Refused(_("That time has not come yet."), field="occurred_at")
    incident = Incident.objects.create(
        dynamic=dynamic,
        source=source,
        subject=subject.user,
        subject_role=subject.role,
        reported_by=actor,
        self_reported=about == "me",
        title=title[:200],
        note=note.strip(),
        rule=rule,
        occurred_at=occurred_at,
        reported_at=now,
    )
    _tell_recorded(incident, actor, now)
    return incident


def _incident_path(incident: Incident) -> str:
    return f"/d/{incident.dynamic_id}/incidents/{incident.pk}/"


def _tell_recorded(incident: Incident, actor: User | None, now: datetime) -> None:
    """Tells the partner of the actor (both partners for the clock's slips):
    the one who slipped that a reflection is owed, anyone else that it was
    recorded."""
    context = {"title": incident.title, "path": _incident_path(incident)}
    for member in Membership.objects.filter(
        dynamic_id=incident.dynamic_id
    ).select_related("user"):
        owes = incident.is_slip and member.user_id == incident.subject_id
        tell_partner(
            incident.dynamic_id,
            actor,
            "reflection_owed" if owes else "incident_recorded",
            context,
            dedupe_key=f"incident:{incident.pk}:recorded",
            now=now,
            to=member.user,
        )


def _locked_incident(dynamic_id: int, incident_id: int) -> Incident:
    incident = (
        Incident.objects.select_for_update()
        .filter(dynamic_id=dynamic_id, pk=incident_id)
        .first()
    )
    if incident is None:
        raise Refused(_("There is no such incident."), code="no_incident")
    return incident


def _still_open(incident: Incident) -> None:
    if incident.state == State.RESOLVED:
        raise Refused(_("This incident is already resolved."), code="resolved")
    if incident.state == State.REPAIR:
        raise Refused(
            _("A repair task is already under way: mark it done, or forgive."),
            code="repair_open",
        )


def _slip_only(incident: Incident, message: str) -> None:
    if incident.is_praise:
        raise Refused(message, code="praise")


# The one who slipped, and apologies -------------------------------------------


@transaction.atomic
def reflect(
    actor: User,
    dynamic_id: int,
    incident_id: int,
    *,
    what_happened: str,
    differently: str,
    now: datetime,
) -> Incident:
    """Saves the reflection of the one who slipped: what happened, what next."""
    require(actor, dynamic_id, Act.REFLECT)
    incident = _locked_incident(dynamic_id, incident_id)
    _slip_only(incident, _("Praise needs no reflection: enjoy it."))
    if incident.subject_id != actor.pk:
        raise NotAllowed(
            _("The reflection is written by the one who slipped."),
            code="not_yours_to_reflect",
        )
    what_happened, differently = what_happened.strip(), differently.strip()
    if not what_happened:
        raise Refused(_("Say what happened, in a few words."), field="what_happened")
    if not differently:
        raise Refused(
            _("Say what you will do differently next time."), field="differently"
        )
    incident.reflection_what, incident.reflection_next = what_happened, differently
    incident.reflected_at = now
    incident.save(update_fields=["reflection_what", "reflection_next", "reflected_at"])
    return incident


@transaction.atomic
def apologise(
    actor: User, dynamic_id: int, incident_id: int, *, text: str, now: datetime
) -> Apology:
    """Attaches the actor's apology to the incident (one each; saying it again
    replaces the words).
    """
    membership = require(actor, dynamic_id, Act.APOLOGISE)
    incident = _locked_incident(dynamic_id, incident_id)
    _slip_only(incident, _("There is nothing to apologise for in praise."))
    text = text.strip()
    if not text:
        raise Refused(_("Write your apology."), field="text")
    apology, _created = Apology.objects.update_or_create(
        incident=incident,
        author_role=membership.role,
        defaults={"author": actor, "text": text[:4000], "at": now},
    )
    tell_partner(
        dynamic_id,
        actor,
        "apology_offered",
        {"title": incident.title, "path": _incident_path(incident)},
        dedupe_key=f"incident:{incident.pk}:apology:{membership.role}",
        now=now,
    )
    return apology


# Resolution by the leader: corrections and rewards -----------------------------


def _menu_item(dynamic_id: int, item_id: int | None, kind: str, now: datetime):
    menu = authority.consequence_menu(dynamic_id, now)
    if not menu:
        raise Refused(
            _(
                "No signed agreement with a menu is in force, so there is nothing "
                "agreed to choose from. Forgive instead, or agree on a menu together."
            ),
            code="no_menu",
        )
    item = next((c for c in menu if c.pk == item_id and c.kind == kind), None)
    if item is None:
        raise Refused(
            _("Choose a correction from the menu of the agreement in force.")
            if kind == Consequence.Kind.CORRECTION
            else _("Choose a reward from the menu of the agreement in force."),
            field="consequence",
            code="not_on_menu",
        )
    return item


def _authority(
    dynamic_id: int,
    actor: User,
    item: Consequence,
    task: str,
    *,
    soft_limit_checked: bool,
    now: datetime,
) -> None:
    """Asks the agreements' authority check about the menu item and its task.

    The menu is itself part of the signed agreement, so a menu item needs no
    delegated area of life; but it holds only while the agreement does (no
    lapse), never touches a hard limit (also one added in a pending draft),
    and a soft limit needs a check-in first.
    """
    words = ". ".join(part for part in (item.name, item.description, task) if part)
    tags = [t for t in item.tags.split(", ") if t]
    verdict = authority.check(dynamic_id, actor, domain="", text_or_tags=words, now=now)
    soft = verdict.check_in_first
    if tags:
        by_tags = authority.check(
            dynamic_id, actor, domain="", text_or_tags=tags, now=now
        )
        soft += tuple(s for s in by_tags.check_in_first if s not in soft)
    if verdict.lapse is not None:
        raise Refused(verdict.reason, code="authority_lapsed")
    if soft and not soft_limit_checked:
        raise Refused(
            _(
                'This touches a soft limit ("%(limits)s"): check in with your '
                "partner first, then confirm that you did."
            )
            % {"limits": '", "'.join(soft)},
            field="soft_limit_checked",
            code="soft_limit",
        )


def _is_menu_task(item: Consequence, task: str) -> bool:
    """Returns whether the task is the menu item's own, as a reader sees it."""
    return as_read(task) == as_read(item.name)


def _own_words_imposed(
    dynamic_id: int, actor: User, task: str, domain: str, *, now: datetime
) -> None:
    """Refuses a correction's task in the leader's own words unless it could
    be imposed as a duty: in an area of life delegated for imposing, touching
    no hard limit (the same ``authority.require_authority`` as any duty)."""
    if not domain.strip():
        raise Refused(
            _(
                "This task is not what the menu item says. Choose the area of "
                "life it belongs to: it is imposed like any duty, so that area "
                "must be delegated to you. Or leave the task as the menu has it."
            ),
            field="task_domain",
            code="task_needs_domain",
        )
    authority.require_authority(
        dynamic_id, actor, domain=domain.strip(), text_or_tags=task, now=now
    )


def _task(task: str, task_due_at: datetime | None, now: datetime) -> str:
    task = task.strip()[:120]  # it becomes a duty's title
    if task and (task_due_at is None or task_due_at <= now):
        raise Refused(_("Give the task a deadline in the future."), field="task_due_at")
    return task


def _choose(
    incident: Incident,
    actor: User,
    resolution: str,
    *,
    name: str,
    task: str,
    task_due_at: datetime | None,
    word: str = "",
    doer_role: str = "",
    reviewed: bool = False,
    now: datetime,
) -> None:
    incident.resolution, incident.resolved_by = resolution, actor
    incident.chosen_name, incident.chosen_at = name[:120], now
    incident.resolution_word = word.strip()
    if task:
        # On the clock like any task: it shows on the doer's Today with its
        # countdown, and its tick (or approval) resolves the incident.
        incident.duty = duty_services.assign_repair_task(
            actor,
            incident.dynamic_id,
            title=task,
            instructions=_("From what you agreed: %(name)s") % {"name": name}
            if name
            else "",
            assignee_role=doer_role,
            due_at=task_due_at,
            reviewed=reviewed,
            now=now,
        )
        incident.state = State.REPAIR
        incident.task, incident.task_due_at = task, task_due_at
        incident.task_done_at = None
    else:
        incident.state, incident.resolved_at = State.RESOLVED, now
    incident.save()


def correction_block(incident: Incident, now: datetime) -> care.CareBlock | None:
    """Returns why the limits of care hold back a correction now, or None."""
    follower_id = (
        incident.dynamic.members.filter(role=Role.FOLLOWER)
        .values_list("user_id", flat=True)
        .first()
    )
    return care.care_block(care.facts_of(incident.dynamic, follower_id, now), now)


@transaction.atomic
def give_consequence(
    actor: User,
    dynamic_id: int,
    incident_id: int,
    *,
    consequence_id: int | None,
    task: str = "",
    task_due_at: datetime | None = None,
    task_domain: str = "",
    soft_limit_checked: bool = False,
    task_reviewed: bool = False,
    now: datetime,
) -> Incident:
    """The leader gives a correction from the agreed menu for the follower's slip.

    With something to do (a deadline) it becomes a task on the follower's
    clock and the incident stays in repair until it is done (and, with
    ``task_reviewed``, approved by the leader); without, it is resolved at
    once. The task is what the menu item says (its name, with its
    description as instructions) unless ``task`` words it otherwise: words
    of the leader's own are imposed like any duty, so they need an area of
    life (``task_domain``) delegated for imposing and pass the same limit
    checks (``authority.require_authority``).
    """
    membership = require(actor, dynamic_id, Act.IMPOSE)
    incident = _locked_incident(dynamic_id, incident_id)
    _still_open(incident)
    _slip_only(incident, _("Praise earns a reward, not a correction."))
    if incident.is_leaders:
        raise Refused(
            _(
                "Corrections for the leader are never imposed. Choose a "
                '"make it right" item you both agreed on, or be forgiven.'
            ),
            code="leader_not_corrected",
        )
    if not incident.has_reflection:
        raise Refused(
            _(
                "Hear them out first: a correction is chosen once the reflection "
                "is written. You can forgive at any time."
            ),
            code="reflection_first",
        )
    if incident.deferred_until is not None and now < incident.deferred_until:
        raise Refused(
            _("You scheduled this for later; it can be given from then."),
            code="deferred",
        )
    if block := correction_block(incident, now):
        raise Refused(block.message, code=block.reason)
    item = _menu_item(dynamic_id, consequence_id, Consequence.Kind.CORRECTION, now)
    if not task.strip() and task_due_at is not None:
        task = item.name  # the menu item's own task
    task = _task(task, task_due_at, now)
    _authority(
        dynamic_id,
        actor,
        item,
        task,
        soft_limit_checked=soft_limit_checked,
        now=now,
    )
    if task and not _is_menu_task(item, task):
        _own_words_imposed(dynamic_id, actor, task, task_domain, now=now)
    incident.consequence = item
    _choose(
        incident,
        actor,
        Resolution.CONSEQUENCE,
        name=item.name,
        task=task,
        task_due_at=task_due_at,
        doer_role=Role.FOLLOWER,
        reviewed=task_reviewed,
        now=now,
    )
    audit.record(
        incident.dynamic,
        actor,
        "consequence_given",
        _("Correction from the agreed menu given for incident %(n)s")
        % {"n": incident.pk},
        at=now,
        membership=membership,
    )
    tell_partner(
        dynamic_id,
        actor,
        "correction_chosen",
        {
            "title": incident.title,
            "name": item.name,
            "path": _incident_path(incident),
        },
        dedupe_key=f"incident:{incident.pk}:correction",
        now=now,
        to=incident.subject,
    )
    return incident


@transaction.atomic
def defer_correction(
    actor: User, dynamic_id: int, incident_id: int, *, until: datetime, now: datetime
) -> Incident:
    """The leader schedules the correction for later (e.g. when care says not now).

    The limits of care are checked again when it is given.
    """
    membership = require(actor, dynamic_id, Act.IMPOSE)
    incident = _locked_incident(dynamic_id, incident_id)
    _still_open(incident)
    _slip_only(incident, _("Praise earns a reward, not a correction."))
    if incident.is_leaders:
        raise Refused(
            _("Corrections for the leader are never imposed."),
            code="leader_not_corrected",
        )
    if until <= now:
        raise Refused(_("Choose a time in the future."), field="until")
    incident.deferred_until = until
    incident.save(update_fields=["deferred_until"])
    audit.record(
        incident.dynamic,
        actor,
        "consequence_deferred",
        _("Correction for incident %(n)s scheduled for later") % {"n": incident.pk},
        at=now,
        membership=membership,
    )
    return incident


@transaction.atomic
def give_reward(
    actor: User,
    dynamic_id: int,
    incident_id: int,
    *,
    consequence_id: int | None,
    task: str = "",
    task_due_at: datetime | None = None,
    word: str = "",
    now: datetime,
) -> Incident:
    """The leader rewards a moment worth praise with a reward from the menu.

    A reward with something to do is a promise: the incident stays open until
    the leader marks it delivered.
    """
    membership = require(actor, dynamic_id, Act.GIVE_REWARD)
    incident = _locked_incident(dynamic_id, incident_id)
    _still_open(incident)
    if not incident.is_praise:
        raise Refused(_("Rewards are for moments worth praise."), code="not_praise")
    if incident.is_leaders:
        raise Refused(
            _("Rewards from the menu go to the follower. Celebrate this instead."),
            code="reward_for_leader",
        )
    item = _menu_item(dynamic_id, consequence_id, Consequence.Kind.REWARD, now)
    task = _task(task, task_due_at, now)
    _authority(dynamic_id, actor, item, task, soft_limit_checked=True, now=now)
    incident.consequence = item
    _choose(
        incident,
        actor,
        Resolution.REWARD,
        name=item.name,
        task=task,
        task_due_at=task_due_at,
        word=word,
        doer_role=Role.LEADER,  # a reward owed is on the leader's clock
        now=now,
    )
    audit.record(
        incident.dynamic,
        actor,
        "reward_given",
        _("Reward from the agreed menu given for incident %(n)s") % {"n": incident.pk},
        at=now,
        membership=membership,
    )
    return incident


# Resolution by either partner ------------------------------------------------


@transaction.atomic
def celebrate(
    actor: User, dynamic_id: int, incident_id: int, *, word: str = "", now: datetime
) -> Incident:
    """Closes a moment of praise with a word, without a reward."""
    require(actor, dynamic_id, Act.RESOLVE_INCIDENT)
    incident = _locked_incident(dynamic_id, incident_id)
    _still_open(incident)
    if not incident.is_praise:
        raise Refused(_("Only praise is celebrated."), code="not_praise")
    _choose(
        incident,
        actor,
        Resolution.CELEBRATED,
        name="",
        task="",
        task_due_at=None,
        word=word,
        now=now,
    )
    return incident


def _partner_of_subject(incident: Incident, actor: User, verb: str) -> None:
    if incident.subject_id == actor.pk:
        raise NotAllowed(
            _("Your partner %(verb)s your slips; you can reflect and apologise.")
            % {"verb": verb},
            code="own_slip",
        )


@transaction.atomic
def forgive(
    actor: User, dynamic_id: int, incident_id: int, *, word: str, now: datetime
) -> Incident:
    """The partner of the one who slipped forgives, with a word.

    Always possible, also during a pause, after red or while a repair task is
    under way: forgiveness is never held back.
    """
    membership = require(actor, dynamic_id, Act.RESOLVE_INCIDENT)
    incident = _locked_incident(dynamic_id, incident_id)
    _slip_only(incident, _("Praise needs no forgiveness."))
    if incident.state == State.RESOLVED:
        raise Refused(_("This incident is already resolved."), code="resolved")
    _partner_of_subject(incident, actor, _("forgives"))
    word = word.strip()
    if not word:
        raise Refused(_("Say a word with it: forgiveness is spoken."), field="word")
    if incident.state == State.REPAIR and incident.duty_id is not None:
        # Forgiven mid-repair: the task leaves Today and is never counted missed.
        duty_services.withdraw_repair_task(dynamic_id, incident.duty_id)
    incident.resolution, incident.resolved_by = Resolution.FORGIVEN, actor
    incident.resolution_word = word[:2000]
    incident.state, incident.resolved_at = State.RESOLVED, now
    incident.save()
    audit.record(
        incident.dynamic,
        actor,
        "incident_forgiven",
        _("Incident %(n)s forgiven") % {"n": incident.pk},
        at=now,
        membership=membership,
    )
    return incident


@transaction.atomic
def excuse(
    actor: User, dynamic_id: int, incident_id: int, *, word: str = "", now: datetime
) -> Incident:
    """The partner of the one who slipped excuses it: life happened."""
    membership = require(actor, dynamic_id, Act.RESOLVE_INCIDENT)
    incident = _locked_incident(dynamic_id, incident_id)
    _slip_only(incident, _("Praise needs no excuse."))
    _still_open(incident)
    _partner_of_subject(incident, actor, _("excuses"))
    _choose(
        incident,
        actor,
        Resolution.EXCUSED,
        name="",
        task="",
        task_due_at=None,
        word=word,
        now=now,
    )
    audit.record(
        incident.dynamic,
        actor,
        "incident_excused",
        _("Incident %(n)s excused: life happened") % {"n": incident.pk},
        at=now,
        membership=membership,
    )
    return incident


# The leader's slips: make it right ------------------------------------------


@transaction.atomic
def make_it_right(
    actor: User,
    dynamic_id: int,
    incident_id: int,
    *,
    item_id: int | None,
    task: str = "",
    task_due_at: datetime | None = None,
    now: datetime,
) -> Incident:
    """The leader chooses a "make it right" item both agreed on for their slip.

    Nothing is imposed on the leader: they choose it themselves, from items
    the follower agreed to.
    """
    membership = require(actor, dynamic_id, Act.MAKE_IT_RIGHT)
    incident = _locked_incident(dynamic_id, incident_id)
    _still_open(incident)
    _slip_only(incident, _("Praise needs nothing made right."))
    if not incident.is_leaders:
        raise Refused(
            _(
                "\"Make it right\" is for the leader's slips; the follower's go "
                "through the agreed menu."
            ),
            code="not_leaders_slip",
        )
    if incident.subject_id != actor.pk:
        raise NotAllowed(
            _(
                "The leader chooses how to make their slip right. You can forgive "
                'it, or propose a new "make it right" item.'
            ),
            code="not_yours_to_choose",
        )
    if not incident.has_reflection:
        raise Refused(
            _("Write your reflection first: what happened, what you will change."),
            code="reflection_first",
        )
    item = MakeItRight.objects.filter(dynamic_id=dynamic_id, pk=item_id).first()
    if item is None or not item.is_agreed:
        raise Refused(
            _('Choose a "make it right" item you both agreed on.'),
            field="item",
            code="not_agreed",
        )
    task = _task(task, task_due_at, now)
    incident.make_it_right = item
    _choose(
        incident,
        actor,
        Resolution.MADE_RIGHT,
        name=item.name,
        task=task,
        task_due_at=task_due_at,
        doer_role=Role.LEADER,
        now=now,
    )
    audit.record(
        incident.dynamic,
        actor,
        "made_right_chosen",
        _('The leader chose a "make it right" item for incident %(n)s')
        % {"n": incident.pk},
        at=now,
        membership=membership,
    )
    return incident


@transaction.atomic
def complete_repair(
    actor: User, dynamic_id: int, incident_id: int, *, now: datetime
) -> Incident:
    """Marks the repair task done from the incident page, as ticking it on
    Today does; done (and approved, if the leader reviews it) resolves the
    incident.

    The one who slipped does a correction or a "make it right" task; the
    leader delivers a reward they owe. The tick goes through
    ``duties.services.complete``, so the clock judges it like any task.
    """
    membership = require(actor, dynamic_id, Act.COMPLETE_REPAIR)
    incident = _locked_incident(dynamic_id, incident_id)
    if incident.state != State.REPAIR:
        raise Refused(_("There is no repair task open here."), code="no_task")
    doer = (
        incident.resolved_by_id
        if incident.resolution == Resolution.REWARD
        else incident.subject_id
    )
    if actor.pk != doer:
        raise NotAllowed(
            _("Only the one who does it marks it done."), code="not_your_task"
        )
    if incident.duty_id is not None:
        occurrence = (
            Occurrence.objects.filter(duty_id=incident.duty_id, done_at__isnull=True)
            .order_by("due_at")
            .first()
        )
        if occurrence is None:
            raise Refused(
                _("It is done and waiting for the leader's review."),
                code="awaiting_review",
            )
        duty_services.complete(actor, dynamic_id, occurrence.pk, now=now)
        incident.refresh_from_db()
        return incident
    # A repair task from before tasks were duties, with no duty behind it.
    return _repaired(incident, actor, done_at=now, now=now, membership=membership)


def _repaired(
    incident: Incident,
    actor: User,
    *,
    done_at: datetime,
    now: datetime,
    membership: Membership | None = None,
) -> Incident:
    """Resolves the incident as repaired and records it in the audit trail."""
    incident.task_done_at, incident.resolved_at = done_at, now
    incident.state = State.RESOLVED
    incident.save(update_fields=["task_done_at", "resolved_at", "state"])
    audit.record(
        incident.dynamic,
        actor,
        "repair_done",
        _("Repair task done: incident %(n)s resolved") % {"n": incident.pk},
        at=now,
        membership=membership,
    )
    return incident


def repair_task_done(
    actor: User, *, duty_id: int, done_at: datetime | None, now: datetime
) -> Incident | None:
    """Resolves the incident whose repair task this duty is; for duties' tick
    (no review) and approval (reviewed). Returns the incident, or None when
    the duty is no repair task. Duties asked ``access`` for the tick.
    """
    incident = Incident.objects.select_for_update().filter(duty_id=duty_id).first()
    if incident is None or incident.state != State.REPAIR:
        return None
    return _repaired(incident, actor, done_at=done_at or now, now=now)


def repair_task_kept(duty_id: int) -> str | None:
    """Says why a duty may not be retired from the duties page: it is the
    repair task of an incident still under way, which ends only on the
    incident's page (done, or forgiven). None for any other duty.

    Retiring it there would leave the incident waiting for a task that can no
    longer be done, and a reward owed could be dropped without a word."""
    incident = (
        Incident.objects.filter(duty_id=duty_id, state=State.REPAIR)
        .only("pk", "resolution")
        .first()
    )
    if incident is None:
        return None
    if incident.resolution == Resolution.REWARD:
        return _(
            "This is the reward you owe for incident %(n)s: give it and mark it "
            "done on the incident's page."
        ) % {"n": incident.pk}
    return _(
        "This is the repair task of incident %(n)s. To call it off, forgive the "
        "incident on its page: the task then leaves Today and is never counted "
        "missed."
    ) % {"n": incident.pk}


def excuse_for_hard_limit(record, *, actor: User, now: datetime) -> list[Incident]:
    """Ends every repair task under way that touches the newly declared hard
    limit: the incident is resolved as excused, with the reason as its word,
    so neither the task nor its incident is ever counted missed. Registered
    in ``ConductConfig.ready``; duties takes the task itself off the clock."""
    tags = frozenset(record.tag_list)
    reason = duty_services.hard_limit_reason(record)
    excused = []
    for incident in Incident.objects.select_for_update().filter(
        dynamic_id=record.dynamic_id, state=State.REPAIR
    ):
        if not authority.touches(tags, incident.task):
            continue
        incident.state, incident.resolution = State.RESOLVED, Resolution.EXCUSED
        incident.resolution_word = reason
        incident.resolved_at = now
        incident.save(
            update_fields=["state", "resolution", "resolution_word", "resolved_at"]
        )
        audit.record(
            incident.dynamic,
            actor,
            "incident_excused",
            _("Incident %(n)s excused: %(reason)s")
            % {"n": incident.pk, "reason": reason},
            at=now,
        )
        excused.append(incident)
    return excused


# The couple's "make it right" items -------------------------------------------


def _hard_limit_touched(dynamic_id: int, text: str, now: datetime) -> str:
    facts = authority.load_facts(dynamic_id, now)
    for limit in facts.limits:
        if limit.kind == "hard" and (tag := authority.touches(limit.tags, text)):
            return _('This touches a hard limit: "%(limit)s" (%(tag)s).') % {
                "limit": limit.text,
                "tag": tag,
            }
    return ""


@transaction.atomic
def propose_make_it_right(
    actor: User, dynamic_id: int, *, name: str, description: str = "", now: datetime
) -> MakeItRight:
    """Proposes a way for the leader to make a slip right; the other agrees."""
    membership = require(actor, dynamic_id, Act.AGREE_MAKE_IT_RIGHT)
    if membership.dynamic.is_ended:
        raise Refused(_("This dynamic has ended."))
    name, description = name.strip(), description.strip()
    if not name:
        raise Refused(_("Say what the leader would do."), field="name")
    if message := _hard_limit_touched(dynamic_id, f"{name}. {description}", now):
        raise Refused(message, field="name", code="hard_limit")
    return MakeItRight.objects.create(
        dynamic=membership.dynamic,
        name=name[:120],
        description=description,
        proposed_by_role=membership.role,
        proposed_at=now,
    )


@transaction.atomic
def agree_make_it_right(
    actor: User, dynamic_id: int, item_id: int, *, now: datetime
) -> MakeItRight:
    """The partner who did not propose the item agrees to it."""
    membership = require(actor, dynamic_id, Act.AGREE_MAKE_IT_RIGHT)
    item = (
        MakeItRight.objects.select_for_update()
        .filter(dynamic_id=dynamic_id, pk=item_id, withdrawn_at__isnull=True)
        .first()
    )
    if item is None:
        raise Refused(_('There is no such "make it right" item.'))
    if item.proposed_by_role == membership.role:
        raise NotAllowed(
            _("Your partner agrees to what you proposed: it needs both of you."),
            code="own_proposal",
        )
    if item.agreed_at is None:
        item.agreed_at = now
        item.save(update_fields=["agreed_at"])
        audit.record(
            membership.dynamic,
            actor,
            "make_it_right_agreed",
            _('A "make it right" item was agreed by both'),
            at=now,
            membership=membership,
        )
    return item


@transaction.atomic
def withdraw_make_it_right(
    actor: User, dynamic_id: int, item_id: int, *, now: datetime
) -> MakeItRight:
    """Either partner withdraws an item: agreement needs both, always."""
    membership = require(actor, dynamic_id, Act.AGREE_MAKE_IT_RIGHT)
    item = (
        MakeItRight.objects.select_for_update()
        .filter(dynamic_id=dynamic_id, pk=item_id, withdrawn_at__isnull=True)
        .first()
    )
    if item is None:
        raise Refused(_('There is no such "make it right" item.'))
    item.withdrawn_at = now
    item.save(update_fields=["withdrawn_at"])
    audit.record(
        membership.dynamic,
        actor,
        "make_it_right_withdrawn",
        _('A "make it right" item was withdrawn'),
        at=now,
        membership=membership,
    )
    return item
