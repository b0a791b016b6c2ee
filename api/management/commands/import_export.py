from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from api.portability import import_archives
from instep.errors import Refused


class Command(BaseCommand):
    help = (
        "Imports Instep export ZIPs into this (fresh) instance. Give both "
        "partners' archives together to restore their shared dynamics whole."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("archives", nargs="+", type=Path)

    def handle(self, *args, archives: list[Path], **options) -> None:
        try:
            contents = [path.read_bytes() for path in archives]
            context = import_archives(contents, now=timezone.now())
        except OSError as e:
            raise CommandError(f"Cannot read {e.filename}: {e.strerror}") from e
        except Refused as refusal:
            raise CommandError(refusal.message) from refusal
        for note in context.notes:
            self.stdout.write(note)
        self.stdout.write(self.style.SUCCESS(f"Imported {len(archives)} archive(s)."))
