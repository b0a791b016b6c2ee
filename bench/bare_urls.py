from django.http import HttpRequest, HttpResponse
from django.urls import path


def ok(request: HttpRequest) -> HttpResponse:
    """Returns "ok": what Django costs with nothing of Instep's."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("", ok)]
