"""Reads of an edition's results: rankings, scores per axis, progress, answer shares."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext as _

from cityloom.core.axes import Axis
from cityloom.network.models import Region
from cityloom.study.models import (
    Answer,
    CityResult,
    Computation,
    Edition,
    Node,
    Questionnaire,
    Value,
)
from cityloom.study.names import LocalName, local_name

SIZES = [
    ("small", 0, 250_000),
    ("medium", 250_000, 1_000_000),
    ("large", 1_000_000, 5_000_000),
    ("very_large", 5_000_000, None),
]


def size_choices() -> list[tuple[str, str]]:
    return [
        ("small", _("under 250,000 inhabitants")),
        ("medium", _("250,000 to 1 million")),
        ("large", _("1 to 5 million")),
        ("very_large", _("over 5 million")),
    ]


def size_of(population: int) -> str:
    for key, low, high in SIZES:
        if population >= low and (high is None or population < high):
            return key
    return "small"


def label(item: dict) -> LocalName:
    """A structure entry's own name in the reader's language, else the original (its `lang`)."""
    return local_name(item)


def editions_for(user) -> list[Edition]:
    """Published editions, plus every edition of the commissions the user runs."""
    from cityloom.network.permissions import secretariat_commissions

    visible = Q(status=Edition.Status.PUBLISHED)
    if user.is_authenticated:
        visible |= Q(commission__in=secretariat_commissions(user))
    return list(
        Edition.objects.filter(visible)
        .select_related("framework", "commission")
        .annotate(n_cities=Count("questionnaires", distinct=True))
        .order_by("-year")
    )


def results_computation(edition: Edition, *, preview: bool = False) -> Computation | None:
    """The published computation, or for the secretariat's preview the latest successful one."""
    if edition.published_computation_id and not preview:
        return edition.published_computation
    if preview:
        return edition.computations.filter(status=Computation.Status.DONE).defer("snapshot").first()
    return None


@dataclass
class Structure:
    """Names and tree of a computation's groups, read from its stored structure."""

    raw: dict[str, Any]
    groups: dict[str, dict] = field(default_factory=dict)
    top: list[dict] = field(default_factory=list)
    children: dict[str | None, list[dict]] = field(default_factory=dict)
    indicators: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def of(cls, computation: Computation) -> "Structure":
        raw = computation.structure or {}
        s = cls(raw)
        for g in raw.get("groups", []):
            s.groups[g["code"]] = g
            s.children.setdefault(g["parent"], []).append(g)
        s.top = s.children.get(None, [])
        s.indicators = {i["code"]: i for i in raw.get("indicators", [])}
        return s


@dataclass
class RankedCity:
    geonames_id: int
    name: str
    country_code: str
    country_name: str
    region: str
    population: int

    @property
    def country(self) -> str:
        from cityloom.core.i18n import country_name

        return country_name(self.country_code, self.country_name)

    def get_region_display(self) -> str:
        return str(dict(Region.choices).get(self.region, self.region))


@dataclass
class RankedRow:
    """One line of a ranking: read as plain values, without model instances (1,000 cities)."""

    city: RankedCity
    score: float | None
    rank: int | None
    rank_low: float | None
    rank_high: float | None
    coverage: float
    axes: dict

    @property
    def groups(self) -> dict:
        return {code: pair[0] for code, pair in self.axes.items()}

    @property
    def group_ranks(self) -> dict:
        return {code: pair[1] for code, pair in self.axes.items()}


RANKING_FIELDS = (
    "city__geonames_id",
    "city__name",
    "city__country_code",
    "city__country_name",
    "city__region",
    "city__population",
    "score",
    "rank",
    "rank_low",
    "rank_high",
    "coverage",
    "axes",
)


def ranking(
    computation: Computation, *, region: str = "", size: str = "", sort: str = ""
) -> list[RankedRow]:
    """The cities' results, filtered by region and size, sorted by the overall or one axis' rank."""
    rows = computation.results.order_by("rank", "city__name")
    if region:
        rows = rows.filter(city__region=region)
    if size:
        low, high = next(((lo, hi) for key, lo, hi in SIZES if key == size), (0, None))
        rows = rows.filter(city__population__gte=low)
        if high is not None:
            rows = rows.filter(city__population__lt=high)
    out = [
        RankedRow(RankedCity(*values[:6]), *values[6:])
        for values in rows.values_list(*RANKING_FIELDS)
    ]
    big = 10**9
    if sort and sort != "overall":
        out.sort(key=lambda r: ((r.axes.get(sort) or [None, None])[1] or big, r.city.name))
    else:
        out.sort(key=lambda r: (r.rank or big, r.city.name))
    return out


def ranking_page(
    computation: Computation, *, offset: int, limit: int
) -> tuple[int, list[RankedRow]]:
    """The count of the computation's results and one page of them by overall rank.

    The page is cut in SQL: only the rows returned are read and their JSON decoded (the API
    asked for 100 of 1,000 used to rank and decode all 1,000 first).
    """
    rows = computation.results.order_by(F("rank").asc(nulls_last=True), "city__name")
    page = [
        RankedRow(RankedCity(*values[:6]), *values[6:])
        for values in rows.values_list(*RANKING_FIELDS)[offset : offset + limit]
    ]
    return computation.results.count(), page


def scores_on_axis(rows, code: str) -> list[float]:
    """Every available score of one top-level axis (rows carry `axes`: {code: [score, rank]})."""
    return [pair[0] for r in rows if (pair := r.axes.get(code)) and pair[0] is not None]


def score_range(rows, codes: list[str]) -> tuple[float, float]:
    """Low and high of every score shown, so charts of one edition share a scale."""
    values = [r.score for r in rows if r.score is not None]
    for code in codes:
        values += scores_on_axis(rows, code)
    if not values:
        return 0.0, 100.0
    return min(0.0, min(values)), max(100.0, max(values))


@dataclass(frozen=True)
class AxisScore:
    score: float | None
    rank: int | None


def axis_scores(edition: Edition) -> dict[int, dict[str, AxisScore]]:
    """{city id: {axis: score and rank}} of the edition's published results, for other apps.

    Only the top-level groups mapped to one of the six axes count; every city with a result
    is a key, even one without any axis score.
    """
    if edition.published_computation_id is None:
        return {}
    structure = Structure.of(edition.published_computation)
    codes = {g["axis"]: g["code"] for g in structure.top if g.get("axis") in Axis.values}
    rows = CityResult.objects.filter(computation=edition.published_computation_id).values_list(
        "city_id", "groups", "group_ranks"
    )
    return {
        city_id: {
            axis: AxisScore(
                score=None if groups.get(code) is None else float(groups[code]),
                rank=None if ranks.get(code) is None else int(ranks[code]),
            )
            for axis, code in codes.items()
            if groups.get(code) is not None or ranks.get(code) is not None
        }
        for city_id, groups, ranks in rows
    }


def result_value(edition: Edition | None, city_id: int, code: str) -> float | None:
    """The city's score on a group or an indicator in the edition's published results."""
    if edition is None or not code:
        return None
    result = (
        CityResult.objects.filter(computation=edition.published_computation_id, city_id=city_id)
        .values("groups", "indicators")
        .first()
    )
    if result is None:
        return None
    value = result["groups"].get(code, result["indicators"].get(code))
    return None if value is None else float(value)


def previous_editions(edition: Edition) -> list[Edition]:
    return list(
        Edition.objects.published()
        .filter(commission_id=edition.commission_id, year__lt=edition.year)
        .order_by("year")
    )


def trajectory(edition: Edition, city_id: int) -> dict[str, Any] | None:
    """A city's comparable scores across the published editions sharing this edition's base."""
    base_id = edition.base_edition_id
    if base_id is None:
        return None
    later = list(
        Edition.objects.published()
        .filter(
            commission_id=edition.commission_id, base_edition_id=base_id, year__lte=edition.year
        )
        .select_related("published_computation")
        .order_by("year")
    )
    points: list[tuple[int, dict]] = []
    basis = ""
    for e in later:
        row = (
            CityResult.objects.filter(computation_id=e.published_computation_id, city_id=city_id)
            .only("comparable")
            .first()
        )
        if row is None or not row.comparable:
            continue
        if not points:
            points.append((row.comparable.get("base_year"), row.comparable.get("base") or {}))
        points.append((e.year, row.comparable["now"]))
        basis = e.published_computation.comparable_basis
    if len(points) < 2 or not points[0][1]:
        return None
    return {"points": points, "basis": basis}


def progress(result: CityResult) -> dict[str, float | None] | None:
    """Change per group and overall since the base edition, on the comparable basis."""
    comparable = result.comparable or {}
    now, base = comparable.get("now"), comparable.get("base")
    if not now or not base:
        return None
    return {
        code: (now[code] - base[code])
        if now.get(code) is not None and base.get(code) is not None
        else None
        for code in now
    }


def answer_shares(edition: Edition) -> list[dict[str, Any]]:
    """For yes/no and category questions: the share of cities per answer, overall and by region."""
    questions = list(
        edition.framework.nodes.indicators()
        .filter(value_type__in=[Node.ValueType.BOOLEAN, Node.ValueType.CATEGORY])
        .order_by("position")
    )
    if not questions:
        return []
    counted = edition.questionnaires.filter(
        status__in=[Questionnaire.Status.SUBMITTED, Questionnaire.Status.ACCEPTED]
    )
    rows = Value.objects.filter(
        questionnaire__in=counted, indicator__in=questions, number__isnull=False
    ).values_list("indicator_id", "questionnaire__city__region", "number")
    counts: dict[int, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for iid, region, number in rows:
        counts[iid]["all"][number] += 1
        counts[iid][region][number] += 1
    regions = dict(Region.choices)
    out = []
    for q in questions:
        if q.value_type == Node.ValueType.BOOLEAN:
            answers = [(1.0, _("yes")), (0.0, _("no"))]
        else:
            answers = [(float(i + 1), c) for i, c in enumerate(q.categories)]
        by = counts.get(q.pk, {})
        lines = []
        for key in ["all", *sorted(k for k in by if k != "all")]:
            c = by.get(key, Counter())
            n = sum(c.values())
            if not n:
                continue
            lines.append(
                {
                    "label": _("All cities") if key == "all" else regions.get(key, key),
                    "n": n,
                    "shares": [(text, c[v] / n) for v, text in answers],
                }
            )
        out.append({"question": q, "answers": [t for _v, t in answers], "lines": lines})
    return out


def good_experiences(edition: Edition) -> list:
    """Text answers of the counted questionnaires, by axis, for the report and the results page."""
    return list(
        Answer.objects.filter(
            questionnaire__edition=edition,
            questionnaire__status__in=[
                Questionnaire.Status.SUBMITTED,
                Questionnaire.Status.ACCEPTED,
            ],
        )
        .exclude(text="")
        .select_related("questionnaire__city", "group")
        .order_by("group__position", "questionnaire__city__name", "kind")
    )


def published_results_of(city) -> QuerySet[CityResult]:
    """The city's published results, newest edition first."""
    return (
        CityResult.objects.published()
        .filter(city=city)
        .select_related("computation__edition")
        # The computation's snapshot is the run's whole input (about 2 MB with 1,000 cities) and
        # the scores are per indicator: a list of ranks needs neither (30.8 ms to 1.3 ms).
        .defer("computation__snapshot", "groups", "group_ranks", "indicators", "comparable")
        .order_by("-computation__edition__year")
    )


def latest_published_edition(commission) -> Edition | None:
    """The commission's newest edition with published results."""
    return (
        Edition.objects.published()
        .filter(commission=commission, published_computation__isnull=False)
        .select_related("published_computation")
        .order_by("-year")
        .first()
    )
