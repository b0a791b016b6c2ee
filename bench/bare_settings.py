"""The bench's first yardstick: a bare Django view, no middleware, no database.

``make bench`` serves it with the same gunicorn settings as Instep and measures
it with the same wrk script in the same run; each page's requests/s is reported
as a ratio to it (docs/performance.md).
"""

SECRET_KEY = "bench-bare-view-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "bench.bare_urls"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict = {}
USE_TZ = True
