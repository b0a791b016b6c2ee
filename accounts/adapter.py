"""allauth's hooks: links in e-mails from INSTEP_BASE_URL, discreet wording.

The e-mails themselves are Instep's templates in
``instep/templates/account/email/`` (they override the library's stock text).
"""

from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from accounts.models import User


def on_this_instance(url: str) -> str:
    """Returns ``url`` with the scheme and host of ``settings.BASE_URL``.

    A link in an e-mail then follows the address the instance is configured
    for (``make run PORT=8001`` sets it), not the Host header of whoever
    asked for the e-mail.
    """
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return f"{settings.BASE_URL}{path}"


class AccountAdapter(DefaultAccountAdapter):
    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return on_this_instance(
            super().get_email_confirmation_url(request, emailconfirmation)
        )

    def get_reset_password_from_key_url(self, key: str) -> str:
        return on_this_instance(super().get_reset_password_from_key_url(key))

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Adds what Instep's e-mail templates use: the instance's address and
        whether the person asked for discreet wording (known once they exist)."""
        user = context.get("user")
        if not isinstance(user, User):
            user = User.objects.filter(email__iexact=email).first()
        # Every link (confirm, reset, sign up) points at this instance's address.
        links = {
            key: on_this_instance(value)
            for key, value in context.items()
            if key.endswith("_url") and isinstance(value, str) and "://" in value
        }
        context = {
            **context,
            **links,
            "base_url": settings.BASE_URL,
            "discreet": bool(user and user.discreet),
            "person": user,
        }
        super().send_mail(template_prefix, email, context)
