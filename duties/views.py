import mimetypes
from datetime import time
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from agreements.services import version_in_force
from duties import clock, feed, hooks, queries, services
from duties.forms import CompleteForm, DutyForm, ReviewForm, ScheduledPauseForm
from duties.models import Duty, Occurrence
from dynamics.access import Act, require
from dynamics.models import Role
from instep.errors import NotAllowed, Refused
from instep.http import apply_refusal, form_status, redirect_see_other, refusal_redirect


def forbidden_when_not_allowed(view):
    """Answers 403 with the reason when the member's role may not open the page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotAllowed as refusal:
            return render(
                request, "duties/not_allowed.html", {"refusal": refusal}, status=403
            )

    return wrapper


@login_required
def today(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.VIEW)
    return render(
        request,
        "duties/today.html",
        {"membership": me, "today": queries.today(me, timezone.now())},
    )


@login_required
def plan(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.VIEW)
    members = {m.role: m for m in me.couple}
    who_role = request.GET.get("who")
    who = members.get(who_role) if who_role in Role.values else None
    who = who or members[me.role]
    return render(
        request,
        "duties/plan.html",
        {
            "membership": me,
            "plan": queries.plan(me, who, timezone.now()),
            "members": list(members.values()),
        },
    )


@forbidden_when_not_allowed
@login_required
def review_queue(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.REVIEW_DUTY)
    return render(
        request,
        "duties/review.html",
        {
            "membership": me,
            "queue": queries.review_queue(me, timezone.now()),
            "form": ReviewForm(),
        },
    )


@login_required
@require_POST
def review(request: HttpRequest, dynamic_id: int, occurrence_id: int) -> HttpResponse:
    form = ReviewForm(request.POST)
    form.is_valid()
    approve = request.POST.get("decision") == "approve"
    try:
        services.review(
            request.user,
            dynamic_id,
            occurrence_id,
            approve=approve,
            note=form.cleaned_data.get("note", ""),
            now=timezone.now(),
        )
    except Refused as refusal:
        return refusal_redirect(request, refusal, "duties:review_queue", dynamic_id)
    messages.success(
        request, _("Approved.") if approve else _("Returned with your note.")
    )
    return redirect_see_other("duties:review_queue", dynamic_id)


def _contexts(dynamic_id: int) -> list[tuple[str, str]]:
    return [
        (c.text, f"{c.text} ({', '.join(c.domains)})")
        for c in services.agreement_contexts(dynamic_id, now=timezone.now())
    ]


def _domains(dynamic_id: int) -> list[tuple[str, str]] | None:
    version = version_in_force(dynamic_id)
    if version is None:
        return None
    return [
        (d.key, f"{d.name} — {d.get_depth_display().split(' — ')[0].lower()}")
        for d in version.domain_set.all()
    ]


@forbidden_when_not_allowed
@login_required
@require_http_methods(["GET", "POST"])
def new_duty(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.ASSIGN_DUTY)
    form = DutyForm(
        request.POST or None,
        domains=_domains(dynamic_id),
        contexts=_contexts(dynamic_id),
        initial={"starts_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            duty = services.create_duty(
                request.user, dynamic_id, spec=form.spec(), now=timezone.now()
            )
        except Refused as refusal:
            apply_refusal(form, refusal)
        else:
            if duty.state == Duty.State.REQUESTED:
                messages.info(
                    request,
                    _(
                        "Outside the delegated areas this is a request: your "
                        "partner accepts or declines it in its thread in Talk."
                    ),
                )
            else:
                messages.success(request, _("Added. It is on the clock."))
            return redirect_see_other("duties:today", dynamic_id)
    return render(
        request,
        "duties/new_duty.html",
        {"membership": me, "form": form},
        status=form_status(form),
    )


def _initial(duty: Duty) -> dict:
    """Returns the form's values for an existing duty, in the assignee's zone."""
    tz = timezone.get_current_timezone()
    return {
        "kind": duty.kind,
        "title": duty.title,
        "instructions": duty.instructions,
        "domain": duty.domain,
        "assignee_role": Role.LEADER
        if duty.assignee_id == duty.created_by_id
        else Role.FOLLOWER,
        "repeat": "custom",
        "rule": duty.rule,
        "at": duty.at,
        "starts_on": duty.starts_on,
        "window_minutes": int(duty.window.total_seconds() // 60),
        "grace_minutes": int(duty.grace.total_seconds() // 60),
        "due_at": duty.due_at and duty.due_at.astimezone(tz).replace(tzinfo=None),
        "opens_at": duty.opens_at and duty.opens_at.astimezone(tz).replace(tzinfo=None),
        "needs_note": duty.needs_note,
        "needs_photo": duty.needs_photo,
        "view_once": duty.view_once,
        "reviewed": duty.reviewed,
        "suspended_when": duty.suspended_when,
    }


@forbidden_when_not_allowed
@login_required
@require_http_methods(["GET", "POST"])
def edit_duty(request: HttpRequest, dynamic_id: int, duty_id: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.ASSIGN_DUTY)
    duty = Duty.objects.filter(dynamic_id=dynamic_id, pk=duty_id).first()
    if duty is None:
        raise Http404
    form = DutyForm(
        request.POST or None,
        domains=_domains(dynamic_id),
        contexts=_contexts(dynamic_id),
        initial=_initial(duty),
    )
    if request.method == "POST" and form.is_valid():
        try:
            duty = services.change_duty(
                request.user, dynamic_id, duty_id, spec=form.spec(), now=timezone.now()
            )
        except Refused as refusal:
            apply_refusal(form, refusal)
        else:
            if duty.pending_change:
                messages.info(
                    request,
                    _(
                        "Outside the delegated areas a change is a request: your "
                        "partner accepts or declines it in its thread in Talk."
                    ),
                )
            else:
                messages.success(request, _("Changed."))
            return redirect_see_other("duties:history", dynamic_id, duty_id)
    return render(
        request,
        "duties/new_duty.html",
        {"membership": me, "form": form, "duty": duty},
        status=form_status(form),
    )


def _occurrence(me, occurrence_id: int) -> Occurrence:
    occ = (
        Occurrence.objects.filter(dynamic_id=me.dynamic_id, pk=occurrence_id)
        .select_related("duty__incident")
        .first()
    )
    if occ is None:
        raise Http404
    return occ


@login_required
@require_http_methods(["GET", "POST"])
def complete(request: HttpRequest, dynamic_id: int, occurrence_id: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.COMPLETE_DUTY)
    occ = _occurrence(me, occurrence_id)
    form = CompleteForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.complete(
                request.user,
                dynamic_id,
                occurrence_id,
                done_at=form.cleaned_data["done_earlier"],
                note=form.cleaned_data["note"],
                photo=form.cleaned_data["photo"],
                now=timezone.now(),
            )
        except Refused as refusal:
            if not request.POST.get("quick"):
                apply_refusal(form, refusal)
            else:
                # The one-tap button has no form to show the refusal on.
                return refusal_redirect(
                    request, refusal, "duties:complete", dynamic_id, occurrence_id
                )
        else:
            messages.success(request, _("Done. Well done."))
            # Ticked from Now, back to Now (htmx swaps Now's blocks from it).
            back = request.POST.get("next", "")
            if back == reverse("dynamics:home", args=[dynamic_id]):
                return redirect_see_other(back)
            return redirect_see_other("duties:today", dynamic_id)
    now = timezone.now()
    stops = services.clock_pauses(dynamic_id, occ.opens_at, now)
    return render(
        request,
        "duties/complete.html",
        {
            "membership": me,
            "occ": occ,
            "row": queries._row(occ, stops, now, request.user.pk),
            "form": form,
        },
        status=form_status(form),
    )


@forbidden_when_not_allowed
@login_required
@require_http_methods(["GET", "POST"])
def retire(request: HttpRequest, dynamic_id: int, duty_id: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.ASSIGN_DUTY)
    duty = Duty.objects.filter(dynamic_id=dynamic_id, pk=duty_id).first()
    if duty is None:
        raise Http404
    if request.method == "POST":
        try:
            services.retire_duty(request.user, dynamic_id, duty_id, now=timezone.now())
        except Refused as refusal:
            return refusal_redirect(request, refusal, "duties:duties", dynamic_id)
        messages.success(request, _("Retired. Its history stays."))
        return redirect_see_other("duties:duties", dynamic_id)
    return render(
        request,
        "duties/retire.html",
        {"membership": me, "duty": duty, "kept": hooks.retire_blocker(duty.pk)},
    )


@login_required
def duties(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.VIEW)
    return render(
        request,
        "duties/duties.html",
        {"membership": me, "duties": queries.duties_of(me)},
    )


@login_required
def history(request: HttpRequest, dynamic_id: int, duty_id: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.VIEW)
    duty = (
        Duty.objects.filter(dynamic_id=dynamic_id, pk=duty_id)
        .select_related("assignee")
        .first()
    )
    if duty is None:
        raise Http404
    return render(
        request,
        "duties/history.html",
        {"membership": me, "history": queries.history(duty, timezone.now())},
    )


@login_required
def proof_photo(
    request: HttpRequest, dynamic_id: int, occurrence_id: int
) -> HttpResponse:
    """Serves a proof photo to the two partners only; never cached or shared."""
    require(request.user, dynamic_id, Act.VIEW)
    try:
        data, name = services.view_photo(
            request.user, dynamic_id, occurrence_id, now=timezone.now()
        )
    except Refused as refusal:
        return refusal_redirect(request, refusal, "duties:today", dynamic_id)
    response = HttpResponse(
        data, content_type=mimetypes.guess_type(name)[0] or "application/octet-stream"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def pauses(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.PAUSE)
    now = timezone.now()
    contexts = queries.context_states(me, now)
    form = ScheduledPauseForm(
        request.POST or None,
        contexts=[(s.context.text, s.context.text) for s in contexts],
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        tz = timezone.get_current_timezone()
        try:
            if d["repeats"]:
                start_local = d["starts_at"].astimezone(tz)
                services.schedule_pause(
                    request.user,
                    dynamic_id,
                    reason=d["reason"],
                    rule=clock.weekly_rule(d["days"] or []),
                    starts_on=start_local.date(),
                    at=time(start_local.hour, start_local.minute),
                    length=d["ends_at"] - d["starts_at"],
                    context=d.get("context") or "",
                    now=timezone.now(),
                )
            else:
                services.schedule_pause(
                    request.user,
                    dynamic_id,
                    reason=d["reason"],
                    starts_at=d["starts_at"],
                    ends_at=d["ends_at"],
                    context=d.get("context") or "",
                    now=timezone.now(),
                )
        except ValueError as error:
            form.add_error("days", str(error))
        except Refused as refusal:
            apply_refusal(form, refusal)
        else:
            messages.success(request, _("Planned. The clocks will stop then."))
            return redirect_see_other("duties:pauses", dynamic_id)
    plans = queries.planned_pauses(me, now)
    return render(
        request,
        "duties/pauses.html",
        {
            "membership": me,
            "form": form,
            "plans": plans,
            "contexts": contexts,
        },
        status=form_status(form),
    )


@login_required
@require_POST
def switch_context(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    on = request.POST.get("on") == "1"
    try:
        services.switch_context(
            request.user,
            dynamic_id,
            context=request.POST.get("context", ""),
            on=on,
            now=timezone.now(),
        )
    except Refused as refusal:
        return refusal_redirect(request, refusal, "duties:pauses", dynamic_id)
    messages.success(
        request,
        _("In effect now: linked duties are off the clock.")
        if on
        else _("No longer in effect: linked duties are back on the clock."),
    )
    return redirect_see_other("duties:pauses", dynamic_id)


@login_required
@require_POST
def cancel_pause(request: HttpRequest, dynamic_id: int, plan_id: int) -> HttpResponse:
    try:
        services.cancel_scheduled_pause(
            request.user, dynamic_id, plan_id, now=timezone.now()
        )
    except Refused as refusal:
        return refusal_redirect(request, refusal, "duties:pauses", dynamic_id)
    messages.success(request, _("The planned pause is cancelled."))
    return redirect_see_other("duties:pauses", dynamic_id)


@login_required
@require_POST
def illness(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    try:
        services.start_illness_pause(request.user, dynamic_id, now=timezone.now())
    except Refused as refusal:
        return refusal_redirect(request, refusal, "duties:today", dynamic_id)
    messages.success(request, _("Paused for illness. Get well; no clock runs."))
    return redirect_see_other("duties:today", dynamic_id)


@login_required
@require_http_methods(["GET", "POST"])
def calendar(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.VIEW)
    link = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.revoke_feed(request.user, dynamic_id)
            messages.success(request, _("The calendar link no longer works."))
            return redirect_see_other("duties:calendar", dynamic_id)
        token = services.new_feed_token(request.user, dynamic_id, now=timezone.now())
        link = request.build_absolute_uri(reverse("duties:feed", args=[token]))
    return render(
        request,
        "duties/calendar.html",
        {"membership": me, "link": link, "has_feed": queries.has_feed(me)},
    )


def feed_view(request: HttpRequest, token: str) -> HttpResponse:
    """The private calendar feed: the token in the URL is the capability."""
    owner = services.feed_owner(token)
    if owner is None or owner.dynamic.is_ended:
        raise Http404
    body = feed.calendar_for(owner, now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
