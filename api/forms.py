from django import forms
from django.utils.translation import gettext_lazy as _

from api.models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=60,
        help_text=_("Where you will use it, e.g. “Phone shortcut”."),
    )
    scope = forms.ChoiceField(
        label=_("It may"),
        choices=[
            (ApiToken.Scope.READ, _("Read only")),
            (ApiToken.Scope.WRITE, _("Read and write (send signals, pause, …)")),
        ],
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect,
    )
