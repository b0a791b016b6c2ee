from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from instep import backup
from instep.errors import Refused


class Command(BaseCommand):
    help = (
        "Puts a backup made by `manage.py backup` in place of the database and "
        "the uploaded files. Stop the web server and the worker first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="the backup archive")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database that already holds people",
        )

    def handle(self, *args, archive: Path, force: bool, **options) -> None:
        try:
            manifest = backup.restore(archive, force=force)
        except Refused as e:
            raise CommandError(e.message) from e
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']} from {archive}"
        )
