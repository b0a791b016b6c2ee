"""Requests to addresses a person gave: never into the server's own network.

A Web Push endpoint or an Apprise URL is typed (or sent) by a person, so it
could make the server knock on its own doors: 127.0.0.1, the home network,
the cloud's metadata service at 169.254.169.254. Such addresses are refused
twice over:

- when a channel is added, the host is resolved and every address checked,
  for a clear message on the form or in the API (``check_host``);
- when a message is sent, every connection the transport opens is checked on
  the very addresses it is about to use (``guarded``). That covers what the
  first check cannot: a name that resolves elsewhere later (DNS rebinding),
  a redirect to another host, an SMTP server an Apprise ``mailto://`` picks.

The instance's own mail server (EMAIL_URL) is the operator's choice, not a
person's, and is not checked. ``INSTEP_ALLOW_PRIVATE_OUTBOUND`` lifts the
rule for a home server whose ntfy or Gotify lives on the same network.
"""

import ipaddress
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.utils.translation import gettext as _


class Blocked(OSError):
    """A connection to an address the server must not reach.

    An OSError, so that the libraries underneath (urllib3, smtplib) treat it
    as a failed connection and stop, as they would for a refused one.
    """


def private_allowed() -> bool:
    return settings.INSTEP_ALLOW_PRIVATE_OUTBOUND


def address_refusal(address: str) -> str | None:
    """Returns why the server may not connect to this IP address, or None.

    Only globally routable unicast addresses pass: private, loopback,
    link-local (with the metadata service), shared (100.64/10), multicast,
    reserved and unspecified ones do not, IPv4-mapped IPv6 included.
    """
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return _("%(address)s is not an address Instep can check.") % {
            "address": address
        }
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_global and not ip.is_multicast:
        return None
    return _(
        "%(address)s is inside the server's own network, which Instep does not "
        "contact for you. Use the service's public address."
    ) % {"address": ip}


_real_getaddrinfo = socket.getaddrinfo


def _addresses(host: str, port: int | None) -> list[str]:
    infos = _real_getaddrinfo(host.strip("[]"), port or 0, type=socket.SOCK_STREAM)
    return [info[4][0] for info in infos]


def check_host(host: str, port: int | None = None) -> str | None:
    """Returns why a channel may not point at ``host``, or None.

    Every address the name resolves to must pass. A name that does not
    resolve now passes here (it may be a token Apprise reads from the host
    part, or DNS may be down): each send checks it again.
    """
    if private_allowed() or not host:
        return None
    try:
        addresses = _addresses(host, port)
    except (OSError, UnicodeError):
        return None
    for address in addresses:
        if reason := address_refusal(address):
            return reason
    return None


# The refusals of the guarded block running in this thread (or task), if any.
_GUARD: ContextVar[list[str] | None] = ContextVar("instep_outbound", default=None)


def _guarded_getaddrinfo(host, port, *args, **kwargs):  # socket's own signature
    infos = _real_getaddrinfo(host, port, *args, **kwargs)
    refusals = _GUARD.get()
    if refusals is not None and not private_allowed():
        for info in infos:
            if reason := address_refusal(str(info[4][0])):
                refusals.append(reason)
                raise Blocked(reason)
    return infos


def install() -> None:
    """Puts the check in front of ``socket.getaddrinfo`` (NotifyConfig.ready).

    Every Python client (requests and urllib3, smtplib, Apprise's plugins)
    resolves through it right before it connects, so the addresses checked
    are the ones used. Outside a ``guarded`` block it only passes through:
    the database, the instance's mail and everything else are untouched.
    """
    socket.getaddrinfo = _guarded_getaddrinfo


@contextmanager
def guarded() -> Iterator[list[str]]:
    """Checks every connection opened inside the block; yields the refusals.

    A refused connection fails inside the library like an unreachable host;
    the caller then looks at the list to say why, and that retrying is
    pointless.
    """
    refusals: list[str] = []
    token = _GUARD.set(refusals)
    try:
        yield refusals
    finally:
        _GUARD.reset(token)
