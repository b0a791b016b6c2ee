"""Changes to a person's own account. Only the person may make them."""

import re
from datetime import datetime

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from dynamics.services import leave_all
from instep.errors import Refused

PIN_PATTERN = re.compile(r"\d{4,8}")
# Wrong PINs allowed before the session is signed out for good.
UNLOCK_ATTEMPTS = 5


def set_pin(actor: User, *, pin: str) -> None:
    """Sets the quick-lock PIN: 4 to 8 digits, stored hashed."""
    if not PIN_PATTERN.fullmatch(pin):
        raise Refused(_("A PIN is 4 to 8 digits."), field="pin")
    actor.lock_pin = make_password(pin)
    actor.save(update_fields=["lock_pin"])


def clear_pin(actor: User) -> None:
    actor.lock_pin = ""
    actor.save(update_fields=["lock_pin"])


def pin_matches(actor: User, pin: str) -> bool:
    return bool(actor.lock_pin) and check_password(pin, actor.lock_pin)


@transaction.atomic
def delete_account(actor: User, *, password: str, now: datetime) -> None:
    """Deletes the person and their private data; their dynamics end for the partner.

    The partner keeps the ended dynamic with its audit trail, in which the
    deleted person appears only by role.
    """
    if not actor.check_password(password):
        raise Refused(_("That is not your password."), field="password")
    leave_all(actor, now=now)
    actor.delete()
