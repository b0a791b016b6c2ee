from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from dynamics import access
from dynamics.access import Act, allows
from dynamics.models import Membership
from instep.errors import NotAllowed, Refused
from instep.http import apply_refusal, form_status, redirect_see_other, refusal_redirect
from talk import queries, services
from talk import search as talk_search
from talk.forms import (
    AftercareQuestions,
    AnswerForm,
    CheckInForm,
    CommentForm,
    DecideForm,
    EditEntryForm,
    EntryForm,
    JournalCommentForm,
    LeaderRequestForm,
    MatterForm,
    PromptForm,
    ReviewNoteForm,
)
from talk.models import JournalEntry, Matter


def require(user: User, dynamic_id: int, act: Act) -> Membership:
    """Asks the permission gate; a role that may not gets a 403 page."""
    try:
        return access.require(user, dynamic_id, act)
    except NotAllowed as refusal:
        raise PermissionDenied(refusal.message) from None


# ---------------------------------------------------------------- check-ins


@login_required
@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.CHECK_IN)
    now = timezone.now()
    page = queries.checkin_page(me, now)
    data = request.POST if request.method == "POST" else None
    form = CheckInForm(data, instance=page.mine)
    aftercare = AftercareQuestions(data) if page.red else None
    if data is not None and form.is_valid() and (not aftercare or aftercare.is_valid()):
        answer = (
            services.AftercareAnswer(**aftercare.cleaned_data) if aftercare else None
        )
        try:
            services.check_in(
                request.user, dynamic_id, **form.answers(), aftercare=answer, now=now
            )
        except Refused as refusal:
            apply_refusal(form, refusal)
        else:
            messages.success(request, _("Thank you for checking in."))
            return redirect_see_other("talk:checkin", dynamic_id)
    return render(
        request,
        "talk/checkin.html",
        {"membership": me, "page": page, "form": form, "aftercare": aftercare},
        status=form_status(form, *([aftercare] if aftercare else [])),
    )


@login_required
@require_http_methods(["GET", "POST"])
def checkin_prompt(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.CHECK_IN)
    page = queries.checkin_page(me, timezone.now())
    initial = (
        {"prompt_at": page.prompt.prompt_at, "enabled": page.prompt.enabled}
        if page.prompt
        else None
    )
    form = PromptForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_checkin_prompt(
                request.user, dynamic_id, **form.cleaned_data, now=timezone.now()
            )
        except Refused as refusal:
            apply_refusal(form, refusal)
        else:
            messages.success(request, _("Saved. You will be asked at that time."))
            return redirect_see_other("talk:checkin", dynamic_id)
    return render(
        request,
        "talk/checkin_prompt.html",
        {"membership": me, "form": form},
        status=form_status(form),
    )


# ---------------------------------------------------------------- matters


@login_required
def matter_list(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.VIEW)
    return render(
        request,
        "talk/matter_list.html",
        {
            "membership": me,
            "rows": queries.open_matters(me.dynamic, timezone.now()),
            "can_ask": allows(me, Act.ASK_REQUEST),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def matter_new(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.OPEN_MATTER)
    form = MatterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            matter = services.open_matter(
                request.user, dynamic_id, **form.cleaned_data, now=timezone.now()
            )
        except Refused as refusal:
            apply_refusal(form, refusal)
        else:
            return redirect_see_other("talk:matter_detail", dynamic_id, matter.pk)
    return render(
        request,
        "talk/matter_new.html",
        {"membership": me, "form": form},
        status=form_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    """The leader asks outside the delegated areas: the follower may decline."""
    me = require(request.user, dynamic_id, Act.ASK_REQUEST)
    form = LeaderRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            matter = services.open_request_from_leader(
                request.user, dynamic_id, **form.cleaned_data, now=timezone.now()
            )
        except Refused as refusal:
            apply_refusal(form, refusal)
        else:
            return redirect_see_other("talk:matter_detail", dynamic_id, matter.pk)
    return render(
        request,
        "talk/request_new.html",
        {"membership": me, "form": form},
        status=form_status(form),
    )


def _matter_page(request, me, matter_id, *, comment=None, decide=None, answer=None):
    detail = queries.matter_detail(me.dynamic, matter_id, timezone.now())
    matter = detail.matter
    leader_decides = matter.answered_by == Matter.Answerer.LEADER
    context = {
        "membership": me,
        "detail": detail,
        "comment_form": comment or CommentForm(),
        "decide_form": decide or DecideForm(),
        "answer_form": answer or AnswerForm(),
        "can_decide": matter.is_open
        and leader_decides
        and allows(me, Act.DECIDE_MATTER),
        "can_answer": matter.is_open
        and not leader_decides
        and allows(me, Act.ANSWER_REQUEST),
        "can_withdraw": matter.is_open and matter.opened_by_id == me.user_id,
    }
    return render(
        request,
        "talk/matter_detail.html",
        context,
        status=form_status(*(f for f in (comment, decide, answer) if f)),
    )


@login_required
def matter_detail(
    request: HttpRequest, dynamic_id: int, matter_id: int
) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.VIEW)
    return _matter_page(request, me, matter_id)


@login_required
@require_POST
def matter_comment(
    request: HttpRequest, dynamic_id: int, matter_id: int
) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.DISCUSS_MATTER)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_on_matter(
                request.user, dynamic_id, matter_id, **form.cleaned_data,
                now=timezone.now(),
            )  # fmt: skip
        except Refused as refusal:
            return refusal_redirect(
                request, refusal, "talk:matter_detail", dynamic_id, matter_id
            )
        return redirect_see_other("talk:matter_detail", dynamic_id, matter_id)
    return _matter_page(request, me, matter_id, comment=form)


@login_required
@require_POST
def matter_decide(
    request: HttpRequest, dynamic_id: int, matter_id: int
) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.DECIDE_MATTER)
    form = DecideForm(request.POST)
    if form.is_valid():
        try:
            services.decide_matter(
                request.user, dynamic_id, matter_id, **form.cleaned_data,
                now=timezone.now(),
            )  # fmt: skip
        except Refused as refusal:
            apply_refusal(form, refusal)
        else:
            messages.success(request, _("Decided. It is in the decisions log."))
            return redirect_see_other("talk:matter_detail", dynamic_id, matter_id)
    return _matter_page(request, me, matter_id, decide=form)


@login_required
@require_POST
def matter_answer(
    request: HttpRequest, dynamic_id: int, matter_id: int
) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.ANSWER_REQUEST)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.answer_request(
                request.user,
                dynamic_id,
                matter_id,
                accept=form.cleaned_data["answer"] == "accept",
                reason=form.cleaned_data["reason"],
                now=timezone.now(),
            )
        except Refused as refusal:
            apply_refusal(form, refusal)
        else:
            messages.success(request, _("Answered. Your partner can see it."))
            return redirect_see_other("talk:matter_detail", dynamic_id, matter_id)
    return _matter_page(request, me, matter_id, answer=form)


@login_required
@require_http_methods(["GET", "POST"])
def matter_withdraw(
    request: HttpRequest, dynamic_id: int, matter_id: int
) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.OPEN_MATTER)
    detail = queries.matter_detail(me.dynamic, matter_id, timezone.now())
    if request.method == "POST":
        try:
            services.withdraw_matter(
                request.user, dynamic_id, matter_id, now=timezone.now()
            )
        except Refused as refusal:
            return refusal_redirect(
                request, refusal, "talk:matter_detail", dynamic_id, matter_id
            )
        messages.info(request, _("Withdrawn."))
        return redirect_see_other("talk:matter_list", dynamic_id)
    return render(
        request, "talk/matter_withdraw.html", {"membership": me, "detail": detail}
    )


def _to_search(dynamic_id: int, query: str) -> HttpResponse:
    """The one search: old links with ``?q=`` land there."""
    return redirect_see_other(
        reverse("talk:search", args=[dynamic_id]) + "?" + urlencode({"q": query})
    )


@login_required
def decision_log(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.VIEW)
    if request.GET.get("q"):
        return _to_search(dynamic_id, request.GET["q"])
    page = queries.decisions_log(me.dynamic, request.GET.get("page"))
    return render(request, "talk/decision_log.html", {"membership": me, "page": page})


@login_required
def search(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    """Matters, decisions, journal entries and reviews the person may read."""
    me = require(request.user, dynamic_id, Act.VIEW)
    results = talk_search.search(me, request.GET.get("q", ""))
    return render(request, "talk/search.html", {"membership": me, "r": results})


# ---------------------------------------------------------------- journal


@login_required
def journal(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.VIEW)
    if request.GET.get("q"):
        return _to_search(dynamic_id, request.GET["q"])
    return render(
        request,
        "talk/journal.html",
        {"membership": me, "page": queries.journal_page(me, request.GET.get("page"))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def journal_new(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.WRITE_JOURNAL)
    form = EntryForm(
        request.POST or None, initial={"prompt": request.GET.get("prompt")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.write_entry(
                request.user, dynamic_id, **form.cleaned_data, now=timezone.now()
            )
        except Refused as refusal:
            apply_refusal(form, refusal)
        else:
            return redirect_see_other("talk:journal_entry", dynamic_id, entry.pk)
    return render(
        request,
        "talk/journal_form.html",
        {"membership": me, "form": form},
        status=form_status(form),
    )


@login_required
def journal_entry(request: HttpRequest, dynamic_id: int, entry_id: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.VIEW)
    entry = queries.journal_entry(me, entry_id)
    return render(
        request,
        "talk/journal_entry.html",
        {"membership": me, "entry": entry, "form": JournalCommentForm()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def journal_edit(request: HttpRequest, dynamic_id: int, entry_id: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.WRITE_JOURNAL)
    entry = services.own_entry(request.user, dynamic_id, entry_id)
    form = EditEntryForm(
        request.POST or None,
        initial={
            "title": entry.title,
            "body": entry.body,
            "visibility": entry.visibility,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_entry(
                request.user, dynamic_id, entry_id, **form.cleaned_data,
                now=timezone.now(),
            )  # fmt: skip
        except Refused as refusal:
            apply_refusal(form, refusal)
        else:
            return redirect_see_other("talk:journal_entry", dynamic_id, entry_id)
    return render(
        request,
        "talk/journal_form.html",
        {"membership": me, "form": form, "entry": entry},
        status=form_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def journal_delete(
    request: HttpRequest, dynamic_id: int, entry_id: int
) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.WRITE_JOURNAL)
    entry = services.own_entry(request.user, dynamic_id, entry_id)
    if request.method == "POST":
        services.delete_entry(request.user, dynamic_id, entry_id)
        messages.info(request, _("The entry is deleted."))
        return redirect_see_other("talk:journal", dynamic_id)
    return render(
        request, "talk/journal_delete.html", {"membership": me, "entry": entry}
    )


@login_required
@require_POST
def journal_comment(
    request: HttpRequest, dynamic_id: int, entry_id: int
) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.WRITE_JOURNAL)
    entry: JournalEntry = queries.journal_entry(me, entry_id)
    form = JournalCommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_on_entry(
                request.user, dynamic_id, entry_id, **form.cleaned_data,
                now=timezone.now(),
            )  # fmt: skip
        except Refused as refusal:
            apply_refusal(form, refusal)
        else:
            return redirect_see_other("talk:journal_entry", dynamic_id, entry_id)
    return render(
        request,
        "talk/journal_entry.html",
        {"membership": me, "entry": entry, "form": form},
        status=400,
    )


# ---------------------------------------------------------------- weekly review


@login_required
def review_list(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.VIEW)
    return render(
        request,
        "talk/review_list.html",
        {
            "membership": me,
            "reviews": queries.review_list(me.dynamic),
            "slot": queries.review_slot_label(me.dynamic, timezone.now()),
        },
    )


@login_required
@require_POST
def review_start(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    try:
        review = services.start_review(request.user, dynamic_id, now=timezone.now())
    except Refused as refusal:
        return refusal_redirect(request, refusal, "talk:review_list", dynamic_id)
    return redirect_see_other("talk:review_detail", dynamic_id, review.pk)


def _review_page(request, me, review_id, form=None) -> HttpResponse:
    return render(
        request,
        "talk/review_detail.html",
        {
            "membership": me,
            "detail": queries.review_detail(me, review_id),
            "form": form or ReviewNoteForm(),
        },
        status=form_status(form) if form else 200,
    )


@login_required
def review_detail(
    request: HttpRequest, dynamic_id: int, review_id: int
) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.VIEW)
    return _review_page(request, me, review_id)


@login_required
@require_POST
def review_note(request: HttpRequest, dynamic_id: int, review_id: int) -> HttpResponse:
    me = require(request.user, dynamic_id, Act.HOLD_REVIEW)
    form = ReviewNoteForm(request.POST)
    if form.is_valid():
        try:
            services.add_review_note(
                request.user, dynamic_id, review_id, **form.cleaned_data,
                now=timezone.now(),
            )  # fmt: skip
        except Refused as refusal:
            apply_refusal(form, refusal)
        else:
            return redirect_see_other("talk:review_detail", dynamic_id, review_id)
    return _review_page(request, me, review_id, form)


@login_required
@require_POST
def review_held(request: HttpRequest, dynamic_id: int, review_id: int) -> HttpResponse:
    try:
        review = services.mark_review_held(
            request.user, dynamic_id, review_id, now=timezone.now()
        )
    except Refused as refusal:
        return refusal_redirect(
            request, refusal, "talk:review_detail", dynamic_id, review_id
        )
    messages.success(
        request,
        _("Held by both of you. Well done.")
        if review.is_held
        else _("Marked as held. Your partner marks it too."),
    )
    return redirect_see_other("talk:review_detail", dynamic_id, review_id)


@login_required
@require_POST
def review_note_matter(
    request: HttpRequest, dynamic_id: int, note_id: int
) -> HttpResponse:
    try:
        matter = services.note_to_matter(
            request.user, dynamic_id, note_id, now=timezone.now()
        )
    except Refused as refusal:
        return refusal_redirect(request, refusal, "talk:review_list", dynamic_id)
    messages.success(request, _("Opened as a matter to decide."))
    return redirect_see_other("talk:matter_detail", dynamic_id, matter.pk)


@login_required
@require_POST
def review_note_agreement(
    request: HttpRequest, dynamic_id: int, note_id: int
) -> HttpResponse:
    try:
        comment = services.note_to_agreement_change(
            request.user, dynamic_id, note_id, now=timezone.now()
        )
    except Refused as refusal:
        return refusal_redirect(request, refusal, "talk:review_list", dynamic_id)
    messages.success(
        request,
        _(
            "Added to draft %(n)s as a proposed change. Change the draft "
            "together, then sign it."
        )
        % {"n": comment.version.number},
    )
    return redirect_see_other(
        reverse("agreements:show_version", args=[dynamic_id, comment.version.number])
        + "#comments"
    )
