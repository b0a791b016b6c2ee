"""Channels cannot turn the server against its own network (notify/outbound.py).

By default a Web Push endpoint or an Apprise URL that points at a private,
loopback, link-local or metadata address is refused when the channel is added
(page and API) and, should it get through (a name that resolves elsewhere
later, a redirect), when a message is sent.
"""

import json
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse

from instep.errors import Refused
from notify import delivery, outbound, services
from notify.models import Channel, Outbox
from notify.tests.receivers import PushSubscriber

from .test_webpush import NOW

PRIVATE_HOSTS = [
    "127.0.0.1",
    "10.0.0.1",
    "169.254.169.254",  # the cloud's metadata service
    "[::1]",
    "localhost",  # a name that resolves to loopback
    "100.100.100.200",  # shared address space (another cloud's metadata)
]


@pytest.mark.parametrize(
    "address",
    ["::ffff:127.0.0.1", "fd00:ec2::254", "fe80::1%eth0", "224.0.0.251", "0.0.0.0"],
)
def test_every_kind_of_inside_address_is_refused(address):
    assert outbound.address_refusal(address) is not None


def test_a_public_address_passes():
    assert outbound.address_refusal("93.184.215.14") is None
    assert outbound.address_refusal("2606:2800:21f:cb07:6820:80da:af6b:8b2c") is None


def _subscription(host: str) -> str:
    return json.dumps(PushSubscriber(endpoint=f"https://{host}/push/1").subscription)


@pytest.mark.parametrize("host", PRIVATE_HOSTS)
def test_person_cannot_add_a_channel_that_points_into_the_servers_network(
    host, follower
):
    with pytest.raises(Refused, match="inside the server's own network"):
        services.add_apprise(follower, url=f"json://{host}:8080/hook", now=NOW)
    with pytest.raises(Refused, match="inside the server's own network"):
        services.add_push(follower, subscription=_subscription(host), now=NOW)
    assert not Channel.objects.exists()


def test_apprise_e_mail_through_a_private_smtp_server_is_refused(follower):
    url = "mailto://user:pass@example.org?smtp=10.0.0.1&to=robin@example.org"
    with pytest.raises(Refused, match="10.0.0.1"):
        services.add_apprise(follower, url=url, now=NOW)


def test_services_named_by_token_are_not_mistaken_for_hosts(follower):
    """tgram://123456:… has the bot token where a host would be; "123456" also
    reads as the IPv4 address 0.1.226.64, which is not where it goes."""
    channel = services.add_apprise(follower, url="tgram://123456:ABCdef/12345", now=NOW)
    assert channel.kind == Channel.Kind.APPRISE


def test_settings_page_and_api_say_why_a_private_address_is_refused(
    follower, client_for, api_client
):
    page = client_for(follower).post(
        reverse("notify:add_apprise"), {"url": "json://169.254.169.254/latest"}
    )
    assert page.status_code == HTTPStatus.BAD_REQUEST
    assert b"inside the server&#x27;s own network" in page.content
    answer = api_client(follower).post(
        "/api/v1/me/channels",
        {"kind": "webpush", "address": _subscription("10.0.0.1")},
        content_type="application/json",
    )
    assert answer.status_code == HTTPStatus.BAD_REQUEST
    assert "inside the server's own network" in answer.json()["detail"]
    assert not Channel.objects.exists()


def test_operator_may_allow_private_addresses_for_a_home_server(follower, settings):
    settings.INSTEP_ALLOW_PRIVATE_OUTBOUND = True
    channel = services.add_apprise(follower, url="gotify://10.0.0.7/token", now=NOW)
    assert channel.kind == Channel.Kind.APPRISE


def test_a_send_to_a_private_address_fails_for_good_without_a_request(
    follower, json_receiver, push_service, push_subscriber, settings
):
    """Channels added while the operator allowed private addresses (or whose
    name now resolves inside): the send is refused, nothing is retried."""
    apprise = services.add_apprise(follower, url=json_receiver.apprise_url, now=NOW)
    push = services.add_push(
        follower, subscription=json.dumps(push_subscriber.subscription), now=NOW
    )
    settings.INSTEP_ALLOW_PRIVATE_OUTBOUND = False
    for channel in (apprise, push):
        row = services.send_test(follower, channel.pk, now=NOW)
        assert delivery.deliver_one(row.pk, now=NOW) == "failed"
        channel.refresh_from_db()
        assert "inside the server's own network" in channel.last_error
    assert Outbox.objects.filter(state="failed").count() == 2
    assert json_receiver.received == [] and push_service.received == []


class _Redirector:
    """An HTTP server on 127.0.0.1 that sends every POST on to ``location``."""

    def __init__(self, location: str):
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self.send_response(307)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def redirector(monkeypatch):
    """A first hop the check lets through (as a public host would be), which
    redirects to the metadata service."""
    real = outbound.address_refusal
    monkeypatch.setattr(
        outbound,
        "address_refusal",
        lambda address: None if address == "127.0.0.1" else real(address),
    )
    server = _Redirector("http://169.254.169.254/latest/meta-data/")
    yield server
    server.stop()


@pytest.mark.parametrize("kind", ["apprise", "webpush"])
def test_a_redirect_into_the_servers_network_is_refused(kind, follower, redirector):
    first_hop = f"127.0.0.1:{redirector.port}"
    if kind == "apprise":
        channel = services.add_apprise(
            follower, url=f"json://{first_hop}/hook", now=NOW
        )
    else:
        subscriber = PushSubscriber(endpoint=f"http://{first_hop}/push/1")
        channel = services.add_push(
            follower, subscription=json.dumps(subscriber.subscription), now=NOW
        )
    row = services.send_test(follower, channel.pk, now=NOW)
    assert delivery.deliver_one(row.pk, now=NOW) == "failed"  # not retried
    channel.refresh_from_db()
    assert "169.254.169.254 is inside the server's own network" in channel.last_error


def test_instance_mail_is_the_operators_and_not_checked(follower, smtp_receiver):
    """The instance's own mail server (EMAIL_URL, here on 127.0.0.1) is the
    operator's choice: e-mail channels reach it with the default settings."""
    channel = services.add_email(follower, address="robin@example.org", now=NOW)
    row = services.send_test(follower, channel.pk, now=NOW)
    assert delivery.deliver_one(row.pk, now=NOW) == "sent"
    assert smtp_receiver.wait_for(1)
