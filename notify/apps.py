from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "notify"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # Registers the other apps' periodic jobs with the tick.
        from notify import outbound, reminders  # noqa: F401

        # Connections to addresses a person gave are checked (notify/outbound.py).
        outbound.install()
