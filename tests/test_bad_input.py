"""Bad input to every page that takes a POST: a clear message or a 4xx, never
a server error, and nothing changed; a POST without a CSRF token is refused.

The targets are the URL names of the permission table (tests/test_permissions,
whose World gives each its ids) and allauth's pages: a new page is covered as
soon as it has a row there. Its fields are found by reading the forms the pages
render, as the owner and as the partner see them, so a new field is covered as
soon as a page shows it. The oracle is in tests/bad_input.py.
"""

import random
from http import HTTPStatus
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib import messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from hypothesis import given
from hypothesis import strategies as st

from tests import bad_input
from tests.bad_input import FormField
from tests.test_permissions import (
    OWNER,
    PARTNER,
    TABLE,
    World,
    _third_party,
    _url_names,
    make_world,
)


@pytest.fixture
def world(leader, follower, now) -> World:
    """The permission table's world, built afresh for each case: bad input
    must change nothing, so each case starts from the same rows (the table
    itself shares one world per module, tests/test_permissions.py)."""
    return make_world(leader, follower, now)


SENDABLE = {HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND, HTTPStatus.FOUND}


def _third_party_targets() -> list[str]:
    names = []
    for name in sorted(set(_url_names())):
        if _third_party(name):
            try:
                reverse(name)
            except NoReverseMatch:
                continue
            names.append(name)
    return names


# The admin is for staff: to anyone else each of its pages is the same sign-in
# redirect, so its sign-in form stands for all of them.
TARGETS = sorted(TABLE) + [
    name
    for name in _third_party_targets()
    if not name.startswith("admin:") or name == "admin:login"
]
# Filled by the first test of a process: field names do not depend on the ids.
_FIELDS: dict[str, dict[str, FormField]] = {}


def _actor(name: str, leader, follower):
    """Returns who may act here: the owner, or the partner where only they may."""
    case = TABLE.get(name)
    if case and case.expect[OWNER] in SENDABLE and case.expect[PARTNER] not in SENDABLE:
        return follower
    return leader


def _url(name: str, w: World) -> str:
    case = TABLE.get(name)
    return reverse(name, kwargs=case.kwargs(w)) if case else reverse(name)


def _fields(w: World, leader, follower, client_for) -> dict[str, dict[str, FormField]]:
    """Returns the fields of every POST form the pages render, by URL name."""
    if _FIELDS:
        return _FIELDS
    found: dict[str, dict[str, FormField]] = {}
    for person in (leader, follower):
        client = client_for(person)
        for name in TARGETS:
            case = TABLE.get(name)
            if case and case.method != "get":
                continue
            with transaction.atomic():
                url = _url(name, w)
                page = client.get(url)
                transaction.set_rollback(True)
            if page.status_code != HTTPStatus.OK:
                continue
            for action, fields in bad_input.post_forms(page.content):
                try:
                    target = resolve(urlsplit(action).path or url).view_name
                except Resolver404:
                    continue
                bad_input.merge(found.setdefault(target, {}), fields.values())
    for name, case in TABLE.items():
        known = found.setdefault(name, {})
        bad_input.merge(
            known, (FormField(k, "text", [str(v)]) for k, v in case.data.items())
        )
    _FIELDS.update(found)
    return _FIELDS


def _queued_errors(response) -> list[str]:
    storage = getattr(response.wsgi_request, "_messages", None)
    queued = getattr(storage, "_queued_messages", [])
    return [str(m) for m in queued if m.level >= messages.ERROR]


class Sender:
    """Sends one request in a savepoint that is rolled back, and judges it."""

    def __init__(self, client: Client, url: str):
        self.client, self.url = client, url
        self.session = client.cookies[settings.SESSION_COOKIE_NAME].value

    def send(self, what: str, *, html: bool = False, **request) -> None:
        """Sends one POST; ``html`` says the payload holds a script to look for
        on the page that answers (or the one it redirects to)."""
        # Every request starts signed in, whatever the one before did.
        self.client.cookies[settings.SESSION_COOKIE_NAME] = self.session
        self.client.cookies.pop("messages", None)
        where = f"POST {self.url} with {what}"
        with transaction.atomic():
            savepoint = transaction.savepoint()
            with CaptureQueriesContext(connection) as queries:
                response = self.client.generic("POST", self.url, **request)
            assert response.status_code < 500, f"{where}: {response.status_code}"
            refused = response.status_code >= 400 or bool(_queued_errors(response))
            # A request that wrote nothing changed nothing; otherwise compare
            # the tables as the request left them with how they were before.
            wrote = bad_input.wrote(q["sql"] for q in queries.captured_queries)
            after = bad_input.snapshot() if wrote else None
            if html:
                page = response
                if response.status_code in (301, 302, 303) and not refused:
                    page = self.client.get(response["Location"])
                    assert page.status_code < 500, f"{where}, then the next page"
                assert not bad_input.served_unescaped(page.content), (
                    f"{where}: the script came back unescaped"
                )
            transaction.savepoint_rollback(savepoint)
            if after is not None:
                before = bad_input.snapshot()
                if refused:
                    assert bad_input.changes(before, after) == {}, (
                        f"{where} was refused ({response.status_code}) but changed rows"
                    )
                else:
                    assert bad_input.stored_garbage(before, after) == [], where
            transaction.set_rollback(True)

    def post(self, what: str, data: dict, files: dict | None = None) -> None:
        """Sends ``data`` (lists become repeated fields) as a browser form."""
        body = encode_multipart(BOUNDARY, {**data, **(files or {})})
        html = any(bad_input.MARKER in str(v) for v in data.values())
        self.send(what, html=html, data=body, content_type=MULTIPART_CONTENT)


def _names(fields: dict[str, FormField]) -> list[str]:
    return sorted(fields) or ["unexpected"]


def _fill(fields: dict[str, FormField], value: str) -> dict:
    return dict.fromkeys(_names(fields), value)


@pytest.mark.parametrize("name", TARGETS)
def test_bad_input_to_page_gets_a_message_and_changes_nothing(
    name,
    world,
    leader,
    follower,
    client_for,
):
    fields = _fields(world, leader, follower, client_for).get(name, {})
    actor = _actor(name, leader, follower)
    url = _url(name, world)
    _post_without_csrf_token(url, actor, TABLE[name].data if name in TABLE else {})
    sender = Sender(client_for(actor), url)

    sender.post("no fields at all", {})
    if not fields and name in TABLE and TABLE[name].method == "get":
        # A page that shows no form: one stray POST must not break it.
        sender.post("a stray field", {"unexpected": bad_input.SCRIPT})
        return
    for what, values in bad_input.PAYLOAD_CLASSES.items():
        # Each field gets another value of the class, so one request covers it.
        data = {k: values[i % len(values)] for i, k in enumerate(_names(fields))}
        sender.post(f"{what}: {data!r}"[:300], data)
    sender.post("1 MB of text", _fill(fields, bad_input.OVERSIZED))
    sender.post(
        "two values for each field", {k: ["1", "<b>2</b>"] for k in _names(fields)}
    )
    sender.send(
        "a body that is not UTF-8",
        data=b"&".join(k.encode() + b"=" + bad_input.NOT_UTF8 for k in _names(fields)),
        content_type="application/x-www-form-urlencoded",
    )
    if files := [f.name for f in fields.values() if f.kind == "file"]:
        valid = {k: (f.options[0] if f.options else "") for k, f in fields.items()}
        for what, content in (
            ("a 20 MB image", b"\xff\xd8\xff\xe0" + b"\0" * (20 * 1024 * 1024)),
            ("a text file named .jpg", b"not a photo at all"),
            ("an empty file", b""),
        ):
            upload = {
                f: SimpleUploadedFile("photo.jpg", content, "image/jpeg") for f in files
            }
            sender.post(what, valid, upload)

    @bad_input.BUDGET
    @given(
        st.dictionaries(
            st.sampled_from(sorted(fields) or ["unexpected"]),
            st.one_of(
                bad_input.garbage(),
                st.lists(bad_input.garbage(), min_size=2, max_size=3),
            ),
        ),
        st.randoms(use_true_random=False),
    )
    def mixed(payload: dict, rng: random.Random) -> None:
        # The other fields keep a plausible value, so the garbage gets past
        # the first check and reaches the deeper ones.
        plausible = {
            k: rng.choice(f.options)
            for k, f in fields.items()
            if f.options and f.kind != "file"
        }
        sender.post(f"the mix {payload!r}", {**plausible, **payload})

    mixed()


def _post_without_csrf_token(url: str, actor, data: dict) -> None:
    """A form sent from another site (no CSRF token) is refused; nothing changes."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(actor)
    client.get(reverse("health"))
    where = f"POST {url} without a CSRF token"
    with transaction.atomic():
        before = bad_input.snapshot()
        response = client.post(url, data)
        assert response.status_code < 500, where
        if not getattr(resolve(url).func, "csrf_exempt", False):
            assert response.status_code == HTTPStatus.FORBIDDEN, where
            assert b"reload" in response.content.lower(), where
        if response.status_code >= 400:
            assert bad_input.changes(before, bad_input.snapshot()) == {}, where
        transaction.set_rollback(True)
