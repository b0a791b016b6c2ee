from django.core.management.base import BaseCommand
from django.utils import timezone

from duties import services


class Command(BaseCommand):
    help = "Deletes proof photos older than their retention (30 days)."

    def handle(self, *args, **options) -> None:
        purged = services.purge_proof_photos(now=timezone.now())
        self.stdout.write(f"{purged} photo(s) deleted.")
