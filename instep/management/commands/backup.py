from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from instep import backup
from instep.errors import Refused


class Command(BaseCommand):
    help = (
        "Writes the database and the uploaded files to one archive (safe while "
        "Instep runs). Default: var/backups/instep-<date>-<time>.tar.gz."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, help="where to write the archive")

    def handle(self, *args, output: Path | None, **options) -> None:
        try:
            path = backup.backup(output)
        except Refused as e:
            raise CommandError(e.message) from e
        self.stdout.write(f"Backed up to {path}")
