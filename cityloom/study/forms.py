from django import forms
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT, ManagementForm
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cityloom.network.models import Region

from .models import Edition, Questionnaire
from .queries import size_choices
from .services.editions import Method
from .services.questionnaire import Row


class RankingFilterForm(forms.Form):
    region = forms.ChoiceField(label=_("Region"), required=False)
    size = forms.ChoiceField(label=_("Size"), required=False)
    sort = forms.CharField(required=False, max_length=80)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("All")), *Region.choices]
        self.fields["size"].choices = [("", _("All")), *size_choices()]


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (XLSX or CSV)"),
        help_text=_("The template downloaded above, filled in; at most 1 MB."),
    )


class ReopenRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("What needs to change?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


IMPUTE = [
    ("none", pgettext_lazy("imputation", "none (missing data stays missing)")),
    ("mean", _("mean of the other cities")),
    ("median", _("median of the other cities")),
]
NORMALISE = [
    ("minmax", _("min-max, 0 to 100")),
    ("zscore", _("z-score (mean 0, standard deviation 1)")),
    ("prank", _("percentile rank")),
]
AGGREGATE = [
    ("amean", _("arithmetic mean")),
    ("median", _("weighted median")),
    ("gmean", _("geometric mean (positive scores only)")),
]


class MethodForm(forms.Form):
    """The engine's settings in words; turned into the pipeline mapping the engine reads."""

    impute = forms.ChoiceField(label=_("Missing values"), choices=IMPUTE)
    treat = forms.BooleanField(
        label=_("Treat outliers (winsorise, then log if still skewed)"), required=False
    )
    winmax = forms.IntegerField(
        label=_("At most this many points winsorised per indicator"), min_value=0, max_value=50
    )
    normalise = forms.ChoiceField(label=_("Normalisation"), choices=NORMALISE)
    aggregate = forms.ChoiceField(label=_("Aggregation"), choices=AGGREGATE)
    runs = forms.IntegerField(label=_("Uncertainty analysis: runs"), min_value=0, max_value=2000)
    seed = forms.IntegerField(label=_("Uncertainty analysis: seed"), min_value=0)
    weights_noise = forms.FloatField(
        label=_("Uncertainty analysis: weight noise (share)"), min_value=0, max_value=1
    )
    base_edition = forms.ModelChoiceField(
        label=_("Base edition for progress"), queryset=Edition.objects.none(), required=False
    )
    opens_on = forms.DateField(
        label=_("Opens on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    closes_on = forms.DateField(
        label=_("Closes on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    review_by = forms.DateField(
        label=_("Review by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    publish_on = forms.DateField(
        label=_("Publication planned on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, edition: Edition, **kwargs):
        self.edition = edition
        super().__init__(*args, **kwargs)
        self.fields["base_edition"].queryset = Edition.objects.filter(
            commission_id=edition.commission_id, year__lt=edition.year
        )
        self.axes = list(edition.framework.nodes.top().order_by("position"))
        method = Method.from_pipeline(edition.pipeline)
        for node in self.axes:
            self.fields[f"weight_{node.pk}"] = forms.FloatField(
                label=_("Weight — %(axis)s") % {"axis": node.display_name},
                min_value=0,
                initial=method.weights.get(node.code, node.weight),
            )
        if not self.is_bound:
            u = edition.uncertainty
            self.initial.update(
                impute=method.impute,
                treat=method.treat,
                winmax=method.winmax,
                normalise=method.normalise,
                aggregate=method.aggregate,
                runs=u.get("runs", 0),
                seed=u.get("seed", edition.year),
                weights_noise=u.get("weights_noise", 0.25),
                base_edition=edition.base_edition_id,
                opens_on=edition.opens_on,
                closes_on=edition.closes_on,
                review_by=edition.review_by,
                publish_on=edition.publish_on,
            )

    def axis_fields(self):
        return [self[f"weight_{node.pk}"] for node in self.axes]

    def other_fields(self):
        return [f for f in self if not f.name.startswith("weight_")]

    def method(self) -> Method:
        d = self.cleaned_data
        weights = {
            n.code: d[f"weight_{n.pk}"] for n in self.axes if d[f"weight_{n.pk}"] != n.weight
        }
        return Method(
            impute=d["impute"],
            treat=d["treat"],
            winmax=d["winmax"],
            normalise=d["normalise"],
            aggregate=d["aggregate"],
            weights=weights,
        )

    def pipeline(self) -> dict:
        return self.method().to_pipeline()

    def uncertainty(self) -> dict:
        d = self.cleaned_data
        return {
            "runs": d["runs"],
            "seed": d["seed"],
            "winmax": self.method().uncertainty_winmax(),
            "weights_noise": d["weights_noise"],
        }

    def calendar(self) -> dict:
        return {
            k: self.cleaned_data[k] for k in ("opens_on", "closes_on", "review_by", "publish_on")
        }


# The questionnaire page: one form per indicator row, one per open question of an axis.


class _KeyedForm(forms.Form):
    """A form whose inputs are named `<field>-<key>` (`value-12`), as the page's inputs are.

    Only what was posted counts: a row the person may not change has no inputs on the page.
    The fields check no more than Django's own rules (no NUL character): the questionnaire
    service checks every value and link, with its messages, whichever way (page,
    spreadsheet) they came in.
    """

    def add_prefix(self, field_name: str) -> str:
        return f"{field_name}-{self.prefix}" if self.prefix else field_name

    @property
    def is_posted(self) -> bool:
        return self.add_prefix(self.key_field) in self.data


class IndicatorRowForm(_KeyedForm):
    key_field = "value"

    value = forms.CharField(required=False, strip=False)
    year = forms.CharField(required=False, strip=False)
    source = forms.CharField(required=False, strip=False)
    note = forms.CharField(required=False, strip=False)
    url = forms.CharField(required=False)
    file = forms.FileField(required=False, allow_empty_file=True)

    def row(self) -> Row:
        data = self.cleaned_data
        return Row(
            value=data["value"],
            year=data["year"],
            source=data["source"],
            note=data["note"],
            evidence_url=data["url"],
            evidence_file=data["file"],
        )


class AxisAnswerForm(_KeyedForm):
    key_field = "answer"

    answer = forms.CharField(required=False, strip=False)
    link = forms.CharField(required=False)


class _KeyedFormSet(forms.BaseFormSet):
    """One form per key, the keys known here: the browser sends no management form."""

    def __init__(self, data=None, files=None, *, keys: list[str]):
        self.keys = keys
        super().__init__(data, files)
        # Every indicator of the framework has its row, however long the framework.
        self.absolute_max = max(self.absolute_max, len(keys))

    def add_prefix(self, index) -> str:
        return self.keys[index] if index is not None else "__prefix__"

    @cached_property
    def management_form(self):
        # The number of rows is the framework's, never a number the browser could change.
        n = len(self.keys)
        return ManagementForm(
            {
                f"{self.prefix}-{TOTAL_FORM_COUNT}": n,
                f"{self.prefix}-{INITIAL_FORM_COUNT}": n,
            },
            prefix=self.prefix,
        )

    def posted(self) -> list[forms.Form]:
        return [form for form in self.forms if form.is_posted]


IndicatorFormSet = forms.formset_factory(IndicatorRowForm, formset=_KeyedFormSet, extra=0)
AnswerFormSet = forms.formset_factory(AxisAnswerForm, formset=_KeyedFormSet, extra=0)

ANSWER_KINDS = ("actions", "experience")


class QuestionnaireForms:
    """The posted indicator rows and open answers of a questionnaire, as the service takes them."""

    def __init__(self, questionnaire: Questionnaire, data, files):
        nodes = list(questionnaire.edition.framework.nodes.all())
        indicators = [n for n in nodes if n.is_indicator]
        axes = [n for n in nodes if not n.is_indicator and n.parent_id is None]
        self.codes = {str(n.pk): n.code for n in indicators}
        self.rows = IndicatorFormSet(data, files, keys=[str(n.pk) for n in indicators])
        self.answers = AnswerFormSet(
            data, files, keys=[f"{n.pk}-{kind}" for n in axes for kind in ANSWER_KINDS]
        )

    def is_valid(self) -> bool:
        # Both, so that every error is known at once.
        return all([self.rows.is_valid(), self.answers.is_valid()])

    def errors(self) -> dict[str, list[str]]:
        """{indicator code or answer key: messages}, as QuestionnaireError.by_key() gives them."""
        out: dict[str, list[str]] = {}
        for form in self.rows.forms:
            for messages in form.errors.values():
                out.setdefault(self.codes[form.prefix], []).extend(messages)
        for form in self.answers.forms:
            for messages in form.errors.values():
                out.setdefault(f"answer-{form.prefix}", []).extend(messages)
        return out

    def cleaned(self) -> tuple[dict[str, Row], dict[tuple[int, str], tuple[str, str]]]:
        """The rows by indicator code and the answers by (axis node id, kind)."""
        rows = {self.codes[form.prefix]: form.row() for form in self.rows.posted()}
        answers = {}
        for form in self.answers.posted():
            pk, kind = form.prefix.split("-", 1)
            answers[(int(pk), kind)] = (form.cleaned_data["answer"], form.cleaned_data["link"])
        return rows, answers
