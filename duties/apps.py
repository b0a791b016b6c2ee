from django.apps import AppConfig


class DutiesConfig(AppConfig):
    name = "duties"
    verbose_name = "Duties"

    def ready(self) -> None:
        # A leader's request for a duty is a talk matter; its answer comes back
        # here to put the duty on the clock (or to leave nothing imposed).
        from duties.services import settle_duty_request
        from talk.services import handle_proposals

        handle_proposals("duty", settle_duty_request)
        # Now (the dynamic's home) asks each app for its part; see dynamics.now.
        from duties import now as duties_now
        from dynamics import now

        now.provide(duties_now.part)
