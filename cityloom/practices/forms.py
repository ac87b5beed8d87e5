import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from cityloom.core.axes import Axis
from cityloom.network.models import Region

from .models import CitySize, Compendium, Practice, Sdg, Transfer

User = get_user_model()

_FIGURE = re.compile(r"^(?P<label>[^:]+):\s*(?P<value>-?[\d.,\s]+?)\s*(?P<unit>[^\d\s.,].*)?$")


def parse_figures(text: str) -> list[dict]:
    """`Companies trained: 240` or `Paper saved: 35 %`, one per line, into label/value/unit."""
    figures = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        match = _FIGURE.match(line)
        value = None
        if match:
            raw = match["value"].replace(" ", "").replace("\u202f", "").replace(",", ".")
            try:
                value = Decimal(raw)
            except InvalidOperation:
                value = None
        if value is None:
            raise forms.ValidationError(
                _("Line %(line)d: write a figure as “label: number unit”, e.g. “Jobs created: 40”.")
                % {"line": number},
                code="figure",
            )
        figures.append(
            {
                "label": match["label"].strip(),
                "value": int(value) if value == value.to_integral() else float(value),
                "unit": (match["unit"] or "").strip(),
            }
        )
    return figures


def figures_text(figures: list[dict]) -> str:
    return "\n".join(f"{f['label']}: {f['value']} {f.get('unit', '')}".rstrip() for f in figures)


class DateInput(forms.DateInput):
    input_type = "date"


class PracticeForm(forms.ModelForm):
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=300,
        help_text=_("Comma separated, e.g. open data, e-commerce."),
    )
    sdgs = forms.TypedMultipleChoiceField(
        label=_("Sustainable Development Goals served"),
        choices=Sdg.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    figures = forms.CharField(
        label=_("Results in figures"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: label, colon, number and unit (“Companies trained: 240”)."),
    )

    class Meta:
        model = Practice
        fields = [
            "title",
            "summary",
            "axis",
            "language",
            "problem",
            "solution",
            "results",
            "cost_range",
            "partners",
            "started_on",
            "ended_on",
            "contact",
            "indicator_codes",
            "indicator_note",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "problem": forms.Textarea(attrs={"rows": 5}),
            "solution": forms.Textarea(attrs={"rows": 6}),
            "results": forms.Textarea(attrs={"rows": 4}),
            "partners": forms.Textarea(attrs={"rows": 2}),
            "indicator_note": forms.Textarea(attrs={"rows": 2}),
            "started_on": DateInput,
            "ended_on": DateInput,
        }
        help_texts = {
            "indicator_codes": _(
                "Codes of the Study indicators the practice moved, comma separated."
            ),
        }

    def __init__(self, *args, city, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = User.objects.filter(city=city).order_by("name", "email")
        if self.instance.pk:
            self.initial.setdefault("tags", ", ".join(t.name for t in self.instance.tags.all()))
            self.initial.setdefault("sdgs", [s.goal for s in self.instance.sdgs.all()])
            self.initial.setdefault("figures", figures_text(self.instance.figures))

    def clean_figures(self):
        return parse_figures(self.cleaned_data["figures"])

    def clean_tags(self):
        return [t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip()]

    def clean(self):
        data = super().clean()
        if (
            data.get("started_on")
            and data.get("ended_on")
            and data["ended_on"] < data["started_on"]
        ):
            self.add_error("ended_on", _("The end comes before the start."))
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        return {**{k: data[k] for k in self.Meta.fields}, "figures": data["figures"],
                "tags": data["tags"], "sdgs": data["sdgs"]}  # fmt: skip


class TranslationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"), max_length=1500, widget=forms.Textarea(attrs={"rows": 3})
    )
    problem = forms.CharField(
        label=_("Problem"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    solution = forms.CharField(
        label=_("Solution"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    results = forms.CharField(
        label=_("Results"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File (PDF, PNG or JPEG, 10 MB at most)"))
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)


SCORES = [(n, str(n)) for n in range(1, 6)]


class LabelReviewForm(forms.Form):
    relevance = forms.TypedChoiceField(label=_("Relevance"), choices=SCORES, coerce=int)
    evidence = forms.TypedChoiceField(label=_("Evidenced results"), choices=SCORES, coerce=int)
    transferability = forms.TypedChoiceField(label=_("Transferability"), choices=SCORES, coerce=int)
    comments = forms.CharField(
        label=_("Comments"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    award = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Award the label")), ("0", _("Do not award the label"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )


class TransferForm(forms.Form):
    started_on = forms.DateField(label=_("Started on"), widget=DateInput)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class TransferStageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=Transfer.Stage.choices)
    on = forms.DateField(label=_("Since"), widget=DateInput)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ConversationForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Message"), max_length=8000, widget=forms.Textarea(attrs={"rows": 6})
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"), max_length=8000, widget=forms.Textarea(attrs={"rows": 4})
    )


class CompendiumForm(forms.ModelForm):
    class Meta:
        model = Compendium
        fields = [
            "title",
            "title_fr",
            "title_es",
            "introduction",
            "introduction_fr",
            "introduction_es",
            "is_public",
        ]
        widgets = {
            f: forms.Textarea(attrs={"rows": 4})
            for f in ["introduction", "introduction_fr", "introduction_es"]
        }


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Words"), required=False, max_length=200)
    axis = forms.ChoiceField(
        label=_("Axis"), required=False, choices=[("", _("All")), *Axis.choices]
    )
    country = forms.CharField(label=_("Country"), required=False, max_length=2)
    region = forms.ChoiceField(
        label=_("Region"), required=False, choices=[("", _("All")), *Region.choices]
    )
    size = forms.ChoiceField(
        label=_("City size"), required=False, choices=[("", _("All")), *CitySize.choices]
    )
    sdg = forms.TypedChoiceField(
        label=_("Goal"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("All")), *Sdg.choices],
    )
    labelled = forms.TypedChoiceField(
        label=_("Label"),
        required=False,
        empty_value=None,
        coerce=lambda v: v == "1",
        choices=[("", _("All")), ("1", _("labelled")), ("0", _("not labelled"))],
    )
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("All")), *settings.LANGUAGES]
    )
    tag = forms.SlugField(required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("relevance", _("relevance")), ("date", _("date"))],
    )

    def params(self):
        from .search import SearchParams

        if not self.is_valid():
            return SearchParams()
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        return SearchParams(**data)
