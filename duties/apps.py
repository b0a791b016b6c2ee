from django.apps import AppConfig


class DutiesConfig(AppConfig):
    name = "duties"
    verbose_name = "Duties"

    def ready(self) -> None:
        # A leader's request for a duty is a talk matter; its answer comes back
        # here to put the duty on the clock (or to leave nothing imposed).
        from agreements.services import on_hard_limit_declared
        from duties.services import settle_duty_request, suspend_for_hard_limit
        from talk.services import handle_proposals

        handle_proposals("duty", settle_duty_request)
        # A hard limit declared later takes what touches it off the clock.
        on_hard_limit_declared(suspend_for_hard_limit)
