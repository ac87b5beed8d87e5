"""Reads shared by the pages, the API, the downloads, the living report and other apps."""

from .pages import CityProfile, EditionResults, city_profile, edition_results
from .pending import editions_to_run, questionnaires_to_fill
from .questionnaires import (
    completeness,
    questionnaire_sections,
    questionnaires_of_city,
    value_changes,
)
from .results import (
    RANKING_FIELDS,
    SIZES,
    AxisScore,
    RankedCity,
    RankedRow,
    Structure,
    answer_shares,
    axis_scores,
    editions_for,
    good_experiences,
    label,
    latest_published_edition,
    previous_editions,
    progress,
    published_results_of,
    ranking,
    ranking_page,
    result_value,
    results_computation,
    score_range,
    scores_on_axis,
    size_choices,
    size_of,
    trajectory,
)

__all__ = [
    "RANKING_FIELDS",
    "SIZES",
    "AxisScore",
    "CityProfile",
    "EditionResults",
    "RankedCity",
    "RankedRow",
    "Structure",
    "answer_shares",
    "axis_scores",
    "city_profile",
    "completeness",
    "edition_results",
    "editions_for",
    "editions_to_run",
    "good_experiences",
    "label",
    "latest_published_edition",
    "previous_editions",
    "progress",
    "published_results_of",
    "questionnaire_sections",
    "questionnaires_of_city",
    "questionnaires_to_fill",
    "ranking",
    "ranking_page",
    "result_value",
    "results_computation",
    "score_range",
    "scores_on_axis",
    "size_choices",
    "size_of",
    "trajectory",
    "value_changes",
]


def editions_in_report(commission, year: int) -> list:
    """Editions the annual report of `year` tells about, each with `participant_count` and
    `leaders` (the top three of its published results), in three queries.

    Published in `year` or the year before (then disseminated), or open for data or in review
    at some point of `year`.
    """
    import datetime as dt

    from django.db.models import Count, Q

    from cityloom.study.models import CityResult, Edition, Questionnaire

    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    published = Q(status=Edition.Status.PUBLISHED, published_at__year__in=[year - 1, year])
    running = Q(status__in=[Edition.Status.OPEN, Edition.Status.REVIEW], opens_on__lte=end) & (
        Q(closes_on__isnull=True) | Q(closes_on__gte=start)
    )
    editions = list(
        Edition.objects.filter(published | running, commission=commission)
        .annotate(
            questionnaire_count=Count(
                "questionnaires",
                filter=Q(
                    questionnaires__status__in=[
                        Questionnaire.Status.SUBMITTED,
                        Questionnaire.Status.ACCEPTED,
                    ]
                ),
                distinct=True,
            ),
            result_count=Count("published_computation__results", distinct=True),
        )
        .order_by("year", "pk")
    )
    computations = [e.published_computation_id for e in editions if e.published_computation_id]
    leaders: dict[int, list] = {}
    top = (
        CityResult.objects.filter(computation_id__in=computations, rank__lte=3)
        .select_related("city")
        .order_by("rank", "city__name")
    )
    for result in top:
        leaders.setdefault(result.computation_id, []).append(result)
    for edition in editions:
        is_published = edition.status == Edition.Status.PUBLISHED
        edition.participant_count = (
            edition.result_count
            if is_published and edition.published_computation_id
            else edition.questionnaire_count
        )
        edition.leaders = leaders.get(edition.published_computation_id, [])
    return editions
