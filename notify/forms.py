from django import forms
from django.utils.translation import gettext_lazy as _

from notify import messages

LEVEL_CHOICES = [
    (messages.Level.ALL, _("Push and e-mail")),
    (messages.Level.INBOX, _("In the app")),
    (messages.Level.OFF, _("Off")),
]

LEAD_CHOICES = [
    (0, _("No early reminder")),
    (5, _("5 minutes")),
    (15, _("15 minutes")),
    (30, _("30 minutes")),
    (60, _("1 hour")),
    (120, _("2 hours")),
    (1440, _("1 day")),
]


class EmailChannelForm(forms.Form):
    address = forms.EmailField(label=_("E-mail address"))
    label = forms.CharField(
        label=_("Name (optional)"),
        max_length=60,
        required=False,
        help_text=_("So you can tell your channels apart, e.g. “Work mail”."),
    )


class AppriseChannelForm(forms.Form):
    url = forms.CharField(
        label=_("Apprise URL"),
        max_length=2000,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "inputmode": "url"}
        ),
        help_text=_(
            "e.g. ntfy://my-topic, tgram://bot-token/chat-id, "
            "gotify://host/token, json://example.org/hook"
        ),
    )
    label = forms.CharField(
        label=_("Name (optional)"),
        max_length=60,
        required=False,
        help_text=_("e.g. “ntfy on my phone”."),
    )


class PushChannelForm(forms.Form):
    subscription = forms.CharField(widget=forms.HiddenInput, max_length=2000)
    label = forms.CharField(label=_("Name of this device"), max_length=60)


class PreferencesForm(forms.Form):
    quiet_from = forms.TimeField(
        label=_("Quiet from"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_until = forms.TimeField(
        label=_("Quiet until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_(
            "In your time zone. Reminders wait until then; a red signal never waits."
        ),
    )
    lead_minutes = forms.TypedChoiceField(
        label=_("Remind me before something is due"),
        coerce=int,
        choices=LEAD_CHOICES,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in messages.LABELS.items():
            self.fields[f"level_{kind}"] = forms.ChoiceField(
                label=label, choices=LEVEL_CHOICES, required=False
            )

    def level_fields(self) -> list[forms.BoundField]:
        return [self[f"level_{kind}"] for kind in messages.LABELS]

    def service_data(self) -> dict:
        """Returns the cleaned data as ``services.save_preferences`` takes it."""
        data = dict(self.cleaned_data)
        kinds = {
            kind: data.pop(f"level_{kind}")
            for kind in messages.LABELS
            if data.get(f"level_{kind}")
        }
        for kind in messages.LABELS:
            data.pop(f"level_{kind}", None)
        return {**data, "kinds": kinds}
