"""Dates as each language writes them: Django's `date` filter, plus the French ordinal "1er".

Installed as a template builtin (settings.TEMPLATES), so it replaces the stock `date` filter in
every template without a `{% load %}`: French writes the first day of a month "1er juin 2013",
never "1 juin 2013", and no format string can say so. Everything else is Django's own filter.
"""

import re

from django import template
from django.template.defaultfilters import date as django_date
from django.utils import translation

register = template.Library()

# Formats that begin with the day of the month, by name or as Django's French formats spell them.
_DAY_FIRST = {None, "", "DATE_FORMAT", "DATETIME_FORMAT", "j F Y", "j F Y H:i"}
_LEADING_ONE = re.compile(r"^1(?=\s)")


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    text = django_date(value, arg)
    if (
        text
        and arg in _DAY_FIRST
        and getattr(value, "day", None) == 1
        and (translation.get_language() or "")[:2] == "fr"
    ):
        return _LEADING_ONE.sub("1er", text)
    return text
