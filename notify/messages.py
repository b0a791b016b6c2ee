"""What a notification says, rendered from its kind's plain or discreet template.

Each kind has two templates, ``notify/messages/<kind>.plain.txt`` and
``<kind>.discreet.txt``: the first line is the title, the rest the body. The
discreet one names nothing (no titles, rule or duty names, people or
intimate words): it is what a lock screen shows at a family dinner.
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

# Every kind another app may send, with the context keys its templates use.
# Keys ending in ``_at`` hold ISO datetimes; they reach templates as
# ``<name>_time`` and ``<name>_date`` in the person's time zone.
KINDS: dict[str, tuple[str, ...]] = {
    "test": (),
    "signal_red": ("who",),
    "signal_yellow": ("who",),
    "signal_take_lead": ("who",),
    "opening": ("title", "due_at"),
    "due_soon": ("title", "due_at"),
    "late": ("title", "due_at"),
    "review_needed": ("title",),
    "matter_awaiting": ("title",),
    "checkin_prompt": (),
    "weekly_review": (),
    "agreement_review": ("review_at",),
    "leader_absent": ("seen_at",),
    # What the partner did, told as it happens (services call ``tell_partner``).
    "draft_to_sign": ("who", "number"),
    "draft_changed": ("who", "number"),
    "signature_given": ("who", "number", "in_force"),
    "duty_assigned": ("who", "title"),
    "duty_changed": ("who", "title"),
    "request_asked": ("who", "title"),
    "request_answered": ("who", "title", "accepted", "reason"),
    "incident_recorded": ("who", "title"),
    "reflection_owed": ("title",),
    "correction_chosen": ("who", "title", "name"),
    "apology_offered": ("who", "title"),
    "matter_opened": ("who", "title"),
    "matter_reply": ("who", "title"),
    "matter_decided": ("who", "title", "decision", "reason"),
    "entry_shared": ("who", "title"),
    "checkin_low": ("who", "answers"),
    "pause_started": ("who", "reason"),
    "pause_ended": ("who",),
}


class Level:
    """How a person wants to hear of one kind: not at all, in the inbox, or
    in the inbox and on every channel (push, e-mail, Apprise)."""

    OFF = "off"
    INBOX = "inbox"
    ALL = "all"
    CHOICES = (OFF, INBOX, ALL)


# Kinds a person cannot turn down: a red signal always reaches every channel,
# and a test message is asked for.
ALWAYS = frozenset({"signal_red", "test"})

# The level of each kind for someone who never chose: everything that asks
# something of the person, or that the partner did to them, reaches them; what
# is only good to know waits in the inbox.
DEFAULT_LEVELS: dict[str, str] = {kind: Level.ALL for kind in KINDS} | {
    "duty_changed": Level.INBOX,
    "entry_shared": Level.INBOX,
    "matter_reply": Level.INBOX,
}


# What the preferences page and API call each kind a person may choose for
# (every kind but ``ALWAYS``), in the order shown.
LABELS: dict[str, str] = {
    "signal_yellow": _("Yellow signal from your partner"),
    "signal_take_lead": _("Your partner asks you to take the lead"),
    "opening": _("A ritual or task opens"),
    "due_soon": _("Something is due soon"),
    "late": _("Something of yours is late"),
    "review_needed": _("Done, waiting for your review"),
    "duty_assigned": _("A ritual or task given to you"),
    "duty_changed": _("A ritual or task of yours changed"),
    "draft_to_sign": _("An agreement draft to sign"),
    "draft_changed": _("A signed draft changed: sign again"),
    "signature_given": _("Your partner signed"),
    "agreement_review": _("The agreement's review date nears"),
    "leader_absent": _("Your leader has been away"),
    "request_asked": _("A request for you to answer"),
    "request_answered": _("Your request was answered"),
    "matter_opened": _("A matter opened to talk about"),
    "matter_awaiting": _("A matter waits for your decision"),
    "matter_reply": _("A reply in a matter"),
    "matter_decided": _("A matter decided, with the reason"),
    "incident_recorded": _("An incident recorded"),
    "reflection_owed": _("A reflection owed"),
    "correction_chosen": _("A correction chosen"),
    "apology_offered": _("An apology offered"),
    "entry_shared": _("A journal entry shared with you"),
    "checkin_prompt": _("Time for your check-in"),
    "checkin_low": _("Your partner checked in with a 1 of 5"),
    "weekly_review": _("The weekly review"),
    "pause_started": _("Your partner paused"),
    "pause_ended": _("Your partner resumed"),
}


def level_of(kind: str, chosen: dict) -> str:
    """Returns the level for ``kind`` given a person's saved choices."""
    if kind in ALWAYS:
        return Level.ALL
    level = chosen.get(kind) if isinstance(chosen, dict) else None
    return level if level in Level.CHOICES else DEFAULT_LEVELS[kind]


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    url: str
    tag: str
    urgent: bool


def _localise(context: dict, zone_name: str) -> dict:
    try:
        zone = ZoneInfo(zone_name)
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    out = dict(context)
    for key, value in context.items():
        if key.endswith("_at") and isinstance(value, str):
            try:
                at = datetime.fromisoformat(value).astimezone(zone)
            except ValueError:
                continue
            stem = key.removesuffix("_at")
            out[f"{stem}_time"] = at.strftime("%H:%M")
            out[f"{stem}_date"] = at.strftime("%a %d %b").replace(" 0", " ")
    return out


def render(
    kind: str,
    context: dict,
    *,
    discreet: bool,
    zone_name: str,
    urgent: bool,
    tag: str,
) -> Message:
    """Returns the words for one notification to one person."""
    if kind not in KINDS:
        raise ValueError(f"Unknown notification kind: {kind}")
    variant = "discreet" if discreet else "plain"
    data = {"count": 1, **_localise(context, zone_name), "discreet": discreet}
    text = render_to_string(f"notify/messages/{kind}.{variant}.txt", data).strip()
    title, _sep, body = text.partition("\n")
    # A discreet message links to the start page only: a path can say too much.
    path = "/" if discreet else str(context.get("path") or "/")
    return Message(
        title=title.strip(),
        body=body.strip(),
        url=f"{settings.BASE_URL}{path}",
        tag="instep" if discreet else tag,
        urgent=urgent,
    )
