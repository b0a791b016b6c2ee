from django.apps import AppConfig


class ConductConfig(AppConfig):
    name = "conduct"
    verbose_name = "Conduct: incidents and repair"

    def ready(self) -> None:
        # Now (the dynamic's home) asks each app for its part; see dynamics.now.
        from conduct import now as conduct_now
        from dynamics import now

        now.provide(conduct_now.part)
        now.watch("incident", "incidents__id")
        now.watch("reflection", "incidents__reflected_at")
        now.watch("resolved", "incidents__resolved_at")
        now.watch("apology", "incidents__apologies__at")
