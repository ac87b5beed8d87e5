"""Object-level rules of the Study: a city sees and edits only its own questionnaire."""

from cityloom.network.permissions import secretariat_commissions

from .models import Edition, Questionnaire, Value


def can_run_edition(user, edition: Edition) -> bool:
    """The secretariat of the edition's commission runs it (open, review, compute, publish)."""
    return secretariat_commissions(user).filter(pk=edition.commission_id).exists()


def can_view_results(user, edition: Edition) -> bool:
    return edition.is_published or can_run_edition(user, edition)


def is_city_of(user, questionnaire: Questionnaire) -> bool:
    return user.is_authenticated and user.city_id == questionnaire.city_id


def can_view_questionnaire(user, questionnaire: Questionnaire) -> bool:
    """The city's own people, and the secretariat; never another city, draft or not."""
    return is_city_of(user, questionnaire) or can_run_edition(user, questionnaire.edition)


def can_download_evidence(user, questionnaire: Questionnaire) -> bool:
    """Evidence files: the city's own people and the edition's secretariat, and nobody else.

    Not even once the edition is published: the Study's open data are the values, scores and
    ranks (exports.py), under the edition's licence. Evidence backs a value for the review and
    may be a document the city never meant to publish (an internal budget, a contract).
    """
    return can_view_questionnaire(user, questionnaire)


def can_edit_questionnaire(user, questionnaire: Questionnaire) -> bool:
    """The city's focal point, while the edition is open and the questionnaire not submitted.

    Returned values can still be corrected while the secretariat reviews.
    """
    if not (is_city_of(user, questionnaire) and user.is_focal_point):
        return False
    edition_status = questionnaire.edition.status
    if questionnaire.status == Questionnaire.Status.DRAFT:
        return edition_status == Edition.Status.OPEN
    if questionnaire.status == Questionnaire.Status.RETURNED:
        return edition_status in (Edition.Status.OPEN, Edition.Status.REVIEW)
    return False


def can_edit_value(user, questionnaire: Questionnaire, value: Value | None) -> bool:
    """In a returned questionnaire only the returned values may change; the rest stay as submitted."""
    if not can_edit_questionnaire(user, questionnaire):
        return False
    if questionnaire.status == Questionnaire.Status.RETURNED:
        return value is not None and value.review == Value.Review.RETURNED
    return True


def can_review(user, questionnaire: Questionnaire) -> bool:
    return can_run_edition(user, questionnaire.edition) and questionnaire.status in (
        Questionnaire.Status.SUBMITTED,
        Questionnaire.Status.ACCEPTED,
    )


def can_request_reopening(user, questionnaire: Questionnaire) -> bool:
    return (
        is_city_of(user, questionnaire)
        and user.is_focal_point
        and questionnaire.edition.status == Edition.Status.OPEN
        and questionnaire.status in (Questionnaire.Status.SUBMITTED, Questionnaire.Status.ACCEPTED)
    )
