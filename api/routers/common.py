"""What every operation shares: its error responses and path parameters."""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path
from pydantic import BaseModel, Field

from accounts.models import User
from api.schemas import MAX_ID, ErrorOut
from instep.errors import Refused

# Any operation may answer these; listing them keeps the schema honest.
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def responses(ok: dict) -> dict:
    return {**ok, **ERRORS}


def person(request) -> User:
    """Returns who is calling (the token's person, or the signed-in one)."""
    return request.auth


def now() -> datetime:
    return timezone.now()


def id_param(description: str):
    return Path(..., ge=1, le=MAX_ID, description=description)


def only_known_query(request, model: type[BaseModel]) -> None:
    """Refuses query parameters the operation does not know: a misspelt
    ``?pgae=2`` is an error, not silently the first page."""
    unknown = set(request.GET) - set(model.model_fields)
    if unknown:
        raise Refused(
            _("Unknown query parameters: %s.") % ", ".join(sorted(unknown)),
            code="invalid",
        )


PageNumber = Field(1, ge=1, le=1_000_000, description="Page number, from 1.")
