import zoneinfo

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.models import User, time_zone_choices
from accounts.validators import validate_single_line


def _valid_time_zone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise forms.ValidationError(_("Choose a time zone from the list.")) from None
    return value


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form."""

    display_name = forms.CharField(
        label=_("Your name, as your partner will see it"),
        max_length=60,
        validators=[validate_single_line],
    )
    # Filled from the browser by static/instep/app.js; UTC without JavaScript.
    time_zone = forms.CharField(widget=forms.HiddenInput, required=False)
    discreet = forms.BooleanField(
        label=_("Discreet mode: neutral words on screen and in every message"),
        help_text=_("Also in the e-mail that confirms your address."),
        required=False,
    )

    field_order = ["display_name", "email", "password1", "password2", "discreet"]

    def clean_time_zone(self) -> str:
        value = self.cleaned_data.get("time_zone") or "UTC"
        try:
            return _valid_time_zone(value)
        except forms.ValidationError:
            return "UTC"

    def signup(self, request, user: User) -> None:
        user.display_name = self.cleaned_data["display_name"]
        user.time_zone = self.cleaned_data["time_zone"]
        user.discreet = self.cleaned_data["discreet"]
        user.save(update_fields=["display_name", "time_zone", "discreet"])


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)
    locale = forms.ChoiceField(
        label=_("Date and number format"),
        choices=[("", _("As my browser says")), *settings.FORMAT_LOCALES],
        required=False,
    )
    lock_after_minutes = forms.TypedChoiceField(
        label=_("Quick lock after being idle for"),
        coerce=int,
        choices=[
            (1, _("1 minute")),
            (2, _("2 minutes")),
            (5, _("5 minutes")),
            (15, _("15 minutes")),
            (60, _("1 hour")),
        ],
        help_text=_("Only applies when you have set a PIN."),
    )

    class Meta:
        model = User
        fields = [
            "display_name",
            "time_zone",
            "locale",
            "discreet",
            "lock_after_minutes",
        ]


class PinForm(forms.Form):
    pin = forms.CharField(
        label=_("New PIN (4 to 8 digits)"),
        min_length=4,
        max_length=8,
        widget=forms.PasswordInput(
            attrs={"inputmode": "numeric", "autocomplete": "off"}
        ),
    )
    pin_again = forms.CharField(
        label=_("The same PIN again"),
        widget=forms.PasswordInput(
            attrs={"inputmode": "numeric", "autocomplete": "off"}
        ),
    )

    def clean(self):
        data = super().clean()
        if data.get("pin") and data.get("pin") != data.get("pin_again"):
            self.add_error("pin_again", _("The two PINs differ."))
        return data


class UnlockForm(forms.Form):
    pin = forms.CharField(
        label=_("PIN"),
        widget=forms.PasswordInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "autofocus": True}
        ),
    )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_(
            "I understand: my account and my private data are deleted for good, "
            "and my dynamics end."
        ),
    )
