from django.apps import AppConfig


class TalkConfig(AppConfig):
    name = "talk"
    verbose_name = "Talk"

    def ready(self) -> None:
        # Registers its periodic jobs (matters, check-in prompts, the weekly
        # review) with notify's tick; models are loaded only now.
        from talk import reminders  # noqa: F401
