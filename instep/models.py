from django.db import models


class RateWindow(models.Model):
    """How often one person (or token) did one cheap-to-abuse thing lately.

    A row in the database, not a cache entry: Django's database cache
    increments by reading and writing back, so parallel requests in several
    server processes would lose counts. ``instep.ratelimit`` counts with one
    conditional UPDATE instead.
    """

    key = models.CharField(max_length=200, unique=True)
    started_at = models.DateTimeField()
    count = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.key}: {self.count} since {self.started_at:%Y-%m-%d %H:%M}"
