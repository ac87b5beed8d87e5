from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Activity, Health, MentoringRequest, Methodology, Mode, Stage

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RequestForm(forms.Form):
    axes = MentoringRequest._meta.get_field("axes").formfield(label=_("Axes"))
    topics = forms.CharField(
        label=_("Topics"),
        max_length=300,
        required=False,
        help_text=_("A few words, e.g. public transport ticketing, open data."),
    )
    need = forms.CharField(
        label=_("The need, in your own words"), max_length=4000, widget=forms.Textarea
    )
    languages = MentoringRequest._meta.get_field("languages").formfield(
        label=_("Preferred working languages")
    )
    mode = forms.ChoiceField(
        label=_("Kind of help"),
        choices=Mode.choices,
        widget=forms.RadioSelect,
        initial=Mode.STRUCTURED,
    )
    starts_on = forms.DateField(label=_("From"), required=False, widget=DATE)
    ends_on = forms.DateField(label=_("Until"), required=False, widget=DATE)


class ProposeForm(forms.Form):
    mentor = forms.IntegerField(widget=forms.HiddenInput)


class AnswerForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Your answer"),
        choices=[("yes", _("Accept")), ("no", _("Decline"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    methodology = forms.ChoiceField(
        label=_("Methodology"), choices=Methodology.choices, initial=Methodology.CLASSIC
    )
    message = forms.CharField(
        label=_("Message to the city"), max_length=4000, required=False, widget=forms.Textarea
    )


class ObjectiveForm(forms.Form):
    title = forms.CharField(label=_("Objective"), max_length=300)
    indicator_code = forms.CharField(
        label=_("Study code"),
        max_length=80,
        required=False,
        help_text=_("An axis or indicator code of the Study; the baseline is then read from it."),
    )
    baseline = forms.FloatField(label=_("Baseline"), required=False)
    target = forms.FloatField(label=_("Target"), required=False)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=300)
    stage = forms.ChoiceField(
        label=_("Stage"), choices=[c for c in Stage.choices if c[0] != Stage.CLOSED]
    )
    due_on = forms.DateField(label=_("Due on"), widget=DATE)


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Activity.Kind.choices)
    happened_on = forms.DateField(label=_("Date"), widget=DATE)
    summary = forms.CharField(label=_("Summary"), max_length=4000, widget=forms.Textarea)
    link = forms.URLField(label=_("Link"), required=False, max_length=500)


class ReportForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Health.choices, widget=forms.RadioSelect)
    summary = forms.CharField(label=_("Report"), max_length=4000, widget=forms.Textarea)


class EvaluationForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        choices=[(i, str(i)) for i in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(label=_("Evaluation"), max_length=4000, widget=forms.Textarea)


class MessageForm(forms.Form):
    text = forms.CharField(label=_("Message"), max_length=4000, widget=forms.Textarea)


class CapacityForm(forms.Form):
    max_programmes = forms.IntegerField(
        label=_("Maximum concurrent programmes as mentor"), min_value=0, max_value=20
    )
