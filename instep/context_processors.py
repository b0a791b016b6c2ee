import secrets
from functools import cached_property

from django.http import HttpRequest

from instep.wording import words_for


class _Nav:
    """What the page frame shows; evaluated only when a template asks."""

    def __init__(self, request: HttpRequest):
        self.user = request.user
        self.session = getattr(request, "session", None)

    @cached_property
    def memberships(self) -> list:
        from dynamics import nav
        from dynamics.queries import memberships_of

        if not self.user.is_authenticated:
            return []
        # A page of a dynamic brought them with its permission gate.
        remembered = nav.remembered(self.user)
        return remembered if remembered is not None else memberships_of(self.user)

    @cached_property
    def alerts(self) -> list:
        from dynamics.queries import partner_alerts

        return partner_alerts(self.user, self.memberships)

    @cached_property
    def alerts_version(self) -> str:
        """The alert part of the poll's version, from the alerts on the page."""
        from dynamics.now import alerts_version

        return alerts_version([s.pk for s in self.alerts])

    @cached_property
    def bell(self) -> dict:
        """The bell's last count ``{"d", "n", "v"}``, kept in the session by
        Now and by the alert poll: the frame shows it without a query."""
        if self.session is None or not self.user.is_authenticated:
            return {}
        return self.session.get("instep_bell") or {}

    @cached_property
    def unread(self) -> int:
        from notify.queries import unread_count

        if not self.user.is_authenticated:
            return 0
        if self.memberships:
            # Counted in the memberships' query (notify registers it).
            return self.memberships[0].unread_notifications
        return unread_count(self.user)

    @cached_property
    def can_signal(self) -> bool:
        return any(not m.dynamic.is_ended for m in self.memberships)

    @cached_property
    def signal_key(self) -> str:
        """Returns an idempotency key new with each rendered page: the signal
        forms send it, so a double tap on red records one signal, not two."""
        return secrets.token_urlsafe(16)


def instep(request: HttpRequest) -> dict:
    discreet = bool(getattr(request.user, "discreet", False))
    return {"nav": _Nav(request), "words": words_for(discreet), "discreet": discreet}
