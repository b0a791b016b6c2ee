from django.apps import AppConfig


class TalkConfig(AppConfig):
    name = "talk"
    verbose_name = "Talk"

    def ready(self) -> None:
        # Models are loaded only now. Registers its periodic jobs (matters,
        # check-in prompts, the weekly review) with notify's tick, and its part
        # of Now (the dynamic's home; see dynamics.now).
        from dynamics import now
        from talk import now as talk_now
        from talk import reminders  # noqa: F401

        now.provide(talk_now.part)
        # Only what the partner may see moves the version the partner's page
        # polls: a private edit of a check-in must not (docs/security.md).
        now.watch("checkin", "checkins__shared_updated_at")
        now.watch("matter", "matters__id")
        now.watch("matter_closed", "matters__closed_at")
        now.watch("matter_comment", "matters__comments__id")
