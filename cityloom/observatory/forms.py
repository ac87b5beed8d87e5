import datetime as dt

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cityloom.core.axes import Axis

from .models import Publication, Source


class PublicationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    authors = forms.CharField(label=_("Authors"), max_length=300, required=False)
    publisher = forms.CharField(label=_("Publisher"), max_length=200, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2100, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    axes = Publication._meta.get_field("axes").formfield(label=_("Axes"))
    tags = forms.CharField(
        label=_("Tags"), max_length=300, required=False, help_text=_("Comma separated.")
    )
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    url = forms.URLField(label=_("Link"), required=False, assume_scheme="https", max_length=1000)
    pdf = forms.FileField(label=_("PDF (20 MB at most)"), required=False)

    def clean_tags(self):
        return [t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip()]

    def clean(self):
        data = super().clean()
        if not data.get("url") and not data.get("pdf"):
            raise forms.ValidationError(_("Give a link or upload the PDF."), code="no_document")
        return data


class SourceForm(forms.ModelForm):
    url = forms.URLField(label=_("Feed address"), max_length=500, assume_scheme="https")

    class Meta:
        model = Source
        fields = ["title", "url", "axis", "language", "poll_every_minutes"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        if not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError(_("The address must start with http:// or https://."))
        return url


class PublicationFilterForm(forms.Form):
    q = forms.CharField(label=_("Words"), required=False, max_length=200)
    axis = forms.ChoiceField(
        label=_("Axis"), required=False, choices=[("", _("All")), *Axis.choices]
    )
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("All")), *settings.LANGUAGES]
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2100)


class DateInput(forms.DateInput):
    """An `<input type="date">`: its value must be ISO (2024-11-01) whatever the page's language,
    or the browser shows it empty and refuses to submit; it displays it in the reader's format."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput)
    end = forms.DateField(label=_("Until"), widget=DateInput)
    bucket = forms.ChoiceField(
        label=_("Step"),
        choices=[("month", _("month")), ("quarter", _("quarter")), ("year", _("year"))],
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end <= start:
                raise forms.ValidationError(_("The period must end after it starts."))
            if end - start > dt.timedelta(days=366 * 20):
                raise forms.ValidationError(_("Choose a period of twenty years at most."))
        return data
