"""The words on screen, plain or discreet.

Discreet mode replaces every word that would tell an onlooker what Instep is
for with a neutral one. Templates read them as ``words.<key>``.
"""

PLAIN: dict[str, str] = {
    "app": "Instep",
    "dynamic": "dynamic",
    "dynamics": "Your dynamics",
    "red": "Red",
    "red_long": "Red — stop everything now",
    "red_sent": (
        "Red signal sent. Everything has stopped and your partner has been told."
    ),
    "red_alert": "pulled red",
    "yellow": "Yellow",
    "yellow_long": "Yellow — slow down, we need to talk",
    "yellow_alert": "signalled yellow: slow down, we need to talk",
    "take_lead": "Take the lead",
    "take_lead_long": "Take the lead — I'm overwhelmed, please step in",
    "take_lead_alert": "asks you to take the lead",
    "leader": "Leader",
    "follower": "Follower",
    "aftercare": "Aftercare check-in",
    "lock_title": "Locked",
}

DISCREET: dict[str, str] = {
    **PLAIN,
    "dynamic": "shared space",
    "dynamics": "Your shared spaces",
    "red": "Stop",
    "red_long": "Stop everything",
    "red_sent": "Stopped. The other person has been told.",
    "red_alert": "asked to stop",
    "yellow": "Slow down",
    "yellow_long": "Slow down, let's talk",
    "yellow_alert": "would like to slow down and talk",
    "take_lead": "Help",
    "take_lead_long": "I need help",
    "take_lead_alert": "asks for help",
    "leader": "Partner A",
    "follower": "Partner B",
    "aftercare": "Check-in",
}


def words_for(discreet: bool) -> dict[str, str]:
    return DISCREET if discreet else PLAIN


# Audit entries keep their plain summary; in discreet mode they read as these
# neutral lines instead (an act missing here reads as "Activity").
DISCREET_ACTS: dict[str, str] = {
    "dynamic_created": "Space created",
    "invitation_created": "Invitation made",
    "invitation_accepted": "Invitation accepted",
    "invitation_declined": "Invitation declined",
    "dynamic_paused": "Paused",
    "dynamic_resumed": "Resumed",
    "dynamic_ended": "Ended",
    "signal_red": "Stop",
    "signal_yellow": "Slow down",
    "signal_take_lead": "Asked for help",
    "aftercare_given": "Check-in",
    "member_left": "A member left",
}


def audit_line(act: str, summary: str, *, discreet: bool) -> str:
    """Returns how an audit entry reads on screen."""
    return DISCREET_ACTS.get(act, "Activity") if discreet else summary
