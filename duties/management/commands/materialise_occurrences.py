from django.core.management.base import BaseCommand
from django.utils import timezone

from duties import services, tasks


class Command(BaseCommand):
    help = "Creates occurrences 14 days ahead and records misses. Safe to repeat."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Also start the hourly runs by the task worker (db_worker).",
        )

    def handle(self, *args, **options) -> None:
        now = timezone.now()
        created = services.materialise(now=now)
        self.stdout.write(f"{created} occurrence(s) created.")
        if options["schedule"]:
            for job in (tasks.materialise_occurrences, tasks.purge_proof_photos):
                tasks.schedule_next(job, now=now)
            self.stdout.write("Hourly runs are scheduled for the task worker.")
