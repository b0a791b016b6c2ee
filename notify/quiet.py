"""Quiet hours: pure functions, no Django, ``now`` passed in."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


def _local_at(day: datetime, at: time, zone: ZoneInfo) -> datetime:
    """Returns wall-clock ``at`` on ``day``'s date in ``zone``.

    A time inside a spring-forward gap comes out after the jump, so the end
    of quiet hours is never moved earlier.
    """
    naive = datetime.combine(day.date(), at)
    aware = naive.replace(tzinfo=zone, fold=1)
    # Round-tripping through UTC normalises a non-existent wall time.
    return aware.astimezone(ZoneInfo("UTC")).astimezone(zone)


def quiet_until(
    now: datetime, start: time | None, end: time | None, zone_name: str
) -> datetime | None:
    """Returns when the quiet hours around ``now`` end, or None outside them.

    Quiet hours run from ``start`` to ``end`` in the person's wall-clock time
    and may cross midnight (22:00–07:00). Equal start and end mean none.
    """
    if start is None or end is None or start == end:
        return None
    zone = ZoneInfo(zone_name)
    local = now.astimezone(zone)
    wall = local.time().replace(tzinfo=None)
    if start < end:
        inside = start <= wall < end
        end_day = local
    else:
        inside = wall >= start or wall < end
        end_day = local + timedelta(days=1) if wall >= start else local
    if not inside:
        return None
    return _local_at(end_day, end, zone)
