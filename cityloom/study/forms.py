from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cityloom.network.models import Region

from .models import Edition
from .queries import size_choices


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
        weights = (edition.pipeline.get("aggregate") or {}).get("weights") or {}
        for node in self.axes:
            self.fields[f"weight_{node.pk}"] = forms.FloatField(
                label=_("Weight of %(axis)s") % {"axis": node.display_name},
                min_value=0,
                initial=weights.get(node.code, node.weight),
            )
        if not self.is_bound:
            p = edition.pipeline
            impute = p.get("impute")
            treat = p.get("treat")
            u = edition.uncertainty
            self.initial.update(
                impute=impute.get("stat", "mean") if isinstance(impute, dict) else "none",
                treat=isinstance(treat, dict),
                winmax=int(treat.get("winmax", 5)) if isinstance(treat, dict) else 5,
                normalise=(p.get("normalise") or {}).get("method", "minmax"),
                aggregate=(p.get("aggregate") or {}).get("method", "amean"),
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

    def pipeline(self) -> dict:
        d = self.cleaned_data
        out: dict = {}
        if d["impute"] != "none":
            out["impute"] = {"stat": d["impute"], "by": "column"}
        if d["treat"]:
            out["treat"] = {"winmax": d["winmax"], "skew": 2.0, "kurt": 3.5}
        method = d["normalise"]
        out["normalise"] = (
            {"method": "minmax", "lower": 0, "upper": 100}
            if method == "minmax"
            else {"method": method}
        )
        weights = {
            n.code: d[f"weight_{n.pk}"] for n in self.axes if d[f"weight_{n.pk}"] != n.weight
        }
        out["aggregate"] = {"method": d["aggregate"], **({"weights": weights} if weights else {})}
        return out

    def uncertainty(self) -> dict:
        d = self.cleaned_data
        return {
            "runs": d["runs"],
            "seed": d["seed"],
            "winmax": [1, 2, 3, 4, 5] if d["treat"] else [],
            "weights_noise": d["weights_noise"],
        }

    def calendar(self) -> dict:
        return {
            k: self.cleaned_data[k] for k in ("opens_on", "closes_on", "review_by", "publish_on")
        }
