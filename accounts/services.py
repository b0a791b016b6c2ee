"""Changes to a person's own account. Only the person may make them."""

import re
import secrets
from datetime import datetime
from enum import StrEnum

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import hooks
from accounts.models import UnlockFailure, User
from instep.errors import Refused

PIN_PATTERN = re.compile(r"\d{4,8}")
# Wrong PINs allowed in one session before it is signed out for good.
UNLOCK_ATTEMPTS = 5
# Wrong PINs allowed across all of a person's sessions before the PIN stops
# working everywhere until they sign in with their password.
PERSON_UNLOCK_ATTEMPTS = 10


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


class Unlock(StrEnum):
    OPEN = "open"
    WRONG = "wrong"
    SIGNED_OUT = "signed_out"


@transaction.atomic
def unlock(actor: User, *, pin: str, session_key: str, now: datetime) -> Unlock:
    """Checks a quick-lock PIN and counts a wrong one, once, whatever runs beside it.

    Returns ``OPEN`` for the right PIN (this session's wrong guesses are then
    forgotten), ``WRONG`` for a wrong one, and ``SIGNED_OUT`` once the session
    has used its attempts or the person all of theirs: that session must sign
    in with the password, and no PIN is even checked any more.
    """
    # The person's row lock makes parallel guesses take turns: each is counted
    # before the next one is compared, so no guess slips past the limit.
    person = User.objects.select_for_update().get(pk=actor.pk)
    failures = UnlockFailure.objects.filter(user=person)
    in_session = failures.filter(session_key=session_key).count()
    in_all = failures.count()
    if in_session >= UNLOCK_ATTEMPTS or in_all >= PERSON_UNLOCK_ATTEMPTS:
        return Unlock.SIGNED_OUT
    if pin_matches(person, pin):
        failures.filter(session_key=session_key).delete()
        return Unlock.OPEN
    UnlockFailure.objects.create(user=person, session_key=session_key, at=now)
    if in_session + 1 >= UNLOCK_ATTEMPTS or in_all + 1 >= PERSON_UNLOCK_ATTEMPTS:
        return Unlock.SIGNED_OUT
    return Unlock.WRONG


def signed_in(sender: type, *, user: User, **kwargs: object) -> None:
    """A sign-in with the password proves the person: their PIN works again
    (connected to Django's ``user_logged_in``)."""
    UnlockFailure.objects.filter(user=user).delete()


@transaction.atomic
def sign_out_everywhere(actor: User) -> None:
    """Ends every session of the person, this one included, and revokes their
    API tokens: for a lost phone or a shared computer left signed in."""
    actor.session_salt = secrets.token_hex(16)
    actor.save(update_fields=["session_salt"])
    hooks.credentials_revoked(person=actor)


@transaction.atomic
def delete_account(actor: User, *, password: str, now: datetime) -> None:
    """Deletes the person and their private data; their dynamics end for the partner.

    The partner keeps the ended dynamic with its audit trail, in which the
    deleted person appears only by role.
    """
    if not actor.check_password(password):
        raise Refused(_("That is not your password."), field="password")
    erase_account(actor, now=now)


@transaction.atomic
def erase_account(person: User, *, now: datetime) -> None:
    """Ends the person's dynamics for their partners, then deletes them: the one
    way an account goes, from the settings page or an operator in the admin.
    Deleting the row alone would leave the partner in an "active" dynamic of
    one, with nothing in its audit trail."""
    hooks.account_erasing(person, now=now)  # dynamics.services.leave_all
    person.delete()


PROFILE_FIELDS = (
    "display_name",
    "time_zone",
    "locale",
    "discreet",
    "lock_after_minutes",
)


@transaction.atomic
def update_profile(actor: User, **changes: object) -> User:
    """Changes the person's own settings; fields left out keep their value.

    The rules are those of the settings page (its form validates), so the page
    and the API accept and refuse the same values.
    """
    from accounts.forms import ProfileForm  # forms import models; avoid a cycle

    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise Refused(
            _("These settings do not exist: %s.") % ", ".join(sorted(unknown))
        )
    data = {name: getattr(actor, name) for name in PROFILE_FIELDS} | changes
    if not data["discreet"]:
        data.pop("discreet")  # an unchecked box is an absent field
    # A fresh copy: a refused form must not leave half-applied values on ``actor``.
    form = ProfileForm(data, instance=User.objects.get(pk=actor.pk))
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise Refused(
            errors[0], field=None if field == "__all__" else field, code="invalid"
        )
    saved = form.save()
    for name in PROFILE_FIELDS:
        setattr(actor, name, getattr(saved, name))
    return actor
