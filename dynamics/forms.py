from django import forms
from django.utils.translation import gettext_lazy as _

from dynamics.models import Aftercare, Pause, Role


class DynamicForm(forms.Form):
    role = forms.ChoiceField(
        label=_("In this dynamic, I"),
        choices=[(Role.LEADER, _("lead")), (Role.FOLLOWER, _("follow"))],
        widget=forms.RadioSelect,
    )
    my_title = forms.CharField(
        label=_("My title"), max_length=40, help_text=_("e.g. Sir, Mistress, Lead, pet")
    )
    partner_title = forms.CharField(label=_("My partner's title"), max_length=40)
    name = forms.CharField(
        label=_("A name for this dynamic (optional)"), max_length=80, required=False
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Send the link to this e-mail too (optional)"),
        required=False,
        help_text=_(
            "Only this address can then accept. Leave empty to just copy the link."
        ),
    )


class PauseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why are you pausing?"),
        choices=[c for c in Pause.Reason.choices if c[0] != Pause.Reason.RED],
        widget=forms.RadioSelect,
        initial=Pause.Reason.BREAK,
    )


class AftercareForm(forms.ModelForm):
    feeling = forms.TypedChoiceField(
        label=_("How are you right now?"),
        coerce=int,
        choices=[
            (1, _("1 — very low")),
            (2, "2"),
            (3, "3"),
            (4, "4"),
            (5, _("5 — good")),
        ],
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Aftercare
        fields = ["feeling", "note", "ready_to_resume"]
        widgets = {"note": forms.Textarea(attrs={"rows": 4})}
