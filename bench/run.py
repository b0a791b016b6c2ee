"""``make bench``: Instep under load on PostgreSQL and SQLite, with a report.

For each database: a bench database with the demo world (generated once and
kept as a template while seed and size match), the production server
(gunicorn, ``WEB_WORKERS`` sync workers) driven by wrk (``bench/wrk.py``, a C
load generator whose own cost is small) at 1, 10 and 50 connections, each
request signed in as a different demo person asking for their own dynamic's
page. Two yardsticks are measured the same way in the same run: a bare Django
view (``bench/bare_settings.py``: no middleware, no database, served by the
same gunicorn settings) and Instep's ``/health/`` (the whole middleware stack,
no query). Each page's requests/s is reported as a ratio to both. Also: SQL
queries and HTML size per page (``bench.middleware``) for a couple with a year
of history and one with a week; 10,000 reminders due in the same minute
delivered by two ``db_worker`` processes to a local receiver; the web and
worker memory; and a fault soak (locust, mixed pages) that SIGKILLs the server
and a worker while people write, then checks that every acknowledged write and
every due reminder is there. Writes var/bench/report.md and report.json and the
table in docs/performance.md.

Everything is configurable by environment variables (defaults are the issue's
scale): BENCH_DYNAMICS (1000), BENCH_DAYS (365), BENCH_SEED (1),
BENCH_DATABASES ("postgres,sqlite"), BENCH_USERS ("1,10,50": wrk
connections), BENCH_DURATION (seconds per measurement, 8), BENCH_REMINDERS
(10000), BENCH_SOAK (seconds, 60; 0 skips), BENCH_WEB_WORKERS (3), BENCH_PORT
(8137; the bare view listens on the next port), PG_URL (the server and role to
use) and BENCH_PG_NAME (``instep_bench``: the bench makes its own databases
``<name>`` and ``<name>_seed`` there).
"""

import contextlib
import csv
import gzip
import hashlib
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
PYTHON = sys.executable
BIN = Path(PYTHON).parent


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {value!r}") from None
    if number < 0:
        raise SystemExit(f"{name} must not be negative")
    return number


@dataclass
class Config:
    dynamics: int = field(default_factory=lambda: _env_int("BENCH_DYNAMICS", 1000))
    days: int = field(default_factory=lambda: _env_int("BENCH_DAYS", 365))
    seed: int = field(default_factory=lambda: _env_int("BENCH_SEED", 1))
    duration: int = field(default_factory=lambda: _env_int("BENCH_DURATION", 8))
    reminders: int = field(default_factory=lambda: _env_int("BENCH_REMINDERS", 10000))
    soak: int = field(default_factory=lambda: _env_int("BENCH_SOAK", 60))
    web_workers: int = field(default_factory=lambda: _env_int("BENCH_WEB_WORKERS", 3))
    port: int = field(default_factory=lambda: _env_int("BENCH_PORT", 8137))
    users: list[int] = field(
        default_factory=lambda: [
            int(n) for n in os.environ.get("BENCH_USERS", "1,10,50").split(",") if n
        ]
    )
    databases: list[str] = field(
        default_factory=lambda: [
            d.strip()
            for d in os.environ.get("BENCH_DATABASES", "postgres,sqlite").split(",")
            if d.strip()
        ]
    )
    pg_url: str = field(
        default_factory=lambda: os.environ.get(
            "PG_URL", "postgres://instep:instep@127.0.0.1:5432/instep"
        )
    )
    # The bench's own databases: <name> and <name>_seed on PG_URL's server.
    pg_name: str = field(
        default_factory=lambda: os.environ.get("BENCH_PG_NAME", "instep_bench")
    )

    def __post_init__(self) -> None:
        unknown = set(self.databases) - {"postgres", "sqlite"}
        if unknown:
            raise SystemExit(
                f"BENCH_DATABASES knows postgres and sqlite, not {unknown}"
            )
        if self.dynamics < 2:
            raise SystemExit("BENCH_DYNAMICS must be at least 2")
        if not self.pg_name.replace("_", "").isalnum():
            raise SystemExit("BENCH_PG_NAME takes letters, digits and _ only")


# Pages a partner uses every day and the main API reads, after the two
# yardsticks: ``bare`` is the bare Django view (its own server), ``none`` asks
# without signing in, ``session`` with the person's session cookie, ``token``
# with their API token. Pages this checkout does not have are skipped.
PAGES: list[tuple[str, str, str]] = [
    ("bare Django view", "/", "bare"),
    ("/health/", "/health/", "none"),
    ("/health/ signed in", "/health/", "session"),
    ("Alert poll", "/alerts/", "session"),
    ("Today", "/d/{dynamic_id}/today/", "session"),
    ("Plan", "/d/{dynamic_id}/plan/", "session"),
    ("Dynamic home", "/d/{dynamic_id}/", "session"),
    ("Check-in form", "/d/{dynamic_id}/check-in/", "session"),
    ("Matter thread", "/d/{dynamic_id}/matters/{matter_id}/", "session"),
    ("Insights", "/d/{dynamic_id}/insights/", "session"),
    ("API me", "/api/v1/me", "token"),
    ("API dynamics", "/api/v1/dynamics", "token"),
    ("API dynamic", "/api/v1/dynamics/{dynamic_id}", "token"),
    ("API audit", "/api/v1/dynamics/{dynamic_id}/audit", "token"),
]
BARE = PAGES[0][0]
HEALTH = PAGES[1][0]
# The pages the targets are about (docs/performance.md).
DAILY = ("Today", "Plan", "Dynamic home", "Check-in form")


def log(message: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", flush=True)


# -- databases -----------------------------------------------------------------


def _generator_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted((ROOT / "bench").glob("demo.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@dataclass
class Database:
    kind: str
    url: str
    data_dir: Path

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": self.url,
            "INSTEP_DATA_DIR": str(self.data_dir),
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DEBUG": "0",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
            # The reminders' receiver listens on 127.0.0.1 (notify/outbound.py).
            "INSTEP_ALLOW_PRIVATE_OUTBOUND": "1",
        }


def _manage(db: Database, *args: str, quiet: bool = True) -> None:
    subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=db.env(),
        check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )


def _psql(pg_url: str, sql: str) -> None:
    """Runs one statement on the server's maintenance database."""
    import psycopg

    parts = urlsplit(pg_url)
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)


def _pg_url(cfg: Config, name: str) -> str:
    return urlsplit(cfg.pg_url)._replace(path=f"/{name}").geturl()


def prepare(cfg: Config, kind: str) -> Database:
    """Returns a fresh bench database with the demo world, from the cached seed
    copy when it matches seed, size and generator (and is under a week old)."""
    key = {
        "seed": cfg.seed,
        "dynamics": cfg.dynamics,
        "days": cfg.days,
        "generator": _generator_digest(),
    }
    data_dir = VAR / kind
    data_dir.mkdir(parents=True, exist_ok=True)
    marker = VAR / f"{kind}-seed.json"
    cached = json.loads(marker.read_text()) if marker.exists() else {}
    fresh_enough = (
        cached.get("generated_at", "")
        > (datetime.now(UTC) - timedelta(days=7)).isoformat()
    )
    reuse = cached.get("key") == key and fresh_enough
    if kind == "postgres":
        seed_db = Database(kind, _pg_url(cfg, f"{cfg.pg_name}_seed"), data_dir)
        db = Database(kind, _pg_url(cfg, cfg.pg_name), data_dir)
    else:
        seed_db = Database(kind, f"sqlite:///{data_dir / 'seed.sqlite3'}", data_dir)
        db = Database(kind, f"sqlite:///{data_dir / 'instep.sqlite3'}", data_dir)
    if not reuse:
        log(
            f"{kind}: generating {cfg.dynamics} couples × {cfg.days} days "
            "(cached for the next run)"
        )
        marker.unlink(missing_ok=True)
        if kind == "postgres":
            _psql(cfg.pg_url, f"DROP DATABASE IF EXISTS {cfg.pg_name}_seed")
            _psql(cfg.pg_url, f"CREATE DATABASE {cfg.pg_name}_seed")
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{data_dir / 'seed.sqlite3'}{suffix}").unlink(missing_ok=True)
        _manage(seed_db, "migrate", "--noinput")
        started = time.monotonic()
        _manage(
            seed_db,
            "generate_demo",
            "--dynamics",
            str(cfg.dynamics),
            "--days",
            str(cfg.days),
            "--seed",
            str(cfg.seed),
            quiet=False,
        )
        took = time.monotonic() - started
        # Two couples with only a week of history: their query counts must
        # equal those of the couples with a year.
        _manage(
            seed_db,
            "generate_demo",
            "--dynamics",
            "2",
            "--days",
            "7",
            "--seed",
            str(cfg.seed),
            "--first",
            str(cfg.dynamics + 1),
        )
        if kind == "sqlite":
            _sqlite_checkpoint(data_dir / "seed.sqlite3")
        marker.write_text(
            json.dumps(
                {
                    "key": key,
                    "generated_at": datetime.now(UTC).isoformat(),
                    "seconds": round(took, 1),
                }
            )
        )
        cached = json.loads(marker.read_text())
    log(f"{kind}: copying the demo world into a fresh bench database")
    if kind == "postgres":
        _psql(cfg.pg_url, f"DROP DATABASE IF EXISTS {cfg.pg_name} WITH (FORCE)")
        _psql(
            cfg.pg_url,
            f"CREATE DATABASE {cfg.pg_name} TEMPLATE {cfg.pg_name}_seed",
        )
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{data_dir / 'instep.sqlite3'}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(data_dir / "seed.sqlite3", data_dir / "instep.sqlite3")
    _manage(db, "migrate", "--noinput")
    _manage(db, "createcachetable")
    _manage(db, "collectstatic", "--noinput", "--verbosity", "0")
    db.generation_seconds = cached.get("seconds")  # type: ignore[attr-defined]
    return db


def _sqlite_checkpoint(path: Path) -> None:
    import sqlite3

    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


# -- processes -------------------------------------------------------------------


def _wait_for_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


class Web:
    """gunicorn in its own process group, so that a SIGKILL takes all of it.

    ``bare`` serves the bare Django view (bench/bare_settings.py) instead of
    Instep, with the same gunicorn settings, on the next port.
    """

    def __init__(self, db: Database, cfg: Config, *, bare: bool = False):
        self.db, self.cfg, self.process = db, cfg, None
        self.port = cfg.port + 1 if bare else cfg.port
        self.env = db.env()
        if bare:
            self.env["DJANGO_SETTINGS_MODULE"] = "bench.bare_settings"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "instep.wsgi",
                "--workers",
                str(self.cfg.web_workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--no-control-socket",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
        )
        _wait_for_port(self.port)

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        # The workers are in the group too; wait until the port is free.
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) != 0:
                    return
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def rss_mb(self) -> dict[str, float]:
        import psutil

        if not self.process:
            return {}
        master = psutil.Process(self.process.pid)
        workers = [p.memory_info().rss / 2**20 for p in master.children()]
        return {
            "master": round(master.memory_info().rss / 2**20, 1),
            "worker_max": round(max(workers, default=0), 1),
        }


def start_worker(db: Database, name: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            PYTHON,
            "manage.py",
            "db_worker",
            "--no-startup-delay",
            "--no-reload",
            "--worker-id",
            name,
            "--verbosity",
            "0",
        ],
        cwd=ROOT,
        env=db.env(),
        start_new_session=True,
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# -- sessions ------------------------------------------------------------------


def django_on(db: Database) -> None:
    """Sets this process's Django up on the bench database (one database per
    process: ``main`` runs each database in a child of its own)."""
    os.environ.update(db.env())
    import django

    django.setup()


def make_sessions(cfg: Config, count: int) -> list[dict]:
    """Signs in ``count`` demo people, each of another couple, alternating roles."""
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from accounts.models import User
    from api import services as api_services
    from bench import demo
    from dynamics.models import Membership
    from talk.models import Matter

    if settings.SESSION_COOKIE_NAME != "sessionid":
        raise RuntimeError("the locustfile sends the session as 'sessionid'")
    sessions = []
    for n in range(count):
        number = n % cfg.dynamics + 1
        role = "follower" if n % 2 == 0 else "leader"
        user = User.objects.get(email=demo.email_of(role, number))
        sessions.append(_session_for(user, api_services, SessionStore, timezone))
        sessions[-1].update(role=role, number=number)
    for person in sessions:
        m = Membership.objects.get(user_id=person["user_id"])
        person["dynamic_id"] = m.dynamic_id
        matter = (
            Matter.objects.filter(dynamic_id=m.dynamic_id)
            .order_by("-opened_at")
            .first()
        )
        person["matter_id"] = matter.pk if matter else 0
    return sessions


def _session_for(user, api_services, store_class, timezone) -> dict:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = store_class()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    _token, secret = api_services.create_token(
        user, name=f"bench {uuid.uuid4().hex[:6]}", scope="write", now=timezone.now()
    )
    return {"user_id": user.pk, "session": store.session_key, "token": secret}


# -- HTTP from this process ------------------------------------------------------


def request(
    cfg: Config,
    method: str,
    path: str,
    *,
    person: dict | None = None,
    auth: str = "session",
    body: str | None = None,
    content_type: str = "application/x-www-form-urlencoded",
    headers: dict | None = None,
) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", cfg.port, timeout=30)
    sent = dict(headers or {})
    if person and auth == "session":
        sent["Cookie"] = f"sessionid={person['session']}; csrftoken={CSRF}"
        sent["X-CSRFToken"] = CSRF
    elif person and auth == "token":
        sent["Authorization"] = f"Bearer {person['token']}"
    if body is not None:
        sent["Content-Type"] = content_type
    try:
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


# A CSRF secret of our choosing, sent as cookie and header, as a browser would.
CSRF = "b" * 32


def page_queries(cfg: Config, people: list[dict]) -> dict[str, dict]:
    """Returns, per Instep page, the status, SQL queries and size (bytes of
    the body, and gzipped) for each person given."""
    out = {}
    for name, template, auth in PAGES:
        if auth == "bare":
            continue
        counts, statuses, sizes, gzipped = [], set(), [], []
        for person in people:
            status, headers, body = request(
                cfg, "GET", template.format(**person), person=person, auth=auth
            )
            statuses.add(status)
            if status != 200:
                continue  # e.g. a couple with a week of history and no matter yet
            counts.append(int(headers.get("X-Bench-Queries", "-1")))
            sizes.append(len(body))
            gzipped.append(len(gzip.compress(body)))
        out[name] = {
            "statuses": sorted(statuses),
            "queries": counts,
            "bytes": max(sizes, default=0),
            "gzip_bytes": max(gzipped, default=0),
        }
    return out


# -- load ------------------------------------------------------------------------


def locust(
    cfg: Config,
    sessions_file: Path,
    *,
    name: str,
    paths: list[str],
    auth: str,
    users: int,
    seconds: int,
    prefix: Path,
) -> dict:
    env = {
        **os.environ,
        "BENCH_SESSIONS": str(sessions_file),
        "BENCH_NAME": name,
        "BENCH_PATHS": "|".join(paths),
        "BENCH_AUTH": auth,
    }
    # The output is kept beside the CSV files: a step without figures says why.
    with Path(f"{prefix}.log").open("w") as output:
        subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(users),
                "--spawn-rate",
                str(users),
                "--run-time",
                f"{seconds}s",
                "--host",
                f"http://127.0.0.1:{cfg.port}",
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "ERROR",
                "--stop-timeout",
                "5",
            ],
            cwd=ROOT,
            env=env,
            check=False,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    stats = Path(f"{prefix}_stats.csv")
    return _read_stats(stats) if stats.exists() else {}


def _number(text: str) -> float:
    try:
        return float(text)
    except (TypeError, ValueError):
        return 0.0  # "N/A": no request finished


def _read_stats(path: Path) -> dict:
    rows = {}
    with path.open() as stats:
        for row in csv.DictReader(stats):
            rows[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": round(_number(row["Requests/s"]), 1),
                "p50": _number(row["50%"]),
                "p95": _number(row["95%"]),
                "p99": _number(row["99%"]),
            }
    return rows


def wrk_requests(people: list[dict], template: str, auth: str) -> list:
    """One request per person: their own page, signed in as they are."""
    from bench.wrk import Request

    out = []
    for person in people:
        headers: tuple[tuple[str, str], ...] = ()
        if auth == "session":
            headers = (("Cookie", f"sessionid={person['session']}"),)
        elif auth == "token":
            headers = (("Authorization", f"Bearer {person['token']}"),)
        out.append(Request(template.format(**person), headers))
    return out


def run_pages(cfg: Config, people: list[dict], pages: list, out: Path) -> dict:
    """Each page alone at each concurrency, so requests/s is that page's own;
    the bare view on its own server, measured the same way in the same run."""
    from bench import wrk

    results: dict[str, dict] = {}
    for users in cfg.users:
        for name, template, auth in pages:
            port = cfg.port + 1 if auth == "bare" else cfg.port
            row = wrk.measure(
                f"http://127.0.0.1:{port}",
                wrk_requests(people, template, auth),
                connections=users,
                seconds=cfg.duration,
                work_dir=out,
                name=f"{_slug(name)}-{users}",
            )
            results.setdefault(name, {})[str(users)] = row
            log(
                f"  {name:<18} {users:>3} connections: {row['rps']:>8} req/s, "
                f"p50 {row['p50']} ms, p99 {row['p99']} ms"
                + (f", {row['not_ok']} not 200" if row["not_ok"] else "")
                + (f", {row['errors']} errors" if row["errors"] else "")
            )
    return results


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")


# -- reminders -----------------------------------------------------------------


class Receiver:
    """A local HTTP endpoint for Apprise's json:// channel; notes each arrival."""

    def __init__(self):
        # (arrival time, path, title): each channel posts to a path of its own.
        self.arrivals: list[tuple[float, str, str]] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                with receiver.lock:
                    receiver.arrivals.append(
                        (time.time(), self.path, str(body.get("title", "")))
                    )
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.port}/reminders"

    def count(self) -> int:
        with self.lock:
            return len(self.arrivals)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def add_channels(receiver: Receiver, people: int, tag: str) -> list[int]:
    """Gives the first ``people`` demo persons an Apprise channel to the receiver,
    each posting to a path of its own (so that a duplicate can be told apart
    from the same reminder on two channels)."""
    from django.utils import timezone

    from accounts.models import User
    from notify.models import Channel

    users = list(
        User.objects.filter(email__endswith="@demo.example.org").order_by("pk")[:people]
    )
    now = timezone.now()
    rows = []
    for user in users:
        channel = Channel(
            user=user, kind="apprise", label="bench", masked="json://…", created_at=now
        )
        channel.secret = f"{receiver.url}/{tag}/{user.pk}"
        rows.append(channel)
    Channel.objects.bulk_create(rows)
    return [u.pk for u in users]


def queue_reminders(
    user_ids: list[int], count: int, *, tag: str, due: datetime | None = None
) -> None:
    """Writes ``count`` due-soon reminders as the minute tick's scans do
    (``notify_many``: notifications and outbox rows committed 500 at a time,
    delivery enqueued on commit). Without ``due`` they are due now; with it,
    quiet hours' way (due later)."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from notify import events
    from notify.models import Outbox

    users = list(User.objects.filter(pk__in=user_ids))
    now = timezone.now()
    tells = (
        events.Tell(
            users[n % len(users)],
            "due_soon",
            f"bench:{tag}:{n}",
            {"title": f"{tag}-{n}", "due_at": now.isoformat()},
        )
        for n in range(count)
    )
    if due is None:
        events.notify_many(tells, now=now)
        return
    with transaction.atomic():
        events.notify_many(tells, now=now)
        # As quiet hours would have it: not before ``due`` (the tasks enqueued
        # on commit find nothing due yet).
        Outbox.objects.filter(
            notification__dedupe_key__startswith=f"bench:{tag}:"
        ).update(due_at=due)
    from notify.tasks import enqueue_delivery

    rows = Outbox.objects.filter(notification__dedupe_key__startswith=f"bench:{tag}:")
    for pk in rows.values_list("pk", flat=True):
        enqueue_delivery(pk, due_at=due, urgent=False, now=timezone.now())


def run_reminders(cfg: Config, db: Database, receiver: Receiver) -> dict:
    """``cfg.reminders`` reminders fall due in the same minute; two workers deliver.

    This process plays the minute tick: at the due time it writes every
    reminder (notification, outbox row, task), in batches of 500 per
    transaction, while the two workers already deliver the first batches.
    The time counts from the start of that minute's work to the last arrival.
    """
    import psutil

    user_ids = add_channels(receiver, min(2 * cfg.dynamics, 2000), "minute")
    workers = [start_worker(db, f"bench-{n}") for n in (1, 2)]
    rss_max = 0.0
    try:
        time.sleep(3)  # the workers are up and waiting
        start = time.time()
        queue_reminders(user_ids, cfg.reminders, tag="minute")
        write_seconds = time.time() - start
        deadline = start + 900
        while receiver.count() < cfg.reminders and time.time() < deadline:
            time.sleep(0.5)
            for w in workers:
                with contextlib.suppress(psutil.NoSuchProcess):
                    rss_max = max(rss_max, psutil.Process(w.pid).memory_info().rss)
    finally:
        for w in workers:
            stop(w)
    with receiver.lock:
        arrivals = sorted(t for t, _p, title in receiver.arrivals if "minute-" in title)
    result = {
        "reminders": cfg.reminders,
        "written_in_s": round(write_seconds, 1),
        "delivered": len(arrivals),
        "first_after_due_s": round(arrivals[0] - start, 2) if arrivals else None,
        "last_after_due_s": round(arrivals[-1] - start, 2) if arrivals else None,
        "per_second": round(len(arrivals) / max(arrivals[-1] - start, 0.001), 1)
        if arrivals
        else 0,
        "worker_rss_mb": round(rss_max / 2**20, 1),
    }
    log(f"  reminders: {result}")
    return result


# -- the fault soak ------------------------------------------------------------------


@dataclass
class Acks:
    completions: list[int] = field(default_factory=list)
    checkins: list[tuple[int, int, int]] = field(default_factory=list)
    signals: list[tuple[int, str]] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    locked: int = 0

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1


def _writers(cfg: Config, people: list[dict], acks: Acks, stop_at: float) -> None:
    """Partners who tick, check in and signal; only a success response counts."""
    from django.utils import timezone

    from duties.models import Occurrence

    now = timezone.now()
    todo: dict[int, list[int]] = {}
    for person in people:
        todo[person["user_id"]] = list(
            Occurrence.objects.filter(
                assignee_id=person["user_id"],
                done_at__isnull=True,
                opens_at__lte=now,
                due_at__gte=now - timedelta(hours=20),
            ).values_list("pk", flat=True)
        )
    lock = threading.Lock()

    def one(person: dict) -> None:
        n = 0
        while time.time() < stop_at:
            n += 1
            try:
                if n % 3 == 1 and todo[person["user_id"]]:
                    occ = todo[person["user_id"]].pop()
                    path = f"/d/{person['dynamic_id']}/occurrences/{occ}/done/"
                    status, headers, body = request(
                        cfg, "POST", path, person=person, body="quick=1"
                    )
                    # Done goes on to Today; a refusal back to the occurrence.
                    if status == 303 and headers.get("Location", "").endswith(
                        "/today/"
                    ):
                        with lock:
                            acks.completions.append(occ)
                    else:
                        _note(acks, "completion", status, body)
                elif n % 3 == 2:
                    mood = 1 + n % 5
                    form = (
                        f"mood={mood}&energy=3&stress=2&connection=4&needs=&wants="
                        "&note=&mood_shared=on"
                    )
                    path = f"/d/{person['dynamic_id']}/check-in/"
                    status, _h, body = request(
                        cfg, "POST", path, person=person, body=form
                    )
                    if status == 303:
                        with lock:
                            acks.checkins.append((person["user_id"], n, mood))
                    else:
                        _note(acks, "check-in", status, body)
                else:
                    key = uuid.uuid4().hex
                    path = f"/api/v1/dynamics/{person['dynamic_id']}/signals"
                    status, _h, body = request(
                        cfg,
                        "POST",
                        path,
                        person=person,
                        auth="token",
                        body=json.dumps({"kind": "take_lead", "idempotency_key": key}),
                        content_type="application/json",
                    )
                    if status == 201:
                        with lock:
                            acks.signals.append((person["dynamic_id"], key))
                    else:
                        _note(acks, "signal", status, body)
            except (OSError, http.client.HTTPException):
                acks.error("connection refused or dropped (server down)")
                time.sleep(0.2)

    threads = [threading.Thread(target=one, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _note(acks: Acks, what: str, status: int, body: bytes) -> None:
    if b"database is locked" in body:
        acks.locked += 1
    acks.error(f"{what}: HTTP {status}")


def run_soak(
    cfg: Config,
    db: Database,
    web: Web,
    receiver: Receiver,
    sessions_file: Path,
    writers: list[dict],
    out: Path,
) -> dict:
    """Load and writes while the server and a worker are SIGKILLed and restarted."""
    from django.utils import timezone

    from dynamics.models import Signal
    from notify.models import Outbox
    from talk.models import CheckIn

    due_reminders = 300
    user_ids = add_channels(receiver, 50, "soak")
    # Reminders due throughout the soak, so some are in flight at each kill.
    started = timezone.now()
    for k in range(6):
        due = started + timedelta(seconds=k * cfg.soak / 6)
        queue_reminders(user_ids, due_reminders // 6, tag=f"soak{k}", due=due)
    workers = {n: start_worker(db, f"soak-{n}") for n in (1, 2)}
    _manage(db, "schedule_periodic")  # the sweep reclaims a killed worker's rows
    stop_at = time.time() + cfg.soak
    load = threading.Thread(
        target=locust,
        args=(cfg, sessions_file),
        kwargs={
            "name": "soak",
            "paths": [
                template
                for name, template, _a in PAGES
                if name in (*DAILY, "Matter thread")
            ],
            "auth": "session",
            "users": 10,
            "seconds": cfg.soak,
            "prefix": out / "soak",
        },
    )
    acks = Acks()
    write = threading.Thread(target=_writers, args=(cfg, writers, acks, stop_at))
    load.start()
    write.start()
    kills = {"web": 0, "worker": 0}
    interval = cfg.soak / 4
    for n in range(3):
        time.sleep(interval)
        web.kill()
        kills["web"] += 1
        victim = 1 + n % 2
        workers[victim].send_signal(signal.SIGKILL)
        workers[victim].wait()
        kills["worker"] += 1
        time.sleep(1)
        web.start()
        workers[victim] = start_worker(db, f"soak-{victim}-{n}")
    load.join()
    write.join()
    # Every due reminder must arrive: a killed worker's row in flight comes back
    # once its lease (2 minutes) has expired, the rest of its batch once it is
    # 5 minutes overdue; the minute sweep hands them on.
    deadline = time.time() + 480
    while time.time() < deadline:
        left = Outbox.objects.filter(
            notification__dedupe_key__startswith="bench:soak"
        ).exclude(state="sent")
        if not left.exists():
            break
        time.sleep(2)
    for w in workers.values():
        stop(w)
    lost_completions = len(acks.completions) - _done_count(acks.completions)
    last_checkin = {}
    for user_id, _n, mood in acks.checkins:
        last_checkin[user_id] = mood
    lost_checkins = sum(
        1
        for user_id, mood in last_checkin.items()
        if not CheckIn.objects.filter(user_id=user_id, updated_at__gte=started).exists()
    )
    keys = [key for _d, key in acks.signals]
    lost_signals = len(keys) - Signal.objects.filter(idempotency_key__in=keys).count()
    soak_outbox = Outbox.objects.filter(
        notification__dedupe_key__startswith="bench:soak"
    )
    with receiver.lock:
        soak_titles = [
            (p, title) for _t, p, title in receiver.arrivals if "soak" in title
        ]
    result = {
        "seconds": cfg.soak,
        "kills": kills,
        "acknowledged": {
            "completions": len(acks.completions),
            "checkins": len(acks.checkins),
            "signals": len(acks.signals),
        },
        "lost": {
            "completions": lost_completions,
            "checkins": lost_checkins,
            "signals": lost_signals,
        },
        "reminders_due": soak_outbox.count(),
        "reminders_undelivered": soak_outbox.exclude(state="sent").count(),
        "reminders_received": len(soak_titles),
        "reminder_duplicates": len(soak_titles) - len(set(soak_titles)),
        "refused_or_failed_writes": acks.errors,
        "database_locked_errors": acks.locked,
    }
    log(f"  soak: {result}")
    return result


def _done_count(ids: list[int]) -> int:
    from duties.models import Occurrence

    return Occurrence.objects.filter(pk__in=ids, done_at__isnull=False).count()


# -- one database ----------------------------------------------------------------


def run_database(cfg: Config, kind: str) -> dict:
    db = prepare(cfg, kind)
    out = VAR / "runs" / kind
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    django_on(db)
    people = make_sessions(cfg, max(cfg.users))
    writers = make_sessions(cfg, 10)
    sessions_file = out / "sessions.json"
    sessions_file.write_text(json.dumps(people))
    short = make_sessions_for_numbers(cfg, [cfg.dynamics + 1, cfg.dynamics + 2])
    web = Web(db, cfg)
    web.start()
    bare = Web(db, cfg, bare=True)
    bare.start()
    receiver = Receiver()
    try:
        # The first request of the day notes presence; warm every session.
        for person in people + writers + short:
            request(cfg, "GET", "/health/", person=person)
        first = page_queries(cfg, people[:1])
        present = [
            p for p in PAGES if p[2] == "bare" or first[p[0]]["statuses"] == [200]
        ]
        skipped = [p[0] for p in PAGES if p not in present]
        if skipped:
            log(f"{kind}: not in this checkout (skipped): {', '.join(skipped)}")
        queries_year = page_queries(cfg, people[:4])
        queries_week = page_queries(cfg, short)
        log(f"{kind}: load, {cfg.duration} s per page and concurrency")
        pages = run_pages(cfg, people, present, out)
        web_rss = web.rss_mb()
        log(f"{kind}: web RSS {web_rss}")
        bare.stop()
        reminders = run_reminders(cfg, db, receiver) if cfg.reminders else None
        soak = (
            run_soak(cfg, db, web, receiver, sessions_file, writers, out)
            if cfg.soak
            else None
        )
    finally:
        web.stop()
        bare.stop()
        receiver.stop()
    return {
        "database": kind,
        "generation_seconds": getattr(db, "generation_seconds", None),
        "pages": pages,
        "skipped": skipped,
        "queries": {
            name: {
                "year": queries_year[name]["queries"],
                "week": queries_week[name]["queries"],
                "bytes": queries_year[name]["bytes"],
                "gzip_bytes": queries_year[name]["gzip_bytes"],
            }
            for name, _t, auth in present
            if auth != "bare"
        },
        "web_rss_mb": web_rss,
        "reminders": reminders,
        "soak": soak,
    }


def make_sessions_for_numbers(cfg: Config, numbers: list[int]) -> list[dict]:
    """Sessions for the followers of the given couples (the short-history ones)."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from accounts.models import User
    from api import services as api_services
    from bench import demo
    from dynamics.models import Membership
    from talk.models import Matter

    out = []
    for number in numbers:
        user = User.objects.get(email=demo.email_of("follower", number))
        person = _session_for(user, api_services, SessionStore, timezone)
        m = Membership.objects.get(user=user)
        matter = Matter.objects.filter(dynamic_id=m.dynamic_id).first()
        person.update(dynamic_id=m.dynamic_id, matter_id=matter.pk if matter else 0)
        out.append(person)
    return out


# -- the report --------------------------------------------------------------------


def machine() -> dict:
    import psutil

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "os": platform.platform(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def _ratio(value: float, base: float) -> str:
    return f"{value / base:.3f}" if base else "–"


def page_table(result: dict, users: str) -> list[str]:
    """One table per concurrency: each page beside both yardsticks."""
    bare = result["pages"].get(BARE, {}).get(users, {}).get("rps") or 0
    health = result["pages"].get(HEALTH, {}).get(users, {}).get("rps") or 0
    lines = [
        f"{users} connection{'s' if users != '1' else ''}:",
        "",
        "| page | queries (year / week) | HTML kB (gzip) | req/s | p50 / p99 ms "
        "| ÷ bare | ÷ /health/ |",
        "|---|---|---:|---:|---|---:|---:|",
    ]
    for name, by_users in result["pages"].items():
        q = result["queries"].get(name, {})
        year = "/".join(str(x) for x in sorted(set(q.get("year", []))))
        week = "/".join(str(x) for x in sorted(set(q.get("week", [])))) or "–"
        queries = f"{year} / {week}" if q else "–"
        size = (
            f"{q['bytes'] / 1000:.1f} ({q['gzip_bytes'] / 1000:.1f})"
            if q.get("bytes") is not None
            else "–"
        )
        s = by_users.get(users, {})
        if not s.get("requests"):
            lines.append(f"| {name} | {queries} | {size} | – | no data | – | – |")
            continue
        bad = s.get("not_ok", 0) + s.get("errors", 0)
        fails = f" ({bad} failed)" if bad else ""
        lines.append(
            f"| {name} | {queries} | {size} | {s['rps']}{fails} | "
            f"{s['p50']:.1f} / {s['p99']:.1f} | {_ratio(s['rps'], bare)} | "
            f"{_ratio(s['rps'], health)} |"
        )
    lines.append("")
    return lines


def targets(result: dict) -> list[str]:
    """The issue's targets at 10 connections, each met or missed by how much."""
    pages = result["pages"]
    users = "10" if "10" in pages.get(BARE, {}) else max(pages.get(BARE, {"1": 0}))
    bare = pages.get(BARE, {}).get(users, {}).get("rps") or 0
    out = []
    for name in (*DAILY, "Alert poll"):
        s = pages.get(name, {}).get(users)
        if not s or not bare:
            continue
        want = 0.3 if name == "Alert poll" else 0.10
        ratio = s["rps"] / bare
        verdict = (
            "met"
            if ratio >= want
            else f"missed: {ratio:.3f}, {want / ratio:.1f}× short"
            if ratio
            else "missed"
        )
        line = f"{name} ≥ {want} of bare: {verdict}"
        if name != "Alert poll":
            p99 = s["p99"]
            line += (
                "; p99 < 25 ms: met"
                if p99 < 25
                else f"; p99 < 25 ms: missed ({p99:.0f} ms)"
            )
        out.append(line)
    heavy = [
        f"{name} {q['bytes'] / 1000:.1f} kB ({q['gzip_bytes'] / 1000:.1f} gzip)"
        for name, q in result["queries"].items()
        if q.get("bytes", 0) >= 30_000 or q.get("gzip_bytes", 0) >= 8_000
    ]
    out.append(
        "HTML < 30 kB (gzip < 8 kB): "
        + (f"missed by {', '.join(heavy)}" if heavy else "met by every page")
    )
    over = [
        q
        for name, q in result["queries"].items()
        if name in (*DAILY, "Matter thread", "Insights")
        and max(q.get("year", [0]) + q.get("week", [0])) > 8
    ]
    out.append(
        "Daily pages ≤ 8 queries: " + ("met" if not over else f"missed ({len(over)})")
    )
    rss = result["web_rss_mb"].get("worker_max") or 0
    out.append(
        "Web worker RSS < 150 MB: "
        + ("met" if rss < 150 else f"missed ({rss} MB)")
        + f" ({rss} MB)."
    )
    return [f"Targets at {users} connections: " + "; ".join(out), ""]


def render(report: dict) -> str:
    cfg = report["config"]
    lines = [
        f"Run {report['started_at']} on {report['machine']['cpu']} "
        f"({report['machine']['cores']} cores, {report['machine']['memory_gb']} GB), "
        f"load average at start {report['machine']['load_average_at_start']}.",
        f"Dataset: {cfg['dynamics']} couples × {cfg['days']} days "
        f"(seed {cfg['seed']}); "
        f"gunicorn with {cfg['web_workers']} sync workers; wrk, "
        f"{cfg['duration']} s per page and concurrency; the bare Django view on "
        "a gunicorn of its own with the same settings.",
        "",
    ]
    for result in report["results"]:
        kind = result["database"]
        lines += [f"### {kind}", ""]
        if result.get("generation_seconds"):
            lines.append(f"Dataset generated in {result['generation_seconds']} s.")
            lines.append("")
        lines += targets(result)
        for users in [str(u) for u in cfg["users"]]:
            lines += page_table(result, users)
        rss = result["web_rss_mb"]
        lines.append(
            f"Web RSS after the load: {rss.get('worker_max')} MB per gunicorn worker "
            f"(master {rss.get('master')} MB)."
        )
        if result["reminders"]:
            r = result["reminders"]
            lines.append(
                f"Reminders: {r['delivered']} of {r['reminders']} due in the same "
                f"minute delivered by 2 workers; the last {r['last_after_due_s']} s "
                f"after the due time ({r['per_second']}/s); worker RSS "
                f"{r['worker_rss_mb']} MB."
            )
        if result["soak"]:
            s = result["soak"]
            lines.append(
                f"Fault soak ({s['seconds']} s, server SIGKILLed "
                f"{s['kills']['web']}×, a worker {s['kills']['worker']}×): "
                f"acknowledged {s['acknowledged']}, lost {s['lost']}; reminders due "
                f"{s['reminders_due']}, undelivered {s['reminders_undelivered']}, "
                f"duplicates {s['reminder_duplicates']}; 'database is locked' "
                f"{s['database_locked_errors']}; other refusals/failures "
                f"{s['refused_or_failed_writes'] or 'none'}."
            )
        lines.append("")
    return "\n".join(lines)


MARK_BEGIN = "<!-- bench:begin (written by make bench) -->"
MARK_END = "<!-- bench:end -->"


def write_report(report: dict) -> None:
    VAR.mkdir(parents=True, exist_ok=True)
    (VAR / "report.json").write_text(json.dumps(report, indent=2))
    text = render(report)
    (VAR / "report.md").write_text(f"# Instep benchmark\n\n{text}\n")
    doc = ROOT / "docs" / "performance.md"
    if doc.exists():
        current = doc.read_text()
        if MARK_BEGIN in current and MARK_END in current:
            before, rest = current.split(MARK_BEGIN, 1)
            _old, after = rest.split(MARK_END, 1)
            doc.write_text(f"{before}{MARK_BEGIN}\n{text}\n{MARK_END}{after}")
    print(text)


def _terminated(signum, frame) -> None:
    raise SystemExit(f"stopped by signal {signum}")


def main() -> None:
    # A SIGTERM runs the finally blocks: the server and the workers stop too.
    signal.signal(signal.SIGTERM, _terminated)
    cfg = Config()
    from bench.wrk import executable

    executable()  # stops at once, saying what to install, when wrk is missing
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        kind = sys.argv[2]
        result = run_database(cfg, kind)
        (VAR / f"result-{kind}.json").write_text(json.dumps(result, indent=2))
        return
    report = {
        "started_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "config": {
            k: getattr(cfg, k)
            for k in (
                "dynamics",
                "days",
                "seed",
                "duration",
                "users",
                "reminders",
                "soak",
                "web_workers",
            )
        },
        "results": [],
    }
    for kind in cfg.databases:
        log(f"{kind}: start")
        (VAR / f"result-{kind}.json").unlink(missing_ok=True)
        # Each database in a process of its own: Django is set up once per process.
        subprocess.run([PYTHON, "-m", "bench.run", "--one", kind], cwd=ROOT, check=True)
        report["results"].append(json.loads((VAR / f"result-{kind}.json").read_text()))
        write_report(report)


if __name__ == "__main__":
    main()
