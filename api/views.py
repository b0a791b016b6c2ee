from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from api import portability, services
from api.forms import TokenForm
from api.models import ApiToken
from instep.archive import registered_sections
from instep.errors import Refused
from instep.http import apply_refusal, form_status, redirect_see_other

NEW_TOKEN = "api_new_token"


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """Lists the person's tokens and makes new ones.

    A new token's secret rides in the session across the redirect and is
    removed by the page that shows it, so it is shown exactly once and a
    reload neither shows it again nor makes a second token.
    """
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created, secret = services.create_token(
                request.user, **form.cleaned_data, now=timezone.now()
            )
        except Refused as refusal:
            apply_refusal(form, refusal)
        else:
            request.session[NEW_TOKEN] = {"id": created.pk, "secret": secret}
            return redirect_see_other("api:tokens")
    new = request.session.pop(NEW_TOKEN, None)
    mine = ApiToken.objects.filter(user=request.user).order_by(
        "revoked_at", "-created_at"
    )
    context = {
        "form": form,
        "tokens": mine,
        "created": next((t for t in mine if new and t.pk == new["id"]), None),
        "secret": new["secret"] if new else None,
    }
    status = form_status(form)
    return render(request, "api/tokens.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    """Asks for confirmation, then revokes: scripts using it stop at once."""
    token = get_object_or_404(ApiToken, user=request.user, pk=token_id)
    if request.method == "POST":
        services.revoke_token(request.user, token_id, now=timezone.now())
        messages.success(request, _("“%s” no longer works.") % token.name)
        return redirect_see_other("api:tokens")
    if not token.is_active:
        return redirect_see_other("api:tokens")
    return render(request, "api/revoke.html", {"token": token})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def export(request: HttpRequest) -> HttpResponse:
    """Explains the export; POST downloads the ZIP."""
    if request.method == "POST":
        now = timezone.now()
        archive = portability.export_zip(request.user, now=now)
        response = HttpResponse(archive, content_type="application/zip")
        response["Content-Disposition"] = (
            f'attachment; filename="instep-export-{now:%Y-%m-%d}.zip"'
        )
        return response
    return render(request, "api/export.html", {"sections": registered_sections()})
