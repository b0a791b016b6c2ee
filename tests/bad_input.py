"""What the bad-input tests send, and how they judge the answer.

Both the page test (tests/test_bad_input.py) and the API test
(api/tests/test_bad_input.py) find their targets themselves and send the
payload classes below to each. The oracle, for every request:

- never a server error (status < 500);
- a refusal (any 4xx, or a page that comes back with an error message) changes
  nothing: every table of the project's apps reads the same before and after;
- an answer that accepted the input did not store garbage where it must not
  be: no NUL character, no text longer than ``MAX_STORED_TEXT``, no time zone
  that is not one, and no script payload served back unescaped.
"""

import os
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from instep.models import RateWindow

# Bounded for `make test`; BAD_INPUT_EXAMPLES=200 soaks for longer by hand.
hypothesis_settings.register_profile(
    "bad_input",
    max_examples=int(os.environ.get("BAD_INPUT_EXAMPLES", "4")),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)
BUDGET = hypothesis_settings.get_profile("bad_input")

MARKER = "instep-xss-probe"
SCRIPT = f'<script>alert("{MARKER}")</script>'
HTML = [
    SCRIPT,
    f"<img src=x onerror=\"alert('{MARKER}')\">",
    f'"><svg onload=alert("{MARKER}")>',
    "javascript:alert(1)",
    "{{ request.user.password }}{% debug %}",
    "<b>bold</b> & <i>",
]
# Text no form should keep: 1 MB (a request that big is refused before any view).
OVERSIZED = "x" * (1024 * 1024)
MAX_STORED_TEXT = 100_000
DATES = [
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "2026-11-23T25:61",
    "2026-03-29T02:30",  # inside Europe's spring-forward gap
    "9999-12-31T23:59:59",
    "0001-01-01T00:00",
    "1969-12-31",
    "2026-11-23T09:00:00+99:00",
    "yesterday",
    "1e400",
]
TIME_ZONES = [
    "Mars/Olympus_Mons",
    "UTC+25",
    "../../etc/passwd",
    "Europe/Berlin\x00",
    " UTC",
    "utc",
    "EST5EDT,M3.2.0,M11.1.0",
    "Etc/GMT+15",
    "posixrules",
]
UNICODE = [
    "\x00",
    "nul\x00inside",
    "\u202eevil\u202c",
    "\ufeffbom",
    "zero\u200bwidth",
    "e\u0301\u0301\u0301",
    "🏳️‍🌈" * 20,
    "𝕴𝖓𝖘𝖙𝖊𝖕",
    "\U0010ffff\ufffe",
    "İstanbul ß",
    "\r\n\t\x0b\x0c",
    "\x1b[31mred\x1b[0m",
    "   ",
]
WRONG_TYPES = [
    "-1",
    "0",
    "99999999999999999999999999",
    "1.5",
    "NaN",
    "-Infinity",
    "true",
    "null",
    "[]",
    '{"a": 1}',
    "' OR 1=1 --",
]
PAYLOAD_CLASSES: dict[str, list[str]] = {
    "empty": [""],
    "html": HTML,
    "dates": DATES,
    "time_zones": TIME_ZONES,
    "unicode": UNICODE,
    "wrong_types": WRONG_TYPES,
}
# Bytes that are not UTF-8, for raw bodies.
NOT_UTF8 = b"\xff\xfe\xc3\x28\xa0\xa1\xe2\x28\xa1\xf0\x28\x8c\xbc"


def garbage() -> st.SearchStrategy[str]:
    """One bad value: from a payload class, or text hypothesis makes up."""
    known = [v for values in PAYLOAD_CLASSES.values() for v in values]
    return st.one_of(
        st.sampled_from(known),
        st.text(max_size=40),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
    )


# The snapshot ----------------------------------------------------------------


@cache
def _project_tables() -> tuple[tuple[str, str, str], ...]:
    """Returns (model, table, primary key column) for the tables a request may
    change: the project's own apps (new ones count as soon as they are
    installed) and allauth's. Sessions change with every sign-in, and the rate
    limits' counts with every call (instep.ratelimit): both are left out."""
    base = Path(settings.BASE_DIR)
    chosen = []
    for config in apps.get_app_configs():
        path = Path(config.path)
        ours = base in path.parents and ".venv" not in path.parts
        if ours or config.label in ("account", "mfa", "auth"):
            for model in config.get_models(include_auto_created=True):
                if model not in (Session, RateWindow):
                    meta = model._meta
                    chosen.append((meta.label, meta.db_table, meta.pk.column))
    return tuple(chosen)


Snapshot = dict[str, dict[object, tuple]]
_COLUMNS: dict[str, list[str]] = {}


def snapshot() -> Snapshot:
    """Returns every row of the project's tables, by model and primary key.

    Plain SQL: a snapshot is taken around many requests, and the ORM would
    make it thirty times slower."""
    quote = connection.ops.quote_name
    found: Snapshot = {}
    with connection.cursor() as cursor:
        for label, table, pk in _project_tables():
            cursor.execute(f"SELECT {quote(pk)}, * FROM {quote(table)}")  # noqa: S608
            columns = _COLUMNS.setdefault(label, [c[0] for c in cursor.description])
            masked = [
                i for i, c in enumerate(columns) if c in BOOKKEEPING.get(label, ())
            ]
            rows = cursor.fetchall()
            if masked:
                rows = [
                    tuple(None if i in masked else v for i, v in enumerate(row))
                    for row in rows
                ]
            found[label] = {row[0]: row for row in rows}
    return found


def changes(before: Snapshot, after: Snapshot) -> dict[str, list]:
    """Returns the rows added, changed or removed, by model."""
    found = {}
    for label, rows in after.items():
        if label in INSTANCE_SETUP:
            continue
        old = before.get(label, {})
        diff = [row for pk, row in rows.items() if old.get(pk) != row]
        diff += [("removed", pk) for pk in old.keys() - rows.keys()]
        if diff:
            found[label] = diff
    return found


# Tables that change on any request and hold nothing a form sends.
UNWATCHED_TABLES = ("django_session", "instep_cache", "instep_ratewindow")
# Rows a page makes once for the whole instance the first time it is shown
# (the Web Push key pair on the notification settings), whatever was posted.
INSTANCE_SETUP = ("notify.VapidKey",)
# Columns that record that a call happened, not what it asked for: a token's
# last use is noted on every call it authenticates, refused or not.
BOOKKEEPING = {"api.ApiToken": {"last_used_at"}}


def wrote(statements: Iterable[str]) -> bool:
    """Returns whether any statement may have changed a watched table."""
    for sql in statements:
        head = sql.lstrip().upper()
        if head.startswith(("INSERT", "UPDATE", "DELETE", "REPLACE")) and not any(
            table in sql for table in UNWATCHED_TABLES
        ):
            return True
    return False


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _zone_columns(label: str) -> set[int]:
    return {
        i
        for i, name in enumerate(_COLUMNS.get(label, []))
        if name in ("tz", "timezone", "tzname") or name.endswith("time_zone")
    }


def stored_garbage(before: Snapshot, after: Snapshot) -> list[str]:
    """Returns what an accepted request stored that must never be stored."""
    problems = []
    for label, rows in changes(before, after).items():
        zone_columns = _zone_columns(label)
        for row in rows:
            if row[0] == "removed":
                continue
            for i, value in enumerate(row):
                if not isinstance(value, str):
                    continue
                if "\x00" in value:
                    problems.append(f"{label}: a NUL character was stored")
                if len(value) > MAX_STORED_TEXT:
                    problems.append(f"{label}: {len(value)} characters were stored")
                if i in zone_columns and value and value not in _zones():
                    problems.append(f"{label}: time zone {value!r} was stored")
    return problems


class _ScriptFinder(HTMLParser):
    """Finds the probe where a browser would run it: inside a script element
    or in an event attribute (``onerror=``). As text it is harmless."""

    def __init__(self) -> None:
        super().__init__()
        self.found = False
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_script = tag == "script"
        for name, value in attrs:
            if name.startswith("on") and MARKER in (value or ""):
                self.found = True

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and MARKER in data:
            self.found = True


def served_unescaped(content: bytes) -> bool:
    """Returns whether a script payload came back as markup a browser runs."""
    finder = _ScriptFinder()
    finder.feed(content.decode("utf-8", "replace"))
    return finder.found


# Forms, as the pages render them ---------------------------------------------


@dataclass
class FormField:
    name: str
    kind: str  # the input type, "select" or "textarea"
    options: list[str] = field(default_factory=list)


class FormFinder(HTMLParser):
    """Collects each POST form of a page: its action and its fields."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, FormField]]] = []
        self._form: dict[str, FormField] | None = None
        self._select: FormField | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self._form = {}
                self.forms.append((a.get("action", ""), self._form))
            return
        if self._form is None or not (name := a.get("name")):
            if tag == "option" and self._select is not None:
                self._select.options.append(a.get("value", ""))
            return
        if name == "csrfmiddlewaretoken":
            return
        if tag in ("input", "button"):
            kind = a.get("type", "text" if tag == "input" else "submit")
            found = self._form.setdefault(name, FormField(name, kind))
            if a.get("value"):
                found.options.append(a["value"])
        elif tag == "textarea":
            self._form.setdefault(name, FormField(name, "textarea"))
        elif tag == "select":
            self._select = self._form.setdefault(name, FormField(name, "select"))
        if tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def post_forms(content: bytes) -> list[tuple[str, dict[str, FormField]]]:
    finder = FormFinder()
    finder.feed(content.decode("utf-8", "replace"))
    return finder.forms


def merge(into: dict[str, FormField], fields: Iterable[FormField]) -> None:
    for f in fields:
        known = into.setdefault(f.name, FormField(f.name, f.kind))
        known.options = sorted(set(known.options) | set(f.options))
