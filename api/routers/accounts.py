"""The person's own account."""

from ninja import Router

from accounts import services
from api.routers.common import person, responses
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
