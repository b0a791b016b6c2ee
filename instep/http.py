"""Turning refusals into responses a person can act on."""

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url

from instep.errors import Refused


def redirect_see_other(to: str, *args, **kwargs) -> HttpResponseRedirect:
    """Redirects after a POST so that reloading does not repeat the act."""
    response = HttpResponseRedirect(resolve_url(to, *args, **kwargs))
    response.status_code = 303
    return response


def refusal_redirect(
    request: HttpRequest, refusal: Refused, to: str, *args
) -> HttpResponse:
    """Shows the refusal as a message on the page the person returns to."""
    messages.error(request, refusal.message)
    return redirect_see_other(to, *args)


def form_status(*forms: Form) -> int:
    """Returns 400 when a submitted form has errors, so tools and tests can tell."""
    return 400 if any(f.is_bound and f.errors for f in forms) else 200


def apply_refusal(form: Form, refusal: Refused) -> None:
    """Puts the refusal on the form field it concerns, or on the form."""
    field = refusal.field if refusal.field in form.fields else None
    form.add_error(field, refusal.message)
