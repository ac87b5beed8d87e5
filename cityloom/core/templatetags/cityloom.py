import html
import re

from django import template
from django.template.loader import get_template
from django.urls import reverse, translate_url
from django.utils.html import format_html, strip_tags
from django.utils.translation import get_language_from_path

from cityloom.core.i18n import Text, lang_attribute

register = template.Library()


@register.simple_tag(takes_context=True)
def url_in_language(context, language: str) -> str:
    """The current page in another language (same path under `/<language>/`)."""
    request = context["request"]
    path = request.get_full_path()
    translated = translate_url(path, language)
    if translated == path:
        # An address that resolves to nothing (a 404 page): swap the language prefix itself.
        current = get_language_from_path(request.path_info)
        if current and current != language:
            translated = path.replace(f"/{current}/", f"/{language}/", 1)
    return translated


def _crumb_href(target) -> str:
    """A crumb's link: an object's own URL, a path, or a view name without arguments."""
    if not target:
        return ""
    if hasattr(target, "get_absolute_url"):
        return target.get_absolute_url()
    target = str(target)
    if target.startswith(("/", "http://", "https://", "#")):
        return target
    return reverse(target)


class PageHeaderNode(template.Node):
    def __init__(self, args, nodelist):
        self.args = args
        self.nodelist = nodelist

    def render(self, context):
        values = [arg.resolve(context) for arg in self.args]
        body = self.nodelist.render(context)
        if len(values) % 2:
            current = values.pop()
        else:  # The current page is named by the page's own title.
            match = _H1.search(body)
            current = " ".join(html.unescape(strip_tags(match.group(1))).split()) if match else ""
            # A title that is user content in another language keeps saying so in the crumbs.
            foreign = _IN_LANG.fullmatch(match.group(1).strip()) if match else None
            if foreign:
                current = Text(current, foreign.group(1))
        crumbs = [
            (label, _crumb_href(target))
            for label, target in zip(values[::2], values[1::2], strict=True)
            if label
        ]
        return get_template("core/_page_header.html").render(
            {"crumbs": crumbs, "current": current, "body": body}
        )


_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)
_IN_LANG = re.compile(r'<span lang="([a-zA-Z-]+)">([^<]*)</span>')


@register.tag
def page_header(parser, token):
    """The page header of the design system: Home / crumbs / current page, then the title.

    ``{% page_header _("Study") "study:home" edition.display_title edition %}<h1>…</h1>{% endpage_header %}``
    takes (label, target) pairs, a target being an object with ``get_absolute_url``, a path
    or a view name, and a pair with an empty label is left out (``project.display_title project``
    when there may be no project); an optional last label names the current page, else the page's ``<h1>``
    does. The body (title, lead, actions) is wrapped in ``<header class="page-header">``.
    """
    bits = token.split_contents()[1:]
    nodelist = parser.parse(("endpage_header",))
    parser.delete_first_token()
    return PageHeaderNode([parser.compile_filter(bit) for bit in bits], nodelist)


@register.simple_tag
def lang_attr(value) -> str:
    """`<h1{% lang_attr project.display_title %}>`: the element says its language when the text
    is user content in another language than the page (see `cityloom.core.i18n.Text`)."""
    return lang_attribute(value)


@register.filter
def in_lang(value):
    """`{{ project.display_title|in_lang }}`: inline user content in another language than the
    page comes wrapped in `<span lang="…">` (for text inside a sentence or a table cell)."""
    attribute = lang_attribute(value)
    return format_html("<span{}>{}</span>", attribute, value) if attribute else value


@register.simple_tag
def colon() -> str:
    """The separator between a label and what follows, as each language sets it: French puts a
    no-break space before the colon ("Rôle : hôte"), English and Spanish do not."""
    from django.utils.translation import pgettext

    return pgettext("separator between a label and its text", ": ")
