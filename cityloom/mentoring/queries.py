"""Reads shared by the pages, the API and the engine bridge."""

from dataclasses import dataclass, field

from django.db.models import Count, Min, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from cityloom.core.axes import Axis
from cityloom.core.languages import language_name
from cityloom.engines import matching
from cityloom.engines.matching import AXES, Candidate
from cityloom.engines.matching import Request as EngineRequest
from cityloom.network import queries as network_queries
from cityloom.network.models import City, Commission, Region
from cityloom.practices import queries as practices_queries
from cityloom.practices.models import Practice
from cityloom.study import queries as study_queries
from cityloom.study.models import Edition

from .errors import MentoringError
from .models import Health, MentorCapacity, MentoringRequest, Milestone, Objective, Programme

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
    return study_queries.latest_published_edition(commission)


def study_scores(commission: Commission) -> StudyScores:
    edition = latest_edition(commission)
    if edition is None:
        return StudyScores(edition=None)
    by_city = study_queries.axis_scores(edition)
    out = StudyScores(edition=edition, n_ranked=len(by_city))
    for city_id, axes in by_city.items():
        # Scores outside 0-100 can come from a method without bounds; the engine wants 0-100.
        out.scores[city_id] = {
            axis: min(max(s.score, 0.0), 100.0) for axis, s in axes.items() if s.score is not None
        }
        out.ranks[city_id] = {axis: s.rank for axis, s in axes.items() if s.rank is not None}
    return out


def practices_by_city(city_ids, axes: list[str] | None) -> dict[int, list[Practice]]:
    """Published practices of each city, on the given axes (all axes when None or empty)."""
    practices = practices_queries.published_of_cities(city_ids)
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
        for c in network_queries.active_member_cities([commission]).defer(
            "search_names", "description"
        )
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
            languages=frozenset(city.languages),
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
        languages=frozenset(request.languages or city.languages),
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


def city_programmes(city: City) -> list[Programme]:
    """The city's programmes, as mentor and as mentee, with their next open milestone's date."""
    return list(programmes_overview(Programme.objects.of_city(city)))


def member_commissions(city: City):
    """The commissions the city is an active member of: where it may ask for a mentor."""
    return network_queries.active_commissions_of(city)


def possible_mentors(request: MentoringRequest):
    """The active member cities of the request's commission, but the asking city."""
    return (
        network_queries.active_member_cities([request.commission])
        .exclude(pk=request.city_id)
        .only("pk", "name", "country_name", "country_code")
    )


def city_by_pk(pk: int) -> City | None:
    return network_queries.city_by_pk(pk)


def programme_of_request(request: MentoringRequest) -> Programme | None:
    return Programme.objects.filter(request=request).first()


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


def objectives_progress(programme: Programme) -> list[ObjectiveProgress]:
    """Each objective against the mentee's value in the latest published edition."""
    objectives = list(programme.objectives.all())
    edition = (
        latest_edition(programme.commission) if any(o.indicator_code for o in objectives) else None
    )
    out = []
    for objective in objectives:
        latest = study_queries.result_value(edition, programme.mentee_id, objective.indicator_code)
        out.append(
            ObjectiveProgress(
                objective=objective,
                latest=latest,
                latest_year=edition.year if edition and latest is not None else None,
            )
        )
    return out


# Suggestions: the engine's reads of who could mentor whom; nothing is recorded.


@dataclass
class Reason:
    """One criterion of a suggestion, with the objects its numbers refer to."""

    criterion: str
    value: float
    weight: float
    contribution: float
    detail: object
    practice: object = None
    axes: list | None = None
    languages: list[str] | None = None
    region: str = ""

    @property
    def points(self) -> float:
        return self.contribution * 100


@dataclass
class MentorSuggestion:
    city: City
    rank: int
    total: float
    reasons: list[Reason]

    @property
    def percent(self) -> float:
        return round(self.total * 100, 1)


@dataclass
class SuggestionList:
    suggestions: list[MentorSuggestion]
    edition: object
    n_eligible: int
    n_unavailable: int


def suggest_mentors(request: MentoringRequest, *, limit: int = 10) -> SuggestionList:
    """The engine's ranked mentors for a request, with the Study results and practices behind them."""
    data = candidate_data(request.commission, axes=request.axes)
    try:
        pool = matching.build_pool(data.candidates)
        result = matching.suggest(
            engine_request(request), pool, limit=limit, excluded=_declined([request])
        )
    except matching.MatchingError as exc:
        raise MentoringError(
            _("The suggestions could not be computed (%(error)s).") % {"error": exc}
        ) from exc
    out = []
    for s in result.suggestions:
        city_pk = int(s.city_id)
        reasons = []
        for c in s.criteria:
            reason = Reason(
                criterion=str(c.criterion),
                value=c.value,
                weight=c.weight,
                contribution=c.contribution,
                detail=c.detail,
            )
            if c.criterion == matching.Criterion.PRACTICES and c.detail.practice_index is not None:
                reason.practice = data.practices[city_pk][c.detail.practice_index]
            if c.criterion == matching.Criterion.LANGUAGE:
                reason.languages = [language_name(code) for code in c.detail.shared]
            if c.criterion == matching.Criterion.CONTEXT and c.detail.region:
                reason.region = str(Region(c.detail.region).label)
            if c.criterion == matching.Criterion.STRENGTH:
                reason.axes = [
                    {
                        "axis": Axis(a.axis).label,
                        "score": a.score,
                        "rank": a.rank,
                        "n_ranked": a.n_ranked,
                    }
                    for a in c.detail.axes
                ]
            reasons.append(reason)
        out.append(
            MentorSuggestion(city=data.cities[city_pk], rank=s.rank, total=s.total, reasons=reasons)
        )
    return SuggestionList(
        suggestions=out,
        edition=data.study.edition,
        n_eligible=result.n_eligible,
        n_unavailable=result.n_unavailable,
    )


@dataclass
class PairingPlan:
    """The exact assignment of every open request, beside the one-by-one choice."""

    rows: list[dict]
    assignment: matching.Assignment | None
    edition: object


def _declined(requests) -> dict[str, frozenset[str]]:
    """The engine's exclusions: each request's declining cities, as engine ids."""
    return {str(r.pk): frozenset(str(c.pk) for c in r.declined_by.all()) for r in requests}


def plan_pairings(commission: Commission) -> PairingPlan:
    """Pair every open request at once, maximising total suitability under each city's capacity."""
    requests = list(
        MentoringRequest.objects.open()
        .filter(commission=commission)
        .select_related("city")
        .prefetch_related("declined_by")
        .order_by("created_at", "id")
    )
    data = candidate_data(commission)
    if not requests:
        return PairingPlan(rows=[], assignment=None, edition=data.study.edition)
    try:
        pool = matching.build_pool(data.candidates)
        # A city that declined a request is never proposed to it again: the optimum avoids it.
        assignment = matching.assign(
            [engine_request(r) for r in requests], pool, excluded=_declined(requests)
        )
    except matching.MatchingError as exc:
        raise MentoringError(
            _(
                "The pairing of every request could not be computed (%(error)s): pair them one by one."
            )
            % {"error": exc}
        ) from exc
    rows = []
    for request, match in zip(requests, assignment.matches, strict=True):
        city = data.cities.get(int(match.city_id)) if match.city_id else None
        greedy = data.cities.get(int(match.greedy_city_id)) if match.greedy_city_id else None
        rows.append(
            {
                "request": request,
                "mentor": city,
                "suitability": match.suitability,
                "greedy": greedy,
                "greedy_suitability": match.greedy_suitability,
                "changed": match.changed,
            }
        )
    return PairingPlan(rows=rows, assignment=assignment, edition=data.study.edition)


def secretariat_follow_up(user) -> dict:
    """What the mentoring dashboard of `user`'s secretariat has to act on: requests waiting for
    a mentor proposal and active programmes at risk or late (each `count` and `since`)."""
    from cityloom.network.permissions import secretariat_commissions

    commissions = secretariat_commissions(user)
    return {
        "requests": MentoringRequest.objects.open()
        .filter(commission__in=commissions)
        .aggregate(count=Count("pk"), since=Min("created_at")),
        "troubled": Programme.objects.active()
        .filter(commission__in=commissions, status__in=[Health.AT_RISK, Health.LATE])
        .aggregate(count=Count("pk"), since=Min("updated_at")),
    }


def city_follow_up(city_id: int) -> dict:
    """A city's requests still waiting (`own`), mentor proposals it has to answer
    (`to_answer`), each `count` and `since`."""
    return {
        "own": MentoringRequest.objects.filter(
            city_id=city_id,
            status__in=[MentoringRequest.Status.OPEN, MentoringRequest.Status.PROPOSED],
        ).aggregate(count=Count("pk"), since=Min("created_at")),
        "to_answer": MentoringRequest.objects.filter(
            mentor_id=city_id, status=MentoringRequest.Status.PROPOSED
        ).aggregate(count=Count("pk"), since=Min("proposed_at")),
    }


def city_programmes_ahead(city_id: int) -> list[Programme]:
    """The city's active programmes with their next open milestone: `next_due_on`,
    `next_title`, `next_stage`, and `overdue` (open milestones past their date)."""
    upcoming = Milestone.objects.filter(programme=OuterRef("pk"), done_on__isnull=True).order_by(
        "due_on", "id"
    )
    return list(
        Programme.objects.active()
        .filter(Q(mentor_id=city_id) | Q(mentee_id=city_id))
        .select_related("mentor", "mentee")
        .defer("mentor__search_names", "mentee__search_names")
        .annotate(
            next_due_on=Subquery(upcoming.values("due_on")[:1]),
            next_title=Subquery(upcoming.values("title")[:1]),
            next_stage=Subquery(upcoming.values("stage")[:1]),
            overdue=Count(
                "milestones",
                filter=Q(
                    milestones__done_on__isnull=True,
                    milestones__due_on__lt=timezone.localdate(),
                ),
            ),
        )
        .order_by("started_on", "pk")
    )


def programmes_active_in(commission: Commission, year: int) -> list[Programme]:
    """Programmes running at some point of `year` (started by its end, not closed before it),
    with both cities and their milestones (three queries)."""
    return list(
        Programme.objects.filter(commission=commission, started_on__year__lte=year)
        .exclude(closed_on__year__lt=year)
        .select_related("mentor", "mentee")
        .prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by("due_on")))
        .order_by("started_on", "pk")
    )
