"""Reads shared by the pages, the API and the engine bridge."""

from dataclasses import dataclass, field

from django.db.models import Count, Min, Prefetch, Q

from cityloom.engines.matching import AXES, Candidate
from cityloom.engines.matching import Request as EngineRequest
from cityloom.network.models import City, Commission, Membership
from cityloom.practices.models import Practice
from cityloom.study.models import CityResult, Edition

from .models import MentorCapacity, MentoringRequest, Milestone, Objective, Programme

# A member city that has not said otherwise mentors one programme at a time.
DEFAULT_CAPACITY = 1


@dataclass
class StudyScores:
    """A published edition's scores per city on the six axes, as the engine reads them."""

    edition: Edition | None
    scores: dict[int, dict[str, float]] = field(default_factory=dict)
    ranks: dict[int, dict[str, int]] = field(default_factory=dict)
    n_ranked: int = 0


def latest_edition(commission: Commission) -> Edition | None:
    return (
        Edition.objects.published()
        .filter(commission=commission, published_computation__isnull=False)
        .select_related("published_computation")
        .order_by("-year")
        .first()
    )


def axis_codes(edition: Edition) -> dict[str, str]:
    """{axis: group code} of the framework's top-level groups that carry an axis."""
    structure = edition.published_computation.structure or {}
    return {
        g["axis"]: g["code"]
        for g in structure.get("groups", [])
        if g.get("parent") is None and g.get("axis") in AXES
    }


def study_scores(commission: Commission) -> StudyScores:
    edition = latest_edition(commission)
    if edition is None:
        return StudyScores(edition=None)
    codes = axis_codes(edition)
    out = StudyScores(edition=edition)
    rows = CityResult.objects.filter(computation=edition.published_computation_id).values_list(
        "city_id", "groups", "group_ranks"
    )
    for city_id, groups, group_ranks in rows:
        # Scores outside 0-100 can come from a method without bounds; the engine wants 0-100.
        out.scores[city_id] = {
            axis: min(max(float(groups[code]), 0.0), 100.0)
            for axis, code in codes.items()
            if groups.get(code) is not None
        }
        out.ranks[city_id] = {
            axis: int(group_ranks[code])
            for axis, code in codes.items()
            if group_ranks.get(code) is not None
        }
        out.n_ranked += 1
    return out


def practices_by_city(city_ids, axes: list[str] | None) -> dict[int, list[Practice]]:
    """Published practices of each city, on the given axes (all axes when None or empty)."""
    practices = Practice.objects.published().filter(city_id__in=city_ids).order_by("id")
    if axes:
        practices = practices.filter(axis__in=axes)
    out: dict[int, list[Practice]] = {}
    for practice in practices.only("id", "city_id", "title", "summary", "problem", "solution"):
        out.setdefault(practice.city_id, []).append(practice)
    return out


def practice_text(practice: Practice) -> str:
    return "\n".join([practice.title, practice.summary, practice.problem, practice.solution])


def committed_as_mentor(city_ids) -> dict[int, int]:
    """Running programmes plus pairings waiting for the mentor's answer, per mentor city."""
    running = dict(
        Programme.objects.active()
        .filter(mentor_id__in=city_ids)
        .values_list("mentor_id")
        .annotate(n=Count("id"))
    )
    waiting = dict(
        MentoringRequest.objects.filter(
            status=MentoringRequest.Status.PROPOSED, mentor_id__in=city_ids
        )
        .values_list("mentor_id")
        .annotate(n=Count("id"))
    )
    return {c: running.get(c, 0) + waiting.get(c, 0) for c in set(running) | set(waiting)}


@dataclass
class CandidateData:
    """Everything the engine needs about the commission's possible mentors, plus what to show."""

    candidates: list[Candidate]
    cities: dict[int, City]
    practices: dict[int, list[Practice]]
    study: StudyScores


def candidate_data(commission: Commission, *, axes: list[str] | None = None) -> CandidateData:
    cities = {
        c.pk: c
        for c in City.objects.filter(
            memberships__commission=commission, memberships__status=Membership.Status.ACTIVE
        ).defer("search_names", "description")
    }
    capacity = dict(
        MentorCapacity.objects.filter(city_id__in=cities).values_list("city_id", "max_programmes")
    )
    committed = committed_as_mentor(list(cities))
    practices = practices_by_city(list(cities), axes)
    study = study_scores(commission)
    candidates = [
        Candidate(
            city_id=str(pk),
            axis_scores=study.scores.get(pk, {}),
            axis_ranks=study.ranks.get(pk, {}),
            n_ranked=study.n_ranked,
            practice_texts=tuple(practice_text(p) for p in practices.get(pk, [])),
            languages=frozenset(city.language_list),
            region=city.region or None,
            population=float(city.population) if city.population else None,
            capacity=capacity.get(pk, DEFAULT_CAPACITY),
            active_programmes=committed.get(pk, 0),
        )
        for pk, city in cities.items()
    ]
    return CandidateData(candidates=candidates, cities=cities, practices=practices, study=study)


def engine_request(request: MentoringRequest) -> EngineRequest:
    city = request.city
    need = "\n".join(part for part in (request.topics, request.need) if part)
    return EngineRequest(
        id=str(request.pk),
        city_id=str(city.pk),
        axes=tuple(a for a in AXES if a in request.axes),
        need_text=need,
        languages=frozenset(request.language_list or city.language_list),
        region=city.region or None,
        population=float(city.population) if city.population else None,
    )


def capacity_of(city: City) -> int:
    row = MentorCapacity.objects.filter(city=city).values_list("max_programmes", flat=True).first()
    return DEFAULT_CAPACITY if row is None else row


def _next_milestone():
    return Min("milestones__due_on", filter=Q(milestones__done_on__isnull=True))


def programmes_overview(queryset=None):
    """Programmes with their cities and next open milestone's date, for lists and the API."""
    queryset = Programme.objects.all() if queryset is None else queryset
    return (
        queryset.select_related("mentor", "mentee")
        .defer("mentor__search_names", "mentee__search_names")
        .annotate(next_due_on=_next_milestone())
    )


def public_programmes():
    return programmes_overview(Programme.objects.active()).order_by("-started_on", "id")


def dashboard_programmes(user):
    from cityloom.network.permissions import secretariat_commissions

    return programmes_overview(
        Programme.objects.filter(commission__in=secretariat_commissions(user))
    ).prefetch_related(
        Prefetch(
            "milestones",
            queryset=Milestone.objects.filter(done_on__isnull=True).order_by("due_on", "id"),
            to_attr="open_milestones",
        )
    )


def requests_for_secretariat(user):
    from cityloom.network.permissions import secretariat_commissions

    return (
        MentoringRequest.objects.filter(
            commission__in=secretariat_commissions(user),
            status__in=[MentoringRequest.Status.OPEN, MentoringRequest.Status.PROPOSED],
        )
        .select_related("city", "mentor")
        .order_by("created_at", "id")
    )


def requests_of_city(city: City):
    return MentoringRequest.objects.filter(city=city).select_related("city", "mentor")


def proposals_to_city(city: City):
    return MentoringRequest.objects.filter(
        mentor=city, status=MentoringRequest.Status.PROPOSED
    ).select_related("city", "mentor")


@dataclass
class ObjectiveProgress:
    objective: Objective
    latest: float | None
    latest_year: int | None

    @property
    def change(self) -> float | None:
        if self.latest is None or self.objective.baseline is None:
            return None
        if self.latest_year == self.objective.baseline_year:
            return None
        return self.latest - self.objective.baseline


def study_value(edition: Edition | None, city: City, code: str) -> float | None:
    """The city's score on a group or an indicator of the edition's published results."""
    if edition is None or not code:
        return None
    result = (
        CityResult.objects.filter(computation=edition.published_computation_id, city=city)
        .values("groups", "indicators")
        .first()
    )
    if result is None:
        return None
    value = result["groups"].get(code, result["indicators"].get(code))
    return None if value is None else float(value)


def objectives_progress(programme: Programme) -> list[ObjectiveProgress]:
    """Each objective against the mentee's value in the latest published edition."""
    objectives = list(programme.objectives.all())
    edition = (
        latest_edition(programme.commission) if any(o.indicator_code for o in objectives) else None
    )
    out = []
    for objective in objectives:
        latest = study_value(edition, programme.mentee, objective.indicator_code)
        out.append(
            ObjectiveProgress(
                objective=objective,
                latest=latest,
                latest_year=edition.year if edition and latest is not None else None,
            )
        )
    return out
