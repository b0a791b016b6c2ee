"""Guesses at the quick-lock PIN sent in parallel are each counted.

Real concurrency needs PostgreSQL (the production database, where requests run
side by side); on SQLite writes are serialised by the database itself and the
test is skipped, as the other race tests are.
"""

import threading
from http import HTTPStatus

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from accounts import services

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("parallel requests are a PostgreSQL matter")


def test_parallel_wrong_pins_cannot_outrun_the_limit(dynamic, follower, client_for):
    """Nine wrong guesses sent eight at a time, then the right one: the session
    is signed out before the right one is even compared."""
    services.set_pin(follower, pin="2468")
    locked = client_for(follower)
    locked.post(reverse("accounts:lock_now"))
    lock = reverse("accounts:lock")
    guesses = [f"{n:04}" for n in range(1000, 1009)]
    statuses: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def guesser(pins: list[str]) -> None:
        client = Client()
        client.cookies = locked.cookies  # the same session, as a browser's tabs
        try:
            barrier.wait()
            for pin in pins:
                statuses.append(client.post(lock, {"pin": pin}).status_code)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=guesser, args=(guesses[n::8],)) for n in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert statuses.count(HTTPStatus.BAD_REQUEST) == services.UNLOCK_ATTEMPTS - 1
    right = locked.post(lock, {"pin": "2468"})
    assert right.url.startswith(reverse("account_login"))
    home = locked.get(reverse("dynamics:home", args=[dynamic.pk]))
    assert home.status_code == HTTPStatus.FOUND
    assert home.url.startswith(reverse("account_login"))
