"""What the Study has waiting for a person: editions to run, questionnaires to fill in."""

from django.db.models import Count, Min, OuterRef, Q, Subquery

from cityloom.network.permissions import secretariat_commissions
from cityloom.study.models import Computation, Edition, Node, Questionnaire, Value


def editions_to_run(user) -> list[Edition]:
    """The unpublished editions `user`'s secretariat runs, oldest year first, annotated with
    what decides their next step: `questionnaire_count`, `submitted_count` (and
    `submitted_since`), `returned_count` (values returned and not corrected, and
    `returned_since`), and `computation_status` (of the latest computation, or None)."""
    submitted = Q(questionnaires__status=Questionnaire.Status.SUBMITTED)
    returned = Q(questionnaires__values__review=Value.Review.RETURNED)
    latest = Computation.objects.filter(edition=OuterRef("pk")).order_by("-created_at", "-id")
    return list(
        Edition.objects.filter(commission__in=secretariat_commissions(user))
        .exclude(status=Edition.Status.PUBLISHED)
        .annotate(
            questionnaire_count=Count("questionnaires", distinct=True),
            submitted_count=Count("questionnaires", filter=submitted, distinct=True),
            submitted_since=Min("questionnaires__submitted_at", filter=submitted),
            returned_count=Count("questionnaires__values", filter=returned, distinct=True),
            returned_since=Min("questionnaires__values__updated_at", filter=returned),
            computation_status=Subquery(latest.values("status")[:1]),
        )
        .order_by("year", "pk")
    )


def questionnaires_to_fill(city_id: int) -> list[Questionnaire]:
    """The city's questionnaires of open editions still in its hands (draft, or returned),
    with `answered` (indicators with a value), `returned_count` and `indicator_count`."""
    indicators = (
        Node.objects.filter(framework=OuterRef("edition__framework"), is_indicator=True)
        .order_by()
        .values("framework")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        Questionnaire.objects.filter(
            city_id=city_id,
            edition__status=Edition.Status.OPEN,
            status__in=[Questionnaire.Status.DRAFT, Questionnaire.Status.RETURNED],
        )
        .select_related("edition", "city")
        .annotate(
            answered=Count("values", filter=Q(values__number__isnull=False), distinct=True),
            returned_count=Count(
                "values", filter=Q(values__review=Value.Review.RETURNED), distinct=True
            ),
            indicator_count=Subquery(indicators[:1]),
        )
        .order_by("edition__closes_on", "edition__year")
    )
