"""A person's choice about optional mail, from the signed link in every optional e-mail."""

from django.contrib.auth import get_user_model
from django.db import transaction

from cityloom.communications.models import MailPreference
from cityloom.core.models import record

from .base import CommunicationsError, person_of_unsubscribe_token

User = get_user_model()


def person_of_token(token: str):
    pk = person_of_unsubscribe_token(token)
    return None if pk is None else User.objects.filter(pk=pk, is_active=True).first()


def set_optional_mail(token: str, *, wanted: bool) -> MailPreference:
    """Record the choice of the person the signed `token` names."""
    from django.utils.translation import gettext as _

    person = person_of_token(token)
    if person is None:
        raise CommunicationsError(_("This link is not valid. Use the link of a recent e-mail."))
    with transaction.atomic():
        preference, _created = MailPreference.objects.select_for_update().get_or_create(
            person=person
        )
        preference.wants_optional_mail = wanted
        preference.save()
        record("mail.optional_on" if wanted else "mail.optional_off", preference, actor=person)
    return preference
