from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "notify"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # Models are loaded only now. The apps above notify register their own
        # periodic jobs (notify.periodic) in their ready(); dynamics, below
        # notify, tells it about signals through its hook; a confirmed e-mail
        # address becomes a channel.
        from allauth.account import signals

        from dynamics import hooks as dynamics_hooks
        from dynamics import nav
        from notify import events, outbound, periodic, receivers  # noqa: F401
        from notify.queries import unread_subquery

        dynamics_hooks.signal_sent.register(events.signal_sent)
        dynamics_hooks.tell_partner.register(events.tell_partner)
        signals.email_confirmed.connect(receivers.email_confirmed)
        signals.email_changed.connect(receivers.email_changed)
        # The page frame's unread count rides on the memberships' query.
        nav.register("unread_notifications", unread_subquery)
        # Connections to addresses a person gave are checked (notify/outbound.py).
        outbound.install()
