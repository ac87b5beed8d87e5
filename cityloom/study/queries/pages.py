"""What the edition's page and a city's profile show, charts included."""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from cityloom.core import charts
from cityloom.study.models import CityResult, Computation, Edition
from cityloom.study.services.computation import describe

from .results import (
    RankedRow,
    Structure,
    answer_shares,
    label,
    progress,
    ranking,
    score_range,
    scores_on_axis,
    trajectory,
)


@dataclass
class EditionResults:
    """The ranking of an edition's page, its distributions, answer shares and notes."""

    rows: list[RankedRow]
    sort: str
    sort_label: str
    top: list[tuple[str, str]]
    distributions: str
    notes: list[str]
    shares: list[dict[str, Any]]


def edition_results(
    edition: Edition,
    computation: Computation,
    structure: Structure,
    *,
    region: str = "",
    size: str = "",
    sort: str = "",
) -> EditionResults:
    """The ranking filtered and sorted (an unknown axis sorts overall), with its charts."""
    sort = sort or "overall"
    if sort != "overall" and sort not in {g["code"] for g in structure.top}:
        sort = "overall"
    rows = ranking(computation, region=region, size=size, sort=sort)
    low, high = score_range(rows, [g["code"] for g in structure.top])
    distributions = charts.strips(
        [(label(g), scores_on_axis(rows, g["code"]), None) for g in structure.top],
        label=_("Distribution of the scores per axis"),
        low=low,
        high=high,
    )
    return EditionResults(
        rows=rows,
        sort=sort,
        sort_label=label(structure.groups[sort]) if sort != "overall" else "",
        top=[(g["code"], label(g)) for g in structure.top],
        distributions=distributions,
        notes=[describe(n) for n in computation.notes],
        shares=[
            {
                **s,
                "chart": charts.share_bar(
                    s["lines"][0]["shares"], label=s["question"].display_name
                ),
            }
            for s in answer_shares(edition)
            if s["lines"]
        ],
    )


@dataclass
class _Scores:
    score: float | None
    axes: dict


@dataclass
class CityProfile:
    """A city's results in an edition: its axes beside the mean, factors, progress, trajectory."""

    result: CityResult
    radar: str
    radar_rows: list[tuple[str, float | None, float | None]]
    axes: list[dict[str, Any]]
    distribution: str
    progress_rows: list[tuple[str, float | None]]
    base_year: int | None
    basis: str
    trajectory: dict[str, Any] | None
    trajectory_chart: str | None
    n_cities: int


def city_profile(
    edition: Edition, computation: Computation, structure: Structure, city
) -> CityProfile | None:
    """The city's profile in this computation, or None when the city has no result in it."""
    result = computation.results.select_related("city").filter(city=city).first()
    if result is None:
        return None
    all_rows = [
        _Scores(score=score, axes=axes)
        for score, axes in computation.results.values_list("score", "axes")
    ]
    top = structure.top
    low, high = score_range(all_rows, [g["code"] for g in top])
    means = []
    for g in top:
        values = scores_on_axis(all_rows, g["code"])
        means.append(sum(values) / len(values) if values else None)
    axis_labels = [label(g) for g in top]
    mine = [result.groups.get(g["code"]) for g in top]
    radar = charts.radar(
        axis_labels,
        [(city.name, mine), (_("Average of the cities"), means)],
        label=_("Scores of %(city)s on each axis") % {"city": city.name},
        low=low,
        high=high,
    )
    axes = []
    for g, mean in zip(top, means, strict=True):
        factors = [
            (label(f), result.groups.get(f["code"]), result.group_ranks.get(f["code"]))
            for f in structure.children.get(g["code"], [])
        ]
        axes.append(
            {
                "code": g["code"],
                "label": label(g),
                "score": result.groups.get(g["code"]),
                "rank": result.group_ranks.get(g["code"]),
                "mean": mean,
                "factors": factors,
                "chart": charts.bars(
                    [(f[0], f[1]) for f in factors], label=label(g), low=low, high=high
                )
                if factors
                else None,
            }
        )
    distribution = charts.strips(
        [
            (label(g), scores_on_axis(all_rows, g["code"]), result.groups.get(g["code"]))
            for g in top
        ],
        label=_("%(city)s among the other cities, per axis") % {"city": city.name},
        low=low,
        high=high,
    )
    change = progress(result)
    progress_rows = []
    if change is not None:
        progress_rows = [(_("Overall"), change.get(""))] + [
            (label(g), change.get(g["code"])) for g in top if g["code"] in change
        ]
    path = trajectory(edition, city.pk)
    trajectory_chart = None
    if path:
        years = [y for y, _s in path["points"]]
        series = [(_("Overall"), [p.get("") for _y, p in path["points"]])] + [
            (label(g), [p.get(g["code"]) for _y, p in path["points"]]) for g in top
        ]
        trajectory_chart = charts.trajectory(
            years, series, label=_("Trajectory of %(city)s across editions") % {"city": city.name}
        )
        path["series"] = series
        path["years"] = years
    return CityProfile(
        result=result,
        radar=radar,
        radar_rows=list(zip(axis_labels, mine, means, strict=True)),
        axes=axes,
        distribution=distribution,
        progress_rows=progress_rows,
        base_year=(result.comparable or {}).get("base_year"),
        basis=computation.comparable_basis,
        trajectory=path,
        trajectory_chart=trajectory_chart,
        n_cities=len(all_rows),
    )
