"""The CSP header is built once (instep.middleware.CSPMiddleware) and is the
same policy django-csp builds; a view that changes it still gets its own."""

from csp.decorators import csp_update
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from instep.middleware import CSPMiddleware, _fixed_csp_headers


def _ok(request):
    return HttpResponse("ok")


def test_every_page_gets_the_policy_django_csp_would_build(settings):
    request = RequestFactory().get("/health/")
    ours = CSPMiddleware(_ok)(request)
    theirs = DjangoCSPMiddleware(_ok)(RequestFactory().get("/health/"))
    assert ours["Content-Security-Policy"] == theirs["Content-Security-Policy"]
    assert "script-src 'self'" in ours["Content-Security-Policy"]


def test_the_policy_follows_a_settings_change(settings):
    _fixed_csp_headers()
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    response = CSPMiddleware(_ok)(RequestFactory().get("/"))
    assert response["Content-Security-Policy"] == "default-src 'none'"


def test_a_view_that_updates_the_policy_gets_its_own(settings):
    view = csp_update({"img-src": ["https://example.org"]})(_ok)
    response = CSPMiddleware(view)(RequestFactory().get("/"))
    assert (
        "img-src 'self' data: https://example.org"
        in response["Content-Security-Policy"]
    )
