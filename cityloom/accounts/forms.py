"""allauth's anonymous forms, limited per address and per recipient in the shared counters."""

from allauth.account import forms as allauth_forms
from allauth.core import context
from django import forms
from django.utils.translation import gettext as _

from . import throttle


def _refuse_if_throttled(form, *, scope: str, per_address) -> None:
    recipient = form.cleaned_data.get("email") or ""
    if not throttle.allows_anonymous_mail(
        context.request, scope=scope, per_address=per_address, recipient=recipient
    ):
        raise forms.ValidationError(
            _(
                "Too many requests from your connection or for this address. Please try again in an hour."
            ),
            code="rate_limited",
        )


class SignupForm(allauth_forms.SignupForm):
    def clean(self):
        cleaned_data = super().clean()
        if not self.errors:
            _refuse_if_throttled(self, scope="signup", per_address=throttle.SIGNUPS_PER_ADDRESS)
        return cleaned_data


class ResetPasswordForm(allauth_forms.ResetPasswordForm):
    def clean(self):
        cleaned_data = super().clean()
        if not self.errors:
            _refuse_if_throttled(
                self, scope="password-reset", per_address=throttle.PASSWORD_RESETS_PER_ADDRESS
            )
        return cleaned_data
