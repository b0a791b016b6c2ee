from django.apps import AppConfig


class ConductConfig(AppConfig):
    name = "conduct"
    verbose_name = "Conduct: incidents and repair"

    def ready(self) -> None:
        # Models are loaded only now. duties, below conduct, hands slips and
        # finished tasks up through its hooks; talk's weekly snapshot takes
        # conduct's part of the week; a hard limit declared later ends the
        # repair tasks that touch it; Now asks for conduct's part.
        from agreements import hooks as agreement_hooks
        from conduct import now as conduct_now
        from conduct import queries, services
        from duties import hooks as duty_hooks
        from dynamics import now
        from talk import snapshot

        duty_hooks.slipped.register(services.record_slip_from_occurrence)
        duty_hooks.task_done.register(services.repair_task_done)
        duty_hooks.retire_blocked.register(services.repair_task_kept)
        snapshot.week_parts.register(queries.week_for_review)
        agreement_hooks.hard_limit_declared.register(services.excuse_for_hard_limit)
        now.provide(conduct_now.part)
        now.watch("incident", "incidents__id")
        now.watch("reflection", "incidents__reflected_at")
        now.watch("resolved", "incidents__resolved_at")
        now.watch("apology", "incidents__apologies__at")
