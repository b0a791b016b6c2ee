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
        from dynamics import now as dynamics_now
        from notify import events, outbound, periodic, receivers  # noqa: F401
        from notify import now as notify_now
        from notify.queries import (
            push_offer_subquery,
            unread_subquery,
            vapid_key_subquery,
        )

        dynamics_hooks.signal_sent.register(events.signal_sent)
        dynamics_hooks.tell_partner.register(events.tell_partner)
        signals.email_confirmed.connect(receivers.email_confirmed)
        signals.email_changed.connect(receivers.email_changed)
        # The page frame's unread count rides on the memberships' query.
        nav.register("unread_notifications", unread_subquery)
        # Now's part: the unread notifications and the offer to turn on push,
        # whose two values ride on the gate's query alone.
        nav.register("push_offer", push_offer_subquery, gate_only=True)
        nav.register("vapid_public_key", vapid_key_subquery, gate_only=True)
        dynamics_now.provide(notify_now.part)
        # Connections to addresses a person gave are checked (notify/outbound.py).
        outbound.install()
