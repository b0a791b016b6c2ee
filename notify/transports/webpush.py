"""Web Push to a browser subscription (RFC 8030/8291/8292) with pywebpush."""

import json

import requests
from django.conf import settings
from pywebpush import WebPushException, webpush

from notify import crypto, outbound, vapid
from notify.messages import Message
from notify.transports.base import Transport, TransportError

# The push service says the subscription is gone or will never accept this.
GONE = {400, 403, 404, 410, 413}


def push_payload(message: Message) -> str:
    """The JSON the service worker shows; only the rendered, possibly neutral words."""
    return json.dumps(
        {
            "title": message.title,
            "body": message.body,
            "url": message.url,
            "tag": message.tag,
            "urgent": message.urgent,
        }
    )


class WebPushTransport(Transport):
    kind = "webpush"
    timeout = 10

    def send(self, message: Message) -> None:
        try:
            subscription = json.loads(self.channel.secret)
        except crypto.Unreadable as e:
            raise TransportError(str(e), permanent=True) from e
        # Redirects included: every connection is checked (notify/outbound.py).
        with outbound.guarded() as refusals:
            try:
                webpush(
                    subscription,
                    push_payload(message),
                    vapid_private_key=vapid.signer(),
                    vapid_claims={"sub": f"mailto:{_contact()}"},
                    ttl=24 * 60 * 60,
                    timeout=self.timeout,
                    headers={"Urgency": "high" if message.urgent else "normal"},
                )
            except WebPushException as e:
                status = getattr(e.response, "status_code", None)
                raise TransportError(
                    f"The push service answered {status or 'nothing'}.",
                    permanent=status in GONE,
                ) from e
            except requests.RequestException as e:
                if refusals:
                    raise TransportError(refusals[0], permanent=True) from e
                raise TransportError(f"The push service did not answer: {e}") from e


def _contact() -> str:
    """The operator address push services may write to about this instance."""
    from_email = settings.DEFAULT_FROM_EMAIL
    return from_email.rpartition("<")[2].rstrip(">").strip() or "instep@localhost"
