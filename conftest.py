"""Shared fixtures: the three personas, dynamic factories and the browser."""

import fcntl
import hashlib
import os
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.urls import reverse

from accounts.models import User
from dynamics import services
from dynamics.models import Dynamic

os.environ.setdefault(
    "DJANGO_ALLOW_ASYNC_UNSAFE", "true"
)  # live_server with Playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "correct horse battery staple"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "args": CHROMIUM_ARGS,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
    }


@pytest.fixture(autouse=True)
def _suite_clock(request):
    """Starts each test's clock at NOW, ticking, so that what a test builds with
    the ``now`` fixture (an invitation valid for 7 days, a review date) is still
    valid when a page or a worker reads the clock, whatever today's date is.

    Browser tests keep the real clock: Chromium judges cookie expiry by it.
    """
    if "browser" in request.node.path.parts:
        yield
        return
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def now() -> datetime:
    return NOW


def make_person(name: str, email: str, **fields) -> User:
    """Returns a new person who may sign in (``PASSWORD``, a verified address)."""
    user = User.objects.create_user(email, PASSWORD, display_name=name, **fields)
    # allauth wants a verified address before it lets anyone in.
    user.emailaddress_set.create(email=email, verified=True, primary=True)
    return user


def make_dynamic(
    owner: User,
    partner: User | None,
    *,
    now: datetime,
    owner_role: str = "leader",
    titles: tuple[str, str] = ("Sir", "pet"),
) -> Dynamic:
    """Returns a dynamic of ``owner``'s: active with ``partner``, else forming."""
    dynamic = services.create_dynamic(
        owner, role=owner_role, my_title=titles[0], partner_title=titles[1], now=now
    )
    if partner is not None:
        _invitation, token = services.create_invitation(owner, dynamic.pk, now=now)
        services.accept_invitation(partner, token, now=now)
    return dynamic


@pytest.fixture
def user_factory(db):
    made = iter(range(1, 10_000))

    def make(name: str | None = None, **fields) -> User:
        n = next(made)
        name = name or f"Person {n}"
        email = fields.pop("email", f"{name.lower().replace(' ', '.')}.{n}@example.org")
        return make_person(name, email, **fields)

    return make


@pytest.fixture(scope="module")
def module_transaction(django_db_setup, django_db_blocker):
    """One transaction around a whole test module, rolled back at its end.

    A module-scoped fixture that depends on it (a permission table's world) is
    built once for the module instead of once per test. Each test still runs in
    its own savepoint inside it (pytest-django's ``db``), so whatever a test
    changes is rolled back before the next one sees the world.
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        # Treated like TestCase's own outer block (durable blocks nest in it).
        atomic._from_testcase = True
        atomic.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def leader(user_factory) -> User:
    return user_factory("Alex")


@pytest.fixture
def follower(user_factory) -> User:
    return user_factory("Robin")


@pytest.fixture
def stranger(user_factory) -> User:
    return user_factory("Sam")


@pytest.fixture
def dynamic_factory(user_factory, now):
    """Makes a dynamic: active by default, or forming when ``partner`` is None."""

    def make(
        owner: User | None = None,
        partner: User | None | bool = True,
        *,
        owner_role: str = "leader",
        titles: tuple[str, str] = ("Sir", "pet"),
    ) -> Dynamic:
        owner = owner or user_factory()
        if partner is True:
            partner = user_factory()
        dynamic = make_dynamic(
            owner, partner or None, now=now, owner_role=owner_role, titles=titles
        )
        dynamic.refresh_from_db()
        return dynamic

    return make


@pytest.fixture
def dynamic(dynamic_factory, leader, follower) -> Dynamic:
    """An active dynamic: ``leader`` made it, ``follower`` joined by invitation."""
    return dynamic_factory(leader, follower)


@pytest.fixture
def client_for():
    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
            # The first request of a day notes the person's presence (see
            # agreements.middleware); tests measure the requests after it.
            client.get(reverse("health"))
        return client

    return make


def _static_fingerprint() -> str:
    """Returns a digest of every static source file (path, size, time) and the
    storage that collects them: equal digests mean nothing to collect again."""
    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders

    entries = []
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            stat = os.stat(storage.path(path))
            entries.append(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    entries.append(repr(settings.STORAGES["staticfiles"]))
    return hashlib.sha256("\n".join(sorted(entries)).encode()).hexdigest()


def pytest_configure(config):
    """Collects static files once per run (in the xdist controller), and not at
    all when nothing changed since the last run: hashing and compressing them
    costs about half a minute of CPU, and `make test` runs pytest twice."""
    if hasattr(config, "workerinput"):
        return
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    # Two runs from the same checkout (SQLite and PostgreSQL side by side) share
    # STATIC_ROOT: take turns.
    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
    with open(settings.STATIC_ROOT / ".collect.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stamp = settings.STATIC_ROOT / ".collected-for-tests"
        fingerprint = _static_fingerprint()
        manifest = settings.STATIC_ROOT / "staticfiles.json"
        if manifest.exists() and stamp.exists() and stamp.read_text() == fingerprint:
            return
        call_command("collectstatic", "--noinput", verbosity=0)
        stamp.write_text(fingerprint)


@pytest.fixture
def api_client(now):
    """Returns a test client that sends a new personal access token of ``user``."""
    from api import services as api_services

    def make(user: User | None, scope: str = "write") -> Client:
        if user is None:
            return Client()
        _token, secret = api_services.create_token(
            user, name="test", scope=scope, now=now
        )
        return Client(headers={"Authorization": f"Bearer {secret}"})

    return make
