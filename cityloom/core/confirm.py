"""Irreversible actions ask first: a page that says what will happen (who is e-mailed), then
the POST that acts. It works without JavaScript: the form that asks for the action lands on
this page, and only a POST carrying the confirmation field acts."""

from collections.abc import Iterable

from django.http import HttpResponse
from django.shortcuts import render

FIELD = "confirm"
VALUE = "yes"


def is_confirmed(request) -> bool:
    """Whether the request is the POST of a confirmation page (anything else must not act)."""
    return request.method == "POST" and request.POST.get(FIELD) == VALUE


def page(
    request,
    *,
    title: str,
    consequences: Iterable[str],
    action: str,
    confirm_label: str,
    cancel_url: str,
    hidden: Iterable[tuple[str, str]] = (),
    fields: Iterable = (),
    form=None,
) -> HttpResponse:
    """The confirmation page: `consequences` are whole sentences; `hidden` carries the values
    already chosen; `fields` are bound fields of `form` still editable (e.g. a message), whose
    errors the page sums up."""
    return render(
        request,
        "core/confirm.html",
        {
            "title": title,
            "consequences": list(consequences),
            "action": action,
            "confirm_label": confirm_label,
            "cancel_url": cancel_url,
            "hidden": list(hidden),
            "fields": list(fields),
            "form": form,
            "confirm_field": FIELD,
            "confirm_value": VALUE,
        },
    )
