from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "notify"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # Models are loaded only now. The apps above notify register their own
        # periodic jobs (notify.periodic) in their ready(); dynamics, below
        # notify, tells it about signals through its hook.
        from dynamics import hooks as dynamics_hooks
        from notify import events, periodic  # noqa: F401 (its own minute jobs)

        dynamics_hooks.signal_sent.register(events.signal_sent)
