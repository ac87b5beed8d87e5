"""The living report of an edition: method, participation, results, profiles, progress, experiences."""

from collections import Counter
from typing import Any

from django.utils.translation import gettext as _

from cityloom.core import charts
from cityloom.network.models import Region

from . import queries
from .forms import AGGREGATE, IMPUTE, NORMALISE
from .models import Edition
from .services.computation import describe


def method_lines(pipeline: dict, uncertainty: dict) -> list[str]:
    """The computation method in words, from the stored engine settings."""
    lines = []
    impute = pipeline.get("impute")
    stat = impute.get("stat") if isinstance(impute, dict) else "none"
    lines.append(_("Missing values: %(how)s.") % {"how": dict(IMPUTE).get(stat, stat)})
    treat = pipeline.get("treat")
    if isinstance(treat, dict):
        lines.append(
            _(
                "Outliers: up to %(winmax)s points winsorised per indicator, then a log transform if the indicator is still skewed (yes/no, category and survey answers are not treated)."
            )
            % {"winmax": treat.get("winmax", 5)}
        )
    else:
        lines.append(_("Outliers: not treated."))
    method = (pipeline.get("normalise") or {}).get("method", "minmax")
    lines.append(
        _("Normalisation: %(how)s, higher is always better.")
        % {"how": dict(NORMALISE).get(method, method)}
    )
    aggregate = pipeline.get("aggregate") or {}
    how = dict(AGGREGATE).get(aggregate.get("method", "amean"), aggregate.get("method"))
    lines.append(
        _(
            "Aggregation: %(how)s of indicators into factors, factors into axes, axes into the overall score."
        )
        % {"how": how}
    )
    if aggregate.get("weights"):
        weights = ", ".join(f"{k} {v:g}" for k, v in aggregate["weights"].items())
        lines.append(_("Weights changed from equal: %(weights)s.") % {"weights": weights})
    if uncertainty.get("runs"):
        lines.append(
            _(
                "Uncertainty: the index was rebuilt %(runs)s times with other outlier settings and weights varied by ±%(noise)s %%; the rank interval is the 5th to 95th percentile of the ranks."
            )
            % {
                "runs": uncertainty["runs"],
                "noise": round(100 * float(uncertainty.get("weights_noise") or 0)),
            }
        )
    return lines


def report_context(edition: Edition) -> dict[str, Any]:
    computation = edition.published_computation
    structure = queries.Structure.of(computation)
    rows = queries.ranking(computation)
    full = {r.city.geonames_id: r for r in computation.results.select_related("city")}
    top = structure.top
    low, high = queries.score_range(rows, [g["code"] for g in top])
    axis_labels = [queries.label(g) for g in top]
    by_axis = []
    for g in top:
        ranked = sorted(
            (r for r in rows if r.groups.get(g["code"]) is not None),
            key=lambda r: r.group_ranks.get(g["code"]),
        )
        by_axis.append(
            {
                "label": queries.label(g),
                "rows": [
                    (r.city.name, r.groups[g["code"]], r.group_ranks[g["code"]])
                    for r in ranked[:10]
                ],
            }
        )
    profiles = []
    for r in rows:
        values = [r.groups.get(g["code"]) for g in top]
        profiles.append(
            {
                "result": r,
                "radar": charts.radar(
                    axis_labels,
                    [(r.city.name, values)],
                    label=_("Scores of %(city)s on each axis") % {"city": r.city.name},
                    low=low,
                    high=high,
                ),
                "values": list(zip(axis_labels, values, strict=True)),
                "change": queries.progress(full[r.city.geonames_id]),
            }
        )
    regions = Counter(r.city.region for r in rows)
    experiences: dict[str, list] = {}
    for answer in queries.good_experiences(edition):
        experiences.setdefault(answer.group.display_name, []).append(answer)
    return {
        "edition": edition,
        "computation": computation,
        "method": method_lines(
            computation.snapshot.get("pipeline", {}), computation.snapshot.get("uncertainty", {})
        ),
        "n_invited": edition.questionnaires.count(),
        "n_cities": len(rows),
        "regions": [(dict(Region.choices).get(k, k), n) for k, n in sorted(regions.items())],
        "rows": rows,
        "top": [(g["code"], queries.label(g)) for g in top],
        "by_axis": by_axis,
        "profiles": profiles,
        "base_year": next(
            (
                p["change"] and full[p["result"].city.geonames_id].comparable.get("base_year")
                for p in profiles
                if p["change"]
            ),
            None,
        ),
        "basis": computation.comparable_basis,
        "experiences": experiences,
        "notes": [describe(n) for n in computation.notes],
    }
