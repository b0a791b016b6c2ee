"""Encryption at rest for channel secrets and the VAPID private key.

The Fernet key is derived from ``NOTIFY_KEY`` or, when that is unset, from
``SECRET_KEY``: a database copy alone does not reveal anyone's push tokens or
Apprise URLs. Changing the key makes stored secrets unreadable; the channels
then say so and must be added again.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


class Unreadable(Exception):
    """The secret was encrypted with another key."""


def _fernet() -> Fernet:
    material = settings.NOTIFY_KEY or settings.SECRET_KEY
    digest = hashlib.sha256(b"instep.notify.v1:" + material.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise Unreadable(
            "This channel was saved with another key. Remove it and add it again."
        ) from None


def mask_email(address: str) -> str:
    local, _sep, domain = address.partition("@")
    return f"{local[:1]}•••@{domain}" if domain else "•••"


def mask_url(url: str) -> str:
    """Returns the scheme and the last four characters: enough to tell URLs apart."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return "•••"
    tail = rest[-4:] if len(rest) > 12 else ""
    return f"{scheme}://•••{tail}"
