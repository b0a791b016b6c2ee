"""The JSON API at /api/v1/: one NinjaAPI, one router per app.

An app adds its operations in api/routers/<app>.py and one ``add_router`` line
below. Every operation goes through the app's services and dynamics.access;
this module only turns their refusals into the API's error format.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from api.auth import BearerToken, Session
from api.routers import (
    accounts,
    agreements,
    conduct,
    duties,
    dynamics,
    insights,
    notify,
    talk,
)
from instep.errors import Refused
from instep.ratelimit import RateLimited


class JsonObjectParser(Parser):
    """Bodies are JSON objects; anything else (a list, a number) is a 400."""

    def parse_body(self, request: HttpRequest) -> dict:
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise ValueError("The body must be a JSON object.")
        return data


class InstepAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        # Short, stable ids (``send_signal``): they name the operations in
        # the permission table and in clients generated from the schema.
        return operation.view_func.__name__


api = InstepAPI(
    title="Instep API",
    version="1",
    description=(
        "Your dynamics, signals and settings, for scripts and shortcuts. "
        "Authenticate with a personal access token (Settings → API tokens) "
        "sent as `Authorization: Bearer <token>`. See docs/api.md."
    ),
    urls_namespace="api:v1",
    parser=JsonObjectParser(),
    auth=[BearerToken(), Session()],
    docs_url="/docs",
    openapi_url="/openapi.json",
)

api.add_router("/", accounts.router)
api.add_router("/", dynamics.router)
api.add_router("/", agreements.router)
api.add_router("/", duties.router)
api.add_router("/", talk.router)
api.add_router("/", conduct.router)
api.add_router("/", insights.router)
api.add_router("/", notify.router)

HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    429: "too_many_requests",
}


def error(
    request: HttpRequest, status: int, code: str, detail: str, **extra
) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "detail": detail, **extra}, status=status
    )


@api.exception_handler(Refused)
def refused(request: HttpRequest, exc: Refused) -> HttpResponse:
    response = error(request, exc.status, exc.code, exc.message, field=exc.field)
    if exc.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="instep"'
    return response


@api.exception_handler(RateLimited)
def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = error(request, 429, exc.code, exc.message, retry_after=exc.retry_after)
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # The same words whether it does not exist or is not yours to know.
    return error(request, 404, "not_found", _("There is nothing here."))


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = []
    for e in exc.errors:
        where = ".".join(str(part) for part in e.get("loc", ()) if part != "body")
        problems.append(f"{where}: {e.get('msg', 'invalid')}" if where else e["msg"])
    first = exc.errors[0] if exc.errors else {}
    field = str(first.get("loc", ("",))[-1]) if first.get("loc") else None
    return error(
        request,
        400,
        "invalid",
        "; ".join(problems) or _("The request is not valid."),
        field=field,
        errors=[
            {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))}
            for e in exc.errors
        ],
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error(
        request,
        401,
        "unauthenticated",
        _("Sign in, or send a token as “Authorization: Bearer <token>”."),
    )
    response["WWW-Authenticate"] = 'Bearer realm="instep"'
    return response


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    return error(request, status, HTTP_CODES.get(status, "error"), str(exc))
