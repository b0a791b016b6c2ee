from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_http_methods, require_POST

from instep.errors import Refused
from instep.http import apply_refusal, form_status, redirect_see_other, refusal_redirect
from notify import queries, services, vapid
from notify.forms import (
    AppriseChannelForm,
    EmailChannelForm,
    PreferencesForm,
    PushChannelForm,
)

HOME = "notify:settings"


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    """Channels, quiet hours and lead time, on one page."""
    prefs = queries.preferences(request.user)
    form = PreferencesForm(
        request.POST or None,
        initial={
            "quiet_from": prefs.quiet_from,
            "quiet_until": prefs.quiet_until,
            "lead_minutes": prefs.lead_minutes,
            **{f"level_{row.kind}": row.level for row in queries.kind_levels(prefs)},
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_preferences(request.user, **form.service_data())
        except Refused as refusal:
            apply_refusal(form, refusal)
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect_see_other(HOME)
    return render(
        request,
        "notify/settings.html",
        {
            "channels": queries.channels_of(request.user),
            "form": form,
            "push_form": PushChannelForm(),
            "vapid_public_key": vapid.instance_key().public_key,
        },
        status=form_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_email(request: HttpRequest) -> HttpResponse:
    form = EmailChannelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_email(request.user, **form.cleaned_data, now=timezone.now())
        except Refused as refusal:
            apply_refusal(form, refusal)
        else:
            messages.success(request, _("Added. Send a test to check it arrives."))
            return redirect_see_other(HOME)
    return render(
        request,
        "notify/add.html",
        {"form": form, "kind": "email"},
        status=form_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_apprise(request: HttpRequest) -> HttpResponse:
    form = AppriseChannelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_apprise(request.user, **form.cleaned_data, now=timezone.now())
        except Refused as refusal:
            apply_refusal(form, refusal)
        else:
            messages.success(request, _("Added. Send a test to check it arrives."))
            return redirect_see_other(HOME)
    return render(
        request,
        "notify/add.html",
        {"form": form, "kind": "apprise"},
        status=form_status(form),
    )


@login_required
@require_POST
def add_push(request: HttpRequest) -> HttpResponse:
    """Receives this device's push subscription from static/notify/push.js."""
    form = PushChannelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("This device did not give a usable subscription."))
        return redirect_see_other(HOME)
    back = _back(request)
    try:
        services.add_push(request.user, **form.cleaned_data, now=timezone.now())
    except Refused as refusal:
        return refusal_redirect(request, refusal, back)
    messages.success(request, _("This device is added. Send a test to check it."))
    return redirect_see_other(back)


def _back(request: HttpRequest) -> str:
    """The page a form came from (``next``, a path of this site), else the
    notification settings."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts=None
    ):
        return target
    return HOME


@login_required
@require_POST
def dismiss_push_offer(request: HttpRequest) -> HttpResponse:
    """Now's offer to turn on push: "not now" is remembered, it is offered once."""
    back = _back(request)  # the form is read first: a refused body changes nothing
    services.dismiss_push_offer(request.user, now=timezone.now())
    if request.headers.get("HX-Request"):
        return HttpResponse("")
    return redirect_see_other(back)


@login_required
@require_POST
def test_channel(request: HttpRequest, channel_id: int) -> HttpResponse:
    services.send_test(request.user, channel_id, now=timezone.now())
    messages.success(
        request,
        _("A test is on its way. If it does not arrive, this page shows the error."),
    )
    return redirect_see_other(HOME)


@login_required
@require_POST
def switch_channel(request: HttpRequest, channel_id: int) -> HttpResponse:
    """Turns a channel off (kept, nothing sent) or on again."""
    on = request.POST.get("on") == "1"
    channel = services.switch_channel(request.user, channel_id, on=on)
    messages.success(
        request,
        _("%(label)s is on.") % {"label": channel.label}
        if on
        else _("%(label)s is off: nothing is sent to it.") % {"label": channel.label},
    )
    return redirect_see_other(HOME)


@login_required
@require_http_methods(["GET", "POST"])
def remove_channel(request: HttpRequest, channel_id: int) -> HttpResponse:
    channel = services.own_channel(request.user, channel_id)
    if request.method == "POST":
        services.remove_channel(request.user, channel_id)
        messages.success(request, _("The channel is removed."))
        return redirect_see_other(HOME)
    return render(request, "notify/remove.html", {"channel": channel})


@login_required
@require_http_methods(["GET", "POST"])
def centre(request: HttpRequest) -> HttpResponse:
    """The last 100 notifications; opening the page marks them read."""
    entries = queries.centre(request.user)
    if request.method == "POST":
        services.mark_all_read(request.user, now=timezone.now())
        return redirect_see_other("notify:centre")
    return render(request, "notify/centre.html", {"entries": entries})


@cache_control(max_age=3600)
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: Instep can be installed to a phone's home screen."""
    return JsonResponse(
        {
            "name": "Instep",
            "short_name": "Instep",
            "start_url": "/",
            "scope": "/",
            "display": "standalone",
            "background_color": "#f7f5f2",
            "theme_color": "#4b3f8f",
            "icons": [
                {
                    "src": static("instep/icon.svg"),
                    "sizes": "any",
                    "type": "image/svg+xml",
                    "purpose": "any",
                }
            ],
        },
        content_type="application/manifest+json",
    )


@never_cache
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from the root so that its scope is the whole site."""
    response = render(
        request,
        "notify/sw.js",
        {"icon": static("instep/icon.svg")},
        content_type="text/javascript",
    )
    response["Service-Worker-Allowed"] = "/"
    return response
