from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import services
from accounts.forms import DeleteAccountForm, PinForm, ProfileForm, UnlockForm
from accounts.middleware import LAST_SEEN, LOCKED
from instep.errors import Refused
from instep.http import apply_refusal, form_status, redirect_see_other
from instep.wording import words_for


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your settings are saved."))
        return redirect_see_other("accounts:profile")
    status = form_status(form)
    return render(request, "accounts/profile.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def pin(request: HttpRequest) -> HttpResponse:
    form = PinForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("remove"):
            services.clear_pin(request.user)
            messages.success(request, _("The quick lock is off."))
            return redirect_see_other("accounts:profile")
        if form.is_valid():
            try:
                services.set_pin(request.user, pin=form.cleaned_data["pin"])
            except Refused as refusal:
                apply_refusal(form, refusal)
            else:
                messages.success(request, _("Your PIN is set. Tap “Lock” to try it."))
                return redirect_see_other("accounts:profile")
    status = form_status(form)
    return render(request, "accounts/pin.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def lock(request: HttpRequest) -> HttpResponse:
    """The neutral lock screen; entering the PIN unlocks the session.

    Opening it does not lock: only a POST does (``lock_now``, the idle timer),
    so a link on another site cannot lock anyone out.
    """
    user = request.user
    if not user.has_quick_lock:
        return redirect_see_other("dynamics:list")
    if not request.session.get(LOCKED):
        return redirect_see_other("landing")
    form = UnlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = services.unlock(
            user,
            pin=form.cleaned_data["pin"],
            session_key=request.session.session_key or "",
            now=timezone.now(),
        )
        if outcome is services.Unlock.OPEN:
            request.session.pop(LOCKED, None)
            request.session[LAST_SEEN] = timezone.now().timestamp()
            return redirect_see_other("landing")
        if outcome is services.Unlock.SIGNED_OUT:
            logout(request)
            messages.error(
                request, _("Too many wrong PINs. Sign in with your password.")
            )
            return redirect_see_other("account_login")
        form.add_error("pin", _("That PIN is not right."))
    status = form_status(form)
    # The lock screen always speaks neutrally: anyone may be holding the phone.
    return render(
        request,
        "accounts/lock.html",
        {"form": form, "words": words_for(discreet=True)},
        status=status,
    )


@login_required
@require_POST
def lock_now(request: HttpRequest) -> HttpResponse:
    if request.user.has_quick_lock:
        request.session[LOCKED] = True
        return redirect_see_other("accounts:lock")
    messages.info(request, _("Set a PIN first; then one tap locks the app."))
    return redirect_see_other("accounts:pin")


@login_required
@require_POST
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    """Ends every session (this one too) and revokes every API token."""
    services.sign_out_everywhere(request.user)
    logout(request)
    messages.info(
        request,
        _("You are signed out everywhere, and your API tokens no longer work."),
    )
    return redirect_see_other("account_login")


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.delete_account(
                request.user, password=form.cleaned_data["password"], now=timezone.now()
            )
        except Refused as refusal:
            apply_refusal(form, refusal)
        else:
            logout(request)
            messages.info(request, _("Your account is deleted. Take good care."))
            return redirect_see_other("landing")
    status = form_status(form)
    return render(request, "accounts/delete.html", {"form": form}, status=status)
