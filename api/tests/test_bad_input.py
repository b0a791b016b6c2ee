"""Bad input to every API operation: a 4xx with the API's error body, never a
server error, and nothing changed; a session call without its CSRF token is
refused.

The operations and their body fields come from the OpenAPI schema, the ids
from the permission table's world (api/tests/test_permissions), so an
operation a new router adds is covered as soon as it is in the schema. The
oracle is in tests/bad_input.py.
"""

import json
import string
from http import HTTPStatus

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from api.api import api
from api.tests.test_permissions import (
    OPERATIONS,
    PREFIX,
    TABLE,
    World,
    _url,
    make_world,
)
from tests import bad_input

SCHEMA = api.get_openapi_schema(path_prefix=PREFIX)


@pytest.fixture
def world(leader, follower) -> World:
    """The permission table's world, built afresh for each case: bad input
    must change nothing, so each case starts from the same rows (the table
    itself shares one world per module, api/tests/test_permissions.py). The
    API reads the real clock: the world is made at its time."""
    return make_world(leader, follower, timezone.now())


def _body_fields(operation_id: str) -> list[str]:
    """Returns the names of the operation's JSON body fields."""
    method, path = OPERATIONS[operation_id]
    operation = SCHEMA["paths"][path][method]
    content = operation.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema", {})
    if ref := schema.get("$ref"):
        schema = SCHEMA["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    return sorted(schema.get("properties", {}))


def _path(path: str, w: World, operation: str) -> str:
    """Returns the path with the world's ids; an id the world does not know
    names nothing (the operation answers 404, which is fine)."""
    try:
        return _url(path, w, TABLE[operation])
    except (KeyError, IndexError):
        known = {"dynamic_id": w.dynamic_id, "signal_id": w.signal_id}
        names = [n for _, n, _, _ in string.Formatter().parse(path) if n]
        return path.format(**{n: known.get(n, getattr(w, n, 999_999)) for n in names})


def _json_garbage() -> st.SearchStrategy:
    return st.one_of(
        bad_input.garbage(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False),
        st.booleans(),
        st.none(),
        st.lists(bad_input.garbage(), max_size=3),
        st.dictionaries(st.text(max_size=5), bad_input.garbage(), max_size=2),
    )


class Sender:
    """Sends one call in a savepoint that is rolled back, and judges it."""

    def __init__(self, client: Client, method: str, url: str):
        self.client, self.method, self.url = client, method, url

    def send(
        self, what: str, body: bytes | str, *, path: str | None = None, **extra
    ) -> None:
        url = path or self.url
        where = f"{self.method.upper()} {url} with {what}"[:400]
        extra.setdefault("content_type", "application/json")
        with transaction.atomic():
            savepoint = transaction.savepoint()
            with CaptureQueriesContext(connection) as queries:
                response = self.client.generic(self.method.upper(), url, body, **extra)
            assert response.status_code < 500, f"{where}: {response.status_code}"
            wrote = bad_input.wrote(q["sql"] for q in queries.captured_queries)
            after = bad_input.snapshot() if wrote else None
            transaction.savepoint_rollback(savepoint)
            if response.status_code >= 400:
                problem = response.json()
                assert {"code", "detail"} <= set(problem), where
                assert problem["detail"], where
            if after is not None:
                before = bad_input.snapshot()
                if response.status_code >= 400:
                    assert bad_input.changes(before, after) == {}, (
                        f"{where} was refused ({response.status_code}) but changed rows"
                    )
                else:
                    assert bad_input.stored_garbage(before, after) == [], where
            transaction.set_rollback(True)

    def json(self, what: str, value: object) -> None:
        self.send(what, json.dumps(value))


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_bad_input_to_operation_gets_a_4xx_and_changes_nothing(
    operation,
    world,
    leader,
    api_client,
):
    method, path = OPERATIONS[operation]
    fields = _body_fields(operation) or ["unexpected"]
    url = _path(path, world, operation)
    if method != "get":
        _call_without_csrf_token(method, url, leader)
    sender = Sender(api_client(leader), method, url)

    for what, values in bad_input.PAYLOAD_CLASSES.items():
        body = {k: values[i % len(values)] for i, k in enumerate(fields)}
        sender.json(f"{what}: {body!r}", body)
    sender.json("1 MB of text", dict.fromkeys(fields, bad_input.OVERSIZED))
    for what, value in (
        ("a list", [1, 2]),
        ("a number", 7),
        ("a string", "kind"),
        ("null", None),
        ("numbers for every field", dict.fromkeys(fields, 10**30)),
        ("lists for every field", dict.fromkeys(fields, ["a", {"b": None}])),
    ):
        sender.json(what, value)
    sender.send("broken JSON", '{"kind": "red",')
    sender.send("bytes that are not UTF-8", bad_input.NOT_UTF8)
    sender.send("a form instead of JSON", "kind=red", content_type="text/plain")
    if "{" in path:
        head, rest = path.split("{", 1)
        for bad_id in ("abc", "-1", "0", "99999999999999999999999", "1.5", "%00"):
            bad_path = _path(head + bad_id + rest.split("}", 1)[1], world, operation)
            sender.send(f"the id {bad_id!r}", "{}", path=bad_path)
    if method == "get":
        sender.send("garbage in the query", "", path=url + "?page=%00&page=-1&x=<b>")

    @bad_input.BUDGET
    @given(st.dictionaries(st.sampled_from(fields), _json_garbage()))
    def mixed(body: dict) -> None:
        sender.json(f"the mix {body!r}", body)

    mixed()


def _call_without_csrf_token(method: str, url: str, user) -> None:
    """A signed-in browser session without the CSRF token: another site's
    script. Refused with the API's error; nothing changes."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(reverse("health"))  # the day's presence is noted on the first call
    where = f"{method.upper()} {url} with a session and no CSRF token"
    with transaction.atomic():
        before = bad_input.snapshot()
        response = client.generic(
            method.upper(), url, "{}", content_type="application/json"
        )
        assert response.status_code == HTTPStatus.FORBIDDEN, where
        assert response.json()["code"] == "csrf_failed", where
        assert bad_input.changes(before, bad_input.snapshot()) == {}, where
        transaction.set_rollback(True)
