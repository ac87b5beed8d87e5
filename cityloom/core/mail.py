"""E-mail goes out from a background task, rendered in the recipient's language."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task


def render_mail(template: str, context: dict, *, language: str) -> tuple[str, str]:
    """Subject and body of `<template>_subject.txt` / `<template>.txt` in `language`."""
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}.txt", context)
    return " ".join(subject.splitlines()), body


@task()
def deliver_mail(*, to: str, template: str, context: dict, language: str) -> None:
    subject, body = render_mail(template, context, language=language)
    EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body=body, to=[to]
    ).send()


def queue_mail(*, to: str, template: str, context: dict, language: str) -> None:
    """Send after the surrounding transaction commits: a rolled-back write sends nothing."""
    transaction.on_commit(
        lambda: deliver_mail.enqueue(to=to, template=template, context=context, language=language)
    )
