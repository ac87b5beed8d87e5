import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cityloom.core.axes import Axis

from . import cadences
from .models import Deliverable, Project


class DateInput(forms.DateInput):
    input_type = "date"


class TimeInput(forms.TimeInput):
    input_type = "time"


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    question = forms.CharField(
        label=_("Question the project answers"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    axis = forms.ChoiceField(label=_("Axis"), choices=Axis.choices)
    commission = forms.ModelChoiceField(label=_("Commission"), queryset=None)
    lead_city = forms.ModelChoiceField(label=_("Lead city"), queryset=None, required=False)
    methodology = forms.CharField(
        label=_("Methodology"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    status = forms.ChoiceField(label=_("Status"), choices=Project.Status.choices)
    starts_on = forms.DateField(label=_("Start date"), widget=DateInput, required=False)
    language = forms.ChoiceField(
        label=_("Language of the texts"), choices=Project._meta.get_field("language").choices
    )
    interested = forms.ModelMultipleChoiceField(
        label=_("Cities interested"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, commissions, cities, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commission"].queryset = commissions
        self.fields["lead_city"].queryset = cities
        if editing:
            del self.fields["commission"]
            del self.fields["interested"]
        else:
            self.fields["interested"].queryset = cities


class JoinForm(forms.Form):
    message = forms.CharField(
        label=_("Why your city wants to take part"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ProposeForm(forms.Form):
    title = forms.CharField(label=_("Title of the project"), max_length=200)
    axis = forms.ChoiceField(label=_("Axis"), choices=Axis.choices)
    commission = forms.ModelChoiceField(label=_("Commission"), queryset=None)
    message = forms.CharField(
        label=_("The question it answers and how the cities would work"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, commissions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commission"].queryset = commissions


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("accept", pgettext_lazy("join request decision", "Accept")),
            ("decline", pgettext_lazy("join request decision", "Decline")),
        ],
        widget=forms.RadioSelect,
    )


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Your city's answer"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 4})
    )


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task for each city"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    due_on = forms.DateField(label=_("Due on"), widget=DateInput, required=False)


def _time_zone_choices():
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class ActivityForm(forms.Form):
    title = forms.CharField(label=_("Activity"), max_length=200)
    first_on = forms.DateField(label=_("First occurrence"), widget=DateInput)
    at = forms.TimeField(label=_("Local time"), widget=TimeInput)
    every_months = forms.IntegerField(
        label=_("Every how many months"), min_value=1, max_value=36, required=False
    )
    count = forms.IntegerField(
        label=_("How many times"), min_value=1, max_value=100, required=False
    )
    rrule = forms.CharField(
        label=_("Or an iCalendar rule"),
        max_length=500,
        required=False,
        help_text=_("For example FREQ=MONTHLY;INTERVAL=4;COUNT=5"),
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=_time_zone_choices)
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=15, max_value=24 * 60, initial=90
    )
    online_url = forms.URLField(
        label=_("Online meeting link"), required=False, assume_scheme="https"
    )
    agenda = forms.CharField(
        label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def clean(self):
        data = super().clean()
        if not data.get("every_months") and not data.get("rrule"):
            raise forms.ValidationError(_("Give a cadence: every how many months, or a rule."))
        return data


class CadenceForm(forms.Form):
    from_on = forms.DateField(label=_("New cadence from"), widget=DateInput)
    every_months = forms.IntegerField(
        label=_("Every how many months"), min_value=1, max_value=36, required=False
    )
    count = forms.IntegerField(
        label=_("How many times"), min_value=1, max_value=100, required=False
    )
    rrule = forms.CharField(label=_("Or an iCalendar rule"), max_length=500, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("every_months") and not data.get("rrule"):
            raise forms.ValidationError(_("Give a cadence: every how many months, or a rule."))
        return data


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    on = forms.DateField(label=_("Date"), widget=DateInput)


class DeliverableForm(forms.Form):
    title = forms.CharField(label=_("Deliverable"), max_length=200)
    due_months = forms.IntegerField(
        label=_("Due within (months of the start)"), min_value=1, max_value=120, required=False
    )
    due_on = forms.DateField(label=_("Or due on"), widget=DateInput, required=False)
    owner_city = forms.ModelChoiceField(label=_("Owner city"), queryset=None, required=False)

    def __init__(self, *args, cities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_city"].queryset = cities


class DeliverableStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Deliverable.Status.choices)
    owner_city = forms.ModelChoiceField(label=_("Owner city"), queryset=None, required=False)

    def __init__(self, *args, cities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_city"].queryset = cities


class TemplateForm(forms.Form):
    template = forms.ChoiceField(label=_("Cadence template"), choices=cadences.choices)


class LeaveForm(forms.Form):
    city = forms.ModelChoiceField(label=_("City leaving"), queryset=None)
    reassign_to = forms.ModelChoiceField(
        label=_("Its open deliverables go to"),
        queryset=None,
        required=False,
        help_text=_("Leave empty to flag them as needing a new owner."),
    )

    def __init__(self, *args, cities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = cities
        self.fields["reassign_to"].queryset = cities


class MinutesForm(forms.Form):
    agenda = forms.CharField(
        label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    minutes = forms.CharField(
        label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 10}), required=False
    )
