from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "notify"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # Registers the other apps' periodic jobs with the tick.
        from dynamics import nav
        from notify import reminders  # noqa: F401
        from notify.queries import unread_subquery

        # The page frame's unread count rides on the memberships' query.
        nav.register("unread_notifications", unread_subquery)
