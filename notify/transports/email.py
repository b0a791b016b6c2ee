"""E-mail through the instance's own mail server (EMAIL_URL)."""

from smtplib import SMTPException, SMTPRecipientsRefused

from django.core.mail import EmailMessage

from notify import crypto
from notify.messages import Message
from notify.transports.base import Transport, TransportError


class EmailTransport(Transport):
    kind = "email"

    def send(self, message: Message) -> None:
        try:
            address = self.channel.secret
        except crypto.Unreadable as e:
            raise TransportError(str(e), permanent=True) from e
        mail = EmailMessage(
            subject=message.title,
            body=f"{message.body}\n\n{message.url}\n",
            to=[address],
            headers={"Importance": "high"} if message.urgent else None,
        )
        try:
            mail.send(fail_silently=False)
        except SMTPRecipientsRefused as e:
            raise TransportError(
                "The mail server refused this address.", permanent=True
            ) from e
        except (OSError, SMTPException) as e:
            raise TransportError(f"The mail server did not answer: {e}") from e
