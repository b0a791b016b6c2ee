import re
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.middleware import LOCKED
from dynamics import now as now_read
from dynamics import queries, services
from dynamics.access import Act, require
from dynamics.forms import AftercareForm, DynamicForm, InvitationForm, PauseForm
from dynamics.models import Signal
from instep.errors import Refused
from instep.http import (
    apply_refusal,
    form_status,
    redirect_see_other,
    refusal_redirect,
)
from instep.wording import words_for


@login_required
def dynamic_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "dynamics/list.html",
        {"memberships": queries.memberships_of(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    form = DynamicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dynamic = services.create_dynamic(
                request.user, **form.cleaned_data, now=timezone.now()
            )
        except Refused as refusal:
            apply_refusal(form, refusal)
        else:
            return redirect_see_other("dynamics:invite", dynamic.pk)
    return render(
        request, "dynamics/create.html", {"form": form}, status=form_status(form)
    )


# The bell in the header: this session's last count of what waits on the
# person in one dynamic, with the activity fingerprint it was counted at.
BELL = "instep_bell"


def _remember_bell(request: HttpRequest, dynamic_id: int, count: int) -> str:
    """Keeps the bell's count for the page frame and returns the poll's version."""
    activity = now_read.activity_version(request.user.pk, dynamic_id)
    bell = {"d": dynamic_id, "n": count, "v": activity}
    if request.session.get(BELL) != bell:
        request.session[BELL] = bell
    return activity


def _now_page(request: HttpRequest, dynamic_id: int, template: str) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.VIEW)
    if request.session.get("dynamic_id") != dynamic_id:
        # Only a change is written: setting the same value would save the
        # session (one more query) on every visit.
        request.session["dynamic_id"] = dynamic_id
    now = now_read.read(me, timezone.now())
    _remember_bell(request, dynamic_id, len(now.waiting))
    return render(request, template, {"membership": me, "now": now})


@login_required
def home(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    """Now: the dynamic's home, what to do next (``dynamics.now``)."""
    return _now_page(request, dynamic_id, "dynamics/home.html")


@login_required
def now_blocks(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    """Now's blocks alone, for the page to refresh them when the partner acts."""
    return _now_page(request, dynamic_id, "dynamics/partials/now_blocks.html")


@login_required
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.INVITE)
    form = InvitationForm(request.POST or None)
    link = None
    if request.method == "POST" and form.is_valid():
        try:
            invitation, token = services.create_invitation(
                request.user,
                dynamic_id,
                email=form.cleaned_data["email"],
                now=timezone.now(),
            )
        except Refused as refusal:
            return refusal_redirect(request, refusal, "dynamics:home", dynamic_id)
        link = request.build_absolute_uri(reverse("dynamics:invitation", args=[token]))
        if invitation.email:
            if services.send_invitation_email(invitation, link, request.user):
                messages.success(request, _("The link is on its way by e-mail."))
            else:
                messages.warning(
                    request, _("The e-mail could not be sent. Copy the link instead.")
                )
    elif me.dynamic.state != me.dynamic.State.FORMING:
        return redirect_see_other("dynamics:home", dynamic_id)
    return render(
        request,
        "dynamics/invite.html",
        {"membership": me, "form": form, "link": link},
        status=form_status(form),
    )


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The page the invitation link opens: anyone with the link may see it."""
    now = timezone.now()
    try:
        invitation = services.open_invitation(token, now=now)
    except Refused as refusal:
        return render(
            request, "dynamics/invitation.html", {"refusal": refusal}, status=410
        )
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_see_other(f"{reverse('account_login')}?next={request.path}")
        try:
            if request.POST.get("answer") == "accept":
                membership = services.accept_invitation(request.user, token, now=now)
                messages.success(request, _("Welcome. You are both here now."))
                return redirect_see_other("dynamics:home", membership.dynamic_id)
            services.decline_invitation(request.user, token, now=now)
        except Refused as refusal:
            return render(
                request,
                "dynamics/invitation.html",
                {"offer": queries.invitation_offer(invitation), "refusal": refusal},
                status=400,
            )
        messages.info(request, _("You declined the invitation."))
        return redirect_see_other("dynamics:list")
    return render(
        request,
        "dynamics/invitation.html",
        {"offer": queries.invitation_offer(invitation)},
    )


# A page's key: visible ASCII, short enough to take the kind in front.
SIGNAL_KEY = re.compile(r"[\x21-\x7e]{1,48}")
# A double tap, or a form sent again while the first is still loading.
DOUBLE_TAP = timedelta(minutes=2)


def _signal_key(request: HttpRequest, kind: str) -> str:
    """Returns the page's idempotency key for ``kind``, or none for a malformed
    one: a broken key must never stand in the way of a signal, least of all
    red. One page render has one key; the kind keeps red apart from yellow."""
    key = request.POST.get("idempotency_key", "")
    return f"page-{kind}-{key}" if SIGNAL_KEY.fullmatch(key) else ""


@login_required
@require_POST
def signal(request: HttpRequest, dynamic_id: int, kind: str) -> HttpResponse:
    try:
        services.send_signal(
            request.user,
            dynamic_id,
            kind,
            now=timezone.now(),
            idempotency_key=_signal_key(request, kind),
            key_window=DOUBLE_TAP,
        )
    except Refused as refusal:
        return refusal_redirect(request, refusal, "dynamics:home", dynamic_id)
    words = words_for(request.user.discreet)
    if kind == Signal.Kind.RED:
        messages.warning(request, words["red_sent"])
    else:
        messages.success(request, _("Sent. Your partner will see it at once."))
    return redirect_see_other("dynamics:home", dynamic_id)


@login_required
@require_POST
def red_everywhere(request: HttpRequest) -> HttpResponse:
    """Red from a page outside any dynamic, or from the lock screen: stops them all."""
    if services.send_red_everywhere(
        request.user,
        now=timezone.now(),
        idempotency_key=_signal_key(request, "red"),
        key_window=DOUBLE_TAP,
    ):
        # Sent from the lock screen, the message must read as neutrally as it.
        neutral = request.user.discreet or bool(request.session.get(LOCKED))
        messages.warning(request, words_for(neutral)["red_sent"])
    target = request.POST.get("next", "")
    # Only a path of this site: anything else (another host, a word that is
    # no URL) goes to the list of dynamics.
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, allowed_hosts=None
    ):
        target = reverse("dynamics:list")
    return redirect_see_other(target)


@login_required
@require_POST
def acknowledge(request: HttpRequest, dynamic_id: int, signal_id: int) -> HttpResponse:
    try:
        services.acknowledge_signal(
            request.user, dynamic_id, signal_id, now=timezone.now()
        )
    except Refused as refusal:
        return refusal_redirect(request, refusal, "dynamics:home", dynamic_id)
    if request.htmx:
        return render(request, "dynamics/partials/alerts.html", {})
    return redirect_see_other("dynamics:home", dynamic_id)


def _dynamic_param(request: HttpRequest) -> int | None:
    value = request.GET.get("d", "")
    return int(value) if value.isdigit() and len(value) < 19 else None


@login_required
def alerts(request: HttpRequest) -> HttpResponse:
    """The partner-alert banner, polled by every page so a signal shows at once.

    A conditional request: the poll sends the version its page was drawn with
    (``?v=``, or ``If-None-Match``) and gets 204 (or 304) while nothing
    changed, in one or two queries. When the dynamic ``d`` changed, the answer
    carries the bell's new count and tells the page (``HX-Trigger:
    instep:changed``), so Now redraws its blocks.
    """
    dynamic_id = _dynamic_param(request)
    version = now_read.version(request.user.pk, dynamic_id)
    etag = f'"{version}"'
    if request.GET.get("v") == version:
        return HttpResponse(status=204)
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
        response["ETag"] = etag
        return response
    activity = version.partition(".")[2]
    bell = request.session.get(BELL) or {}
    changed = bool(activity) and (
        bell.get("d") != dynamic_id or bell.get("v") != activity
    )
    if changed:
        me = require(request.user, dynamic_id, Act.VIEW)
        waiting = now_read.read(me, timezone.now()).waiting
        bell = {"d": dynamic_id, "n": len(waiting), "v": activity}
        request.session[BELL] = bell
    response = render(
        request,
        "dynamics/partials/alerts.html",
        {"poll_version": version, "poll_dynamic": dynamic_id, "oob_bell": changed},
    )
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    if changed:
        response["HX-Trigger"] = "instep:changed"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def pause(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.PAUSE)
    form = PauseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.pause_dynamic(
                request.user,
                dynamic_id,
                reason=form.cleaned_data["reason"],
                now=timezone.now(),
            )
        except Refused as refusal:
            return refusal_redirect(request, refusal, "dynamics:home", dynamic_id)
        messages.success(request, _("Paused. The clocks have stopped."))
        return redirect_see_other("dynamics:home", dynamic_id)
    return render(
        request,
        "dynamics/pause.html",
        {"membership": me, "form": form},
        status=form_status(form),
    )


@login_required
@require_POST
def resume(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    try:
        services.resume_dynamic(request.user, dynamic_id, now=timezone.now())
    except Refused as refusal:
        return refusal_redirect(request, refusal, "dynamics:home", dynamic_id)
    messages.success(request, _("Resumed. Welcome back."))
    return redirect_see_other("dynamics:home", dynamic_id)


@login_required
@require_http_methods(["GET", "POST"])
def aftercare(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.GIVE_AFTERCARE)
    home_data = queries.dynamic_home(me)
    form = AftercareForm(request.POST or None, instance=home_data.my_aftercare)
    if request.method == "POST" and form.is_valid():
        try:
            services.give_aftercare(
                request.user, dynamic_id, **form.cleaned_data, now=timezone.now()
            )
        except Refused as refusal:
            return refusal_redirect(request, refusal, "dynamics:home", dynamic_id)
        messages.success(request, _("Thank you for checking in."))
        return redirect_see_other("dynamics:home", dynamic_id)
    return render(
        request,
        "dynamics/aftercare.html",
        {"membership": me, "home": home_data, "form": form},
        status=form_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def end(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.END)
    if request.method == "POST":
        try:
            services.end_dynamic(request.user, dynamic_id, now=timezone.now())
        except Refused as refusal:
            return refusal_redirect(request, refusal, "dynamics:home", dynamic_id)
        messages.info(request, _("The dynamic has ended. Take good care of yourself."))
        return redirect_see_other("dynamics:home", dynamic_id)
    return render(request, "dynamics/end.html", {"membership": me})


@login_required
def audit(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.VIEW_AUDIT)
    page = queries.audit_page(me.dynamic, request.GET.get("page"))
    return render(request, "dynamics/audit.html", {"membership": me, "page": page})
