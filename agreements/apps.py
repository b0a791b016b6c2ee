from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = "Agreements"

    def ready(self) -> None:
        # Models are loaded only now. Registers its periodic jobs (review
        # reminders, an absent leader) with notify's tick, and its part of Now
        # (the dynamic's home; see dynamics.now).
        from agreements import now as agreements_now
        from agreements import reminders  # noqa: F401
        from dynamics import now

        now.provide(agreements_now.part)
        now.watch("draft_comment", "agreement_versions__comments__id")
