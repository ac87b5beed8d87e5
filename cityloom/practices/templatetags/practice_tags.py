from django import template

from cityloom.practices import queries

register = template.Library()


@register.filter
def reader_texts(practice):
    """`{% with t=practice|reader_texts %}`: title, summary, problem, solution and results in
    the reader's language where translated, else the original, each with its `lang`."""
    return queries.reader_texts(practice)
