"""What every project service shares: the error users see, the audit trail, e-mail helpers."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from cityloom.core.errors import ServiceError
from cityloom.core.mail import queue_mail
from cityloom.core.models import record
from cityloom.network import queries as network_queries

__all__ = ["PermissionDenied", "ProjectError", "focal_points", "mail_person", "record", "site_url"]


class ProjectError(ServiceError):
    """A request that must not be recorded; the message is for the person who made it."""


def site_url(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def focal_points(city) -> list:
    return [p for p in network_queries.city_focal_points(city) if p.is_active and p.email]


def mail_person(person, template: str, context, *, key: str | None = None) -> None:
    """Queue `projects/email/<template>` to `person` in their language; `context` is a callable
    run in that language (so dates and labels are the reader's), returning plain strings."""
    with translation.override(person.language):
        values = {"name": str(person), **context()}
    queue_mail(
        to=person.email,
        template=f"projects/email/{template}",
        context=values,
        language=person.language,
        key=key,
    )
