import zoneinfo
from functools import cache

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from accounts import hooks
from accounts.validators import validate_single_line


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    """Returns every IANA time zone as form choices, sorted by name."""
    names = sorted(zoneinfo.available_timezones() - {"Factory", "localtime"})
    return [(name, name.replace("_", " ")) for name in names]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractUser):
    """A person. They sign in with their e-mail address; there is no username."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(
        _("display name"), max_length=60, validators=[validate_single_line]
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    # Empty: dates and numbers follow the browser's language (Accept-Language).
    locale = models.CharField(
        _("date and number format"), max_length=10, blank=True, default=""
    )
    discreet = models.BooleanField(
        _("discreet mode"),
        default=False,
        help_text=_("Neutral words on screen and in every notification."),
    )
    # The quick-lock PIN, hashed like a password. Empty means no quick lock.
    lock_pin = models.CharField(max_length=128, blank=True)
    lock_after_minutes = models.PositiveSmallIntegerField(
        _("lock after idle minutes"), default=5
    )
    # Mixed into every session's check: a new value signs out every session.
    session_salt = models.CharField(max_length=32, blank=True, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    objects = UserManager()

    def __str__(self) -> str:
        return self.display_name or self.email

    def save(self, *args, **kwargs) -> None:
        # Every door that changes a password (allauth's change, reset and set,
        # the admin, ``changepassword``) ends in set_password() and save().
        password_changed = self._password is not None and not self._state.adding
        super().save(*args, **kwargs)
        if password_changed:
            hooks.credentials_revoked(person=self)

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Django's hash of the password, with the salt "sign out everywhere"
        # changes; without one it is Django's own, so sessions survive upgrades.
        if not self.session_salt:
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "accounts.User.session_auth_hash",
            f"{self.password}:{self.session_salt}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def has_quick_lock(self) -> bool:
        return bool(self.lock_pin)


class UnlockFailure(models.Model):
    """One wrong quick-lock PIN, counted per session and per person.

    A row per guess (not a number in the session) because parallel requests
    each read and write their own copy of the session: a count kept there is
    overwritten and lets guesses through.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["user", "session_key"])]

    def __str__(self) -> str:
        return f"wrong PIN of {self.user_id} at {self.at:%Y-%m-%d %H:%M}"
