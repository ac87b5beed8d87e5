from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from cityloom.core.mail import PRERENDERED, queue_mail

from . import throttle


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        # New people are written to in the language they signed up in.
        user.language = translation.get_language() or "en"
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix, email, context):
        # allauth's own mails (address confirmation, password reset) leave through the outbox
        # like every other: sent by a worker, once, not inside the request. They are rendered
        # here, in the reader's language, because their context holds objects and a request.
        message = self.render_mail(template_prefix, email, context)
        subject = message.subject.removeprefix(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX)
        queue_mail(
            to=email,
            template=PRERENDERED,
            context={"subject": subject, "body": message.body},
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )

    def pre_authenticate(self, request, **credentials):
        # Replaces allauth's lock per account (kept in each worker's memory): failures are
        # counted by `throttle` in the shared counters, per (account, address) and per address.
        if throttle.is_login_refused(request, throttle.login_of(credentials)):
            raise forms.ValidationError(
                _(
                    "Too many failed attempts to sign in from your connection. "
                    "Please wait 15 minutes and try again."
                ),
                code="too_many_login_attempts",
            )

    def authentication_failed(self, request, **credentials):
        # Counted once, by the `user_login_failed` receiver in `throttle`.
        pass
