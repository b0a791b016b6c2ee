from django.apps import AppConfig


class TalkConfig(AppConfig):
    name = "talk"
    verbose_name = "Talk"

    def ready(self) -> None:
        # Now (the dynamic's home) asks each app for its part; see dynamics.now.
        from dynamics import now
        from talk import now as talk_now

        now.provide(talk_now.part)
        now.watch("checkin", "checkins__updated_at")
        now.watch("matter", "matters__id")
        now.watch("matter_closed", "matters__closed_at")
        now.watch("matter_comment", "matters__comments__id")
