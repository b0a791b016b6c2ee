"""The account's part of a person's export: their profile and e-mail addresses.

Left out on purpose: the password and quick-lock PIN hashes and API tokens
(credentials, not data: set new ones after an import).
"""

from typing import Any

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.validators import validate_single_line
from instep.archive import ArchivePart, ImportContext, register
from instep.errors import Refused

PROFILE = ("email", "display_name", "time_zone", "locale", "discreet")


def export_account(user: User) -> dict[str, Any]:
    return {
        "account": {
            **{name: getattr(user, name) for name in PROFILE},
            "lock_after_minutes": user.lock_after_minutes,
            "date_joined": user.date_joined,
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("email")
        ],
    }


def import_account(context: ImportContext, parts: list[ArchivePart]) -> None:
    for part in parts:
        account = part.data["account"]
        if User.objects.filter(email__iexact=account["email"]).exists():
            raise Refused(
                _(
                    "%(email)s already has an account here. "
                    "Import into a fresh instance."
                )
                % {"email": account["email"]}
            )
        try:
            validate_single_line(account["display_name"])
        except ValidationError as e:
            raise Refused(
                _("The name in the archive: %(why)s") % {"why": e.messages[0]}
            ) from None
        user = User(
            **{name: account[name] for name in PROFILE},
            lock_after_minutes=account["lock_after_minutes"],
            date_joined=parse_datetime(account["date_joined"]),
        )
        # Passwords are not exported: the person sets a new one through
        # "Forgot your password?" on the sign-in page.
        user.set_unusable_password()
        user.save()
        for address in part.data["email_addresses"]:
            EmailAddress.objects.create(user=user, **address)
        part.person = user
        context.notes.append(
            f"{user.email}: imported; sign in after choosing a new password "
            "(“Forgot your password?”)."
        )


register(
    "account",
    title="Your account",
    export=export_account,
    import_=import_account,
    order=10,
)
