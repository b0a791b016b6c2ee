from django.apps import AppConfig


class DutiesConfig(AppConfig):
    name = "duties"
    verbose_name = "Duties"

    def ready(self) -> None:
        # Models are loaded only now. reminders registers the hourly duties run
        # and the reminders with notify's tick.
        from agreements import hooks as agreement_hooks
        from duties import now as duties_now
        from duties import queries, reminders, services  # noqa: F401
        from dynamics import nav, now
        from talk import snapshot
        from talk.services import handle_proposals

        # A leader's request for a duty is a talk matter; its answer comes back
        # here to put the duty on the clock (or to leave nothing imposed).
        handle_proposals("duty", services.settle_duty_request)
        snapshot.week_parts.register(queries.week_for_review)
        # A hard limit declared later takes what touches it off the clock.
        agreement_hooks.hard_limit_declared.register(services.suspend_for_hard_limit)
        # Today's "Review (n)" rides on the permission gate's query.
        nav.register("reviews_waiting", queries.reviews_waiting, gate_only=True)
        # Now (the dynamic's home) asks each app for its part; see dynamics.now.
        now.provide(duties_now.part)
