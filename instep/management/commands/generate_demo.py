import time
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from bench import demo


def _moment(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("give a time zone, e.g. 2026-12-01T09:00+00:00")
    return moment


class Command(BaseCommand):
    help = (
        "Fills a fresh database with demo couples and their history "
        f"(sign in as {demo.email_of('leader', 1)} or {demo.email_of('follower', 1)}, "
        f"password {demo.PASSWORD}). The same seed and size give the same world."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dynamics", type=int, default=1, help="how many couples")
        parser.add_argument("--days", type=int, default=90, help="days of history")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--first",
            type=int,
            default=1,
            help="number of the first couple (to add couples beside earlier ones)",
        )
        parser.add_argument(
            "--now",
            type=_moment,
            default=None,
            help="where the history ends (ISO time; default: this hour)",
        )

    def handle(self, *args, **options) -> None:
        now = options["now"] or timezone.now().replace(
            minute=0, second=0, microsecond=0
        )
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            if options["verbosity"] >= 1 and (done == total or done % 100 == 0):
                elapsed = time.monotonic() - started
                self.stdout.write(f"{done}/{total} couples ({elapsed:.0f} s)")

        try:
            summary = demo.generate(
                dynamics=options["dynamics"],
                days=options["days"],
                seed=options["seed"],
                now=now,
                first=options["first"],
                progress=progress,
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"{summary.total} rows in {time.monotonic() - started:.0f} s. "
            f"Sign in as {demo.email_of('leader', 1)} or "
            f"{demo.email_of('follower', 1)} with the password {demo.PASSWORD}."
        )
