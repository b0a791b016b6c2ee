"""The periodic work of the other apps, run by notify's tick.

Duties, talk and agreements expose queries; the jobs here read them every
minute (or hour) and call ``notify`` with a dedupe key per event, so a tick
that runs twice, or a scan that sees the same occurrence each minute, tells
nobody anything twice. Each scan looks back a bounded window (``CATCH_UP``)
so a worker outage is made up for without replaying old history.
"""

from datetime import datetime

from duties import services as duty_services
from notify.periodic import every_hour


@every_hour
def materialise_occurrences(now: datetime) -> int:
    """Keeps duty occurrences 14 days ahead and records misses (hourly)."""
    return duty_services.materialise(now=now)


@every_hour
def purge_proof_photos(now: datetime) -> int:
    """Deletes duty proof photos past their retention (hourly)."""
    return duty_services.purge_proof_photos(now=now)
