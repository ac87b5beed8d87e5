import html
import re

from django import template
from django.template.loader import get_template
from django.urls import reverse, translate_url
from django.utils.html import strip_tags

register = template.Library()


@register.simple_tag(takes_context=True)
def url_in_language(context, language: str) -> str:
    """The current page in another language (same path under `/<language>/`)."""
    request = context["request"]
    return translate_url(request.get_full_path(), language)


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
        crumbs = [
            (label, _crumb_href(target))
            for label, target in zip(values[::2], values[1::2], strict=True)
            if label
        ]
        return get_template("core/_page_header.html").render(
            {"crumbs": crumbs, "current": current, "body": body}
        )


_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)


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
