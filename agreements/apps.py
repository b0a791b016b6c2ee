from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = "Agreements"

    def ready(self) -> None:
        # Registers its periodic jobs (review reminders, an absent leader)
        # with notify's tick; models are loaded only now.
        from agreements import reminders  # noqa: F401
