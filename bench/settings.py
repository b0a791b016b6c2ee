"""Production settings plus one measuring middleware: only ``make bench`` uses them.

``bench.middleware.QueryCount`` answers every request with the number of SQL
queries it ran (``X-Bench-Queries``), so the load report can show queries per
page without a debug toolbar or DEBUG=1 (which would slow every page down).
"""

from instep.settings import *  # noqa: F403
from instep.settings import MIDDLEWARE

MIDDLEWARE = ["bench.middleware.QueryCount", *MIDDLEWARE]
