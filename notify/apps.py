from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "notify"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # Registers the other apps' periodic jobs with the tick.
        from allauth.account import signals

        from notify import receivers, reminders  # noqa: F401

        signals.email_confirmed.connect(receivers.email_confirmed)
        signals.email_changed.connect(receivers.email_changed)
