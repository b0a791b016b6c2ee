from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from agreements.models import STARTER_DOMAINS
from duties import clock
from duties.models import Duty
from duties.services import DutySpec
from dynamics.models import Pause, Role

REPEAT_CHOICES = [
    ("daily", _("Every day")),
    ("weekdays", _("Weekdays (Monday to Friday)")),
    ("weekly", _("Weekly, on the days below")),
    ("monthly", _("Monthly, on the day below")),
    ("custom", _("A recurrence rule (RFC 5545)")),
]
DAY_CHOICES = list(
    zip(
        clock.WEEKDAYS,
        [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")],
        strict=True,
    )
)


class DutyForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What is it?"),
        choices=[
            (Duty.Kind.RITUAL, _("A ritual (it repeats)")),
            (Duty.Kind.TASK, _("A task (once, with a deadline)")),
        ],
        widget=forms.RadioSelect,
        initial=Duty.Kind.RITUAL,
    )
    title = forms.CharField(label=_("Title"), max_length=120)
    instructions = forms.CharField(
        label=_("Instructions (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    domain = forms.ChoiceField(label=_("Area of life"), choices=STARTER_DOMAINS)
    assignee_role = forms.ChoiceField(
        label=_("Who does it?"),
        choices=[
            (Role.FOLLOWER, _("My partner")),
            (Role.LEADER, _("I do (a promise)")),
        ],
        widget=forms.RadioSelect,
        initial=Role.FOLLOWER,
    )
    # Ritual
    repeat = forms.ChoiceField(
        label=_("Repeats"), choices=REPEAT_CHOICES, initial="daily", required=False
    )
    days = forms.MultipleChoiceField(
        label=_("Days of the week"),
        choices=DAY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    month_day = forms.IntegerField(
        label=_("Day of the month (-1 for the last)"),
        min_value=-1,
        max_value=31,
        required=False,
    )
    rule = forms.CharField(
        label=_("Recurrence rule"),
        required=False,
        help_text=_("e.g. FREQ=WEEKLY;INTERVAL=2;BYDAY=SA"),
    )
    at = forms.TimeField(
        label=_("Time of day (your partner's local time)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    starts_on = forms.DateField(
        label=_("First day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    window_minutes = forms.IntegerField(
        label=_("Opens this many minutes before"), min_value=0, initial=60
    )
    grace_minutes = forms.IntegerField(
        label=_("Grace after due, in minutes"), min_value=0, initial=0
    )
    # Task
    due_at = forms.DateTimeField(
        label=_("Deadline"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    opens_at = forms.DateTimeField(
        label=_("Not before (optional)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    needs_note = forms.BooleanField(label=_("Needs a note as proof"), required=False)
    needs_photo = forms.BooleanField(label=_("Needs a photo as proof"), required=False)
    view_once = forms.BooleanField(
        label=_("The photo may be viewed once, then it is deleted"), required=False
    )
    reviewed = forms.BooleanField(
        label=_("I review it (approve or return with a note)"), required=False
    )
    suspended_when = forms.ChoiceField(
        label=_("Off the clock when"),
        required=False,
        choices=[("", _("Never: always on the clock"))],
        help_text=_(
            "A context named by the agreement's rules. While you say it is in "
            "effect (Pauses), this duty is excused and its countdown waits."
        ),
    )

    def __init__(
        self,
        *args,
        domains: list[tuple[str, str]] | None = None,
        contexts: list[tuple[str, str]] | None = None,
        **kw,
    ):
        super().__init__(*args, **kw)
        if domains:
            self.fields["domain"].choices = domains
        self.fields["suspended_when"].choices += contexts or []

    def clean(self) -> dict:
        data = super().clean()
        if data.get("kind") == Duty.Kind.RITUAL:
            repeat = data.get("repeat") or "daily"
            try:
                data["rule"] = {
                    "daily": clock.daily_rule,
                    "weekdays": clock.weekdays_rule,
                    "weekly": lambda: clock.weekly_rule(data.get("days") or []),
                    "monthly": lambda: clock.monthly_rule(data.get("month_day") or 0),
                    "custom": lambda: clock.check_rule(data.get("rule") or ""),
                }[repeat]()
            except ValueError as error:
                field = {"weekly": "days", "monthly": "month_day"}.get(repeat, "rule")
                self.add_error(field, str(error))
        return data

    def spec(self) -> DutySpec:
        d = self.cleaned_data
        return DutySpec(
            kind=d["kind"],
            title=d["title"],
            domain=d["domain"],
            assignee_role=d["assignee_role"],
            instructions=d["instructions"],
            needs_note=d["needs_note"],
            needs_photo=d["needs_photo"],
            view_once=d["view_once"],
            reviewed=d["reviewed"],
            rule=d.get("rule") or "",
            at=d.get("at"),
            starts_on=d.get("starts_on"),
            window=timedelta(minutes=d["window_minutes"]),
            grace=timedelta(minutes=d["grace_minutes"]),
            due_at=d.get("due_at"),
            opens_at=d.get("opens_at"),
            suspended_when=d.get("suspended_when") or "",
        )


class CompleteForm(forms.Form):
    done_earlier = forms.DateTimeField(
        label=_("Done earlier? When (optional)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Forgot to tick it? Say when you did it, up to 24 hours back."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Note (needed to return it)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ScheduledPauseForm(forms.Form):
    context = forms.ChoiceField(
        label=_("Whose clocks stop"),
        required=False,
        choices=[("", _("Every clock"))],
        help_text=_("Or only the duties linked to a context of the agreement's rules."),
    )
    reason = forms.ChoiceField(
        label=_("Why"),
        choices=[c for c in Pause.Reason.choices if c[0] != Pause.Reason.RED],
        initial=Pause.Reason.FAMILY,
    )
    repeats = forms.BooleanField(label=_("Every week"), required=False)
    days = forms.MultipleChoiceField(
        label=_("On"),
        choices=DAY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    starts_at = forms.DateTimeField(
        label=_("From"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def __init__(self, *args, contexts: list[tuple[str, str]] | None = None, **kw):
        super().__init__(*args, **kw)
        self.fields["context"].choices += contexts or []
        if not contexts:
            del self.fields["context"]
