"""The secretariat's review: accept a questionnaire, return values with comments, reopen."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cityloom.core.mail import queue_mail
from cityloom.core.models import record
from cityloom.study import permissions
from cityloom.study.models import Questionnaire, Value, ValueChange

from .problems import Problem
from .questionnaire import QuestionnaireError

User = get_user_model()


def _tell_city(questionnaire: Questionnaire, template: str, **context) -> None:
    """Each focal point of the city, in their own language."""
    for person in User.objects.filter(city_id=questionnaire.city_id, role=User.Role.FOCAL_POINT):
        with translation.override(person.language):
            url = settings.SITE_URL + questionnaire.get_absolute_url()
        queue_mail(
            to=person.email,
            template=f"study/email/{template}",
            context={
                "city": questionnaire.city.name,
                "edition": questionnaire.edition.title,
                "url": url,
                **context,
            },
            language=person.language,
        )


def accept_questionnaire(questionnaire: Questionnaire, *, by) -> None:
    if not permissions.can_review(by, questionnaire):
        raise PermissionDenied(
            _("Only the edition's secretariat reviews a submitted questionnaire.")
        )
    with transaction.atomic():
        questionnaire.status = Questionnaire.Status.ACCEPTED
        questionnaire.reviewed_at = timezone.now()
        questionnaire.save(update_fields=["status", "reviewed_at", "updated_at"])
        record("questionnaire.accept", questionnaire, actor=by)


def return_values(questionnaire: Questionnaire, *, by, comments: dict[int, str]) -> int:
    """Return the commented values to the city; the others stay locked as submitted."""
    if not permissions.can_review(by, questionnaire):
        raise PermissionDenied(
            _("Only the edition's secretariat reviews a submitted questionnaire.")
        )
    comments = {pk: text.strip()[:2000] for pk, text in comments.items() if text.strip()}
    if not comments:
        raise QuestionnaireError(
            [
                Problem(
                    _("Write a comment on at least one value."), where="comments", field="comment"
                )
            ]
        )
    values = {v.pk: v for v in questionnaire.values.filter(pk__in=comments)}
    if len(values) != len(comments):
        raise QuestionnaireError(
            [
                Problem(
                    _("A value does not belong to this questionnaire."),
                    where="comments",
                    field="comment",
                )
            ]
        )
    with transaction.atomic():
        for pk, text in comments.items():
            value = values[pk]
            value.review, value.review_comment = Value.Review.RETURNED, text
            value.save(update_fields=["review", "review_comment", "updated_at"])
            ValueChange.objects.create(
                value=value,
                action=ValueChange.Action.RETURN,
                old_number=value.number,
                new_number=value.number,
                details={"comment": text},
                by=by,
            )
        questionnaire.status = Questionnaire.Status.RETURNED
        questionnaire.reviewed_at = timezone.now()
        questionnaire.save(update_fields=["status", "reviewed_at", "updated_at"])
        record(
            "questionnaire.return",
            questionnaire,
            actor=by,
            values=[values[pk].indicator.code for pk in comments],
        )
        _tell_city(questionnaire, "returned", count=len(comments))
    return len(comments)


def reopen_questionnaire(questionnaire: Questionnaire, *, by) -> None:
    """Back to draft, every value editable again (on the city's request)."""
    if not permissions.can_run_edition(by, questionnaire.edition):
        raise PermissionDenied(_("Only the edition's secretariat reopens a questionnaire."))
    if questionnaire.status == Questionnaire.Status.DRAFT:
        return
    with transaction.atomic():
        questionnaire.status = Questionnaire.Status.DRAFT
        questionnaire.reopen_requested = ""
        questionnaire.save(update_fields=["status", "reopen_requested", "updated_at"])
        record("questionnaire.reopen", questionnaire, actor=by)
        _tell_city(questionnaire, "reopened")
