from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from agreements import queries, services
from agreements.forms import (
    SECTION_FORMS,
    AnswerForm,
    CommentForm,
    DraftForm,
    IdeaForm,
    ProposeForm,
    SafewordForm,
)
from agreements.models import ExplorationAnswer, Limit
from dynamics.access import Act, require
from instep.errors import Refused
from instep.http import apply_refusal, form_status, redirect_see_other, refusal_redirect

SECTION_TITLES = {
    "domains": gettext_lazy("area of life"),
    "rules": gettext_lazy("rule"),
    "limits": gettext_lazy("limit"),
    "consequences": gettext_lazy("reward or correction"),
}


def _version_url(dynamic_id: int, number: int, anchor: str = "") -> str:
    url = reverse("agreements:show_version", args=[dynamic_id, number])
    return f"{url}#{anchor}" if anchor else url


@login_required
def show_agreement(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.VIEW_AGREEMENT)
    return render(
        request,
        "agreements/agreement.html",
        {
            "membership": me,
            "overview": queries.overview(me, timezone.now()),
            "propose_form": ProposeForm(),
        },
    )


@login_required
@require_POST
def propose_draft(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    form = ProposeForm(request.POST)
    start_from = form.cleaned_data["start_from"] if form.is_valid() else "current"
    try:
        version = services.propose_draft(
            request.user, dynamic_id, start_from=start_from, now=timezone.now()
        )
    except Refused as refusal:
        return refusal_redirect(
            request, refusal, "agreements:show_agreement", dynamic_id
        )
    messages.success(request, _("Draft started. Work on it together, then sign."))
    return redirect_see_other(_version_url(dynamic_id, version.number))


@login_required
def show_version(request: HttpRequest, dynamic_id: int, number: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.VIEW_AGREEMENT)
    page = queries.version_page(me, number)
    if page is None:
        raise Http404
    return render(
        request,
        "agreements/version.html",
        {"membership": me, "page": page, "comment_form": CommentForm()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_version(request: HttpRequest, dynamic_id: int, number: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.EDIT_AGREEMENT)
    version = me.dynamic.agreement_versions.filter(number=number).first()
    if version is None:
        raise Http404
    if version.is_signed:
        return redirect_see_other(_version_url(dynamic_id, number))
    form = DraftForm(request.POST or None, instance=version)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_draft(
                request.user,
                dynamic_id,
                number=number,
                **form.cleaned_data,
                now=timezone.now(),
            )
        except Refused as refusal:
            apply_refusal(form, refusal)
        else:
            messages.success(request, _("Saved."))
            return redirect_see_other(_version_url(dynamic_id, number, "general"))
    return render(
        request,
        "agreements/version_form.html",
        {"membership": me, "version": version, "form": form},
        status=form_status(form),
    )


def _section_form(section: str, version, data=None, *, item=None, me=None):
    form_class = SECTION_FORMS[section]
    initial = {}
    if item is not None:
        initial = {name: getattr(item, name, None) for name in form_class.base_fields}
        if section == "rules":
            initial["domain"] = item.domain_id
    kwargs = {}
    if section == "domains":
        kwargs = {
            "adding": item is None,
            "taken": set(version.domain_set.values_list("key", flat=True)),
        }
    elif section == "rules":
        kwargs = {"domains": list(version.domain_set.all())}
    return form_class(data, initial=initial, **kwargs)


def _draft_or_404(me, number: int):
    version = me.dynamic.agreement_versions.filter(number=number).first()
    if version is None:
        raise Http404
    return version


@login_required
@require_http_methods(["GET", "POST"])
def add_item(
    request: HttpRequest, dynamic_id: int, number: int, section: str
) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.EDIT_AGREEMENT)
    if section not in SECTION_FORMS:
        raise Http404
    version = _draft_or_404(me, number)
    if version.is_signed:
        return redirect_see_other(_version_url(dynamic_id, number))
    form = _section_form(section, version, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.add_item(
                request.user,
                dynamic_id,
                number=number,
                section=section,
                values=form.cleaned_data,
                now=timezone.now(),
            )
        except Refused as refusal:
            apply_refusal(form, refusal)
        else:
            messages.success(request, _("Added to the draft."))
            return redirect_see_other(
                _version_url(dynamic_id, number, f"{section}-{item.pk}")
            )
    return render(
        request,
        "agreements/item_form.html",
        {
            "membership": me,
            "version": version,
            "section": section,
            "what": SECTION_TITLES[section],
            "form": form,
            "adding": True,
        },
        status=form_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def change_item(
    request: HttpRequest, dynamic_id: int, number: int, section: str, item_id: int
) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.VIEW_AGREEMENT)
    item = queries.item_of(me, number, section, item_id)
    if item is None:
        raise Http404
    version = item.version
    own = not isinstance(item, Limit) or item.owner_role == me.role
    editable = version.is_draft and own
    form = _section_form(section, version, request.POST or None, item=item, me=me)
    if not editable:
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST":
        if not editable:
            return redirect_see_other(_version_url(dynamic_id, number))
        if form.is_valid():
            try:
                services.change_item(
                    request.user,
                    dynamic_id,
                    number=number,
                    section=section,
                    item_id=item_id,
                    values=form.cleaned_data,
                    now=timezone.now(),
                )
            except Refused as refusal:
                apply_refusal(form, refusal)
            else:
                messages.success(request, _("Saved."))
                return redirect_see_other(
                    _version_url(dynamic_id, number, f"{section}-{item_id}")
                )
    comments = version.comments.filter(section=section, item_id=item_id)
    return render(
        request,
        "agreements/item_form.html",
        {
            "membership": me,
            "version": version,
            "section": section,
            "what": SECTION_TITLES[section],
            "item": item,
            "form": form,
            "editable": editable,
            "comments": comments.select_related("author"),
            "comment_form": CommentForm(
                initial={"section": section, "item_id": item_id}
            ),
        },
        status=form_status(form),
    )


@login_required
@require_POST
def remove_item(
    request: HttpRequest, dynamic_id: int, number: int, section: str, item_id: int
) -> HttpResponse:
    try:
        services.remove_item(
            request.user,
            dynamic_id,
            number=number,
            section=section,
            item_id=item_id,
            now=timezone.now(),
        )
    except Refused as refusal:
        messages.error(request, refusal.message)
        return redirect_see_other(_version_url(dynamic_id, number))
    messages.success(request, _("Removed from the draft."))
    return redirect_see_other(_version_url(dynamic_id, number, section))


@login_required
@require_POST
def add_comment(request: HttpRequest, dynamic_id: int, number: int) -> HttpResponse:
    require(request.user, dynamic_id, Act.COMMENT_AGREEMENT)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write your comment."))
        return redirect_see_other(_version_url(dynamic_id, number))
    data = form.cleaned_data
    try:
        comment = services.add_comment(
            request.user,
            dynamic_id,
            number=number,
            section=data["section"],
            item_id=data["item_id"],
            text=data["text"],
            now=timezone.now(),
        )
    except Refused as refusal:
        messages.error(request, refusal.message)
        return redirect_see_other(_version_url(dynamic_id, number))
    if comment.item_id:
        return redirect_see_other(
            "agreements:change_item",
            dynamic_id,
            number,
            comment.section,
            comment.item_id,
        )
    return redirect_see_other(_version_url(dynamic_id, number, "comments"))


@login_required
@require_POST
def sign_version(request: HttpRequest, dynamic_id: int, number: int) -> HttpResponse:
    try:
        version = services.sign(
            request.user, dynamic_id, number=number, now=timezone.now()
        )
    except Refused as refusal:
        messages.error(request, refusal.message)
        return redirect_see_other(_version_url(dynamic_id, number, "signatures"))
    if version.is_signed:
        messages.success(
            request,
            _("Signed by both of you. Version %(n)s is in force.") % {"n": number},
        )
    else:
        messages.success(
            request,
            _("Signed. It comes into force once your partner signs too."),
        )
    return redirect_see_other(_version_url(dynamic_id, number))


@login_required
@require_POST
def discard_draft(request: HttpRequest, dynamic_id: int, number: int) -> HttpResponse:
    try:
        services.discard_draft(
            request.user, dynamic_id, number=number, now=timezone.now()
        )
    except Refused as refusal:
        return refusal_redirect(
            request, refusal, "agreements:show_agreement", dynamic_id
        )
    messages.info(request, _("The draft was discarded."))
    return redirect_see_other("agreements:show_agreement", dynamic_id)


@login_required
def show_history(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.VIEW_AGREEMENT)
    return render(
        request,
        "agreements/history.html",
        {"membership": me, "rows": queries.history(me.dynamic)},
    )


def _number(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@login_required
def compare_versions(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.VIEW_AGREEMENT)
    a, b = _number(request.GET.get("a")), _number(request.GET.get("b"))
    if a is None or b is None:
        pair = queries.default_pair(me.dynamic)
        a, b = pair if pair else (None, None)
    comparison = queries.compare(me.dynamic, a, b) if a and b else None
    numbers = list(
        me.dynamic.agreement_versions.order_by("-number").values_list(
            "number", flat=True
        )
    )
    return render(
        request,
        "agreements/compare.html",
        {
            "membership": me,
            "comparison": comparison,
            "numbers": numbers,
            "a": a,
            "b": b,
            "show_all": request.GET.get("all") == "1",
        },
    )


@login_required
def print_version(request: HttpRequest, dynamic_id: int, number: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.VIEW_AGREEMENT)
    page = queries.version_page(me, number)
    if page is None:
        raise Http404
    return render(request, "agreements/print.html", {"membership": me, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def edit_safewords(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.EDIT_SAFEWORDS)
    current = services.safeword_settings(me.dynamic)
    editable = services.FOLLOWER_FIELDS if me.is_follower else services.LEADER_FIELDS
    form = SafewordForm(request.POST or None, instance=current, editable=editable)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_safewords(
                request.user,
                dynamic_id,
                values={k: v for k, v in form.cleaned_data.items() if k in editable},
                now=timezone.now(),
            )
        except Refused as refusal:
            apply_refusal(form, refusal)
        else:
            messages.success(request, _("Saved. No new signature is needed."))
            return redirect_see_other("agreements:show_agreement", dynamic_id)
    return render(
        request,
        "agreements/safewords.html",
        {"membership": me, "form": form},
        status=form_status(form),
    )


# The exploration list ------------------------------------------------------------


@login_required
def show_exploration(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.EXPLORE)
    return render(
        request,
        "agreements/exploration.html",
        {"membership": me, "ideas": queries.my_exploration(me)},
    )


@login_required
def show_matches(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.EXPLORE)
    return render(
        request,
        "agreements/matches.html",
        {"membership": me, "matches": queries.exploration_matches(me)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def answer_idea(request: HttpRequest, dynamic_id: int, item_id: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.EXPLORE)
    item = queries.exploration_items(me.dynamic).filter(pk=item_id).first()
    if item is None:
        raise Http404
    mine = dict(
        ExplorationAnswer.objects.filter(
            dynamic=me.dynamic, user=request.user, item=item
        ).values_list("direction", "answer")
    )
    form = AnswerForm(request.POST or None, item=item, initial=mine)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_idea(
                request.user,
                dynamic_id,
                item_id=item.pk,
                answers=form.cleaned_data,
                now=timezone.now(),
            )
        except Refused as refusal:
            apply_refusal(form, refusal)
        else:
            url = reverse("agreements:show_exploration", args=[dynamic_id])
            return redirect_see_other(f"{url}#idea-{item.pk}")
    return render(
        request,
        "agreements/answer.html",
        {"membership": me, "item": item, "form": form},
        status=form_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_idea(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.EXPLORE)
    form = IdeaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.add_idea(
                request.user, dynamic_id, **form.cleaned_data, now=timezone.now()
            )
        except Refused as refusal:
            apply_refusal(form, refusal)
        else:
            return redirect_see_other("agreements:answer_idea", dynamic_id, item.pk)
    return render(
        request,
        "agreements/idea_form.html",
        {"membership": me, "form": form},
        status=form_status(form),
    )


@login_required
@require_POST
def propose_limit(request: HttpRequest, dynamic_id: int, item_id: int) -> HttpResponse:
    try:
        limit = services.propose_hard_limit(
            request.user, dynamic_id, item_id=item_id, now=timezone.now()
        )
    except Refused as refusal:
        return refusal_redirect(
            request, refusal, "agreements:show_exploration", dynamic_id
        )
    messages.success(request, _("Added to the draft as your hard limit."))
    return redirect_see_other(
        _version_url(dynamic_id, limit.version.number, f"limits-{limit.pk}")
    )
