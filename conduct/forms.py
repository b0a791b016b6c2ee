from django import forms
from django.utils.translation import gettext_lazy as _

from agreements.models import STARTER_DOMAINS
from conduct.models import Incident

Source = Incident.Source


class DeadlineInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self):
        super().__init__(format="%Y-%m-%dT%H:%M")


class ReportForm(forms.Form):
    source = forms.ChoiceField(
        label=_("What is it?"),
        choices=[
            (Source.BROKEN_RULE, _("A rule was broken")),
            (Source.MISSED_PROMISE, _("The leader missed a promise")),
            (Source.PRAISE, _("A moment worth praise")),
        ],
        widget=forms.RadioSelect,
        initial=Source.BROKEN_RULE,
    )
    about = forms.ChoiceField(
        label=_("Who is it about?"),
        choices=[("me", _("Me — I own it")), ("partner", _("My partner"))],
        widget=forms.RadioSelect,
        initial="me",
    )
    rule = forms.TypedChoiceField(
        label=_("Which rule (optional)"), coerce=int, required=False, empty_value=None
    )
    title = forms.CharField(
        label=_("What happened, in a few words"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the rule's words."),
    )
    note = forms.CharField(
        label=_("Anything to add (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, rules=(), **kwargs):
        super().__init__(*args, **kwargs)
        if rules:
            self.fields["rule"].choices = [("", _("— none —"))] + [
                (r.pk, r.text[:80]) for r in rules
            ]
        else:
            del self.fields["rule"]
            self.fields["title"].help_text = ""


class ReflectionForm(forms.Form):
    what_happened = forms.CharField(
        label=_("What happened"), widget=forms.Textarea(attrs={"rows": 3})
    )
    differently = forms.CharField(
        label=_("What I'll do differently"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ApologyForm(forms.Form):
    text = forms.CharField(
        label=_("Your apology"), widget=forms.Textarea(attrs={"rows": 3})
    )


class _TaskFields(forms.Form):
    task = forms.CharField(
        label=_("Something to do (optional)"),
        max_length=200,
        required=False,
        help_text=_(
            "With something to do, it goes on Today with a countdown and stays "
            "open until it is done."
        ),
    )
    task_due_at = forms.DateTimeField(
        label=_("Done by"), required=False, widget=DeadlineInput()
    )


def _choice(label: str) -> forms.IntegerField:
    """A radio choice validated by the service, not the form: whatever was
    shown, a stale or forged id gets the service's own message.
    """
    return forms.IntegerField(label=label, widget=forms.RadioSelect)


def _menu_choices(items) -> list[tuple[int, str]]:
    return [
        (c.pk, f"{c.name} — {c.description}" if c.description else c.name)
        for c in items
    ]


class ConsequenceForm(_TaskFields):
    consequence = _choice(_("Correction from the agreed menu"))
    # A CharField, not a ChoiceField: the service decides (custom areas too).
    task_domain = forms.CharField(
        label=_("Area of life of a task in your own words"),
        required=False,
        widget=forms.Select(choices=[("", "—"), *STARTER_DOMAINS]),
        help_text=_(
            "Leave the task blank for what the menu item says. Words of your "
            "own are imposed like any duty: only in an area delegated to you."
        ),
    )
    soft_limit_checked = forms.BooleanField(
        label=_("We checked in about it first"),
        required=False,
        help_text=_("Needed only when it touches a soft limit."),
    )
    task_reviewed = forms.BooleanField(
        label=_("I'll review it when it's done"),
        required=False,
        help_text=_("Then your approval closes it, not the tick alone."),
    )
    field_order = [
        "consequence",
        "task",
        "task_due_at",
        "task_domain",
        "task_reviewed",
        "soft_limit_checked",
    ]

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.offer(items)

    def offer(self, items) -> None:
        self.fields["consequence"].widget.choices = _menu_choices(items)


class RewardForm(_TaskFields):
    consequence = _choice(_("Reward from the agreed menu"))
    word = forms.CharField(label=_("A word with it (optional)"), required=False)
    field_order = ["consequence", "word", "task", "task_due_at"]

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.offer(items)

    def offer(self, items) -> None:
        self.fields["consequence"].widget.choices = _menu_choices(items)


class MakeItRightForm(_TaskFields):
    item = _choice(_("How I'll make it right"))
    field_order = ["item", "task", "task_due_at"]

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.offer(items)

    def offer(self, items) -> None:
        self.fields["item"].widget.choices = [(i.pk, i.name) for i in items]


class ForgiveForm(forms.Form):
    word = forms.CharField(
        label=_("A word of forgiveness"), widget=forms.Textarea(attrs={"rows": 2})
    )


class WordForm(forms.Form):
    word = forms.CharField(label=_("A word (optional)"), required=False)


class ScheduleForm(forms.Form):
    until = forms.DateTimeField(label=_("Come back to it on"), widget=DeadlineInput())


class DoneForm(forms.Form):
    pass


class ProposeItemForm(forms.Form):
    name = forms.CharField(
        label=_("What the leader would do to make a slip right"),
        max_length=120,
        help_text=_('e.g. "Plan the next date", "A handwritten note"'),
    )
    description = forms.CharField(
        label=_("Details (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
