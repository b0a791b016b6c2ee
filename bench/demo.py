"""A realistic, deterministic world of demo couples, written with bulk inserts.

``generate(dynamics=N, days=D, seed=S, now=...)`` creates N couples (a leader and a
follower each) whose dynamic has run for D days up to ``now``: a signed agreement
(domains, rules, both partners' limits, the consequence menu), rituals and tasks
with their occurrences (mostly on time, some late, a few missed, excused inside
pauses), daily check-ins with a mood trend and private answers, matters discussed
and decided with a reason, private and shared journal entries, a few red signals
followed by a pause and aftercare, other pauses (travel, illness), incidents
resolved from the agreed menu, and the audit trail of all these acts.

The rows go in with ``bulk_create`` in chunks of couples, so a year of history
for a thousand couples takes minutes, not hours. The invariants the services
keep hold here too: an agreement version is inserted as a draft with its
contents and only then marked in force (the database refuses contents of a
signed version), the audit trail is only ever appended to, and every unique
constraint (one check-in per person and day, one occurrence per duty and time,
one incident per occurrence, one open pause per dynamic) is respected by
construction. Everything random comes from ``random.Random`` seeded with the
seed and the couple's number, so the same seed, size and ``now`` give the
same world.
"""

import hashlib
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import connections, router, transaction
from django.db.models import F

from accounts.models import User
from agreements.models import (
    STARTER_DOMAINS,
    AgreementVersion,
    Consequence,
    Depth,
    Domain,
    Limit,
    Presence,
    Rule,
    SafewordSettings,
)
from conduct.models import Incident, MakeItRight
from conduct.services import occurrence_source_key
from duties import clock
from duties.models import Duty, Occurrence
from dynamics.models import (
    Aftercare,
    AuditEntry,
    Dynamic,
    Invitation,
    Membership,
    Pause,
    Role,
    Signal,
)
from talk.models import CheckIn, JournalComment, JournalEntry, Matter, MatterComment

PASSWORD = "instep-demo"
HORIZON = timedelta(days=14)  # as far ahead as the hourly duties run materialises
ZONES = [
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "America/Los_Angeles",
    "Australia/Sydney",
    "Europe/Madrid",
]
TITLES = [
    ("Sir", "pet"),
    ("Mistress", "pet"),
    ("Lead", "Follow"),
    ("Ma'am", "boy"),
    ("Daddy", "girl"),
    ("Captain", "crew"),
]
LEADER_NAMES = ["Alex", "Sam", "Jordan", "Morgan", "Charlie", "Dana", "Kim", "Lee"]
FOLLOWER_NAMES = ["Robin", "Jamie", "Riley", "Casey", "Avery", "Quinn", "Eli", "Noa"]

# Domains the follower delegates further than "advisory" in most couples.
DELEGATED = {"household": Depth.FULL, "schedule": Depth.DELEGATED,
             "health": Depth.DELEGATED, "sleep": Depth.DELEGATED,
             "communication": Depth.DELEGATED}  # fmt: skip
RULES = [
    ("household", "Dishes are done before bed.", "not when the children are ill"),
    ("schedule", "Plans for the weekend are agreed by Thursday.", ""),
    ("health", "A walk of at least twenty minutes every day.", "not at work"),
    ("sleep", "Lights out by 23:00 on weeknights.", "not when travelling"),
    ("communication", "Say when something is bothering you the same day.", ""),
]
LIMITS = [
    ("follower", Limit.Kind.HARD, "Nothing in public that others could notice",
     "public"),
    ("follower", Limit.Kind.HARD, "No changes to my work schedule", "work"),
    ("follower", Limit.Kind.SOFT, "Food rules on family visits", "food, family"),
    ("follower", Limit.Kind.CURIOUS, "A day of full protocol", "protocol"),
    ("leader", Limit.Kind.HARD, "No decisions about money without both", "money"),
    ("leader", Limit.Kind.SOFT, "Tasks after 22:00", "late"),
]  # fmt: skip
CONSEQUENCES = [
    (Consequence.Kind.REWARD, "Choose the evening",
     "The follower picks what the two of you do tonight.", Consequence.Size.SMALL),
    (Consequence.Kind.REWARD, "Breakfast in bed", "", Consequence.Size.MEDIUM),
    (Consequence.Kind.CORRECTION, "A written reflection",
     "A few lines on what happened and what would help next time.",
     Consequence.Size.SMALL),
    (Consequence.Kind.CORRECTION, "Early night", "In bed by 21:30.",
     Consequence.Size.SMALL),
    (Consequence.Kind.CORRECTION, "Lines", "Fifty lines, by hand.",
     Consequence.Size.MEDIUM),
]  # fmt: skip


@dataclass(frozen=True)
class RitualTemplate:
    title: str
    domain: str
    role: str
    rule: str
    at: time
    window: timedelta
    grace: timedelta
    reviewed: bool = False
    needs_note: bool = False


RITUALS = [
    RitualTemplate("Morning greeting", "communication", Role.FOLLOWER, "FREQ=DAILY",
                   time(7, 30), timedelta(hours=2), timedelta(minutes=15)),
    RitualTemplate("Evening tidy", "household", Role.FOLLOWER,
                   "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", time(21, 0),
                   timedelta(hours=3), timedelta(minutes=30), reviewed=True),
    RitualTemplate("Walk and stretch", "health", Role.FOLLOWER, "FREQ=DAILY",
                   time(18, 0), timedelta(hours=8), timedelta(hours=1),
                   needs_note=True),
    RitualTemplate("Lights out", "sleep", Role.FOLLOWER,
                   "FREQ=WEEKLY;BYDAY=SU,MO,TU,WE,TH", time(23, 0),
                   timedelta(hours=1), timedelta(minutes=15)),
    RitualTemplate("Goodnight message", "communication", Role.LEADER, "FREQ=DAILY",
                   time(22, 30), timedelta(hours=2), timedelta(minutes=30)),
    RitualTemplate("Plan the week together", "schedule", Role.LEADER,
                   "FREQ=WEEKLY;BYDAY=SU", time(18, 0), timedelta(hours=6),
                   timedelta(hours=2)),
]  # fmt: skip
TASKS = [
    ("Book the dentist", "health"),
    ("Sort the winter clothes", "household"),
    ("Plan Saturday's outing", "schedule"),
    ("Clean out the fridge", "household"),
    ("Renew the gym membership", "health"),
    ("Write the shopping list", "household"),
    ("Call your sister back", "communication"),
]
NEEDS = ["", "", "A quiet evening", "More time together", "Sleep", "A hug",
         "Clear instructions", "Some space tonight", "Help with the kids"]  # fmt: skip
WANTS = ["", "", "A walk together", "To cook together", "A film night",
         "Praise", "To try the new protocol", "A long bath"]  # fmt: skip
NOTES = ["Long day at work.", "Felt close today.", "Tired but good.",
         "Headache all afternoon.", "Proud of the week so far."]  # fmt: skip
MATTERS = [
    (Matter.Kind.REQUEST, "May I stay out late on Friday?", "schedule"),
    (Matter.Kind.QUESTION, "Should the evening tidy move to 20:00?", "household"),
    (Matter.Kind.DECISION, "Where do we go for the holidays?", "schedule"),
    (Matter.Kind.REQUEST, "Could I skip the walk when it rains?", "health"),
    (Matter.Kind.DECISION, "New bedtime for the summer", "sleep"),
    (Matter.Kind.QUESTION, "How do we handle visits from family?", "communication"),
]
REPLIES = [
    "I'd like that, if the week has gone well.",
    "Let's talk about it tonight.",
    "I think it would help both of us.",
    "I'm not sure yet; can we try it for a week?",
    "Thank you for asking first.",
    "That works for me.",
]
REASONS = [
    "You have kept every promise this week.",
    "It keeps the evenings calm for both of us.",
    "We agreed to try it for a month and look again.",
    "Rest matters more right now.",
]
JOURNAL = [
    ("What felt good this week?", "The mornings have a rhythm now. I like it."),
    ("What was hard?", "I struggled when plans changed at short notice."),
    ("", "Felt very looked after today."),
    ("What do I need more of?", "Clear words when I am unsure."),
    ("", "A quiet, good day. Nothing to report but contentment."),
    ("What am I proud of?", "I said yellow when I needed to. It worked."),
]
REFLECTIONS = [
    ("I lost track of time after work.", "Set an alarm for it."),
    ("I was tired and let it slide.", "Tell you earlier when I'm running low."),
    ("I forgot.", "Put it on the fridge."),
]


@dataclass
class Summary:
    """How many rows of each kind were written."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, n: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + n

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def email_of(role: str, number: int) -> str:
    """Returns the demo person's sign-in address: ``leader-1@demo.example.org``."""
    return f"{role}-{number}@demo.example.org"


def already_generated(first: int = 1) -> bool:
    return User.objects.filter(email=email_of(Role.LEADER, first)).exists()


@cache
def _slots(
    template: RitualTemplate, zone: str, starts_on: date, start: datetime, end: datetime
) -> list[clock.Slot]:
    # Many couples share a template and a zone: expand each combination once.
    rec = clock.Recurrence(
        rule=template.rule, starts_on=starts_on, at=template.at, window=template.window
    )
    return clock.expand(rec, zone, start, end)


class _Couple:
    """Builds the unsaved rows of one couple; ``save`` order is the module's job."""

    def __init__(
        self, number: int, *, seed: int, days: int, now: datetime, password: str
    ):
        self.rng = random.Random(f"{seed}:{number}")
        self.number = number
        self.now = now
        self.start = (now - timedelta(days=days)).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        self.signed_at = self.start + timedelta(hours=23)
        self.zone = self.rng.choice(ZONES)
        self.tz = ZoneInfo(self.zone)
        self.audit: list[AuditEntry] = []
        self.password = password

    # -- people, dynamic, agreement --------------------------------------------

    def people(self) -> None:
        rng = self.rng
        leader_title, follower_title = rng.choice(TITLES)
        self.leader = User(
            email=email_of(Role.LEADER, self.number),
            display_name=f"{rng.choice(LEADER_NAMES)} {self.number}",
            time_zone=self.zone,
            password=self.password,
            date_joined=self.start,
        )
        self.follower = User(
            email=email_of(Role.FOLLOWER, self.number),
            display_name=f"{rng.choice(FOLLOWER_NAMES)} {self.number}",
            time_zone=self.zone,
            password=self.password,
            date_joined=self.start,
        )
        self.dynamic = Dynamic(
            name="",
            state=Dynamic.State.ACTIVE,
            leader_title=leader_title,
            follower_title=follower_title,
            created_at=self.start,
        )

    def emails(self) -> list[EmailAddress]:
        return [
            EmailAddress(user=u, email=u.email, verified=True, primary=True)
            for u in (self.leader, self.follower)
        ]

    def _audit(self, actor: User | None, role: str, act: str, summary: str, at):
        self.audit.append(
            AuditEntry(
                dynamic=self.dynamic,
                actor=actor,
                actor_role=role,
                act=act,
                summary=summary,
                at=at,
            )
        )

    def membership(self) -> list:
        s = self.start
        joined = s + timedelta(hours=2)
        token = hashlib.sha256(f"demo-{self.number}".encode()).hexdigest()
        self.members = {
            Role.LEADER: Membership(
                dynamic=self.dynamic, user=self.leader, role=Role.LEADER, joined_at=s
            ),
            Role.FOLLOWER: Membership(
                dynamic=self.dynamic,
                user=self.follower,
                role=Role.FOLLOWER,
                joined_at=joined,
            ),
        }
        self._audit(self.leader, Role.LEADER, "dynamic_created", "Dynamic created", s)
        self._audit(
            self.leader,
            Role.LEADER,
            "invitation_created",
            "Invitation link created",
            s + timedelta(minutes=1),
        )
        self._audit(
            self.follower,
            Role.FOLLOWER,
            "invitation_accepted",
            "Invitation accepted: the dynamic is active",
            joined,
        )
        return [
            *self.members.values(),
            Invitation(
                dynamic=self.dynamic,
                created_by=self.leader,
                token_hash=token,
                created_at=s,
                expires_at=s + timedelta(days=7),
                used_at=joined,
                outcome="accepted",
            ),
            SafewordSettings(
                dynamic=self.dynamic,
                red_word=self.rng.choice(["red", "pineapple", "stop"]),
                yellow_word=self.rng.choice(["yellow", "amber", "slow"]),
                follower_aftercare="A blanket, tea, and being held.",
                leader_aftercare="Talk it through the next morning.",
                updated_at=joined,
                updated_by=self.follower,
            ),
            # Both were here today: the leader's authority has not lapsed.
            Presence(user=self.leader, last_seen_on=self.now.date()),
            Presence(user=self.follower, last_seen_on=self.now.date()),
        ]

    def agreement(self) -> AgreementVersion:
        s = self.start + timedelta(hours=3)
        self.version = AgreementVersion(
            dynamic=self.dynamic,
            number=1,
            proposed_by=self.leader,
            created_at=s,
            review_on=(self.now + timedelta(days=self.rng.randint(30, 150))).date(),
            absence_days=14,
            titles_and_protocols="Titles in private; first names in public.",
            leader_signed_at=s + timedelta(hours=4),
            leader_signer=self.leader,
            follower_signed_at=self.signed_at,
            follower_signer=self.follower,
        )
        self._audit(
            self.leader,
            Role.LEADER,
            "agreement_draft_proposed",
            "Agreement draft 1 proposed",
            s,
        )
        self._audit(
            self.leader,
            Role.LEADER,
            "agreement_signed",
            "Agreement version 1 signed",
            s + timedelta(hours=4),
        )
        self._audit(
            self.follower,
            Role.FOLLOWER,
            "agreement_signed",
            "Agreement version 1 signed",
            self.signed_at,
        )
        self._audit(
            self.follower,
            Role.FOLLOWER,
            "agreement_in_force",
            "Agreement version 1 is in force",
            self.signed_at,
        )
        return self.version

    def contents(self) -> tuple[list, list]:
        """Returns (domains, limits and consequences); rules come after domains."""
        v = self.version
        self.domains = {
            key: Domain(
                version=v,
                lineage=uuid.UUID(int=self.rng.getrandbits(128)),
                key=key,
                name=str(name),
                depth=DELEGATED.get(key, Depth.ADVISORY),
            )
            for key, name in STARTER_DOMAINS
        }
        limits = [
            Limit(
                version=v,
                lineage=uuid.UUID(int=self.rng.getrandbits(128)),
                owner_role=role,
                kind=kind,
                text=text,
                tags=tags,
            )
            for role, kind, text, tags in LIMITS
            if self.rng.random() < 0.8
        ]
        self.consequences = [
            Consequence(
                version=v,
                lineage=uuid.UUID(int=self.rng.getrandbits(128)),
                kind=kind,
                name=name,
                description=text,
                size=size,
            )
            for kind, name, text, size in CONSEQUENCES
        ]
        return list(self.domains.values()), limits + self.consequences

    def rules(self) -> list[Rule]:
        self.rule_rows = [
            Rule(
                version=self.version,
                lineage=uuid.UUID(int=self.rng.getrandbits(128)),
                domain=self.domains[key],
                text=text,
                suspended_when=when,
            )
            for key, text, when in RULES
        ]
        return self.rule_rows

    # -- pauses and signals ------------------------------------------------------

    def pauses(self) -> tuple[list[Pause], list[Signal], list[Aftercare]]:
        """Red signals with their pause and aftercare; travel and illness pauses;
        yellow and take-the-lead signals. Intervals never overlap."""
        rng = self.rng
        pauses, signals, aftercare = [], [], []
        self.red_pauses: list[Pause] = []
        t = self.signed_at + timedelta(days=rng.randint(10, 40))
        end_of_history = self.now - timedelta(days=1)
        while t < end_of_history:
            roll = rng.random()
            if roll < 0.3:  # red: stop now, then aftercare for both
                sender = self.follower if rng.random() < 0.8 else self.leader
                role = Role.FOLLOWER if sender is self.follower else Role.LEADER
                length = timedelta(hours=rng.randint(2, 30))
                pause = Pause(
                    dynamic=self.dynamic,
                    reason=Pause.Reason.RED,
                    started_by=sender,
                    started_at=t,
                    ended_at=t + length,
                    ended_by=self.leader,
                )
                signals.append(
                    Signal(
                        dynamic=self.dynamic,
                        kind=Signal.Kind.RED,
                        sent_by=sender,
                        sent_at=t,
                        acknowledged_at=t + timedelta(minutes=rng.randint(1, 20)),
                    )
                )
                self._audit(
                    sender, role, "signal_red", "Red signal: everything stopped", t
                )
                for person, prole in (
                    (self.leader, Role.LEADER),
                    (self.follower, Role.FOLLOWER),
                ):
                    at = t + length - timedelta(minutes=rng.randint(1, 60))
                    aftercare.append(
                        Aftercare(
                            pause=pause,
                            user=person,
                            feeling=rng.randint(2, 5),
                            note=rng.choice(["", "Thank you for stopping.", "Better"]),
                            ready_to_resume=True,
                            updated_at=at,
                        )
                    )
                    self._audit(
                        person,
                        prole,
                        "aftercare_given",
                        "Aftercare check-in: ready to resume",
                        at,
                    )
                self._audit(
                    self.leader,
                    Role.LEADER,
                    "dynamic_resumed",
                    "Resumed: both partners said they are ready",
                    t + length,
                )
                pauses.append(pause)
                self.red_pauses.append(pause)
                t += length
            elif roll < 0.6:  # travel, illness, family time
                reason = rng.choice(
                    [Pause.Reason.TRAVEL, Pause.Reason.ILLNESS, Pause.Reason.FAMILY]
                )
                length = timedelta(days=rng.randint(1, 5), hours=rng.randint(0, 12))
                starter = self.follower if rng.random() < 0.6 else self.leader
                pauses.append(
                    Pause(
                        dynamic=self.dynamic,
                        reason=reason,
                        started_by=starter,
                        started_at=t,
                        ended_at=t + length,
                        ended_by=starter,
                    )
                )
                role = Role.FOLLOWER if starter is self.follower else Role.LEADER
                label = dict(Pause.Reason.choices)[reason]
                self._audit(starter, role, "dynamic_paused", f"Paused: {label}", t)
                self._audit(starter, role, "dynamic_resumed", "Resumed", t + length)
                t += length
            else:  # yellow or take the lead: talk, no pause
                kind = rng.choice([Signal.Kind.YELLOW, Signal.Kind.TAKE_LEAD])
                signals.append(
                    Signal(
                        dynamic=self.dynamic,
                        kind=kind,
                        sent_by=self.follower,
                        sent_at=t,
                        acknowledged_at=t + timedelta(minutes=rng.randint(1, 90)),
                    )
                )
                summary = (
                    "Yellow signal: slow down"
                    if kind == Signal.Kind.YELLOW
                    else "Take the lead: please step in"
                )
                self._audit(self.follower, Role.FOLLOWER, f"signal_{kind}", summary, t)
            t += timedelta(days=rng.randint(20, 60), hours=rng.randint(0, 23))
        # A few couples are in an open illness pause right now.
        if rng.random() < 0.03:
            started = self.now - timedelta(hours=rng.randint(3, 40))
            if not pauses or pauses[-1].ended_at < started:
                pauses.append(
                    Pause(
                        dynamic=self.dynamic,
                        reason=Pause.Reason.ILLNESS,
                        started_by=self.follower,
                        started_at=started,
                    )
                )
                self.dynamic.state = Dynamic.State.PAUSED
                self._audit(
                    self.follower,
                    Role.FOLLOWER,
                    "dynamic_paused",
                    "Paused: Illness",
                    started,
                )
        self.intervals = [clock.Interval(p.started_at, p.ended_at) for p in pauses]
        self.signals = signals
        return pauses, signals, aftercare

    def _paused_at(self, moment: datetime) -> Pause | None:
        for interval, pause in zip(self.intervals, self._pause_rows, strict=True):
            if interval.covers(moment):
                return pause
        return None

    # -- duties and occurrences ----------------------------------------------------

    def duties(self, pause_rows: list[Pause]) -> list[Duty]:
        rng = self.rng
        self._pause_rows = pause_rows
        chosen = [RITUALS[0], RITUALS[4]] + rng.sample(RITUALS[1:4], 2)
        if rng.random() < 0.5:
            chosen.append(RITUALS[5])
        created = self.signed_at + timedelta(hours=1)
        self.ritual_rows: list[tuple[Duty, RitualTemplate]] = []
        rows = []
        for template in chosen:
            assignee = self.leader if template.role == Role.LEADER else self.follower
            duty = Duty(
                dynamic=self.dynamic,
                kind=Duty.Kind.RITUAL,
                state=Duty.State.ACTIVE,
                title=template.title,
                domain=template.domain,
                assignee=assignee,
                created_by=self.leader,
                needs_note=template.needs_note,
                reviewed=template.reviewed,
                rule=template.rule,
                at=template.at,
                starts_on=created.astimezone(self.tz).date() + timedelta(days=1),
                window=template.window,
                grace=template.grace,
                created_at=created,
                materialised_until=self.now + HORIZON,
            )
            self.ritual_rows.append((duty, template))
            rows.append(duty)
            self._audit(
                self.leader, Role.LEADER, "duty_assigned", "Duty assigned", created
            )
        # About one task a week, from signing to a week ahead.
        self.task_rows: list[Duty] = []
        t = created + timedelta(days=rng.randint(1, 7))
        while t < self.now + timedelta(days=7):
            title, domain = rng.choice(TASKS)
            due = t + timedelta(days=rng.randint(1, 4), hours=rng.randint(0, 10))
            duty = Duty(
                dynamic=self.dynamic,
                kind=Duty.Kind.TASK,
                state=Duty.State.ACTIVE,
                title=title,
                domain=domain,
                assignee=self.follower,
                created_by=self.leader,
                due_at=due,
                opens_at=t,
                grace=timedelta(hours=rng.choice([0, 1, 12])),
                created_at=t,
                materialised_until=self.now + HORIZON,
            )
            self.task_rows.append(duty)
            rows.append(duty)
            self._audit(self.leader, Role.LEADER, "duty_assigned", "Duty assigned", t)
            t += timedelta(days=rng.randint(4, 10), hours=rng.randint(0, 12))
        return rows

    def occurrences(self) -> list[Occurrence]:
        """Every occurrence from signing to the horizon, with its facts settled."""
        rng = self.rng
        now = self.now
        out: list[Occurrence] = []
        self.slips: list[tuple[Occurrence, str]] = []
        # Reliability drifts over the year: a good stretch, a hard one, and back.
        base_miss = rng.uniform(0.02, 0.06)
        for duty, template in self.ritual_rows:
            start = datetime.combine(duty.starts_on, time(0), tzinfo=UTC)
            slots = _slots(template, self.zone, duty.starts_on, start, now + HORIZON)
            for slot in slots:
                out.append(
                    self._occurrence(duty, slot.opens_at, slot.due_at, base_miss)
                )
        for duty in self.task_rows:
            out.append(self._occurrence(duty, duty.opens_at, duty.due_at, base_miss))
        return out

    def _occurrence(
        self, duty: Duty, opens: datetime, due: datetime, base_miss: float
    ) -> Occurrence:
        rng, now = self.rng, self.now
        occ = Occurrence(
            duty=duty,
            dynamic=self.dynamic,
            assignee=duty.assignee,
            opens_at=opens,
            due_at=due,
            grace=duty.grace,
        )
        deadline = due + duty.grace
        if opens > now:
            return occ  # upcoming: nothing has happened yet
        if duty.is_ritual and self._paused_at(due) is not None:
            if deadline < now:
                occ.outcome, occ.settled_at = Occurrence.Outcome.EXCUSED, deadline
            return occ
        roll = rng.random()
        hard_stretch = 0.35 < (due - self.start) / (now - self.start) < 0.5
        miss = base_miss * (2.5 if hard_stretch else 1)
        if deadline >= now:
            # Open now: about half are already done.
            if roll < 0.5:
                done = opens + (now - opens) * rng.random()
                occ.done_at = occ.marked_at = done
                occ.outcome, occ.settled_at = Occurrence.Outcome.ON_TIME, done
                if duty.reviewed:
                    occ.review = Occurrence.Review.PENDING
                if duty.needs_note:
                    occ.proof_note = "Done, twenty minutes."
            return occ
        if roll < miss:
            occ.outcome = Occurrence.Outcome.MISSED
            occ.settled_at = deadline + timedelta(hours=1)
            self.slips.append((occ, Incident.Source.MISSED))
            return occ
        if roll < miss + 0.08:  # late, ticked when done
            done = deadline + timedelta(minutes=rng.randint(5, 300))
            if done > now:
                done = now
            occ.done_at = occ.marked_at = done
            occ.marked_late = True
            occ.outcome, occ.settled_at = Occurrence.Outcome.LATE, done
            self.slips.append((occ, Incident.Source.LATE))
        else:
            span = max((deadline - opens).total_seconds(), 60)
            # Most are done well before the deadline, a few in the grace.
            done = opens + timedelta(seconds=span * rng.betavariate(3, 2))
            occ.done_at = done
            occ.marked_at = done
            if rng.random() < 0.04:  # done in time, but ticked the next morning
                occ.marked_at = min(deadline + timedelta(hours=9), now)
                occ.marked_late = True
            occ.outcome, occ.settled_at = Occurrence.Outcome.ON_TIME, occ.marked_at
        if duty.needs_note:
            occ.proof_note = rng.choice(["Done.", "Twenty minutes.", "Long walk!"])
        if duty.reviewed:
            occ.review = Occurrence.Review.APPROVED
            occ.reviewed_at = occ.marked_at + timedelta(hours=rng.randint(1, 12))
        role = Role.LEADER if duty.assignee is self.leader else Role.FOLLOWER
        self._audit(
            duty.assignee,
            role,
            "occurrence_done",
            "A duty was ticked (marked late)" if occ.marked_late else "A duty was done",
            occ.marked_at,
        )
        return occ

    # -- conduct -------------------------------------------------------------------

    def make_it_right(self) -> list[MakeItRight]:
        at = self.signed_at + timedelta(days=2)
        self.mir = [
            MakeItRight(
                dynamic=self.dynamic,
                name=name,
                proposed_by_role=Role.FOLLOWER,
                proposed_at=at,
                agreed_at=at + timedelta(hours=5),
            )
            for name in ("Cook dinner for us", "A long back rub")
        ]
        return self.mir

    def incidents(self) -> list[tuple[Incident, Occurrence | None]]:
        """One incident per late or missed occurrence, and some praise. All but
        the last days' are resolved: from the menu, forgiven, or made right."""
        rng, now = self.rng, self.now
        corrections = [c for c in self.consequences if c.kind == "correction"]
        rewards = [c for c in self.consequences if c.kind == "reward"]
        out: list[tuple[Incident, Occurrence | None]] = []
        for occ, source in self.slips:
            leaders = occ.assignee is self.leader
            inc = Incident(
                dynamic=self.dynamic,
                source=source,
                subject=occ.assignee,
                subject_role=Role.LEADER if leaders else Role.FOLLOWER,
                title=occ.duty.title,
                occurred_at=occ.due_at,
                reported_at=occ.settled_at,
            )
            if occ.settled_at < now - timedelta(days=3) or rng.random() < 0.3:
                self._resolve(inc, leaders, corrections)
            out.append((inc, occ))
        # Praise now and then.
        t = self.signed_at + timedelta(days=rng.randint(3, 20))
        while t < now - timedelta(days=1):
            inc = Incident(
                dynamic=self.dynamic,
                source=Incident.Source.PRAISE,
                subject=self.follower,
                subject_role=Role.FOLLOWER,
                reported_by=self.leader,
                title=rng.choice(
                    ["A whole week on time", "Said yellow at the right moment"]
                ),
                occurred_at=t,
                reported_at=t,
            )
            if rng.random() < 0.5:
                reward = rng.choice(rewards)
                inc.resolution, inc.consequence = "reward", reward
                inc.chosen_name, inc.chosen_at = reward.name, t + timedelta(hours=1)
                act, summary = "reward_given", "Reward given"
            else:
                inc.resolution, act = "celebrated", None  # not an act of authority
            inc.state, inc.resolved_by = Incident.State.RESOLVED, self.leader
            inc.resolved_at = t + timedelta(hours=1)
            if act:
                self._audit(self.leader, Role.LEADER, act, summary, inc.resolved_at)
            out.append((inc, None))
            t += timedelta(days=rng.randint(10, 30))
        return out

    def _resolve(self, inc: Incident, leaders: bool, corrections) -> None:
        rng = self.rng
        at = inc.reported_at + timedelta(hours=rng.randint(2, 48))
        if at > self.now:
            at = self.now
        what, nxt = rng.choice(REFLECTIONS)
        if rng.random() < 0.7:
            inc.reflection_what, inc.reflection_next = what, nxt
            inc.reflected_at = at - timedelta(minutes=30)
        inc.state, inc.resolved_at = Incident.State.RESOLVED, at
        if leaders:
            # Corrections are never imposed on the leader: made right, or forgiven.
            inc.resolved_by = self.follower
            if rng.random() < 0.5:
                item = rng.choice(self.mir)
                inc.resolution, inc.make_it_right = "made_right", item
                inc.chosen_name, inc.chosen_at = item.name, at
                self._audit(
                    self.follower, Role.FOLLOWER, "made_right_chosen", "Made right", at
                )
            else:
                inc.resolution = "forgiven"
                self._audit(
                    self.follower, Role.FOLLOWER, "incident_forgiven", "Forgiven", at
                )
            return
        inc.resolved_by = self.leader
        if rng.random() < 0.6:
            consequence = rng.choice(corrections)
            inc.resolution, inc.consequence = "consequence", consequence
            inc.chosen_name, inc.chosen_at = consequence.name, at
            self._audit(
                self.leader,
                Role.LEADER,
                "consequence_given",
                "Consequence from the menu given",
                at,
            )
        else:
            inc.resolution = "forgiven"
            self._audit(self.leader, Role.LEADER, "incident_forgiven", "Forgiven", at)

    # -- talk ------------------------------------------------------------------------

    def checkins(self) -> list[CheckIn]:
        """Most days, each partner: a mood that drifts, dips around red signals,
        and some answers kept private."""
        rng = self.rng
        out = []
        first = self.signed_at.astimezone(self.tz).date() + timedelta(days=1)
        last = self.now.astimezone(self.tz).date()
        reds = [(p.started_at, p) for p in self.red_pauses]
        for person, odds in ((self.follower, 0.8), (self.leader, 0.6)):
            level = rng.uniform(3.0, 4.2)
            day = first
            while day <= last:
                level = min(5.0, max(1.0, level + rng.gauss(0, 0.35)))
                noon = datetime.combine(day, time(20, 30), tzinfo=self.tz)
                if noon > self.now:
                    noon = self.now
                after_red = next(
                    (p for s, p in reds if s <= noon <= p.ended_at),
                    None,
                )
                if rng.random() < odds or after_red is not None:
                    dip = 1.5 if after_red is not None else 0.0
                    mood = round(min(5, max(1, level - dip + rng.gauss(0, 0.6))))
                    private = rng.random() < 0.15
                    out.append(
                        CheckIn(
                            dynamic=self.dynamic,
                            user=person,
                            day=day,
                            mood=mood,
                            energy=rng.randint(max(1, mood - 1), min(5, mood + 1)),
                            stress=rng.randint(1, 5),
                            connection=round(min(5, max(1, level + rng.gauss(0, 0.5)))),
                            needs=rng.choice(NEEDS),
                            wants=rng.choice(WANTS),
                            note=rng.choice(NOTES) if rng.random() < 0.3 else "",
                            needs_shared=not private,
                            stress_shared=rng.random() > 0.05,
                            note_shared=rng.random() < 0.3,
                            after_red=after_red,
                            created_at=noon,
                            updated_at=noon,
                            shared_updated_at=noon,
                        )
                    )
                day += timedelta(days=1)
        return out

    def matters(self) -> list[tuple[Matter, list[MatterComment]]]:
        rng, now = self.rng, self.now
        out = []
        t = self.signed_at + timedelta(days=rng.randint(2, 10))
        while t < now:
            kind, title, domain = rng.choice(MATTERS)
            # Requests are the follower's; the leader decides after discussion.
            opener = (
                self.follower
                if kind == Matter.Kind.REQUEST or rng.random() < 0.6
                else self.leader
            )
            matter = Matter(
                dynamic=self.dynamic,
                kind=kind,
                title=title,
                body="Can we talk about this before the weekend?",
                opened_by=opener,
                opened_at=t,
                domain=domain,
            )
            comments = []
            at = t
            for n in range(rng.randint(1, 5)):
                at = at + timedelta(hours=rng.randint(1, 20))
                if at >= now:
                    break
                comments.append(
                    MatterComment(
                        matter=matter,
                        author=self.leader if n % 2 == 0 else self.follower,
                        body=rng.choice(REPLIES),
                        created_at=at,
                    )
                )
            closed = at + timedelta(hours=rng.randint(1, 30))
            if closed < now - timedelta(days=2) or (
                closed < now and rng.random() < 0.5
            ):
                if rng.random() < 0.9:
                    matter.state = Matter.State.DECIDED
                    matter.decision = rng.choice(["Yes.", "Not this time.", "Sunday."])
                    matter.reason = rng.choice(REASONS)
                    self._audit(
                        self.leader,
                        Role.LEADER,
                        "matter_decided",
                        "Matter decided",
                        closed,
                    )
                else:
                    matter.state = Matter.State.WITHDRAWN
                matter.closed_by, matter.closed_at = self.leader, closed
            else:
                matter.decide_by = t + timedelta(days=rng.randint(3, 10))
            out.append((matter, comments))
            t += timedelta(days=rng.randint(5, 18), hours=rng.randint(0, 23))
        return out

    def journal(self) -> list[tuple[JournalEntry, list[JournalComment]]]:
        rng, now = self.rng, self.now
        out = []
        for person, other in (
            (self.follower, self.leader),
            (self.leader, self.follower),
        ):
            t = self.signed_at + timedelta(days=rng.randint(1, 5), hours=2)
            while t < now:
                prompt, body = rng.choice(JOURNAL)
                shared = rng.random() < 0.4
                entry = JournalEntry(
                    dynamic=self.dynamic,
                    author=person,
                    visibility="shared" if shared else "private",
                    prompt=prompt,
                    title=prompt or "",
                    body=body,
                    created_at=t,
                    updated_at=t,
                    shared_at=t if shared else None,
                )
                comments = []
                if shared and rng.random() < 0.4:
                    reply = t + timedelta(hours=rng.randint(1, 12))
                    if reply < now:
                        comments.append(
                            JournalComment(
                                entry=entry,
                                author=other,
                                body="Thank you for sharing this.",
                                created_at=reply,
                            )
                        )
                out.append((entry, comments))
                t += timedelta(days=rng.randint(2, 7), hours=rng.randint(0, 12))
        return out


def _bulk(model, rows: list, summary: Summary, batch_size: int = 2000) -> None:
    """Inserts rows whose primary keys later rows need (bulk_create returns them)."""
    if rows:
        model.objects.bulk_create(rows, batch_size=batch_size)
        summary.add(model._meta.label, len(rows))


def _converter(field, conn) -> Callable:
    ops = conn.ops
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return ops.adapt_datetimefield_value
    if kind == "DateField":
        return ops.adapt_datefield_value
    if kind in ("DurationField", "JSONField", "UUIDField", "TimeField", "FileField"):
        return lambda value: field.get_db_prep_save(value, conn)
    return lambda value: value


def _insert(model, rows: list, summary: Summary, batch_size: int = 5000) -> None:
    """Inserts rows nothing refers to, without Django's per-value SQL compiler.

    Most of a bulk_create's time goes into compiling one placeholder per value;
    the biggest tables (occurrences, check-ins, the audit trail) go in with one
    prepared statement and executemany instead. The values are converted by the
    same backend adapters that bulk_create uses.
    """
    if not rows:
        return
    conn = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.local_concrete_fields if not f.primary_key]
    converters = [_converter(f, conn) for f in fields]
    relations = [f.is_relation for f in fields]
    quote = conn.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    plan = list(zip(fields, converters, relations, strict=True))
    values = []
    for row in rows:
        out = []
        for f, convert, is_relation in plan:
            value = getattr(row, f.attname)
            if value is None and is_relation and f.is_cached(row):
                # Assigned before the related row was saved: take its key now.
                related = f.get_cached_value(row)
                value = None if related is None else related.pk
            out.append(None if value is None else convert(value))
        values.append(out)
    with conn.cursor() as cursor:
        for first in range(0, len(values), batch_size):
            cursor.executemany(sql, values[first : first + batch_size])
    summary.add(model._meta.label, len(rows))


def _chunk(
    numbers: range, *, seed: int, days: int, now: datetime, password: str, s: Summary
) -> None:
    couples = [
        _Couple(n, seed=seed, days=days, now=now, password=password) for n in numbers
    ]
    for c in couples:
        c.people()
    _bulk(User, [u for c in couples for u in (c.leader, c.follower)], s)
    _bulk(EmailAddress, [e for c in couples for e in c.emails()], s)
    pause_rows = {c.number: c.pauses() for c in couples}  # sets dynamic.state
    _bulk(Dynamic, [c.dynamic for c in couples], s)
    by_model: dict[type, list] = {}
    for c in couples:
        for row in c.membership():
            by_model.setdefault(type(row), []).append(row)
    for model, rows in by_model.items():
        _bulk(model, rows, s)
    # A draft first, its contents, then in force: the database refuses contents
    # of a signed version, exactly as it does for the services.
    _bulk(AgreementVersion, [c.agreement() for c in couples], s)
    domains, others = [], []
    for c in couples:
        d, o = c.contents()
        domains += d
        others += o
    _bulk(Domain, domains, s)
    _bulk(Limit, [o for o in others if isinstance(o, Limit)], s)
    _bulk(Consequence, [o for o in others if isinstance(o, Consequence)], s)
    _bulk(Rule, [r for c in couples for r in c.rules()], s)
    AgreementVersion.objects.filter(
        pk__in=[c.version.pk for c in couples], in_force_from__isnull=True
    ).update(in_force_from=F("follower_signed_at"))

    _bulk(Pause, [p for c in couples for p in pause_rows[c.number][0]], s)
    _bulk(Signal, [g for c in couples for g in pause_rows[c.number][1]], s)
    _bulk(Aftercare, [a for c in couples for a in pause_rows[c.number][2]], s)
    _bulk(Duty, [d for c in couples for d in c.duties(pause_rows[c.number][0])], s)
    # Incidents point at the slipped occurrences: those need their keys back.
    occurrences = [o for c in couples for o in c.occurrences()]
    slipped = {id(o) for c in couples for o, _kind in c.slips}
    _bulk(Occurrence, [o for o in occurrences if id(o) in slipped], s)
    _insert(Occurrence, [o for o in occurrences if id(o) not in slipped], s)
    _bulk(MakeItRight, [m for c in couples for m in c.make_it_right()], s)
    incidents = [pair for c in couples for pair in c.incidents()]
    for incident, occ in incidents:
        if occ is not None:
            incident.source_key = occurrence_source_key(str(occ.pk))
    _bulk(Incident, [i for i, _o in incidents], s)
    _insert(CheckIn, [x for c in couples for x in c.checkins()], s)
    matters = [pair for c in couples for pair in c.matters()]
    _bulk(Matter, [m for m, _c in matters], s)
    _insert(MatterComment, [x for _m, cs in matters for x in cs], s)
    entries = [pair for c in couples for pair in c.journal()]
    _bulk(JournalEntry, [e for e, _c in entries], s)
    _insert(JournalComment, [x for _e, cs in entries for x in cs], s)
    # Appended in time order, as the services would have written them.
    audit = sorted(
        (a for c in couples for a in c.audit), key=lambda a: (a.dynamic.pk, a.at)
    )
    _insert(AuditEntry, audit, s)


def generate(
    *,
    dynamics: int,
    days: int,
    seed: int = 1,
    now: datetime,
    first: int = 1,
    chunk: int = 20,
    progress: Callable[[int, int], None] | None = None,
) -> Summary:
    """Writes ``dynamics`` demo couples with ``days`` of history up to ``now``,
    numbered from ``first`` (a second call with a higher ``first`` adds couples
    with another history length beside the first ones).

    Refuses (ValueError) when the database already holds couple ``first``: the
    addresses are fixed, so a second run would collide.
    """
    if dynamics < 1 or days < 1:
        raise ValueError("Give at least one dynamic and one day.")
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime.")
    if already_generated(first):
        raise ValueError(
            "This database already holds the demo couples; use a fresh database."
        )
    # One hash for every demo person: hashing is deliberately slow, and the
    # demo accounts share their documented password anyway.
    password = make_password(PASSWORD)
    summary = Summary()
    last = first + dynamics - 1
    for start in range(first, last + 1, chunk):
        numbers = range(start, min(start + chunk, last + 1))
        with transaction.atomic():
            _chunk(numbers, seed=seed, days=days, now=now, password=password, s=summary)
        if progress is not None:
            progress(numbers[-1] - first + 1, dynamics)
    return summary
