from django import forms
from django.utils.translation import gettext_lazy as _

from talk.models import ANSWER_FIELDS, CheckIn, JournalEntry, Matter, ReviewNote

SCALE = [(n, str(n)) for n in range(1, 6)]


def _scale(label: str, low: str, high: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        coerce=int,
        choices=[(1, f"1 — {low}"), (2, "2"), (3, "3"), (4, "4"), (5, f"5 — {high}")],
        widget=forms.RadioSelect,
    )


class CheckInForm(forms.Form):
    """Four scales, three texts; every answer with its own "share" box."""

    mood = _scale(_("Mood"), _("low"), _("great"))
    mood_shared = forms.BooleanField(
        label=_("Share my mood"), required=False, initial=True
    )
    energy = _scale(_("Energy"), _("drained"), _("full"))
    energy_shared = forms.BooleanField(
        label=_("Share my energy"), required=False, initial=True
    )
    stress = _scale(_("Stress"), _("calm"), _("very stressed"))
    stress_shared = forms.BooleanField(
        label=_("Share my stress"), required=False, initial=True
    )
    connection = _scale(_("Feeling of connection"), _("far apart"), _("very close"))
    connection_shared = forms.BooleanField(
        label=_("Share how connected I feel"), required=False, initial=True
    )
    needs = forms.CharField(
        label=_("What I need"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    needs_shared = forms.BooleanField(
        label=_("Share what I need"), required=False, initial=True
    )
    wants = forms.CharField(
        label=_("What I want"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    wants_shared = forms.BooleanField(
        label=_("Share what I want"), required=False, initial=True
    )
    note = forms.CharField(
        label=_("A note (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note_shared = forms.BooleanField(
        label=_("Share the note"), required=False, initial=False
    )

    def __init__(self, *args, instance: CheckIn | None = None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                name: getattr(instance, name)
                for name in (*ANSWER_FIELDS, *(f"{n}_shared" for n in ANSWER_FIELDS))
            }
        super().__init__(*args, **kwargs)

    def pairs(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        """Returns each answer with its share box, for the template."""
        return [(self[name], self[f"{name}_shared"]) for name in ANSWER_FIELDS]

    def answers(self) -> dict:
        data = self.cleaned_data
        return {
            **{name: data[name] for name in ANSWER_FIELDS},
            "shared": {name for name in ANSWER_FIELDS if data[f"{name}_shared"]},
        }


class AftercareQuestions(forms.Form):
    """Asked with the check-in while a red signal holds everything."""

    prefix = "aftercare"
    feeling = _scale(_("How are you right now?"), _("very low"), _("good"))
    note = forms.CharField(
        label=_("Anything you need or want to say (your partner reads this)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    ready_to_resume = forms.BooleanField(
        label=_("I am ready to resume"), required=False
    )


class PromptForm(forms.Form):
    prompt_at = forms.TimeField(
        label=_("Ask me every day at"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    enabled = forms.BooleanField(
        label=_("Remind me every day"), required=False, initial=True
    )


class MatterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What is it?"),
        choices=[
            (Matter.Kind.REQUEST, _("A request — please may I …")),
            (Matter.Kind.QUESTION, _("A question")),
            (Matter.Kind.DECISION, _("A decision to make")),
        ],
        widget=forms.RadioSelect,
        initial=Matter.Kind.REQUEST,
    )
    title = forms.CharField(label=_("In one line"), max_length=160)
    body = forms.CharField(
        label=_("Details (optional, markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    decide_by = forms.DateTimeField(
        label=_("Decide by (optional)"),
        required=False,
        help_text=_("The clock stops while the dynamic is paused."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class LeaderRequestForm(forms.Form):
    title = forms.CharField(label=_("What are you asking for?"), max_length=160)
    body = forms.CharField(
        label=_("Details (optional, markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    domain = forms.CharField(
        label=_("Area of life (optional)"), max_length=60, required=False
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply (markdown)"), widget=forms.Textarea(attrs={"rows": 3})
    )


class DecideForm(forms.Form):
    decision = forms.CharField(
        label=_("Decision"), widget=forms.Textarea(attrs={"rows": 2})
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Every decision says why: it goes into the decisions log."),
    )


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[("accept", _("Accept")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Why (needed when you decline)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


PROMPTS = [
    _("What went well between us this week?"),
    _("Where did I miss a step?"),
    _("What do I need more of from you?"),
    _("A moment I felt close to you"),
    _("Something I found hard to say"),
    _("What I would like us to try"),
]


class EntryForm(forms.Form):
    prompt = forms.ChoiceField(
        label=_("A prompt to start from (optional)"),
        required=False,
        choices=[("", _("No prompt"))] + [(str(p), p) for p in PROMPTS],
    )
    title = forms.CharField(label=_("Title (optional)"), max_length=160, required=False)
    body = forms.CharField(
        label=_("Entry (markdown)"), widget=forms.Textarea(attrs={"rows": 10})
    )
    visibility = forms.ChoiceField(
        label=_("Who may read it"),
        choices=JournalEntry.Visibility.choices,
        widget=forms.RadioSelect,
        initial=JournalEntry.Visibility.PRIVATE,
    )


class EditEntryForm(EntryForm):
    prompt = None


class JournalCommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ReviewNoteForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("This is"),
        choices=ReviewNote.Kind.choices,
        widget=forms.RadioSelect,
        initial=ReviewNote.Kind.WENT_WELL,
    )
    body = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))
