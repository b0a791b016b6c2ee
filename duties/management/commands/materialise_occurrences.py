from django.core.management.base import BaseCommand
from django.utils import timezone

from duties import services


class Command(BaseCommand):
    help = "Creates occurrences 14 days ahead and records misses. Safe to repeat."

    def handle(self, *args, **options) -> None:
        created = services.materialise(now=timezone.now())
        self.stdout.write(f"{created} occurrence(s) created.")
