import functools
from collections.abc import Callable

from csp.constants import HEADER as CSP_HEADER
from csp.constants import HEADER_REPORT_ONLY as CSP_HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.utils import build_policy
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from instep.errors import Refused
from instep.ratelimit import RateLimited


class RefusalMiddleware:
    """Shows a refusal that no view caught as a page, never as a server error.

    Views turn refusals into form errors where they can; this is the net for
    the rest (e.g. a role asking for a page only the other role may open).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if not isinstance(exception, Refused | RateLimited):
            return None
        response = render(
            request, "refused.html", {"refusal": exception}, status=exception.status
        )
        if isinstance(exception, RateLimited):
            response["Retry-After"] = str(exception.retry_after)
        return response


class RequestSizeMiddleware:
    """Refuses a request bigger than ``INSTEP_MAX_REQUEST_BYTES`` before any of
    it is read, with a page (or JSON for the API) that says so: 413, not a
    server error, and nothing changed.

    Django caps the form fields of a request (DATA_UPLOAD_MAX_MEMORY_SIZE) but
    not its uploaded files; this caps the whole body, files included.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings

        from instep.views import too_large

        limit = settings.INSTEP_MAX_REQUEST_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            return too_large(request, limit)
        return self.get_response(request)


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware, with the policy written once instead of built
    again for every response (docs/performance.md: it cost a quarter of an
    anonymous request). A response that changes the policy (django-csp's
    decorators), asks for a nonce or is exempt goes through django-csp as it is.
    """

    _PER_RESPONSE = (
        "_csp_config",
        "_csp_update",
        "_csp_replace",
        "_csp_exempt",
        "_csp_config_ro",
        "_csp_update_ro",
        "_csp_replace_ro",
        "_csp_exempt_ro",
    )

    def process_response(
        self, request: HttpRequest, response: HttpResponse
    ) -> HttpResponse:
        if (
            getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in self._PER_RESPONSE)
            or CSP_HEADER in response
            or CSP_HEADER_REPORT_ONLY in response
            # django-csp leaves DEBUG's error pages alone.
            or response.status_code in (404, 500)
        ):
            return super().process_response(request, response)
        headers = _fixed_csp_headers()
        for header, (policy, excluded) in headers.items():
            if policy and not request.path_info.startswith(excluded):
                response[header] = policy
        # As django-csp does: a nonce asked for after this point is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


@functools.cache
def _fixed_csp_headers() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Returns each CSP header's policy and excluded URL prefixes from the
    settings (built once; ``setting_changed`` clears it)."""
    from django.conf import settings

    out = {}
    for header, name, report_only in (
        (CSP_HEADER, "CONTENT_SECURITY_POLICY", False),
        (CSP_HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", True),
    ):
        config = getattr(settings, name, None) or {}
        policy = build_policy(report_only=report_only)
        out[header] = (policy, tuple(config.get("EXCLUDE_URL_PREFIXES") or ()))
    return out


@receiver(setting_changed)
def _forget_csp_headers(setting: str, **kwargs) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _fixed_csp_headers.cache_clear()
