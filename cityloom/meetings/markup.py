"""Session notes are Markdown written by participants: render it with no raw HTML and safe links."""

import html
import re
import xml.etree.ElementTree as ET

import markdown
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

# A link may point to the web, to an address, or stay on this site; nothing else runs.
SAFE_URL = re.compile(r"^(https?:|mailto:|/|#|\?|[^:/?#]*(?:[/?#]|$))", re.IGNORECASE)


def is_safe_url(url: str) -> bool:
    # Browsers ignore control characters and whitespace inside a scheme: `java\tscript:`.
    cleaned = re.sub(r"[\x00-\x20\x7f]+", "", html.unescape(url))
    return bool(SAFE_URL.match(cleaned))


class _SafeLinks(Treeprocessor):
    def run(self, root: ET.Element) -> None:
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is not None and not is_safe_url(value):
                    element.set(attribute, "#")
            if element.tag == "a":
                element.set("rel", "nofollow noopener")


class _NoRawHtml(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # the name is Markdown's API
        # Without these two, raw HTML is not passed through: Markdown escapes it as text.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_SafeLinks(md), "safe_links", 0)


def render_markdown(text: str) -> SafeString:
    """HTML of `text`: Markdown with tables and fenced code; raw HTML shown as text."""
    md = markdown.Markdown(
        extensions=["fenced_code", "tables", "sane_lists", _NoRawHtml()],
        output_format="html",
    )
    return mark_safe(md.convert(text))  # raw HTML is disabled above
