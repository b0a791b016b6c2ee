"""The instance's VAPID key pair: generated once, kept encrypted in the database."""

import base64

from cryptography.hazmat.primitives import serialization
from django.db import IntegrityError, transaction
from django.utils import timezone
from py_vapid import Vapid

from notify import crypto
from notify.models import VapidKey


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def instance_key() -> VapidKey:
    """Returns the VAPID key, creating it on first use (once, even under races)."""
    key = VapidKey.objects.filter(singleton=1).first()
    if key is not None:
        return key
    vapid = Vapid()
    vapid.generate_keys()
    public = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    try:
        with transaction.atomic():
            return VapidKey.objects.create(
                singleton=1,
                private_token=crypto.encrypt(vapid.private_pem().decode()),
                public_key=_b64url(public),
                created_at=timezone.now(),
            )
    except IntegrityError:
        # Another process made it first: theirs is the instance's key.
        return VapidKey.objects.get(singleton=1)


def signer() -> Vapid:
    return Vapid.from_pem(instance_key().private_pem.encode())
