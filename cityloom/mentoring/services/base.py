"""What the writes of mentoring share: the mails to a city or to a secretariat."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from cityloom.core.mail import queue_mail
from cityloom.network.models import City, Commission

User = get_user_model()


def focal_points(city: City):
    return User.objects.filter(city=city, role=User.Role.FOCAL_POINT, is_active=True)


def site_url(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def mail_city(city: City, template: str, context: dict) -> None:
    for person in focal_points(city):
        queue_mail(to=person.email, template=template, context=context, language=person.language)


def mail_secretariat(commission: Commission, template: str, context: dict) -> None:
    emails = {p.email: p.language for p in commission.secretariat.all()}
    if commission.secretariat_email and commission.secretariat_email not in emails:
        emails[commission.secretariat_email] = settings.LANGUAGE_CODE[:2]
    for email, language in emails.items():
        queue_mail(to=email, template=template, context=context, language=language)
