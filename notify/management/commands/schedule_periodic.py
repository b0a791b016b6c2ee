from django.core.management.base import BaseCommand
from django.utils import timezone

from notify.tasks import start_ticking


class Command(BaseCommand):
    help = (
        "Starts the minute-by-minute periodic task chain (run before db_worker; "
        "safe to run again, also from cron: a running chain absorbs it)."
    )

    def handle(self, *args, **options) -> None:
        start_ticking(now=timezone.now())
        self.stdout.write("Periodic work is scheduled.")
