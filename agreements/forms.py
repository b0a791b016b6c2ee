from django import forms
from django.utils.translation import gettext_lazy as _

from agreements.models import (
    STARTER_DOMAINS,
    AgreementVersion,
    Consequence,
    Depth,
    Direction,
    ExplorationAnswer,
    ExplorationItem,
    Limit,
    SafewordSettings,
)

TAGS_HELP = _(
    "Comma-separated words, e.g. “public, pain”. Anything carrying a tag of a "
    "hard limit is refused."
)


class ProposeForm(forms.Form):
    start_from = forms.ChoiceField(
        label=_("Start the draft from"),
        choices=[
            ("current", _("the agreement in force")),
            ("starter", _("the starter template")),
        ],
        widget=forms.RadioSelect,
        initial="current",
    )


class DraftForm(forms.ModelForm):
    class Meta:
        model = AgreementVersion
        fields = [
            "review_on",
            "absence_days",
            "proof_retention_days",
            "titles_and_protocols",
            "weekly_review_day",
            "weekly_review_at",
        ]
        widgets = {
            "review_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "weekly_review_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "titles_and_protocols": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "review_on": _(
                "You are both reminded 14 and 3 days before. After it, authority "
                "pauses until you sign a renewed version."
            ),
            "proof_retention_days": _(
                "Photos sent as proof of a duty are deleted automatically this "
                "many days after they were taken (1 to 365)."
            ),
            "titles_and_protocols": _(
                "How you address each other, e.g. “Sir in private, first names in "
                "front of the children”."
            ),
            "weekly_review_day": _(
                "When you sit down for the weekly review; each of you is reminded "
                "then, in your own time zone. Empty: Sunday."
            ),
            "weekly_review_at": _("Empty: 18:00."),
        }


class DomainForm(forms.Form):
    key = forms.ChoiceField(label=_("Area of life"), required=False)
    name = forms.CharField(
        label=_("Name"),
        max_length=60,
        required=False,
        help_text=_("For an area of your own, e.g. “Garden” or “Studies”."),
    )
    depth = forms.ChoiceField(
        label=_("Depth"), choices=Depth.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, taken: set[str] | None = None, adding: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if adding:
            self.fields["key"].choices = [
                (key, name) for key, name in STARTER_DOMAINS if key not in (taken or ())
            ] + [("custom", _("Another area (name it below)"))]
        else:
            del self.fields["key"]
            self.fields["name"].help_text = ""


class RuleForm(forms.Form):
    domain = forms.ChoiceField(label=_("Area of life"))
    text = forms.CharField(
        label=_("Rule"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    suspended_when = forms.CharField(
        label=_("Not in force when (optional)"),
        max_length=200,
        required=False,
        help_text=_("e.g. “not when the children are home”, “not at work”"),
    )
    tags = forms.CharField(
        label=_("Tags (optional)"), max_length=200, required=False, help_text=TAGS_HELP
    )

    def __init__(self, *args, domains=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].choices = [(d.pk, d.name) for d in domains]


class LimitForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Limit.Kind.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(label=_("Limit"), max_length=200)
    tags = forms.CharField(
        label=_("Tags"),
        max_length=200,
        required=False,
        help_text=_(
            "Comma-separated words. Anything that carries one of a hard limit's "
            "tags is refused; without tags, the limit's own words are its tag."
        ),
    )


class ConsequenceForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Consequence.Kind.choices, widget=forms.RadioSelect
    )
    name = forms.CharField(label=_("Name"), max_length=80)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    size = forms.ChoiceField(
        label=_("Size"), choices=Consequence.Size.choices, widget=forms.RadioSelect
    )
    tags = forms.CharField(
        label=_("Tags (optional)"), max_length=200, required=False, help_text=TAGS_HELP
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    section = forms.CharField(widget=forms.HiddenInput, initial="general")
    item_id = forms.IntegerField(widget=forms.HiddenInput, required=False)


class SafewordForm(forms.ModelForm):
    class Meta:
        model = SafewordSettings
        fields = [
            "red_word",
            "red_gesture",
            "yellow_word",
            "yellow_gesture",
            "who_is_alerted",
            "follower_aftercare",
            "leader_aftercare",
        ]
        widgets = {
            "leader_aftercare": forms.Textarea(attrs={"rows": 3}),
            "follower_aftercare": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, editable: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name not in editable:
                field.disabled = True
                field.required = False


class AnswerForm(forms.Form):
    """One radio group per direction the idea can be answered in."""

    def __init__(self, *args, item: ExplorationItem, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("No answer yet")), *ExplorationAnswer.Answer.choices]
        for direction in item.directions:
            self.fields[direction] = forms.ChoiceField(
                label=Direction(direction).label
                if item.directional
                else _("Your answer"),
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
            )


class IdeaForm(forms.Form):
    text = forms.CharField(label=_("Idea"), max_length=200)
    directional = forms.BooleanField(
        label=_("One of us does it to or for the other"),
        required=False,
        help_text=_("Then each of you answers for “I do it” and “done to me”."),
    )


SECTION_FORMS = {
    "domains": DomainForm,
    "rules": RuleForm,
    "limits": LimitForm,
    "consequences": ConsequenceForm,
}
