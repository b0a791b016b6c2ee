from django.apps import AppConfig


class ConductConfig(AppConfig):
    name = "conduct"
    verbose_name = "Conduct: incidents and repair"

    def ready(self) -> None:
        # A hard limit declared later ends the repair tasks that touch it.
        from agreements.services import on_hard_limit_declared
        from conduct.services import excuse_for_hard_limit

        on_hard_limit_declared(excuse_for_hard_limit)
