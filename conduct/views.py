"""Conduct pages: thin views around one service each."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from agreements.models import Rule
from agreements.services import version_in_force
from conduct import forms, queries, services
from conduct.models import Incident
from dynamics.access import Act, require
from dynamics.models import Membership
from instep.errors import Refused
from instep.http import (
    apply_refusal,
    form_status,
    redirect_see_other,
    refusal_redirect,
)


@login_required
def incident_list(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.VIEW)
    listing = queries.incident_list(me, request.GET.get("page"), timezone.now())
    return render(request, "conduct/list.html", {"membership": me, "listing": listing})


@login_required
@require_http_methods(["GET", "POST"])
def report_incident(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.REPORT_INCIDENT)
    now = timezone.now()
    rules: list[Rule] = []
    if not request.user.discreet:  # no rule names in discreet mode
        version = version_in_force(dynamic_id, now)
        rules = list(version.rule_set.all()) if version else []
    form = forms.ReportForm(
        request.POST or None, rules=rules, initial=_report_initial(request)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident = services.report_incident(
                request.user,
                dynamic_id,
                source=data["source"],
                about=data["about"],
                title=data["title"],
                note=data["note"],
                rule_id=data.get("rule"),
                now=now,
            )
        except Refused as refusal:
            apply_refusal(form, refusal)
        else:
            messages.success(request, _("Noted. Now it can be put right together."))
            return redirect_see_other("conduct:incident", dynamic_id, incident.pk)
    return render(
        request,
        "conduct/report.html",
        {"membership": me, "form": form},
        status=form_status(form),
    )


def _report_initial(request: HttpRequest) -> dict[str, str]:
    kind = request.GET.get("kind", "")
    if kind == "praise":
        return {"source": "praise", "about": "partner"}
    if kind == "promise":
        return {"source": "missed_promise", "about": "partner"}
    return {}


def _incident_or_404(dynamic_id: int, incident_id: int) -> Incident:
    incident = Incident.objects.filter(dynamic_id=dynamic_id, pk=incident_id).first()
    if incident is None:
        raise Http404
    return incident


def _render_detail(
    request: HttpRequest,
    me: Membership,
    incident: Incident,
    *,
    bound: dict[str, Form] | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    detail = queries.incident_detail(me, incident, timezone.now())
    i = detail.incident
    page_forms: dict[str, Any] = {
        "reflection": forms.ReflectionForm(
            initial={
                "what_happened": i.reflection_what,
                "differently": i.reflection_next,
            }
        ),
        "apology": forms.ApologyForm(
            initial={"text": detail.my_apology.text if detail.my_apology else ""}
        ),
        "consequence": forms.ConsequenceForm(items=detail.corrections),
        "reward": forms.RewardForm(items=detail.rewards),
        "make_it_right": forms.MakeItRightForm(items=detail.make_it_right),
        "forgive": forms.ForgiveForm(),
        "excuse": forms.WordForm(prefix="excuse"),
        "celebrate": forms.WordForm(prefix="celebrate"),
        "schedule": forms.ScheduleForm(),
    }
    page_forms.update(bound or {})
    # A form shown again after a refusal offers the same choices as before.
    page_forms["consequence"].offer(detail.corrections)
    page_forms["reward"].offer(detail.rewards)
    page_forms["make_it_right"].offer(detail.make_it_right)
    return render(
        request,
        "conduct/detail.html",
        {"membership": me, "detail": detail, "forms": page_forms, "problem": problem},
        status=status,
    )


@login_required
def incident(request: HttpRequest, dynamic_id: int, incident_id: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.VIEW)
    return _render_detail(request, me, _incident_or_404(dynamic_id, incident_id))


def _act(
    request: HttpRequest,
    dynamic_id: int,
    incident_id: int,
    *,
    key: str,
    form: Form,
    call: Callable[[dict[str, Any]], object],
    done: str | Callable[[Any], str],
    act: Act = Act.VIEW,
) -> HttpResponse:
    """Validates the form, calls one service, and shows the outcome.

    A refusal (also a role that may not) is shown on the form it concerns,
    on the incident page, with its status (400 or 403).
    """
    me = require(request.user, dynamic_id, Act.VIEW)
    incident = _incident_or_404(dynamic_id, incident_id)
    status, problem = 400, ""
    try:
        require(request.user, dynamic_id, act)
        if form.is_valid():
            result = call(form.cleaned_data)
            messages.success(request, done(result) if callable(done) else done)
            return redirect_see_other("conduct:incident", dynamic_id, incident_id)
    except Refused as refusal:
        # On the field it concerns; otherwise at the top of the page, where
        # it shows even when the person's role has no such form.
        if refusal.field in form.fields:
            form.add_error(refusal.field, refusal.message)
        else:
            problem = refusal.message
        status = refusal.status
    return _render_detail(
        request, me, incident, bound={key: form}, problem=problem, status=status
    )


@login_required
@require_POST
def reflect(request: HttpRequest, dynamic_id: int, incident_id: int) -> HttpResponse:
    return _act(
        request,
        dynamic_id,
        incident_id,
        key="reflection",
        form=forms.ReflectionForm(request.POST),
        call=lambda d: services.reflect(
            request.user, dynamic_id, incident_id, **d, now=timezone.now()
        ),
        done=_("Your reflection is saved. Thank you for owning it."),
    )


@login_required
@require_POST
def apologise(request: HttpRequest, dynamic_id: int, incident_id: int) -> HttpResponse:
    return _act(
        request,
        dynamic_id,
        incident_id,
        key="apology",
        form=forms.ApologyForm(request.POST),
        call=lambda d: services.apologise(
            request.user, dynamic_id, incident_id, text=d["text"], now=timezone.now()
        ),
        done=_("Your apology is attached."),
    )


@login_required
@require_POST
def give_consequence(
    request: HttpRequest, dynamic_id: int, incident_id: int
) -> HttpResponse:
    form = forms.ConsequenceForm(request.POST)
    return _act(
        request,
        dynamic_id,
        incident_id,
        key="consequence",
        form=form,
        call=lambda d: services.give_consequence(
            request.user,
            dynamic_id,
            incident_id,
            consequence_id=d["consequence"],
            task=d["task"],
            task_due_at=d["task_due_at"],
            task_domain=d["task_domain"],
            soft_limit_checked=d["soft_limit_checked"],
            task_reviewed=d["task_reviewed"],
            now=timezone.now(),
        ),
        done=_("Correction given from the agreed menu."),
        act=Act.IMPOSE,
    )


@login_required
@require_POST
def give_reward(
    request: HttpRequest, dynamic_id: int, incident_id: int
) -> HttpResponse:
    form = forms.RewardForm(request.POST)
    return _act(
        request,
        dynamic_id,
        incident_id,
        key="reward",
        form=form,
        call=lambda d: services.give_reward(
            request.user,
            dynamic_id,
            incident_id,
            consequence_id=d["consequence"],
            task=d["task"],
            task_due_at=d["task_due_at"],
            word=d["word"],
            now=timezone.now(),
        ),
        done=_("Reward given."),
        act=Act.GIVE_REWARD,
    )


@login_required
@require_POST
def make_it_right(
    request: HttpRequest, dynamic_id: int, incident_id: int
) -> HttpResponse:
    return _act(
        request,
        dynamic_id,
        incident_id,
        key="make_it_right",
        form=forms.MakeItRightForm(request.POST),
        call=lambda d: services.make_it_right(
            request.user,
            dynamic_id,
            incident_id,
            item_id=d["item"],
            task=d["task"],
            task_due_at=d["task_due_at"],
            now=timezone.now(),
        ),
        done=_("Chosen. Thank you for making it right."),
    )


@login_required
@require_POST
def forgive(request: HttpRequest, dynamic_id: int, incident_id: int) -> HttpResponse:
    return _act(
        request,
        dynamic_id,
        incident_id,
        key="forgive",
        form=forms.ForgiveForm(request.POST),
        call=lambda d: services.forgive(
            request.user, dynamic_id, incident_id, word=d["word"], now=timezone.now()
        ),
        done=_("Forgiven."),
    )


@login_required
@require_POST
def excuse(request: HttpRequest, dynamic_id: int, incident_id: int) -> HttpResponse:
    return _act(
        request,
        dynamic_id,
        incident_id,
        key="excuse",
        form=forms.WordForm(request.POST, prefix="excuse"),
        call=lambda d: services.excuse(
            request.user, dynamic_id, incident_id, word=d["word"], now=timezone.now()
        ),
        done=_("Excused: life happened."),
    )


@login_required
@require_POST
def celebrate(request: HttpRequest, dynamic_id: int, incident_id: int) -> HttpResponse:
    return _act(
        request,
        dynamic_id,
        incident_id,
        key="celebrate",
        form=forms.WordForm(request.POST, prefix="celebrate"),
        call=lambda d: services.celebrate(
            request.user, dynamic_id, incident_id, word=d["word"], now=timezone.now()
        ),
        done=_("Celebrated."),
    )


@login_required
@require_POST
def schedule(request: HttpRequest, dynamic_id: int, incident_id: int) -> HttpResponse:
    return _act(
        request,
        dynamic_id,
        incident_id,
        key="schedule",
        form=forms.ScheduleForm(request.POST),
        call=lambda d: services.defer_correction(
            request.user, dynamic_id, incident_id, until=d["until"], now=timezone.now()
        ),
        done=_("Scheduled for later. It stays open until then."),
        act=Act.IMPOSE,
    )


@login_required
@require_POST
def complete_repair(
    request: HttpRequest, dynamic_id: int, incident_id: int
) -> HttpResponse:
    return _act(
        request,
        dynamic_id,
        incident_id,
        key="done",
        form=forms.DoneForm(request.POST),
        call=lambda d: services.complete_repair(
            request.user, dynamic_id, incident_id, now=timezone.now()
        ),
        done=lambda incident: (
            _("Done. The incident is resolved.")
            if incident.state == Incident.State.RESOLVED
            else _("Done. It waits for the leader's review, which closes it.")
        ),
    )


@login_required
def ledger(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.VIEW)
    return render(
        request,
        "conduct/ledger.html",
        {"membership": me, "ledger": queries.ledger(me, timezone.now())},
    )


@login_required
@require_http_methods(["GET", "POST"])
def make_it_right_items(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.AGREE_MAKE_IT_RIGHT)
    form = forms.ProposeItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.propose_make_it_right(
                request.user, dynamic_id, **form.cleaned_data, now=timezone.now()
            )
        except Refused as refusal:
            apply_refusal(form, refusal)
        else:
            messages.success(
                request, _("Proposed. It counts once your partner agrees.")
            )
            return redirect_see_other("conduct:make_it_right_items", dynamic_id)
    return render(
        request,
        "conduct/make_it_right.html",
        {
            "membership": me,
            "items": queries.make_it_right_items(me.dynamic),
            "form": form,
        },
        status=form_status(form),
    )


@login_required
@require_POST
def agree_item(request: HttpRequest, dynamic_id: int, item_id: int) -> HttpResponse:
    try:
        services.agree_make_it_right(
            request.user, dynamic_id, item_id, now=timezone.now()
        )
    except Refused as refusal:
        return refusal_redirect(
            request, refusal, "conduct:make_it_right_items", dynamic_id
        )
    messages.success(request, _("Agreed by both of you."))
    return redirect_see_other("conduct:make_it_right_items", dynamic_id)


@login_required
@require_POST
def withdraw_item(request: HttpRequest, dynamic_id: int, item_id: int) -> HttpResponse:
    try:
        services.withdraw_make_it_right(
            request.user, dynamic_id, item_id, now=timezone.now()
        )
    except Refused as refusal:
        return refusal_redirect(
            request, refusal, "conduct:make_it_right_items", dynamic_id
        )
    messages.success(request, _("Withdrawn."))
    return redirect_see_other("conduct:make_it_right_items", dynamic_id)
