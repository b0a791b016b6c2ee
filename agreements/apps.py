from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = "Agreements"

    def ready(self) -> None:
        # Now (the dynamic's home) asks each app for its part; see dynamics.now.
        from agreements import now as agreements_now
        from dynamics import now

        now.provide(agreements_now.part)
        now.watch("draft_comment", "agreement_versions__comments__id")
