"""The person's own account."""

from django.http import HttpResponse
from ninja import Router

from accounts import services
from api import portability
from api.routers.common import ERRORS, now, person, responses
from api.schemas import ProfileIn, ProfileOut

router = Router(tags=["me"])


def _profile(user) -> dict:
    return {
        "email": user.email,
        "display_name": user.display_name,
        "time_zone": user.time_zone,
        "locale": user.locale,
        "discreet": user.discreet,
        "lock_after_minutes": user.lock_after_minutes,
        "has_quick_lock": user.has_quick_lock,
    }


@router.get("/me", response=responses({200: ProfileOut}), summary="My profile")
def read_me(request):
    return _profile(person(request))


@router.patch(
    "/me", response=responses({200: ProfileOut}), summary="Change my settings"
)
def update_me(request, changes: ProfileIn):
    user = services.update_profile(
        person(request), **changes.model_dump(exclude_none=True)
    )
    return _profile(user)


@router.get(
    "/me/export",
    response=ERRORS,
    summary="Download my export",
    openapi_extra={
        "responses": {
            "200": {
                "description": "A ZIP of JSON files and a readable HTML copy "
                "(see docs/api.md).",
                "content": {
                    "application/zip": {
                        "schema": {"type": "string", "format": "binary"}
                    }
                },
            }
        }
    },
)
def export_me(request):
    """Everything that is mine and what I share in my dynamics, as on the
    Settings → Export page; for scripted backups."""
    at = now()
    response = HttpResponse(
        portability.export_zip(person(request), now=at), content_type="application/zip"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="instep-export-{at:%Y-%m-%d}.zip"'
    )
    return response
