"""Django's database sessions, read with one prepared statement instead of a
queryset: every signed-in request reads its session, and building the ORM
query cost more than running it (docs/performance.md). Writing, expiry and
the table are Django's own (``SESSION_ENGINE = "instep.sessions"``)."""

from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.db import connections, router
from django.utils import timezone


class SessionStore(DatabaseStore):
    def load(self) -> dict:
        """Returns the session's data, or an empty one (and forgets the key)
        when there is no such session or it has expired, as Django does."""
        model = self.model
        connection = connections[router.db_for_read(model)]
        table = connection.ops.quote_name(model._meta.db_table)
        row = None
        if self.session_key is not None:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT session_data FROM {table} "  # noqa: S608 (our table)
                    "WHERE session_key = %s AND expire_date > %s",
                    [
                        self.session_key,
                        connection.ops.adapt_datetimefield_value(timezone.now()),
                    ],
                )
                row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return {}
        return self.decode(row[0])
