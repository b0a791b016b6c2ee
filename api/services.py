"""Personal access tokens: creating, revoking, and recognising them."""

from datetime import datetime, timedelta

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from api.models import ApiToken
from instep import ratelimit
from instep.errors import Refused
from instep.tokens import hash_token, new_token

TOKEN_PREFIX = "instep_"
MAX_ACTIVE_TOKENS = 20
# Marking "last used" on every request would write on every read; a minute
# is precise enough to tell whether a token is still in use.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@transaction.atomic
def create_token(
    actor: User, *, name: str, scope: str, now: datetime
) -> tuple[ApiToken, str]:
    """Returns a new token and its secret, which is never shown again."""
    name = name.strip()
    if not name:
        raise Refused(_("Give the token a name, e.g. “Phone shortcut”."), field="name")
    if scope not in ApiToken.Scope.values:
        raise Refused(_("Choose what the token may do."), field="scope")
    ratelimit.hit("token_create", actor.pk, now=now)
    # Lock the person's row so that two requests cannot both pass the limit.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    if actor.api_tokens.filter(revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise Refused(
            _("You have %(n)d tokens. Revoke one you no longer use first.")
            % {"n": MAX_ACTIVE_TOKENS}
        )
    secret = new_token(TOKEN_PREFIX)
    token = ApiToken.objects.create(
        user=actor,
        name=name[:60],
        scope=scope,
        token_hash=hash_token(secret),
        prefix=secret[: len(TOKEN_PREFIX) + 4],
        created_at=now,
    )
    return token, secret


@transaction.atomic
def revoke_token(actor: User, token_id: int, *, now: datetime) -> ApiToken:
    """Stops the token from working, at once. Someone else's token is a 404."""
    token = ApiToken.objects.filter(user=actor, pk=token_id).first()
    if token is None:
        raise Http404
    if token.revoked_at is None:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
    return token


def revoke_all(person: User, *, now: datetime) -> int:
    """Revokes every active token of the person; returns how many."""
    return ApiToken.objects.filter(user=person, revoked_at__isnull=True).update(
        revoked_at=now
    )


def credentials_revoked(*, person: User) -> None:
    """The person's password changed or they signed out everywhere: a token
    made with the old credentials must not outlive them."""
    revoke_all(person, now=timezone.now())


def authenticate(secret: str, *, now: datetime) -> ApiToken | None:
    """Returns the active token with this secret (and its person), or None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
